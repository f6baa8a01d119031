/**
 * The pair matrix built from the demo's own candidate rows (candidateRow) and pairs read from
 * getStats() entries (readPairs): the prediction per cell, the summary counts and sentence, and
 * how the prediction is reconciled with what the stats showed, including pairs the rules did not
 * predict and candidates only the stats know.
 */
import { describe, expect, it } from "vitest";
import { candidateRow, type CandidateRow } from "../../../src/demos/two-tab/candidates.ts";
import { buildPairMatrix, type MatrixCell, type PairMatrix } from "../../../src/demos/two-tab/pair-matrix.ts";
import { candidateDetail, cellExplanation, cellText, matrixSummary } from "../../../src/demos/two-tab/pair-matrix-text.ts";
import { pairPriorityFor, readPairs, type StatsEntry } from "../../../src/demos/two-tab/pairs.ts";
import { exportSession } from "../../../src/demos/two-tab/export.ts";
import { readSessionFile } from "../../../src/demos/two-tab/session-file.ts";
import { SESSION } from "./two-tab-session-fixture.ts";

const L_HOST = "candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host generation 0";
const L_SRFLX = "candidate:2 1 udp 1686052607 203.0.113.7 40000 typ srflx raddr 192.0.2.10 rport 50000 generation 0";
const L_RELAY = "candidate:3 1 udp 41885439 198.51.100.5 60000 typ relay raddr 203.0.113.7 rport 40000 generation 0";
const R_HOST = "candidate:4 1 udp 2122260223 192.0.2.20 7000 typ host generation 0";
const R_HOST6 = "candidate:5 1 udp 2122262783 2001:db8::20 7001 typ host generation 0";
const R_SRFLX = "candidate:6 1 udp 1686052607 203.0.113.9 41000 typ srflx raddr 192.0.2.20 rport 7000 generation 0";
const R_RELAY = "candidate:7 1 udp 41885439 198.51.100.6 61000 typ relay raddr 203.0.113.9 rport 41000 generation 0";

function rows(): CandidateRow[] {
  const made = [
    candidateRow("local", L_HOST, { source: "trickle", sent: true }),
    candidateRow("local", L_SRFLX, { source: "trickle", sent: true }),
    candidateRow("local", L_RELAY, { source: "trickle", sent: true }),
    candidateRow("remote", R_HOST, { source: "trickle" }),
    candidateRow("remote", R_HOST6, { source: "trickle" }),
    candidateRow("remote", R_SRFLX, { source: "trickle" }),
    candidateRow("remote", R_RELAY, { source: "trickle" }),
  ];
  return made.filter((row): row is CandidateRow => row !== undefined);
}

const LOCAL_STATS: StatsEntry[] = [
  { id: "L1", type: "local-candidate", candidateType: "host", address: "192.0.2.10", port: 50000, protocol: "udp", priority: 2122260223 },
  { id: "L3", type: "local-candidate", candidateType: "relay", address: "198.51.100.5", port: 60000, protocol: "udp", priority: 41885439 },
];
const REMOTE_STATS: StatsEntry[] = [
  { id: "R4", type: "remote-candidate", candidateType: "host", address: "192.0.2.20", port: 7000, protocol: "udp", priority: 2122260223 },
  { id: "R6", type: "remote-candidate", candidateType: "srflx", address: "203.0.113.9", port: 41000, protocol: "udp", priority: 1686052607 },
  { id: "R7", type: "remote-candidate", candidateType: "relay", address: "198.51.100.6", port: 61000, protocol: "udp", priority: 41885439 },
];
const pair = (id: string, local: string, remote: string, state: string, extra: Partial<StatsEntry> = {}): StatsEntry => ({ id, type: "candidate-pair", localCandidateId: local, remoteCandidateId: remote, state, nominated: false, ...extra });

/** What Chromium reports for this session: every predicted pair but one (relay ↔ remote relay), the host pair selected. */
function stats(extra: StatsEntry[] = []): StatsEntry[] {
  return [
    { id: "T1", type: "transport", selectedCandidatePairId: "P1", iceRole: "controlling" },
    ...LOCAL_STATS,
    ...REMOTE_STATS,
    pair("P1", "L1", "R4", "succeeded", { nominated: true }),
    pair("P2", "L1", "R6", "succeeded"),
    pair("P3", "L1", "R7", "waiting"),
    pair("P4", "L3", "R4", "succeeded"),
    pair("P5", "L3", "R6", "waiting"),
    ...extra,
  ];
}

function matrixOf(entries: StatsEntry[], candidates: CandidateRow[] = rows()): PairMatrix {
  const view = readPairs(entries);
  return buildPairMatrix(candidates, view.pairs, view.role);
}

function cell(matrix: PairMatrix, local: string, remote: string): MatrixCell {
  const found = matrix.cells.flat().find((c) => c.local.address === local && c.remote.address === remote);
  if (!found) throw new Error(`no cell ${local} × ${remote}`);
  return found;
}

describe("the matrix's rows, columns and predictions", () => {
  const matrix = matrixOf(stats());

  it("has every local candidate as a row and every remote one as a column, highest priority first", () => {
    expect(matrix.rows.map((r) => r.type)).toEqual(["host", "srflx", "relay"]);
    expect(matrix.columns.map((c) => `${c.type} ${c.address ?? ""}`)).toEqual(["host 2001:db8::20", "host 192.0.2.20", "srflx 203.0.113.9", "relay 198.51.100.6"]);
    expect(matrix.cells.map((row) => row.length)).toEqual([4, 4, 4]);
    expect(new Set(matrix.cells.flat().map((c) => c.key)).size).toBe(12);
  });

  it("predicts: IPv4 with IPv4 forms, IPv4 with IPv6 never, the local srflx pruned, the relay kept", () => {
    expect(cell(matrix, "192.0.2.10", "192.0.2.20").prediction.outcome).toBe("forms");
    expect(cell(matrix, "192.0.2.10", "2001:db8::20").prediction).toMatchObject({ outcome: "never", mismatches: [{ rule: "family" }] });
    expect(cell(matrix, "203.0.113.7", "192.0.2.20").prediction).toMatchObject({ outcome: "pruned", reason: "reflexive", base: { type: "host", address: "192.0.2.10" } });
    expect(cell(matrix, "198.51.100.5", "203.0.113.9").prediction.outcome).toBe("forms");
  });

  it("counts them, and says so in one sentence", () => {
    expect(matrix.counts).toMatchObject({ local: 3, remote: 4, combinations: 12, forms: 6, pruned: { reflexive: 3, "tcp-passive": 0 }, statsPairs: 5, seenPredicted: 5, notSeen: 1, unpredicted: 0 });
    expect(matrix.counts.never).toEqual({ component: 0, transport: 0, family: 3, "link-local": 0, "tcp-type": 0 });
    expect(matrixSummary(matrix.counts)).toBe(
      "3 local × 4 remote = 12 combinations: 6 form pairs, 3 differ in address family and 3 are pruned (a server-reflexive candidate gives way to its base). " +
        "getStats() lists 5 pairs, 5 of the 6 predicted; 1 predicted pair is not seen.",
    );
  });

  it("says so when there is nothing to pair yet, and when the stats match the prediction one for one", () => {
    expect(matrixSummary(buildPairMatrix([], [], undefined).counts)).toContain("0 local × 0 remote = no combinations yet");
    const all = matrixOf(stats([pair("P6", "L3", "R7", "waiting")]));
    expect(matrixSummary(all.counts)).toContain("getStats() lists 6 pairs, one for each of the 6 predicted.");
  });

  it("counts TCP and the other rules by the rule that decides", () => {
    const tcp = candidateRow("local", "candidate:8 1 tcp 1518280447 192.0.2.10 9 typ host tcptype active generation 0", { source: "trickle", sent: true });
    const remoteTcp = candidateRow("remote", "candidate:9 1 tcp 1518280447 192.0.2.20 9 typ host tcptype active generation 0", { source: "trickle" });
    if (!tcp || !remoteTcp) throw new Error("fixture candidates parse");
    const m = matrixOf(stats(), [...rows(), tcp, remoteTcp]);
    // The local TCP row: UDP × TCP with the four UDP columns (one of them also IPv6), active × active with the remote TCP.
    expect(m.counts.never).toEqual({ component: 0, transport: 7, family: 3, "link-local": 0, "tcp-type": 1 });
    expect(matrixSummary(m.counts)).toContain("4 local × 5 remote = 20 combinations: 6 form pairs, 3 differ in address family, 7 put UDP with TCP, 1 has TCP types that cannot connect and 3 are pruned");
    const tcpRow = m.rows.find((r) => r.protocol === "tcp");
    if (!tcpRow) throw new Error("the TCP candidate has a row");
    expect(candidateDetail(tcpRow)).toBe("TCP active · IPv4");
  });
});

describe("reconciled with getStats()", () => {
  it("shows the stats pair in its cell: state, nomination, selection, and the pairs.ts priority", () => {
    const matrix = matrixOf(stats());
    const selected = cell(matrix, "192.0.2.10", "192.0.2.20");
    expect(selected).toMatchObject({ verdict: "as-predicted", selected: true, seenCount: 1 });
    expect(selected.seen).toMatchObject({ id: "P1", state: "succeeded", nominated: true });
    expect(selected.priority).toBe(pairPriorityFor(2122260223, 2122260223, "controlling"));
    expect(matrix.cells.flat().filter((c) => c.selected)).toHaveLength(1);
    expect(cellText(selected)).toEqual({ mark: "✓", predicted: "pair", seen: "seen: succeeded, nominated, selected" });
    expect(cellExplanation(selected)).toContain("and it is the selected pair");
    expect(cellExplanation(selected)).toContain(`Pair priority (§6.1.2.3): ${pairPriorityFor(2122260223, 2122260223, "controlling")}.`);
  });

  it("marks a predicted pair the stats do not list as not seen, and works its priority out", () => {
    const missing = cell(matrixOf(stats()), "198.51.100.5", "198.51.100.6");
    expect(missing).toMatchObject({ verdict: "not-seen", seen: undefined, seenCount: 0 });
    expect(missing.priority).toBe(pairPriorityFor(41885439, 41885439, "controlling"));
    expect(cellText(missing).seen).toBe("predicted, not seen");
    expect(cellExplanation(missing)).toContain("Not seen: getStats() lists no pair here, although the rules allow one.");
  });

  it("says plainly where the stats show a pair the rules did not predict", () => {
    // A pair across address families (an edited file, say), and one from a local srflx.
    const m = matrixOf(stats([{ id: "R5", type: "remote-candidate", candidateType: "host", address: "2001:db8::20", port: 7001, protocol: "udp", priority: 2122262783 }, { id: "L2", type: "local-candidate", candidateType: "srflx", address: "203.0.113.7", port: 40000, protocol: "udp", priority: 1686052607 }, pair("P7", "L1", "R5", "failed"), pair("P8", "L2", "R4", "succeeded")]));
    const family = cell(m, "192.0.2.10", "2001:db8::20");
    expect(family.verdict).toBe("unpredicted");
    expect(cellText(family)).toEqual({ mark: "✗", predicted: "IPv4 × IPv6", seen: "seen anyway: failed" });
    expect(cellExplanation(family)).toContain("Never a pair: RFC 8445 §6.1.2.2 pairs candidates only within one address family, and this is IPv4 with IPv6");
    expect(cellExplanation(family)).toContain("Seen anyway: getStats() lists a pair here");
    const reflexive = cell(m, "203.0.113.7", "192.0.2.20");
    expect(reflexive.verdict).toBe("unpredicted");
    expect(cellExplanation(reflexive)).toContain("reports the server-reflexive candidate itself");
    expect(m.counts).toMatchObject({ statsPairs: 7, unpredicted: 2 });
    expect(matrixSummary(m.counts)).toContain("1 predicted pair is not seen and 2 pairs sit where the rules predicted none.");
  });

  it("reads the saved-session fixture, whose selected pair crosses address families, as the rules would not have it", () => {
    // Read as the viewer reads it: written by exportSession, parsed by the file's schema.
    const file = readSessionFile(exportSession(SESSION, { maskAddresses: false, exportedAt: "2026-11-23T21:00:00.000Z" }));
    if (!file.ok) throw new Error(file.error.message);
    const m = buildPairMatrix(file.session.candidates, file.session.pairs, readPairs(file.session.stats).role);
    expect(matrixSummary(m.counts)).toBe(
      "2 local × 1 remote = 2 combinations: 0 form pairs and 2 differ in address family. getStats() lists 1 pair; 1 pair sits where the rules predicted none.",
    );
    const selected = m.cells.flat().find((c) => c.selected);
    expect(selected).toMatchObject({ verdict: "unpredicted", local: { address: "192.0.2.10" }, remote: { address: "2001:db8::20" } });
  });

  it("gives a candidate only the stats know (peer-reflexive, found during checks) a row of its own, paired only where a check met it", () => {
    const m = matrixOf(stats([{ id: "L+9/", type: "local-candidate", candidateType: "prflx", address: "203.0.113.70", port: 40400, protocol: "udp", priority: 1853824767 }, pair("P9", "L+9/", "R4", "succeeded")]));
    const prflx = m.rows.find((r) => r.type === "prflx");
    if (!prflx) throw new Error("the peer-reflexive candidate has a row");
    // Chromium's stats IDs have "+" and "/": the key keeps them apart, in characters an HTML id takes.
    expect(prflx).toMatchObject({ origin: "stats", key: "l-stats-L_2b9_2f", component: 1 });
    expect(m.rows).toHaveLength(4);
    // RFC 8445 §7.2.5.3.1: not paired with the other tab's candidates; only the check that found it made a pair.
    const learnt = cell(m, "203.0.113.70", "192.0.2.20");
    expect(learnt).toMatchObject({ verdict: "as-predicted", prediction: { outcome: "learnt", end: "local" } });
    expect(cellText(learnt)).toEqual({ mark: "◦", predicted: "only if a check meets it", seen: "seen: succeeded" });
    expect(cellExplanation(learnt)).toContain("This tab never gathered its peer-reflexive candidate");
    expect(cellExplanation(learnt)).toContain("A check met here.");
    const unmet = cell(m, "203.0.113.70", "198.51.100.6");
    expect(unmet).toMatchObject({ verdict: "as-predicted", seen: undefined });
    expect(cellExplanation(unmet)).toContain("no check met this combination");
    // Across families a check cannot go either.
    expect(cell(m, "203.0.113.70", "2001:db8::20").prediction.outcome).toBe("never");
    expect(m.counts).toMatchObject({ forms: 6, learnt: 3, seenLearnt: 1, notSeen: 1, unpredicted: 0 });
    expect(matrixSummary(m.counts)).toBe(
      "4 local × 4 remote = 16 combinations: 6 form pairs, 3 have a peer-reflexive end (paired only where a check met it), 4 differ in address family and 3 are pruned (a server-reflexive candidate gives way to its base). " +
        "getStats() lists 6 pairs, 5 of the 6 predicted and 1 with a peer-reflexive end; 1 predicted pair is not seen.",
    );
    expect(candidateDetail(prflx)).toContain("only in getStats()");
  });

  it("puts a remote candidate the stats call prflx in its signaled column, and says why the names differ", () => {
    const entries = stats().map((e) => (e.id === "R4" ? { ...e, candidateType: "prflx" } : e));
    const m = matrixOf(entries);
    expect(m.columns).toHaveLength(4);
    const host = cell(m, "192.0.2.10", "192.0.2.20");
    expect(host.seen?.remote.type).toBe("prflx");
    expect(host.remote.type).toBe("host");
    expect(cellExplanation(host)).toContain("a check from that address arrived before the candidate did");
  });

  it("matches an mDNS candidate to its stats end by port and priority", () => {
    const mdns = candidateRow("local", "candidate:1 1 udp 2122260223 5f3c1d2e-8b7a-4c1e-9d2f-1a2b3c4d5e6f.local 50000 typ host generation 0", { source: "trickle", sent: true });
    if (!mdns) throw new Error("fixture candidate parses");
    const m = matrixOf(stats(), [mdns, ...rows().filter((r) => r.side === "remote")]);
    expect(m.rows).toHaveLength(2); // the mDNS host, and the relay only the stats know here
    const matched = m.cells.flat().find((c) => c.local.address?.endsWith(".local") && c.remote.address === "192.0.2.20");
    expect(matched?.seen?.id).toBe("P1");
    expect(matched?.prediction).toEqual({ outcome: "forms", familyAssumed: true });
  });

  it("counts several stats pairs on one cell (an ICE restart reuses the addresses) and shows the selected one", () => {
    const m = matrixOf(stats([pair("P1b", "L1", "R4", "failed")]));
    const c = cell(m, "192.0.2.10", "192.0.2.20");
    expect(c.seenCount).toBe(2);
    expect(c.seen?.id).toBe("P1");
    expect(cellExplanation(c)).toContain("getStats() lists 2 pairs for these two candidates");
  });

  it("notes a local candidate an experiment kept from the other tab", () => {
    const dropped = rows().map((r) => (r.type === "host" && r.side === "local" ? { ...r, sent: false } : r));
    const m = matrixOf(stats(), dropped);
    expect(cellExplanation(cell(m, "192.0.2.10", "192.0.2.20"))).toContain("An experiment kept this candidate from the other tab");
  });
});
