import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { ChannelNumber, isValidChannelNumber } from "../../../../server/stun/attributes/channel-number.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("CHANNEL-NUMBER (RFC 8656 §18.1)", () => {
  it("is the number then two RFFU bytes", () => {
    expect(toHex(ChannelNumber.encode(0x4001, ctx))).toBe("40010000");
    expect(ChannelNumber.decode(fromHex("4fff0000"), ctx)).toBe(0x4fff);
    expect(() => ChannelNumber.decode(fromHex("4001"), ctx)).toThrow(AttributeValueError);
  });
  it("accepts 0x4000-0x4FFF only (RFC 8656 §12)", () => {
    expect([0x3fff, 0x4000, 0x4fff, 0x5000, 0x7fff].map(isValidChannelNumber)).toEqual([false, true, true, false, false]);
  });
});
