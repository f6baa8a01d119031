/**
 * The browser turns the XOR-MAPPED-ADDRESS of a Binding success response into a server-reflexive
 * ("srflx") candidate (RFC 8445 §5.1.1.2). This module finds the candidate that matches the address
 * the page worked out, or explains why there is none: when the mapped address equals the socket's
 * own address there is no NAT in between, and the browser drops the redundant candidate.
 */
import { parseCandidate, type ParsedCandidate } from "../../shared/ice/candidate.ts";
import type { Endpoint } from "../../shared/stun/transaction-record.ts";

export interface SrflxMatch {
  readonly kind: "srflx" | "same-as-host" | "none";
  readonly candidate: ParsedCandidate | undefined;
  readonly line: string | undefined;
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Looks through candidate lines (as from onicecandidate) for the one the mapped address became. */
export function matchSrflx(candidateLines: readonly string[], mapped: Endpoint): SrflxMatch {
  const parsed: { line: string; candidate: ParsedCandidate }[] = [];
  for (const line of candidateLines) {
    try {
      parsed.push({ line, candidate: parseCandidate(line) });
    } catch {
      // A line this parser cannot read is not the one we are looking for.
    }
  }
  const hit = (type: string) => parsed.find(({ candidate }) => candidate.type === type && candidate.port === mapped.port && sameAddress(candidate.address, mapped.address));
  const srflx = hit("srflx");
  if (srflx) return { kind: "srflx", candidate: srflx.candidate, line: srflx.line };
  const host = hit("host");
  if (host) return { kind: "same-as-host", candidate: host.candidate, line: host.line };
  return { kind: "none", candidate: undefined, line: undefined };
}
