// The data path, both directions, kept free of per-packet allocations where it can be.
//   client -> peer: Send indication (RFC 8656 §11.2) or ChannelData (§12.6), out of the relay socket
//   peer -> client: if a permission exists for the peer IP (§11.3 / §9), as ChannelData when a
//                   channel is bound to the peer IP:port, else as a Data indication; over the
//                   client's UDP 5-tuple or down its TCP connection, whichever the allocation has.
// Anything that does not qualify is dropped silently, as the RFC says; counters record it.
import type { RemoteInfo } from "node:dgram";
import { getAttribute } from "../stun/attributes/attribute.ts";
import { Data } from "../stun/attributes/data.ts";
import { XorPeerAddress } from "../stun/attributes/xor-peer-address.ts";
import type { StunMessage } from "../stun/message.ts";
import type { TransportAddress } from "../stun/attributes/address.ts";
import type { LiveAllocation } from "./allocation-store.ts";
import { channelDataMessage, decodeChannelData } from "./channel-data.ts";
import { DataIndicationWriter } from "./data-indication.ts";
import type { RelayCounters } from "./relay-counters.ts";
import type { TurnContext } from "./context.ts";
import { canonicalIP, mayRelayTo } from "./peer-checks.ts";

const dataIndications = new DataIndicationWriter();

/** Emit a relay-usage record at most this often per allocation while data flows. */
const USAGE_RECORD_INTERVAL_MS = 1000;

function noteUsage(ctx: TurnContext, live: LiveAllocation, now: number): void {
  if (!ctx.inspector.enabled || now - live.lastUsageRecordAt < USAGE_RECORD_INTERVAL_MS) return;
  live.lastUsageRecordAt = now;
  ctx.inspector.usage(live, "periodic");
}

function sendToPeer(ctx: TurnContext, live: LiveAllocation, peer: TransportAddress, data: Uint8Array, counters: RelayCounters[]): void {
  live.relay.send(data, peer.port, peer.address);
  for (const c of counters) {
    c.bytesToPeer += data.length;
    c.packetsToPeer++;
  }
  ctx.stats.bytesToPeers += data.length;
}

/** Send indication from the client: needs XOR-PEER-ADDRESS, DATA and a live permission. */
export function relaySendIndication(ctx: TurnContext, live: LiveAllocation | undefined, message: StunMessage): void {
  if (!live) {
    ctx.stats.droppedToPeers++;
    return;
  }
  let peer: TransportAddress | undefined;
  let data: Uint8Array | undefined;
  try {
    peer = getAttribute(message, XorPeerAddress);
    data = getAttribute(message, Data);
  } catch {
    peer = undefined;
  }
  const now = ctx.clock();
  // The codec formats addresses canonically already (formatIP), so they key permissions directly.
  const permission = peer ? live.allocation.permissionFor(peer.address, now) : undefined;
  // Port 0 is no UDP peer: dropped here rather than failing (and being logged) in send().
  if (!peer || peer.port === 0 || !data || !permission || !mayRelayTo(ctx, peer)) {
    ctx.stats.droppedToPeers++;
    return;
  }
  const channel = live.allocation.channelForPeer(peer, now);
  sendToPeer(ctx, live, peer, data, channel ? [permission.counters, channel.counters] : [permission.counters]);
  noteUsage(ctx, live, now);
}

/** ChannelData from the client: the channel must be bound (and so has a permission). */
export function relayChannelData(ctx: TurnContext, live: LiveAllocation | undefined, packet: Uint8Array): void {
  const parsed = live ? decodeChannelData(packet) : undefined;
  if (!live || !parsed) {
    ctx.stats.droppedToPeers++;
    return;
  }
  const now = ctx.clock();
  const channel = live.allocation.channel(parsed.channelNumber, now);
  const permission = channel ? live.allocation.permissionFor(channel.peer.address, now) : undefined;
  if (!channel || channel.peer.port === 0 || !permission || !mayRelayTo(ctx, channel.peer)) {
    ctx.stats.droppedToPeers++;
    return;
  }
  sendToPeer(ctx, live, channel.peer, parsed.data, [permission.counters, channel.counters]);
  noteUsage(ctx, live, now);
}

/** A datagram from a peer arrived on the relay socket. */
export function relayFromPeer(ctx: TurnContext, live: LiveAllocation, data: Buffer, from: RemoteInfo): void {
  const now = ctx.clock();
  const a = live.allocation;
  if (!a.isLive(now)) {
    ctx.stats.droppedFromPeers++;
    return;
  }
  const peerIP = from.family === "IPv6" ? canonicalIP(from.address) : from.address;
  const permission = a.permissionFor(peerIP, now);
  // From our own address only our relay sockets count as peers, not any local process.
  if (!permission || !mayRelayTo(ctx, { address: peerIP, port: from.port })) {
    ctx.stats.droppedFromPeers++;
    return;
  }
  const client = a.fiveTuple.client;
  const channel = a.channelForPeer({ address: peerIP, port: from.port }, now);
  if (channel) {
    // RFC 8656 §12.5: padded to a multiple of 4 bytes over TCP; over UDP it need not be.
    live.control.send(channelDataMessage(channel.channelNumber, data, live.control.transport === "tcp"), client);
    channel.counters.bytesFromPeer += data.length;
    channel.counters.packetsFromPeer++;
  } else {
    live.control.send(dataIndications.build({ address: peerIP, port: from.port }, data), client);
  }
  permission.counters.bytesFromPeer += data.length;
  permission.counters.packetsFromPeer++;
  ctx.stats.bytesFromPeers += data.length;
  noteUsage(ctx, live, now);
}
