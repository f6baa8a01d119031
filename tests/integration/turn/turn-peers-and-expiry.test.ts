// Denied peers (every form) and expiry on a live server, time driven by an injected clock.
import { afterEach, describe, expect, it } from "vitest";
import { StunMessageBuilder } from "../../../server/stun/builder.ts";
import { StunClass, StunMethod } from "../../../server/stun/constants.ts";
import { ChannelNumber } from "../../../server/stun/attributes/channel-number.ts";
import { Data } from "../../../server/stun/attributes/data.ts";
import { Lifetime } from "../../../server/stun/attributes/lifetime.ts";
import { PROTOCOL_UDP, RequestedTransport } from "../../../server/stun/attributes/requested-transport.ts";
import { XorPeerAddress } from "../../../server/stun/attributes/xor-peer-address.ts";
import { XorRelayedAddress } from "../../../server/stun/attributes/xor-relayed-address.ts";
import { decodeStunMessage } from "../../../server/stun/message.ts";
import { mintTurnCredentials } from "../../../server/turn/credentials.ts";
import { SECRET, startEchoPeer, startServer, type Harness } from "./support/fixtures.ts";
import { TurnTestClient, attr, errorCodeOf } from "./support/turn-client.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function allocated(h: Harness, user = "alice"): Promise<{ c: TurnTestClient; relayed: { address: string; port: number } }> {
  const c = await TurnTestClient.open(h.address);
  cleanups.push(() => c.close());
  const { username, credential } = mintTurnCredentials({ secret: SECRET, userId: user, ttlSeconds: 86_400, now: h.clock.now });
  const r = await c.login(username, credential, StunMethod.allocate, (b) => void b.add(RequestedTransport, PROTOCOL_UDP));
  return { c, relayed: attr(r, XorRelayedAddress) };
}

const DENIED = [
  "127.0.0.1",
  "10.0.0.1",
  "172.16.5.4",
  "192.168.0.1",
  "100.64.0.1",
  "169.254.169.254",
  "0.0.0.0",
  "224.0.0.1",
  "255.255.255.255",
  "::1",
  "::",
  "fe80::1",
  "fd00::1",
  "ff02::1",
  "::ffff:127.0.0.1",
  "::ffff:10.0.0.1",
  "::ffff:169.254.169.254",
  "::ffff:0.0.0.0",
  "::ffff:192.168.1.1",
  "::ffff:100.64.0.1",
  "::127.0.0.1",
  "64:ff9b::7f00:1",
  "2002:7f00:1::1",
];

// The relay binds 127.0.0.2 (also loopback on Linux) so that 127.0.0.1 is not "our own address".
const NOT_OURS = { relayAddress: "127.0.0.2" };

describe("peers in denied ranges are refused with 403 (no allowPrivatePeers)", () => {
  it.each(DENIED)("CreatePermission and ChannelBind to %s -> 403", async (address) => {
    const h = await startServer(NOT_OURS);
    cleanups.push(() => h.server.close());
    const { c } = await allocated(h);
    expect(errorCodeOf(await c.request(StunMethod.createPermission, (b) => void b.add(XorPeerAddress, { address, port: 9 })))).toBe(403);
    expect(errorCodeOf(await c.request(StunMethod.channelBind, (b) => void b.add(ChannelNumber, 0x4000).add(XorPeerAddress, { address, port: 9 })))).toBe(403);
    expect(h.server.stats().permissions).toBe(0);
  });

  it("one denied peer among several refuses the whole CreatePermission", async () => {
    const h = await startServer(NOT_OURS);
    cleanups.push(() => h.server.close());
    const { c } = await allocated(h);
    const r = await c.request(StunMethod.createPermission, (b) => void b.add(XorPeerAddress, { address: "192.0.2.1", port: 1 }).add(XorPeerAddress, { address: "::ffff:127.0.0.1", port: 1 }));
    expect(errorCodeOf(r)).toBe(403);
    expect(h.server.stats().permissions).toBe(0);
  });

  it("a public IPv6 peer on an IPv4 relay gets 443; a Send to a peer without permission is dropped", async () => {
    const h = await startServer();
    cleanups.push(() => h.server.close());
    const { c } = await allocated(h);
    expect(errorCodeOf(await c.request(StunMethod.createPermission, (b) => void b.add(XorPeerAddress, { address: "2001:db8::1", port: 1 })))).toBe(443);
    const send = new StunMessageBuilder(StunMethod.send, StunClass.indication, new Uint8Array(12)).add(XorPeerAddress, { address: "127.0.0.1", port: 9 }).add(Data, Uint8Array.of(1)).build();
    c.socket.send(send, h.address.port, h.address.address);
    await c.transact(c.build(StunMethod.binding, undefined, { sign: false })); // ordering barrier: the Send was processed
    expect(h.server.stats().droppedToPeers).toBe(1);
    expect(h.server.stats().bytesToPeers).toBe(0);
  });
});

describe("expiry with an injected clock", () => {
  it("a permission lapses after 300 s: the peer's packets are dropped, a refresh restores them", async () => {
    const h = await startServer({ allowPrivatePeers: true });
    cleanups.push(() => h.server.close());
    const peer = await startEchoPeer();
    cleanups.push(() => peer.socket.close());
    const { c, relayed } = await allocated(h);
    const peerAddress = { address: "127.0.0.1", port: peer.port };
    await c.request(StunMethod.createPermission, (b) => void b.add(XorPeerAddress, peerAddress));
    h.clock.now += 300_000;
    expect(h.server.stats().permissions).toBe(0);
    peer.socket.send("late", relayed.port, relayed.address);
    await c.transact(c.build(StunMethod.binding, undefined, { sign: false }));
    // The datagram needs one more turn of the event loop to be read on the relay socket.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const before = h.server.stats().droppedFromPeers;
    await c.request(StunMethod.createPermission, (b) => void b.add(XorPeerAddress, peerAddress));
    peer.socket.send("on time", relayed.port, relayed.address);
    const got = decodeStunMessage(await c.receive());
    if (!got.ok) throw got.error;
    expect(Buffer.from(attr(got.message, Data)).toString()).toBe("on time");
    expect(before).toBeGreaterThanOrEqual(1);
  });

  it("a channel lapses after 600 s and ChannelData on it is dropped", async () => {
    const h = await startServer({ allowPrivatePeers: true });
    cleanups.push(() => h.server.close());
    const peer = await startEchoPeer();
    cleanups.push(() => peer.socket.close());
    const { c } = await allocated(h);
    await c.request(StunMethod.refresh, (b) => void b.add(Lifetime, 3600));
    await c.request(StunMethod.channelBind, (b) => void b.add(ChannelNumber, 0x4abc).add(XorPeerAddress, { address: "127.0.0.1", port: peer.port }));
    expect(h.server.stats().channels).toBe(1);
    h.clock.now += 600_000;
    expect(h.server.stats().channels).toBe(0);
    c.socket.send(Buffer.from([0x4a, 0xbc, 0, 1, 7]), h.address.port, h.address.address);
    await c.transact(c.build(StunMethod.binding, undefined, { sign: false }));
    expect(h.server.stats().droppedToPeers).toBe(1);
    expect(peer.received).toHaveLength(0);
  });

  it("an allocation expires after its lifetime: swept, relay port closed, Refresh gets 437", async () => {
    const h = await startServer({ allowPrivatePeers: true });
    cleanups.push(() => h.server.close());
    const { c } = await allocated(h);
    expect(h.server.stats().allocations).toBe(1);
    h.clock.now += 599_000;
    h.server.sweep();
    expect(h.server.stats().allocations).toBe(1);
    h.clock.now += 1_000;
    h.server.sweep();
    expect(h.server.stats()).toMatchObject({ allocations: 0, allocationsExpired: 1 });
    expect(errorCodeOf(await c.request(StunMethod.refresh))).toBe(437);
    // The same client can allocate again afterwards.
    expect((await c.request(StunMethod.allocate, (b) => void b.add(RequestedTransport, PROTOCOL_UDP))).cls).toBe(StunClass.successResponse);
  });
});
