import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { RequestedAddressFamily } from "../../../../server/stun/attributes/requested-address-family.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("REQUESTED-ADDRESS-FAMILY (RFC 8656 §18.10)", () => {
  it("is 0x01 (IPv4) or 0x02 (IPv6) and three RFFU bytes", () => {
    expect(toHex(RequestedAddressFamily.encode("IPv6", ctx))).toBe("02000000");
    expect(RequestedAddressFamily.decode(fromHex("01000000"), ctx)).toBe("IPv4");
    expect(() => RequestedAddressFamily.decode(fromHex("03000000"), ctx)).toThrow(AttributeValueError);
    expect(() => RequestedAddressFamily.decode(fromHex("01"), ctx)).toThrow(AttributeValueError);
  });
});
