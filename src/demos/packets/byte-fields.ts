/**
 * Which bytes of a STUN message are which field, for the highlighted hex dump. Works from a
 * TransactionRecord alone: the 20-byte header (RFC 8489 §5) and, for each attribute, its 4-byte
 * header, its value and the padding that rounds it up to a multiple of 4 bytes (RFC 8489 §14:
 * "Each STUN attribute MUST end on a 32-bit boundary").
 */
import type { StunMessageRecord } from "../../shared/stun/transaction-record.ts";

export const HEADER_LENGTH = 20;

export type FieldRole = "message-type" | "message-length" | "magic-cookie" | "transaction-id" | "attribute-type" | "attribute-length" | "attribute-value" | "padding";

export interface ByteField {
  /** Stable id within one message: "h-type", "a2-value", ... */
  readonly id: string;
  /** What a reader calls it: "Message type", "XOR-MAPPED-ADDRESS value". */
  readonly label: string;
  readonly role: FieldRole;
  /** "header" or the attribute's index as "a0", "a1" ... */
  readonly group: string;
  /** First byte (inclusive) and end (exclusive), from the start of the message. */
  readonly start: number;
  readonly end: number;
}

export class PacketLayoutError extends Error {
  override name = "PacketLayoutError";
}

/** Attribute values are padded to 4 bytes; the padding is not counted in the attribute's length. */
export function paddedLength(length: number): number {
  return Math.ceil(length / 4) * 4;
}

/** The raw bytes of a record, checked against its declared byte length. */
export function recordBytes(record: Pick<StunMessageRecord, "rawHex" | "byteLength">): Uint8Array {
  const hex = record.rawHex;
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/u.test(hex)) throw new PacketLayoutError("the message bytes are not lower-case hex");
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  if (bytes.length !== record.byteLength) throw new PacketLayoutError(`the record says ${String(record.byteLength)} bytes but carries ${String(bytes.length)}`);
  if (bytes.length < HEADER_LENGTH) throw new PacketLayoutError(`a STUN message is at least ${String(HEADER_LENGTH)} bytes, got ${String(bytes.length)}`);
  return bytes;
}

/** Every field of the message in byte order, header first, then each attribute. */
export function messageFields(record: Pick<StunMessageRecord, "attributes" | "byteLength">): ByteField[] {
  const fields: ByteField[] = [
    { id: "h-type", label: "Message type", role: "message-type", group: "header", start: 0, end: 2 },
    { id: "h-length", label: "Message length", role: "message-length", group: "header", start: 2, end: 4 },
    { id: "h-cookie", label: "Magic cookie", role: "magic-cookie", group: "header", start: 4, end: 8 },
    { id: "h-tid", label: "Transaction ID", role: "transaction-id", group: "header", start: 8, end: 20 },
  ];
  let expectedOffset = HEADER_LENGTH;
  record.attributes.forEach((attribute, i) => {
    const { offset, length, name } = attribute;
    if (offset !== expectedOffset) throw new PacketLayoutError(`attribute ${String(i)} (${name}) starts at byte ${String(offset)}, expected ${String(expectedOffset)}`);
    const valueEnd = offset + 4 + length;
    const paddedEnd = offset + 4 + paddedLength(length);
    if (paddedEnd > record.byteLength) throw new PacketLayoutError(`attribute ${String(i)} (${name}) runs past the end of the message (byte ${String(paddedEnd)} of ${String(record.byteLength)})`);
    const group = `a${String(i)}`;
    fields.push(
      { id: `${group}-type`, label: `${name} type`, role: "attribute-type", group, start: offset, end: offset + 2 },
      { id: `${group}-length`, label: `${name} length`, role: "attribute-length", group, start: offset + 2, end: offset + 4 },
    );
    if (length > 0) fields.push({ id: `${group}-value`, label: `${name} value`, role: "attribute-value", group, start: offset + 4, end: valueEnd });
    if (paddedEnd > valueEnd) fields.push({ id: `${group}-padding`, label: `${name} padding`, role: "padding", group, start: valueEnd, end: paddedEnd });
    expectedOffset = paddedEnd;
  });
  if (expectedOffset !== record.byteLength) throw new PacketLayoutError(`the attributes end at byte ${String(expectedOffset)} but the message is ${String(record.byteLength)} bytes`);
  return fields;
}

/** The field a byte belongs to (every byte of a well-formed message belongs to exactly one). */
export function fieldAt(fields: readonly ByteField[], index: number): ByteField | undefined {
  return fields.find((f) => index >= f.start && index < f.end);
}
