import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { Realm } from "../../../../server/stun/attributes/realm.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("REALM (RFC 8489 §14.9)", () => {
  it("round-trips UTF-8 text", () => {
    expect(Realm.decode(Realm.encode("マトリックス:example", ctx), ctx)).toBe("マトリックス:example");
    expect(toHex(Realm.encode("ab", ctx))).toBe("6162");
  });
  it("enforces the 763-byte limit and strict UTF-8", () => {
    expect(() => Realm.encode("x".repeat(763 + 1), ctx)).toThrow(AttributeValueError);
    expect(() => Realm.decode(new Uint8Array(763 + 1).fill(0x61), ctx)).toThrow(/limit/);
    expect(() => Realm.decode(fromHex("c328"), ctx)).toThrow(/UTF-8/);
  });
});
