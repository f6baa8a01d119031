import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { XorMappedAddress } from "../../../../server/stun/attributes/xor-mapped-address.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("XOR-MAPPED-ADDRESS (RFC 8489 §14.2)", () => {
  it("matches RFC 5769 §2.2 for IPv4 192.0.2.1:32853", () => {
    expect(toHex(XorMappedAddress.encode({ address: "192.0.2.1", port: 32853 }, ctx))).toBe("0001a147e112a643");
  });
  it("matches RFC 5769 §2.3 for IPv6 (the key is cookie + transaction ID)", () => {
    expect(toHex(XorMappedAddress.encode({ address: "2001:db8:1234:5678:11:2233:4455:6677", port: 32853 }, ctx))).toBe("0002a1470113a9faa5d3f179bc25f4b5bed2b9d9");
  });
  it("round-trips IPv4, IPv6 and IPv4-mapped IPv6", () => {
    for (const value of [
      { address: "203.0.113.9", port: 1 },
      { address: "2001:db8:1234:5678:11:2233:4455:6677", port: 32853 },
      { address: "::ffff:127.0.0.1", port: 65535 },
    ]) {
      expect(XorMappedAddress.decode(XorMappedAddress.encode(value, ctx), ctx)).toEqual(value);
    }
  });
  it("rejects truncated values and unknown families", () => {
    expect(() => XorMappedAddress.decode(fromHex("0002a14701"), ctx)).toThrow(/needs 20 bytes/);
    expect(() => XorMappedAddress.decode(fromHex("0003a147e112a643"), ctx)).toThrow(AttributeValueError);
    expect(() => XorMappedAddress.encode({ address: "not-an-ip", port: 1 }, ctx)).toThrow(AttributeValueError);
  });
});
