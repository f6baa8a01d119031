// One message in (a UDP datagram, or one frame cut from a TCP stream), at most one message out.
// Demultiplex STUN from ChannelData, drop what does not parse, answer 420 for unknown
// comprehension-required attributes, authenticate TURN requests, replay cached answers to
// retransmissions, and route to the handler named after the method. The answer goes back over the
// ClientLink the message came in on, so UDP and TCP clients share every rule here.
import { toHex } from "../../src/shared/stun/ip-bytes.ts";
import { AttributeType, StunClass, StunMethod, isComprehensionRequired } from "../stun/constants.ts";
import { KNOWN_ATTRIBUTES } from "../stun/attributes/index.ts";
import { checkFingerprint } from "../stun/attributes/fingerprint.ts";
import type { TransportAddress } from "../stun/attributes/address.ts";
import { StunAttributeError } from "../stun/errors.ts";
import { decodeStunMessage, type StunMessage } from "../stun/message.ts";
import { authenticate } from "./auth.ts";
import { classifyPacket } from "./channel-data.ts";
import type { ClientLink } from "./client-link.ts";
import type { IncomingRequest, TurnContext } from "./context.ts";
import { fiveTupleKeyOf } from "./five-tuple.ts";
import { handleAllocate } from "./handlers/allocate.ts";
import { handleBinding } from "./handlers/binding.ts";
import { handleChannelBind } from "./handlers/channel-bind.ts";
import { handleCreatePermission } from "./handlers/create-permission.ts";
import { handleRefresh } from "./handlers/refresh.ts";
import { relayChannelData, relaySendIndication } from "./relay.ts";
import { errorResponse, unknownAttributeResponse } from "./responses.ts";
import type { TransactionCache } from "./transaction-cache.ts";

/**
 * Known to the codec but not implemented by this server. RFC 8656 §7.2: "If the DONT-FRAGMENT
 * attribute is present and the server does not support sending UDP datagrams with the DF bit set
 * to 1, then the server treats the DONT-FRAGMENT attribute in the Allocate request as an unknown
 * comprehension-required attribute." (Node cannot set DF.)
 */
const UNSUPPORTED = new Set<number>([AttributeType.DONT_FRAGMENT]);

const TURN_REQUESTS = new Set<number>([StunMethod.allocate, StunMethod.refresh, StunMethod.createPermission, StunMethod.channelBind]);

/**
 * RFC 8489 §6.3.1.1: "If the request contains one or more unknown comprehension-required attributes,
 * the server replies with an error response with an error code of 420 (Unknown Attribute) and
 * includes an UNKNOWN-ATTRIBUTES attribute". Attributes after MESSAGE-INTEGRITY are ignored (§14.5).
 */
export function unknownRequiredAttributes(message: StunMessage): number[] {
  // A Set, so that a message of many distinct unknown types costs linear time, not quadratic.
  const unknown = new Set<number>();
  for (const a of message.attributes) {
    if (a.type === AttributeType.MESSAGE_INTEGRITY) break;
    if (isComprehensionRequired(a.type) && (!KNOWN_ATTRIBUTES.has(a.type) || UNSUPPORTED.has(a.type))) unknown.add(a.type);
  }
  return [...unknown];
}

/**
 * "malformed": the message did not decode (UDP drops it; a TCP connection is closed, since its
 * stream can no longer be trusted). Everything else, answered or silently dropped, is "ok".
 */
export type PacketVerdict = "ok" | "malformed";

export type PacketHandler = (link: ClientLink, local: TransportAddress, packet: Uint8Array, from: TransportAddress) => PacketVerdict;

export function createDispatcher(ctx: TurnContext, cache: TransactionCache): PacketHandler {
  /**
   * `username` labels the answer in the packet inspector; `authenticated` says the request it answers
   * passed authentication under that name, which is what files it (and the address) under a session.
   */
  const reply = (link: ClientLink, bytes: Uint8Array, to: TransportAddress, local: TransportAddress, username?: string, authenticated = false): void => {
    link.send(bytes, to);
    if (ctx.inspector.enabled) ctx.inspector.message("out", bytes, local, to, link.transport, username, authenticated);
  };

  const onTurnRequest = async (req: IncomingRequest): Promise<void> => {
    const { message, source, local, link } = req;
    ctx.stats.turnRequests++;
    const now = ctx.clock();
    const cacheKey = `${req.tupleKey}|${toHex(message.transactionId)}`;
    const cached = cache.get(cacheKey, now);
    if (cached) {
      reply(link, cached, source, local);
      return;
    }
    // A retransmitted Allocate while its relay socket is still being bound: the answer will be
    // cached in a moment and the client retransmits again.
    if (message.method === StunMethod.allocate && ctx.store.pending.has(req.tupleKey)) return;
    const result = authenticate(message, source, { realm: ctx.config.realm, secret: ctx.config.secret, software: ctx.config.software, nonces: ctx.nonces, now });
    if (!result.ok) {
      if (!result.reason.endsWith("challenge")) ctx.logLimited("not authenticated", `turn: ${source.address}:${String(source.port)} not authenticated: ${result.reason}`);
      reply(link, result.response, source, local, result.username);
      return;
    }
    const auth = result.auth;
    const authed = { ...req, auth };
    // RFC 8489 §6.3.1: unknown comprehension-required attributes are looked for once the
    // authentication checks pass, so this 420 is signed like any answer to an authenticated request.
    const unknown = unknownRequiredAttributes(message);
    if (unknown.length > 0) {
      reply(link, unknownAttributeResponse(message, unknown, ctx.config.software, auth.key), source, local, auth.username, true);
      return;
    }
    let live = ctx.store.byFiveTuple.get(req.tupleKey);
    if (live && !live.allocation.isLive(now)) {
      ctx.inspector.usage(live, "expired");
      ctx.store.remove(req.tupleKey);
      ctx.stats.allocationsExpired++;
      live = undefined;
    }
    let response: Uint8Array;
    try {
      if (live && message.method !== StunMethod.allocate && live.allocation.auth.username !== auth.username) {
        // RFC 8656 §5: requests on an allocation must use the credentials it was created with.
        response = errorResponse(message, 441, { software: ctx.config.software, key: auth.key });
      } else if (message.method === StunMethod.allocate) response = await handleAllocate(ctx, authed);
      else if (message.method === StunMethod.refresh) response = handleRefresh(ctx, authed, live);
      else if (message.method === StunMethod.createPermission) response = handleCreatePermission(ctx, authed, live);
      else response = handleChannelBind(ctx, authed, live);
    } catch (error) {
      if (!(error instanceof StunAttributeError)) throw error;
      response = errorResponse(message, 400, { software: ctx.config.software, key: auth.key }, undefined, `Bad Request: ${error.message}`.slice(0, 120));
    }
    cache.set(cacheKey, response, ctx.clock());
    reply(link, response, source, local, auth.username, true);
  };

  const onStun = (link: ClientLink, local: TransportAddress, packet: Uint8Array, source: TransportAddress): PacketVerdict => {
    const decoded = decodeStunMessage(packet);
    if (!decoded.ok) {
      ctx.stats.malformed++;
      return "malformed";
    }
    const message = decoded.message;
    if (checkFingerprint(message) === "bad") {
      ctx.stats.malformed++;
      return "malformed";
    }
    const tupleKey = link.tupleKey ?? fiveTupleKeyOf(source.address, source.port, local);
    if (message.cls === StunClass.indication) {
      if (message.method === StunMethod.send) relaySendIndication(ctx, ctx.store.byFiveTuple.get(tupleKey), message);
      return "ok";
    }
    if (message.cls !== StunClass.request) return "ok"; // responses are never expected by a server
    if (ctx.inspector.enabled) ctx.inspector.message("in", message, source, local, link.transport);
    if (message.method === StunMethod.binding) {
      ctx.stats.bindingRequests++;
      const unknown = unknownRequiredAttributes(message);
      if (unknown.length > 0) {
        reply(link, unknownAttributeResponse(message, unknown, ctx.config.software), source, local);
        return "ok";
      }
      reply(link, handleBinding(message, source, ctx.config.software), source, local);
      return "ok";
    }
    if (!TURN_REQUESTS.has(message.method)) {
      // RFC 8489 §6.3.1: a request for an unknown method gets 400.
      reply(link, errorResponse(message, 400, { software: ctx.config.software }), source, local);
      return "ok";
    }
    onTurnRequest({ message, source, local, link, tupleKey }).catch((error: unknown) => {
      ctx.stats.errors++;
      ctx.log(`turn: internal error on ${String(message.method)} from ${source.address}:${String(source.port)}: ${error instanceof Error ? error.message : String(error)}`);
    });
    return "ok";
  };

  return (link, local, packet, from) => {
    ctx.stats.packetsIn++;
    try {
      const source = { address: from.address, port: from.port };
      const kind = classifyPacket(packet[0]);
      if (kind === "stun") return onStun(link, local, packet, source);
      if (kind === "channel-data") {
        relayChannelData(ctx, ctx.store.byFiveTuple.get(link.tupleKey ?? fiveTupleKeyOf(source.address, source.port, local)), packet);
        return "ok";
      }
      ctx.stats.malformed++;
      return "malformed";
    } catch (error) {
      ctx.stats.errors++;
      ctx.logLimited("dropped a packet", `turn: dropped a packet from ${from.address}:${String(from.port)}: ${error instanceof Error ? error.message : String(error)}`);
      return "ok";
    }
  };
}
