import { AttributeType, HEADER_LENGTH } from "../constants.ts";
import { crc32 } from "../crc32.ts";
import type { StunMessage } from "../message.ts";
import { expectLength, type AttributeCodec } from "./attribute.ts";

/** RFC 8489 §14.7: the CRC is "XOR'ed with the 32-bit value 0x5354554e". */
export const FINGERPRINT_XOR = 0x5354554e;

/**
 * FINGERPRINT, RFC 8489 §14.7: "The value of the attribute is computed as the CRC-32 of the STUN
 * message up to (but excluding) the FINGERPRINT attribute itself, XOR'ed with the 32-bit value
 * 0x5354554e." §7: "When present, the FINGERPRINT attribute MUST be the last attribute in the message".
 */
export const Fingerprint: AttributeCodec<number> = {
  type: AttributeType.FINGERPRINT,
  name: "FINGERPRINT",
  encode: (value) => {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, value >>> 0);
    return out;
  },
  decode: (value) => {
    expectLength(value, 4);
    return new DataView(value.buffer, value.byteOffset, 4).getUint32(0);
  },
};

/** The FINGERPRINT value for an attribute placed at `attributeOffset` (header length patched to include it). */
export function computeFingerprint(message: Uint8Array, attributeOffset: number): number {
  const copy = Uint8Array.from(message.subarray(0, attributeOffset));
  const patchedLength = attributeOffset - HEADER_LENGTH + 8;
  copy[2] = patchedLength >> 8;
  copy[3] = patchedLength & 0xff;
  return (crc32(copy) ^ FINGERPRINT_XOR) >>> 0;
}

/** "absent", "ok", or "bad" (wrong value, wrong length, or not the last attribute). */
export function checkFingerprint(message: StunMessage): "absent" | "ok" | "bad" {
  const index = message.attributes.findIndex((a) => a.type === AttributeType.FINGERPRINT);
  if (index < 0) return "absent";
  const attribute = message.attributes[index];
  if (!attribute || index !== message.attributes.length - 1 || attribute.length !== 4) return "bad";
  const view = new DataView(attribute.value.buffer, attribute.value.byteOffset, 4);
  return view.getUint32(0) === computeFingerprint(message.raw, attribute.offset) ? "ok" : "bad";
}
