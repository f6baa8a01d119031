/**
 * The pair matrix in words: the headers, the two short lines of each cell (what the rules
 * predict, what getStats() showed), the full explanation a cell gives when the reader asks, and
 * the summary sentence above the grid. Every cell says what it means in text, with its symbol
 * only as a reminder, so nothing depends on colour or on seeing the symbol.
 */
import { hostPort } from "./candidates.ts";
import { addressFacts, type Mismatch, type PairingCandidate } from "./pair-formation.ts";
import type { MatrixCandidate, MatrixCell, MatrixCounts } from "./pair-matrix.ts";
import { TYPE_WORDS } from "./pairs.ts";

const typeWord = (type: string): string => TYPE_WORDS[type] ?? type;

/** "host 192.0.2.10:50000" */
export function candidateLabel(c: Pick<PairingCandidate, "type" | "address" | "port">): string {
  return `${c.type} ${c.address === undefined ? "(address hidden)" : hostPort(c.address, c.port)}`;
}

/** "UDP · IPv4", "TCP active · IPv6", "UDP · mDNS name · only in getStats()" */
export function candidateDetail(c: MatrixCandidate): string {
  const facts = addressFacts(c.address);
  const family = facts.family ?? (facts.mdns ? "mDNS name" : "family unknown");
  const parts = [`${c.protocol.toUpperCase()}${c.tcpType ? ` ${c.tcpType}` : ""}`, facts.linkLocal ? `${family} link-local` : family];
  if (c.origin === "stats") parts.push("only in getStats()");
  if (c.sent === false) parts.push("not sent (experiment)");
  return parts.join(" · ");
}

function describe(c: MatrixCandidate): string {
  const facts = addressFacts(c.address);
  const family = facts.family ?? (facts.mdns ? "an mDNS name" : "address family unknown");
  const tcp = c.tcpType ? ` ${c.tcpType}` : "";
  return `${typeWord(c.type)} candidate ${c.address === undefined ? "(address hidden)" : hostPort(c.address, c.port)} (${c.protocol.toUpperCase()}${tcp}, ${family})`;
}

const RULE_SHORT: Record<Mismatch["rule"], (m: Mismatch) => string> = {
  component: (m) => `${m.local} × ${m.remote.replace("component ", "")}`,
  transport: (m) => `${m.local} × ${m.remote}`,
  family: (m) => `${m.local} × ${m.remote}`,
  "link-local": () => "link-local × other",
  "tcp-type": (m) => `${m.local} × ${m.remote}`,
};

export interface CellText {
  /** ✓ forms, − pruned, ◦ learnt in the checks, ✗ never: a reminder only, hidden from screen readers (the words say it). */
  mark: "✓" | "−" | "◦" | "✗";
  /** First line: what the rules predict. */
  predicted: string;
  /** Second line: what getStats() showed. */
  seen: string;
}

function seenWords(cell: MatrixCell): string {
  const pair = cell.seen;
  if (!pair) return cell.verdict === "not-seen" ? "predicted, not seen" : "not seen";
  const flags = [pair.state, pair.nominated ? "nominated" : "", cell.selected ? "selected" : ""].filter((f) => f !== "").join(", ");
  return cell.verdict === "unpredicted" ? `seen anyway: ${flags}` : `seen: ${flags}`;
}

export function cellText(cell: MatrixCell): CellText {
  const p = cell.prediction;
  const seen = seenWords(cell);
  if (p.outcome === "forms") return { mark: "✓", predicted: "pair", seen };
  if (p.outcome === "pruned") return { mark: "−", predicted: p.reason === "reflexive" ? "pruned: base" : "pruned: passive", seen };
  if (p.outcome === "learnt") return { mark: "◦", predicted: "only if a check meets it", seen };
  const first = p.mismatches[0];
  return { mark: "✗", predicted: RULE_SHORT[first.rule](first), seen };
}

const RULE_SENTENCE: Record<Mismatch["rule"], (m: Mismatch) => string> = {
  component: (m) => `they belong to different components (${m.local} and ${m.remote}), and RFC 8445 §6.1.2.2 pairs only within one component; with BUNDLE and rtcp-mux WebRTC uses component 1 alone`,
  transport: (m) => `one is ${m.local} and the other ${m.remote}: UDP pairs only with UDP and TCP only with TCP (RFC 6544 §6.2 adds TCP to ICE)`,
  family: (m) => `RFC 8445 §6.1.2.2 pairs candidates only within one address family, and this is ${m.local} with ${m.remote}: a packet cannot go from one to the other`,
  "link-local": () => "RFC 8445 §6.1.2.2 pairs an IPv6 link-local address only with another link-local address",
  "tcp-type": (m) =>
    `RFC 6544 §6.2 pairs an active TCP candidate with a passive one (and simultaneous-open with simultaneous-open); these are ${m.local} and ${m.remote}, so ${m.local === "active" ? "both would open the connection and neither listens" : "neither would open the connection"}`,
};

const STATE_WORDS: Readonly<Record<string, string>> = {
  frozen: "frozen (waiting for a pair with its foundation to succeed)",
  waiting: "waiting (not checked yet)",
  "in-progress": "in progress (a check is under way)",
  succeeded: "succeeded (a check went there and its answer came back)",
  failed: "failed (no answer, or an error)",
};

const capital = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function predictionSentences(cell: MatrixCell): string[] {
  const { local, remote, prediction: p } = cell;
  if (p.outcome === "never") {
    const [first, ...others] = p.mismatches;
    const also = others.map((m) => (m.rule === "family" ? `they also differ in address family (${m.local} and ${m.remote})` : m.rule === "transport" ? `they also differ in transport (${m.local} and ${m.remote})` : `also ${m.local} with ${m.remote}`));
    return [`Never a pair: ${RULE_SENTENCE[first.rule](first)}.`, ...(also.length > 0 ? [`${capital(also.join("; "))}.`] : [])];
  }
  if (p.outcome === "pruned" && p.reason === "reflexive") {
    const base = p.base ? `its base, ${candidateLabel(p.base)}` : "its base, the host candidate it was learnt from (the browser hides that address)";
    return [
      `Formed, then pruned (RFC 8445 §6.1.2.4): an agent cannot send from a server-reflexive address, which belongs to the NAT, only from its base, so the pair's local end is replaced by ${base}.`,
      "That duplicates the base's own pair with the same remote candidate, which has the higher priority, so this one is removed. The candidate still matters: the other tab sends its checks to it.",
    ];
  }
  if (p.outcome === "pruned") {
    return ["Formed, then pruned by this tab (RFC 6544 §6.2): a passive TCP candidate only accepts connections, so this tab never checks from it; the other tab's active candidate connects and checks this pair from its side."];
  }
  const tcp = local.protocol === "tcp" ? `, and ${local.tcpType ?? "TCP"} with ${remote.tcpType ?? "TCP"} as RFC 6544 §6.2 allows` : "";
  const family = addressFacts(local.address).family ?? addressFacts(remote.address).family;
  const familyAssumed = p.outcome === "forms" && p.familyAssumed;
  const same = `same component (${local.component})${familyAssumed ? "" : `, same address family (${family ?? "?"})`}, both ${local.protocol.toUpperCase()}${tcp}`;
  const sentences: string[] = [];
  if (p.outcome === "learnt") {
    if (p.end !== "remote") sentences.push("This tab never gathered its peer-reflexive candidate: a check's response showed the address the other tab sees (RFC 8445 §7.2.5.3.1), and ICE does not pair such a candidate with the other tab's candidates. It is the local end only of the valid pair that check made.");
    if (p.end !== "local") sentences.push("The other tab never signaled its peer-reflexive candidate: this tab learnt it from where a check came from (RFC 8445 §7.3.1.3), and ICE does not pair it with every candidate of this tab, only with the one the check arrived at, to check back (§7.3.1.4).");
    sentences.push(`So only a check makes this pair, which §6.1.2.2 would allow: ${same}.`);
  } else {
    sentences.push(`RFC 8445 §6.1.2.2 pairs them${familyAssumed ? " if the mDNS name resolves to the same address family" : ""}: ${same}.`);
    if (local.type === "relay") sentences.push("A relayed candidate is its own base (packets really leave from the TURN server), so pruning (§6.1.2.4) keeps the pair.");
  }
  if (local.sent === false) sentences.push("An experiment kept this candidate from the other tab, but this tab still pairs it and checks from it; the other tab can learn it only as a peer-reflexive candidate when a check arrives.");
  if (cell.priority !== undefined) sentences.push(`Pair priority (§6.1.2.3): ${cell.priority}.`);
  return sentences;
}

function renamed(candidate: MatrixCandidate, statsType: string, whose: string): string | undefined {
  if (statsType === candidate.type || statsType === "?") return undefined;
  if (statsType === "prflx" && candidate.side === "remote") {
    return `getStats() calls ${whose} end peer-reflexive where its candidate says ${typeWord(candidate.type)}: a check from that address arrived before the candidate did, so the browser met it as peer-reflexive first (§7.3.1.3).`;
  }
  return `getStats() calls ${whose} end ${typeWord(statsType)} where its candidate says ${typeWord(candidate.type)}.`;
}

function statsSentences(cell: MatrixCell): string[] {
  const pair = cell.seen;
  if (!pair) {
    if (cell.verdict === "not-seen") {
      return [
        "Not seen: getStats() lists no pair here, although the rules allow one. A browser pairs candidates as they arrive and forgets pairs it has given up on; a pair may not be formed yet, and a candidate from before an ICE restart has no pairs in the new session.",
      ];
    }
    if (cell.prediction.outcome === "pruned" && cell.prediction.reason === "reflexive") return ["Not seen, as predicted: the browser checks from the base, and getStats() lists that pair under the host candidate."];
    if (cell.prediction.outcome === "learnt") return ["Not seen: no check met this combination, so there is no pair here, as the rules expect."];
    return ["Not seen: getStats() lists no pair here either."];
  }
  const state = STATE_WORDS[pair.state] ?? pair.state;
  const out: string[] = [];
  if (cell.verdict === "unpredicted") {
    out.push(`Seen anyway: getStats() lists a pair here, ${state}${pair.nominated ? ", nominated" : ""}${cell.selected ? ", and selected" : ""}.`);
    const p = cell.prediction;
    if (p.outcome === "pruned" && p.reason === "tcp-passive") out.push("The other tab's active candidate connected in and checked it: what pruning leaves to the other side.");
    else if (p.outcome === "pruned") out.push("This browser reports the server-reflexive candidate itself as the pair's local end instead of its base.");
    else out.push("The prediction goes by the candidates as they were gathered and signaled; the browser went by what it learnt itself (an address translated on the way, an mDNS name that resolved to another family), or the file was edited.");
  } else {
    out.push(`Seen: getStats() lists this pair, ${state}${pair.nominated ? ", nominated" : ", not nominated"}${cell.selected ? ", and it is the selected pair: the one the data goes over" : ""}.`);
    if (cell.prediction.outcome === "learnt") out.push("A check met here.");
  }
  const local = renamed(cell.local, pair.local.type, "this tab's");
  const remote = renamed(cell.remote, pair.remote.type, "the other tab's");
  if (local) out.push(local);
  if (remote) out.push(remote);
  if (cell.seenCount > 1) {
    out.push(`getStats() lists ${cell.seenCount} pairs for these two candidates (an ICE restart makes new pairs on the same addresses); this cell shows the ${pair.selected ? "selected" : pair.nominated ? "nominated" : "highest-priority"} one.`);
  }
  return out;
}

/** Everything the cell means, in sentences: which candidates, what the rules say and why, what getStats() showed. */
export function cellExplanation(cell: MatrixCell): string {
  return [`This tab's ${describe(cell.local)} with the other tab's ${describe(cell.remote)}.`, ...predictionSentences(cell), ...statsSentences(cell)].join(" ");
}

/** "1 forms a pair" / "3 form pairs": a count with its verb phrase in agreement. */
const phrase = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function listed(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1] ?? ""}`;
}

/** The sentence above the grid: "3 local × 4 remote = 12 combinations: 6 form pairs, 4 differ in address family and 2 are pruned …" */
export function matrixSummary(c: MatrixCounts): string {
  if (c.combinations === 0) {
    return `${c.local} local × ${c.remote} remote = no combinations yet: the grid fills in as this tab gathers its candidates and receives the other tab's.`;
  }
  const parts = [
    phrase(c.forms, "forms a pair", "form pairs"),
    ...(c.learnt > 0 ? [`${phrase(c.learnt, "has", "have")} a peer-reflexive end (paired only where a check met it)`] : []),
    ...(c.never.family > 0 ? [phrase(c.never.family, "differs in address family", "differ in address family")] : []),
    ...(c.never.transport > 0 ? [phrase(c.never.transport, "puts UDP with TCP", "put UDP with TCP")] : []),
    ...(c.never["tcp-type"] > 0 ? [phrase(c.never["tcp-type"], "has TCP types that cannot connect", "have TCP types that cannot connect")] : []),
    ...(c.never["link-local"] > 0 ? [phrase(c.never["link-local"], "puts an IPv6 link-local address with another kind", "put an IPv6 link-local address with another kind")] : []),
    ...(c.never.component > 0 ? [phrase(c.never.component, "differs in component", "differ in component")] : []),
    ...(c.pruned.reflexive > 0 ? [`${phrase(c.pruned.reflexive, "is pruned", "are pruned")} (a server-reflexive candidate gives way to its base)`] : []),
    ...(c.pruned["tcp-passive"] > 0 ? [`${phrase(c.pruned["tcp-passive"], "is pruned", "are pruned")} (a passive TCP candidate waits for the other side)`] : []),
  ];
  const formed = `${c.local} local × ${c.remote} remote = ${c.combinations} combinations: ${listed(parts)}.`;
  if (c.statsPairs === 0) return `${formed} getStats() lists no pairs yet.`;
  const found = [
    ...(c.forms > 0 ? [c.seenPredicted === c.forms && c.statsPairs === c.forms ? `one for each of the ${c.forms} predicted` : `${c.seenPredicted} of the ${c.forms} predicted`] : []),
    ...(c.seenLearnt > 0 ? [`${c.seenLearnt} with a peer-reflexive end`] : []),
  ];
  const differ = [
    ...(c.notSeen > 0 ? [`${c.notSeen} predicted ${c.notSeen === 1 ? "pair is" : "pairs are"} not seen`] : []),
    ...(c.unpredicted > 0 ? [`${phrase(c.unpredicted, "pair sits", "pairs sit")} where the rules predicted none`] : []),
  ];
  return `${formed} getStats() lists ${phrase(c.statsPairs, "pair", "pairs")}${found.length > 0 ? `, ${listed(found)}` : ""}${differ.length > 0 ? `; ${listed(differ)}` : ""}.`;
}
