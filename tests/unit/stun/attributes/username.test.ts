import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { Username } from "../../../../server/stun/attributes/username.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("USERNAME (RFC 8489 §14.3)", () => {
  it("round-trips UTF-8 text", () => {
    expect(Username.decode(Username.encode("マトリックス:example", ctx), ctx)).toBe("マトリックス:example");
    expect(toHex(Username.encode("ab", ctx))).toBe("6162");
  });
  it("enforces the 508-byte limit and strict UTF-8", () => {
    expect(() => Username.encode("x".repeat(508 + 1), ctx)).toThrow(AttributeValueError);
    expect(() => Username.decode(new Uint8Array(508 + 1).fill(0x61), ctx)).toThrow(/limit/);
    expect(() => Username.decode(fromHex("c328"), ctx)).toThrow(/UTF-8/);
  });
});
