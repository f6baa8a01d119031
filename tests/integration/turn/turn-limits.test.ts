// Limits and edges on a live server: per-allocation quotas, IPv6 loopback, bad FINGERPRINT, busy ports.
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { StunClass, StunMethod } from "../../../server/stun/constants.ts";
import { StunMessageBuilder } from "../../../server/stun/builder.ts";
import { randomBytes } from "node:crypto";
import { ChannelNumber } from "../../../server/stun/attributes/channel-number.ts";
import { Data } from "../../../server/stun/attributes/data.ts";
import { EvenPort } from "../../../server/stun/attributes/even-port.ts";
import { Lifetime } from "../../../server/stun/attributes/lifetime.ts";
import { ReservationToken } from "../../../server/stun/attributes/reservation-token.ts";
import { PROTOCOL_UDP, RequestedTransport } from "../../../server/stun/attributes/requested-transport.ts";
import { XorMappedAddress } from "../../../server/stun/attributes/xor-mapped-address.ts";
import { XorPeerAddress } from "../../../server/stun/attributes/xor-peer-address.ts";
import { XorRelayedAddress } from "../../../server/stun/attributes/xor-relayed-address.ts";
import { decodeStunMessage } from "../../../server/stun/message.ts";
import { mintTurnCredentials } from "../../../server/turn/credentials.ts";
import { createTurnServer } from "../../../server/turn/server.ts";
import { REALM, SECRET, startServer } from "./support/fixtures.ts";
import { TurnTestClient, attr, errorCodeOf } from "./support/turn-client.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("per-allocation quotas", () => {
  it("permissions and channels beyond the quota get 508", async () => {
    const h = await startServer({ quotas: { permissionsPerAllocation: 2, channelsPerAllocation: 1 } });
    cleanups.push(() => h.server.close());
    const c = await TurnTestClient.open(h.address);
    cleanups.push(() => c.close());
    const { username, credential } = mintTurnCredentials({ secret: SECRET, userId: "q", ttlSeconds: 600, now: h.clock.now });
    await c.login(username, credential, StunMethod.allocate, (b) => void b.add(RequestedTransport, PROTOCOL_UDP));
    const permit = (address: string) => c.request(StunMethod.createPermission, (b) => void b.add(XorPeerAddress, { address, port: 1 }));
    expect(errorCodeOf(await permit("192.0.2.1"))).toBeUndefined();
    expect(errorCodeOf(await permit("192.0.2.2"))).toBeUndefined();
    expect(errorCodeOf(await permit("192.0.2.1"))).toBeUndefined(); // a refresh is not a new one
    expect(errorCodeOf(await permit("192.0.2.3"))).toBe(508);
    const bind = (n: number, address: string) => c.request(StunMethod.channelBind, (b) => void b.add(ChannelNumber, n).add(XorPeerAddress, { address, port: 1 }));
    expect(errorCodeOf(await bind(0x4000, "192.0.2.1"))).toBeUndefined();
    expect(errorCodeOf(await bind(0x4000, "192.0.2.1"))).toBeUndefined(); // refresh
    expect(errorCodeOf(await bind(0x4001, "192.0.2.2"))).toBe(508);
    expect(errorCodeOf(await bind(0x3fff, "192.0.2.2"))).toBe(400);
    expect(errorCodeOf(await bind(0x5000, "192.0.2.2"))).toBe(400);
    expect(errorCodeOf(await bind(0x4000, "192.0.2.2"))).toBe(400); // channel bound to another peer
  });
});

describe("allocations per client address", () => {
  /** Allocates from a new socket as a new user (credentials are free: a new user per page). */
  async function allocate(h: Awaited<ReturnType<typeof startServer>>, user: string): Promise<{ client: TurnTestClient; code: number | undefined }> {
    const client = await TurnTestClient.open(h.address);
    cleanups.push(() => client.close());
    const { username, credential } = mintTurnCredentials({ secret: SECRET, userId: user, ttlSeconds: 600, now: h.clock.now });
    return { client, code: errorCodeOf(await client.login(username, credential, StunMethod.allocate, (b) => void b.add(RequestedTransport, PROTOCOL_UDP))) };
  }

  it("refuses one address more than allocationsPerAddress live allocations with 486, whatever the user, and frees the slot", async () => {
    const h = await startServer({ quotas: { allocationsPerAddress: 2, exemptLoopback: false } });
    cleanups.push(() => h.server.close());
    const first = await allocate(h, "page-1");
    expect([first.code, (await allocate(h, "page-2")).code]).toEqual([undefined, undefined]);
    expect((await allocate(h, "page-3")).code).toBe(486);
    // Deleting one (Refresh with LIFETIME 0) frees its slot.
    expect(errorCodeOf(await first.client.request(StunMethod.refresh, (b) => void b.add(Lifetime, 0)))).toBeUndefined();
    expect((await allocate(h, "page-4")).code).toBeUndefined();
  });

  it("does not hold loopback clients (this machine's own browsers) to it by default", async () => {
    const h = await startServer({ quotas: { allocationsPerAddress: 2 } });
    cleanups.push(() => h.server.close());
    const codes = [];
    for (const user of ["a", "b", "c"]) codes.push((await allocate(h, user)).code);
    expect(codes).toEqual([undefined, undefined, undefined]);
  });
});

describe("EVEN-PORT and RESERVATION-TOKEN (RFC 8656 §7.2 steps 5-6)", () => {
  it("EVEN-PORT R=0 gets an even relay port; R=1 and tokens get 508 (no reservations); token + EVEN-PORT is 400", async () => {
    const h = await startServer();
    cleanups.push(() => h.server.close());
    const codes: (number | undefined)[] = [];
    const adds = [
      (b: StunMessageBuilder) => void b.add(RequestedTransport, PROTOCOL_UDP).add(EvenPort, { reserve: true }),
      (b: StunMessageBuilder) => void b.add(RequestedTransport, PROTOCOL_UDP).add(ReservationToken, new Uint8Array(8)),
      (b: StunMessageBuilder) => void b.add(RequestedTransport, PROTOCOL_UDP).add(ReservationToken, new Uint8Array(8)).add(EvenPort, { reserve: false }),
    ];
    for (const add of adds) {
      const c = await TurnTestClient.open(h.address);
      cleanups.push(() => c.close());
      const { username, credential } = mintTurnCredentials({ secret: SECRET, userId: "even", ttlSeconds: 600, now: h.clock.now });
      codes.push(errorCodeOf(await c.login(username, credential, StunMethod.allocate, add)));
    }
    expect(codes).toEqual([508, 508, 400]);
    const c = await TurnTestClient.open(h.address);
    cleanups.push(() => c.close());
    const { username, credential } = mintTurnCredentials({ secret: SECRET, userId: "even", ttlSeconds: 600, now: h.clock.now });
    const ok = await c.login(username, credential, StunMethod.allocate, (b) => void b.add(RequestedTransport, PROTOCOL_UDP).add(EvenPort, { reserve: false }));
    expect(attr(ok, XorRelayedAddress).port % 2).toBe(0);
  });
});

describe("IPv6", () => {
  it("Binding and a full relay over ::1", async () => {
    const h = await startServer({ listenHost: "::1", allowPrivatePeers: true });
    cleanups.push(() => h.server.close());
    const peer = createSocket("udp6");
    peer.on("message", (m, from) => peer.send(m, from.port, from.address));
    peer.bind(0, "::1");
    await once(peer, "listening");
    cleanups.push(() => peer.close());
    const c = await TurnTestClient.open(h.address, "udp6");
    cleanups.push(() => c.close());
    const binding = await c.transact(c.build(StunMethod.binding));
    expect(attr(binding, XorMappedAddress)).toEqual({ address: "::1", port: c.localPort });
    const { username, credential } = mintTurnCredentials({ secret: SECRET, userId: "v6", ttlSeconds: 600, now: h.clock.now });
    const allocated = await c.login(username, credential, StunMethod.allocate, (b) => void b.add(RequestedTransport, PROTOCOL_UDP));
    expect(attr(allocated, XorRelayedAddress).address).toBe("::1");
    const peerAddress = { address: "::1", port: peer.address().port };
    expect((await c.request(StunMethod.channelBind, (b) => void b.add(ChannelNumber, 0x4000).add(XorPeerAddress, peerAddress))).cls).toBe(StunClass.successResponse);
    // An IPv4 peer on an IPv6 relay is a family mismatch.
    expect(errorCodeOf(await c.request(StunMethod.createPermission, (b) => void b.add(XorPeerAddress, { address: "192.0.2.1", port: 1 })))).toBe(443);
    c.socket.send(Buffer.from([0x40, 0x00, 0x00, 0x02, 0xab, 0xcd]), h.address.port, h.address.address);
    const back = await c.receive();
    expect([...back]).toEqual([0x40, 0x00, 0x00, 0x02, 0xab, 0xcd]);
    expect(decodeStunMessage(back).ok).toBe(false);
  });
});

describe("oversized and attribute-stuffed datagrams (one must not stall the event loop)", () => {
  /** A Binding request of `count` distinct zero-length comprehension-required attributes (each unknown: 420). */
  const stuffed = (c: TurnTestClient, count: number): Uint8Array =>
    c.build(StunMethod.binding, (b) => {
      for (let i = 0; i < count; i++) b.addRaw(0x4000 + i, new Uint8Array(0));
    });

  it("drops a 64 KB datagram of 16,000 attributes unread, and a 200-attribute one as malformed, then answers the next Binding", async () => {
    const h = await startServer();
    cleanups.push(() => h.server.close());
    const c = await TurnTestClient.open(h.address);
    cleanups.push(() => c.close());
    const huge = stuffed(c, 16_000);
    expect(huge.length).toBeGreaterThan(64_000);
    c.socket.send(huge, h.address.port, h.address.address);
    c.socket.send(stuffed(c, 200), h.address.port, h.address.address);
    // One socket to one socket on loopback keeps order: when this is answered, the two before it
    // have been handled, and an answer to either would be in the inbox.
    const answer = await c.transact(c.build(StunMethod.binding));
    expect(answer.cls).toBe(StunClass.successResponse);
    expect(c.inbox).toEqual([]);
    expect(h.server.stats()).toMatchObject({ oversized: 1, malformed: 1, bindingRequests: 1 });
  });
});

describe("peer port 0 (no UDP peer can have it)", () => {
  it("CreatePermission and ChannelBind to port 0 get 400; a Send indication to port 0 is dropped without a log line", async () => {
    const h = await startServer({ allowPrivatePeers: true });
    cleanups.push(() => h.server.close());
    const c = await TurnTestClient.open(h.address);
    cleanups.push(() => c.close());
    const { username, credential } = mintTurnCredentials({ secret: SECRET, userId: "port0", ttlSeconds: 600, now: h.clock.now });
    await c.login(username, credential, StunMethod.allocate, (b) => void b.add(RequestedTransport, PROTOCOL_UDP));
    const zero = { address: "127.0.0.1", port: 0 };
    expect(errorCodeOf(await c.request(StunMethod.createPermission, (b) => void b.add(XorPeerAddress, zero)))).toBe(400);
    expect(errorCodeOf(await c.request(StunMethod.channelBind, (b) => void b.add(ChannelNumber, 0x4000).add(XorPeerAddress, zero)))).toBe(400);
    // A permission for the IP (any port), then a Send indication to port 0 of it.
    expect(errorCodeOf(await c.request(StunMethod.createPermission, (b) => void b.add(XorPeerAddress, { address: "127.0.0.1", port: 9 })))).toBeUndefined();
    const logsBefore = h.logs.length;
    const send = new StunMessageBuilder(StunMethod.send, StunClass.indication, randomBytes(12)).add(XorPeerAddress, zero).add(Data, Uint8Array.of(1, 2, 3)).build();
    c.socket.send(send, h.address.port, h.address.address);
    // Handled in order with the next request from the same socket.
    expect((await c.transact(c.build(StunMethod.binding, undefined, { sign: false }))).cls).toBe(StunClass.successResponse);
    expect(h.server.stats()).toMatchObject({ droppedToPeers: 1, errors: 0 });
    expect(h.logs.slice(logsBefore)).toEqual([]);
  });
});

describe("per-packet log lines are limited", () => {
  it("at most 20 'not authenticated' lines per 10 s, then one summary of the rest", async () => {
    const h = await startServer();
    cleanups.push(() => h.server.close());
    const c = await TurnTestClient.open(h.address);
    cleanups.push(() => c.close());
    const { username } = mintTurnCredentials({ secret: SECRET, userId: "noisy", ttlSeconds: 600, now: h.clock.now });
    await c.login(username, "wrong password", StunMethod.refresh).catch(() => undefined);
    for (let i = 0; i < 49; i++) expect(errorCodeOf(await c.transact(c.build(StunMethod.refresh)))).toBe(401);
    const lines = () => h.logs.filter((l) => l.includes(" not authenticated: "));
    expect(lines()).toHaveLength(20);
    h.clock.now += 10_000;
    h.server.sweep();
    expect(h.logs.at(-1)).toBe('turn: ... and 30 more "not authenticated" lines in the last 10 s');
    expect(errorCodeOf(await c.transact(c.build(StunMethod.refresh)))).toBe(401);
    expect(lines()).toHaveLength(21);
  });
});

describe("edges", () => {
  it("a request with a wrong FINGERPRINT is dropped, not answered", async () => {
    const h = await startServer();
    cleanups.push(() => h.server.close());
    const c = await TurnTestClient.open(h.address);
    cleanups.push(() => c.close());
    const bytes = c.build(StunMethod.binding, undefined, { fingerprint: true });
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await expect(c.transact(bytes, 600)).rejects.toThrow(/no response/);
    expect(h.server.stats().malformed).toBeGreaterThanOrEqual(1); // the client retransmitted it
    expect(h.server.stats().bindingRequests).toBe(0);
  });

  it("listen() on a busy port fails with the bind error and leaves nothing open", async () => {
    const busy = createSocket("udp4");
    busy.bind(0, "127.0.0.1");
    await once(busy, "listening");
    cleanups.push(() => busy.close());
    const server = createTurnServer({ listenHost: "127.0.0.1", ports: [0, busy.address().port], realm: REALM, secret: SECRET, relayPortMin: 0, relayPortMax: 0 });
    await expect(server.listen()).rejects.toMatchObject({ code: "EADDRINUSE", syscall: "bind" });
    await server.close();
    expect(server.addresses()).toEqual([]);
  });
});
