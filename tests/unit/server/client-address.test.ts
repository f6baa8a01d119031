import { describe, expect, it } from "vitest";
import { clientAddress, MAX_FORWARDED_HOPS, NO_TRUSTED_PROXIES, parseTrustedProxies } from "../../../server/client-limits/client-address.ts";

const loopback = parseTrustedProxies("loopback");

describe("parseTrustedProxies (TRUST_PROXY)", () => {
  it("takes loopback, addresses and CIDR blocks of both families, separated by commas", () => {
    const trusted = parseTrustedProxies(" loopback , 10.0.0.0/8,192.0.2.7, 2001:db8::/32 ");
    expect(trusted.description).toBe("loopback, 10.0.0.0/8, 192.0.2.7, 2001:db8::/32");
    // loopback is two blocks (127.0.0.0/8 and ::1), the rest one each.
    expect(trusted.blocks.map((b) => b.bits)).toEqual([8, 128, 8, 32, 32]);
    expect(parseTrustedProxies("LOOPBACK").blocks).toHaveLength(2);
    // An IPv4-mapped address is the IPv4 address (a dual-stack socket's view of the proxy).
    expect(parseTrustedProxies("::ffff:192.0.2.7").blocks[0]).toEqual({ bytes: new Uint8Array([192, 0, 2, 7]), bits: 32 });
  });

  it.each([
    ["", "expected loopback and/or IP addresses or CIDR blocks"],
    [" , ", "expected loopback and/or IP addresses or CIDR blocks"],
    ["true", '"true" is not loopback, an IP address or a CIDR block like 10.0.0.0/8'],
    ["proxy.example.org", '"proxy.example.org" is not loopback'],
    ["loopback;10.0.0.1", '"loopback;10.0.0.1" is not loopback'],
    ["10.0.0.256", '"10.0.0.256" is not loopback'],
    ["10.0.0.0/33", '"10.0.0.0/33": the prefix length must be a whole number from 1 to 32'],
    ["2001:db8::/129", "from 1 to 128"],
    ["10.0.0.0/x", "the prefix length must be"],
    ["0.0.0.0/0", "would trust every address, so any client could choose its own address"],
    ["::/0", "would trust every address"],
    ["10.0.0.1/8", '"10.0.0.1/8" has address bits set past its prefix; did you mean 10.0.0.0/8?'],
    ["2001:db8::1/64", "did you mean 2001:db8::/64?"],
    ["::ffff:10.0.0.0/104", "write it as an IPv4 block"],
  ])("refuses %j, saying why", (text, message) => {
    expect(() => parseTrustedProxies(text)).toThrow(message);
  });
});

describe("clientAddress", () => {
  it("is the peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddress("203.0.113.9", undefined, NO_TRUSTED_PROXIES)).toBe("203.0.113.9");
    expect(clientAddress("127.0.0.1", "198.51.100.1", NO_TRUSTED_PROXIES)).toBe("127.0.0.1");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy (no spoofing)", () => {
    expect(clientAddress("203.0.113.9", "198.51.100.1", loopback)).toBe("203.0.113.9");
    expect(clientAddress("203.0.113.9", "127.0.0.1", loopback)).toBe("203.0.113.9");
  });

  it("takes the address a trusted proxy appended", () => {
    expect(clientAddress("127.0.0.1", "198.51.100.1", loopback)).toBe("198.51.100.1");
    expect(clientAddress("::1", "198.51.100.1", loopback)).toBe("198.51.100.1");
    // A trusted proxy without the header is the client itself.
    expect(clientAddress("127.0.0.1", undefined, loopback)).toBe("127.0.0.1");
  });

  it("walks a chain from the right, skipping trusted proxies, to the first untrusted address", () => {
    const trusted = parseTrustedProxies("loopback,10.0.0.0/8");
    // Client-written junk, the real client as the edge proxy saw it, the edge proxy as nginx saw it.
    expect(clientAddress("127.0.0.1", "1.1.1.1, 198.51.100.7, 10.1.2.3", trusted)).toBe("198.51.100.7");
    // Whatever the client puts on the left cannot move it.
    expect(clientAddress("127.0.0.1", "203.0.113.1, 10.9.9.9, 198.51.100.7, 10.1.2.3", trusted)).toBe("198.51.100.7");
    expect(clientAddress("127.0.0.1", "10.0.0.8, 127.0.0.1", trusted)).toBe("10.0.0.8");
    // Every hop trusted: the left-most one the walk reached is the client.
    expect(clientAddress("127.0.0.1", "10.0.0.8, 10.0.0.9", trusted)).toBe("10.0.0.8");
  });

  it("reads duplicate headers as one list", () => {
    expect(clientAddress("127.0.0.1", ["203.0.113.1", "198.51.100.7"], loopback)).toBe("198.51.100.7");
  });

  it("accepts ports and brackets, and prints addresses canonically (IPv4-mapped as IPv4)", () => {
    expect(clientAddress("127.0.0.1", "198.51.100.7:51234", loopback)).toBe("198.51.100.7");
    expect(clientAddress("127.0.0.1", "[2001:DB8::0:1]:443", loopback)).toBe("2001:db8::1");
    expect(clientAddress("127.0.0.1", "[2001:db8::1]", loopback)).toBe("2001:db8::1");
    expect(clientAddress("127.0.0.1", "::ffff:198.51.100.7", loopback)).toBe("198.51.100.7");
    expect(clientAddress("::ffff:127.0.0.1", "198.51.100.7", loopback)).toBe("198.51.100.7");
    expect(clientAddress("::ffff:203.0.113.9", undefined, NO_TRUSTED_PROXIES)).toBe("203.0.113.9");
  });

  it("stops at anything a proxy could not have written, at the last address it could trust", () => {
    for (const junk of ["garbage", "", " , ", "unknown", "1.2.3", "1.2.3.4.5", "[::1", "1.2.3.4:port", "<script>", "x".repeat(10_000)]) {
      expect(clientAddress("127.0.0.1", junk, loopback), JSON.stringify(junk.slice(0, 20))).toBe("127.0.0.1");
    }
    // Junk left of the real client is never reached.
    expect(clientAddress("127.0.0.1", "garbage, 198.51.100.7", loopback)).toBe("198.51.100.7");
    // Junk right of a trusted hop: the trusted hop is as far as anyone can vouch.
    expect(clientAddress("127.0.0.1", "198.51.100.7, junk, 127.0.0.5", loopback)).toBe("127.0.0.5");
  });

  it("reads at most MAX_FORWARDED_HOPS entries of a huge header", () => {
    const trusted = parseTrustedProxies("loopback");
    const chain = [...Array.from({ length: 5000 }, () => "198.51.100.7"), ...Array.from({ length: MAX_FORWARDED_HOPS + 5 }, (_, i) => `127.0.0.${String(i + 1)}`)].join(", ");
    expect(chain.length).toBeGreaterThan(60_000);
    // All of the last MAX_FORWARDED_HOPS entries are trusted: the walk stops at the last one read.
    expect(clientAddress("127.0.0.1", chain, trusted)).toBe(`127.0.0.${String(5 + 1)}`);
    const started = performance.now();
    for (let i = 0; i < 1000; i++) clientAddress("127.0.0.1", chain, trusted);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('is "unknown" when the connection has lost its peer address', () => {
    expect(clientAddress(undefined, "198.51.100.7", loopback)).toBe("unknown");
  });
});

describe("clientAddress with TRUST_PROXY_HEADER=forwarded (RFC 7239)", () => {
  const viaForwarded = parseTrustedProxies("loopback", "forwarded");

  it("reads the header the trusted proxies write, and only that one", () => {
    expect(parseTrustedProxies("loopback").header).toBe("x-forwarded-for");
    expect(viaForwarded.header).toBe("forwarded");
    expect(clientAddress("127.0.0.1", "for=198.51.100.7", viaForwarded)).toBe("198.51.100.7");
    // An X-Forwarded-For value given where Forwarded is read names nothing.
    expect(clientAddress("127.0.0.1", "198.51.100.7", viaForwarded)).toBe("127.0.0.1");
    expect(clientAddress("127.0.0.1", "for=198.51.100.7", loopback)).toBe("127.0.0.1");
  });

  it("§7.5: walks the chain from the right as far as the proxies are trusted", () => {
    const header = "for=192.0.2.43, for=198.51.100.17;by=203.0.113.60;proto=http;host=example.com";
    // The origin trusts only the proxy that connects to it: the client is whoever connected to that proxy.
    expect(clientAddress("203.0.113.60", header, parseTrustedProxies("203.0.113.60", "forwarded"))).toBe("198.51.100.17");
    // Trusting the first proxy too reaches the office client behind it.
    expect(clientAddress("203.0.113.60", header, parseTrustedProxies("203.0.113.60, 198.51.100.17", "forwarded"))).toBe("192.0.2.43");
    // From a peer it does not trust, the header is ignored.
    expect(clientAddress("203.0.113.9", header, viaForwarded)).toBe("203.0.113.9");
  });

  it("§7.4: gives the same client as the X-Forwarded-For it replaces", () => {
    const trusted = "loopback, 192.0.2.43";
    expect(clientAddress("127.0.0.1", "192.0.2.43, 2001:db8:cafe::17", parseTrustedProxies(trusted))).toBe("2001:db8:cafe::17");
    expect(clientAddress("127.0.0.1", 'for=192.0.2.43, for="[2001:db8:cafe::17]"', parseTrustedProxies(trusted, "forwarded"))).toBe("2001:db8:cafe::17");
    expect(clientAddress("127.0.0.1", 'for="[2001:DB8:cafe::0:17]:4711"', viaForwarded)).toBe("2001:db8:cafe::17");
    expect(clientAddress("127.0.0.1", 'for="[::ffff:198.51.100.7]"', viaForwarded)).toBe("198.51.100.7");
  });

  it("§7.1: reads several Forwarded headers as one list", () => {
    expect(clientAddress("127.0.0.1", ["for=203.0.113.1", 'for="[2001:db8:cafe::17]", for=198.51.100.7'], viaForwarded)).toBe("198.51.100.7");
  });

  it("stops at unknown, obfuscated, missing or malformed nodes: the proxy that wrote them is the client", () => {
    for (const header of ["for=unknown", 'for="_gazonk"', "for=_hidden", "proto=https", "for=[2001:db8::1]", 'for="2001:db8::1"', "for=garbage"]) {
      expect(clientAddress("127.0.0.1", header, viaForwarded), header).toBe("127.0.0.1");
      // Whatever stands left of it is never reached: nobody trusted vouches for it.
      expect(clientAddress("127.0.0.1", `for=198.51.100.7, ${header}`, viaForwarded), header).toBe("127.0.0.1");
    }
    // Behind a trusted hop: that hop is as far as anyone can vouch.
    expect(clientAddress("127.0.0.1", "for=198.51.100.7, for=unknown, for=127.0.0.5", viaForwarded)).toBe("127.0.0.5");
  });

  it("cannot be steered by what the client wrote left of the proxy's element", () => {
    // The client's own Forwarded, passed on by a proxy that appends its element to it.
    expect(clientAddress("127.0.0.1", "for=203.0.113.1, for=198.51.100.7", viaForwarded)).toBe("198.51.100.7");
    // An unterminated quoted-string that would swallow the proxy's element if the list were read from the left.
    expect(clientAddress("127.0.0.1", 'for="127.0.0.9, for=198.51.100.7', viaForwarded)).toBe("198.51.100.7");
    expect(clientAddress("127.0.0.1", ['for="127.0.0.9', "for=198.51.100.7"], viaForwarded)).toBe("198.51.100.7");
  });

  it("reads at most MAX_FORWARDED_HOPS elements of a huge header", () => {
    const chain = [...Array.from({ length: 5000 }, () => "for=198.51.100.7"), ...Array.from({ length: MAX_FORWARDED_HOPS + 5 }, (_, i) => `for=127.0.0.${String(i + 1)}`)].join(", ");
    expect(clientAddress("127.0.0.1", chain, viaForwarded)).toBe(`127.0.0.${String(5 + 1)}`);
    const started = performance.now();
    for (let i = 0; i < 1000; i++) clientAddress("127.0.0.1", chain, viaForwarded);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
