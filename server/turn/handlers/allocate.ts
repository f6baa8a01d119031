// Allocate, RFC 8656 §7.2 "Receiving an Allocate Request": checks in the order the RFC lists them,
// then a relay socket, then the success response of §7.3 with XOR-RELAYED-ADDRESS, LIFETIME,
// XOR-MAPPED-ADDRESS and MESSAGE-INTEGRITY (all four required by Chromium's TurnAllocateRequest).
import { classifyAddress, isLoopback } from "../../../src/shared/net/address-class.ts";
import { parseIP } from "../../../src/shared/stun/ip-bytes.ts";
import { getAttribute } from "../../stun/attributes/attribute.ts";
import { EvenPort } from "../../stun/attributes/even-port.ts";
import { Lifetime } from "../../stun/attributes/lifetime.ts";
import { ReservationToken } from "../../stun/attributes/reservation-token.ts";
import { RequestedAddressFamily } from "../../stun/attributes/requested-address-family.ts";
import { PROTOCOL_UDP, RequestedTransport } from "../../stun/attributes/requested-transport.ts";
import { XorMappedAddress } from "../../stun/attributes/xor-mapped-address.ts";
import { XorRelayedAddress } from "../../stun/attributes/xor-relayed-address.ts";
import { Allocation } from "../allocation.ts";
import type { AuthenticatedRequest, TurnContext } from "../context.ts";
import { errorResponse, successResponse } from "../responses.ts";
import { grantedLifetime } from "./lifetime.ts";

export async function handleAllocate(ctx: TurnContext, req: AuthenticatedRequest): Promise<Uint8Array> {
  const options = { software: ctx.config.software, key: req.auth.key };
  const fail = (code: number, why: string): Uint8Array => {
    ctx.logLimited("Allocate refused", `turn: Allocate from ${req.source.address}:${String(req.source.port)} refused ${String(code)}: ${why}`);
    return errorResponse(req.message, code, options);
  };
  // §7.2 step 2: "The server checks if the 5-tuple is currently in use by an existing allocation. If yes, ... 437".
  if (ctx.store.byFiveTuple.has(req.tupleKey) || ctx.store.pending.has(req.tupleKey)) return fail(437, "5-tuple already has an allocation");
  // Step 3: "The server checks if the request contains a REQUESTED-TRANSPORT attribute. If the
  // REQUESTED-TRANSPORT attribute is not included or is malformed, the server rejects the request with 400".
  const transport = getAttribute(req.message, RequestedTransport);
  if (transport === undefined) return fail(400, "no REQUESTED-TRANSPORT");
  if (transport !== PROTOCOL_UDP) return fail(442, `transport ${String(transport)} is not UDP`);
  // Steps 5-6: EVEN-PORT and RESERVATION-TOKEN. This server keeps no reservations, so a token can
  // never be honoured ("If the token is not valid, the request is rejected with a 508") and neither
  // can EVEN-PORT with R=1 (reserve the next port too): "If the server cannot satisfy the request,
  // then the server rejects the request with a 508 (Insufficient Capacity) error."
  const evenPort = getAttribute(req.message, EvenPort);
  const family = getAttribute(req.message, RequestedAddressFamily);
  if (getAttribute(req.message, ReservationToken) !== undefined) {
    if (evenPort !== undefined || family !== undefined) return fail(400, "RESERVATION-TOKEN with EVEN-PORT or REQUESTED-ADDRESS-FAMILY");
    return fail(508, "no reservation matches RESERVATION-TOKEN");
  }
  if (evenPort?.reserve) return fail(508, "EVEN-PORT with R=1: port reservations are not supported");
  // REQUESTED-ADDRESS-FAMILY (§7.2 step 6): only the relay's own family can be served.
  const relayFamily = parseIP(ctx.relayAddress)?.length === 16 ? "IPv6" : "IPv4";
  if (family !== undefined && family !== relayFamily) return fail(440, `${family} relay requested, this server relays ${relayFamily}`);
  // Step 7: "At any point, the server MAY choose to reject the request with a 486 (Allocation Quota
  // Reached) error if it feels the client is trying to exceed some locally defined allocation quota."
  const { quotas } = ctx.config;
  if (ctx.store.countForUser(req.auth.userId) >= quotas.allocationsPerUser) return fail(486, `user ${req.auth.userId} holds ${String(quotas.allocationsPerUser)} allocations`);
  // This machine's own clients (loopback, in any spelling) are not held to the per-address quota.
  if (!(quotas.exemptLoopback && isLoopback(classifyAddress(req.source.address))) && ctx.store.countForAddress(req.source.address) >= quotas.allocationsPerAddress) {
    return fail(486, `${req.source.address} holds ${String(quotas.allocationsPerAddress)} allocations`);
  }
  if (ctx.store.totalIncludingPending >= quotas.allocationsTotal) return fail(508, "server allocation limit reached");
  // Lifetime is read before the socket exists so a malformed LIFETIME costs nothing.
  getAttribute(req.message, Lifetime);
  const lifetime = grantedLifetime(req.message, ctx.config);

  ctx.store.reserve(req.tupleKey, req.auth.userId, req.source.address);
  let relay;
  try {
    relay = await ctx.openRelay({ even: evenPort !== undefined });
  } catch (error) {
    ctx.store.release(req.tupleKey, req.auth.userId, req.source.address);
    return fail(508, `no relay port: ${error instanceof Error ? error.message : String(error)}`);
  }
  const bound = relay.address();
  const relayedAddress = { address: ctx.relayAddress, port: bound.port };
  const advertisedRelayedAddress = { address: ctx.config.externalAddress ?? ctx.relayAddress, port: bound.port };
  const now = ctx.clock();
  const allocation = new Allocation({
    fiveTuple: { client: req.source, server: req.local, protocol: req.link.transport },
    auth: req.auth,
    relayedAddress,
    advertisedRelayedAddress,
    now,
    lifetimeSeconds: lifetime,
  });
  if (!ctx.store.commit(req.tupleKey, { allocation, relay, control: req.link, lastUsageRecordAt: now })) return fail(508, "server is shutting down");
  // RFC 8656 §3.1: over TCP the allocation lives only as long as its connection, which closed
  // while the relay socket was being bound (nobody is left to read the answer).
  if (req.link.closed) {
    ctx.store.remove(req.tupleKey);
    return fail(508, "the client's TCP connection closed during the Allocate");
  }
  ctx.stats.allocationsCreated++;
  ctx.log(`turn: allocation for ${req.auth.userId} from ${req.source.address}:${String(req.source.port)} relayed at ${advertisedRelayedAddress.address}:${String(bound.port)} for ${String(lifetime)} s`);
  return successResponse(req.message, options, (b) =>
    b.add(XorRelayedAddress, advertisedRelayedAddress).add(Lifetime, lifetime).add(XorMappedAddress, req.source),
  );
}
