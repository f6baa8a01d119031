/**
 * The 16-bit STUN message type, bit by bit. RFC 8489 §5: "The message type field is decomposed
 * further into the following structure": the two most significant bits are zero, and the 12 method
 * bits (M11..M0) are interleaved with the 2 class bits (C1, C0):
 *
 *    0                 1
 *    2  3  4 5 6 7 8 9 0 1 2 3 4 5
 *   +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
 *   |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
 *   +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * That odd layout is why a Binding request is 0x0001 but a Binding success response is 0x0101.
 */

export type TypeBitRole = "zero" | "method" | "class";

export interface TypeBit {
  /** Bit number in the 16-bit field, 15 = most significant. */
  readonly position: number;
  readonly value: 0 | 1;
  readonly role: TypeBitRole;
  /** "0", "M11" … "M0", "C1", "C0". */
  readonly label: string;
}

export interface MessageTypeParts {
  readonly type: number;
  readonly method: number;
  /** 0 request, 1 indication, 2 success response, 3 error response. */
  readonly cls: number;
  readonly bits: readonly TypeBit[];
}

const CLASS_NAMES = ["request", "indication", "success response", "error response"] as const;

/** Label of each bit from the most significant (bit 15) down to bit 0. */
const LAYOUT: readonly string[] = ["0", "0", "M11", "M10", "M9", "M8", "M7", "C1", "M6", "M5", "M4", "C0", "M3", "M2", "M1", "M0"];

export function splitMessageType(type: number): MessageTypeParts {
  if (!Number.isInteger(type) || type < 0 || type > 0xffff) throw new RangeError(`a message type is 16 bits, got ${String(type)}`);
  const method = ((type & 0x3e00) >> 2) | ((type & 0x00e0) >> 1) | (type & 0x000f);
  const cls = ((type & 0x0100) >> 7) | ((type & 0x0010) >> 4);
  const bits = LAYOUT.map((label, i): TypeBit => {
    const position = 15 - i;
    return {
      position,
      value: ((type >> position) & 1) === 1 ? 1 : 0,
      role: label === "0" ? "zero" : label.startsWith("C") ? "class" : "method",
      label,
    };
  });
  return { type, method, cls, bits };
}

export function className(cls: number): string {
  return CLASS_NAMES[cls] ?? `class ${String(cls)}`;
}

/** "0x0101" */
export function hex16(value: number): string {
  return `0x${value.toString(16).padStart(4, "0")}`;
}
