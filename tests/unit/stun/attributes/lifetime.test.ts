import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { Lifetime } from "../../../../server/stun/attributes/lifetime.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("LIFETIME (RFC 8656 §18.2)", () => {
  it("is 32-bit seconds", () => {
    expect(toHex(Lifetime.encode(600, ctx))).toBe("00000258");
    expect(Lifetime.decode(fromHex("ffffffff"), ctx)).toBe(0xffffffff);
    expect(() => Lifetime.decode(fromHex("0258"), ctx)).toThrow(AttributeValueError);
    expect(() => Lifetime.encode(-1, ctx)).toThrow(AttributeValueError);
  });
});
