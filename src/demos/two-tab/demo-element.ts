/**
 * <two-tab-demo>: draws a DemoSession's state into the server-rendered markup of
 * TwoTabDemo.astro and wires its controls. Drawing only; the behaviour is in session.ts and the
 * pure modules beside it.
 */
import { toSequenceDiagram } from "../../shared/timeline/sequence-diagram.ts";
import { announceText, el, part, setText } from "../../lib/dom.ts";
import { whenIdle } from "../../lib/idle.ts";
import { FrameScheduler } from "./frame-scheduler.ts";
import { otherDeviceHint } from "./other-device.ts";
import { drawCandidates, drawDiagram, drawIceServers, drawPairs, drawRuns, drawSdp, drawTimelineList, followCandidateLinks, latestRunEvents, onThemeChange } from "./panels/draw.ts";
import { drawStats } from "./panels/draw-stats.ts";
import { parseDemoParams } from "./params.ts";
import { createDemoSession, type DemoSession, type DemoState, type Experiments } from "./session.ts";
import type { StatsHistory } from "./stats-history.ts";
import { drawPairMatrix, wirePairMatrix } from "./panels/draw-matrix.ts";
import type { PairsView } from "./pairs.ts";
import { stoppedGatheringNote, type CandidateRow } from "./candidates.ts";

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
  /** What the pair matrix was last drawn from: the session replaces both when they change. */
  private matrixDrawnFrom: { candidates: readonly CandidateRow[]; pairs: PairsView } | undefined;
  private diagramTimer: ReturnType<typeof setTimeout> | undefined;
  private diagramCount = 0;
  private diagramVisible = false;
  private diagramPending = false;
  /** The stats history last drawn: a new one is a new object (stats-history.ts StatsRecorder). */
  private drawnStats: StatsHistory | undefined;

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
      // navigator.clipboard exists only on secure pages (not on http://<laptop address> from a phone).
      const copied = navigator.clipboard as Clipboard | undefined;
      if (link) void (copied?.writeText(link) ?? Promise.reject(new Error("no clipboard"))).then(() => this.announce("Link copied"), () => this.announce("Copy failed: select the link and copy it"));
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
    followCandidateLinks(this);
    wirePairMatrix(this);
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
    onThemeChange(() => this.drawDiagramSoon(true));
  }

  private readExperiments(): Experiments {
    const checked = (name: string): boolean => this.querySelector<HTMLInputElement>(`[data-part="experiments"] input[name=${name}]`)?.checked ?? false;
    return { relayOnly: checked("relayOnly"), dropHost: checked("dropHost"), dropSrflx: checked("dropSrflx"), trickle: checked("trickle") };
  }

  private announce(text: string): void {
    announceText(part(this, "announce"), text);
  }

  private draw(state: DemoState): void {
    if (this.dataset["phase"] !== state.phase && this.diagramPending) this.drawDiagramSoon(false);
    this.dataset["phase"] = state.phase;
    // Drawn up to once a second while connected: write only what changed, or a screen reader
    // reads the unchanged status (a live region) out again at every refresh.
    setText(part(this, "status"), state.status);
    const error = part(this, "error");
    error.hidden = state.error === undefined;
    setText(error, state.error ?? "");
    part(this, "new-room").hidden = state.newRoomHref === undefined;
    if (state.newRoomHref !== undefined) part<HTMLAnchorElement>(this, "new-room-link").href = state.newRoomHref;
    setText(part(this, "connection-state"), state.connectionState);
    setText(part(this, "signaling-state"), state.signalingState);
    setText(part(this, "gathering-state"), state.iceGatheringState);
    setText(part(this, "ice-state"), state.iceConnectionState);
    setText(part(this, "dtls-state"), state.dtlsState ?? (state.connectionState === "new" ? "new" : "not exposed by this browser"));
    setText(part(this, "role"), state.role ? `${state.role} (chosen by the server)` : "—");
    drawIceServers(this, iceServersText(state));
    this.drawChat(state);
    this.drawMedia(state);
    drawRuns(this, state.runs, "No runs yet.");
    this.drawLink(state);
    drawPairs(this, { ...state.pairs, why: state.why }, "No pairs yet.");
    if (state.statsHistory !== this.drawnStats) {
      this.drawnStats = state.statsHistory;
      drawStats(this, state.statsHistory);
    }
    drawCandidates(this, state.candidates, "None yet.");
    this.drawGatheringNote(state);
    this.drawMatrix(state);
    this.drawSdp("local", state.localSdp, "No description yet.");
    this.drawSdp("remote", state.remoteSdp, "Nothing received yet.");
    this.drawTimeline(state);
    // Nothing to copy until the server has given this tab a room.
    part<HTMLButtonElement>(this, "copy-link").disabled = state.link === undefined;
    // Reconnecting goes through the signaling server: without a connection to it the button did nothing.
    part<HTMLButtonElement>(this, "reconnect").disabled = !state.signalingConnected;
    // A restart is also the way back from a connection that stopped working ("disconnected", "failed").
    part<HTMLButtonElement>(this, "ice-restart").disabled = !["connected", "disconnected", "failed"].includes(state.connectionState);
    part<HTMLButtonElement>(this, "chat-send").disabled = !state.channelOpen;
    part<HTMLInputElement>(this, "chat-input").disabled = !state.channelOpen;
  }

  private drawGatheringNote(state: DemoState): void {
    const text = stoppedGatheringNote({
      iceServerUrls: state.iceServerUrls,
      localTypes: state.candidates.filter((c) => c.side === "local").map((c) => c.type),
      iceStateWhenGatheringEnded: state.iceStateWhenGatheringEnded,
    });
    const note = part(this, "gathering-note");
    note.hidden = text === undefined;
    setText(note, text ?? "");
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
    whenIdle(draw, 3000);
  }

  private drawChat(state: DemoState): void {
    const log = part(this, "chat-log");
    for (const line of state.chat.slice(this.drawn.chat)) {
      const who = line.from === "me" ? "You" : line.from === "peer" ? "Other tab" : "Note";
      log.append(el("li", { class: `chat-${line.from}` }, el("span", { class: "chat-who" }, `${who}: `), line.text));
    }
    // The box scrolls (it holds a dozen lines): keep the newest message in view.
    if (state.chat.length !== this.drawn.chat && log.parentElement) log.parentElement.scrollTop = log.parentElement.scrollHeight;
    this.drawn.chat = state.chat.length;
  }

  private drawMedia(state: DemoState): void {
    const button = part<HTMLButtonElement>(this, "media");
    setText(button, state.localStream ? "Turn camera and microphone off" : "Turn on camera and microphone");
    button.setAttribute("aria-pressed", String(state.localStream !== undefined));
    const local = part<HTMLVideoElement>(this, "local-video");
    const remote = part<HTMLVideoElement>(this, "remote-video");
    if (local.srcObject !== (state.localStream ?? null)) local.srcObject = state.localStream ?? null;
    if (remote.srcObject !== (state.remoteStream ?? null)) remote.srcObject = state.remoteStream ?? null;
    local.hidden = !state.localStream;
    remote.hidden = !state.remoteStream;
    const error = part(this, "media-error");
    error.hidden = state.mediaError === undefined;
    setText(error, state.mediaError ?? "");
  }

  /** The matrix follows the candidates and the 1 s stats refresh, not every other change of state. */
  private drawMatrix(state: DemoState): void {
    if (this.matrixDrawnFrom?.candidates === state.candidates && this.matrixDrawnFrom.pairs === state.pairs) return;
    this.matrixDrawnFrom = { candidates: state.candidates, pairs: state.pairs };
    drawPairMatrix(this, state.candidates, state.pairs.pairs, state.pairs.role, "No candidates yet: the grid fills in as this tab gathers its own and receives the other tab's.");
  }

  /** A description is redrawn only when it changed: the reader may have opened some of its lines. */
  private drawSdp(side: "local" | "remote", sdp: string | undefined, emptyText: string): void {
    if ((sdp ?? "") === this.drawn[`${side}Sdp`]) return;
    this.drawn[`${side}Sdp`] = sdp ?? "";
    drawSdp(this, side, sdp, emptyText);
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
    drawTimelineList(this, state.timeline);
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
      whenIdle(() => void this.drawDiagram(force), 2000);
    }, DIAGRAM_DEBOUNCE_MS);
  }

  private async drawDiagram(force: boolean): Promise<void> {
    const state = this.session?.state;
    if (!state || state.timeline.length === 0) return;
    const source = toSequenceDiagram(latestRunEvents(state.timeline, state.runs));
    if (!force && source === this.drawn.diagram) return;
    this.drawn.diagram = source;
    this.diagramCount += 1;
    await drawDiagram(this, source, `two-tab-diagram-${this.diagramCount}`);
  }
}

function iceServersText(state: DemoState): readonly string[] | string {
  if (state.turnMode !== undefined) {
    return state.iceServerUrls.length === 0 ? "none: host candidates only (this server runs no STUN/TURN)" : state.iceServerUrls;
  }
  // The page asks once its signaling connection is up; say so when that will not happen, or failed.
  if (state.iceConfigError !== undefined) return `none: ${state.iceConfigError} “Reconnect with these settings” asks again.`;
  if (state.phase === "error" && !state.signalingConnected) return "not asked: no connection to the signaling server";
  return "asking the server…";
}

export function defineTwoTabDemo(): void {
  if (!customElements.get("two-tab-demo")) customElements.define("two-tab-demo", TwoTabDemoElement);
}
