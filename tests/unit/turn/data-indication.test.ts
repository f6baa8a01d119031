import { describe, expect, it } from "vitest";
import { StunClass, StunMethod } from "../../../server/stun/constants.ts";
import { getAttribute } from "../../../server/stun/attributes/attribute.ts";
import { Data } from "../../../server/stun/attributes/data.ts";
import { XorPeerAddress } from "../../../server/stun/attributes/xor-peer-address.ts";
import { decodeStunMessage } from "../../../server/stun/message.ts";
import { DataIndicationWriter } from "../../../server/turn/data-indication.ts";

describe("Data indication fast path (RFC 8656 §11.3)", () => {
  const writer = new DataIndicationWriter();
  it.each([0, 1, 2, 3, 4, 1000, 1001])("decodes as a valid Data indication with %i bytes of data", (size) => {
    for (const peer of [{ address: "192.0.2.1", port: 40000 }, { address: "2001:db8::7", port: 9 }]) {
      const data = Uint8Array.from({ length: size }, (_, i) => i & 0xff);
      const parts = writer.build(peer, data);
      const bytes = Buffer.concat(parts);
      expect(bytes.length % 4).toBe(0);
      const decoded = decodeStunMessage(bytes);
      if (!decoded.ok) throw decoded.error;
      expect(decoded.message.method).toBe(StunMethod.data);
      expect(decoded.message.cls).toBe(StunClass.indication);
      expect(getAttribute(decoded.message, XorPeerAddress)).toEqual(peer);
      expect(Buffer.from(getAttribute(decoded.message, Data) ?? []).equals(Buffer.from(data))).toBe(true);
      expect(parts[1]).toBe(data); // the payload is not copied
    }
  });
  it("uses a different transaction ID for each indication", () => {
    const a = decodeStunMessage(Buffer.concat(writer.build({ address: "192.0.2.1", port: 1 }, new Uint8Array(4))));
    const b = decodeStunMessage(Buffer.concat(writer.build({ address: "192.0.2.1", port: 1 }, new Uint8Array(4))));
    if (!a.ok || !b.ok) throw new Error("decode failed");
    expect(Buffer.from(a.message.transactionId).equals(Buffer.from(b.message.transactionId))).toBe(false);
  });
});
