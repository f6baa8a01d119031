/**
 * The live stats history (src/demos/two-tab/stats-history.ts): rates from counter deltas, no rate
 * where counters restart (new connection, ICE restart, another selected pair), the bound, and the
 * marks on the time axis. Reports are getStats() entries as plain objects, shaped like Chromium's.
 */
import { describe, expect, it } from "vitest";
import type { StatsEntry } from "../../../src/demos/two-tab/pairs.ts";
import { bounded, hasMedia, StatsRecorder, STATS_HISTORY_LIMIT, STATS_WINDOW_MS, type StatsSample } from "../../../src/demos/two-tab/stats-history.ts";

interface Inbound {
  id: string;
  kind: "audio" | "video";
  packetsLost?: number;
  framesDecoded?: number;
  framesPerSecond?: number;
  jitter?: number;
}

interface Poll {
  pair?: string;
  ufrag?: string;
  /** currentRoundTripTime, in seconds as getStats() reports it. */
  rtt?: number;
  sent?: number;
  received?: number;
  localType?: string;
  inbound?: Inbound[];
  /** No selected pair on the transport (checks still running). */
  unselected?: boolean;
  /** The local candidate's own ufrag, when it differs from the transport's. */
  candidateUfrag?: string;
}

/** One getStats() report: a transport naming its selected pair, the pair and its two candidates. */
function report({ pair = "P1", ufrag = "uf1", rtt = 0.002, sent = 0, received = 0, localType = "host", inbound = [], unselected = false, candidateUfrag = ufrag }: Poll = {}): StatsEntry[] {
  return [
    { id: "T1", type: "transport", ...(unselected ? {} : { selectedCandidatePairId: pair }), iceLocalUsernameFragment: ufrag },
    { id: `L-${pair}`, type: "local-candidate", candidateType: localType, address: "192.0.2.10", port: 50000, priority: 1, usernameFragment: candidateUfrag },
    { id: `R-${pair}`, type: "remote-candidate", candidateType: "host", address: "192.0.2.20", port: 50001, priority: 1 },
    { id: pair, type: "candidate-pair", localCandidateId: `L-${pair}`, remoteCandidateId: `R-${pair}`, state: "succeeded", nominated: true, currentRoundTripTime: rtt, bytesSent: sent, bytesReceived: received },
    ...inbound.map(({ id, ...rest }) => ({ id, type: "inbound-rtp", ...rest })),
  ];
}

/** Polls one a second from t = 0, on connection 1 unless the poll says otherwise. */
function record(polls: readonly (Poll & { connection?: number; at?: number })[]): StatsRecorder {
  const recorder = new StatsRecorder();
  polls.forEach((poll, i) => recorder.sample(poll.at ?? i * 1000, poll.connection ?? 1, report(poll)));
  return recorder;
}

const rates = (samples: readonly StatsSample[]): [number | undefined, number | undefined][] => samples.map((s) => [s.sentBytesPerSecond, s.receivedBytesPerSecond]);

describe("StatsRecorder: round-trip time and data rate of the selected pair", () => {
  it("records the RTT in ms and the rates in bytes per second from counter deltas", () => {
    const { history } = record([
      { rtt: 0.0015, sent: 1000, received: 500 },
      { rtt: 0.0025, sent: 3000, received: 1500 },
      { rtt: 0.001, sent: 3000, received: 4500 },
    ]);
    expect(history.samples.map((s) => s.at)).toEqual([0, 1000, 2000]);
    expect(history.samples.map((s) => s.rttMs)).toEqual([1.5, 2.5, 1]);
    // The first sample has nothing to compare with: no rate yet, rather than a guess.
    expect(rates(history.samples)).toEqual([
      [undefined, undefined],
      [2000, 1000],
      [0, 3000],
    ]);
  });

  it("divides by the time between the two samples, not by the nominal second", () => {
    const { history } = record([
      { at: 0, sent: 0, received: 0 },
      { at: 2500, sent: 5000, received: 1000 },
    ]);
    expect(rates(history.samples)[1]).toEqual([2000, 400]);
  });

  it("gives no rate, never a negative one, when the counters start again: new connection, ICE restart, other pair, a counter going back", () => {
    const { history } = record([
      { sent: 9000, received: 9000 },
      { sent: 10_000, received: 10_000 },
      // A new RTCPeerConnection: its pair starts at zero.
      { connection: 2, sent: 100, received: 200 },
      { connection: 2, sent: 1100, received: 1200 },
      // An ICE restart: same pair ID (same addresses), new ufrag, new counters.
      { connection: 2, ufrag: "uf2", sent: 50_000, received: 60_000 },
      { connection: 2, ufrag: "uf2", sent: 51_000, received: 61_000 },
      // Another selected pair, whose totals are far above the old one's: no spike.
      { connection: 2, ufrag: "uf2", pair: "P2", sent: 900_000, received: 900_000 },
      { connection: 2, ufrag: "uf2", pair: "P2", sent: 901_000, received: 900_500 },
      // A counter that went back without any of the above.
      { connection: 2, ufrag: "uf2", pair: "P2", sent: 10, received: 901_000 },
    ]);
    expect(rates(history.samples)).toEqual([
      [undefined, undefined],
      [1000, 1000],
      [undefined, undefined],
      [1000, 1000],
      [undefined, undefined],
      [1000, 1000],
      [undefined, undefined],
      [1000, 500],
      [undefined, 500],
    ]);
    for (const s of history.samples) for (const v of [s.sentBytesPerSecond, s.receivedBytesPerSecond]) if (v !== undefined) expect(v).toBeGreaterThanOrEqual(0);
  });

  it("takes no sample without a selected pair, and starts the rates afresh after one", () => {
    const { history } = record([{ sent: 0 }, { sent: 1000 }, { sent: 2000, unselected: true }, { sent: 3000 }, { sent: 4000 }]);
    expect(history.samples.map((s) => s.at)).toEqual([0, 1000, 3000, 4000]);
    expect(rates(history.samples).map(([sent]) => sent)).toEqual([undefined, 1000, undefined, 1000]);
  });

  it("computes no rate from two polls moments apart", () => {
    const { history } = record([
      { at: 0, sent: 0 },
      { at: 20, sent: 1000 },
    ]);
    expect(history.samples[1]?.sentBytesPerSecond).toBeUndefined();
  });
});

describe("StatsRecorder: media arriving from the other tab (inbound-rtp)", () => {
  const video = (over: Partial<Inbound> = {}): Inbound => ({ id: "IV", kind: "video", packetsLost: 0, framesDecoded: 0, jitter: 0.004, ...over });
  const audio = (over: Partial<Inbound> = {}): Inbound => ({ id: "IA", kind: "audio", packetsLost: 0, jitter: 0.002, ...over });

  it("records frames per second, packets lost per second and jitter in ms", () => {
    const { history } = record([
      { inbound: [video({ framesPerSecond: 30, packetsLost: 2 }), audio({ packetsLost: 1 })] },
      { inbound: [video({ framesPerSecond: 29, packetsLost: 5, jitter: 0.006 }), audio({ packetsLost: 2, jitter: 0.003 })] },
    ]);
    expect(history.samples[0]).toMatchObject({ framesPerSecond: 30, audioJitterMs: 2, videoJitterMs: 4 });
    expect(history.samples[0]?.packetsLostPerSecond).toBeUndefined();
    expect(history.samples[1]).toMatchObject({ framesPerSecond: 29, packetsLostPerSecond: 4, audioJitterMs: 3, videoJitterMs: 6 });
    expect(hasMedia(history)).toBe(true);
  });

  it("works frames per second out from framesDecoded where the browser does not report it", () => {
    const { history } = record([{ inbound: [video({ framesDecoded: 100 })] }, { at: 2000, inbound: [video({ framesDecoded: 150 })] }]);
    expect(history.samples[1]?.framesPerSecond).toBe(25);
  });

  it("never counts negative losses (packetsLost can go down), and starts again on a new connection", () => {
    const { history } = record([
      { inbound: [video({ packetsLost: 10 })] },
      { inbound: [video({ packetsLost: 7 })] },
      { connection: 2, inbound: [video({ packetsLost: 0 })] },
      { connection: 2, inbound: [video({ packetsLost: 3 })] },
    ]);
    expect(history.samples.map((s) => s.packetsLostPerSecond)).toEqual([undefined, 0, undefined, 3]);
  });

  it("keeps counting media across an ICE restart: RTP counters belong to the stream, not the pair", () => {
    const { history } = record([{ inbound: [video({ packetsLost: 1 })] }, { ufrag: "uf2", inbound: [video({ packetsLost: 4 })] }]);
    expect(history.samples[1]?.packetsLostPerSecond).toBe(3);
  });

  it("has no media fields, and says so, without inbound-rtp", () => {
    const { history } = record([{}, {}]);
    expect(history.samples[1]).not.toHaveProperty("framesPerSecond");
    expect(hasMedia(history)).toBe(false);
  });
});

describe("StatsRecorder: marks on the time axis", () => {
  it("marks the first pair of each connection, a new selected pair and an ICE restart, once each", () => {
    const recorder = record([
      { localType: "host" },
      { localType: "host" },
      { pair: "P2", localType: "relay" },
      { pair: "P2", localType: "relay" },
      { pair: "P2", localType: "relay", ufrag: "uf2" },
      { pair: "P2", localType: "relay", ufrag: "uf2", unselected: true },
      { pair: "P2", localType: "relay", ufrag: "uf2" },
      { connection: 2, localType: "host" },
    ]);
    expect(recorder.history.marks).toEqual([
      { at: 0, kind: "connected", label: "connected over a host/host pair" },
      { at: 2000, kind: "pair", label: "selected pair changed, now relay/host" },
      { at: 4000, kind: "ice-restart", label: "ICE restart: a new ICE session, on a relay/host pair" },
      { at: 7000, kind: "connected", label: "connected over a host/host pair" },
    ]);
  });

  it("calls it an ICE restart when the transport's ufrag changes, though the reused local candidate still reports the old one", () => {
    // What Chromium's answering tab reports: a new pair (new remote candidate), its local candidate
    // from before the restart, and the new credentials only on the transport.
    const recorder = record([{ sent: 5000 }, { sent: 6000 }, { pair: "P2", ufrag: "uf2", candidateUfrag: "uf1", sent: 100 }, { pair: "P2", ufrag: "uf2", candidateUfrag: "uf1", sent: 1100 }]);
    expect(recorder.history.marks.map((m) => m.kind)).toEqual(["connected", "ice-restart"]);
    expect(rates(recorder.history.samples).map(([sent]) => sent)).toEqual([undefined, 1000, undefined, 1000]);
  });

  it("leaves an ICE restart the session marked itself to the session, and still marks the pair that follows", () => {
    const recorder = new StatsRecorder();
    recorder.sample(0, 1, report({}));
    recorder.mark(500, "ice-restart", "this tab restarted ICE");
    recorder.sample(1000, 1, report({ ufrag: "uf2" }));
    recorder.sample(2000, 1, report({ ufrag: "uf2", pair: "P2" }));
    // A later restart the session did not see is still found in the stats.
    recorder.sample(3000, 1, report({ ufrag: "uf3", pair: "P2" }));
    expect(recorder.history.marks.map((m) => [m.at, m.kind])).toEqual([
      [0, "connected"],
      [500, "ice-restart"],
      [2000, "pair"],
      [3000, "ice-restart"],
    ]);
  });

  it("marks a change seen by a poll between samples when it was seen, once, and adds no sample for it", () => {
    const recorder = new StatsRecorder();
    // The poll made the moment the connection comes up, 300 ms before the next regular sample.
    recorder.observe(700, 1, report({ sent: 100 }));
    recorder.sample(1000, 1, report({ sent: 100 }));
    recorder.sample(2000, 1, report({ sent: 1100 }));
    // The quick polls while an ICE restart settles: the new pair is marked when it appears.
    recorder.observe(2300, 1, report({ pair: "P2", ufrag: "uf2" }));
    recorder.observe(2325, 1, report({ pair: "P2", ufrag: "uf2" }));
    recorder.sample(3000, 1, report({ pair: "P2", ufrag: "uf2" }));
    expect(recorder.history.marks.map((m) => [m.at, m.kind])).toEqual([
      [700, "connected"],
      [2300, "ice-restart"],
    ]);
    expect(recorder.history.samples.map((s) => s.at)).toEqual([1000, 2000, 3000]);
    // A poll without a selected pair changes nothing.
    const before = recorder.history;
    recorder.observe(3100, 1, report({ unselected: true }));
    expect(recorder.history).toBe(before);
  });

  it("takes the session's own marks (a peer arriving or leaving), and makes a new history object for each change", () => {
    const recorder = new StatsRecorder();
    const before = recorder.history;
    recorder.mark(5, "peer", "the other tab joined");
    expect(recorder.history).not.toBe(before);
    expect(recorder.history.marks).toEqual([{ at: 5, kind: "peer", label: "the other tab joined" }]);
    const after = recorder.history;
    recorder.sample(1000, 1, report({ unselected: true }));
    expect(recorder.history).toBe(after);
  });
});

describe("bounded: the last five minutes, at most 300 samples", () => {
  it("keeps the newest 300 samples of a long session", () => {
    const recorder = record(Array.from({ length: 400 }, (_, i) => ({ sent: i * 100 })));
    const { samples } = recorder.history;
    expect(samples).toHaveLength(STATS_HISTORY_LIMIT);
    expect(samples[0]?.at).toBe(100_000);
    expect(samples.at(-1)?.at).toBe(399_000);
    // Marks older than what is kept go too (the "connected" mark at 0 s).
    expect(recorder.history.marks).toEqual([]);
  });

  it("drops samples and marks older than five minutes before the newest, even when there are few", () => {
    const history = bounded({
      samples: [{ at: 0 }, { at: 1000 }, { at: STATS_WINDOW_MS + 500 }],
      marks: [
        { at: 0, kind: "peer", label: "old" },
        { at: STATS_WINDOW_MS + 600, kind: "peer", label: "new" },
      ],
    });
    expect(history.samples.map((s) => s.at)).toEqual([1000, STATS_WINDOW_MS + 500]);
    expect(history.marks.map((m) => m.label)).toEqual(["new"]);
  });

  it("returns the same object when nothing is dropped", () => {
    const history = { samples: [{ at: 0 }], marks: [] };
    expect(bounded(history)).toBe(history);
  });
});
