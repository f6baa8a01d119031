// RFC 8656 §9: "For each allocation, the server keeps a list of zero or more permissions. Each
// permission consists of an IP address and an associated time-to-expiry. ... only the IP address
// portion is used and the port portion is ignored." §9: "The Permission Lifetime MUST be 300
// seconds (= 5 minutes)." A permission lets packets from that IP in, and (with §11.2) out.
import { emptyCounters, type RelayCounters } from "./relay-counters.ts";

export interface Permission {
  /** Canonical text of the peer IP (ports are ignored for permissions). */
  readonly peerAddress: string;
  /** Milliseconds since the epoch, on the server's injected clock. */
  expiresAt: number;
  readonly counters: RelayCounters;
}

export function createPermission(peerAddress: string, expiresAt: number): Permission {
  return { peerAddress, expiresAt, counters: emptyCounters() };
}

export function isPermissionLive(p: Permission, now: number): boolean {
  return now < p.expiresAt;
}
