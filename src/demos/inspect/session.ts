/**
 * The state of one inspection: candidates and errors as they trickle in, gathering state and
 * times. Pure reducers (each returns a new state) so the element only renders and the logic is
 * unit-tested.
 */
import { candidateTableRow, unreportedFields, type CandidateTableRow } from "../../components/candidates/rows.ts";
import { readCandidateError, type CandidateErrorReading } from "../../shared/ice/candidate-error.ts";

export type Policy = "all" | "relay";

export interface InspectError {
  atMs: number;
  errorCode: number;
  errorText: string;
  url: string;
  address: string | null;
  port: number | null;
  reading: CandidateErrorReading;
}

export interface InspectState {
  policy: Policy;
  gatheringState: RTCIceGatheringState | "starting" | "failed";
  rows: CandidateTableRow[];
  /** Candidates the parser refused, kept raw with the reason. */
  unreadable: { raw: string; error: string }[];
  errors: InspectError[];
  completedAtMs?: number;
  problem?: string;
}

export function initialState(policy: Policy): InspectState {
  return { policy, gatheringState: "starting", rows: [], unreadable: [], errors: [] };
}

export function addCandidate(state: InspectState, input: { raw: string; url?: string | undefined; relayProtocol?: string | undefined; atMs: number }): InspectState {
  const result = candidateTableRow(input);
  if (!result.ok) return { ...state, unreadable: [...state.unreadable, { raw: input.raw, error: result.error }] };
  if (state.rows.some((r) => r.raw === input.raw)) return state;
  const rows = [...state.rows, result.row];
  const errors = state.errors.map((e) => (gatheredFrom(rows, e.url) ? { ...e, reading: readCandidateError(e, { gatheredFromServer: true }) } : e));
  return { ...state, rows, errors };
}

/**
 * Fill in url / relay protocol learnt later from getStats (matched by address and port). What the
 * stats leave out too is marked as not reported (Firefox gives no server URL anywhere).
 */
export function enrichFromStats(state: InspectState, stats: readonly { address?: string | undefined; port?: number | undefined; url?: string | undefined; relayProtocol?: string | undefined }[]): InspectState {
  const rows = state.rows.map((row) => {
    const s = stats.find((x) => x.address === row.parsed.address && x.port === row.parsed.port);
    if (!s) return row;
    const next = { ...row };
    if (!next.url && s.url) next.url = s.url;
    if (!next.relayProtocol && s.relayProtocol) next.relayProtocol = s.relayProtocol;
    const missing = unreportedFields(next.type, next);
    if (missing.length > 0) next.notReported = missing;
    return next;
  });
  return { ...state, rows };
}

/**
 * Whether a candidate from this STUN/TURN URL arrived. Firefox names no server on its candidates:
 * then one of the kind the server gives (srflx for stun:, relay for turn:) is taken as its.
 */
function gatheredFrom(rows: readonly CandidateTableRow[], url: string): boolean {
  if (rows.some((r) => r.url !== undefined && r.url === url)) return true;
  const kind = /^turns?:/iu.test(url) ? "relay" : /^stuns?:/iu.test(url) ? "srflx" : undefined;
  return rows.some((r) => r.url === undefined && r.type === kind);
}

export function addError(state: InspectState, e: { atMs: number; errorCode: number; errorText: string; url: string; address: string | null; port: number | null }): InspectState {
  const gatheredFromServer = gatheredFrom(state.rows, e.url);
  return { ...state, errors: [...state.errors, { ...e, reading: readCandidateError(e, { gatheredFromServer }) }] };
}

export function setGatheringState(state: InspectState, gatheringState: InspectState["gatheringState"], atMs: number): InspectState {
  const next: InspectState = { ...state, gatheringState };
  if (gatheringState === "complete" && state.completedAtMs === undefined) next.completedAtMs = atMs;
  return next;
}

export function countByType(state: InspectState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of state.rows) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

/** "2 host, 1 relay" (or "no candidates"), for status lines. */
export function countsText(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts).map(([t, n]) => `${n} ${t}`).join(", ") || "no candidates";
}

/** "?policy=relay" → "relay"; anything else → "all". */
export function policyFromSearch(search: string): Policy {
  return new URLSearchParams(search).get("policy") === "relay" ? "relay" : "all";
}
