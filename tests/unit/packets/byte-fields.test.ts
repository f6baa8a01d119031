import { describe, expect, it } from "vitest";
import { TransactionRecordSchema } from "../../../src/shared/stun/transaction-record.ts";
import { fieldAt, messageFields, PacketLayoutError, recordBytes } from "../../../src/demos/packets/byte-fields.ts";
import { fieldHex, hexDumpRows } from "../../../src/demos/packets/hex-dump.ts";
import { decodeHeader } from "../../../src/demos/packets/header.ts";
import { allocationRecords, BINDING_REQUEST, BINDING_SUCCESS, RFC5769_IPV4_RESPONSE, nth } from "./fixtures.ts";

describe("fixtures follow the record schema", () => {
  it.each<[string, unknown]>([["RFC 5769 response", RFC5769_IPV4_RESPONSE], ["Binding request", BINDING_REQUEST], ["Binding success", BINDING_SUCCESS], ...allocationRecords().map((r, i): [string, unknown] => [`allocation ${String(i)}`, r])])("%s", (_name, record) => {
    expect(TransactionRecordSchema.safeParse(record).success).toBe(true);
  });
});

describe("messageFields: which bytes are which field", () => {
  it("splits the RFC 5769 §2.2 response into header fields and attribute header/value/padding", () => {
    const fields = messageFields(RFC5769_IPV4_RESPONSE);
    expect(fields.map((f) => [f.id, f.start, f.end])).toEqual([
      ["h-type", 0, 2],
      ["h-length", 2, 4],
      ["h-cookie", 4, 8],
      ["h-tid", 8, 20],
      ["a0-type", 20, 22],
      ["a0-length", 22, 24],
      ["a0-value", 24, 35],
      ["a0-padding", 35, 36], // "test vector" is 11 bytes: one byte of padding
      ["a1-type", 36, 38],
      ["a1-length", 38, 40],
      ["a1-value", 40, 48],
      ["a2-type", 48, 50],
      ["a2-length", 50, 52],
      ["a2-value", 52, 72],
      ["a3-type", 72, 74],
      ["a3-length", 74, 76],
      ["a3-value", 76, 80],
    ]);
    expect(fields.find((f) => f.id === "a1-value")?.label).toBe("XOR-MAPPED-ADDRESS value");
  });

  it("covers every byte exactly once", () => {
    const fields = messageFields(RFC5769_IPV4_RESPONSE);
    for (let i = 0; i < RFC5769_IPV4_RESPONSE.byteLength; i++) {
      expect(fields.filter((f) => i >= f.start && i < f.end)).toHaveLength(1);
    }
    expect(fieldAt(fields, 80)).toBeUndefined();
  });

  it("a bare Binding request is just the header", () => {
    expect(messageFields(BINDING_REQUEST).map((f) => f.role)).toEqual(["message-type", "message-length", "magic-cookie", "transaction-id"]);
  });

  it("refuses records whose attributes do not tile the message, saying where", () => {
    const shifted = { ...RFC5769_IPV4_RESPONSE, attributes: RFC5769_IPV4_RESPONSE.attributes.map((a, i) => (i === 1 ? { ...a, offset: 40 } : a)) };
    expect(() => messageFields(shifted)).toThrow(/attribute 1 \(XOR-MAPPED-ADDRESS\) starts at byte 40, expected 36/);
    const tooLong = { ...BINDING_SUCCESS, attributes: [{ ...nth(BINDING_SUCCESS.attributes, 0), length: 40 }] };
    expect(() => messageFields(tooLong)).toThrow(PacketLayoutError);
    const trailing = { ...BINDING_SUCCESS, attributes: [] };
    expect(() => messageFields(trailing)).toThrow(/end at byte 20 but the message is 32 bytes/);
  });

  it("recordBytes checks the hex against the declared length", () => {
    expect(recordBytes(BINDING_REQUEST)).toHaveLength(20);
    expect(() => recordBytes({ rawHex: "0001", byteLength: 2 })).toThrow(/at least 20 bytes/);
    expect(() => recordBytes({ rawHex: "zz", byteLength: 1 })).toThrow(/not lower-case hex/);
    expect(() => recordBytes({ ...BINDING_REQUEST, byteLength: 21 })).toThrow(/says 21 bytes but carries 20/);
  });
});

describe("hexDumpRows", () => {
  it("lays the message out one 32-bit word per row, each byte tagged with its field", () => {
    const bytes = recordBytes(RFC5769_IPV4_RESPONSE);
    const rows = hexDumpRows(bytes, messageFields(RFC5769_IPV4_RESPONSE));
    expect(rows).toHaveLength(20);
    expect(rows[0]).toEqual({
      offset: 0,
      offsetLabel: "0000",
      cells: [
        { index: 0, hex: "01", fieldId: "h-type" },
        { index: 1, hex: "01", fieldId: "h-type" },
        { index: 2, hex: "00", fieldId: "h-length" },
        { index: 3, hex: "3c", fieldId: "h-length" },
      ],
    });
    expect(rows[8]?.offsetLabel).toBe("0020");
    expect(rows[8]?.cells.map((c) => c.fieldId)).toEqual(["a0-value", "a0-value", "a0-value", "a0-padding"]);
    expect(rows[10]?.cells.map((c) => c.hex).join(" ")).toBe("00 01 a1 47");
  });

  it("keeps a short last row and rejects a silly row width", () => {
    const bytes = recordBytes(BINDING_REQUEST);
    const rows = hexDumpRows(bytes, messageFields(BINDING_REQUEST), 16);
    expect(rows.map((r) => r.cells.length)).toEqual([16, 4]);
    expect(() => hexDumpRows(bytes, [], 0)).toThrow(RangeError);
  });

  it("fieldHex prints a field's bytes", () => {
    const bytes = recordBytes(RFC5769_IPV4_RESPONSE);
    expect(fieldHex(bytes, { start: 4, end: 8 })).toBe("21 12 a4 42");
  });
});

describe("decodeHeader", () => {
  it("reads the RFC 5769 response header from the bytes", () => {
    const header = decodeHeader(recordBytes(RFC5769_IPV4_RESPONSE));
    expect(header).toMatchObject({ length: 60, cookie: 0x2112a442, cookieValid: true, transactionId: "b7e7a701bc34d686fa87dfae" });
    expect(header.messageType).toMatchObject({ type: 0x0101, method: 1, cls: 2 });
  });

  it("notices a wrong magic cookie and a short header", () => {
    const bytes = recordBytes(BINDING_REQUEST);
    bytes[4] = 0;
    expect(decodeHeader(bytes).cookieValid).toBe(false);
    expect(() => decodeHeader(bytes.subarray(0, 19))).toThrow(/20 bytes, got 19/);
  });
});
