// ChannelBind, RFC 8656 §12.2: "The server checks the following: The request contains both a
// CHANNEL-NUMBER and an XOR-PEER-ADDRESS attribute; The channel number is in the range 0x4000
// through 0x4FFF (inclusive); The channel number is not currently bound to a different transport
// address (same transport address is OK); The transport address is not currently bound to a
// different channel number. If any of these tests fail, the server replies with a 400 (Bad Request)
// error." On success it binds (or refreshes) the channel and "also installs or refreshes a
// permission for the IP address of the peer".
import { getAttribute } from "../../stun/attributes/attribute.ts";
import { ChannelNumber, isValidChannelNumber } from "../../stun/attributes/channel-number.ts";
import { XorPeerAddress } from "../../stun/attributes/xor-peer-address.ts";
import type { LiveAllocation } from "../allocation-store.ts";
import type { AuthenticatedRequest, TurnContext } from "../context.ts";
import { canonicalIP, checkPeerAddress, mayRelayTo } from "../peer-checks.ts";
import { errorResponse, successResponse } from "../responses.ts";

export function handleChannelBind(ctx: TurnContext, req: AuthenticatedRequest, live: LiveAllocation | undefined): Uint8Array {
  const options = { software: ctx.config.software, key: req.auth.key };
  if (!live) return errorResponse(req.message, 437, options);
  const channel = getAttribute(req.message, ChannelNumber);
  const peerAttribute = getAttribute(req.message, XorPeerAddress);
  if (channel === undefined || peerAttribute === undefined) return errorResponse(req.message, 400, options, undefined, "Bad Request: CHANNEL-NUMBER and XOR-PEER-ADDRESS are required");
  if (!isValidChannelNumber(channel)) return errorResponse(req.message, 400, options, undefined, "Bad Request: channel number outside 0x4000-0x4FFF");
  // Port 0 is no UDP peer: every ChannelData to it would fail in send().
  if (peerAttribute.port === 0) return errorResponse(req.message, 400, options, undefined, "Bad Request: XOR-PEER-ADDRESS port 0");
  const peer = { address: canonicalIP(peerAttribute.address), port: peerAttribute.port };
  const problem = checkPeerAddress(ctx, peer.address) ?? (mayRelayTo(ctx, peer) ? undefined : { code: 403, reason: "our own address, but not one of our relay ports" });
  if (problem) {
    ctx.logLimited("ChannelBind refused", `turn: ChannelBind by ${req.auth.userId} refused ${String(problem.code)}: ${problem.reason}`);
    return errorResponse(req.message, problem.code, options);
  }
  const now = ctx.clock();
  const a = live.allocation;
  const conflict = a.bindConflict(channel, peer, now);
  if (conflict) return errorResponse(req.message, 400, options, undefined, `Bad Request: ${conflict}`);
  const isNew = a.channel(channel, now) === undefined;
  if (isNew && a.liveChannelCount(now) >= ctx.config.quotas.channelsPerAllocation) return errorResponse(req.message, 508, options);
  if (!a.permissionFor(peer.address, now) && a.countAfterInstalling([peer.address], now) > ctx.config.quotas.permissionsPerAllocation) {
    return errorResponse(req.message, 508, options);
  }
  a.bindChannel(channel, peer, now, ctx.config.lifetimes.channel);
  a.installPermission(peer.address, now, ctx.config.lifetimes.permission);
  return successResponse(req.message, options);
}
