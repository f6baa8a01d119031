import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { Software } from "../../../../server/stun/attributes/software.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("SOFTWARE (RFC 8489 §14.14)", () => {
  it("round-trips UTF-8 text", () => {
    expect(Software.decode(Software.encode("マトリックス:example", ctx), ctx)).toBe("マトリックス:example");
    expect(toHex(Software.encode("ab", ctx))).toBe("6162");
  });
  it("enforces the 763-byte limit and strict UTF-8", () => {
    expect(() => Software.encode("x".repeat(763 + 1), ctx)).toThrow(AttributeValueError);
    expect(() => Software.decode(new Uint8Array(763 + 1).fill(0x61), ctx)).toThrow(/limit/);
    expect(() => Software.decode(fromHex("c328"), ctx)).toThrow(/UTF-8/);
  });
});
