import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { DontFragment } from "../../../../server/stun/attributes/dont-fragment.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("DONT-FRAGMENT (RFC 8656 §18.8)", () => {
  it("has no value", () => {
    expect(toHex(DontFragment.encode(true, ctx))).toBe("");
    expect(DontFragment.decode(new Uint8Array(0), ctx)).toBe(true);
    expect(() => DontFragment.decode(fromHex("00"), ctx)).toThrow(AttributeValueError);
  });
});
