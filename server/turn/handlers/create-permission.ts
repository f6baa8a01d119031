// CreatePermission, RFC 8656 §10.2: "the server checks that the request contains at least one
// XOR-PEER-ADDRESS attribute ... The server MAY impose restrictions on the IP address allowed in the
// XOR-PEER-ADDRESS attribute; if a value is not allowed, the server rejects the request with a 403
// (Forbidden) error. If the request is valid, then the server installs or refreshes a permission
// for the IP address contained in each XOR-PEER-ADDRESS attribute". All or nothing.
import { getAttributes } from "../../stun/attributes/attribute.ts";
import { XorPeerAddress } from "../../stun/attributes/xor-peer-address.ts";
import type { LiveAllocation } from "../allocation-store.ts";
import type { AuthenticatedRequest, TurnContext } from "../context.ts";
import { canonicalIP, checkPeerAddress } from "../peer-checks.ts";
import { errorResponse, successResponse } from "../responses.ts";

export function handleCreatePermission(ctx: TurnContext, req: AuthenticatedRequest, live: LiveAllocation | undefined): Uint8Array {
  const options = { software: ctx.config.software, key: req.auth.key };
  if (!live) return errorResponse(req.message, 437, options);
  const peers = getAttributes(req.message, XorPeerAddress);
  if (peers.length === 0) return errorResponse(req.message, 400, options, undefined, "Bad Request: no XOR-PEER-ADDRESS");
  for (const peer of peers) {
    // Port 0 is no UDP peer (a datagram cannot be sent to it); the port is otherwise unused here.
    if (peer.port === 0) return errorResponse(req.message, 400, options, undefined, "Bad Request: XOR-PEER-ADDRESS port 0");
    const problem = checkPeerAddress(ctx, peer.address);
    if (problem) {
      ctx.logLimited("CreatePermission refused", `turn: CreatePermission by ${req.auth.userId} refused ${String(problem.code)}: ${problem.reason}`);
      return errorResponse(req.message, problem.code, options);
    }
  }
  const now = ctx.clock();
  const ips = peers.map((p) => canonicalIP(p.address));
  if (live.allocation.countAfterInstalling(ips, now) > ctx.config.quotas.permissionsPerAllocation) return errorResponse(req.message, 508, options);
  for (const ip of ips) live.allocation.installPermission(ip, now, ctx.config.lifetimes.permission);
  return successResponse(req.message, options);
}
