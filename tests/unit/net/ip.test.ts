import { describe, expect, it } from "vitest";
import {
  formatIPv4,
  formatIPv4Cidr,
  IPV4_ADDRESS_COUNT,
  ipv4CidrContains,
  ipv4CidrSize,
  Ipv4ParseError,
  isIPv4,
  parseIPv4,
  parseIPv4Cidr,
} from "../../../src/shared/net/ipv4.ts";
import { formatIPv6, formatIPv6Cidr, ipv4FromMapped, ipv6CidrContains, Ipv6ParseError, isIPv6, parseIPv6, parseIPv6Cidr, parseIPv6WithZone } from "../../../src/shared/net/ipv6.ts";

describe("IPv4", () => {
  it("has 2^32 addresses", () => {
    expect(IPV4_ADDRESS_COUNT).toBe(4294967296);
  });

  it.each([
    ["0.0.0.0", 0],
    ["255.255.255.255", 4294967295],
    ["192.168.1.23", 0xc0a80117],
    ["10.0.0.1", 0x0a000001],
  ])("parses %s and formats it back", (text, value) => {
    expect(parseIPv4(text)).toBe(value);
    expect(formatIPv4(value)).toBe(text);
  });

  it.each([
    ["1.2.3", 0],
    ["1.2.3.4.5", 0],
    ["256.1.1.1", 0],
    ["1.2.3.256", 6],
    ["01.2.3.4", 0],
    ["1..3.4", 2],
    ["1.2.3.x", 6],
    [" 1.2.3.4", 0],
    ["", 0],
  ])("refuses %j (position %i)", (text, position) => {
    expect(() => parseIPv4(text)).toThrow(Ipv4ParseError);
    try {
      parseIPv4(text);
    } catch (e) {
      expect((e as Ipv4ParseError).position).toBe(position);
    }
    expect(isIPv4(text)).toBe(false);
  });

  it("checks CIDR membership at the block edges", () => {
    const block = parseIPv4Cidr("172.16.0.0/12");
    expect(ipv4CidrSize(block)).toBe(2 ** 20);
    expect(ipv4CidrContains(block, parseIPv4("172.16.0.0"))).toBe(true);
    expect(ipv4CidrContains(block, parseIPv4("172.31.255.255"))).toBe(true);
    expect(ipv4CidrContains(block, parseIPv4("172.15.255.255"))).toBe(false);
    expect(ipv4CidrContains(block, parseIPv4("172.32.0.0"))).toBe(false);
    expect(ipv4CidrContains(parseIPv4Cidr("0.0.0.0/0"), 4294967295)).toBe(true);
    expect(formatIPv4Cidr(block)).toBe("172.16.0.0/12");
  });

  it("refuses CIDR text with host bits or a bad length", () => {
    expect(() => parseIPv4Cidr("10.0.0.1/8")).toThrow(/host bits/u);
    expect(() => parseIPv4Cidr("10.0.0.0/33")).toThrow(/prefix length/u);
    expect(() => parseIPv4Cidr("10.0.0.0")).toThrow(/missing/u);
  });

  it("refuses to format out-of-range numbers", () => {
    expect(() => formatIPv4(-1)).toThrow(RangeError);
    expect(() => formatIPv4(2 ** 32)).toThrow(RangeError);
  });
});

describe("IPv6", () => {
  it.each([
    ["::", "::"],
    ["::1", "::1"],
    ["2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:db8::0:1", "2001:db8::1"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["fe80::1", "fe80::1"],
    ["::ffff:192.0.2.1", "::ffff:192.0.2.1"],
    ["::ffff:c000:0201", "::ffff:192.0.2.1"],
    ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
  ])("parses %s into canonical text %s (RFC 5952)", (text, canonical) => {
    expect(formatIPv6(parseIPv6(text))).toBe(canonical);
  });

  it("keeps a zone apart", () => {
    expect(parseIPv6WithZone("fe80::1%eth0")).toEqual({ value: parseIPv6("fe80::1"), zone: "eth0" });
  });

  it.each(["1:2:3:4:5:6:7", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3", "[::1]", "1.2.3.4", "fe80::1%", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7::8"])(
    "refuses %j",
    (text) => {
      expect(() => parseIPv6(text)).toThrow(Ipv6ParseError);
      expect(isIPv6(text)).toBe(false);
    },
  );

  it("finds the IPv4 address inside an IPv4-mapped address", () => {
    expect(ipv4FromMapped(parseIPv6("::ffff:10.1.2.3"))).toBe(parseIPv4("10.1.2.3"));
    expect(ipv4FromMapped(parseIPv6("2001:db8::1"))).toBeUndefined();
  });

  it("checks CIDR membership", () => {
    const ula = parseIPv6Cidr("fc00::/7");
    expect(ipv6CidrContains(ula, parseIPv6("fd12:3456:789a::1"))).toBe(true);
    expect(ipv6CidrContains(ula, parseIPv6("fe00::1"))).toBe(false);
    expect(formatIPv6Cidr(parseIPv6Cidr("2001:db8::/32"))).toBe("2001:db8::/32");
    expect(() => parseIPv6Cidr("2001:db8::1/32")).toThrow(/host bits/u);
    expect(() => parseIPv6Cidr("::/129")).toThrow(/prefix length/u);
  });
});
