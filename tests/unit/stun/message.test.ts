import { describe, expect, it } from "vitest";
import { fromHex } from "../../../src/shared/stun/ip-bytes.ts";
import { getAttribute } from "../../../server/stun/attributes/attribute.ts";
import { KNOWN_ATTRIBUTES, describeAttribute } from "../../../server/stun/attributes/index.ts";
import { Lifetime } from "../../../server/stun/attributes/lifetime.ts";
import { XorPeerAddress } from "../../../server/stun/attributes/xor-peer-address.ts";
import { StunMessageBuilder } from "../../../server/stun/builder.ts";
import { ATTRIBUTE_NAMES, AttributeType, ERROR_REASONS, ErrorCode, STUN_METHOD_NAMES, StunClass, StunMethod, isComprehensionRequired } from "../../../server/stun/constants.ts";
import { StunAttributeError } from "../../../server/stun/errors.ts";
import { MAX_ATTRIBUTES, decodeMessageType, decodeStunMessage, encodeMessageType, looksLikeStun } from "../../../server/stun/message.ts";

const txid = fromHex("000102030405060708090a0b");

describe("message type (RFC 8489 §5)", () => {
  it("interleaves class bits with method bits", () => {
    expect(encodeMessageType(StunMethod.binding, StunClass.request)).toBe(0x0001);
    expect(encodeMessageType(StunMethod.binding, StunClass.successResponse)).toBe(0x0101);
    expect(encodeMessageType(StunMethod.binding, StunClass.errorResponse)).toBe(0x0111);
    expect(encodeMessageType(StunMethod.allocate, StunClass.request)).toBe(0x0003);
    expect(encodeMessageType(StunMethod.send, StunClass.indication)).toBe(0x0016);
    expect(encodeMessageType(StunMethod.data, StunClass.indication)).toBe(0x0017);
    expect(encodeMessageType(StunMethod.channelBind, StunClass.successResponse)).toBe(0x0109);
    for (let method = 0; method < 0x1000; method += 37) {
      for (const cls of [0, 1, 2, 3] as const) expect(decodeMessageType(encodeMessageType(method, cls))).toEqual({ method, cls });
    }
  });
});

describe("decodeStunMessage: errors are data", () => {
  const good = new StunMessageBuilder(StunMethod.binding, StunClass.request, txid).add(Lifetime, 1).build();
  const cases: [string, Uint8Array, number, RegExp][] = [
    ["short", good.subarray(0, 19), 0, /shorter/],
    ["top bits", Uint8Array.from([0xc0, ...good.subarray(1)]), 0, /two most significant/],
    ["cookie", Uint8Array.from([...good.subarray(0, 4), 0, 0, 0, 0, ...good.subarray(8)]), 4, /magic cookie/],
    ["length not /4", Uint8Array.from([0, 1, 0, 7, ...good.subarray(4)]), 2, /multiple of 4/],
    ["length mismatch", Uint8Array.from([0, 1, 0, 12, ...good.subarray(4)]), 2, /follow the header/],
    ["attribute past end", Uint8Array.from([...good.subarray(0, 22), 0, 9, ...good.subarray(24)]), 20, /past the end/],
  ];
  for (const [name, bytes, offset, reason] of cases) {
    it(name, () => {
      const r = decodeStunMessage(bytes);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.offset).toBe(offset);
        expect(r.error.reason).toMatch(reason);
      }
    });
  }
  it("an attribute value error names the attribute and offset", () => {
    const bytes = new StunMessageBuilder(StunMethod.createPermission, StunClass.request, txid).add(Lifetime, 5).addRaw(AttributeType.XOR_PEER_ADDRESS, fromHex("0009")).build();
    const r = decodeStunMessage(bytes);
    if (!r.ok) throw r.error;
    try {
      getAttribute(r.message, XorPeerAddress);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(StunAttributeError);
      if (error instanceof StunAttributeError) {
        expect(error.attributeName).toBe("XOR-PEER-ADDRESS");
        expect(error.offset).toBe(28);
      }
    }
    expect(describeAttribute(r.message.attributes[1] ?? { type: 0, offset: 0, length: 0, value: new Uint8Array() }, txid).error).toMatch(/at least 4 bytes/);
  });
  it("looksLikeStun is the cheap pre-check", () => {
    expect(looksLikeStun(good)).toBe(true);
    expect(looksLikeStun(Uint8Array.of(0x40, 0, 0, 4))).toBe(false);
  });
});

describe("decodeStunMessage: at most MAX_ATTRIBUTES attributes", () => {
  const withAttributes = (n: number): Uint8Array => {
    const b = new StunMessageBuilder(StunMethod.binding, StunClass.request, txid);
    for (let i = 0; i < n; i++) b.addRaw(0x8000 + i, new Uint8Array(0));
    return b.build();
  };
  it(`decodes ${String(MAX_ATTRIBUTES)}`, () => {
    const r = decodeStunMessage(withAttributes(MAX_ATTRIBUTES));
    expect(r.ok && r.message.attributes.length).toBe(MAX_ATTRIBUTES);
  });
  it("treats one more as malformed, saying where", () => {
    const r = decodeStunMessage(withAttributes(MAX_ATTRIBUTES + 1));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.reason).toMatch(/more than 128 attributes/);
      expect(r.error.offset).toBe(20 + 4 * MAX_ATTRIBUTES);
    }
  });
  it("refuses a 64 KB message of 16,000 zero-length attributes", () => {
    expect(decodeStunMessage(withAttributes(16_000)).ok).toBe(false);
  });
});

describe("registries", () => {
  it("name every attribute, method and error code the server uses", () => {
    for (const type of KNOWN_ATTRIBUTES.keys()) expect(ATTRIBUTE_NAMES[type]).toBeDefined();
    for (const method of Object.values(StunMethod)) expect(STUN_METHOD_NAMES[method]).toBeDefined();
    for (const code of Object.values(ErrorCode)) expect(ERROR_REASONS[code]).toBeDefined();
    for (const codec of KNOWN_ATTRIBUTES.values()) expect(ATTRIBUTE_NAMES[codec.type]).toBe(codec.name);
  });
  it("IANA codes (RFC 8489 §18.3, RFC 8656 §17)", () => {
    expect(AttributeType.XOR_MAPPED_ADDRESS).toBe(0x0020);
    expect(AttributeType.FINGERPRINT).toBe(0x8028);
    expect(AttributeType.REQUESTED_TRANSPORT).toBe(0x0019);
    expect(isComprehensionRequired(0x7fff)).toBe(true);
    expect(isComprehensionRequired(0x8000)).toBe(false);
  });
  it("round-trips every known attribute inside a message", () => {
    const builder = new StunMessageBuilder(StunMethod.allocate, StunClass.request, txid).add(Lifetime, 3600).add(XorPeerAddress, { address: "2001:db8::1", port: 9 });
    const r = decodeStunMessage(builder.build());
    if (!r.ok) throw r.error;
    expect(getAttribute(r.message, Lifetime)).toBe(3600);
    expect(getAttribute(r.message, XorPeerAddress)).toEqual({ address: "2001:db8::1", port: 9 });
    const again = new StunMessageBuilder(r.message.method, r.message.cls, r.message.transactionId);
    for (const a of r.message.attributes) again.addRaw(a.type, a.value);
    expect(again.build()).toEqual(r.message.raw);
  });
});
