// The built-in STUN/TURN server on real UDP sockets (port 0), with a real UDP peer.
import { afterEach, describe, expect, it } from "vitest";
import { fromHex } from "../../../src/shared/stun/ip-bytes.ts";
import { TransactionRecordSchema } from "../../../src/shared/stun/transaction-record.ts";
import { StunMessageBuilder } from "../../../server/stun/builder.ts";
import { AttributeType, StunClass, StunMethod } from "../../../server/stun/constants.ts";
import { getAttribute } from "../../../server/stun/attributes/attribute.ts";
import { ChannelNumber } from "../../../server/stun/attributes/channel-number.ts";
import { Data } from "../../../server/stun/attributes/data.ts";
import { DontFragment } from "../../../server/stun/attributes/dont-fragment.ts";
import { checkFingerprint } from "../../../server/stun/attributes/fingerprint.ts";
import { Nonce } from "../../../server/stun/attributes/nonce.ts";
import { Realm } from "../../../server/stun/attributes/realm.ts";
import { Lifetime } from "../../../server/stun/attributes/lifetime.ts";
import { PROTOCOL_UDP, RequestedTransport } from "../../../server/stun/attributes/requested-transport.ts";
import { UnknownAttributes } from "../../../server/stun/attributes/unknown-attributes.ts";
import { XorMappedAddress } from "../../../server/stun/attributes/xor-mapped-address.ts";
import { XorPeerAddress } from "../../../server/stun/attributes/xor-peer-address.ts";
import { XorRelayedAddress } from "../../../server/stun/attributes/xor-relayed-address.ts";
import { decodeStunMessage } from "../../../server/stun/message.ts";
import { mintTurnCredentials } from "../../../server/turn/credentials.ts";
import { channelDataHeader, decodeChannelData } from "../../../server/turn/channel-data.ts";
import { SECRET, startEchoPeer, startServer, type Harness } from "./support/fixtures.ts";
import { TurnTestClient, attr, errorCodeOf } from "./support/turn-client.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(overrides = {}, withRecords = false): Promise<Harness> {
  const h = await startServer(overrides, withRecords);
  cleanups.push(() => h.server.close());
  return h;
}
async function client(h: Harness): Promise<TurnTestClient> {
  const c = await TurnTestClient.open(h.address);
  cleanups.push(() => c.close());
  return c;
}
const udp = (b: StunMessageBuilder): void => void b.add(RequestedTransport, PROTOCOL_UDP);
function creds(h: Harness, userId = "alice", ttlSeconds = 600) {
  return mintTurnCredentials({ secret: SECRET, userId, ttlSeconds, now: h.clock.now });
}

describe("Binding (RFC 8489)", () => {
  it("answers on both ports with the client's address in XOR-MAPPED-ADDRESS, mirroring FINGERPRINT", async () => {
    const h = await setup();
    expect(h.server.addresses()).toHaveLength(2);
    for (const address of h.server.addresses()) {
      const c = await TurnTestClient.open(address);
      cleanups.push(() => c.close());
      const response = await c.transact(c.build(StunMethod.binding, undefined, { fingerprint: true }));
      expect(response.cls).toBe(StunClass.successResponse);
      expect(attr(response, XorMappedAddress)).toEqual({ address: "127.0.0.1", port: c.localPort });
      expect(checkFingerprint(response)).toBe("ok");
    }
  });

  it("answers 420 listing unknown comprehension-required attributes, ignores optional ones", async () => {
    const h = await setup();
    const c = await client(h);
    const response = await c.transact(c.build(StunMethod.binding, (b) => void b.addRaw(0x7f01, fromHex("00")).addRaw(0xc001, fromHex("00")).addRaw(0x002f, new Uint8Array(0))));
    expect(errorCodeOf(response)).toBe(420);
    expect(attr(response, UnknownAttributes)).toEqual([0x7f01, 0x002f]);
    const optional = await c.transact(c.build(StunMethod.binding, (b) => void b.addRaw(0xc001, fromHex("00"))));
    expect(optional.cls).toBe(StunClass.successResponse);
  });

  it("drops malformed packets and keeps serving", async () => {
    const h = await setup();
    const c = await client(h);
    const good = c.build(StunMethod.binding);
    for (const bad of [new Uint8Array(0), fromHex("0001"), good.subarray(0, 19), Uint8Array.from([...good.subarray(0, 3), 8, ...good.subarray(4)]), fromHex("ffffffff"), fromHex("40000010")]) {
      c.socket.send(bad, h.address.port, h.address.address);
    }
    const response = await c.transact(c.build(StunMethod.binding));
    expect(response.cls).toBe(StunClass.successResponse);
    expect(h.server.stats().malformed).toBeGreaterThanOrEqual(4);
    expect(h.server.stats().errors).toBe(0);
  });

  it("reads only first bytes 64-79 as ChannelData (RFC 7983); reserved channel numbers are malformed", async () => {
    const h = await setup();
    const c = await client(h);
    c.socket.send(fromHex("40000004deadbeef"), h.address.port, h.address.address);
    await c.transact(c.build(StunMethod.binding));
    expect(h.server.stats()).toMatchObject({ malformed: 0, droppedToPeers: 1 });
    for (const first of ["50", "7f"]) c.socket.send(fromHex(`${first}000004deadbeef`), h.address.port, h.address.address);
    await c.transact(c.build(StunMethod.binding));
    expect(h.server.stats()).toMatchObject({ malformed: 2, droppedToPeers: 1, errors: 0 });
  });

  it("answers 400 to an unknown method", async () => {
    const h = await setup();
    const c = await client(h);
    expect(errorCodeOf(await c.transact(c.build(0x0abc)))).toBe(400);
  });
});

describe("TURN (RFC 8656): the full path with a real UDP peer", () => {
  it("Allocate -> 401 -> Allocate -> CreatePermission -> Send/Data -> ChannelBind -> ChannelData -> Refresh(0)", async () => {
    const h = await setup({ allowPrivatePeers: true }, true);
    const peer = await startEchoPeer();
    cleanups.push(() => peer.socket.close());
    const c = await client(h);
    const { username, credential } = creds(h);

    const allocated = await c.login(username, credential, StunMethod.allocate, udp);
    expect(allocated.cls).toBe(StunClass.successResponse);
    expect(c.verified(allocated)).toBe(true);
    const relayed = attr(allocated, XorRelayedAddress);
    expect(relayed.address).toBe("127.0.0.1");
    expect(attr(allocated, XorMappedAddress)).toEqual({ address: "127.0.0.1", port: c.localPort });
    expect(attr(allocated, Lifetime)).toBe(600);

    const peerAddress = { address: "127.0.0.1", port: peer.port };
    // Before any permission the relay drops what the peer sends.
    peer.socket.send("too early", relayed.port, relayed.address);

    const permitted = await c.request(StunMethod.createPermission, (b) => void b.add(XorPeerAddress, peerAddress));
    expect(permitted.cls).toBe(StunClass.successResponse);
    expect(c.verified(permitted)).toBe(true);

    // Send indication out, echo comes back as a Data indication.
    const send = new StunMessageBuilder(StunMethod.send, StunClass.indication, fromHex("0102030405060708090a0b0c"))
      .add(XorPeerAddress, peerAddress)
      .add(Data, new TextEncoder().encode("hello via Send"))
      .build();
    c.socket.send(send, h.address.port, h.address.address);
    const dataIndication = decodeStunMessage(await c.receive((p) => p.data[0] === 0x00));
    if (!dataIndication.ok) throw dataIndication.error;
    expect(dataIndication.message.method).toBe(StunMethod.data);
    expect(attr(dataIndication.message, XorPeerAddress)).toEqual(peerAddress);
    expect(new TextDecoder().decode(attr(dataIndication.message, Data))).toBe("hello via Send");
    expect(peer.received.map(String)).toEqual(["hello via Send"]);

    const bound = await c.request(StunMethod.channelBind, (b) => void b.add(ChannelNumber, 0x4000).add(XorPeerAddress, peerAddress));
    expect(bound.cls).toBe(StunClass.successResponse);
    expect(c.verified(bound)).toBe(true);

    const payload = new TextEncoder().encode("hello via ChannelData");
    c.socket.send(Buffer.concat([channelDataHeader(0x4000, payload.length), payload]), h.address.port, h.address.address);
    const echoed = decodeChannelData(await c.receive((p) => p.data[0] === 0x40));
    expect(echoed?.channelNumber).toBe(0x4000);
    expect(new TextDecoder().decode(echoed?.data)).toBe("hello via ChannelData");

    const stats = h.server.stats();
    expect(stats).toMatchObject({ allocations: 1, permissions: 1, channels: 1 });
    expect(stats.bytesToPeers).toBe("hello via Send".length + payload.length);

    const refreshed = await c.request(StunMethod.refresh, (b) => void b.add(Lifetime, 1200));
    expect(attr(refreshed, Lifetime)).toBe(1200);
    const deleted = await c.request(StunMethod.refresh, (b) => void b.add(Lifetime, 0));
    expect(deleted.cls).toBe(StunClass.successResponse);
    expect(attr(deleted, Lifetime)).toBe(0);
    expect(h.server.stats().allocations).toBe(0);
    expect(errorCodeOf(await c.request(StunMethod.refresh))).toBe(437);

    // The inspector saw the challenge, the authenticated retry and the rest, all schema-valid.
    for (const r of h.records) TransactionRecordSchema.parse(r);
    const stun = h.records.filter((r) => r.kind === "stun");
    expect(stun.slice(0, 4).map((r) => `${r.direction} ${r.methodName} ${r.className}${r.errorCode ? ` ${String(r.errorCode)}` : ""}`)).toEqual([
      "in Allocate request",
      "out Allocate error response 401",
      "in Allocate request",
      "out Allocate success response",
    ]);
    expect(stun[2]?.username).toBe(username);
    const usage = h.records.filter((r) => r.kind === "relay-usage").at(-1);
    expect(usage).toMatchObject({ reason: "deleted", username });
    if (usage?.kind === "relay-usage") {
      expect(usage.permissions[0]).toMatchObject({ peerAddress: "127.0.0.1", bytesToPeer: 14 + payload.length, packetsToPeer: 2, packetsFromPeer: 2 });
      expect(usage.channels[0]).toMatchObject({ channelNumber: 0x4000, bytesToPeer: payload.length, bytesFromPeer: payload.length });
    }
  });

  it("replays the cached answer to a retransmitted Allocate (same transaction, same 5-tuple)", async () => {
    const h = await setup();
    const c = await client(h);
    const { username, credential } = creds(h);
    await c.login(username, credential, StunMethod.refresh); // learn realm + nonce (437: no allocation yet)
    const request = c.build(StunMethod.allocate, udp);
    const first = await c.transact(request);
    const again = await c.transact(request);
    expect(first.cls).toBe(StunClass.successResponse);
    expect(Buffer.from(again.raw).equals(Buffer.from(first.raw))).toBe(true);
    // A new transaction for the same 5-tuple is a mismatch.
    expect(errorCodeOf(await c.request(StunMethod.allocate, udp))).toBe(437);
    expect(h.server.stats().allocations).toBe(1);
  });

  it("lets a relay reach another relay on the same server without allowPrivatePeers", async () => {
    const h = await setup();
    const a = await client(h);
    const b = await client(h);
    const ca = creds(h, "a");
    const cb = creds(h, "b");
    const relayA = attr(await a.login(ca.username, ca.credential, StunMethod.allocate, udp), XorRelayedAddress);
    const relayB = attr(await b.login(cb.username, cb.credential, StunMethod.allocate, udp), XorRelayedAddress);
    expect((await a.request(StunMethod.createPermission, (m) => void m.add(XorPeerAddress, relayB))).cls).toBe(StunClass.successResponse);
    expect((await b.request(StunMethod.createPermission, (m) => void m.add(XorPeerAddress, relayA))).cls).toBe(StunClass.successResponse);
    expect((await a.request(StunMethod.channelBind, (m) => void m.add(ChannelNumber, 0x4001).add(XorPeerAddress, relayB))).cls).toBe(StunClass.successResponse);
    // ...but not some other port on our own address.
    expect(errorCodeOf(await a.request(StunMethod.channelBind, (m) => void m.add(ChannelNumber, 0x4002).add(XorPeerAddress, { address: relayB.address, port: 9 })))).toBe(403);
    const payload = Buffer.from("relay to relay");
    a.socket.send(Buffer.concat([channelDataHeader(0x4001, payload.length), payload]), h.address.port, h.address.address);
    const got = decodeStunMessage(await b.receive());
    if (!got.ok) throw got.error;
    expect(attr(got.message, XorPeerAddress)).toEqual(relayA);
    expect(Buffer.from(attr(got.message, Data)).toString()).toBe("relay to relay");
  });
});

describe("TURN refusals", () => {
  it("no credentials: 401 with REALM and NONCE and no MESSAGE-INTEGRITY", async () => {
    const h = await setup();
    const c = await client(h);
    const r = await c.transact(c.build(StunMethod.allocate, udp));
    expect(errorCodeOf(r)).toBe(401);
    expect(r.attributes.map((a) => a.type)).toEqual(expect.arrayContaining([AttributeType.REALM, AttributeType.NONCE]));
    expect(r.attributes.some((a) => a.type === AttributeType.MESSAGE_INTEGRITY)).toBe(false);
  });

  it("wrong password and expired username: 401; wrong realm: 401", async () => {
    const h = await setup();
    const wrong = await client(h);
    const { username } = creds(h);
    expect(errorCodeOf(await wrong.login(username, "not-the-password", StunMethod.allocate, udp))).toBe(401);
    const expired = await client(h);
    const old = mintTurnCredentials({ secret: SECRET, userId: "alice", ttlSeconds: 60, now: h.clock.now - 120_000 });
    expect(errorCodeOf(await expired.login(old.username, old.credential, StunMethod.allocate, udp))).toBe(401);
    const otherSecret = mintTurnCredentials({ secret: "some-other-secret-entirely", userId: "alice", ttlSeconds: 60, now: h.clock.now });
    const foreign = await client(h);
    expect(errorCodeOf(await foreign.login(otherSecret.username, otherSecret.credential, StunMethod.allocate, udp))).toBe(401);
    expect(h.server.stats().allocations).toBe(0);
  });

  it("stale nonce: 438 with a fresh NONCE, and the retry succeeds", async () => {
    const h = await setup();
    const c = await client(h);
    const { username, credential } = creds(h, "alice", 7200);
    const allocated = await c.login(username, credential, StunMethod.allocate, (b) => void b.add(RequestedTransport, PROTOCOL_UDP).add(Lifetime, 3600));
    expect(attr(allocated, Lifetime)).toBe(3600);
    const oldNonce = c.nonce;
    h.clock.now += 601_000;
    const stale = await c.transact(c.build(StunMethod.refresh));
    expect(errorCodeOf(stale)).toBe(438);
    expect(getAttribute(stale, Nonce)).not.toBe(oldNonce);
    expect(getAttribute(stale, Realm)).toBe(c.realm);
    const retried = await c.request(StunMethod.refresh);
    expect(c.nonce).not.toBe(oldNonce);
    expect(retried.cls).toBe(StunClass.successResponse);
  });

  it("a nonce issued to another client address is not accepted (438)", async () => {
    const h = await setup();
    const a = await client(h);
    const b = await client(h);
    const { username, credential } = creds(h);
    await a.login(username, credential, StunMethod.allocate, udp);
    b.realm = a.realm;
    b.nonce = a.nonce;
    b.username = username;
    b.key = a.key;
    expect(errorCodeOf(await b.transact(b.build(StunMethod.allocate, udp)))).toBe(438);
  });

  it("missing or non-UDP REQUESTED-TRANSPORT: 400 / 442; DONT-FRAGMENT: 420", async () => {
    const h = await setup();
    const c = await client(h);
    const { username, credential } = creds(h);
    expect(errorCodeOf(await c.login(username, credential, StunMethod.allocate))).toBe(400);
    expect(errorCodeOf(await c.request(StunMethod.allocate, (b) => void b.add(RequestedTransport, 6)))).toBe(442);
    const df = await c.request(StunMethod.allocate, (b) => void b.add(RequestedTransport, PROTOCOL_UDP).add(DontFragment, true));
    expect(errorCodeOf(df)).toBe(420);
    expect(attr(df, UnknownAttributes)).toEqual([AttributeType.DONT_FRAGMENT]);
  });

  it("a USERNAME that is not UTF-8 gets 400, not an internal error (found by the fuzzer)", async () => {
    const h = await setup();
    const c = await client(h);
    const { username, credential } = creds(h);
    await c.login(username, credential, StunMethod.refresh);
    const bad = new StunMessageBuilder(StunMethod.allocate, StunClass.request, fromHex("0102030405060708090a0b0c"))
      .add(RequestedTransport, PROTOCOL_UDP)
      .addRaw(AttributeType.USERNAME, fromHex("c328"))
      .add(Realm, c.realm)
      .add(Nonce, c.nonce)
      .build({ integrityKey: c.key });
    expect(errorCodeOf(await c.transact(bad))).toBe(400);
    expect(h.server.stats().errors).toBe(0);
  });

  it("a different user on the same 5-tuple gets 441", async () => {
    const h = await setup();
    const c = await client(h);
    const alice = creds(h, "alice");
    await c.login(alice.username, alice.credential, StunMethod.allocate, udp);
    const bob = creds(h, "bob");
    await c.login(bob.username, bob.credential, StunMethod.refresh).then((r) => expect(errorCodeOf(r)).toBe(441));
  });

  it("quotas: per user 486, in total 508", async () => {
    const h = await setup({ quotas: { allocationsPerUser: 2, allocationsTotal: 3 } });
    const results: (number | undefined)[] = [];
    for (const user of ["u1", "u1", "u1", "u2", "u3"]) {
      const c = await client(h);
      const { username, credential } = creds(h, user);
      const r = await c.login(username, credential, StunMethod.allocate, udp);
      results.push(errorCodeOf(r));
    }
    expect(results).toEqual([undefined, undefined, 486, undefined, 508]);
  });

  it("by default one page's credentials hold 24 allocations: room for several ICE restarts, each of which takes a new set", async () => {
    const h = await setup();
    const { username, credential } = creds(h, "one-page");
    const results: (number | undefined)[] = [];
    for (let i = 0; i < 25; i++) {
      const c = await client(h);
      results.push(errorCodeOf(await c.login(username, credential, StunMethod.allocate, udp)));
    }
    expect(results).toEqual([...Array.from({ length: 24 }, () => undefined), 486]);
  });
});
