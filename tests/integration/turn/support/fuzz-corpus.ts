// Packets for fuzzing: valid seeds of every kind the server handles, and mutations of them
// (bit flips, truncations, extensions, corrupted length fields, random bytes). Seeded PRNG so a
// failure can be replayed.
import { StunMessageBuilder } from "../../../../server/stun/builder.ts";
import { AttributeType, StunClass, StunMethod } from "../../../../server/stun/constants.ts";
import { ChannelNumber } from "../../../../server/stun/attributes/channel-number.ts";
import { Data } from "../../../../server/stun/attributes/data.ts";
import { Lifetime } from "../../../../server/stun/attributes/lifetime.ts";
import { PROTOCOL_UDP, RequestedTransport } from "../../../../server/stun/attributes/requested-transport.ts";
import { Software } from "../../../../server/stun/attributes/software.ts";
import { XorPeerAddress } from "../../../../server/stun/attributes/xor-peer-address.ts";
import { channelDataHeader } from "../../../../server/turn/channel-data.ts";

/** mulberry32: tiny, fast, good enough to drive mutations. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(rand: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

const KNOWN_TYPES = Object.values(AttributeType);

/** Valid messages of each kind (unsigned; the live fuzzer signs some itself). */
export function seedPackets(rand: () => number): Uint8Array[] {
  const tx = () => randomBytes(rand, 12);
  const peer = { address: "192.0.2.10", port: 4000 };
  return [
    new StunMessageBuilder(StunMethod.binding, StunClass.request, tx()).build(),
    new StunMessageBuilder(StunMethod.binding, StunClass.request, tx()).add(Software, "fuzz").build({ fingerprint: true }),
    new StunMessageBuilder(StunMethod.allocate, StunClass.request, tx()).add(RequestedTransport, PROTOCOL_UDP).add(Lifetime, 600).build({ fingerprint: true }),
    new StunMessageBuilder(StunMethod.allocate, StunClass.request, tx()).add(RequestedTransport, PROTOCOL_UDP).build({ integrityKey: randomBytes(rand, 16) }),
    new StunMessageBuilder(StunMethod.createPermission, StunClass.request, tx()).add(XorPeerAddress, peer).build({ integrityKey: randomBytes(rand, 16) }),
    new StunMessageBuilder(StunMethod.channelBind, StunClass.request, tx()).add(ChannelNumber, 0x4001).add(XorPeerAddress, peer).build(),
    new StunMessageBuilder(StunMethod.send, StunClass.indication, tx()).add(XorPeerAddress, peer).add(Data, randomBytes(rand, 33)).build(),
    new StunMessageBuilder(StunMethod.refresh, StunClass.request, tx()).add(Lifetime, 0).build(),
    Uint8Array.from([...channelDataHeader(0x4001, 5), 1, 2, 3, 4, 5]),
  ];
}

/** Random attributes of known types with garbage values: decodes as a frame, fails deeper. */
export function garbageAttributes(rand: () => number, b: StunMessageBuilder): StunMessageBuilder {
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    const type = KNOWN_TYPES[Math.floor(rand() * KNOWN_TYPES.length)] ?? AttributeType.DATA;
    if (type === AttributeType.MESSAGE_INTEGRITY || type === AttributeType.FINGERPRINT) continue;
    b.addRaw(type, randomBytes(rand, Math.floor(rand() * 24)));
  }
  return b;
}

export function mutate(rand: () => number, seed: Uint8Array): Uint8Array {
  const out = Uint8Array.from(seed);
  const kind = Math.floor(rand() * 7);
  switch (kind) {
    case 0: {
      const flips = 1 + Math.floor(rand() * 8);
      for (let i = 0; i < flips && out.length > 0; i++) {
        const at = Math.floor(rand() * out.length);
        out[at] = (out[at] ?? 0) ^ (1 << Math.floor(rand() * 8));
      }
      return out;
    }
    case 1:
      return out.subarray(0, Math.floor(rand() * out.length));
    case 2:
      return Uint8Array.from([...out, ...randomBytes(rand, 1 + Math.floor(rand() * 40))]);
    case 3: {
      // Corrupt the message length field.
      if (out.length >= 4) {
        const v = Math.floor(rand() * 0x10000);
        out[2] = v >> 8;
        out[3] = v & 0xff;
      }
      return out;
    }
    case 4: {
      // Corrupt an attribute length (attributes start at 20, headers every 4+padded bytes; aim roughly).
      if (out.length > 24) {
        const at = 20 + 4 * Math.floor(rand() * ((out.length - 20) / 4));
        out[Math.min(at + 2, out.length - 1)] = Math.floor(rand() * 256);
        out[Math.min(at + 3, out.length - 1)] = Math.floor(rand() * 256);
      }
      return out;
    }
    case 5:
      return randomBytes(rand, Math.floor(rand() * 600));
    default: {
      // Random body behind a plausible header (right cookie, right length).
      const body = randomBytes(rand, 4 * Math.floor(rand() * 40));
      const head = Uint8Array.from(seed.subarray(0, 20));
      if (head.length < 20) return body;
      head[2] = body.length >> 8;
      head[3] = body.length & 0xff;
      return Uint8Array.from([...head, ...body]);
    }
  }
}
