import { describe, expect, it } from "vitest";
import { className, hex16, splitMessageType } from "../../../src/demos/packets/message-type.ts";

describe("splitMessageType (RFC 8489 §5 interleaved method and class bits)", () => {
  it.each([
    [0x0001, 0x001, 0, "Binding request"],
    [0x0101, 0x001, 2, "Binding success response"],
    [0x0111, 0x001, 3, "Binding error response"],
    [0x0003, 0x003, 0, "Allocate request"],
    [0x0113, 0x003, 3, "Allocate error response"],
    [0x0016, 0x006, 1, "Send indication"],
    [0x0017, 0x007, 1, "Data indication"],
    [0x0109, 0x009, 2, "ChannelBind success response"],
    [0x3eef, 0xfff, 0, "largest method"],
  ])("0x%s", (type, method, cls) => {
    expect(splitMessageType(type)).toMatchObject({ method, cls });
  });

  it("labels every bit: C1 at bit 8 and C0 at bit 4", () => {
    const { bits } = splitMessageType(0x0101);
    expect(bits.map((b) => b.label).join(" ")).toBe("0 0 M11 M10 M9 M8 M7 C1 M6 M5 M4 C0 M3 M2 M1 M0");
    expect(bits.map((b) => b.value).join("")).toBe("0000000100000001");
    expect(bits.filter((b) => b.role === "class").map((b) => [b.position, b.value])).toEqual([[8, 1], [4, 0]]);
  });

  it("rejects values that are not 16-bit", () => {
    expect(() => splitMessageType(0x10000)).toThrow(RangeError);
    expect(() => splitMessageType(-1)).toThrow(RangeError);
  });

  it("names classes and formats types", () => {
    expect([0, 1, 2, 3, 4].map(className)).toEqual(["request", "indication", "success response", "error response", "class 4"]);
    expect(hex16(0x101)).toBe("0x0101");
  });
});
