import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { ErrorCodeAttribute, errorCode } from "../../../../server/stun/attributes/error-code.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("ERROR-CODE (RFC 8489 §14.8)", () => {
  it("splits the code into class and number", () => {
    expect(toHex(ErrorCodeAttribute.encode(errorCode(438), ctx))).toBe("00000426" + toHex(new TextEncoder().encode("Stale Nonce")));
    expect(ErrorCodeAttribute.decode(ErrorCodeAttribute.encode(errorCode(420), ctx), ctx)).toEqual({ code: 420, reason: "Unknown Attribute" });
  });
  it("refuses codes out of range", () => {
    expect(() => ErrorCodeAttribute.encode({ code: 200, reason: "" }, ctx)).toThrow(AttributeValueError);
    expect(() => ErrorCodeAttribute.decode(fromHex("00000264"), ctx)).toThrow(AttributeValueError);
    expect(() => ErrorCodeAttribute.decode(fromHex("0000"), ctx)).toThrow(AttributeValueError);
  });
});
