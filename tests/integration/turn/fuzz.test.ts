// Fuzzing: at least 100,000 random and mutated packets into the parser and into a live server.
// Nothing may throw out of the parser, the server must never log an internal error, memory and
// state must stay bounded, and a normal Binding client is served afterwards.
import { describe, expect, it } from "vitest";
import { StunMessageBuilder } from "../../../server/stun/builder.ts";
import { StunClass, StunMethod } from "../../../server/stun/constants.ts";
import { describeAttribute } from "../../../server/stun/attributes/index.ts";
import { checkFingerprint } from "../../../server/stun/attributes/fingerprint.ts";
import { verifyMessageIntegrity } from "../../../server/stun/attributes/message-integrity.ts";
import { XorMappedAddress } from "../../../server/stun/attributes/xor-mapped-address.ts";
import { Nonce } from "../../../server/stun/attributes/nonce.ts";
import { Realm } from "../../../server/stun/attributes/realm.ts";
import { Username } from "../../../server/stun/attributes/username.ts";
import { decodeStunMessage } from "../../../server/stun/message.ts";
import { decodeChannelData } from "../../../server/turn/channel-data.ts";
import { mintTurnCredentials } from "../../../server/turn/credentials.ts";
import { SECRET, startServer } from "./support/fixtures.ts";
import { garbageAttributes, mutate, prng, randomBytes, seedPackets } from "./support/fuzz-corpus.ts";
import { TurnTestClient, attr } from "./support/turn-client.ts";

const SEED = Number(process.env["FUZZ_SEED"] ?? 0x5eed);
const PACKETS = 100_000;

describe(`fuzzing (seed ${String(SEED)}; set FUZZ_SEED to replay)`, () => {
  it(`the parser survives ${String(PACKETS)} mutated packets and re-encodes what it accepts`, () => {
    const rand = prng(SEED);
    const seeds = seedPackets(rand);
    const key = randomBytes(rand, 16);
    let accepted = 0;
    for (let i = 0; i < PACKETS; i++) {
      const packet = mutate(rand, seeds[i % seeds.length] ?? new Uint8Array());
      const decoded = decodeStunMessage(packet);
      decodeChannelData(packet);
      if (!decoded.ok) {
        expect(decoded.error.offset).toBeLessThanOrEqual(packet.length);
        continue;
      }
      accepted++;
      const m = decoded.message;
      for (const a of m.attributes) describeAttribute(a, m.transactionId);
      checkFingerprint(m);
      verifyMessageIntegrity(m, key);
      // Round trip: the same attributes re-encode to a message that decodes to the same attributes.
      const again = new StunMessageBuilder(m.method, m.cls, m.transactionId);
      for (const a of m.attributes) again.addRaw(a.type, a.value);
      const re = decodeStunMessage(again.build());
      if (!re.ok) throw re.error;
      expect(re.message.attributes.map((a) => [a.type, Buffer.from(a.value).toString("hex")])).toEqual(m.attributes.map((a) => [a.type, Buffer.from(a.value).toString("hex")]));
    }
    expect(accepted).toBeGreaterThan(1000);
  });

  it(`a live server takes ${String(PACKETS)} mutated packets (half of them authenticated) and still serves Binding`, async () => {
    const h = await startServer({ allowPrivatePeers: false, quotas: { allocationsPerUser: 3, allocationsTotal: 5 }, transactionCacheSize: 256 });
    try {
      const rand = prng(SEED + 1);
      const seeds = seedPackets(rand);
      const fuzzer = await TurnTestClient.open(h.address);
      const { username, credential } = mintTurnCredentials({ secret: SECRET, userId: "fuzzer", ttlSeconds: 3600, now: h.clock.now });
      // Log in once so the fuzzer can sign garbage: authenticated requests reach the handlers.
      await fuzzer.login(username, credential, StunMethod.refresh);
      const heapBefore = process.memoryUsage().heapUsed;
      const methods = [StunMethod.allocate, StunMethod.refresh, StunMethod.createPermission, StunMethod.channelBind, StunMethod.send, StunMethod.binding, 0x0fff];
      const BATCH = 250;
      for (let sent = 0; sent < PACKETS; ) {
        for (let i = 0; i < BATCH; i++, sent++) {
          let packet: Uint8Array;
          if (i % 2 === 0) {
            packet = mutate(rand, seeds[sent % seeds.length] ?? new Uint8Array());
          } else {
            const method = methods[Math.floor(rand() * methods.length)] ?? StunMethod.binding;
            const cls = method === StunMethod.send ? StunClass.indication : StunClass.request;
            const b = garbageAttributes(rand, new StunMessageBuilder(method, cls, randomBytes(rand, 12)));
            b.add(Username, fuzzer.username).add(Realm, fuzzer.realm).add(Nonce, fuzzer.nonce);
            packet = b.build({ integrityKey: fuzzer.key, fingerprint: rand() < 0.5 });
            if (rand() < 0.2) packet = mutate(rand, packet);
          }
          fuzzer.socket.send(packet, h.address.port, h.address.address);
        }
        // Barrier: one Binding round trip per batch keeps the kernel buffer from dropping most of them.
        const barrier = await fuzzer.transact(fuzzer.build(StunMethod.binding, undefined, { sign: false }), 5000);
        expect(barrier.cls).toBe(StunClass.successResponse);
      }
      const stats = h.server.stats();
      expect([...new Set(h.logs.filter((l) => l.includes("internal error") || l.includes("dropped a packet")).map((l) => l.replace(/[0-9]+/g, "N")))]).toEqual([]);
      expect(stats.errors).toBe(0);
      expect(stats.packetsIn).toBeGreaterThanOrEqual(PACKETS * 0.9);
      expect(stats.allocations).toBeLessThanOrEqual(5);
      expect(stats.cachedTransactions).toBeLessThanOrEqual(256);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024);

      const normal = await TurnTestClient.open(h.address);
      const answer = await normal.transact(normal.build(StunMethod.binding, undefined, { sign: false }));
      expect(attr(answer, XorMappedAddress)).toEqual({ address: "127.0.0.1", port: normal.localPort });
      normal.close();
      fuzzer.close();
    } finally {
      await h.server.close();
    }
  }, 90_000);
});
