// Encoding a STUN message: attributes in order, each padded to 4 bytes, then optionally
// MESSAGE-INTEGRITY and FINGERPRINT, which must come last and in that order (RFC 8489 §14.5, §14.7).
import { AttributeType, HEADER_LENGTH, type StunClass } from "./constants.ts";
import type { AttributeCodec } from "./attributes/attribute.ts";
import { computeFingerprint } from "./attributes/fingerprint.ts";
import { MESSAGE_INTEGRITY_LENGTH, computeMessageIntegrity } from "./attributes/message-integrity.ts";
import { writeHeader } from "./message.ts";

export interface BuildOptions {
  /** Append MESSAGE-INTEGRITY computed with this key (long-term key for TURN). */
  readonly integrityKey?: Uint8Array | undefined;
  /** Append FINGERPRINT (RFC 8489 §7). */
  readonly fingerprint?: boolean | undefined;
}

export class StunMessageBuilder {
  readonly method: number;
  readonly cls: StunClass;
  readonly transactionId: Uint8Array;
  readonly #attributes: { type: number; value: Uint8Array }[] = [];

  constructor(method: number, cls: StunClass, transactionId: Uint8Array) {
    this.method = method;
    this.cls = cls;
    this.transactionId = transactionId;
  }

  /** Add an attribute through its codec. */
  add<T>(codec: AttributeCodec<T>, value: T): this {
    this.#attributes.push({ type: codec.type, value: codec.encode(value, this) });
    return this;
  }

  /** Add already-encoded value bytes (used by round-trip tests and the fuzzer). */
  addRaw(type: number, value: Uint8Array): this {
    this.#attributes.push({ type, value });
    return this;
  }

  build(options: BuildOptions = {}): Uint8Array {
    let bodyLength = 0;
    for (const a of this.#attributes) bodyLength += 4 + ((a.value.length + 3) & ~3);
    const integrityOffset = HEADER_LENGTH + bodyLength;
    if (options.integrityKey) bodyLength += 4 + MESSAGE_INTEGRITY_LENGTH;
    const fingerprintOffset = HEADER_LENGTH + bodyLength;
    if (options.fingerprint) bodyLength += 8;
    if (bodyLength > 0xffff) throw new RangeError(`message body of ${String(bodyLength)} bytes does not fit the 16-bit length field`);
    const out = new Uint8Array(HEADER_LENGTH + bodyLength);
    writeHeader(out, this.method, this.cls, bodyLength, this.transactionId);
    let offset = HEADER_LENGTH;
    for (const a of this.#attributes) {
      writeAttributeHeader(out, offset, a.type, a.value.length);
      out.set(a.value, offset + 4);
      offset += 4 + ((a.value.length + 3) & ~3);
    }
    if (options.integrityKey) {
      writeAttributeHeader(out, integrityOffset, AttributeType.MESSAGE_INTEGRITY, MESSAGE_INTEGRITY_LENGTH);
      out.set(computeMessageIntegrity(out, integrityOffset, options.integrityKey), integrityOffset + 4);
    }
    if (options.fingerprint) {
      writeAttributeHeader(out, fingerprintOffset, AttributeType.FINGERPRINT, 4);
      new DataView(out.buffer, out.byteOffset).setUint32(fingerprintOffset + 4, computeFingerprint(out, fingerprintOffset));
    }
    return out;
  }
}

function writeAttributeHeader(out: Uint8Array, offset: number, type: number, length: number): void {
  out[offset] = type >> 8;
  out[offset + 1] = type & 0xff;
  out[offset + 2] = length >> 8;
  out[offset + 3] = length & 0xff;
}
