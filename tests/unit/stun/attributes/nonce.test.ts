import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { Nonce } from "../../../../server/stun/attributes/nonce.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("NONCE (RFC 8489 §14.10)", () => {
  it("round-trips UTF-8 text", () => {
    expect(Nonce.decode(Nonce.encode("マトリックス:example", ctx), ctx)).toBe("マトリックス:example");
    expect(toHex(Nonce.encode("ab", ctx))).toBe("6162");
  });
  it("enforces the 763-byte limit and strict UTF-8", () => {
    expect(() => Nonce.encode("x".repeat(763 + 1), ctx)).toThrow(AttributeValueError);
    expect(() => Nonce.decode(new Uint8Array(763 + 1).fill(0x61), ctx)).toThrow(/limit/);
    expect(() => Nonce.decode(fromHex("c328"), ctx)).toThrow(/UTF-8/);
  });
});
