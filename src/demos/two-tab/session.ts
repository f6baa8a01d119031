/**
 * One tab's side of the two-tab demo: signaling through the site's server, an RTCPeerConnection
 * negotiated with the W3C "perfect negotiation" pattern, trickle ICE, a data channel for chat and
 * for sharing the timeline, optional camera/microphone, and getStats() polling for the pairs and
 * the live stats history.
 * Everything observable goes into `state`; the page (demo-element.ts) only draws it.
 */
import type { IceCandidatePayload, RelayedCandidate, RelayedRestartRequest, Role, RelayResult } from "../../shared/signaling/protocol.ts";
import { toRtcIceServer, type IceConfig } from "../../shared/ice-config.ts";
import { candidateErrorText } from "../../shared/ice/candidate-error.ts";
import { betterSync, fromOtherTab, insertEvent, mergeTimelines, type ClockSync, type TimelineEvent } from "../../shared/timeline/model.ts";
import { candidateRow, candidateTypeOf, dropped, filterSdpCandidates, hostPort, iceUfrag, upsertRow, withLocalStats, type CandidateRow } from "./candidates.ts";
import { parseChannelMessage, MAX_CHAT_LENGTH, type ChannelMessage } from "./channel-messages.ts";
import { experimentsLabel, type Experiments } from "./experiments.ts";
import { exportSession } from "./export.ts";
import { readPairs, whyItWon, type PairsView, type StatsEntry } from "./pairs.ts";
import {
  ASKED_TO_RESTART_NOTE,
  askFirefoxNote,
  cannotAskNote,
  channelFallbackNote,
  isFirefoxSdp,
  RESTART_GATHERING_LIMIT_MS,
  RESTART_OFFER_CARRIES_CANDIDATES_NOTE,
  restartOfferCarriesCandidates,
  peerNominatedNote,
  RESTART_REQUEST_TYPE,
  restartBaseline,
  restartOfferer,
  restartOutcome,
  restartRequestRoute,
  transportRoles,
  type RestartBaseline,
} from "./ice-restart.ts";
import { credentialsAging, msUntilAging } from "./credential-age.ts";
import { mediaUnavailableReason } from "./other-device.ts";
import { newRoomLink, roomLink, type DemoParams } from "./params.ts";
import { STATS_INTERVAL_MS, StatsRecorder, type StatsHistory, type StatsMarkKind } from "./stats-history.ts";
import { whenIdle } from "../../lib/idle.ts";
import * as signaling from "./signaling-client.ts";

export type { Experiments } from "./experiments.ts";

export interface ChatLine {
  from: "me" | "peer" | "system";
  text: string;
}

export interface Run {
  n: number;
  kind: "connect" | "ice-restart";
  settings: string;
  /** Milliseconds from the run's start (second peer's arrival, or the restart click) to connected. */
  connectMs?: number;
  /** ... to the data channel opening (connect runs). */
  channelMs?: number;
  startedAt: number;
  /** Who made an ICE restart's offer, and how it ended, when that is not this tab's click and its own pair. */
  note?: string;
  /** Why the run ended before its last step: replaced by a later run, the other tab left, the connection failed. */
  stopped?: string;
}

export type Phase = "connecting" | "waiting" | "negotiating" | "connected" | "peer-left" | "room-full" | "error";

export interface DemoState {
  phase: Phase;
  status: string;
  error: string | undefined;
  /**
   * Where the reader goes next when this tab cannot join its room (the link is malformed, or the
   * room is full): a fresh room, with the same policy. Undefined otherwise.
   */
  newRoomHref: string | undefined;
  roomId: string | undefined;
  link: string | undefined;
  role: Role | undefined;
  signalingConnected: boolean;
  connectionState: string;
  signalingState: string;
  iceGatheringState: string;
  iceConnectionState: string;
  /**
   * The DTLS transport's state (`RTCDtlsTransport.state`), or undefined where the browser exposes no
   * transport object. Its "connected" is the moment the path is really up: see watchDtls.
   */
  dtlsState: RTCDtlsTransportState | undefined;
  /** The ICE connection state when this connection's gathering completed (see stoppedGatheringNote). */
  iceStateWhenGatheringEnded: string | undefined;
  localSdp: string | undefined;
  remoteSdp: string | undefined;
  candidates: CandidateRow[];
  pairs: PairsView;
  why: string;
  chat: ChatLine[];
  channelOpen: boolean;
  /**
   * From a run's start until it ends (data channel open, ICE restart done, failure, peer gone):
   * the page holds its frames back meanwhile (see demo-element.ts schedule()).
   */
  attemptInFlight: boolean;
  timeline: TimelineEvent[];
  runs: Run[];
  experiments: Experiments;
  iceServerUrls: string[];
  turnMode: IceConfig["turn"]["mode"] | undefined;
  /** Why the last request for ICE servers failed (refused by the server's limit, or timed out). */
  iceConfigError: string | undefined;
  localStream: MediaStream | undefined;
  remoteStream: MediaStream | undefined;
  mediaError: string | undefined;
  /** The live stats graphs' data: one sample per stats poll, and the events that explain a jump. */
  statsHistory: StatsHistory;
}

export interface DemoSession {
  readonly state: DemoState;
  start(): void;
  sendChat(text: string): void;
  toggleMedia(): Promise<void>;
  restartIce(): void;
  /** Leaves and rejoins the room with new experiment settings: a fresh connection, a new run. */
  reconnect(experiments: Experiments): Promise<void>;
  exportJson(maskAddresses: boolean): string;
}

interface Peer {
  pc: RTCPeerConnection;
  /** Undefined while the tab waits alone with its offer prepared (see prepareWhileWaiting). */
  peerId: string | undefined;
  polite: boolean;
  initiator: boolean;
  channel: RTCDataChannel | undefined;
  gatheringStartedAt: number;
  handle(message: { description?: RTCSessionDescriptionInit; candidate?: RTCIceCandidateInit | null }): Promise<void>;
  /** A prepared peer meets its other tab: its offer (and every candidate in it) goes out now. */
  adopt(peerId: string): void;
  /** When (server clock, ms) its TURN credentials, and so its relay candidate, get old (credential-age.ts). */
  agingAt: number | undefined;
  stopStats(): void;
  selectedPairId: string | undefined;
  /** Numbers this tab's RTCPeerConnections: stats counters start again in each (stats-history.ts). */
  connection: number;
  /**
   * Set by an ICE restart (this tab's or the other tab's) until the stats show it over
   * (ice-restart.ts). `awaitingOffer`: this tab asked the other tab to make the offer, which has
   * not arrived yet; until it does, no new ICE session exists and nothing the stats show ends the
   * restart.
   */
  restart: { baseline: RestartBaseline; run: Run | undefined; awaitingOffer: boolean; peerNominatedAt?: number } | undefined;
  /**
   * The last description the other tab sent, as it came: Chromium's remoteDescription is its own
   * rewrite, whose origin line no longer names the browser that wrote it (see restartOfferer).
   */
  remoteSdpAsSent: string | undefined;
  /**
   * Set while this tab's restart offer waits for its candidates (restartOfferCarriesCandidates),
   * until their gathering is over: candidates gathered meanwhile go out in the offer, not one by
   * one ahead of it.
   */
  holdingCandidates: Promise<void> | undefined;
}

/** How long a restart's end by the other tab's nomination alone must last before the run takes it (see pollStats). */
const PEER_NOMINATED_SETTLE_MS = 1000;

/** The longest a page waits for its WebRTC warm-up before it joins its room anyway. */
const WARM_UP_LIMIT_MS = 1000;

/**
 * The chat channel is negotiated by the application (WebRTC 1.0 §6.2, `negotiated: true`): both
 * tabs create it with the same ID, so it opens on each side as soon as the SCTP association is
 * up, without the in-band open message and its acknowledgement (RFC 8832).
 */
const CHAT_CHANNEL: RTCDataChannelInit = { negotiated: true, id: 0 };

export function createDemoSession(params: DemoParams, onChange: (state: DemoState) => void, location: { origin: string; pathname: string }): DemoSession {
  const state: DemoState = {
    phase: "connecting",
    status: "Connecting to the signaling server…",
    error: undefined,
    newRoomHref: undefined,
    roomId: undefined,
    link: undefined,
    role: undefined,
    signalingConnected: false,
    connectionState: "new",
    signalingState: "stable",
    iceGatheringState: "new",
    iceConnectionState: "new",
    dtlsState: undefined,
    iceStateWhenGatheringEnded: undefined,
    localSdp: undefined,
    remoteSdp: undefined,
    candidates: [],
    pairs: { pairs: [], selected: undefined, role: undefined },
    why: "",
    chat: [],
    channelOpen: false,
    attemptInFlight: false,
    timeline: [],
    runs: [],
    experiments: { relayOnly: params.policy === "relay", dropHost: false, dropSrflx: false, trickle: true },
    iceServerUrls: [],
    turnMode: undefined,
    iceConfigError: undefined,
    localStream: undefined,
    remoteStream: undefined,
    mediaError: undefined,
    statsHistory: { samples: [], marks: [] },
  };

  let socket: signaling.SignalingSocket | undefined;
  let iceConfigPromise: Promise<IceConfig | undefined> = Promise.resolve(undefined);
  /** When (server clock, ms) the ICE servers in iceConfigPromise were asked for. */
  let iceConfigFetchedAt = 0;
  /** Replaces a prepared offer before its TURN credentials age (see prepareWhileWaiting). */
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let peerPromise: Promise<Peer | undefined> = Promise.resolve(undefined);
  let peer: Peer | undefined;
  let sync: ClockSync | undefined;
  const localEvents: TimelineEvent[] = [];
  let remoteEvents: TimelineEvent[] = [];
  let sharedCount = 0;
  let currentRun: Run | undefined;
  let lastStats: StatsEntry[] = [];
  let joinedOnce = false;
  const statsRecorder = new StatsRecorder();
  let connections = 0;

  const changed = (): void => onChange(state);
  const localNow = (): number => performance.timeOrigin + performance.now();
  /** Now, on the signaling server's clock (both tabs' timelines use it). */
  const now = (): number => localNow() + (sync?.offset ?? 0);

  const noteSync = (sentAt: number, serverTime: number): void => {
    sync = betterSync(sync, sentAt, serverTime, localNow());
  };

  function shareTimeline(): void {
    const channel = peer?.channel;
    if (channel?.readyState !== "open" || sharedCount >= localEvents.length) return;
    send(channel, { t: "timeline", events: localEvents.slice(sharedCount, sharedCount + 500) });
    sharedCount = Math.min(localEvents.length, sharedCount + 500);
  }

  /** Timeline events go to the other tab in small batches, not one data channel message each. */
  let shareTimer: ReturnType<typeof setTimeout> | undefined;
  function shareSoon(): void {
    if (shareTimer !== undefined) return;
    shareTimer = setTimeout(() => {
      shareTimer = undefined;
      shareTimeline();
    }, 100);
  }

  function record(kind: TimelineEvent["kind"], label: string, extra: Partial<Pick<TimelineEvent, "detail" | "message">> = {}): void {
    const event: TimelineEvent = { side: "local", at: now(), kind, label: label.slice(0, 200), ...extra };
    if (event.detail !== undefined) event.detail = event.detail.slice(0, 2000);
    localEvents.push(event);
    state.timeline = insertEvent(state.timeline, event);
    shareSoon();
    changed();
  }

  function send(channel: RTCDataChannel, message: ChannelMessage): void {
    try {
      channel.send(JSON.stringify(message));
    } catch {
      // The channel closed between the check and the send; the peer-left path reports it.
    }
  }

  function setStatus(phase: Phase, status: string, error?: string): void {
    state.phase = phase;
    if (phase === "error" || phase === "room-full" || phase === "peer-left") state.attemptInFlight = false;
    state.status = status;
    state.error = error;
    state.newRoomHref = phase === "room-full" || (phase === "error" && params.invalidRoom) ? newRoomLink(location.pathname, params.policy) : undefined;
    changed();
  }

  function startRun(kind: Run["kind"], note?: string): void {
    stopRun(`replaced by run ${String(state.runs.length + 1)}`);
    currentRun = { n: state.runs.length + 1, kind, settings: experimentsLabel(state.experiments), startedAt: now(), ...(note !== undefined ? { note } : {}) };
    state.runs = [...state.runs, currentRun];
    state.attemptInFlight = true;
  }

  /** `at`: when the step was reached, if that was before now (server clock, ms). */
  function finishRun(field: "connectMs" | "channelMs", at = now()): void {
    if (!currentRun || currentRun[field] !== undefined || currentRun.stopped !== undefined) return;
    currentRun[field] = Math.round(at - currentRun.startedAt);
    state.runs = [...state.runs];
    if (field === "channelMs" || currentRun.kind === "ice-restart") state.attemptInFlight = false;
  }

  /** The current run will not reach its last step (a connect run's channel, a restart's new pair): say why, once. */
  function stopRun(reason: string): void {
    const run = currentRun;
    if (!run || run.stopped !== undefined) return;
    const done = run.kind === "connect" ? run.connectMs !== undefined && run.channelMs !== undefined : run.connectMs !== undefined;
    if (done) return;
    run.stopped = reason;
    state.runs = [...state.runs];
    state.attemptInFlight = false;
  }

  async function relayDescription(description: RTCSessionDescription | null): Promise<void> {
    if (!socket || !description) return;
    const sentAt = localNow();
    // A description can carry candidates (trickle off, or an offer prepared while waiting): the
    // drop experiments apply to those as well as to trickled ones.
    const sdp = filterSdpCandidates(description.sdp, state.experiments);
    const type = description.type;
    state.localSdp = sdp;
    const result: RelayResult = await signaling.sendDescription(socket, { description: { type, sdp } });
    noteSync(sentAt, result.serverTime);
    record("signal", type, { message: { direction: "sent", type, size: result.size } });
  }

  async function waitForGathering(pc: RTCPeerConnection): Promise<void> {
    if (pc.iceGatheringState === "complete") return;
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (pc.iceGatheringState !== "complete") return;
        pc.removeEventListener("icegatheringstatechange", check);
        resolve();
      };
      pc.addEventListener("icegatheringstatechange", check);
    });
  }

  /**
   * Until the gathering that starts after this call is complete, or `limitMs` has passed. Called
   * before setLocalDescription: after an ICE restart's setLocalDescription, Firefox still says
   * "complete" (the old session's gathering) for a while before its new gathering starts.
   */
  function nextGathering(pc: RTCPeerConnection, limitMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let started = false;
      const done = (): void => {
        pc.removeEventListener("icegatheringstatechange", check);
        clearTimeout(timer);
        resolve();
      };
      const check = (): void => {
        if (pc.iceGatheringState === "gathering") started = true;
        else if (pc.iceGatheringState === "complete" && started) done();
      };
      const timer = setTimeout(done, limitMs);
      pc.addEventListener("icegatheringstatechange", check);
    });
  }

  function addRemoteCandidatesFromSdp(sdp: string): void {
    for (const line of sdp.split(/\r?\n/u)) {
      if (!line.startsWith("a=candidate:")) continue;
      const row = candidateRow("remote", line.slice(2), { source: "sdp" });
      if (row) state.candidates = upsertRow(state.candidates, row);
    }
  }

  function localCandidateFromStats(entry: StatsEntry): void {
    const address = typeof entry["address"] === "string" ? entry["address"] : undefined;
    const port = typeof entry["port"] === "number" ? entry["port"] : undefined;
    if (address === undefined || port === undefined) return;
    const url = typeof entry["url"] === "string" ? entry["url"] : undefined;
    const relayProtocol = typeof entry["relayProtocol"] === "string" ? entry["relayProtocol"] : undefined;
    const rows = state.candidates.map((row) => (row.side === "local" && row.address === address && row.port === port ? withLocalStats(row, { url, relayProtocol }) : row));
    if (rows.some((row, i) => row !== state.candidates[i])) state.candidates = rows;
  }

  function remoteCandidateFromStats(entry: StatsEntry): void {
    const type = entry["candidateType"];
    const address = entry["address"];
    const port = entry["port"];
    if (typeof type !== "string" || typeof address !== "string" || typeof port !== "number") return;
    const known = state.candidates.some((row) => row.side === "remote" && row.address === address && row.port === port);
    if (known) return;
    const protocol = typeof entry["protocol"] === "string" ? entry["protocol"] : "udp";
    const priority = typeof entry["priority"] === "number" ? entry["priority"] : 0;
    const foundation = typeof entry["foundation"] === "string" && entry["foundation"] !== "" ? entry["foundation"] : "0";
    const row = candidateRow("remote", `candidate:${foundation} 1 ${protocol} ${priority} ${address} ${port} typ ${type}`, { source: "stats" });
    if (row) state.candidates = upsertRow(state.candidates, row);
  }

  /**
   * A mark on the stats graphs' time axis for what the session itself knows of, when it happens:
   * peers coming and going, an ICE restart asked for or offered.
   */
  function markStats(label: string, kind: StatsMarkKind = "peer"): void {
    statsRecorder.mark(now(), kind, label);
    state.statsHistory = statsRecorder.history;
  }

  /**
   * `sample`: only the once-a-second poll adds to the stats history; the quicker polls around
   * connecting and ICE restarts refresh the tables alone, so samples stay a second apart.
   */
  async function pollStats(current: Peer, sample = false): Promise<void> {
    if (current.pc.connectionState === "closed") return;
    // Descriptions grow as trickled candidates are added; show them as they are now.
    const local = current.pc.localDescription?.sdp;
    if (local) state.localSdp = filterSdpCandidates(local, state.experiments);
    const remote = current.pc.remoteDescription?.sdp;
    if (remote) state.remoteSdp = remote;
    const report = await current.pc.getStats();
    lastStats = [...report.values()].map((entry: StatsEntry) => ({ ...entry }));
    if (peer === current) {
      if (sample) statsRecorder.sample(now(), current.connection, lastStats);
      else statsRecorder.observe(now(), current.connection, lastStats);
      state.statsHistory = statsRecorder.history;
    }
    for (const entry of lastStats) {
      if (entry.type === "local-candidate") localCandidateFromStats(entry);
      if (entry.type === "remote-candidate") remoteCandidateFromStats(entry);
    }
    // Before the stats say so, assume the usual: the tab that sent the first offer controls (RFC 8445 §6.1.1, JSEP).
    state.pairs = readPairs(lastStats, current.initiator ? "controlling" : "controlled");
    state.why = whyItWon(state.pairs, state.experiments.relayOnly ? "relay" : "all");
    const selected = state.pairs.selected;
    if (selected && selected.id !== current.selectedPairId) {
      current.selectedPairId = selected.id;
      record("selected-pair", `selected pair ${selected.local.type}/${selected.remote.type}`, {
        detail: `${hostPort(selected.local.address, selected.local.port)} ↔ ${hostPort(selected.remote.address, selected.remote.port)}`,
      });
    }
    // An ICE restart is over here once the transport selected a pair after it, or once the other
    // tab nominated a pair after it and sends on it (ice-restart.ts says when each applies). The
    // second is taken only if this browser has not selected a pair a second later (a controlled
    // agent normally selects the nominated pair as soon as its own check of it succeeds), and is
    // timed from when the data first arrived.
    const restart = current.restart;
    // A restart this tab asked for begins when the other tab's offer arrives: a pair selected
    // before that (the old session settling, a peer-reflexive pair giving way to the same
    // addresses' host pair) belongs to the old session.
    const outcome = restart && !restart.awaitingOffer && peer === current ? restartOutcome(restart.baseline, lastStats) : undefined;
    if (restart && outcome?.kind === "peer-nominated" && restart.peerNominatedAt === undefined) restart.peerNominatedAt = now();
    const settled = outcome?.kind === "selected" || (restart?.peerNominatedAt !== undefined && now() - restart.peerNominatedAt >= PEER_NOMINATED_SETTLE_MS);
    if (restart && outcome && settled) {
      current.restart = undefined;
      const run = restart.run;
      if (outcome.kind === "peer-nominated") {
        const note = peerNominatedNote(outcome, isFirefoxSdp(current.pc.localDescription?.sdp));
        if (run) run.note = `${run.note === undefined ? "" : `${run.note}; `}ended when the other tab's new pair carried data: this tab still sends on the old pair`;
        record("note", note.label, { detail: note.detail });
      }
      if (run && run === currentRun) finishRun("connectMs", outcome.kind === "peer-nominated" ? restart.peerNominatedAt : now());
    }
    changed();
  }

  /**
   * Watches an ICE restart until the stats show it over: new ufrag and password, new candidates,
   * new pairs (RFC 8445 §9). The stats are polled quickly meanwhile, so the time shown is not
   * rounded to the 1 s refresh.
   */
  function watchRestart(current: Peer, run: Run | undefined, awaitingOffer = false): void {
    const watched = { baseline: restartBaseline(lastStats, current.selectedPairId), run, awaitingOffer };
    current.restart = watched;
    const started = Date.now();
    const fast = setInterval(() => {
      if (current.restart !== watched || peer !== current) clearInterval(fast);
      else if (Date.now() - started > 15_000) {
        clearInterval(fast);
        if (run === currentRun) state.attemptInFlight = false;
        record("note", "ICE restart: no pair selected after the restart within 15 s (the old pair may still carry the traffic; the 1 s refresh keeps watching)");
      } else void pollStats(current).catch(() => undefined);
    }, 25);
  }

  /** This tab makes a restart's offer: restartIce() sets new ICE credentials for the next offer. */
  function restartHere(current: Peer, note?: string): void {
    startRun("ice-restart", note);
    const run = currentRun;
    record("note", "ICE restart requested");
    markStats(note === undefined ? "this tab restarted ICE" : "this tab restarted ICE, as the other tab asked", "ice-restart");
    watchRestart(current, run);
    current.pc.restartIce();
  }

  /** The other tab asked this one to make a restart's offer, through the server or over the channel. */
  function restartAsAsked(current: Peer): void {
    record("note", ASKED_TO_RESTART_NOTE.label, { detail: ASKED_TO_RESTART_NOTE.detail });
    restartHere(current, "this tab's offer, as the other tab asked");
  }

  /**
   * With a Firefox tab on the other end, a tab that is not Firefox has the Firefox tab make a
   * restart's offer (ice-restart.ts askFirefoxNote says why). It asks through the signaling
   * server; over the data channel only while it cannot reach the server, or the server did not
   * pass the request on; and if neither can carry it, it says so and makes no offer of its own.
   */
  function askFirefoxToRestart(current: Peer): void {
    const channelOpen = (): boolean => current.channel?.readyState === "open";
    const overChannel = (): void => {
      if (current.channel) send(current.channel, { t: "restart-ice" });
    };
    const cannotAsk = (serverReason?: string): void => {
      const note = cannotAskNote(serverReason);
      record("error", note.label, { detail: note.detail });
      setStatus(state.phase, state.status, `${note.label}. ${note.detail}`);
    };
    const via = restartRequestRoute({ signaling: socket?.connected === true, channelOpen: channelOpen() });
    if (via === "none") {
      cannotAsk();
      return;
    }
    startRun("ice-restart", "offered by the Firefox tab, as this tab asked");
    const run = currentRun;
    const note = askFirefoxNote(transportRoles(lastStats), via);
    record("note", note.label, { detail: note.detail });
    markStats("this tab asked the Firefox tab to restart ICE", "ice-restart");
    watchRestart(current, run, true);
    if (via !== "signaling" || !socket) {
      overChannel();
      return;
    }
    const sentAt = localNow();
    signaling.sendRestartRequest(socket).then(
      (result) => {
        noteSync(sentAt, result.serverTime);
        record("signal", `${RESTART_REQUEST_TYPE} to the Firefox tab`, { message: { direction: "sent", type: RESTART_REQUEST_TYPE, size: result.size } });
      },
      (error: unknown) => {
        const reason = errorText(error);
        record("error", `${RESTART_REQUEST_TYPE} not relayed: ${reason}`);
        // Only while this request's restart is still the one awaited: a later click asks anew.
        const awaited = current.restart;
        if (peer !== current || !awaited || awaited.run !== run || !awaited.awaitingOffer) return;
        if (restartRequestRoute({ signaling: false, channelOpen: channelOpen() }) === "channel") {
          const fallback = channelFallbackNote(reason);
          record("note", fallback.label, { detail: fallback.detail });
          overChannel();
          return;
        }
        current.restart = undefined;
        if (currentRun === run) stopRun("the Firefox tab could not be asked to make the offer");
        cannotAsk(reason);
      },
    );
  }

  function setupChannel(current: Peer, channel: RTCDataChannel): void {
    current.channel = channel;
    channel.addEventListener("open", () => {
      if (peer !== current) return;
      state.channelOpen = true;
      finishRun("channelMs");
      // record() also shares every event the other tab has not seen yet.
      record("data-channel", "data channel open");
    });
    channel.addEventListener("close", () => {
      if (peer !== current) return;
      state.channelOpen = false;
      changed();
    });
    channel.addEventListener("message", (event: MessageEvent<unknown>) => {
      if (peer !== current) return;
      const message = parseChannelMessage(event.data);
      if (!message) return;
      if (message.t === "chat") {
        state.chat = [...state.chat, { from: "peer", text: message.text }];
      } else if (message.t === "restart-ice") {
        // The other tab asks this one to make an ICE restart's offer, over the channel because it
        // could not through the server (see askFirefoxToRestart).
        restartAsAsked(current);
      } else {
        const received = fromOtherTab(message.events);
        remoteEvents = [...remoteEvents, ...received];
        state.timeline = received.length > 20 ? mergeTimelines(localEvents, remoteEvents) : received.reduce((all, e) => insertEvent(all, e), state.timeline);
      }
      changed();
    });
  }

  function candidateMessage(candidate: RTCIceCandidate): IceCandidatePayload {
    const init = candidate.toJSON();
    return {
      candidate: init.candidate ?? "",
      sdpMid: init.sdpMid ?? null,
      sdpMLineIndex: init.sdpMLineIndex ?? null,
      ...(init.usernameFragment !== undefined ? { usernameFragment: init.usernameFragment } : {}),
    };
  }

  function fetchIceConfig(): void {
    if (!socket) return;
    iceConfigFetchedAt = now();
    iceConfigPromise = signaling.iceConfig(socket).then(
      (config) => {
        state.iceServerUrls = config.iceServers.flatMap((s) => s.urls);
        state.turnMode = config.turn.mode;
        state.iceConfigError = undefined;
        makeSpare(config);
        changed();
        return config;
      },
      (error: unknown) => {
        record("error", `no ICE servers: ${errorText(error)}`);
        state.iceConfigError = errorText(error);
        changed();
        return undefined;
      },
    );
  }

  /** The page's ICE servers, fetched again first if their TURN credentials are getting old. */
  async function currentIceConfig(): Promise<IceConfig | undefined> {
    const config = await iceConfigPromise;
    if (config && socket?.connected && credentialsAging(iceConfigFetchedAt, config.expiresAt * 1000, now())) {
      fetchIceConfig();
      return iceConfigPromise;
    }
    return config;
  }

  /**
   * `peerId` undefined: a tab waiting alone prepares its side ahead of time (prepareWhileWaiting):
   * the connection, the data channel, the offer and its candidates. Nothing is sent until the
   * other tab arrives and adopt() hands the offer over.
   */
  async function createPeer(peerId: string | undefined, initiator: boolean): Promise<Peer | undefined> {
    const config = await currentIceConfig();
    if (state.experiments.relayOnly && !(config?.iceServers ?? []).some((s) => s.urls.some((u) => u.startsWith("turn")))) {
      setStatus("error", "Relay-only needs a TURN server", "Relay-only mode needs a TURN server, and this server offers none (its built-in STUN/TURN server is off or not built yet).");
    }
    // The spare (candidates pooled ahead) is for the tab that answers; an offering tab gathers
    // as it waits anyway, and a pooled session would also be what a later ICE restart draws on.
    const pc = (initiator ? undefined : takeSpare(config)) ?? new RTCPeerConnection(rtcConfiguration(config));
    let makingOffer = false;
    let ignoreOffer = false;
    let isSettingRemoteAnswerPending = false;
    const polite = state.role === "polite";

    const current: Peer = {
      pc,
      peerId,
      polite,
      initiator,
      channel: undefined,
      gatheringStartedAt: now(),
      selectedPairId: undefined,
      connection: (connections += 1),
      restart: undefined,
      remoteSdpAsSent: undefined,
      holdingCandidates: undefined,
      agingAt: config ? now() + msUntilAging(iceConfigFetchedAt, config.expiresAt * 1000, now()) : undefined,
      stopStats: () => undefined,
      adopt(id) {
        current.peerId = id;
        setStatus("negotiating", "A second peer is here: sending the offer this tab prepared, then the answer and candidates cross the server…");
        // makeOffer sends it itself once setLocalDescription is done.
        if (makingOffer) return;
        if (pc.signalingState !== "have-local-offer") {
          void makeOffer();
          return;
        }
        // Candidates gathered while waiting are in the offer; if gathering is over, say so too
        // (end-of-candidates, RFC 8838 §8.2), since that event passed with nobody to send it to.
        const complete = pc.iceGatheringState === "complete";
        void relayOffer().then(
          () => {
            if (complete && state.experiments.trickle && socket) void signaling.sendCandidate(socket, { candidate: null }).catch(() => undefined);
          },
          (error: unknown) => record("error", `could not send offer: ${errorText(error)}`),
        );
      },
      // The W3C perfect negotiation pattern (WebRTC 1.0 §10.7), including the
      // isSettingRemoteAnswerPending fix (w3c/webrtc-pc#2572): while an answer is being applied
      // the signaling state is not yet "stable", but an offer arriving then is no collision.
      async handle({ description, candidate }) {
        try {
          if (description) {
            const readyForOffer = !makingOffer && (pc.signalingState === "stable" || isSettingRemoteAnswerPending);
            const offerCollision = description.type === "offer" && !readyForOffer;
            ignoreOffer = !polite && offerCollision;
            if (ignoreOffer) {
              record("note", "ignored a colliding offer (impolite peer)");
              return;
            }
            // New ICE credentials in an offer on a live connection: the other tab restarted ICE (RFC 8445 §9).
            // This tab restarts too (its answer has new credentials), and times it as a run of its
            // own, unless this tab asked for the offer (then the run began with that request).
            const before = pc.remoteDescription ? iceUfrag(pc.remoteDescription.sdp) : undefined;
            if (description.type === "offer" && before !== undefined && before !== iceUfrag(description.sdp ?? "")) {
              if (current.restart?.awaitingOffer) {
                // The restart this tab asked for begins now: what the stats show from here on is measured against now.
                current.restart.awaitingOffer = false;
                current.restart.baseline = restartBaseline(lastStats, current.selectedPairId);
              } else {
                startRun("ice-restart", "offered by the other tab");
                markStats("the other tab restarted ICE", "ice-restart");
                watchRestart(current, currentRun);
              }
            }
            isSettingRemoteAnswerPending = description.type === "answer";
            await pc.setRemoteDescription(description); // a polite peer rolls back its own offer implicitly
            isSettingRemoteAnswerPending = false;
            // The answering tab's half of the chat channel (see CHAT_CHANNEL). Made now, while an
            // offer is applied, it needs no negotiation of its own.
            if (description.type === "offer" && !current.channel) setupChannel(current, pc.createDataChannel("chat", CHAT_CHANNEL));
            // The browser makes and applies the answer off this thread; the tables are filled meanwhile.
            const answered = description.type === "offer" ? pc.setLocalDescription() : undefined;
            state.remoteSdp = description.sdp;
            current.remoteSdpAsSent = description.sdp;
            if (description.sdp) addRemoteCandidatesFromSdp(description.sdp);
            if (answered) {
              await answered;
              if (!state.experiments.trickle) await waitForGathering(pc);
              await relayDescription(pc.localDescription);
            }
          } else if (candidate !== undefined) {
            try {
              await pc.addIceCandidate(candidate ?? undefined);
            } catch (error) {
              if (!ignoreOffer) throw error;
            }
          }
        } catch (error) {
          record("error", `negotiation error: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    };

    const relayOffer = async (): Promise<void> => {
      const held = current.holdingCandidates;
      if (held) {
        await held;
        current.holdingCandidates = undefined;
      }
      if (!state.experiments.trickle) await waitForGathering(pc);
      await relayDescription(pc.localDescription);
      // Held candidates went out in the offer. Gathering may be over (end-of-candidates went unsent while held), or go on past the limit (trickled from here).
      if (held && pc.iceGatheringState === "complete" && state.experiments.trickle && socket) void signaling.sendCandidate(socket, { candidate: null }).catch(() => undefined);
    };

    const makeOffer = async (): Promise<void> => {
      if (makingOffer) return;
      try {
        makingOffer = true;
        if (current.restart && restartOfferCarriesCandidates(pc.localDescription?.sdp, current.remoteSdpAsSent)) {
          current.holdingCandidates = nextGathering(pc, RESTART_GATHERING_LIMIT_MS);
          record("note", RESTART_OFFER_CARRIES_CANDIDATES_NOTE.label, { detail: RESTART_OFFER_CARRIES_CANDIDATES_NOTE.detail });
        }
        await pc.setLocalDescription();
        // A prepared offer waits for the other tab (adopt); otherwise it goes out now.
        if (current.peerId !== undefined) await relayOffer();
        else if (pc.localDescription) {
          state.localSdp = filterSdpCandidates(pc.localDescription.sdp, state.experiments);
          record("note", "offer prepared: it goes to the other tab, with the candidates gathered by then, the moment one arrives");
        }
      } catch (error) {
        record("error", `could not send offer: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        makingOffer = false;
        // Held candidates are in the offer that went out, or (no offer) have nowhere to go.
        current.holdingCandidates = undefined;
      }
    };
    pc.addEventListener("negotiationneeded", () => void makeOffer());

    pc.addEventListener("icecandidate", (event: RTCPeerConnectionIceEvent) => {
      if (peer !== current) return;
      const candidate = event.candidate;
      if (!candidate) {
        if (state.experiments.trickle && socket && current.peerId !== undefined && current.holdingCandidates === undefined) void signaling.sendCandidate(socket, { candidate: null }).catch(() => undefined);
        return;
      }
      if (candidate.candidate === "") return;
      const type = candidateTypeOf(candidate.candidate) ?? "?";
      const drop = dropped(type, state.experiments);
      const atMs = Math.round(now() - current.gatheringStartedAt);
      // Send first: the other tab waits for this, the tables here do not.
      const sentAt = localNow();
      const waiting = current.peerId === undefined || current.holdingCandidates !== undefined;
      const relayed = !drop && !waiting && state.experiments.trickle && socket ? signaling.sendCandidate(socket, { candidate: candidateMessage(candidate) }) : undefined;
      // RTCIceCandidate.url and .relayProtocol are newer additions (Chromium has them, Firefox does not);
      // event.url is Chromium's older spelling. getStats() fills in what they leave out.
      const extra = candidate as RTCIceCandidate & { url?: string | null; relayProtocol?: string | null };
      const url = extra.url || (event as RTCPeerConnectionIceEvent & { url?: string | null }).url || undefined;
      const row = candidateRow("local", candidate.candidate, { url, relayProtocol: extra.relayProtocol ?? undefined, atMs, sent: !drop, source: waiting ? "sdp" : "trickle" });
      if (row) state.candidates = upsertRow(state.candidates, row);
      const where = row ? `${row.protocol} ${hostPort(row.address, row.port)}` : "";
      if (drop) {
        record("candidate", `dropped ${type} ${where} (experiment)`);
        return;
      }
      if (!relayed) {
        // While waiting, the offer on show grows with each candidate, as the one sent later will.
        if (waiting && pc.localDescription) state.localSdp = filterSdpCandidates(pc.localDescription.sdp, state.experiments);
        record("candidate", `gathered ${type} ${where}${waiting ? " (goes out in the offer)" : ""}`);
        return;
      }
      relayed.then(
        (result) => {
          noteSync(sentAt, result.serverTime);
          record("signal", `candidate ${type} ${where}`, { message: { direction: "sent", type: `candidate (${type})`, size: result.size } });
        },
        (error: unknown) => record("error", `candidate not relayed: ${error instanceof Error ? error.message : String(error)}`),
      );
    });

    pc.addEventListener("icecandidateerror", (event: Event) => {
      const e = event as RTCPeerConnectionIceErrorEvent;
      // 701 is routinely reported for servers that cannot be reached on one interface or address
      // family; gathering goes on with the other servers and interfaces.
      record("error", `candidate error ${e.errorCode} from ${e.url}: ${candidateErrorText(e)}${e.errorCode === 701 ? " (usually harmless)" : ""}`);
    });

    /** The connection is up (the DTLS transport or the connection said so, whichever came first). */
    const connected = (): void => {
      // An ICE restart's run ends on the stats instead (pollStats): the state may not change at all.
      if (currentRun?.kind === "connect") finishRun("connectMs");
      setStatus("connected", "Connected: the two tabs now talk directly (or through the TURN relay), not through the signaling server.");
      // A data channel that does not open within a second is not worth holding the page's frames for.
      const run = currentRun;
      setTimeout(() => {
        if (currentRun === run && state.attemptInFlight) {
          state.attemptInFlight = false;
          changed();
        }
      }, 1000);
      void pollStats(current);
    };
    const onState = (name: "signalingState" | "iceGatheringState" | "iceConnectionState" | "connectionState"): void => {
      if (peer !== current) return;
      state[name] = pc[name];
      record("state", `${name}: ${pc[name]}`);
      if (name === "iceGatheringState" && pc.iceGatheringState === "complete") state.iceStateWhenGatheringEnded = pc.iceConnectionState;
      if (name === "connectionState" && pc.connectionState === "connected") connected();
      if (name === "connectionState" && pc.connectionState === "failed") {
        stopRun("the connection failed");
        setStatus("error", "The connection failed", "ICE found no working pair. If an experiment dropped candidates, that is what it simulates: try relay-only or turn the drop switches off.");
      }
    };
    /**
     * The DTLS handshake can only finish over an ICE pair that works, so the DTLS transport turning
     * "connected" is when this connection is up. Chromium turns `connectionState` to "connected"
     * only once it has also stopped gathering candidates (measured: the state followed the end of
     * gathering each time), so on a busy machine it can come tens or hundreds of milliseconds after
     * the data channel opened. The run's time to connect is taken from whichever of the two comes
     * first, and the timeline shows both.
     */
    let watchedDtls: RTCDtlsTransport | undefined;
    const watchDtls = (): void => {
      const transport = pc.sctp?.transport;
      if (!transport || transport === watchedDtls) return;
      watchedDtls = transport;
      state.dtlsState = transport.state;
      transport.addEventListener("statechange", () => {
        if (peer !== current) return;
        state.dtlsState = transport.state;
        record("state", `DTLS transport: ${transport.state}${transport.state === "connected" && pc.connectionState !== "connected" ? ` (connectionState is still ${pc.connectionState})` : ""}`);
        if (transport.state === "connected" && pc.connectionState !== "connected") connected();
      });
    };
    pc.addEventListener("signalingstatechange", () => {
      watchDtls();
      onState("signalingState");
    });
    pc.addEventListener("icegatheringstatechange", () => onState("iceGatheringState"));
    pc.addEventListener("iceconnectionstatechange", () => onState("iceConnectionState"));
    pc.addEventListener("connectionstatechange", () => onState("connectionState"));
    pc.addEventListener("track", (event: RTCTrackEvent) => {
      if (peer !== current) return;
      state.remoteStream = event.streams[0] ?? new MediaStream([event.track]);
      record("media", `remote ${event.track.kind} track`);
    });

    const timer = setInterval(() => void pollStats(current, true).catch(() => undefined), STATS_INTERVAL_MS);
    current.stopStats = () => clearInterval(timer);

    peer = current;
    sharedCount = 0; // a new peer has seen none of this tab's timeline
    state.connectionState = pc.connectionState;
    state.signalingState = pc.signalingState;
    state.iceGatheringState = pc.iceGatheringState;
    state.iceConnectionState = pc.iceConnectionState;
    state.iceStateWhenGatheringEnded = undefined;
    state.dtlsState = undefined;
    state.localSdp = undefined;
    state.remoteSdp = undefined;
    state.candidates = [];
    state.pairs = { pairs: [], selected: undefined, role: undefined };
    state.why = "";
    if (peerId !== undefined) setStatus("negotiating", "A second peer is here: exchanging offer, answer and candidates through the server…");
    else changed();
    if (state.localStream) for (const track of state.localStream.getTracks()) pc.addTrack(track, state.localStream);
    // The tab that waited opens the data channel and makes the offer, and the newcomer answers
    // (no glare in the common case). It does so at once rather than on negotiationneeded, which
    // would queue behind everything else the tab is doing; once the offer is under way that event
    // does not fire (WebRTC 1.0, "updating the negotiation-needed flag").
    // Later changes (camera on or off, ICE restart) go through negotiationneeded as usual.
    if (initiator) {
      setupChannel(current, pc.createDataChannel("chat", CHAT_CHANNEL));
      void makeOffer();
    }
    return current;
  }

  function closePeer(): void {
    clearTimeout(refreshTimer);
    refreshTimer = undefined;
    const current = peer;
    peer = undefined;
    if (!current) return;
    current.stopStats();
    current.channel?.close();
    current.pc.close();
    state.attemptInFlight = false;
    state.connectionState = "closed";
    state.channelOpen = false;
    state.remoteStream = undefined;
  }

  function rtcConfiguration(config: IceConfig | undefined): RTCConfiguration {
    return { iceServers: (config?.iceServers ?? []).map(toRtcIceServer), iceTransportPolicy: state.experiments.relayOnly ? "relay" : "all" };
  }

  /**
   * One connection built ahead of time, while the page loads, with the page's ICE servers: in a
   * fresh tab the constructor takes a few milliseconds, and a tab that arrives second needs its
   * connection the moment the server says the other tab is there. Nothing runs on it until then.
   */
  let spare: { pc: RTCPeerConnection; config: IceConfig; relayOnly: boolean } | undefined;
  function makeSpare(config: IceConfig): void {
    if (spare || peer) return;
    try {
      spare = { pc: new RTCPeerConnection({ ...rtcConfiguration(config), iceCandidatePoolSize: 1 }), config, relayOnly: state.experiments.relayOnly };
    } catch {
      // No WebRTC here: the real attempt will report it.
    }
  }
  /** The spare, if it was built with these ICE servers and the current policy (closed otherwise). */
  function takeSpare(config: IceConfig | undefined): RTCPeerConnection | undefined {
    const taken = spare;
    spare = undefined;
    if (taken && taken.config === config && taken.relayOnly === state.experiments.relayOnly) return taken.pc;
    taken?.pc.close();
    return undefined;
  }

  /**
   * The first connection in a fresh tab pays for starting the browser's WebRTC machinery: threads,
   * the network list, a certificate, and the first run of the SDP, ICE, DTLS and SCTP code. Paid
   * after the second peer arrives, that doubled the time to connect. So while the page loads, two
   * throwaway connections in this page connect to each other (no ICE servers: only this machine's
   * own addresses, so nothing leaves the machine) and close once their data channel opens. The
   * tab joins its room after that (at most WARM_UP_LIMIT_MS later).
   */
  let warmUp: Promise<void> | undefined;
  function warmUpWebRtc(): Promise<void> {
    warmUp ??= new Promise<void>((done) => {
      let a: RTCPeerConnection | undefined;
      let b: RTCPeerConnection | undefined;
      const finish = (): void => {
        clearTimeout(limit);
        a?.close();
        b?.close();
        done();
      };
      const limit = setTimeout(finish, WARM_UP_LIMIT_MS);
      try {
        const offerer = new RTCPeerConnection();
        const answerer = new RTCPeerConnection();
        a = offerer;
        b = answerer;
        offerer.onicecandidate = (event) => void answerer.addIceCandidate(event.candidate ?? undefined).catch(() => undefined);
        answerer.onicecandidate = (event) => void offerer.addIceCandidate(event.candidate ?? undefined).catch(() => undefined);
        offerer.createDataChannel("warm-up", CHAT_CHANNEL).addEventListener("open", finish);
        answerer.createDataChannel("warm-up", CHAT_CHANNEL);
        const negotiate = async (): Promise<void> => {
          await offerer.setLocalDescription();
          await answerer.setRemoteDescription(offerer.localDescription as RTCSessionDescription);
          await answerer.setLocalDescription();
          await offerer.setRemoteDescription(answerer.localDescription as RTCSessionDescription);
        };
        negotiate().catch(finish);
      } catch {
        // No WebRTC here: the real attempt will report it.
        finish();
      }
    });
    return warmUp;
  }

  function errorText(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
  }

  /**
   * A tab alone in its room does its half of the work before anyone arrives: it creates the
   * connection and the data channel, makes the offer and gathers its candidates (all of them:
   * host, server-reflexive, relay), and shows them. When a peer joins, the finished offer goes out
   * at once with the candidates inside, so only the answer is left between the two tabs and a
   * direct connection. Before the TURN credentials in it age, the prepared connection is
   * replaced by a fresh one.
   */
  function prepareWhileWaiting(): void {
    closePeer();
    const prepared = createPeer(undefined, true);
    peerPromise = prepared;
    void prepared.then((current) => {
      if (!current || current !== peer || current.agingAt === undefined) return;
      // At least 10 s apart, whatever the clocks say, so a bad expiry cannot loop.
      const delay = Math.max(10_000, current.agingAt - now());
      refreshTimer = setTimeout(() => {
        if (peer === current && current.peerId === undefined) prepareWhileWaiting();
      }, delay);
    });
  }

  /** The other tab arrived: send the prepared offer, or (if there is none to use) make one now. */
  async function offerTo(peerId: string): Promise<Peer | undefined> {
    const current = await peerPromise;
    const usable = current !== undefined && current === peer && current.peerId === undefined && !(current.agingAt !== undefined && now() >= current.agingAt);
    if (usable) {
      clearTimeout(refreshTimer);
      current.adopt(peerId);
      return current;
    }
    closePeer();
    return createPeer(peerId, true);
  }

  async function doJoin(roomId: string | undefined): Promise<void> {
    if (!socket) return;
    const sentAt = localNow();
    let result;
    try {
      result = await signaling.join(socket, roomId);
    } catch (error) {
      if (error instanceof signaling.SignalingRefused && error.code === "room-full") {
        setStatus("room-full", "This room is full", "This room already has two peers. Start a new room (link below) and share its link instead.");
      } else {
        setStatus("error", "Could not join the room", errorText(error));
      }
      record("error", `join refused: ${errorText(error)}`);
      // Nothing will connect from this tab: release the connection built ahead for it (its
      // candidate pool holds a TURN allocation) and anything prepared.
      spare?.pc.close();
      spare = undefined;
      closePeer();
      state.localSdp = undefined;
      state.candidates = [];
      changed();
      return;
    }
    noteSync(sentAt, result.serverTime);
    joinedOnce = true;
    state.roomId = result.roomId;
    state.role = result.role;
    state.link = roomLink(location.origin, location.pathname, result.roomId, state.experiments.relayOnly ? "relay" : "all");
    if (result.peer) startRun("connect"); // first, so that the record below already holds the page's frames back
    record("join", `joined room as ${result.role} peer`);
    if (result.peer) markStats("joined the other tab's room");
    if (result.peer) {
      // The tab already here makes the offer (usually prepared before this tab arrived); this one answers.
      peerPromise = createPeer(result.peer.peerId, false);
      await peerPromise;
    } else {
      setStatus("waiting", "Waiting for a second peer: open the link below in another tab or on another device. Meanwhile this tab has made its offer and gathered its candidates (below); they go to the other tab the moment it arrives.");
      prepareWhileWaiting();
    }
  }

  function onDescription(message: { from: string; description: { type: RTCSdpType; sdp: string }; size: number }): void {
    // Hand the description to the peer connection first; the timeline can wait a microsecond.
    void peerPromise.then((current) => {
      if (current && current.peerId === message.from && peer === current) void current.handle({ description: message.description });
    });
    record("signal", message.description.type, { message: { direction: "received", type: message.description.type, size: message.size } });
  }

  function onCandidate(message: RelayedCandidate): void {
    const c = message.candidate;
    const init: RTCIceCandidateInit | null = c
      ? {
          candidate: c.candidate,
          ...(c.sdpMid !== undefined ? { sdpMid: c.sdpMid } : {}),
          ...(c.sdpMLineIndex !== undefined ? { sdpMLineIndex: c.sdpMLineIndex } : {}),
          ...(c.usernameFragment !== undefined ? { usernameFragment: c.usernameFragment } : {}),
        }
      : null;
    // To the peer connection first, as with descriptions; then the table and the timeline.
    void peerPromise.then((current) => {
      if (current && current.peerId === message.from && peer === current) void current.handle({ candidate: init });
    });
    const line = c?.candidate ?? "";
    const type = line === "" ? "end-of-candidates" : `candidate (${candidateTypeOf(line) ?? "?"})`;
    if (line !== "") {
      const row = candidateRow("remote", line, { source: "trickle", atMs: currentRun ? Math.round(now() - currentRun.startedAt) : undefined });
      if (row) state.candidates = upsertRow(state.candidates, row);
    }
    record("signal", type, { message: { direction: "received", type, size: message.size } });
  }

  function onRestartRequest(message: RelayedRestartRequest): void {
    record("signal", `${RESTART_REQUEST_TYPE} from the other tab`, { message: { direction: "received", type: RESTART_REQUEST_TYPE, size: message.size } });
    const current = peer;
    if (current && current.peerId === message.from) restartAsAsked(current);
  }

  return {
    state,
    start() {
      if (params.invalidRoom) {
        setStatus("error", "This room link is not valid", "A room ID is 16 to 64 characters of letters, digits, - and _. Check the link you were sent, or start a new room (link below).");
        return;
      }
      socket = signaling.connectSignaling();
      socket.on("connect", () => {
        state.signalingConnected = true;
        if (!socket) return;
        if (state.phase === "connecting") {
          setStatus("connecting", params.room === undefined ? "Connected to the signaling server: creating a room…" : "Connected to the signaling server: warming up WebRTC, then joining the room…");
        }
        fetchIceConfig();
        // After a dropped signaling connection the server has already removed us from the room.
        const room = joinedOnce ? state.roomId : params.room;
        if (joinedOnce) closePeer();
        // The socket connects (and fetches ICE servers) while the page loads, but the tab joins
        // the room, and so starts negotiating, only once the page has loaded: negotiating while
        // the page still lays itself out made every step wait for this tab's main thread.
        const warmedUp = warmUpWebRtc();
        const go = (): void => void doJoin(room);
        const joinWhenIdle = (): void => void warmedUp.then(() => whenIdle(go, 300));
        if (document.readyState === "complete") joinWhenIdle();
        else window.addEventListener("load", joinWhenIdle, { once: true });
      });
      socket.on("connect_error", (error) => {
        state.signalingConnected = false;
        const refusal = signaling.connectRefusal(error);
        if (refusal) setStatus("error", "The signaling server refused this page", refusal.message);
        else setStatus("error", "Cannot reach the signaling server", `The page could not open a connection to this site's signaling server (${error.message}). Is the server running? This page keeps trying, and carries on by itself once the server answers.`);
      });
      socket.on("disconnect", (reason) => {
        state.signalingConnected = false;
        record("error", `signaling connection lost (${reason})`);
        setStatus(state.phase, state.status, "Lost the connection to the signaling server; reconnecting. An established peer connection keeps working without it.");
      });
      socket.on("peer:joined", (event) => {
        startRun("connect"); // before the record below, so that it already holds the page's frames back
        record("peer", "peer joined");
        markStats("the other tab joined");
        peerPromise = offerTo(event.peerId);
      });
      socket.on("peer:left", (event) => {
        if (peer && peer.peerId !== event.peerId) return;
        record("peer", event.reason === "left" ? "peer left" : "peer disconnected");
        const gone = event.reason === "left" ? "the other tab left" : "the other tab disconnected";
        stopRun(gone);
        markStats(gone);
        state.chat = [...state.chat, { from: "system", text: "The other peer left." }];
        setStatus("peer-left", "The other peer left. This room stays open: a new peer can join with the same link.");
        prepareWhileWaiting();
      });
      socket.on("signal:description", onDescription);
      socket.on("signal:candidate", onCandidate);
      socket.on("signal:restart-request", onRestartRequest);
      socket.on("error", (event) => record("error", `server refused ${event.event}: ${event.message}`));
    },
    sendChat(text) {
      const trimmed = text.trim().slice(0, MAX_CHAT_LENGTH);
      const channel = peer?.channel;
      if (trimmed === "" || channel?.readyState !== "open") return;
      send(channel, { t: "chat", text: trimmed });
      state.chat = [...state.chat, { from: "me", text: trimmed }];
      changed();
    },
    async toggleMedia() {
      if (state.localStream) {
        for (const track of state.localStream.getTracks()) track.stop();
        const pc = peer?.pc;
        if (pc) for (const sender of pc.getSenders()) if (sender.track) pc.removeTrack(sender);
        state.localStream = undefined;
        record("media", "camera and microphone off");
        return;
      }
      // navigator.mediaDevices does not exist on a plain-http page other than localhost, e.g. a
      // phone that opened the room link at the laptop's network address.
      const unavailable = mediaUnavailableReason(window.isSecureContext, "mediaDevices" in navigator, location.origin);
      if (unavailable) {
        state.mediaError = unavailable;
        changed();
        return;
      }
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        state.localStream = stream;
        state.mediaError = undefined;
        const pc = peer?.pc;
        if (pc) for (const track of stream.getTracks()) pc.addTrack(track, stream);
        record("media", "camera and microphone on");
      } catch (error) {
        state.mediaError =
          error instanceof DOMException && error.name === "NotAllowedError"
            ? "Camera and microphone were not allowed. The demo works without them."
            : `No camera or microphone: ${errorText(error)}`;
        changed();
      }
    },
    restartIce() {
      const current = peer;
      if (!current) return;
      if (restartOfferer(current.pc.localDescription?.sdp, current.remoteSdpAsSent) === "ask-firefox") askFirefoxToRestart(current);
      else restartHere(current);
    },
    async reconnect(experiments) {
      state.experiments = { ...experiments };
      if (!socket?.connected) return;
      const room = state.roomId;
      closePeer();
      try {
        await signaling.leave(socket);
      } catch {
        // Not in a room (e.g. it was full): just join again.
      }
      record("note", `reconnecting with ${experimentsLabel(experiments)}`);
      markStats(`this tab reconnected (${experimentsLabel(experiments)})`);
      // The page's ICE servers were refused (too many requests, say): reconnecting asks again.
      if (state.iceConfigError !== undefined) fetchIceConfig();
      await doJoin(room);
    },
    exportJson(maskAddresses) {
      // The descriptions on show are refreshed once a second; the file gets them as they are now,
      // with every candidate trickled so far.
      const local = peer?.pc.localDescription?.sdp;
      if (local) state.localSdp = filterSdpCandidates(local, state.experiments);
      const remote = peer?.pc.remoteDescription?.sdp;
      if (remote) state.remoteSdp = remote;
      return exportSession(
        {
          roomId: state.roomId,
          role: state.role,
          experiments: state.experiments,
          iceServers: state.iceServerUrls,
          connectionState: state.connectionState,
          ...(state.dtlsState !== undefined ? { dtlsState: state.dtlsState } : {}),
          localSdp: state.localSdp,
          remoteSdp: state.remoteSdp,
          candidates: state.candidates,
          pairs: state.pairs.pairs,
          selectedPair: state.pairs.selected?.id,
          why: state.why,
          runs: state.runs,
          timeline: state.timeline,
          stats: lastStats,
          statsHistory: state.statsHistory,
        },
        { maskAddresses, exportedAt: new Date().toISOString() },
      );
    },
  };
}
