import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { PROTOCOL_UDP, RequestedTransport } from "../../../../server/stun/attributes/requested-transport.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("REQUESTED-TRANSPORT (RFC 8656 §18.7)", () => {
  it("is the protocol number and three RFFU bytes", () => {
    expect(toHex(RequestedTransport.encode(PROTOCOL_UDP, ctx))).toBe("11000000");
    expect(RequestedTransport.decode(fromHex("06000000"), ctx)).toBe(6);
    expect(() => RequestedTransport.decode(fromHex("11"), ctx)).toThrow(AttributeValueError);
  });
});
