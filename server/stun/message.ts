// The STUN message frame (RFC 8489 §5 and §6.3): a 20-byte header, then type-length-value
// attributes padded to 4 bytes. Decoding never throws: it returns the error as data.
import { MAGIC_COOKIE, TRANSACTION_ID_LENGTH } from "../../src/shared/stun/xor.ts";
import { HEADER_LENGTH, type StunClass } from "./constants.ts";
import { StunDecodeError } from "./errors.ts";

/** One attribute as it sits in the message: where it starts and its unpadded value. */
export interface RawAttribute {
  readonly type: number;
  /** Offset of the attribute's 4-byte header from the start of the message. */
  readonly offset: number;
  /** Length of the value without padding, as written in the attribute header. */
  readonly length: number;
  readonly value: Uint8Array;
}

export interface StunMessage {
  readonly method: number;
  readonly cls: StunClass;
  readonly transactionId: Uint8Array;
  readonly attributes: readonly RawAttribute[];
  /** The bytes the message was decoded from (needed to check MESSAGE-INTEGRITY and FINGERPRINT). */
  readonly raw: Uint8Array;
}

export type DecodeResult = { ok: true; message: StunMessage } | { ok: false; error: StunDecodeError };

/**
 * RFC 8489 §5: "The message type field is decomposed further into the following structure":
 * M11..M7 C1 M6..M4 C0 M3..M0, i.e. the two class bits are interleaved with the 12 method bits.
 */
export function encodeMessageType(method: number, cls: StunClass): number {
  return (method & 0x000f) | ((cls & 0b01) << 4) | ((method & 0x0070) << 1) | ((cls & 0b10) << 7) | ((method & 0x0f80) << 2);
}

export function decodeMessageType(type: number): { method: number; cls: StunClass } {
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const cls = (((type >> 4) & 0b01) | ((type >> 7) & 0b10)) as StunClass;
  return { method, cls };
}

/**
 * RFC 8489 §6.3: "the first two bits of the message are zero ... the Magic Cookie field has the
 * correct value, ... the message length is sensible". A cheap check done before any allocation.
 */
export function looksLikeStun(bytes: Uint8Array): boolean {
  if (bytes.length < HEADER_LENGTH || ((bytes[0] ?? 0xff) & 0xc0) !== 0) return false;
  return bytes[4] === 0x21 && bytes[5] === 0x12 && bytes[6] === 0xa4 && bytes[7] === 0x42;
}

/**
 * The most attributes a message may carry. RFC 8489 sets no limit, but browsers send fewer than 15
 * and a 64 KB message of zero-length attributes holds 16,000: more than this is treated as malformed,
 * so no per-attribute work downstream can be made to scale with a flood of them.
 */
export const MAX_ATTRIBUTES = 128;

/** Decode one STUN message that fills `bytes` exactly (the UDP framing of RFC 8489 §6.2.1). */
export function decodeStunMessage(bytes: Uint8Array): DecodeResult {
  const fail = (reason: string, offset: number): DecodeResult => ({ ok: false, error: new StunDecodeError(reason, offset) });
  if (bytes.length < HEADER_LENGTH) return fail(`message shorter than the ${String(HEADER_LENGTH)}-byte header (${String(bytes.length)} bytes)`, 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(0);
  if ((type & 0xc000) !== 0) return fail("the two most significant bits of a STUN message must be zero", 0);
  const length = view.getUint16(2);
  if (length % 4 !== 0) return fail(`message length ${String(length)} is not a multiple of 4`, 2);
  if (view.getUint32(4) !== MAGIC_COOKIE) return fail("magic cookie is not 0x2112A442", 4);
  if (HEADER_LENGTH + length !== bytes.length) {
    return fail(`message length field says ${String(length)} bytes of attributes but ${String(bytes.length - HEADER_LENGTH)} follow the header`, 2);
  }
  const attributes: RawAttribute[] = [];
  let offset = HEADER_LENGTH;
  while (offset < bytes.length) {
    if (offset + 4 > bytes.length) return fail("truncated attribute header", offset);
    if (attributes.length === MAX_ATTRIBUTES) return fail(`more than ${String(MAX_ATTRIBUTES)} attributes`, offset);
    const attrType = view.getUint16(offset);
    const attrLength = view.getUint16(offset + 2);
    const padded = (attrLength + 3) & ~3;
    if (offset + 4 + padded > bytes.length) {
      return fail(`attribute 0x${attrType.toString(16).padStart(4, "0")} declares ${String(attrLength)} bytes, past the end of the message`, offset);
    }
    attributes.push({ type: attrType, offset, length: attrLength, value: bytes.subarray(offset + 4, offset + 4 + attrLength) });
    offset += 4 + padded;
  }
  const { method, cls } = decodeMessageType(type);
  return {
    ok: true,
    message: { method, cls, transactionId: bytes.subarray(8, 8 + TRANSACTION_ID_LENGTH), attributes, raw: bytes },
  };
}

/** First attribute of a type, or undefined. */
export function findAttribute(message: StunMessage, type: number): RawAttribute | undefined {
  for (const a of message.attributes) if (a.type === type) return a;
  return undefined;
}

/** Write the 20-byte header into `out` (which must be at least 20 bytes). */
export function writeHeader(out: Uint8Array, method: number, cls: StunClass, bodyLength: number, transactionId: Uint8Array): void {
  if (transactionId.length !== TRANSACTION_ID_LENGTH) throw new RangeError("a transaction ID is 12 bytes");
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint16(0, encodeMessageType(method, cls));
  view.setUint16(2, bodyLength);
  view.setUint32(4, MAGIC_COOKIE);
  out.set(transactionId, 8);
}
