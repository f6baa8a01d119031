import { describe, expect, it } from "vitest";
import { fromHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { StunMessageBuilder } from "../../../../server/stun/builder.ts";
import { StunClass, StunMethod } from "../../../../server/stun/constants.ts";
import { Fingerprint, checkFingerprint } from "../../../../server/stun/attributes/fingerprint.ts";
import { Username } from "../../../../server/stun/attributes/username.ts";
import { decodeStunMessage } from "../../../../server/stun/message.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

function decoded(bytes: Uint8Array) {
  const r = decodeStunMessage(bytes);
  if (!r.ok) throw r.error;
  return r.message;
}

describe("FINGERPRINT (RFC 8489 §14.7)", () => {
  it("is CRC-32 XOR 0x5354554e over the message before it", () => {
    expect(() => Fingerprint.decode(new Uint8Array(3), ctx)).toThrow(AttributeValueError);
    const bytes = new StunMessageBuilder(StunMethod.binding, StunClass.request, ctx.transactionId).add(Username, "x").build({ fingerprint: true });
    expect(checkFingerprint(decoded(bytes))).toBe("ok");
    const flipped = Uint8Array.from(bytes);
    flipped[21] = (flipped[21] ?? 0) ^ 1;
    expect(checkFingerprint(decoded(flipped))).toBe("bad");
    expect(checkFingerprint(decoded(new StunMessageBuilder(StunMethod.binding, StunClass.request, ctx.transactionId).build()))).toBe("absent");
  });
  it("a FINGERPRINT that is not last is bad", () => {
    const bytes = new StunMessageBuilder(StunMethod.binding, StunClass.request, ctx.transactionId).build({ fingerprint: true });
    const withTrailer = new StunMessageBuilder(StunMethod.binding, StunClass.request, ctx.transactionId)
      .addRaw(0x8028, bytes.subarray(24, 28))
      .add(Username, "x")
      .build();
    expect(checkFingerprint(decoded(withTrailer))).toBe("bad");
  });
});
