import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { UnknownAttributes } from "../../../../server/stun/attributes/unknown-attributes.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("UNKNOWN-ATTRIBUTES (RFC 8489 §14.13)", () => {
  it("lists 16-bit types", () => {
    expect(toHex(UnknownAttributes.encode([0x001a, 0x7fff], ctx))).toBe("001a7fff");
    expect(UnknownAttributes.decode(fromHex("001a7fff"), ctx)).toEqual([0x001a, 0x7fff]);
    expect(() => UnknownAttributes.decode(fromHex("001a7f"), ctx)).toThrow(AttributeValueError);
  });
});
