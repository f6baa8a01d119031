// RFC 8656 §12: "A channel binding consists of: a channel number; a transport address (of the
// peer); and A time-to-expiry timer." §12: "a channel binding lasts for 10 minutes unless
// refreshed." Unlike a permission, a channel is bound to IP *and* port (libjuice #346 got this wrong).
import type { TransportAddress } from "../stun/attributes/address.ts";
import { emptyCounters, type RelayCounters } from "./relay-counters.ts";

export interface ChannelBinding {
  readonly channelNumber: number;
  readonly peer: TransportAddress;
  expiresAt: number;
  readonly counters: RelayCounters;
}

export function createChannelBinding(channelNumber: number, peer: TransportAddress, expiresAt: number): ChannelBinding {
  return { channelNumber, peer, expiresAt, counters: emptyCounters() };
}

export function peerKey(peer: TransportAddress): string {
  return `${peer.address}|${String(peer.port)}`;
}
