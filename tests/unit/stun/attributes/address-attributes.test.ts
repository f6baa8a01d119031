import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { MappedAddress } from "../../../../server/stun/attributes/mapped-address.ts";
import { XorMappedAddress } from "../../../../server/stun/attributes/xor-mapped-address.ts";
import { XorPeerAddress } from "../../../../server/stun/attributes/xor-peer-address.ts";
import { XorRelayedAddress } from "../../../../server/stun/attributes/xor-relayed-address.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("MAPPED-ADDRESS (RFC 8489 §14.1)", () => {
  it("encodes family, port and address in the clear", () => {
    expect(toHex(MappedAddress.encode({ address: "192.0.2.1", port: 32853 }, ctx))).toBe("00018055c0000201");
    expect(MappedAddress.decode(fromHex("00018055c0000201"), ctx)).toEqual({ address: "192.0.2.1", port: 32853 });
  });
  it("rejects unknown families and wrong lengths", () => {
    expect(() => MappedAddress.decode(fromHex("00038055c0000201"), ctx)).toThrow(AttributeValueError);
    expect(() => MappedAddress.decode(fromHex("00018055c00002"), ctx)).toThrow(/needs 8 bytes/);
    expect(() => MappedAddress.decode(fromHex("0002"), ctx)).toThrow(AttributeValueError);
    expect(() => MappedAddress.encode({ address: "nope", port: 1 }, ctx)).toThrow(AttributeValueError);
  });
});

for (const codec of [XorMappedAddress, XorPeerAddress, XorRelayedAddress]) {
  describe(`${codec.name} (XOR-ed, RFC 8489 §14.2)`, () => {
    it("matches RFC 5769 §2.2 for IPv4", () => {
      expect(toHex(codec.encode({ address: "192.0.2.1", port: 32853 }, ctx))).toBe("0001a147e112a643");
    });
    it("round-trips IPv4, IPv6 and IPv4-mapped IPv6", () => {
      for (const value of [
        { address: "203.0.113.9", port: 1 },
        { address: "2001:db8:1234:5678:11:2233:4455:6677", port: 32853 },
        { address: "::ffff:127.0.0.1", port: 65535 },
      ]) {
        expect(codec.decode(codec.encode(value, ctx), ctx)).toEqual(value);
      }
    });
    it("rejects a truncated IPv6 value", () => {
      expect(() => codec.decode(fromHex("0002a14701"), ctx)).toThrow(/needs 20 bytes/);
    });
  });
}
