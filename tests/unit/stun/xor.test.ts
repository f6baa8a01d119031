import { describe, expect, it } from "vitest";
import { MAGIC_COOKIE, MAGIC_COOKIE_BYTES, explainXorAddress, xorAddressBytes, xorKey, xorPort } from "../../../src/shared/stun/xor.ts";
import { formatIP, fromHex, parseIP, parseIPv4, parseIPv6, toHex } from "../../../src/shared/stun/ip-bytes.ts";

// Transaction ID of RFC 5769 §2.2/§2.3 (b7 e7 a7 01 bc 34 d6 86 fa 87 df ae).
const TXID = fromHex("b7e7a701bc34d686fa87dfae");

describe("MAGIC_COOKIE", () => {
  it("is 0x2112A442 and its bytes are big-endian", () => {
    expect(MAGIC_COOKIE).toBe(0x2112a442);
    expect(toHex(MAGIC_COOKIE_BYTES)).toBe("2112a442");
  });
});

describe("xorPort", () => {
  it("matches RFC 5769 §2.2: port 32853 travels as 0xa147", () => {
    expect(xorPort(32853)).toBe(0xa147);
    expect(xorPort(0xa147)).toBe(32853);
  });
  it("rejects values that are not ports", () => {
    expect(() => xorPort(65536)).toThrow(RangeError);
    expect(() => xorPort(-1)).toThrow(RangeError);
    expect(() => xorPort(1.5)).toThrow(RangeError);
  });
});

describe("xorAddressBytes", () => {
  it("matches RFC 5769 §2.2 for IPv4 192.0.2.1 -> e1 12 a6 43", () => {
    const x = xorAddressBytes(Uint8Array.of(192, 0, 2, 1), TXID);
    expect(toHex(x)).toBe("e112a643");
    expect(formatIP(xorAddressBytes(x, TXID))).toBe("192.0.2.1");
  });
  it("matches RFC 5769 §2.3 for IPv6 2001:db8:1234:5678:11:2233:4455:6677", () => {
    const ip = parseIPv6("2001:db8:1234:5678:11:2233:4455:6677");
    if (!ip) throw new Error("parse failed");
    expect(toHex(xorAddressBytes(ip, TXID))).toBe("0113a9faa5d3f179bc25f4b5bed2b9d9");
  });
  it("uses the cookie then the transaction id as the IPv6 key", () => {
    expect(toHex(xorKey(16, TXID))).toBe("2112a442b7e7a701bc34d686fa87dfae");
    expect(toHex(xorKey(4, TXID))).toBe("2112a442");
  });
  it("refuses other lengths and short transaction ids", () => {
    expect(() => xorAddressBytes(new Uint8Array(5), TXID)).toThrow(RangeError);
    expect(() => xorAddressBytes(new Uint8Array(16), new Uint8Array(3))).toThrow(RangeError);
  });
  it("explains the XOR byte by byte", () => {
    const steps = explainXorAddress(Uint8Array.of(192, 0, 2, 1), TXID);
    expect(steps[0]).toEqual({ value: 192, key: 0x21, result: 0xe1 });
    expect(steps).toHaveLength(4);
  });
});

describe("ip-bytes", () => {
  it("parses and formats IPv4", () => {
    expect(parseIPv4("10.0.0.255")).toEqual(Uint8Array.of(10, 0, 0, 255));
    expect(parseIPv4("256.0.0.1")).toBeUndefined();
    expect(parseIPv4("01.2.3.4")).toBeUndefined();
    expect(parseIPv4("1.2.3")).toBeUndefined();
  });
  it("parses IPv6 forms and formats canonically (RFC 5952)", () => {
    const cases: [string, string][] = [
      ["::", "::"],
      ["::1", "::1"],
      ["fe80::1%eth0", "fe80::1"],
      ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
      ["::ffff:127.0.0.1", "::ffff:127.0.0.1"],
      ["::ffff:7f00:1", "::ffff:127.0.0.1"],
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
      ["[::1]", "::1"],
    ];
    for (const [input, expected] of cases) {
      const bytes = parseIP(input);
      expect(bytes, input).toBeDefined();
      if (bytes) expect(formatIP(bytes)).toBe(expected);
    }
    for (const bad of ["1::2::3", "12345::", ":::", "1:2:3:4:5:6:7:8:9", "g::1", "", "::ffff:1.2.3"]) {
      expect(parseIP(bad), bad).toBeUndefined();
    }
  });
  it("hex round trip and errors", () => {
    expect(toHex(fromHex("00 ff 10"))).toBe("00ff10");
    expect(() => fromHex("abc")).toThrow();
    expect(() => fromHex("zz")).toThrow();
  });
});
