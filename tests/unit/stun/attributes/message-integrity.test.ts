import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { StunMessageBuilder } from "../../../../server/stun/builder.ts";
import { StunClass, StunMethod } from "../../../../server/stun/constants.ts";
import { MessageIntegrity, longTermKey, verifyMessageIntegrity } from "../../../../server/stun/attributes/message-integrity.ts";
import { Username } from "../../../../server/stun/attributes/username.ts";
import { decodeStunMessage } from "../../../../server/stun/message.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

function decoded(bytes: Uint8Array) {
  const r = decodeStunMessage(bytes);
  if (!r.ok) throw r.error;
  return r.message;
}

describe("MESSAGE-INTEGRITY (RFC 8489 §14.5)", () => {
  const key = longTermKey("1700000000:alice", "example.org", "secret");
  it("is a 20-byte HMAC-SHA1 keyed with MD5(username:realm:password)", () => {
    expect(toHex(key)).toHaveLength(32);
    expect(() => MessageIntegrity.decode(new Uint8Array(19), ctx)).toThrow(AttributeValueError);
    expect(MessageIntegrity.decode(new Uint8Array(20), ctx)).toHaveLength(20);
  });
  it("verifies what the builder signs, with and without a trailing FINGERPRINT", () => {
    for (const fingerprint of [false, true]) {
      const bytes = new StunMessageBuilder(StunMethod.allocate, StunClass.request, ctx.transactionId)
        .add(Username, "1700000000:alice")
        .build({ integrityKey: key, fingerprint });
      const message = decoded(bytes);
      expect(verifyMessageIntegrity(message, key)).toBe(true);
      expect(verifyMessageIntegrity(message, longTermKey("1700000000:alice", "example.org", "other"))).toBe(false);
    }
  });
  it("a message without MESSAGE-INTEGRITY does not verify", () => {
    const bytes = new StunMessageBuilder(StunMethod.binding, StunClass.request, ctx.transactionId).build();
    expect(verifyMessageIntegrity(decoded(bytes), key)).toBe(false);
  });
});
