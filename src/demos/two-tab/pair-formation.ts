/**
 * Which combinations of a local and a remote candidate ICE makes into candidate pairs, by the
 * rules of RFC 8445 §6.1.2.2 (forming pairs) and §6.1.2.4 (pruning them), with RFC 6544 §6.2
 * for ICE-TCP. Pure: the pair matrix (pair-matrix.ts) asks this for every combination and
 * compares the answer with the pairs getStats() reported.
 */
import { classifyAddress } from "../../shared/net/address-class.ts";

/** One candidate as far as pairing cares. */
export interface PairingCandidate {
  type: string;
  /** "udp" or "tcp", lower case. */
  protocol: string;
  /** An IP address, an mDNS name, a masked placeholder (x.x.x.1), or undefined when hidden. */
  address: string | undefined;
  port: number | undefined;
  /** 1 in WebRTC: BUNDLE with rtcp-mux puts everything on one component. */
  component: number;
  /** TCP candidates (RFC 6544 §4.5): "active", "passive" or "so". */
  tcpType?: string | undefined;
  /** A reflexive candidate's base (raddr/rport), from which it was learnt. */
  relatedAddress?: string | undefined;
  relatedPort?: number | undefined;
}

export type AddressFamily = "IPv4" | "IPv6";

export interface AddressFacts {
  /** Undefined when the candidate does not say: an mDNS name, or no address at all. */
  family: AddressFamily | undefined;
  /** fe80::/10, which RFC 8445 §6.1.2.2 keeps apart. */
  linkLocal: boolean;
  mdns: boolean;
}

/** A masked file keeps an address's family in its placeholder (export.ts): x.x.x.1, x:x::1. */
const MASKED_V4 = /^x\.x\.x\.\d+$/u;
const MASKED_V6 = /^x:x::\d+$/u;

export function addressFacts(address: string | undefined): AddressFacts {
  if (address === undefined || address === "") return { family: undefined, linkLocal: false, mdns: false };
  if (MASKED_V4.test(address)) return { family: "IPv4", linkLocal: false, mdns: false };
  if (MASKED_V6.test(address)) return { family: "IPv6", linkLocal: false, mdns: false };
  const c = classifyAddress(address);
  const family = c.family === "ipv4" ? "IPv4" : c.family === "ipv6" ? "IPv6" : undefined;
  return { family, linkLocal: c.kind === "ipv6-link-local", mdns: c.kind === "mdns" };
}

/** A rule of §6.1.2.2 (or RFC 6544 §6.2) the two candidates break, with each side's value in words. */
export interface Mismatch {
  rule: "component" | "transport" | "family" | "link-local" | "tcp-type";
  local: string;
  remote: string;
}

export type Prediction =
  /** On the checklist. `familyAssumed`: one side's family is hidden behind an mDNS name. */
  | { outcome: "forms"; familyAssumed: boolean }
  /**
   * Formed, then removed from this side's checklist (§6.1.2.4): a server-reflexive local
   * candidate is replaced by its base (`base`, when this side's candidates show it), which makes
   * the pair a duplicate of the base's own pair. Or (RFC 6544 §6.2) the local end is a passive
   * TCP candidate, which only accepts connections: the other side checks this pair.
   */
  | { outcome: "pruned"; reason: "reflexive"; base: PairingCandidate | undefined }
  | { outcome: "pruned"; reason: "tcp-passive" }
  /**
   * One end is peer-reflexive: learnt from a check, never paired with the other side's
   * candidates wholesale (RFC 8445 §7.2.5.3.1 for this side's, §7.3.1.3 for the other side's).
   * A pair with it exists only where a check met it: the valid pair of the check whose response
   * revealed it, or the triggered check back to where a request came from (§7.3.1.4).
   */
  | { outcome: "learnt"; end: "local" | "remote" | "both" }
  /** Never formed; the first mismatch is the rule that decides, the others also hold. */
  | { outcome: "never"; mismatches: [Mismatch, ...Mismatch[]] };

/**
 * RFC 6544 §6.2: "local tcp-so with remote tcp-so, local tcp-active with remote tcp-passive,
 * local tcp-passive with remote tcp-active". A TCP candidate without a type is given the benefit
 * of the doubt.
 */
function tcpTypesFit(local: string | undefined, remote: string | undefined): boolean {
  if (local === undefined || remote === undefined) return true;
  return (local === "active" && remote === "passive") || (local === "passive" && remote === "active") || (local === "so" && remote === "so");
}

/** Every §6.1.2.2 / RFC 6544 rule the two break, in the order this page names them. */
export function mismatches(local: PairingCandidate, remote: PairingCandidate): Mismatch[] {
  const found: Mismatch[] = [];
  if (local.component !== remote.component) found.push({ rule: "component", local: `component ${local.component}`, remote: `component ${remote.component}` });
  const transport = local.protocol !== remote.protocol;
  if (transport) found.push({ rule: "transport", local: local.protocol.toUpperCase(), remote: remote.protocol.toUpperCase() });
  const l = addressFacts(local.address);
  const r = addressFacts(remote.address);
  if (l.family !== undefined && r.family !== undefined && l.family !== r.family) found.push({ rule: "family", local: l.family, remote: r.family });
  else if (l.linkLocal !== r.linkLocal && l.family === "IPv6" && r.family === "IPv6") {
    found.push({ rule: "link-local", local: l.linkLocal ? "link-local" : "not link-local", remote: r.linkLocal ? "link-local" : "not link-local" });
  }
  if (!transport && local.protocol === "tcp" && !tcpTypesFit(local.tcpType, remote.tcpType)) {
    found.push({ rule: "tcp-type", local: local.tcpType ?? "?", remote: remote.tcpType ?? "?" });
  }
  return found;
}

/** The host candidate a server-reflexive one was learnt from, among this side's candidates. */
export function baseOf<T extends PairingCandidate>(candidate: PairingCandidate, locals: readonly T[]): T | undefined {
  if (candidate.relatedAddress === undefined || candidate.relatedPort === undefined) return undefined;
  return locals.find((c) => c.type === "host" && c.protocol === candidate.protocol && c.address === candidate.relatedAddress && c.port === candidate.relatedPort);
}

/**
 * What ICE does with this combination on this side (the local candidate's agent). A
 * peer-reflexive end is neither paired nor ruled out in advance (see Prediction "learnt"), but a
 * check cannot cross the rules of §6.1.2.2 either. Relayed candidates are their own base, so
 * pruning leaves them alone. Of two redundant pairs §6.1.2.4
 * removes the lower-priority one: a server-reflexive candidate's pair, since its base is a host
 * candidate, whose type preference (126) is above a server-reflexive one's (100).
 */
export function predictPair<T extends PairingCandidate>(local: T, remote: PairingCandidate, locals: readonly T[]): Prediction {
  const [first, ...rest] = mismatches(local, remote);
  if (first) return { outcome: "never", mismatches: [first, ...rest] };
  if (local.type === "srflx") return { outcome: "pruned", reason: "reflexive", base: baseOf(local, locals) };
  if (local.protocol === "tcp" && local.tcpType === "passive") return { outcome: "pruned", reason: "tcp-passive" };
  const learnt = local.type === "prflx" ? (remote.type === "prflx" ? "both" : "local") : remote.type === "prflx" ? "remote" : undefined;
  if (learnt) return { outcome: "learnt", end: learnt };
  const familyAssumed = addressFacts(local.address).family === undefined || addressFacts(remote.address).family === undefined;
  return { outcome: "forms", familyAssumed };
}
