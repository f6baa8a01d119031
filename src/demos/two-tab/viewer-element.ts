/**
 * <session-viewer>: opens a session the two-tab demo saved (a file chosen, dropped or pasted) and
 * draws it with the demo's own panels (panels/draw.ts). Everything happens in this page: the file
 * is read by the browser, parsed by session-file.ts and drawn as text. Nothing here opens a
 * network connection (no signaling, no RTCPeerConnection); the only thing loaded later is the
 * site's own Mermaid bundle, to draw the timeline.
 */
import { announceText, el, part, replaceChildren } from "../../lib/dom.ts";
import { toSequenceDiagram } from "../../shared/timeline/sequence-diagram.ts";
import { experimentsLabel } from "./experiments.ts";
import { readPairs } from "./pairs.ts";
import { drawCandidates, drawDiagram, drawIceServers, drawPairs, drawRuns, drawSdp, drawTimelineList, followCandidateLinks, latestRunEvents, onThemeChange } from "./panels/draw.ts";
import { drawStats } from "./panels/draw-stats.ts";
import { drawPairMatrix, wirePairMatrix } from "./panels/draw-matrix.ts";
import { readSessionFile, sessionFileSizeError, type SessionFile, type SessionFileError } from "./session-file.ts";
import { EMPTY_STATS_HISTORY } from "./stats-history.ts";

export class SessionViewerElement extends HTMLElement {
  private wired = false;
  private diagramSource = "";
  private diagramCount = 0;
  /** Diagrams are drawn one after another, so a file opened while the last one draws wins. */
  private diagrams: Promise<void> = Promise.resolve();

  connectedCallback(): void {
    if (this.wired) return;
    this.wired = true;
    const input = part<HTMLInputElement>(this, "file");
    input.addEventListener("change", () => {
      const file = input.files?.[0];
      if (file) void this.openFile(file);
    });
    this.wireDropZone(part(this, "drop-zone"));
    const paste = part<HTMLTextAreaElement>(this, "paste");
    part<HTMLFormElement>(this, "paste-form").addEventListener("submit", (event) => {
      event.preventDefault();
      if (paste.value.trim() === "") this.fail({ kind: "not-json", message: "Paste the text of a saved session file first." });
      else this.open(paste.value, "the pasted JSON");
    });
    followCandidateLinks(this);
    wirePairMatrix(this);
    onThemeChange(() => {
      if (this.diagramSource !== "") this.queueDiagram();
    });
    part(this, "status").textContent = "No session open yet.";
  }

  private wireDropZone(zone: HTMLElement): void {
    zone.addEventListener("dragover", (event) => {
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
      zone.classList.add("sv-dragging");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("sv-dragging"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("sv-dragging");
      const file = event.dataTransfer?.files[0];
      if (file) void this.openFile(file);
      else this.fail({ kind: "not-json", message: "Nothing to open: drop a saved session file (.json)." });
    });
  }

  private async openFile(file: File): Promise<void> {
    // The size first, from the file's metadata: an oversized file is never read into memory.
    const tooLarge = sessionFileSizeError(file.size);
    if (tooLarge) {
      this.fail(tooLarge);
      return;
    }
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      this.fail({ kind: "not-json", message: `The file could not be read (${error instanceof Error ? error.message : String(error)}).` });
      return;
    }
    this.open(text, file.name);
  }

  private open(text: string, source: string): void {
    const result = readSessionFile(text);
    if (!result.ok) {
      this.fail(result.error);
      return;
    }
    const error = part(this, "error");
    error.hidden = true;
    error.textContent = "";
    this.show(result.session, source);
  }

  /** An error changes nothing but the alert: a session already open stays as it was. */
  private fail(error: SessionFileError): void {
    const box = part(this, "error");
    box.dataset["kind"] = error.kind;
    box.hidden = false;
    announceText(box, error.message);
  }

  private show(file: SessionFile, source: string): void {
    const session = part(this, "session");
    session.hidden = false;
    part(this, "status").textContent = `Showing ${source}.`;
    part(this, "source").textContent = source;
    part(this, "exported").textContent = exportedAt(file.exportedAt);
    part(this, "masked").textContent = file.masked ? "masked (replaced by placeholders such as x.x.x.1)" : "not masked (the real addresses)";
    part(this, "room").textContent = file.roomId ?? "—";
    part(this, "role").textContent = file.role ? `${file.role} (chosen by the signaling server)` : "—";
    part(this, "connection-state").textContent = file.connectionState;
    replaceChildren(part(this, "dtls-state"), file.dtlsState === undefined ? "not in this file" : el("code", {}, file.dtlsState));
    part(this, "experiments").textContent = experimentsLabel(file.experiments);
    drawIceServers(this, file.iceServers.length === 0 ? "none: host candidates only" : file.iceServers);

    const selected = file.pairs.find((p) => p.id === file.selectedPair);
    const role = readPairs(file.stats).role;
    drawPairs(this, { pairs: file.pairs, selected, role, why: file.why }, "No pairs in this file.");
    drawStats(this, file.statsHistory ?? EMPTY_STATS_HISTORY);
    drawCandidates(this, file.candidates, "None in this file.");
    drawPairMatrix(this, file.candidates, file.pairs, role, "No candidates in this file, so nothing to pair.");
    for (const side of ["local", "remote"] as const) {
      // A new file starts folded, whatever the last one had open.
      replaceChildren(part(this, `${side}-sdp`));
      drawSdp(this, side, side === "local" ? file.localSdp : file.remoteSdp, "No description in this file.");
    }
    drawRuns(this, file.runs, "No runs in this file.", "not reached");
    drawTimelineList(this, file.timeline);
    this.diagramSource = file.timeline.length === 0 ? "" : toSequenceDiagram(latestRunEvents(file.timeline, file.runs));
    this.queueDiagram();
  }

  private queueDiagram(): void {
    const source = this.diagramSource;
    if (source === "") {
      const canvas = part(this, "diagram");
      replaceChildren(canvas, el("p", {}, "No steps in this file."));
      canvas.dataset["rendered"] = "empty";
      part(this, "diagram-source").textContent = "";
      return;
    }
    this.diagramCount += 1;
    const id = `session-diagram-${this.diagramCount}`;
    this.diagrams = this.diagrams.then(() => drawDiagram(this, source, id));
  }
}

/** "23 Nov 2026, 21:00:00 (2026-11-23T21:00:00.000Z)", or the file's text as it is. */
function exportedAt(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" })} (${iso})`;
}

export function defineSessionViewer(): void {
  if (!customElements.get("session-viewer")) customElements.define("session-viewer", SessionViewerElement);
}
