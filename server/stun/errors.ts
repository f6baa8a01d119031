// Errors are data: each says what failed and where, so a log line or the packet inspector can point
// at the byte. One class per concern: the message frame, and the value of one attribute.
import { ATTRIBUTE_NAMES } from "./constants.ts";

/** The 20-byte header or the attribute framing (type/length/padding) is wrong. */
export class StunDecodeError extends Error {
  override readonly name = "StunDecodeError";
  readonly offset: number;
  readonly reason: string;
  constructor(reason: string, offset: number) {
    super(`${reason} (at byte ${String(offset)})`);
    this.reason = reason;
    this.offset = offset;
  }
}

/** The framing is fine but one attribute's value cannot be understood. */
export class StunAttributeError extends Error {
  override readonly name = "StunAttributeError";
  readonly attributeType: number;
  readonly attributeName: string;
  /** Offset of the attribute's header within the message. */
  readonly offset: number;
  readonly reason: string;
  constructor(attributeType: number, offset: number, reason: string) {
    const name = ATTRIBUTE_NAMES[attributeType] ?? `0x${attributeType.toString(16).padStart(4, "0")}`;
    super(`${name} at byte ${String(offset)}: ${reason}`);
    this.attributeType = attributeType;
    this.attributeName = name;
    this.offset = offset;
    this.reason = reason;
  }
}

/** Thrown by an attribute codec on a bad value; the message layer adds type and offset. */
export class AttributeValueError extends Error {
  override readonly name = "AttributeValueError";
}
