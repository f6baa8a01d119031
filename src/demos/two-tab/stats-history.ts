/**
 * The history behind the two-tab demo's "Live stats" graphs: one sample per getStats() poll (once a
 * second) of the selected candidate pair and, while the other tab sends its camera and microphone,
 * of the media arriving here; plus marks on the time axis for what explains a jump in them (the
 * tabs connected, the selected pair changed, an ICE restart, a peer left or arrived).
 *
 * Pure: it takes the stats report as plain objects (`[...report.values()]`, as pairs.ts does) and a
 * time, so it runs and is tested without a browser. The schema is also the saved file's
 * (session-file.ts `statsHistory`): the types below are derived from it, never written twice.
 *
 * Rates come from the difference between two samples' counters. Those counters belong to one
 * candidate pair, in one ICE session, of one RTCPeerConnection: webrtc-stats defines bytesSent as
 * "the total number of payload bytes sent on this candidate pair" (RTCIceCandidatePairStats). A new
 * connection, an ICE restart (new ufrag and password, RFC 8445 §9) or another selected pair starts
 * from other counters, so the sample after any of those has no rate: a gap in the line, never a
 * negative value or a spike made of two pairs' totals.
 */
import { z } from "../../shared/zod.ts";
import { localUfrag, readPairs, selectedPairUfrag, type StatsEntry } from "./pairs.ts";

/** How often the demo polls getStats() (session.ts), and so the spacing of samples. */
export const STATS_INTERVAL_MS = 1000;
/** The graphs keep the last five minutes... */
export const STATS_WINDOW_MS = 5 * 60 * 1000;
/** ...and at most this many samples: five minutes at one a second. */
export const STATS_HISTORY_LIMIT = 300;
/** Marks kept, at most (there are a handful per connection). */
export const STATS_MARK_LIMIT = 50;

const amount = z.number().finite().min(0);
/** Milliseconds since 1970 that a Date can hold (ECMAScript §21.4.1.22): a saved file is checked against it. */
const time = z.number().min(0).max(8.64e15);

export const statsSampleSchema = z.object({
  /** Milliseconds on the signaling server's clock, like the timeline's events. */
  at: time,
  /**
   * The selected pair's currentRoundTripTime in milliseconds: "the latest round trip time
   * measured ... computed from both STUN connectivity checks ... including those that are sent
   * for consent verification [RFC 7675]" (webrtc-stats, RTCIceCandidatePairStats).
   */
  rttMs: amount.optional(),
  /** Payload bytes per second on the selected pair since the previous sample; absent where counters restarted. */
  sentBytesPerSecond: amount.optional(),
  receivedBytesPerSecond: amount.optional(),
  /** Inbound video (inbound-rtp framesPerSecond: "the number of decoded frames in the last second"). */
  framesPerSecond: amount.optional(),
  /** Inbound packets lost per second since the previous sample, audio and video together (RFC 3550 §6.4.1). */
  packetsLostPerSecond: amount.optional(),
  /** Interarrival jitter of inbound audio and video, in milliseconds (RFC 3550 §6.4.1, A.8). */
  audioJitterMs: amount.optional(),
  videoJitterMs: amount.optional(),
});

export const STATS_MARK_KINDS = ["connected", "pair", "ice-restart", "peer"] as const;

export const statsMarkSchema = z.object({
  at: time,
  kind: z.enum(STATS_MARK_KINDS),
  /** Words for the reader; never an address, so masking a saved file leaves it as it is. */
  label: z.string().max(200),
});

export const statsHistorySchema = z.object({
  samples: z.array(statsSampleSchema).max(STATS_HISTORY_LIMIT),
  marks: z.array(statsMarkSchema).max(STATS_MARK_LIMIT),
});

export type StatsSample = z.infer<typeof statsSampleSchema>;
export type StatsMark = z.infer<typeof statsMarkSchema>;
export type StatsMarkKind = StatsMark["kind"];
export type StatsHistory = z.infer<typeof statsHistorySchema>;

export const EMPTY_STATS_HISTORY: StatsHistory = { samples: [], marks: [] };

/** Does any sample carry media (the other tab's camera or microphone arriving here)? */
export function hasMedia(history: StatsHistory): boolean {
  return history.samples.some((s) => s.framesPerSecond !== undefined || s.packetsLostPerSecond !== undefined || s.audioJitterMs !== undefined || s.videoJitterMs !== undefined);
}

interface InboundReading {
  kind: string | undefined;
  packetsLost: number | undefined;
  framesDecoded: number | undefined;
  framesPerSecond: number | undefined;
  jitterMs: number | undefined;
}

/** What one poll says about the selected pair and the inbound streams. */
interface Reading {
  /** Which RTCPeerConnection (the session numbers them). */
  connection: number;
  pairId: string;
  /** The ICE session's local username fragment: an ICE restart changes it (RFC 8445 §9). */
  ufrag: string | undefined;
  /** "host/relay": the two candidates' types, for the marks. */
  path: string;
  rttMs: number | undefined;
  bytesSent: number;
  bytesReceived: number;
  /** inbound-rtp entries by stats ID. */
  inbound: ReadonlyMap<string, InboundReading>;
}

const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

function read(stats: readonly StatsEntry[], connection: number): Reading | undefined {
  const selected = readPairs(stats).selected;
  if (!selected) return undefined;
  const inbound = new Map<string, InboundReading>();
  for (const entry of stats) {
    if (entry.type !== "inbound-rtp") continue;
    const jitter = num(entry["jitter"]);
    inbound.set(entry.id, {
      kind: typeof entry["kind"] === "string" ? entry["kind"] : undefined,
      packetsLost: num(entry["packetsLost"]),
      framesDecoded: num(entry["framesDecoded"]),
      framesPerSecond: num(entry["framesPerSecond"]),
      jitterMs: jitter === undefined ? undefined : jitter * 1000,
    });
  }
  return {
    connection,
    pairId: selected.id,
    // The transport's ufrag first: on the answering side Chromium can keep reporting the old
    // ufrag on a local candidate that the new ICE session reuses.
    ufrag: localUfrag(stats) ?? selectedPairUfrag(stats, selected.id),
    path: `${selected.local.type}/${selected.remote.type}`,
    rttMs: selected.rttMs,
    bytesSent: selected.bytesSent,
    bytesReceived: selected.bytesReceived,
    inbound,
  };
}

/** Two ufrags differ only when both are known. */
const newIceSession = (before: string | undefined, after: string | undefined): boolean => before !== undefined && after !== undefined && before !== after;

/** Per second from two readings of one counter; nothing where it went backwards (it restarted). */
function perSecond(before: number | undefined, after: number | undefined, seconds: number): number | undefined {
  if (before === undefined || after === undefined || after < before) return undefined;
  return (after - before) / seconds;
}

const maxOf = (values: readonly (number | undefined)[]): number | undefined => {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : Math.max(...known);
};

/** The media part of a sample, from the inbound-rtp entries (compared with the previous poll's when there is one). */
function mediaFields(reading: Reading, before: ReadonlyMap<string, InboundReading> | undefined, seconds: number | undefined): Partial<StatsSample> {
  const streams = [...reading.inbound.entries()];
  if (streams.length === 0) return {};
  const out: Partial<StatsSample> = {};
  const video = streams.filter(([, s]) => s.kind === "video");
  const fps = maxOf(
    video.map(([id, s]) => s.framesPerSecond ?? (seconds === undefined ? undefined : perSecond(before?.get(id)?.framesDecoded, s.framesDecoded, seconds))),
  );
  if (fps !== undefined) out.framesPerSecond = fps;
  // packetsLost is an estimate that "can be negative if more packets are received than sent"
  // (webrtc-stats, after RFC 3550 §6.4.1): a stream whose count went down lost nothing meanwhile.
  if (seconds !== undefined && before !== undefined) {
    const lost = streams.flatMap(([id, s]) => {
      const earlier = before.get(id)?.packetsLost;
      return earlier === undefined || s.packetsLost === undefined ? [] : [Math.max(0, s.packetsLost - earlier) / seconds];
    });
    if (lost.length > 0) out.packetsLostPerSecond = lost.reduce((a, b) => a + b, 0);
  }
  const audioJitter = maxOf(streams.filter(([, s]) => s.kind === "audio").map(([, s]) => s.jitterMs));
  const videoJitter = maxOf(video.map(([, s]) => s.jitterMs));
  if (audioJitter !== undefined) out.audioJitterMs = audioJitter;
  if (videoJitter !== undefined) out.videoJitterMs = videoJitter;
  return out;
}

/**
 * The mark a reading calls for, compared with the last selected pair seen. `restartMarked`: the
 * session marked an ICE restart itself since then (when it happened: the click, or the other
 * tab's offer), so the stats need not say it again.
 */
function markFor(seen: Reading | undefined, reading: Reading, restartMarked: boolean): Omit<StatsMark, "at"> | undefined {
  if (seen?.connection !== reading.connection) return { kind: "connected", label: `connected over a ${reading.path} pair` };
  if (newIceSession(seen.ufrag, reading.ufrag) && !restartMarked) return { kind: "ice-restart", label: `ICE restart: a new ICE session, on a ${reading.path} pair` };
  if (seen.pairId !== reading.pairId) return { kind: "pair", label: `selected pair changed, now ${reading.path}` };
  return undefined;
}

/** The last five minutes, at most STATS_HISTORY_LIMIT samples and STATS_MARK_LIMIT marks. */
export function bounded(history: StatsHistory): StatsHistory {
  const newest = Math.max(history.samples.at(-1)?.at ?? -Infinity, history.marks.at(-1)?.at ?? -Infinity);
  const since = newest - STATS_WINDOW_MS;
  const samples = history.samples.filter((s) => s.at >= since).slice(-STATS_HISTORY_LIMIT);
  const marks = history.marks.filter((m) => m.at >= since).slice(-STATS_MARK_LIMIT);
  return samples.length === history.samples.length && marks.length === history.marks.length ? history : { samples, marks };
}

/**
 * Keeps the history of one tab. Each change makes a new `history` object (the arrays are small),
 * so a page can tell with `!==` whether there is anything new to draw.
 */
export class StatsRecorder {
  private current: StatsHistory = EMPTY_STATS_HISTORY;
  /** The previous sample's reading and time: the counters the next rates are worked out from. */
  private previous: { reading: Reading; at: number } | undefined;
  /** The last selected pair seen, and when, which the marks compare with (kept across polls without one). */
  private seen: { reading: Reading; at: number } | undefined;

  get history(): StatsHistory {
    return this.current;
  }

  /**
   * One poll's report, taken at `at` (the signaling server's clock), from the RTCPeerConnection
   * the session numbered `connection`. No selected pair, no sample: the line has a gap there.
   */
  sample(at: number, connection: number, stats: readonly StatsEntry[]): void {
    const reading = read(stats, connection);
    const previous = this.previous;
    if (!reading) {
      this.previous = undefined;
      return;
    }
    const mark = this.change(reading, at);
    this.previous = { reading, at };

    const seconds = previous === undefined ? undefined : (at - previous.at) / 1000;
    // A second poll moments after another (or a clock that stepped back) says nothing about a rate.
    const usable = seconds !== undefined && seconds >= STATS_INTERVAL_MS / 2000 ? seconds : undefined;
    const sameConnection = previous?.reading.connection === reading.connection;
    const sameCounters = sameConnection && previous?.reading.pairId === reading.pairId && !newIceSession(previous.reading.ufrag, reading.ufrag);

    const sample: StatsSample = { at };
    if (reading.rttMs !== undefined) sample.rttMs = reading.rttMs;
    if (sameCounters && usable !== undefined) {
      const sent = perSecond(previous?.reading.bytesSent, reading.bytesSent, usable);
      const received = perSecond(previous?.reading.bytesReceived, reading.bytesReceived, usable);
      if (sent !== undefined) sample.sentBytesPerSecond = sent;
      if (received !== undefined) sample.receivedBytesPerSecond = received;
    }
    // RTP counters belong to the stream, not the pair: they carry on across an ICE restart or a
    // new selected pair, but not into another connection.
    Object.assign(sample, mediaFields(reading, sameConnection ? previous?.reading.inbound : undefined, usable));

    this.current = bounded({
      samples: [...this.current.samples, sample],
      marks: mark ? [...this.current.marks, { at, ...mark }] : this.current.marks,
    });
  }

  /**
   * A report from a poll outside the regular ones (the one made the moment the connection comes
   * up, or the quick ones while an ICE restart settles): marks what changed at the time it was
   * seen, instead of up to a second later at the next sample, and adds no sample (the rates stay
   * per regular interval).
   */
  observe(at: number, connection: number, stats: readonly StatsEntry[]): void {
    const reading = read(stats, connection);
    if (!reading) return;
    const mark = this.change(reading, at);
    if (mark) this.current = bounded({ samples: this.current.samples, marks: [...this.current.marks, { at, ...mark }] });
  }

  /** What changed since the last selected pair seen (a mark, or nothing); remembers this one. */
  private change(reading: Reading, at: number): Omit<StatsMark, "at"> | undefined {
    const seen = this.seen;
    const restartMarked = seen !== undefined && this.current.marks.some((m) => m.kind === "ice-restart" && m.at >= seen.at);
    this.seen = { reading, at };
    return markFor(seen?.reading, reading, restartMarked);
  }

  /** An event the session knows of itself (a peer arrived or left, an ICE restart began), at `at`. */
  mark(at: number, kind: StatsMarkKind, label: string): void {
    this.current = bounded({ samples: this.current.samples, marks: [...this.current.marks, { at, kind, label: label.slice(0, 200) }] });
  }
}
