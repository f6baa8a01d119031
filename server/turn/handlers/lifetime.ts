// RFC 8656 §7.2 (and §8.2 for Refresh): "If the LIFETIME attribute is present ... the server
// computes the minimum of the client's requested lifetime and the server's maximum allowed lifetime.
// If this computed value is greater than the default lifetime, then the server uses the computed
// lifetime as the initial value of the time-to-expiry timer. Otherwise, the server uses the default lifetime."
import { getAttribute } from "../../stun/attributes/attribute.ts";
import { Lifetime } from "../../stun/attributes/lifetime.ts";
import type { StunMessage } from "../../stun/message.ts";
import type { ResolvedTurnServerConfig } from "../config.ts";

export function grantedLifetime(request: StunMessage, config: ResolvedTurnServerConfig): number {
  const requested = getAttribute(request, Lifetime);
  const { allocationDefault, allocationMax } = config.lifetimes;
  if (requested === undefined) return allocationDefault;
  return Math.max(Math.min(requested, allocationMax), allocationDefault);
}
