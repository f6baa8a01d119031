import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { EvenPort } from "../../../../server/stun/attributes/even-port.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("EVEN-PORT (RFC 8656 §18.6)", () => {
  it("carries the R bit in one byte", () => {
    expect(toHex(EvenPort.encode({ reserve: true }, ctx))).toBe("80");
    expect(EvenPort.decode(fromHex("00"), ctx)).toEqual({ reserve: false });
    expect(EvenPort.decode(fromHex("ff"), ctx)).toEqual({ reserve: true });
    expect(() => EvenPort.decode(fromHex("0000"), ctx)).toThrow(AttributeValueError);
  });
});
