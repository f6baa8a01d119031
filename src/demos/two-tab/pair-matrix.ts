/**
 * The pair-formation matrix: this tab's candidates (rows) × the other tab's (columns), each cell
 * saying what RFC 8445 predicts for that combination (pair-formation.ts) beside what getStats()
 * reported, so a reader sees why N × M candidates do not make N × M pairs, and where the browser
 * does something the rules did not predict. Pure: built from the candidate rows and pairs the demo
 * already has (or a saved file has), no stats poll of its own.
 *
 * Every pair getStats() lists lands in one cell. A pair end that matches none of the candidate
 * rows (a peer-reflexive candidate found during the checks, say) gets a row or column of its own,
 * marked as seen only in the stats, rather than being left out.
 */
import { pairPriorityFor, type IceRole } from "./pairs.ts";
import { addressFacts, predictPair, type Mismatch, type PairingCandidate, type Prediction } from "./pair-formation.ts";
import { tcpTypeOf, type Side } from "./candidates.ts";
import type { SavedCandidate, SavedPair } from "./session-file.ts";

type PairEnd = SavedPair["local"];

export interface MatrixCandidate extends PairingCandidate {
  /** Stable across stats refreshes, and safe in an HTML id: "l-cand-1a2b3c4d", "r-stats-…". */
  key: string;
  side: Side;
  priority: number | undefined;
  /** "candidates": gathered here or signaled by the other tab. "stats": only getStats() shows it. */
  origin: "candidates" | "stats";
  /** Local candidates: false when an experiment kept it from the other tab. */
  sent: boolean | undefined;
}

/** How the prediction and getStats() compare for one cell. */
export type Verdict = "as-predicted" | "not-seen" | "unpredicted";

export interface MatrixCell {
  key: string;
  local: MatrixCandidate;
  remote: MatrixCandidate;
  prediction: Prediction;
  /** The pair getStats() reported here: the selected one, else a nominated one, else the first (highest priority). */
  seen: SavedPair | undefined;
  /** How many pairs getStats() reported for this combination (more than one after an ICE restart on the same addresses). */
  seenCount: number;
  verdict: Verdict;
  selected: boolean;
  /** §6.1.2.3 pair priority: the stats pair's, else worked out from the two candidates and this tab's role. */
  priority: bigint | undefined;
}

export interface MatrixCounts {
  local: number;
  remote: number;
  combinations: number;
  /** Combinations that end up on a checklist (not pruned). */
  forms: number;
  /** Combinations with a peer-reflexive end, paired only where a check met them. */
  learnt: number;
  /** Formed, then pruned (§6.1.2.4; RFC 6544 §6.2), by reason. */
  pruned: Record<"reflexive" | "tcp-passive", number>;
  never: Record<Mismatch["rule"], number>;
  /** Pairs getStats() listed. */
  statsPairs: number;
  /** Predicted combinations getStats() shows a pair for, and those it does not. */
  seenPredicted: number;
  /** Combinations with a peer-reflexive end that getStats() shows a pair for. */
  seenLearnt: number;
  notSeen: number;
  /** Combinations predicted not to form (or pruned) where getStats() shows a pair anyway. */
  unpredicted: number;
}

export interface PairMatrix {
  rows: MatrixCandidate[];
  columns: MatrixCandidate[];
  /** cells[row][column] */
  cells: MatrixCell[][];
  counts: MatrixCounts;
}

/** A stats ID as a key: any character outside [A-Za-z0-9-] becomes _hex, so two IDs never share one. */
const keyPart = (id: string): string => id.replace(/[^A-Za-z0-9-]/gu, (ch) => `_${ch.codePointAt(0)?.toString(16) ?? "0"}`);

const prefix = (side: Side): string => (side === "local" ? "l" : "r");

function fromRow(row: SavedCandidate): MatrixCandidate {
  return {
    key: `${prefix(row.side)}-${row.linkId}`,
    side: row.side,
    type: row.type,
    protocol: row.protocol.toLowerCase(),
    address: row.address,
    port: row.port,
    component: row.component,
    // Files saved before rows kept it still have the candidate line.
    tcpType: row.tcpType ?? tcpTypeOf(row.raw),
    relatedAddress: row.relatedAddress,
    relatedPort: row.relatedPort,
    priority: row.priority,
    origin: "candidates",
    sent: row.side === "local" ? row.sent : undefined,
  };
}

/** A pair end no candidate row matches. getStats() has no component: WebRTC bundles everything on 1. */
function fromEnd(side: Side, end: PairEnd): MatrixCandidate {
  return {
    key: `${prefix(side)}-stats-${keyPart(end.id)}`,
    side,
    type: end.type,
    protocol: (end.protocol ?? "udp").toLowerCase(),
    address: end.address,
    port: end.port,
    component: 1,
    tcpType: end.tcpType,
    relatedAddress: end.relatedAddress,
    relatedPort: end.relatedPort,
    priority: end.priority,
    origin: "stats",
    sent: undefined,
  };
}

/**
 * Whether a pair end from getStats() is this candidate. By transport address; where the
 * candidate carries an mDNS name (or the stats hide the address), by port and priority instead.
 * The type is not compared: a remote candidate first learnt from a check is "prflx" in the stats
 * even after its signaled "host" candidate arrives.
 */
function isEnd(candidate: MatrixCandidate, end: PairEnd): boolean {
  if ((end.protocol ?? candidate.protocol).toLowerCase() !== candidate.protocol) return false;
  if (end.port !== candidate.port) return false;
  if (end.address !== undefined && end.address === candidate.address) return true;
  const hidden = end.address === undefined || addressFacts(candidate.address).mdns || addressFacts(end.address).mdns;
  return hidden && end.priority !== undefined && end.priority === candidate.priority;
}

function findEnd(candidates: readonly MatrixCandidate[], end: PairEnd): MatrixCandidate | undefined {
  const matching = candidates.filter((c) => isEnd(c, end));
  return matching.find((c) => c.type === end.type) ?? matching[0];
}

/** Highest candidate priority first (unknown last); equal ones keep their order. */
function byPriority(candidates: readonly MatrixCandidate[]): MatrixCandidate[] {
  return candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (b.c.priority ?? -1) - (a.c.priority ?? -1) || a.i - b.i)
    .map(({ c }) => c);
}

/** The pair a cell shows when getStats() has several for it. */
function mostTelling(pairs: readonly SavedPair[]): SavedPair | undefined {
  return pairs.find((p) => p.selected) ?? pairs.find((p) => p.nominated) ?? pairs[0];
}

function cellPriority(local: MatrixCandidate, remote: MatrixCandidate, seen: SavedPair | undefined, role: IceRole | undefined): bigint | undefined {
  if (seen?.priority !== undefined) return seen.priority;
  if (local.priority === undefined || remote.priority === undefined || role === undefined) return undefined;
  return pairPriorityFor(local.priority, remote.priority, role);
}

export function buildPairMatrix(candidates: readonly SavedCandidate[], pairs: readonly SavedPair[], role: IceRole | undefined): PairMatrix {
  const sides: Record<Side, MatrixCandidate[]> = { local: [], remote: [] };
  const keys = new Set<string>();
  for (const row of candidates) {
    const candidate = fromRow(row);
    // One row per candidate: a file could list the same one twice.
    if (keys.has(candidate.key)) continue;
    keys.add(candidate.key);
    sides[row.side].push(candidate);
  }
  const byCell = new Map<string, SavedPair[]>();
  for (const pair of pairs) {
    const ends = (["local", "remote"] as const).map((side) => {
      const end = pair[side];
      const found = findEnd(sides[side], end);
      if (found) return found;
      const added = fromEnd(side, end);
      sides[side].push(added);
      return added;
    });
    const key = `${ends[0]?.key ?? ""}|${ends[1]?.key ?? ""}`;
    byCell.set(key, [...(byCell.get(key) ?? []), pair]);
  }

  const rows = byPriority(sides.local);
  const columns = byPriority(sides.remote);
  const counts: MatrixCounts = {
    local: rows.length,
    remote: columns.length,
    combinations: rows.length * columns.length,
    forms: 0,
    learnt: 0,
    pruned: { reflexive: 0, "tcp-passive": 0 },
    never: { component: 0, transport: 0, family: 0, "link-local": 0, "tcp-type": 0 },
    statsPairs: pairs.length,
    seenPredicted: 0,
    seenLearnt: 0,
    notSeen: 0,
    unpredicted: 0,
  };
  const cells = rows.map((local) =>
    columns.map((remote): MatrixCell => {
      const key = `${local.key}|${remote.key}`;
      const found = byCell.get(key) ?? [];
      const prediction = predictPair(local, remote, rows);
      const seen = mostTelling(found);
      let verdict: Verdict = "as-predicted";
      if (prediction.outcome === "forms") {
        counts.forms += 1;
        if (seen) counts.seenPredicted += 1;
        else verdict = "not-seen";
      } else if (prediction.outcome === "learnt") {
        // Seen or not, as the rules say: a pair only where a check met the candidate.
        counts.learnt += 1;
        if (seen) counts.seenLearnt += 1;
      } else {
        if (prediction.outcome === "pruned") counts.pruned[prediction.reason] += 1;
        else counts.never[prediction.mismatches[0].rule] += 1;
        if (seen) verdict = "unpredicted";
      }
      if (verdict === "not-seen") counts.notSeen += 1;
      else if (verdict === "unpredicted") counts.unpredicted += 1;
      return { key, local, remote, prediction, seen, seenCount: found.length, verdict, selected: seen?.selected === true, priority: cellPriority(local, remote, seen, role) };
    }),
  );
  return { rows, columns, cells, counts };
}
