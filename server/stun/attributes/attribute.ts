// What every attribute file exports: a codec between the value bytes and a typed value.
// Codecs throw AttributeValueError with a reason; getAttribute adds which attribute and where.
import { AttributeValueError, StunAttributeError } from "../errors.ts";
import type { RawAttribute, StunMessage } from "../message.ts";

export interface AttributeContext {
  /** Needed by the XOR-ed address attributes (RFC 8489 §14.2, IPv6 uses the transaction ID). */
  readonly transactionId: Uint8Array;
}

export interface AttributeCodec<T> {
  readonly type: number;
  readonly name: string;
  encode(value: T, context: AttributeContext): Uint8Array;
  decode(value: Uint8Array, context: AttributeContext): T;
}

/** Decode one raw attribute; errors name the attribute and its offset in the message. */
export function decodeAttribute<T>(codec: AttributeCodec<T>, raw: RawAttribute, context: AttributeContext): T {
  try {
    return codec.decode(raw.value, context);
  } catch (error) {
    if (error instanceof AttributeValueError) throw new StunAttributeError(raw.type, raw.offset, error.message);
    throw error;
  }
}

/** The first attribute of this codec's type in the message, decoded, or undefined if absent. */
export function getAttribute<T>(message: StunMessage, codec: AttributeCodec<T>): T | undefined {
  for (const raw of message.attributes) {
    if (raw.type === codec.type) return decodeAttribute(codec, raw, message);
  }
  return undefined;
}

/** Every attribute of this codec's type (CreatePermission may carry several XOR-PEER-ADDRESS). */
export function getAttributes<T>(message: StunMessage, codec: AttributeCodec<T>): T[] {
  const out: T[] = [];
  for (const raw of message.attributes) if (raw.type === codec.type) out.push(decodeAttribute(codec, raw, message));
  return out;
}

export function expectLength(value: Uint8Array, length: number): void {
  if (value.length !== length) throw new AttributeValueError(`value must be ${String(length)} bytes, got ${String(value.length)}`);
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Codec for the UTF-8 text attributes (USERNAME, REALM, NONCE, SOFTWARE), each with the byte limit
 * its RFC section sets.
 */
export function textCodec(type: number, name: string, maxBytes: number): AttributeCodec<string> {
  return {
    type,
    name,
    encode(value) {
      const bytes = utf8.encode(value);
      if (bytes.length > maxBytes) throw new AttributeValueError(`${name} is limited to ${String(maxBytes)} bytes, got ${String(bytes.length)}`);
      return bytes;
    },
    decode(value) {
      if (value.length > maxBytes) throw new AttributeValueError(`longer than the ${String(maxBytes)}-byte limit`);
      try {
        return strictUtf8.decode(value);
      } catch {
        throw new AttributeValueError("not valid UTF-8");
      }
    },
  };
}
