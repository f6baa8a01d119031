/**
 * Candidate and pair priorities, as ICE computes them (RFC 8445 §5.1.2 and §6.1.2.3).
 * Pure arithmetic: used by the inspect page, the two-tab demo and the ICE lesson's tests.
 */

export type CandidateType = "host" | "prflx" | "srflx" | "relay";

/**
 * RFC 8445 §5.1.2.2: "The RECOMMENDED values for type preferences are 126 for host candidates,
 * 110 for peer-reflexive candidates, 100 for server-reflexive candidates, and 0 for relayed
 * candidates."
 */
export const RECOMMENDED_TYPE_PREFERENCE: Readonly<Record<CandidateType, number>> = Object.freeze({
  host: 126,
  prflx: 110,
  srflx: 100,
  relay: 0,
});

/**
 * What Chromium (libwebrtc) really uses as type preference, by candidate kind. Relayed candidates
 * are ranked by how the browser reaches the TURN server, so a TURN/UDP allocation beats TURN/TCP,
 * which beats TURN/TLS.
 *
 * Source: libwebrtc `p2p/base/p2p_constants.h` (enum IcePriorityValue) and `p2p/base/turn_port.cc`
 * (GetRelayPreference). Releases before 2025 use RELAY_UDP = 2; newer ones added TURN over DTLS
 * (RELAY_DTLS = 2) and moved RELAY_UDP to 3. Both generations are listed so the page can name
 * what it sees; the e2e test records which one the installed Chromium uses.
 */
export const CHROMIUM_TYPE_PREFERENCE = Object.freeze({
  host: 126,
  hostTcp: 90,
  prflx: 110,
  prflxTcp: 80,
  srflx: 100,
  relay: Object.freeze({ udp: [2, 3] as readonly number[], dtls: [2] as readonly number[], tcp: [1] as readonly number[], tls: [0] as readonly number[] }),
  source: "libwebrtc p2p/base/p2p_constants.h IcePriorityValue; p2p/base/turn_port.cc GetRelayPreference",
});

/** The relay protocol(s) a Chromium relay candidate's type preference points to ("udp", "tcp", ...). */
export function chromiumRelayProtocolsFor(typePreference: number): string[] {
  return Object.entries(CHROMIUM_TYPE_PREFERENCE.relay)
    .filter(([, values]) => values.includes(typePreference))
    .map(([protocol]) => protocol);
}

export class PriorityRangeError extends RangeError {
  override name = "PriorityRangeError";
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PriorityRangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}

/**
 * RFC 8445 §5.1.2.1: "priority = (2^24)*(type preference) + (2^8)*(local preference) +
 * (2^0)*(256 - component ID)". The type preference is 0..126, the local preference 0..65535
 * and the component ID 1..256 (RTP is 1, RTCP 2).
 */
export function candidatePriority(typePreference: number, localPreference: number, componentId: number): number {
  checkInteger("type preference", typePreference, 0, 126);
  checkInteger("local preference", localPreference, 0, 65535);
  checkInteger("component ID", componentId, 1, 256);
  return typePreference * 2 ** 24 + localPreference * 2 ** 8 + (256 - componentId);
}

export interface PriorityParts {
  typePreference: number;
  localPreference: number;
  componentId: number;
}

/**
 * The inverse of candidatePriority: the top 8 bits are the type preference, the next 16 the
 * local preference and the low 8 bits are 256 minus the component ID (RFC 8445 §5.1.2.1).
 * A priority is a 32-bit unsigned integer (RFC 8445 §5.1.2: "a positive integer between 1 and
 * (2**31 - 1)"; browsers stay within that because the type preference is at most 126).
 */
export function splitPriority(priority: number): PriorityParts {
  checkInteger("priority", priority, 0, 2 ** 32 - 1);
  return {
    typePreference: Math.floor(priority / 2 ** 24),
    localPreference: Math.floor(priority / 2 ** 8) % 2 ** 16,
    componentId: 256 - (priority % 2 ** 8),
  };
}

/**
 * RFC 8445 §6.1.2.3: "Let G be the priority for the candidate provided by the controlling agent.
 * Let D be the priority for the candidate provided by the controlled agent. The priority for a
 * pair is computed as: pair priority = 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0)".
 * The result needs up to 64 bits, hence bigint.
 */
export function pairPriority(g: number, d: number): bigint {
  checkInteger("G (controlling agent's candidate priority)", g, 0, 2 ** 32 - 1);
  checkInteger("D (controlled agent's candidate priority)", d, 0, 2 ** 32 - 1);
  const min = BigInt(Math.min(g, d));
  const max = BigInt(Math.max(g, d));
  return (min << 32n) + 2n * max + (g > d ? 1n : 0n);
}
