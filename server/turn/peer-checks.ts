// Checks shared by CreatePermission, ChannelBind and the data path: the deny list (403), the
// address family of the relay (443), and "our own relayed address" meaning an actual relay port.
import { formatIP, parseIP } from "../../src/shared/stun/ip-bytes.ts";
import type { TransportAddress } from "../stun/attributes/address.ts";
import type { TurnContext } from "./context.ts";

export type PeerProblem = { readonly code: 403 | 443; readonly reason: string };

export function familyOf(address: string): 4 | 6 | undefined {
  const bytes = parseIP(address);
  return bytes ? (bytes.length === 4 ? 4 : 6) : undefined;
}

/** Canonical text for permission keys ("::FFFF:1.2.3.4" and "::ffff:102:304" are one peer). */
export function canonicalIP(address: string): string {
  const bytes = parseIP(address);
  return bytes ? formatIP(bytes) : address;
}

/** May this allocation install a permission / channel for this peer? */
export function checkPeerAddress(ctx: TurnContext, peer: string): PeerProblem | undefined {
  const decision = ctx.peers.check(peer);
  if (!decision.allowed) return { code: 403, reason: decision.detail };
  if (familyOf(peer) !== familyOf(ctx.relayAddress)) return { code: 443, reason: `peer ${peer} is not in the relay's address family` };
  return undefined;
}

/**
 * Our own relay/external IP is allowed as a peer IP (relay-to-relay on one server), but only to
 * ports that are live relay sockets: otherwise "own address" would open every local UDP service.
 */
export function mayRelayTo(ctx: TurnContext, peer: TransportAddress): boolean {
  if (ctx.config.allowPrivatePeers || !ctx.peers.isOwnAddress(peer.address)) return true;
  return ctx.store.relayPorts.has(peer.port);
}
