/**
 * A small but complete two-tab session, built with the demo's own functions (candidate rows,
 * pairs read from getStats() entries, the why-it-won sentence), as session.ts hands it to
 * exportSession. Addresses are from the documentation ranges (RFC 5737, RFC 3849).
 */
import { candidateRow, type CandidateRow } from "../../../src/demos/two-tab/candidates.ts";
import { readPairs, whyItWon, type StatsEntry } from "../../../src/demos/two-tab/pairs.ts";
import type { SessionBody } from "../../../src/demos/two-tab/session-file.ts";
import { StatsRecorder } from "../../../src/demos/two-tab/stats-history.ts";

export const FINGERPRINT = "a=fingerprint:sha-256 6B:8B:5A:CD:E2:12:4C:98:B7:AB:36:0B:4D:B1:23:CE:70:2C:42:58:5E:39:A3:6A:9A:0E:DE:90:59:91:E1:DA";
export const LOCAL_HOST = "candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host generation 0";
export const LOCAL_SRFLX = "candidate:2 1 udp 1686052607 203.0.113.7 40000 typ srflx raddr 192.0.2.10 rport 50000 generation 0";
export const REMOTE_HOST = "candidate:3 1 udp 2122260223 2001:db8::20 7000 typ host generation 0";

const sdp = (origin: string, candidates: readonly string[]): string =>
  ["v=0", `o=- 4611731400430051336 2 IN IP4 ${origin}`, "s=-", "t=0 0", "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0", FINGERPRINT, "a=mid:0", ...candidates.map((c) => `a=${c}`), ""].join("\r\n");

const rows: CandidateRow[] = [
  candidateRow("local", LOCAL_HOST, { source: "trickle", sent: true, atMs: 3 }),
  candidateRow("local", LOCAL_SRFLX, { source: "trickle", sent: true, atMs: 40, url: "stun:127.0.0.1:3478" }),
  candidateRow("remote", REMOTE_HOST, { source: "sdp", atMs: 12 }),
].filter((row): row is CandidateRow => row !== undefined);

const stats: StatsEntry[] = [
  { id: "T1", type: "transport", selectedCandidatePairId: "P1", iceRole: "controlling" },
  { id: "L1", type: "local-candidate", candidateType: "host", address: "192.0.2.10", port: 50000, protocol: "udp", priority: 2122260223 },
  { id: "R1", type: "remote-candidate", candidateType: "host", address: "2001:db8::20", port: 7000, protocol: "udp", priority: 2122260223 },
  { id: "P1", type: "candidate-pair", localCandidateId: "L1", remoteCandidateId: "R1", state: "succeeded", nominated: true, requestsSent: 3, responsesReceived: 3, requestsReceived: 2, responsesSent: 2, currentRoundTripTime: 0.0012, bytesSent: 100, bytesReceived: 90 },
];
const pairs = readPairs(stats);

/** Five polls a second apart after the other tab joined, the pair's counters growing. */
const recorder = new StatsRecorder();
recorder.mark(1_000, "peer", "the other tab joined");
for (let i = 0; i < 5; i++) {
  const poll = stats.map((entry) => (entry.id === "P1" ? { ...entry, bytesSent: 100 + i * 1200, bytesReceived: 90 + i * 800, currentRoundTripTime: 0.0012 + i * 0.0001 } : entry));
  recorder.sample(2_000 + i * 1000, 1, poll);
}

export const SESSION: SessionBody = {
  roomId: "fixture-room-0123456789",
  role: "impolite",
  experiments: { relayOnly: false, dropHost: false, dropSrflx: false, trickle: true },
  iceServers: ["stun:127.0.0.1:3478", "turn:127.0.0.1:3478?transport=udp"],
  connectionState: "connected",
  localSdp: sdp("192.0.2.10", [LOCAL_HOST, LOCAL_SRFLX]),
  remoteSdp: sdp("2001:db8::20", [REMOTE_HOST]),
  candidates: rows,
  pairs: pairs.pairs,
  selectedPair: pairs.selected?.id,
  why: whyItWon(pairs, "all"),
  runs: [{ n: 1, kind: "connect", settings: "all candidates, trickle", connectMs: 84, channelMs: 97, startedAt: 1_000 }],
  timeline: [
    { side: "local", at: 1_000, kind: "peer", label: "the other tab joined" },
    { side: "local", at: 1_010, kind: "signal", label: "offer sent", message: { direction: "sent", type: "offer", size: 612 } },
    { side: "remote", at: 1_030, kind: "signal", label: "offer received", message: { direction: "received", type: "offer", size: 612 } },
    { side: "local", at: 1_084, kind: "selected-pair", label: "selected pair host/host", detail: "192.0.2.10:50000 ↔ [2001:db8::20]:7000" },
  ],
  stats,
  statsHistory: recorder.history,
};
