import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { DontFragment } from "../../../../server/stun/attributes/dont-fragment.ts";
import { EvenPort } from "../../../../server/stun/attributes/even-port.ts";
import { RequestedAddressFamily } from "../../../../server/stun/attributes/requested-address-family.ts";
import { ReservationToken } from "../../../../server/stun/attributes/reservation-token.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("DONT-FRAGMENT, EVEN-PORT, RESERVATION-TOKEN, REQUESTED-ADDRESS-FAMILY (RFC 8656 §18.6-18.10)", () => {
  it("DONT-FRAGMENT has no value", () => {
    expect(DontFragment.encode(true, ctx)).toHaveLength(0);
    expect(DontFragment.decode(new Uint8Array(0), ctx)).toBe(true);
    expect(() => DontFragment.decode(fromHex("00"), ctx)).toThrow(AttributeValueError);
  });
  it("EVEN-PORT carries the R bit", () => {
    expect(toHex(EvenPort.encode({ reserve: true }, ctx))).toBe("80");
    expect(EvenPort.decode(fromHex("00"), ctx)).toEqual({ reserve: false });
    expect(() => EvenPort.decode(fromHex("0000"), ctx)).toThrow(AttributeValueError);
  });
  it("RESERVATION-TOKEN is 8 bytes", () => {
    expect(toHex(ReservationToken.decode(fromHex("0102030405060708"), ctx))).toBe("0102030405060708");
    expect(() => ReservationToken.decode(fromHex("01"), ctx)).toThrow(AttributeValueError);
  });
  it("REQUESTED-ADDRESS-FAMILY is 0x01 or 0x02", () => {
    expect(toHex(RequestedAddressFamily.encode("IPv6", ctx))).toBe("02000000");
    expect(RequestedAddressFamily.decode(fromHex("01000000"), ctx)).toBe("IPv4");
    expect(() => RequestedAddressFamily.decode(fromHex("03000000"), ctx)).toThrow(AttributeValueError);
  });
});
