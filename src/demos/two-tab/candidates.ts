/**
 * Rows of the candidate tables: each candidate split into the fields RFC 8839 §5.1 defines, its
 * priority split into type preference, local preference and component (RFC 8445 §5.1.2.1), the
 * STUN/TURN server that produced it and when it was gathered. The experiments decide here which
 * local candidates are sent to the other tab.
 */
import { parseCandidate } from "../../shared/ice/candidate.ts";
import { splitPriority } from "../../shared/ice/priority.ts";
import { candidateLinkId } from "../../shared/sdp/candidate-link.ts";
import { unreportedFields, type UnreportedField } from "../../components/candidates/rows.ts";

export type CandidateType = "host" | "srflx" | "prflx" | "relay";
export type Side = "local" | "remote";

export interface CandidateRow {
  linkId: string;
  side: Side;
  type: CandidateType;
  protocol: string;
  address: string;
  port: number;
  relatedAddress?: string;
  relatedPort?: number;
  foundation: string;
  component: number;
  priority: number;
  typePreference: number;
  localPreference: number;
  componentId: number;
  tcpType?: string;
  /** The STUN or TURN URL that produced it (local srflx/relay candidates). */
  url?: string;
  /** How this tab reaches the TURN server for a local relay candidate (udp, tcp, tls). */
  relayProtocol?: string;
  /** Server fields the browser's own stats left out (see withLocalStats). */
  notReported?: UnreportedField[];
  /** Milliseconds from the start of gathering (local) or of the run (remote). */
  atMs?: number;
  /** Local candidates: whether it was sent to the other tab (false = dropped by an experiment). */
  sent?: boolean;
  /** Where this row came from: trickled, inside a description, or learnt from checks (stats). */
  source: "trickle" | "sdp" | "stats";
  raw: string;
}

export interface DropRules {
  dropHost: boolean;
  dropSrflx: boolean;
}

/** Columns the demo adds to the shared candidate table (src/components/candidates/). */
export const CANDIDATE_EXTRA_COLUMNS = ["In this session", "SDP"] as const;

const TYPES = new Set<string>(["host", "srflx", "prflx", "relay"]);

export function candidateRow(
  side: Side,
  raw: string,
  extra: { url?: string | undefined; relayProtocol?: string | undefined; atMs?: number | undefined; sent?: boolean | undefined; source: CandidateRow["source"] },
): CandidateRow | undefined {
  let parsed;
  try {
    parsed = parseCandidate(raw);
  } catch {
    return undefined;
  }
  if (!TYPES.has(parsed.type)) return undefined;
  const split = splitPriority(parsed.priority);
  const row: CandidateRow = {
    linkId: candidateLinkId(raw) ?? "cand-unknown",
    side,
    type: parsed.type as CandidateType,
    protocol: parsed.protocol.toLowerCase(),
    address: parsed.address,
    port: parsed.port,
    foundation: parsed.foundation,
    component: parsed.component,
    priority: parsed.priority,
    typePreference: split.typePreference,
    localPreference: split.localPreference,
    componentId: split.componentId,
    source: extra.source,
    raw,
  };
  if (parsed.relatedAddress !== undefined && parsed.relatedAddress !== null) row.relatedAddress = parsed.relatedAddress;
  if (parsed.relatedPort !== undefined && parsed.relatedPort !== null) row.relatedPort = parsed.relatedPort;
  if (parsed.tcpType !== undefined) row.tcpType = parsed.tcpType;
  if (extra.url !== undefined) row.url = extra.url;
  if (extra.relayProtocol !== undefined) row.relayProtocol = extra.relayProtocol;
  if (extra.atMs !== undefined) row.atMs = extra.atMs;
  if (extra.sent !== undefined) row.sent = extra.sent;
  return row;
}

/**
 * A local row after the browser's getStats() entry for its candidate was read: the server URL and
 * relay protocol the event did not carry, and what even the stats leave out (Firefox reports no
 * URL anywhere) marked so the table says so. The same row comes back when nothing changed.
 */
export function withLocalStats(row: CandidateRow, stats: { url?: string | undefined; relayProtocol?: string | undefined }): CandidateRow {
  const url = row.url ?? stats.url;
  const relayProtocol = row.relayProtocol ?? stats.relayProtocol;
  const notReported = unreportedFields(row.type, { url, relayProtocol });
  if (url === row.url && relayProtocol === row.relayProtocol && notReported.join() === (row.notReported ?? []).join()) return row;
  const next: CandidateRow = { ...row };
  if (url !== undefined) next.url = url;
  if (relayProtocol !== undefined) next.relayProtocol = relayProtocol;
  if (notReported.length > 0) next.notReported = notReported;
  else delete next.notReported;
  return next;
}

/** "192.0.2.1:5000" or "[2001:db8::1]:5000": an IPv6 address needs brackets before a port (RFC 3986 §3.2.2). */
export function hostPort(address: string | undefined, port: number | string | undefined): string {
  const host = address === undefined ? "?" : address.includes(":") ? `[${address}]` : address;
  return `${host}:${port ?? "?"}`;
}

/** Whether an experiment keeps this local candidate from being sent ("a network where it would not work"). */
export function dropped(type: string, rules: DropRules): boolean {
  return (type === "host" && rules.dropHost) || (type === "srflx" && rules.dropSrflx);
}

/** The candidate type of an a=candidate line or candidate string, without full parsing. */
export function candidateTypeOf(line: string): string | undefined {
  return /\styp\s+(\S+)/u.exec(line)?.[1];
}

/**
 * A description's ICE username fragment (a=ice-ufrag, RFC 8839 §5.4): the first one, which is every
 * section's under BUNDLE. An offer with a new one is an ICE restart (RFC 8445 §9).
 */
export function iceUfrag(sdp: string): string | undefined {
  return /^a=ice-ufrag:(\S+)/mu.exec(sdp)?.[1];
}

/** The tcptype of an ICE-TCP candidate line (RFC 6544 §4.5), without full parsing. */
export function tcpTypeOf(line: string): string | undefined {
  return /\stcptype\s+(\S+)/u.exec(line)?.[1];
}

/** Removes dropped candidates from a description (used when trickle is off: they travel inside it). */
export function filterSdpCandidates(sdp: string, rules: DropRules): string {
  if (!rules.dropHost && !rules.dropSrflx) return sdp;
  return sdp
    .split("\r\n")
    .filter((line) => !(line.startsWith("a=candidate:") && dropped(candidateTypeOf(line) ?? "", rules)))
    .join("\r\n");
}

/** Adds or updates a row, one per candidate (same link ID and side). */
export function upsertRow(rows: readonly CandidateRow[], row: CandidateRow): CandidateRow[] {
  const i = rows.findIndex((r) => r.linkId === row.linkId && r.side === row.side);
  if (i === -1) return [...rows, row];
  const merged = { ...row, ...rows[i], ...(row.sent !== undefined ? { sent: row.sent } : {}) };
  return [...rows.slice(0, i), merged, ...rows.slice(i + 1)];
}

/** What stoppedGatheringNote needs to know about one tab's connection. */
export interface GatheringOutcome {
  /** The ICE server URLs this tab's connection was given. */
  iceServerUrls: readonly string[];
  /** Types of the candidates this tab gathered. */
  localTypes: readonly string[];
  /** The ICE connection state at the moment this tab's gathering completed (undefined: not yet). */
  iceStateWhenGatheringEnded: string | undefined;
}

/**
 * Why a tab with a TURN server has no relayed candidate, when the reason is that gathering ended
 * once a pair already worked. libwebrtc (Chromium) stops its candidate gathering as soon as a
 * connection becomes writable (unless an application of the library asks it to gather continually,
 * which a web page cannot). On one machine or one network a host pair works within milliseconds,
 * before the TURN server has answered. Undefined when there is nothing to explain.
 */
export function stoppedGatheringNote(outcome: GatheringOutcome): string | undefined {
  const { iceServerUrls, localTypes, iceStateWhenGatheringEnded: endedWhile } = outcome;
  if (endedWhile !== "connected" && endedWhile !== "completed") return undefined;
  if (!iceServerUrls.some((url) => /^turns?:/u.test(url)) || localTypes.includes("relay")) return undefined;
  return (
    "This tab has no relayed candidate, though it was given a TURN server: its browser stopped gathering candidates as soon as " +
    "the first pair worked, before the TURN server had answered (Chromium does this to save work). " +
    "On one computer, or on one network, a host pair works within milliseconds. The other tab prepared its candidates " +
    "while it waited for you, so its table has them all. To see this tab's relayed candidates, tick Relay only under " +
    "Experiments and reconnect, or open the inspect page."
  );
}
