/**
 * <two-tab-demo>: draws a DemoSession's state into the server-rendered markup of
 * TwoTabDemo.astro and wires its controls. Drawing only; the behaviour is in session.ts and the
 * pure modules beside it.
 */
import { annotateSdp, type AnnotatedLine } from "../../shared/sdp/annotate.ts";
import { formatOffset } from "../../shared/timeline/model.ts";
import { toSequenceDiagram } from "../../shared/timeline/sequence-diagram.ts";
import { CANDIDATE_EXTRA_COLUMNS, hostPort, type CandidateRow } from "./candidates.ts";
import { CANDIDATE_COLUMNS, candidateTableRow, type CandidateTableRow } from "../../components/candidates/rows.ts";
import { renderCandidateRows } from "../../components/candidates/render.ts";
import { el, part, replaceChildren, updateRows, type KeyedRow } from "../../lib/dom.ts";
import { FrameScheduler } from "./frame-scheduler.ts";
import { otherDeviceHint } from "./other-device.ts";
import { parseDemoParams } from "./params.ts";
import { createDemoSession, type DemoSession, type DemoState, type Experiments } from "./session.ts";

const DIAGRAM_DEBOUNCE_MS = 600;
/** While an attempt is in flight, at most one frame per this many milliseconds (see frame-scheduler.ts). */
const IN_FLIGHT_FRAME_MS = 250;

export class TwoTabDemoElement extends HTMLElement {
  private session: DemoSession | undefined;
  private readonly frames = new FrameScheduler(
    () => {
      if (this.session) this.draw(this.session.state);
    },
    () => this.session?.state.attemptInFlight ?? false,
    IN_FLIGHT_FRAME_MS,
  );
  private drawn = { localSdp: "", remoteSdp: "", link: "", chat: 0, timeline: 0, diagramEvents: 0, diagram: "" };
  private diagramTimer: ReturnType<typeof setTimeout> | undefined;
  private diagramCount = 0;
  private diagramVisible = false;
  private diagramPending = false;

  connectedCallback(): void {
    if (this.session) return;
    const params = parseDemoParams(window.location.search);
    this.session = createDemoSession(params, () => this.schedule(), window.location);
    this.wire(this.session);
    this.schedule();
    this.session.start();
  }

  private schedule(): void {
    this.frames.schedule();
  }

  private wire(session: DemoSession): void {
    const form = part<HTMLFormElement>(this, "chat-form");
    const input = part<HTMLInputElement>(this, "chat-input");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      session.sendChat(input.value);
      input.value = "";
      input.focus();
    });
    part(this, "copy-link").addEventListener("click", () => {
      const link = session.state.link;
      if (link) void navigator.clipboard.writeText(link).then(() => this.announce("Link copied"), () => this.announce("Copy failed: select the link and copy it"));
    });
    part(this, "media").addEventListener("click", () => void session.toggleMedia());
    part(this, "ice-restart").addEventListener("click", () => session.restartIce());
    part(this, "reconnect").addEventListener("click", () => void session.reconnect(this.readExperiments()));
    part(this, "export").addEventListener("click", () => {
      const mask = part<HTMLInputElement>(this, "mask").checked;
      const blob = new Blob([session.exportJson(mask)], { type: "application/json" });
      const url = URL.createObjectURL(blob);
      const a = el("a", { href: url, download: `two-tab-session${mask ? "-masked" : ""}.json` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
    // Cross-links: a candidate link in the SDP moves focus to its table row, and back.
    this.addEventListener("click", (event) => {
      const target = event.target instanceof Element ? event.target.closest<HTMLAnchorElement>("a[data-jump]") : null;
      if (!target) return;
      const destination = document.getElementById(target.dataset["jump"] ?? "");
      if (!destination) return;
      event.preventDefault();
      destination.closest("details")?.setAttribute("open", "");
      destination.scrollIntoView({ block: "center" });
      destination.focus();
    });
    part(this, "timeline-list").closest("details")?.addEventListener("toggle", () => {
      this.drawn.timeline = -1;
      if (this.session) this.drawTimeline(this.session.state);
    });
    const experiments = part(this, "experiments");
    const relay = experiments.querySelector<HTMLInputElement>("input[name=relayOnly]");
    if (relay) relay.checked = session.state.experiments.relayOnly;
    new IntersectionObserver((entries) => {
      this.diagramVisible = entries.some((e) => e.isIntersecting);
      if (this.diagramVisible && this.diagramPending) this.drawDiagramSoon(false);
    }).observe(part(this, "diagram-box"));
    new MutationObserver(() => this.drawDiagramSoon(true)).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  }

  private readExperiments(): Experiments {
    const checked = (name: string): boolean => this.querySelector<HTMLInputElement>(`[data-part="experiments"] input[name=${name}]`)?.checked ?? false;
    return { relayOnly: checked("relayOnly"), dropHost: checked("dropHost"), dropSrflx: checked("dropSrflx"), trickle: checked("trickle") };
  }

  private announce(text: string): void {
    part(this, "announce").textContent = text;
  }

  private draw(state: DemoState): void {
    if (this.dataset["phase"] !== state.phase && this.diagramPending) this.drawDiagramSoon(false);
    this.dataset["phase"] = state.phase;
    part(this, "status").textContent = state.status;
    const error = part(this, "error");
    error.hidden = state.error === undefined;
    error.textContent = state.error ?? "";
    part(this, "connection-state").textContent = state.connectionState;
    part(this, "signaling-state").textContent = state.signalingState;
    part(this, "gathering-state").textContent = state.iceGatheringState;
    part(this, "ice-state").textContent = state.iceConnectionState;
    part(this, "role").textContent = state.role ? `${state.role} (chosen by the server)` : "—";
    part(this, "ice-servers").textContent =
      state.turnMode === undefined ? "asking the server…" : state.iceServerUrls.length === 0 ? "none: host candidates only (this server runs no STUN/TURN)" : state.iceServerUrls.join(", ");
    this.drawChat(state);
    this.drawMedia(state);
    this.drawRuns(state);
    this.drawLink(state);
    this.drawPairs(state);
    this.drawCandidates(state);
    this.drawSdp("local", state.localSdp);
    this.drawSdp("remote", state.remoteSdp);
    this.drawTimeline(state);
    part<HTMLButtonElement>(this, "ice-restart").disabled = state.connectionState !== "connected";
    part<HTMLButtonElement>(this, "chat-send").disabled = !state.channelOpen;
    part<HTMLInputElement>(this, "chat-input").disabled = !state.channelOpen;
  }

  private drawLink(state: DemoState): void {
    if (!state.link || state.link === this.drawn.link) return;
    this.drawn.link = state.link;
    part<HTMLInputElement>(this, "link").value = state.link;
    const url = new URL(window.location.href);
    url.search = new URL(state.link).search;
    history.replaceState(null, "", url);
    const hint = otherDeviceHint(window.location.hostname, window.location.port);
    const hintBox = part(this, "device-hint");
    hintBox.hidden = hint === undefined;
    hintBox.textContent = hint ?? "";
    const qr = part(this, "qr");
    const draw = (): void => void import("qrcode").then(async (QRCode) => {
      const svg = await QRCode.toString(state.link ?? "", { type: "svg", margin: 1, errorCorrectionLevel: "M" });
      // The SVG comes from the QR library, built from our own link, not from anything received.
      qr.innerHTML = svg;
      qr.querySelector("svg")?.setAttribute("role", "img");
      qr.querySelector("svg")?.setAttribute("aria-label", "QR code of the room link, for a phone's camera");
    });
    requestIdleCallback(draw, { timeout: 3000 });
  }

  private drawChat(state: DemoState): void {
    const log = part(this, "chat-log");
    for (const line of state.chat.slice(this.drawn.chat)) {
      const who = line.from === "me" ? "You" : line.from === "peer" ? "Other tab" : "Note";
      log.append(el("li", { class: `chat-${line.from}` }, el("span", { class: "chat-who" }, `${who}: `), line.text));
    }
    this.drawn.chat = state.chat.length;
  }

  private drawMedia(state: DemoState): void {
    const button = part<HTMLButtonElement>(this, "media");
    button.textContent = state.localStream ? "Turn camera and microphone off" : "Turn on camera and microphone";
    button.setAttribute("aria-pressed", String(state.localStream !== undefined));
    const local = part<HTMLVideoElement>(this, "local-video");
    const remote = part<HTMLVideoElement>(this, "remote-video");
    if (local.srcObject !== (state.localStream ?? null)) local.srcObject = state.localStream ?? null;
    if (remote.srcObject !== (state.remoteStream ?? null)) remote.srcObject = state.remoteStream ?? null;
    local.hidden = !state.localStream;
    remote.hidden = !state.remoteStream;
    const error = part(this, "media-error");
    error.hidden = state.mediaError === undefined;
    error.textContent = state.mediaError ?? "";
  }

  private drawPairs(state: DemoState): void {
    const selected = state.pairs.selected;
    const box = part(this, "selected-pair");
    if (selected) box.setAttribute("data-local-type", selected.local.type);
    else box.removeAttribute("data-local-type");
    if (selected) box.setAttribute("data-remote-type", selected.remote.type);
    else box.removeAttribute("data-remote-type");
    part(this, "why").textContent = state.why || "No pair selected yet.";
    part(this, "role-note").textContent = state.pairs.role ? `This tab is the ${state.pairs.role} agent.` : "";
    const num = "num";
    const rows: KeyedRow[] = state.pairs.pairs.map((p) => ({
      key: p.id,
      attributes: { class: p.selected ? "selected" : undefined, "aria-current": p.selected ? "true" : undefined },
      cells: [
        { text: `${p.local.type} ${hostPort(p.local.address, p.local.port)}` },
        { text: `${p.remote.type} ${hostPort(p.remote.address, p.remote.port)}` },
        { text: p.state },
        { text: p.nominated ? "yes" : "no" },
        { text: p.priority?.toString() ?? "?", class: num },
        { text: `${p.requestsSent}/${p.responsesReceived}`, class: num },
        { text: `${p.requestsReceived}/${p.responsesSent}`, class: num },
        { text: p.rttMs === undefined ? "—" : p.rttMs.toFixed(1), class: num },
        { text: `${p.bytesSent}/${p.bytesReceived}`, class: num },
      ],
    }));
    // Updated in place: the table refreshes every second while someone may be reading it.
    updateRows(part<HTMLTableSectionElement>(this, "pairs"), rows, () => el("tr", {}, el("td", { colspan: 9 }, "No pairs yet.")));
  }

  /** The shared table's columns (src/components/candidates/), plus where the row came from and its SDP line. */
  private drawCandidates(state: DemoState): void {
    for (const side of ["local", "remote"] as const) {
      const rows: { demo: CandidateRow; table: CandidateTableRow }[] = [];
      for (const demo of state.candidates.filter((c) => c.side === side)) {
        const result = candidateTableRow({ raw: demo.raw, url: demo.url, atMs: demo.atMs });
        if (result.ok) rows.push({ demo, table: result.row });
      }
      renderCandidateRows(part(this, `${side}-candidates`), rows.map((r) => r.table), side, "None yet.", CANDIDATE_COLUMNS.length + CANDIDATE_EXTRA_COLUMNS.length, (_row, i) => {
        const row = rows[i]?.demo;
        if (!row) return {};
        const where =
          row.side === "local"
            ? row.sent === false
              ? "dropped (experiment)"
              : row.source === "sdp"
                ? "in the offer"
                : "sent"
            : row.source === "stats"
              ? "learnt from checks"
              : `received (${row.source})`;
        return {
          attributes: { id: `${side}-${row.linkId}`, tabindex: "-1", class: row.sent === false ? "dropped" : undefined },
          cells: [el("td", {}, where), el("td", {}, el("a", { href: `#${side}-sdp-${row.linkId}`, "data-jump": `${side}-sdp-${row.linkId}` }, "SDP line"))],
        };
      });
    }
  }

  private sdpLine(side: "local" | "remote", line: AnnotatedLine): HTMLLIElement {
    const id = line.candidateId ? `${side}-sdp-${line.candidateId}` : undefined;
    return el(
      "li",
      { id, tabindex: id ? -1 : undefined },
      el(
        "details",
        { class: "sdp-line" },
        el("summary", { title: line.explanation }, el("code", {}, line.text)),
        el("p", {}, line.explanation, line.reference ? el("span", { class: "ref" }, ` (${line.reference})`) : undefined),
        line.candidateId ? el("a", { href: `#${side}-${line.candidateId}`, "data-jump": `${side}-${line.candidateId}` }, "Show this candidate in the table") : undefined,
      ),
    );
  }

  private drawSdp(side: "local" | "remote", sdp: string | undefined): void {
    if ((sdp ?? "") === this.drawn[`${side}Sdp`]) return;
    this.drawn[`${side}Sdp`] = sdp ?? "";
    const box = part(this, `${side}-sdp`);
    if (!sdp) {
      replaceChildren(box, el("p", {}, side === "local" ? "No description yet." : "Nothing received yet."));
      return;
    }
    const open = new Set([...box.querySelectorAll<HTMLDetailsElement>("details.sdp-section")].filter((d) => d.open).map((d) => d.dataset["section"]));
    const annotated = annotateSdp(sdp);
    replaceChildren(
      box,
      ...annotated.sections.map((section) => {
        const key = String(section.section);
        return el(
          "details",
          { class: "sdp-section", "data-section": key, open: section.section === "session" || open.has(key) },
          el("summary", {}, section.summary),
          el("ol", { class: "sdp-lines", start: section.lines[0]?.number }, ...section.lines.map((line) => this.sdpLine(side, line))),
        );
      }),
      el("details", { class: "sdp-raw" }, el("summary", {}, "Raw text"), el("pre", {}, sdp)),
    );
  }

  private drawRuns(state: DemoState): void {
    const rows = state.runs.map((run) =>
      el(
        "tr",
        {},
        el("td", { class: "num" }, run.n),
        el("td", {}, run.kind === "connect" ? "connect" : "ICE restart"),
        el("td", {}, run.settings),
        el("td", { class: "num" }, run.connectMs === undefined ? "…" : `${run.connectMs} ms`),
        el("td", { class: "num" }, run.channelMs === undefined ? (run.kind === "connect" ? "…" : "—") : `${run.channelMs} ms`),
      ),
    );
    replaceChildren(part(this, "runs"), ...(rows.length > 0 ? rows : [el("tr", {}, el("td", { colspan: 5 }, "No runs yet."))]));
  }

  private drawTimeline(state: DemoState): void {
    if (state.timeline.length !== this.drawn.diagramEvents) {
      this.drawn.diagramEvents = state.timeline.length;
      this.drawDiagramSoon(false);
    }
    // The list is long and folded by default: build it only while it is open.
    const list = part(this, "timeline-list");
    if (!list.closest("details")?.open || state.timeline.length === this.drawn.timeline) return;
    this.drawn.timeline = state.timeline.length;
    const first = state.timeline[0];
    replaceChildren(
      part(this, "timeline-list"),
      ...state.timeline.map((event) =>
        el(
          "li",
          { class: `tl-${event.side}` },
          el("span", { class: "tl-time" }, formatOffset(event, first)),
          " ",
          el("span", { class: "tl-side" }, event.side === "local" ? "this tab" : "other tab"),
          " ",
          event.label,
          event.detail ? el("span", { class: "tl-detail" }, ` — ${event.detail}`) : undefined,
        ),
      ),
    );
  }

  /**
   * Mermaid is heavy (a large import, then layout). It waits until the connection attempt is
   * over, the diagram is on screen and the browser is idle, so drawing never delays the
   * negotiation it is drawing (two tabs of one browser can share a renderer thread).
   */
  private drawDiagramSoon(force: boolean): void {
    if (this.diagramTimer !== undefined) clearTimeout(this.diagramTimer);
    this.diagramTimer = setTimeout(() => {
      if (this.session?.state.phase === "negotiating" || !this.diagramVisible) {
        this.diagramPending = true;
        return;
      }
      this.diagramPending = false;
      requestIdleCallback(() => void this.drawDiagram(force), { timeout: 2000 });
    }, DIAGRAM_DEBOUNCE_MS);
  }

  private async drawDiagram(force: boolean): Promise<void> {
    const state = this.session?.state;
    if (!state || state.timeline.length === 0) return;
    // The diagram shows the latest run (from the second peer's arrival); the list below has everything.
    const runStart = state.runs[state.runs.length - 1]?.startedAt ?? -Infinity;
    const firstOfRun = state.timeline.findIndex((e) => e.at >= runStart - 1000);
    const events = firstOfRun === -1 ? state.timeline : state.timeline.slice(firstOfRun);
    const source = toSequenceDiagram(events);
    if (!force && source === this.drawn.diagram) return;
    this.drawn.diagram = source;
    const canvas = part(this, "diagram");
    part(this, "diagram-source").textContent = source;
    try {
      // Mermaid is large: it is loaded only on this page, and only once there is a timeline.
      const { default: mermaid } = await import("mermaid");
      mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: document.documentElement.dataset["theme"] === "dark" ? "dark" : "default" });
      this.diagramCount += 1;
      const { svg } = await mermaid.render(`two-tab-diagram-${this.diagramCount}`, source);
      canvas.innerHTML = svg;
      canvas.dataset["rendered"] = "true";
    } catch (error) {
      canvas.textContent = `The diagram could not be drawn (${error instanceof Error ? error.message : String(error)}); the list below has every step.`;
      canvas.dataset["rendered"] = "error";
    }
  }
}

export function defineTwoTabDemo(): void {
  if (!customElements.get("two-tab-demo")) customElements.define("two-tab-demo", TwoTabDemoElement);
}
