// RFC 5769 "Test Vectors for Session Traversal Utilities for NAT (STUN)": decode, check integrity
// and fingerprint, and re-encode.
import { describe, expect, it } from "vitest";
import { toHex } from "../../../src/shared/stun/ip-bytes.ts";
import { StunMessageBuilder } from "../../../server/stun/builder.ts";
import { AttributeType, StunClass, StunMethod } from "../../../server/stun/constants.ts";
import { getAttribute } from "../../../server/stun/attributes/attribute.ts";
import { checkFingerprint } from "../../../server/stun/attributes/fingerprint.ts";
import { longTermKey, verifyMessageIntegrity } from "../../../server/stun/attributes/message-integrity.ts";
import { Nonce } from "../../../server/stun/attributes/nonce.ts";
import { Realm } from "../../../server/stun/attributes/realm.ts";
import { Software } from "../../../server/stun/attributes/software.ts";
import { Username } from "../../../server/stun/attributes/username.ts";
import { XorMappedAddress } from "../../../server/stun/attributes/xor-mapped-address.ts";
import { decodeStunMessage, type StunMessage } from "../../../server/stun/message.ts";
import { readFixture } from "./fixtures/read-fixture.ts";

function decode(bytes: Uint8Array): StunMessage {
  const result = decodeStunMessage(bytes);
  if (!result.ok) throw result.error;
  return result.message;
}

const utf8 = new TextEncoder();

describe("RFC 5769 §2.1 sample request", () => {
  const { bytes, meta } = readFixture("2.1-sample-request.txt");
  const message = decode(bytes);
  it("decodes header and attributes", () => {
    expect(message.method).toBe(StunMethod.binding);
    expect(message.cls).toBe(StunClass.request);
    expect(toHex(message.transactionId)).toBe("b7e7a701bc34d686fa87dfae");
    expect(message.attributes.map((a) => a.type)).toEqual([
      AttributeType.SOFTWARE,
      AttributeType.PRIORITY,
      AttributeType.ICE_CONTROLLED,
      AttributeType.USERNAME,
      AttributeType.MESSAGE_INTEGRITY,
      AttributeType.FINGERPRINT,
    ]);
    expect(getAttribute(message, Software)).toBe(meta["software"]);
    expect(getAttribute(message, Username)).toBe(meta["username"]);
  });
  it("has a valid short-term MESSAGE-INTEGRITY and FINGERPRINT", () => {
    expect(verifyMessageIntegrity(message, utf8.encode(meta["password"] ?? ""))).toBe(true);
    expect(verifyMessageIntegrity(message, utf8.encode("wrong"))).toBe(false);
    expect(checkFingerprint(message)).toBe("ok");
  });
  it("detects a flipped bit through the fingerprint (RFC 5769 negative test)", () => {
    const copy = Uint8Array.from(bytes);
    copy[27] = 23;
    expect(checkFingerprint(decode(copy))).toBe("bad");
  });
});

for (const [file, family] of [
  ["2.2-sample-ipv4-response.txt", "IPv4"],
  ["2.3-sample-ipv6-response.txt", "IPv6"],
] as const) {
  describe(`RFC 5769 ${file.slice(0, 3)} sample ${family} response`, () => {
    const { bytes, meta } = readFixture(file);
    const message = decode(bytes);
    it("decodes the XOR-MAPPED-ADDRESS", () => {
      expect(message.cls).toBe(StunClass.successResponse);
      const mapped = getAttribute(message, XorMappedAddress);
      expect(`${mapped?.address ?? ""}:${String(mapped?.port)}`).toBe(meta["mapped"]);
      expect(getAttribute(message, Software)).toBe(meta["software"]);
    });
    it("checks MESSAGE-INTEGRITY and FINGERPRINT", () => {
      expect(verifyMessageIntegrity(message, utf8.encode(meta["password"] ?? ""))).toBe(true);
      expect(checkFingerprint(message)).toBe("ok");
    });
    it("re-encodes to an equal message (padding normalised to zeros)", () => {
      const again = new StunMessageBuilder(message.method, message.cls, message.transactionId)
        .add(Software, getAttribute(message, Software) ?? "")
        .add(XorMappedAddress, getAttribute(message, XorMappedAddress) ?? { address: "0.0.0.0", port: 0 })
        .build({ integrityKey: utf8.encode(meta["password"] ?? ""), fingerprint: true });
      const decoded = decode(again);
      expect(verifyMessageIntegrity(decoded, utf8.encode(meta["password"] ?? ""))).toBe(true);
      expect(checkFingerprint(decoded)).toBe("ok");
      expect(getAttribute(decoded, XorMappedAddress)).toEqual(getAttribute(message, XorMappedAddress));
      // Only the padding byte of SOFTWARE (0x20 in the RFC, 0x00 now) and the two checksums differ.
      const differing = [...bytes.keys()].filter((i) => bytes[i] !== again[i]);
      const software = message.attributes[0];
      const mi = message.attributes.find((a) => a.type === AttributeType.MESSAGE_INTEGRITY);
      const fp = message.attributes.find((a) => a.type === AttributeType.FINGERPRINT);
      for (const i of differing) {
        const inPadding = software !== undefined && i === software.offset + 4 + software.length;
        const inMi = mi !== undefined && i >= mi.offset + 4 && i < mi.offset + 24;
        const inFp = fp !== undefined && i >= fp.offset + 4;
        expect(inPadding || inMi || inFp, `byte ${String(i)}`).toBe(true);
      }
    });
  });
}

describe("RFC 5769 §2.4 sample request with long-term authentication", () => {
  const { bytes, meta } = readFixture("2.4-sample-request-long-term.txt");
  const message = decode(bytes);
  const key = longTermKey(meta["username"] ?? "", meta["realm"] ?? "", meta["password after SASLprep"] ?? "");
  it("decodes USERNAME, NONCE and REALM", () => {
    expect(getAttribute(message, Username)).toBe("マトリックス");
    expect(getAttribute(message, Nonce)).toBe(meta["nonce"]);
    expect(getAttribute(message, Realm)).toBe(meta["realm"]);
    expect(checkFingerprint(message)).toBe("absent");
  });
  it("verifies MESSAGE-INTEGRITY with the long-term key MD5(username:realm:password)", () => {
    expect(verifyMessageIntegrity(message, key)).toBe(true);
    const tampered = Uint8Array.from(bytes);
    tampered[32] = 10;
    expect(verifyMessageIntegrity(decode(tampered), key)).toBe(false);
  });
  it("re-encodes byte for byte", () => {
    const again = new StunMessageBuilder(StunMethod.binding, StunClass.request, message.transactionId)
      .add(Username, getAttribute(message, Username) ?? "")
      .add(Nonce, getAttribute(message, Nonce) ?? "")
      .add(Realm, getAttribute(message, Realm) ?? "")
      .build({ integrityKey: key });
    expect(toHex(again)).toBe(toHex(bytes));
  });
});
