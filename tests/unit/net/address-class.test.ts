import { describe, expect, it } from "vitest";
import { classifyAddress, isBehindNatSpace, isLoopback, type AddressKind } from "../../../src/shared/net/address-class.ts";

/** address → kind, block, RFC. The table the IPv4 lesson and the inspect page rely on. */
const TABLE: [string, AddressKind, string | undefined, string | undefined][] = [
  ["8.8.8.8", "public", undefined, "RFC 791"],
  ["1.1.1.1", "public", undefined, "RFC 791"],
  ["10.0.0.0", "private", "10.0.0.0/8", "RFC 1918"],
  ["10.255.255.255", "private", "10.0.0.0/8", "RFC 1918"],
  ["172.16.0.1", "private", "172.16.0.0/12", "RFC 1918"],
  ["172.31.255.255", "private", "172.16.0.0/12", "RFC 1918"],
  ["172.32.0.1", "public", undefined, "RFC 791"],
  ["172.15.255.255", "public", undefined, "RFC 791"],
  ["192.168.1.23", "private", "192.168.0.0/16", "RFC 1918"],
  ["100.64.0.1", "cgnat", "100.64.0.0/10", "RFC 6598"],
  ["100.127.255.255", "cgnat", "100.64.0.0/10", "RFC 6598"],
  ["100.128.0.0", "public", undefined, "RFC 791"],
  ["100.63.255.255", "public", undefined, "RFC 791"],
  ["127.0.0.1", "loopback", "127.0.0.0/8", "RFC 1122"],
  ["127.255.255.254", "loopback", "127.0.0.0/8", "RFC 1122"],
  ["169.254.10.20", "link-local", "169.254.0.0/16", "RFC 3927"],
  ["0.0.0.0", "unspecified", "0.0.0.0/32", "RFC 1122"],
  ["0.1.2.3", "reserved", "0.0.0.0/8", "RFC 1122"],
  ["224.0.0.251", "multicast", "224.0.0.0/4", "RFC 5771"],
  ["239.255.255.250", "multicast", "224.0.0.0/4", "RFC 5771"],
  ["255.255.255.255", "broadcast", "255.255.255.255/32", "RFC 919"],
  ["240.0.0.1", "reserved", "240.0.0.0/4", "RFC 1112"],
  ["192.0.2.1", "documentation", "192.0.2.0/24", "RFC 5737"],
  ["198.51.100.7", "documentation", "198.51.100.0/24", "RFC 5737"],
  ["203.0.113.7", "documentation", "203.0.113.0/24", "RFC 5737"],
  ["198.18.0.1", "reserved", "198.18.0.0/15", "RFC 2544"],
  ["2606:4700::1111", "ipv6-global", "2000::/3", "RFC 4291"],
  ["fd12:3456:789a::1", "ipv6-unique-local", "fc00::/7", "RFC 4193"],
  ["fc00::1", "ipv6-unique-local", "fc00::/7", "RFC 4193"],
  ["fe80::1c2b:3cff:fe4d:5e6f", "ipv6-link-local", "fe80::/10", "RFC 4291"],
  ["fe80::1%eth0", "ipv6-link-local", "fe80::/10", "RFC 4291"],
  ["::1", "ipv6-loopback", "::1/128", "RFC 4291"],
  ["::", "ipv6-unspecified", "::/128", "RFC 4291"],
  ["ff02::1", "ipv6-multicast", "ff00::/8", "RFC 4291"],
  ["2001:db8::1", "ipv6-documentation", "2001:db8::/32", "RFC 3849"],
  ["3fff::1", "ipv6-documentation", "3fff::/20", "RFC 9637"],
  ["64:ff9b::c000:221", "ipv6-nat64", "64:ff9b::/96", "RFC 6052"],
  ["::ffff:192.168.1.23", "ipv4-mapped", "::ffff:0:0/96", "RFC 4291"],
  ["8f3b2c1d-4e5f-4a6b-9c7d-0e1f2a3b4c5d.local", "mdns", undefined, "RFC 6762"],
  ["stun.example.org", "hostname", undefined, undefined],
  ["not an address", "invalid", undefined, undefined],
  ["1.2.3.999", "invalid", undefined, undefined],
  ["1::2::3", "invalid", undefined, undefined],
  ["", "invalid", undefined, undefined],
];

describe("classifyAddress", () => {
  it.each(TABLE)("%s is %s (%s, %s)", (address, kind, range, rfc) => {
    const c = classifyAddress(address);
    expect(c.kind).toBe(kind);
    expect(c.range).toBe(range);
    expect(c.rfc).toBe(rfc);
    expect(c.label.length).toBeGreaterThan(10);
  });

  it("says which private range an address is in, in the label", () => {
    expect(classifyAddress("192.168.1.23").label).toContain("192.168.0.0/16");
    expect(classifyAddress("100.64.1.1").label).toMatch(/carrier-grade NAT/u);
    expect(classifyAddress("x.local").label).toMatch(/hide your real local address/u);
  });

  it("classifies the IPv4 address inside an IPv4-mapped address", () => {
    const c = classifyAddress("::ffff:192.168.1.23");
    expect(c.mapped?.kind).toBe("private");
    expect(c.label).toContain("192.168.1.23");
    expect(isBehindNatSpace(c)).toBe(true);
  });

  it("marks what the internet can reach", () => {
    expect(classifyAddress("8.8.8.8").globallyReachable).toBe(true);
    expect(classifyAddress("2606:4700::1111").globallyReachable).toBe(true);
    expect(classifyAddress("10.0.0.1").globallyReachable).toBe(false);
    expect(classifyAddress("x.local").globallyReachable).toBe(false);
  });

  it("helpers: behind-NAT space and loopback", () => {
    expect(isBehindNatSpace(classifyAddress("100.64.0.1"))).toBe(true);
    expect(isBehindNatSpace(classifyAddress("fd00::1"))).toBe(true);
    expect(isBehindNatSpace(classifyAddress("8.8.8.8"))).toBe(false);
    expect(isLoopback(classifyAddress("127.0.0.1"))).toBe(true);
    expect(isLoopback(classifyAddress("::1"))).toBe(true);
    expect(isLoopback(classifyAddress("::ffff:127.0.0.1"))).toBe(true);
    expect(isLoopback(classifyAddress("localhost"))).toBe(true);
    expect(isLoopback(classifyAddress("192.168.0.1"))).toBe(false);
  });

  it("never throws on hostile input", () => {
    for (const input of ["\u0000", "a".repeat(10_000), "::".repeat(100), "1.2.3.4/24", "<script>", "%"]) {
      expect(() => classifyAddress(input)).not.toThrow();
    }
  });
});

describe("shortAddressName", () => {
  it("names every class in a few words", async () => {
    const { shortAddressName } = await import("../../../src/shared/net/address-class.ts");
    expect(shortAddressName(classifyAddress("::1"))).toBe("IPv6 loopback");
    expect(shortAddressName(classifyAddress("10.1.2.3"))).toBe("private, RFC 1918");
    for (const [address] of TABLE) expect(shortAddressName(classifyAddress(address)).length).toBeGreaterThan(3);
  });
});
