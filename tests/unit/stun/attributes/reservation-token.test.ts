import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { ReservationToken } from "../../../../server/stun/attributes/reservation-token.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("RESERVATION-TOKEN (RFC 8656 §18.9)", () => {
  it("is 8 bytes", () => {
    expect(toHex(ReservationToken.decode(fromHex("0102030405060708"), ctx))).toBe("0102030405060708");
    expect(() => ReservationToken.decode(fromHex("01"), ctx)).toThrow(AttributeValueError);
    expect(() => ReservationToken.encode(fromHex("01"), ctx)).toThrow(AttributeValueError);
  });
});
