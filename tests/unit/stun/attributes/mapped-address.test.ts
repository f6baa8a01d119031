import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { MappedAddress } from "../../../../server/stun/attributes/mapped-address.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("MAPPED-ADDRESS (RFC 8489 §14.1)", () => {
  it("encodes family, port and address in the clear", () => {
    expect(toHex(MappedAddress.encode({ address: "192.0.2.1", port: 32853 }, ctx))).toBe("00018055c0000201");
    expect(MappedAddress.decode(fromHex("00018055c0000201"), ctx)).toEqual({ address: "192.0.2.1", port: 32853 });
    expect(MappedAddress.decode(MappedAddress.encode({ address: "2001:db8::1", port: 9 }, ctx), ctx)).toEqual({ address: "2001:db8::1", port: 9 });
  });
  it("rejects unknown families and wrong lengths", () => {
    expect(() => MappedAddress.decode(fromHex("00038055c0000201"), ctx)).toThrow(AttributeValueError);
    expect(() => MappedAddress.decode(fromHex("00018055c00002"), ctx)).toThrow(/needs 8 bytes/);
    expect(() => MappedAddress.decode(fromHex("0002"), ctx)).toThrow(AttributeValueError);
    expect(() => MappedAddress.encode({ address: "192.0.2.1", port: 70000 }, ctx)).toThrow(AttributeValueError);
  });
});
