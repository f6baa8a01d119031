// TURN over TCP (RFC 8656 §3.1) against the built-in server on real sockets: the client's
// connection is TCP, the relay to a real UDP peer is UDP, and the connection is the 5-tuple.
import { connect } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fromHex } from "../../../src/shared/stun/ip-bytes.ts";
import { TransactionRecordSchema } from "../../../src/shared/stun/transaction-record.ts";
import { StunMessageBuilder } from "../../../server/stun/builder.ts";
import { StunClass, StunMethod } from "../../../server/stun/constants.ts";
import { ChannelNumber } from "../../../server/stun/attributes/channel-number.ts";
import { Data } from "../../../server/stun/attributes/data.ts";
import { Lifetime } from "../../../server/stun/attributes/lifetime.ts";
import { PROTOCOL_UDP, RequestedTransport } from "../../../server/stun/attributes/requested-transport.ts";
import { XorMappedAddress } from "../../../server/stun/attributes/xor-mapped-address.ts";
import { XorPeerAddress } from "../../../server/stun/attributes/xor-peer-address.ts";
import { XorRelayedAddress } from "../../../server/stun/attributes/xor-relayed-address.ts";
import { decodeStunMessage } from "../../../server/stun/message.ts";
import { mintTurnCredentials } from "../../../server/turn/credentials.ts";
import { channelDataHeader, decodeChannelData } from "../../../server/turn/channel-data.ts";
import type { TurnServerConfig } from "../../../server/turn/config.ts";
import { SECRET, startEchoPeer, startServer, type Harness } from "./support/fixtures.ts";
import { TcpTurnClient } from "./support/tcp-turn-client.ts";
import { TurnTestClient, attr, errorCodeOf } from "./support/turn-client.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(overrides: Partial<TurnServerConfig> = {}, withRecords = false): Promise<Harness & { tcp: { address: string; port: number } }> {
  const h = await startServer(overrides, withRecords);
  cleanups.push(() => h.server.close());
  const tcp = h.server.tcpAddress();
  if (!tcp) throw new Error("TURN over TCP is not listening");
  return { ...h, tcp };
}
async function client(h: { tcp: { address: string; port: number } }): Promise<TcpTurnClient> {
  const c = await TcpTurnClient.open(h.tcp);
  cleanups.push(() => c.close());
  return c;
}
async function echoPeer(): Promise<Awaited<ReturnType<typeof startEchoPeer>>> {
  const peer = await startEchoPeer();
  cleanups.push(() => peer.socket.close());
  return peer;
}
const udp = (b: StunMessageBuilder): void => void b.add(RequestedTransport, PROTOCOL_UDP);
function creds(h: Harness, userId = "tcp-user") {
  return mintTurnCredentials({ secret: SECRET, userId, ttlSeconds: 600, now: h.clock.now });
}
function sendIndication(peer: { address: string; port: number }, data: Uint8Array): Uint8Array {
  return new StunMessageBuilder(StunMethod.send, StunClass.indication, fromHex("0102030405060708090a0b0c")).add(XorPeerAddress, peer).add(Data, data).build();
}
/** ChannelData as a TCP client must send it: padded to a multiple of 4 (RFC 8656 §12.5). */
function paddedChannelData(channel: number, data: Uint8Array): Buffer {
  return Buffer.concat([channelDataHeader(channel, data.length), data, new Uint8Array((4 - (data.length % 4)) % 4)]);
}
/** An allocation over TCP with a permission for (and optionally a channel to) a UDP echo peer. */
async function allocatedWithPeer(h: Harness & { tcp: { address: string; port: number } }, channel?: number) {
  const peer = await echoPeer();
  const c = await client(h);
  const { username, credential } = creds(h);
  const allocated = await c.login(username, credential, StunMethod.allocate, udp);
  expect(allocated.cls).toBe(StunClass.successResponse);
  const peerAddress = { address: "127.0.0.1", port: peer.port };
  expect((await c.request(StunMethod.createPermission, (b) => void b.add(XorPeerAddress, peerAddress))).cls).toBe(StunClass.successResponse);
  if (channel !== undefined) expect((await c.request(StunMethod.channelBind, (b) => void b.add(ChannelNumber, channel).add(XorPeerAddress, peerAddress))).cls).toBe(StunClass.successResponse);
  return { c, peer, peerAddress, allocated };
}

describe("TURN over TCP: listening", () => {
  it("listens on TCP with the first UDP port's number, and not at all with tcp: false", async () => {
    const h = await setup();
    expect(h.tcp).toEqual(h.server.addresses()[0]);
    expect(h.logs.some((l) => l.includes(`127.0.0.1:${String(h.tcp.port)}/tcp`))).toBe(true);
    const off = await startServer({ tcp: false });
    cleanups.push(() => off.server.close());
    expect(off.server.tcpAddress()).toBeUndefined();
  });

  it("answers a Binding request over TCP with the connection's address", async () => {
    const h = await setup();
    const c = await client(h);
    const response = await c.transact(c.build(StunMethod.binding));
    expect(response.cls).toBe(StunClass.successResponse);
    expect(attr(response, XorMappedAddress)).toEqual({ address: "127.0.0.1", port: c.localPort });
  });
});

describe("TURN over TCP: allocation and the data path to a UDP peer", () => {
  it("Allocate -> 401 -> Allocate -> CreatePermission -> Send -> Data indication -> ChannelBind -> padded ChannelData both ways", async () => {
    const h = await setup({ allowPrivatePeers: true }, true);
    const { c, peer, peerAddress, allocated } = await allocatedWithPeer(h);
    expect(c.verified(allocated)).toBe(true);
    expect(attr(allocated, XorMappedAddress)).toEqual({ address: "127.0.0.1", port: c.localPort });
    const relayed = attr(allocated, XorRelayedAddress);
    expect(relayed.address).toBe("127.0.0.1");

    // Send indication out over TCP, the UDP echo comes back down the same connection as a Data indication.
    await c.write(sendIndication(peerAddress, Buffer.from("hello via Send over TCP")));
    const indication = decodeStunMessage(await c.receive((f) => (f[0] ?? 0) >> 6 === 0));
    if (!indication.ok) throw indication.error;
    expect(indication.message.method).toBe(StunMethod.data);
    expect(attr(indication.message, XorPeerAddress)).toEqual(peerAddress);
    expect(Buffer.from(attr(indication.message, Data)).toString()).toBe("hello via Send over TCP");
    expect(peer.received.map(String)).toEqual(["hello via Send over TCP"]);

    // A peer datagram straight to the relayed address reaches the client too.
    peer.socket.send("unsolicited from the peer", relayed.port, relayed.address);
    const unsolicited = decodeStunMessage(await c.receive((f) => (f[0] ?? 0) >> 6 === 0));
    if (!unsolicited.ok) throw unsolicited.error;
    expect(Buffer.from(attr(unsolicited.message, Data)).toString()).toBe("unsolicited from the peer");

    expect((await c.request(StunMethod.channelBind, (b) => void b.add(ChannelNumber, 0x4000).add(XorPeerAddress, peerAddress))).cls).toBe(StunClass.successResponse);
    // 5 bytes of data: 4 header + 5 + 3 padding = 12 bytes on the stream, each way.
    await c.write(paddedChannelData(0x4000, Buffer.from("12345")));
    const frame = await c.receive((f) => (f[0] ?? 0) >> 6 === 1);
    expect(frame.length).toBe(12);
    expect(frame.readUInt16BE(2)).toBe(5);
    const echoed = decodeChannelData(frame);
    expect(echoed?.channelNumber).toBe(0x4000);
    expect(Buffer.from(echoed?.data ?? []).toString()).toBe("12345");
    // A length that is already a multiple of 4 gets no padding.
    await c.write(paddedChannelData(0x4000, Buffer.from("12345678")));
    expect((await c.receive((f) => (f[0] ?? 0) >> 6 === 1)).length).toBe(12);
    expect(peer.received.map(String).slice(1)).toEqual(["12345", "12345678"]);

    expect(h.server.stats()).toMatchObject({ allocations: 1, permissions: 1, channels: 1, tcpConnections: 1, errors: 0 });
    // The inspector says which transport the client used.
    for (const r of h.records) TransactionRecordSchema.parse(r);
    const stun = h.records.filter((r) => r.kind === "stun");
    expect(stun.length).toBeGreaterThan(4);
    expect(stun.every((r) => r.transport === "tcp")).toBe(true);

    const deleted = await c.request(StunMethod.refresh, (b) => void b.add(Lifetime, 0));
    expect(deleted.cls).toBe(StunClass.successResponse);
    expect(h.records.filter((r) => r.kind === "relay-usage").at(-1)).toMatchObject({ reason: "deleted", transport: "tcp" });
  });

  it("frames messages split byte by byte and several packed into one write", async () => {
    const h = await setup({ allowPrivatePeers: true });
    const { c, peer, peerAddress } = await allocatedWithPeer(h);
    // One ChannelBind request, one byte per write.
    const bind = c.build(StunMethod.channelBind, (b) => void b.add(ChannelNumber, 0x4001).add(XorPeerAddress, peerAddress));
    const bound = c.response(bind);
    for (const byte of bind) await c.write(Uint8Array.of(byte));
    expect((await bound).cls).toBe(StunClass.successResponse);

    // A Refresh, a Send indication, two ChannelData messages and a Binding request in one write.
    const refresh = c.build(StunMethod.refresh, (b) => void b.add(Lifetime, 900));
    const binding = c.build(StunMethod.binding);
    const refreshed = c.response(refresh);
    const bindingAnswer = c.response(binding);
    await c.write(Buffer.concat([refresh, sendIndication(peerAddress, Buffer.from("packed send")), paddedChannelData(0x4001, Buffer.from("packed A")), paddedChannelData(0x4001, Buffer.from("packed B!")), binding]));
    expect(attr(await refreshed, Lifetime)).toBe(900);
    expect((await bindingAnswer).cls).toBe(StunClass.successResponse);
    await vi.waitFor(() => expect(peer.received.map(String)).toEqual(["packed send", "packed A", "packed B!"]));

    // ...and the same packed stream again, cut at every byte boundary into two writes.
    const stream = Buffer.concat([paddedChannelData(0x4001, Buffer.from("x")), sendIndication(peerAddress, Buffer.from("y"))]);
    for (let cut = 1; cut < stream.length; cut++) {
      await c.write(stream.subarray(0, cut));
      await c.write(stream.subarray(cut));
    }
    await vi.waitFor(() => expect(peer.received.length).toBe(3 + 2 * (stream.length - 1)));
    expect(h.server.stats()).toMatchObject({ malformed: 0, errors: 0, tcpFramingErrors: 0 });
    expect(c.isClosed).toBe(false);
  });
});

describe("TURN over TCP: what closes a connection, and what it frees", () => {
  it("closing the TCP connection frees its allocation, permissions and channels (RFC 8656 §3.1)", async () => {
    const h = await setup({ allowPrivatePeers: true, quotas: { allocationsPerUser: 1 } }, true);
    const { c } = await allocatedWithPeer(h, 0x4002);
    const clientPort = c.localPort;
    expect(h.server.stats()).toMatchObject({ allocations: 1, permissions: 1, channels: 1, tcpConnections: 1 });
    c.socket.end();
    await c.closed;
    await vi.waitFor(() => expect(h.server.stats()).toMatchObject({ allocations: 0, permissions: 0, channels: 0, tcpConnections: 0 }));
    expect(h.records.at(-1)).toMatchObject({ kind: "relay-usage", reason: "closed", transport: "tcp", client: { address: "127.0.0.1", port: clientPort } });
    expect(h.logs.some((l) => /freed: its TCP connection from 127\.0\.0\.1:\d+ closed/.test(l))).toBe(true);
    // The user's quota of one allocation is free again.
    const again = await client(h);
    const { username, credential } = creds(h);
    expect((await again.login(username, credential, StunMethod.allocate, udp)).cls).toBe(StunClass.successResponse);
  });

  it("a frame starting with neither 0b00 nor 0b01 closes that connection only", async () => {
    const h = await setup();
    const bad = await client(h);
    const good = await client(h);
    await bad.write(fromHex("ff000004deadbeef"));
    await bad.closed;
    expect((await good.transact(good.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
    expect(h.server.stats()).toMatchObject({ tcpFramingErrors: 1, errors: 0, tcpConnections: 1 });
  });

  it("a STUN frame that cuts but does not decode (attribute overruns the message) closes the connection", async () => {
    const h = await setup();
    const bad = await client(h);
    const good = await client(h);
    const message = Buffer.from(bad.build(StunMethod.binding, (b) => void b.addRaw(0x8022, Buffer.from("abcd"))));
    message.writeUInt16BE(0x00ff, 22); // the attribute claims 255 bytes, the message holds 4
    await bad.write(message);
    await bad.closed;
    expect((await good.transact(good.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
    expect(h.server.stats()).toMatchObject({ malformed: 1, tcpFramingErrors: 1, errors: 0 });
  });

  it("a wrong magic cookie or a STUN length that is not a multiple of 4 closes the connection", async () => {
    const h = await setup();
    const cookie = await client(h);
    const cookieless = Buffer.from(cookie.build(StunMethod.binding));
    cookieless.writeUInt32BE(0x12345678, 4);
    await cookie.write(cookieless);
    await cookie.closed;
    const odd = await client(h);
    const oddLength = Buffer.from(odd.build(StunMethod.binding));
    oddLength.writeUInt16BE(2, 2);
    await odd.write(oddLength);
    await odd.closed;
    expect(h.server.stats().tcpFramingErrors).toBe(2);
  });

  it("a length over tcpLimits.frameBytes closes the connection as soon as the header arrives", async () => {
    const h = await setup({ tcpLimits: { frameBytes: 1024 } });
    const channelData = await client(h);
    await channelData.write(channelDataHeader(0x4000, 1021)); // 4 + 1024 with padding > 1024
    await channelData.closed;
    const stun = await client(h);
    const header = Buffer.from(stun.build(StunMethod.binding)).subarray(0, 20);
    header.writeUInt16BE(1008, 2); // 20 + 1008 > 1024
    await stun.write(header);
    await stun.closed;
    const fits = await client(h);
    expect((await fits.transact(fits.build(StunMethod.binding, (b) => void b.addRaw(0x8022, Buffer.alloc(990))))).cls).toBe(StunClass.successResponse);
    expect(h.server.stats()).toMatchObject({ tcpFramingErrors: 2, errors: 0 });
    expect(h.logs.some((l) => /exceeds the 1024-byte limit/.test(l))).toBe(true);
  });

  it("wrong credentials get 401 over TCP, and no allocation", async () => {
    const h = await setup();
    const c = await client(h);
    const { username } = creds(h);
    expect(errorCodeOf(await c.login(username, "not-the-password", StunMethod.allocate, udp))).toBe(401);
    expect(h.server.stats().allocations).toBe(0);
    expect(c.isClosed).toBe(false);
  });

  it("a UDP client and a TCP client with the same user are two allocations; quotas count both", async () => {
    const h = await setup({ quotas: { allocationsPerUser: 2 } });
    const { username, credential } = creds(h, "both");
    const overUdp = await TurnTestClient.open(h.address);
    cleanups.push(() => overUdp.close());
    expect((await overUdp.login(username, credential, StunMethod.allocate, udp)).cls).toBe(StunClass.successResponse);
    expect((await (await client(h)).login(username, credential, StunMethod.allocate, udp)).cls).toBe(StunClass.successResponse);
    expect(errorCodeOf(await (await client(h)).login(username, credential, StunMethod.allocate, udp))).toBe(486);
    expect(h.server.stats().allocations).toBe(2);
  });

  it("closes a connection without an allocation after idleSeconds of silence (injected clock), keeps one with", async () => {
    const h = await setup({ tcpLimits: { idleSeconds: 30, allocateSeconds: 120 } });
    const idle = await client(h);
    expect((await idle.transact(idle.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
    const busy = await client(h);
    const { username, credential } = creds(h);
    expect((await busy.login(username, credential, StunMethod.allocate, udp)).cls).toBe(StunClass.successResponse);
    h.clock.now += 29_000;
    h.server.sweep();
    expect(idle.isClosed).toBe(false);
    h.clock.now += 1_000;
    h.server.sweep();
    await idle.closed;
    expect((await busy.transact(busy.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
    expect(h.server.stats()).toMatchObject({ tcpIdleClosed: 1, allocations: 1, tcpConnections: 1 });
  });

  /** Writes bytes and waits until the server has read them all (tcpBytesIn), so the clock can move. */
  async function deliver(h: Harness, c: TcpTurnClient, bytes: Uint8Array): Promise<void> {
    const before = h.server.stats().tcpBytesIn;
    await c.write(bytes);
    await vi.waitFor(() => expect(h.server.stats().tcpBytesIn).toBe(before + bytes.length));
  }
  /** A STUN header announcing 1000 bytes of attributes, never sent in full. */
  const longHeader = (): Uint8Array => {
    const header = new StunMessageBuilder(StunMethod.binding, StunClass.request, fromHex("0102030405060708090a0b0c")).build();
    header[3] = 0xe8;
    header[2] = 0x03;
    return header;
  };

  it("closes a connection whose message is unfinished frameSeconds after its first byte, however it trickles (injected clock)", async () => {
    const h = await setup({ tcpLimits: { frameSeconds: 10 } });
    const slow = await client(h);
    const fine = await client(h);
    expect((await slow.transact(slow.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
    await deliver(h, slow, longHeader());
    for (let i = 0; i < 3; i++) {
      h.clock.now += 3_000;
      await deliver(h, slow, Uint8Array.of(0));
      h.server.sweep();
    }
    expect(slow.isClosed).toBe(false);
    h.clock.now += 1_000; // 10 s since the header's first byte
    h.server.sweep();
    await slow.closed;
    expect((await fine.transact(fine.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
    expect(h.server.stats()).toMatchObject({ tcpFrameTimeouts: 1, tcpIdleClosed: 0, tcpConnections: 1 });
  });

  it("only whole messages keep a connection from idling out: bytes of an unfinished one do not (injected clock)", async () => {
    const h = await setup({ tcpLimits: { idleSeconds: 30, frameSeconds: 300, allocateSeconds: 300 } });
    const trickle = await client(h);
    expect((await trickle.transact(trickle.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
    await deliver(h, trickle, longHeader());
    for (let i = 0; i < 5; i++) {
      h.clock.now += 5_000;
      await deliver(h, trickle, Uint8Array.of(0));
      h.server.sweep();
    }
    expect(trickle.isClosed).toBe(false);
    h.clock.now += 5_000; // 30 s since the last whole message
    h.server.sweep();
    await trickle.closed;
    expect(h.server.stats()).toMatchObject({ tcpIdleClosed: 1, tcpFrameTimeouts: 0 });
  });

  it("closes a connection that has no allocation allocateSeconds after accept, however chatty; keeps one with (injected clock)", async () => {
    const h = await setup({ tcpLimits: { allocateSeconds: 30, idleSeconds: 30 } });
    const chatty = await client(h);
    const busy = await client(h);
    const { username, credential } = creds(h);
    expect((await busy.login(username, credential, StunMethod.allocate, udp)).cls).toBe(StunClass.successResponse);
    for (let i = 0; i < 2; i++) {
      h.clock.now += 10_000;
      expect((await chatty.transact(chatty.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
      h.server.sweep();
    }
    h.clock.now += 9_000;
    expect((await chatty.transact(chatty.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
    h.server.sweep();
    expect(chatty.isClosed).toBe(false);
    h.clock.now += 1_000; // 30 s since accept
    h.server.sweep();
    await chatty.closed;
    expect((await busy.transact(busy.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
    expect(h.server.stats()).toMatchObject({ tcpAllocateTimeouts: 1, tcpIdleClosed: 0, allocations: 1, tcpConnections: 1 });
  });

  it("refuses connections over tcpLimits.connections and serves the others", async () => {
    const h = await setup({ tcpLimits: { connections: 2 } });
    const a = await client(h);
    const b = await client(h);
    expect((await a.transact(a.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
    expect((await b.transact(b.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
    const third = connect({ host: h.tcp.address, port: h.tcp.port });
    third.on("error", () => undefined);
    cleanups.push(() => third.destroy());
    await new Promise<void>((resolve) => third.once("close", () => resolve()));
    expect(h.server.stats()).toMatchObject({ tcpRefused: 1, tcpConnections: 2 });
    a.close();
    await a.closed;
    await vi.waitFor(() => expect(h.server.stats().tcpConnections).toBe(1));
    const later = await client(h);
    expect((await later.transact(later.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
  });

  it("refuses connections from one address over tcpLimits.connectionsPerAddress, and frees the slot on close", async () => {
    const h = await setup({ tcpLimits: { connectionsPerAddress: 2 } });
    const a = await client(h);
    const b = await client(h);
    expect((await a.transact(a.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
    const third = connect({ host: h.tcp.address, port: h.tcp.port });
    third.on("error", () => undefined);
    cleanups.push(() => third.destroy());
    await new Promise<void>((resolve) => third.once("close", () => resolve()));
    expect(h.server.stats()).toMatchObject({ tcpRefused: 1, tcpConnections: 2 });
    expect((await b.transact(b.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
    b.close();
    await b.closed;
    await vi.waitFor(() => expect(h.server.stats().tcpConnections).toBe(1));
    const later = await client(h);
    expect((await later.transact(later.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
  });

  it("a client that stops reading: relayed data beyond writeBufferBytes is dropped, the server keeps serving", async () => {
    const h = await setup({ allowPrivatePeers: true, tcpLimits: { writeBufferBytes: 16_384 } });
    const { c, peer, allocated } = await allocatedWithPeer(h, 0x4003);
    const relayed = attr(allocated, XorRelayedAddress);
    c.socket.pause(); // the kernel buffers fill, then the server's own write buffer
    const payload = Buffer.alloc(1200, 7);
    let sent = 0;
    while (h.server.stats().tcpWritesDropped === 0) {
      if (sent >= 200_000) throw new Error(`no drop after ${String(sent)} datagrams: ${JSON.stringify(h.server.stats())}`);
      for (let i = 0; i < 200; i++) peer.socket.send(payload, relayed.port, relayed.address);
      sent += 200;
      await new Promise((resolve) => setImmediate(resolve));
    }
    console.info(`turn-tcp: first write dropped after ${String(sent)} datagrams of 1200 bytes (${String(Math.round((sent * 1200) / 1e6))} MB) to a paused TCP client`);
    const other = await client(h);
    expect((await other.transact(other.build(StunMethod.binding))).cls).toBe(StunClass.successResponse);
    expect(h.server.stats().errors).toBe(0);
  });

  it("server close() ends every TCP connection", async () => {
    const h = await startServer();
    const c = await TcpTurnClient.open(h.server.tcpAddress() ?? h.address);
    await h.server.close();
    await c.closed;
    expect(c.isClosed).toBe(true);
  });
});
