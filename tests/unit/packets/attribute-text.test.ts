import { describe, expect, it } from "vitest";
import { attributePurpose, attributeValueText } from "../../../src/demos/packets/attribute-text.ts";
import { allocationRecords, RFC5769_IPV4_RESPONSE, nth } from "./fixtures.ts";

describe("attributeValueText", () => {
  it("renders each attribute of the RFC 5769 response", () => {
    expect(RFC5769_IPV4_RESPONSE.attributes.map(attributeValueText)).toEqual(['"test vector"', "192.0.2.1:32853", "0x2b91f599fd9e90c38c7489f92af9ba53f06be7d7", "0xc07d4c96"]);
  });
  it("renders TURN attributes", () => {
    const records = allocationRecords();
    const [allocate, challenge, granted] = [nth(records, 0), nth(records, 1), nth(records, 3)];
    expect(allocate.attributes.map(attributeValueText)).toEqual(["17 (UDP)"]);
    expect(attributeValueText(nth(challenge.attributes, 0))).toBe("401 Unauthorized");
    expect(granted.attributes.map(attributeValueText)).toEqual(["192.0.2.10:49152", "198.51.100.7:50123", "600 s"]);
    expect(attributeValueText({ type: 0x000a, name: "UNKNOWN-ATTRIBUTES", offset: 20, length: 4, value: [0x0024, 0x8001] })).toBe("0x0024, 0x8001");
    expect(attributeValueText({ type: 0x0020, name: "XOR-MAPPED-ADDRESS", offset: 20, length: 20, value: { address: "2001:db8::1", port: 1 } })).toBe("[2001:db8::1]:1");
    expect(attributeValueText({ type: 0x0020, name: "XOR-MAPPED-ADDRESS", offset: 20, length: 3, value: "000102", error: "too short" })).toBe("0x000102");
    expect(attributeValueText({ type: 0x7777, name: "0x7777", offset: 20, length: 1, value: "ff" })).toBe("0xff");
  });
  it("explains known attributes and admits unknown ones", () => {
    expect(attributePurpose("XOR-MAPPED-ADDRESS")).toMatch(/XOR-ed/);
    expect(attributePurpose("0x7777")).toMatch(/does not explain/);
  });
});
