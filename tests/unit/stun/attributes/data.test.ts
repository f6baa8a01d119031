import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { Data } from "../../../../server/stun/attributes/data.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("DATA (RFC 8656 §18.4)", () => {
  it("carries the application bytes unchanged", () => {
    expect(toHex(Data.decode(Data.encode(fromHex("0102030405"), ctx), ctx))).toBe("0102030405");
    expect(Data.decode(new Uint8Array(0), ctx)).toHaveLength(0);
    expect(AttributeValueError).toBeDefined();
  });
});
