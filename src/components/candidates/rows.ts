/**
 * One row of a candidate table, computed from a candidate string and what the browser said about
 * it (URL of the STUN/TURN server, relay protocol, time). Pure: used by the inspect page (and
 * available to the two-tab demo) so both show the same columns the same way.
 */
import { parseCandidate, type ParsedCandidate } from "../../shared/ice/candidate.ts";
import { splitPriority, type PriorityParts } from "../../shared/ice/priority.ts";
import { classifyAddress, type AddressClassification } from "../../shared/net/address-class.ts";

export interface CandidateRowInput {
  raw: string;
  /** The server that produced it (event.url / candidate.url / getStats url). */
  url?: string | undefined;
  relayProtocol?: string | undefined;
  /** Milliseconds since gathering started (unknown for some remote candidates). */
  atMs?: number | undefined;
  /**
   * What the browser was asked for and did not say: its own stats for this candidate lack the
   * field. Firefox reports no server URL at all, on the candidate or in getStats.
   */
  notReported?: readonly UnreportedField[] | undefined;
}

/** Fields of a local candidate that only the browser knows (the candidate string does not carry them). */
export type UnreportedField = "url" | "relayProtocol";

/** What a cell says when the browser did not report its value, rather than a blank. */
export const NOT_REPORTED = "not reported by this browser";

/**
 * Which of a local candidate's server fields are missing once the browser's own stats for it
 * have been read: a srflx or relay candidate comes from a STUN/TURN URL, a relay one over a relay
 * protocol, so a gap there is the browser's silence, not a field that does not apply.
 */
export function unreportedFields(type: string, known: { url?: string | undefined; relayProtocol?: string | undefined }): UnreportedField[] {
  const missing: UnreportedField[] = [];
  if ((type === "srflx" || type === "relay") && !known.url) missing.push("url");
  if (type === "relay" && !known.relayProtocol) missing.push("relayProtocol");
  return missing;
}

export interface CandidateTableRow {
  raw: string;
  parsed: ParsedCandidate;
  type: string;
  atMs: number | undefined;
  url?: string;
  relayProtocol?: string;
  notReported?: readonly UnreportedField[];
  parts: PriorityParts;
  addressClass: AddressClassification;
  relatedClass?: AddressClassification;
}

export type RowResult = { ok: true; row: CandidateTableRow } | { ok: false; error: string };

export function candidateTableRow(input: CandidateRowInput): RowResult {
  let parsed: ParsedCandidate;
  try {
    parsed = parseCandidate(input.raw);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const row: CandidateTableRow = {
    raw: input.raw,
    parsed,
    type: parsed.type,
    atMs: input.atMs,
    parts: splitPriority(parsed.priority),
    addressClass: classifyAddress(parsed.address),
  };
  if (input.url) row.url = input.url;
  if (input.relayProtocol) row.relayProtocol = input.relayProtocol;
  if (input.notReported && input.notReported.length > 0) row.notReported = input.notReported;
  if (parsed.relatedAddress !== undefined) row.relatedClass = classifyAddress(parsed.relatedAddress);
  return { ok: true, row };
}

/** Cell texts, in column order, for a table header of CANDIDATE_COLUMNS. */
export const CANDIDATE_COLUMNS = [
  "Time (s)",
  "Type",
  "Protocol",
  "Address",
  "Port",
  "Related address",
  "Related port",
  "Foundation",
  "Component",
  "Type pref.",
  "Local pref.",
  "Component ID",
  "Relay protocol",
  "Server URL",
] as const;

export function candidateCells(row: CandidateTableRow): string[] {
  const p = row.parsed;
  return [
    row.atMs === undefined ? "—" : (row.atMs / 1000).toFixed(3),
    p.type,
    p.tcpType ? `${p.protocol} (${p.tcpType})` : p.protocol,
    p.address,
    String(p.port),
    p.relatedAddress ?? "—",
    p.relatedPort === undefined ? "—" : String(p.relatedPort),
    p.foundation,
    String(p.component),
    String(row.parts.typePreference),
    String(row.parts.localPreference),
    String(row.parts.componentId),
    row.relayProtocol ?? (row.notReported?.includes("relayProtocol") ? NOT_REPORTED : "—"),
    row.url ?? (row.notReported?.includes("url") ? NOT_REPORTED : "—"),
  ];
}

/** Plain-words name of a candidate type. */
export function typeName(type: string): string {
  switch (type) {
    case "host":
      return "host (an address of this device)";
    case "srflx":
      return "server-reflexive (your address as a STUN server sees it)";
    case "prflx":
      return "peer-reflexive (learnt from a connectivity check)";
    case "relay":
      return "relayed (an address on a TURN server)";
    default:
      return type;
  }
}
