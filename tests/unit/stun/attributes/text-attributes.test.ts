import { describe, expect, it } from "vitest";
import { fromHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { AttributeValueError } from "../../../../server/stun/errors.ts";
import { Nonce } from "../../../../server/stun/attributes/nonce.ts";
import { Realm } from "../../../../server/stun/attributes/realm.ts";
import { Software } from "../../../../server/stun/attributes/software.ts";
import { Username } from "../../../../server/stun/attributes/username.ts";

const ctx = { transactionId: fromHex("b7e7a701bc34d686fa87dfae") };

describe("USERNAME, REALM, NONCE, SOFTWARE (RFC 8489 §14.3, §14.9, §14.10, §14.14)", () => {
  for (const [codec, limit] of [[Username, 508], [Realm, 763], [Nonce, 763], [Software, 763]] as const) {
    it(`${codec.name} round-trips UTF-8 and enforces its ${String(limit)}-byte limit`, () => {
      expect(codec.decode(codec.encode("マトリックス:example", ctx), ctx)).toBe("マトリックス:example");
      expect(() => codec.encode("x".repeat(limit + 1), ctx)).toThrow(AttributeValueError);
      expect(() => codec.decode(new Uint8Array(limit + 1).fill(0x61), ctx)).toThrow(/limit/);
      expect(() => codec.decode(fromHex("c328"), ctx)).toThrow(/UTF-8/);
    });
  }
});
