/**
 * The hex dump laid out as RFC 8489 draws messages: one 32-bit word (4 bytes) per row, so every
 * attribute starts on a new row. Each cell knows its field, so the page can highlight a field's
 * bytes when the reader points at the field, and the field when they point at a byte.
 */
import { fieldAt, type ByteField } from "./byte-fields.ts";

export interface HexCell {
  readonly index: number;
  /** Two lower-case hex digits. */
  readonly hex: string;
  readonly fieldId: string | undefined;
}

export interface HexRow {
  readonly offset: number;
  /** The offset as 4 hex digits, as in a classic dump: "0014". */
  readonly offsetLabel: string;
  readonly cells: readonly HexCell[];
}

export function hexDumpRows(bytes: Uint8Array, fields: readonly ByteField[], bytesPerRow = 4): HexRow[] {
  if (!Number.isInteger(bytesPerRow) || bytesPerRow < 1) throw new RangeError(`bytesPerRow must be a positive integer, got ${String(bytesPerRow)}`);
  const rows: HexRow[] = [];
  for (let offset = 0; offset < bytes.length; offset += bytesPerRow) {
    const cells: HexCell[] = [];
    for (let index = offset; index < Math.min(offset + bytesPerRow, bytes.length); index++) {
      cells.push({ index, hex: (bytes[index] ?? 0).toString(16).padStart(2, "0"), fieldId: fieldAt(fields, index)?.id });
    }
    rows.push({ offset, offsetLabel: offset.toString(16).padStart(4, "0"), cells });
  }
  return rows;
}

/** A field's bytes as spaced hex ("21 12 a4 42"), for the decoded-field tables. */
export function fieldHex(bytes: Uint8Array, field: Pick<ByteField, "start" | "end">): string {
  return Array.from(bytes.subarray(field.start, field.end), (b) => b.toString(16).padStart(2, "0")).join(" ");
}
