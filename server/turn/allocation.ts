// RFC 8656 §2: "Allocation: The relayed transport address granted to a client through an
// Allocate request, along with related state, such as permissions and expiration timers."
// §5: the server remembers per allocation the relayed transport address, the 5-tuple, the
// authentication information, the time-to-expiry, permissions and channel bindings.
// Pure state: the socket that relays is held by the server, not here, so this is unit-tested
// with plain numbers for time.
import type { TransportAddress } from "../stun/attributes/address.ts";
import { createChannelBinding, peerKey, type ChannelBinding } from "./channel-binding.ts";
import type { FiveTuple } from "./five-tuple.ts";
import { createPermission, isPermissionLive, type Permission } from "./permission.ts";

export interface AllocationAuth {
  readonly username: string;
  readonly userId: string;
  readonly realm: string;
  /** Long-term key MD5(username:realm:password): signs our responses, checks later requests. */
  readonly key: Uint8Array;
}

export class Allocation {
  readonly fiveTuple: FiveTuple;
  readonly auth: AllocationAuth;
  /** The address the relay socket is bound to. */
  readonly relayedAddress: TransportAddress;
  /** The address advertised in XOR-RELAYED-ADDRESS (external address behind 1:1 NAT). */
  readonly advertisedRelayedAddress: TransportAddress;
  expiresAt: number;
  readonly createdAt: number;
  readonly permissions = new Map<string, Permission>();
  readonly channelsByNumber = new Map<number, ChannelBinding>();
  readonly channelsByPeer = new Map<string, ChannelBinding>();

  constructor(init: { fiveTuple: FiveTuple; auth: AllocationAuth; relayedAddress: TransportAddress; advertisedRelayedAddress: TransportAddress; now: number; lifetimeSeconds: number }) {
    this.fiveTuple = init.fiveTuple;
    this.auth = init.auth;
    this.relayedAddress = init.relayedAddress;
    this.advertisedRelayedAddress = init.advertisedRelayedAddress;
    this.createdAt = init.now;
    this.expiresAt = init.now + init.lifetimeSeconds * 1000;
  }

  isLive(now: number): boolean {
    return now < this.expiresAt;
  }

  refresh(now: number, lifetimeSeconds: number): void {
    this.expiresAt = now + lifetimeSeconds * 1000;
  }

  /** The live permission for a peer IP, if any. */
  permissionFor(peerAddress: string, now: number): Permission | undefined {
    const p = this.permissions.get(peerAddress);
    return p && isPermissionLive(p, now) ? p : undefined;
  }

  /** Number of permissions that would exist after installing these (for the quota check). */
  countAfterInstalling(peerAddresses: readonly string[], now: number): number {
    const fresh = new Set(peerAddresses.filter((a) => !this.permissionFor(a, now)));
    let live = 0;
    for (const p of this.permissions.values()) if (isPermissionLive(p, now)) live++;
    return live + fresh.size;
  }

  /** RFC 8656 §10.2: install or refresh a permission for this IP. */
  installPermission(peerAddress: string, now: number, lifetimeSeconds: number): Permission {
    const expiresAt = now + lifetimeSeconds * 1000;
    const existing = this.permissions.get(peerAddress);
    if (existing) {
      existing.expiresAt = expiresAt;
      return existing;
    }
    const p = createPermission(peerAddress, expiresAt);
    this.permissions.set(peerAddress, p);
    return p;
  }

  channel(channelNumber: number, now: number): ChannelBinding | undefined {
    const c = this.channelsByNumber.get(channelNumber);
    return c && now < c.expiresAt ? c : undefined;
  }

  channelForPeer(peer: TransportAddress, now: number): ChannelBinding | undefined {
    const c = this.channelsByPeer.get(peerKey(peer));
    return c && now < c.expiresAt ? c : undefined;
  }

  /**
   * RFC 8656 §12.2 conflict rules: "The channel number is not currently bound to a different
   * transport address" and "The transport address is not currently bound to a different channel
   * number." Returns a reason when the bind must be refused with 400.
   */
  bindConflict(channelNumber: number, peer: TransportAddress, now: number): string | undefined {
    const byNumber = this.channel(channelNumber, now);
    if (byNumber && peerKey(byNumber.peer) !== peerKey(peer)) return `channel 0x${channelNumber.toString(16)} is bound to another peer`;
    const byPeer = this.channelForPeer(peer, now);
    if (byPeer && byPeer.channelNumber !== channelNumber) return `peer is bound to channel 0x${byPeer.channelNumber.toString(16)}`;
    return undefined;
  }

  liveChannelCount(now: number): number {
    let n = 0;
    for (const c of this.channelsByNumber.values()) if (now < c.expiresAt) n++;
    return n;
  }

  bindChannel(channelNumber: number, peer: TransportAddress, now: number, lifetimeSeconds: number): ChannelBinding {
    const expiresAt = now + lifetimeSeconds * 1000;
    const existing = this.channelsByNumber.get(channelNumber);
    if (existing && peerKey(existing.peer) === peerKey(peer)) {
      existing.expiresAt = expiresAt;
      return existing;
    }
    if (existing) this.removeChannel(existing);
    const stale = this.channelsByPeer.get(peerKey(peer));
    if (stale) this.removeChannel(stale);
    const c = createChannelBinding(channelNumber, peer, expiresAt);
    this.channelsByNumber.set(channelNumber, c);
    this.channelsByPeer.set(peerKey(peer), c);
    return c;
  }

  private removeChannel(c: ChannelBinding): void {
    this.channelsByNumber.delete(c.channelNumber);
    this.channelsByPeer.delete(peerKey(c.peer));
  }

  /** Drop expired permissions and channels; returns how many of each were removed. */
  sweep(now: number): { permissions: number; channels: number } {
    let permissions = 0;
    let channels = 0;
    for (const [ip, p] of this.permissions) {
      if (!isPermissionLive(p, now)) {
        this.permissions.delete(ip);
        permissions++;
      }
    }
    for (const c of [...this.channelsByNumber.values()]) {
      if (now >= c.expiresAt) {
        this.removeChannel(c);
        channels++;
      }
    }
    return { permissions, channels };
  }
}
