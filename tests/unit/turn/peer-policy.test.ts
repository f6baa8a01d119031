import { describe, expect, it } from "vitest";
import { formatIP, parseIP } from "../../../src/shared/stun/ip-bytes.ts";
import { createPeerPolicy, embeddedIPv4 } from "../../../server/turn/peer-policy.ts";

const strict = createPeerPolicy({ allowPrivatePeers: false, ownAddresses: ["203.0.113.10"] });
const lax = createPeerPolicy({ allowPrivatePeers: true, ownAddresses: [] });

/** Every IPv6 spelling of an IPv4 address that a client could put in XOR-PEER-ADDRESS. */
function ipv6Forms(v4: string): string[] {
  const b = parseIP(v4);
  if (!b) throw new Error(v4);
  const hex = (i: number) => (((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)).toString(16);
  return [
    `::ffff:${v4}`, // IPv4-mapped, dotted
    `::ffff:${hex(0)}:${hex(2)}`, // IPv4-mapped, hex
    `0:0:0:0:0:ffff:${v4}`, // IPv4-mapped, uncompressed
    `::FFFF:${v4}`, // upper case
    `::${v4}`, // IPv4-compatible (deprecated)
    `64:ff9b::${v4}`, // NAT64 well-known prefix
    `::ffff:0:${v4}`, // IPv4-translated (SIIT)
    `2002:${hex(0)}:${hex(2)}::1`, // 6to4
  ];
}

const DENIED_V4: [string, string][] = [
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["10.1.2.3", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["100.64.0.1", "cgnat"],
  ["100.127.255.255", "cgnat"],
  ["169.254.169.254", "link-local"],
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["255.255.255.255", "broadcast"],
  ["240.0.0.1", "reserved"],
  ["192.0.0.8", "reserved"],
  ["198.18.0.1", "private"],
  ["198.19.255.254", "private"],
];

describe("peer policy: IPv4 (RFC 1918, RFC 6598, RFC 3927, RFC 5771)", () => {
  it.each(DENIED_V4)("denies %s (%s)", (ip, reason) => {
    expect(strict.check(ip)).toMatchObject({ allowed: false, reason });
  });
  it.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "192.0.2.1", "198.51.100.7", "11.0.0.1"])("allows public %s", (ip) => {
    expect(strict.check(ip)).toEqual({ allowed: true });
  });
});

describe("peer policy: every IPv6 form embedding a denied IPv4 (CVE-2026-27624 class)", () => {
  for (const [v4, reason] of DENIED_V4) {
    it.each(ipv6Forms(v4))(`denies %s (${v4}, ${reason})`, (ip) => {
      expect(strict.check(ip).allowed).toBe(false);
    });
  }
  it("allows IPv6 forms of public IPv4 addresses", () => {
    for (const ip of ipv6Forms("8.8.8.8").filter((f) => !f.startsWith("2002:") && !f.startsWith("::8"))) expect(strict.check(ip), ip).toEqual({ allowed: true });
  });
});

describe("peer policy: IPv6 (RFC 4291, RFC 4193)", () => {
  it.each([
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["fe80::1", "link-local"],
    ["febf::1", "link-local"],
    ["fec0::1", "site-local"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["ff02::1", "multicast"],
    ["2001:0:4136:e378::1", "teredo"],
    ["64:ff9b:1::a9fe:a9fe", "private"],
    ["64:ff9b:1:ffff::1", "private"],
    ["100::1", "reserved"],
  ])("denies %s (%s)", (ip, reason) => {
    expect(strict.check(ip)).toMatchObject({ allowed: false, reason });
  });
  it("allows global unicast", () => {
    expect(strict.check("2001:db8::1")).toEqual({ allowed: true });
    expect(strict.check("2606:4700::1111")).toEqual({ allowed: true });
  });
  it("refuses what is not an IP", () => {
    expect(strict.check("localhost")).toMatchObject({ allowed: false, reason: "not-an-ip" });
  });
});

describe("peer policy options", () => {
  it("allowPrivatePeers opens loopback/private/link-local/ULA (and their mapped forms) but never unspecified or multicast", () => {
    for (const ip of ["127.0.0.1", "::ffff:127.0.0.1", "10.0.0.1", "169.254.1.1", "fd00::1", "::1", "100.64.1.1"]) expect(lax.check(ip), ip).toEqual({ allowed: true });
    for (const ip of ["0.0.0.0", "::", "::ffff:0.0.0.0", "224.0.0.1", "ff02::1", "255.255.255.255"]) expect(lax.check(ip).allowed, ip).toBe(false);
  });
  it("the server's own address is allowed even when it is private, in every spelling", () => {
    const own = createPeerPolicy({ allowPrivatePeers: false, ownAddresses: ["127.0.0.1"] });
    expect(own.check("127.0.0.1")).toEqual({ allowed: true });
    expect(own.check("::ffff:127.0.0.1")).toEqual({ allowed: true });
    expect(own.isOwnAddress("::ffff:7f00:1")).toBe(true);
    expect(own.check("127.0.0.2").allowed).toBe(false);
    expect(strict.isOwnAddress("203.0.113.10")).toBe(true);
  });
  it("embeddedIPv4 unwraps only the embedding forms", () => {
    const unwrap = (s: string) => {
      const inner = embeddedIPv4(parseIP(s) ?? new Uint8Array());
      return inner ? formatIP(inner) : undefined;
    };
    expect(unwrap("::ffff:1.2.3.4")).toBe("1.2.3.4");
    expect(unwrap("64:ff9b::1.2.3.4")).toBe("1.2.3.4");
    expect(unwrap("2002:102:304::")).toBe("1.2.3.4");
    expect(unwrap("::1")).toBeUndefined();
    expect(unwrap("2001:db8::1")).toBeUndefined();
  });
});
