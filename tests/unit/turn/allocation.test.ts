// Expiry of allocations, permissions and channels with plain numbers for time: no sleeping.
import { describe, expect, it } from "vitest";
import { Allocation } from "../../../server/turn/allocation.ts";

const T0 = 1_000_000;
function allocation(lifetimeSeconds = 600) {
  return new Allocation({
    fiveTuple: { client: { address: "198.51.100.1", port: 5000 }, server: { address: "203.0.113.1", port: 3478 }, protocol: "udp" },
    auth: { username: "1:alice", userId: "alice", realm: "r", key: new Uint8Array(16) },
    relayedAddress: { address: "203.0.113.1", port: 50000 },
    advertisedRelayedAddress: { address: "203.0.113.1", port: 50000 },
    now: T0,
    lifetimeSeconds,
  });
}
const peer = { address: "192.0.2.7", port: 4000 };

describe("Allocation lifetime (RFC 8656 §7.2, §8.2)", () => {
  it("lives until its lifetime runs out; Refresh extends it", () => {
    const a = allocation(600);
    expect(a.isLive(T0 + 599_999)).toBe(true);
    expect(a.isLive(T0 + 600_000)).toBe(false);
    a.refresh(T0 + 500_000, 600);
    expect(a.isLive(T0 + 1_099_999)).toBe(true);
  });
});

describe("Permission (RFC 8656 §9): IP only, 300 s", () => {
  it("covers every port of the peer IP and expires after its lifetime", () => {
    const a = allocation();
    a.installPermission(peer.address, T0, 300);
    expect(a.permissionFor("192.0.2.7", T0 + 299_999)).toBeDefined();
    expect(a.permissionFor("192.0.2.7", T0 + 300_000)).toBeUndefined();
    expect(a.permissionFor("192.0.2.8", T0)).toBeUndefined();
  });
  it("refreshing keeps the counters and moves the expiry", () => {
    const a = allocation();
    const p = a.installPermission(peer.address, T0, 300);
    p.counters.bytesToPeer = 10;
    const again = a.installPermission(peer.address, T0 + 200_000, 300);
    expect(again).toBe(p);
    expect(again.counters.bytesToPeer).toBe(10);
    expect(a.permissionFor(peer.address, T0 + 450_000)).toBeDefined();
  });
  it("sweep removes expired permissions", () => {
    const a = allocation();
    a.installPermission("192.0.2.1", T0, 300);
    a.installPermission("192.0.2.2", T0 + 100_000, 300);
    expect(a.sweep(T0 + 300_000)).toEqual({ permissions: 1, channels: 0 });
    expect([...a.permissions.keys()]).toEqual(["192.0.2.2"]);
  });
  it("counts what a CreatePermission would leave (for the quota)", () => {
    const a = allocation();
    a.installPermission("192.0.2.1", T0, 300);
    expect(a.countAfterInstalling(["192.0.2.1", "192.0.2.2", "192.0.2.2"], T0)).toBe(2);
    expect(a.countAfterInstalling(["192.0.2.1"], T0 + 300_000)).toBe(1);
  });
});

describe("ChannelBinding (RFC 8656 §12): IP and port, 600 s", () => {
  it("binds, looks up both ways, expires", () => {
    const a = allocation();
    a.bindChannel(0x4000, peer, T0, 600);
    expect(a.channel(0x4000, T0 + 599_999)?.peer).toEqual(peer);
    expect(a.channelForPeer(peer, T0)?.channelNumber).toBe(0x4000);
    expect(a.channelForPeer({ ...peer, port: 4001 }, T0)).toBeUndefined();
    expect(a.channel(0x4000, T0 + 600_000)).toBeUndefined();
    expect(a.sweep(T0 + 600_000)).toEqual({ permissions: 0, channels: 1 });
    expect(a.liveChannelCount(T0)).toBe(0);
  });
  it("refuses a channel bound to another peer, or a peer bound to another channel", () => {
    const a = allocation();
    a.bindChannel(0x4000, peer, T0, 600);
    expect(a.bindConflict(0x4000, peer, T0)).toBeUndefined();
    expect(a.bindConflict(0x4000, { ...peer, port: 1 }, T0)).toMatch(/another peer/);
    expect(a.bindConflict(0x4001, peer, T0)).toMatch(/bound to channel 0x4000/);
    // After expiry both are free again.
    expect(a.bindConflict(0x4001, peer, T0 + 600_000)).toBeUndefined();
    a.bindChannel(0x4001, peer, T0 + 600_000, 600);
    expect(a.channel(0x4000, T0 + 600_000)).toBeUndefined();
    expect(a.channelForPeer(peer, T0 + 600_000)?.channelNumber).toBe(0x4001);
  });
});
