import { describe, expect, it } from "vitest";
import { forwardedForFromTheRight, type ForwardedNode } from "../../../server/client-limits/forwarded.ts";

/** The `for=` nodes of a Forwarded value, right-most first, at most 16. */
const nodes = (header: string | string[]): ForwardedNode[] => [...forwardedForFromTheRight(header, 16)];
const address = (text: string): ForwardedNode => ({ kind: "address", address: text });
const UNKNOWN: ForwardedNode = { kind: "unknown" };
const OBFUSCATED: ForwardedNode = { kind: "obfuscated" };
const MISSING: ForwardedNode = { kind: "missing" };
const MALFORMED: ForwardedNode = { kind: "malformed" };

describe("forwardedForFromTheRight: the examples of RFC 7239", () => {
  it("§4: an obfuscated node, a quoted IPv6 address with a port (parameter names in any case), more parameters, two elements", () => {
    expect(nodes('for="_gazonk"')).toEqual([OBFUSCATED]);
    expect(nodes('For="[2001:db8:cafe::17]:4711"')).toEqual([address("2001:db8:cafe::17")]);
    expect(nodes("for=192.0.2.60;proto=http;by=203.0.113.43")).toEqual([address("192.0.2.60")]);
    // The right-most element is the one the last proxy added.
    expect(nodes("for=192.0.2.43, for=198.51.100.17")).toEqual([address("198.51.100.17"), address("192.0.2.43")]);
  });

  it("§6.2 and §6.3: unknown and obfuscated identifiers name no address", () => {
    expect(nodes("for=unknown")).toEqual([UNKNOWN]);
    expect(nodes("for=_hidden, for=_SEVKISEK")).toEqual([OBFUSCATED, OBFUSCATED]);
  });

  it("§7.1: spaces after the commas, and one list split over several header fields, read the same", () => {
    const expected = [UNKNOWN, address("2001:db8:cafe::17"), address("192.0.2.43")];
    expect(nodes('for=192.0.2.43,for="[2001:db8:cafe::17]",for=unknown')).toEqual(expected);
    expect(nodes('for=192.0.2.43, for="[2001:db8:cafe::17]", for=unknown')).toEqual(expected);
    expect(nodes(["for=192.0.2.43", 'for="[2001:db8:cafe::17]", for=unknown'])).toEqual(expected);
  });

  it("§7.4: the Forwarded form of X-Forwarded-For: 192.0.2.43, 2001:db8:cafe::17", () => {
    expect(nodes('for=192.0.2.43, for="[2001:db8:cafe::17]"')).toEqual([address("2001:db8:cafe::17"), address("192.0.2.43")]);
  });

  it("§7.5: what the origin server gets after two proxies", () => {
    expect(nodes("for=192.0.2.43, for=198.51.100.17;by=203.0.113.60;proto=http;host=example.com")).toEqual([address("198.51.100.17"), address("192.0.2.43")]);
  });
});

describe("forwardedForFromTheRight: node syntax (§6)", () => {
  it("reads IPv4 with or without a port (quoted, as ':' is not a token character), and obfuscated ports", () => {
    expect(nodes('for="192.0.2.43:47011"')).toEqual([address("192.0.2.43")]);
    expect(nodes('for="192.0.2.43:_port"')).toEqual([address("192.0.2.43")]);
    expect(nodes('for="[2001:db8::1]:_port"')).toEqual([address("2001:db8::1")]);
    expect(nodes('for="[2001:db8::1]"')).toEqual([address("2001:db8::1")]);
    expect(nodes('for="[::ffff:192.0.2.43]"')).toEqual([address("::ffff:192.0.2.43")]);
    expect(nodes('for="unknown:4711"')).toEqual([UNKNOWN]);
    expect(nodes("for=UNKNOWN")).toEqual([UNKNOWN]);
    expect(nodes('for="_hidden:4711"')).toEqual([OBFUSCATED]);
  });

  it.each([
    ["for=192.0.2.43:47011", "a port outside quotes (':' is not a token character)"],
    ["for=[2001:db8::1]", "brackets outside quotes"],
    ['for="2001:db8::1"', "IPv6 without brackets"],
    ['for="[fe80::1%eth0]"', "an IPv6 zone"],
    ['for="192.0.2.43:"', "an empty port"],
    ['for="192.0.2.43:123456"', "a port of six digits"],
    ['for="[2001:db8::1]:"', "an empty port after brackets"],
    ['for="192.0.2.256"', "not an IPv4 address"],
    ['for="192.0.2.043"', "a leading zero (not RFC 3986 IPv4address)"],
    ['for=""', "an empty value"],
    ["for=_", "an underscore alone"],
    ["for=198.51.100.7;for=192.0.2.43", "the same parameter twice (§4: MUST NOT occur more than once)"],
    ["for", "no value"],
    ["=192.0.2.43", "no name"],
    ['for="192.0.2.43', "an unterminated quoted-string"],
    ["for=192.0.2.43 198.51.100.7", "two values"],
    [`for=192.0.2.43;host="${"a".repeat(600)}"`, "an element longer than 512 characters"],
  ])("calls %j malformed: %s", (header) => {
    expect(nodes(header)).toEqual([MALFORMED]);
  });

  it("reads an element without `for` as missing (every parameter is optional, §5)", () => {
    expect(nodes("by=203.0.113.43;proto=https")).toEqual([MISSING]);
    expect(nodes("proto=https, for=192.0.2.43")).toEqual([address("192.0.2.43"), MISSING]);
  });
});

describe("forwardedForFromTheRight: the list", () => {
  it("keeps commas and semicolons inside quoted-strings, escapes included", () => {
    expect(nodes('for=192.0.2.43;host="a,b;c"')).toEqual([address("192.0.2.43")]);
    expect(nodes('for=198.51.100.7, for=192.0.2.43;ext="say \\"hi, there\\"\\\\"')).toEqual([address("192.0.2.43"), address("198.51.100.7")]);
  });

  it("tolerates spaces around pairs and empty pairs, and skips empty elements", () => {
    expect(nodes("for=192.0.2.43 ; proto=http;;")).toEqual([address("192.0.2.43")]);
    expect(nodes("for=192.0.2.43, , ,for=198.51.100.7,")).toEqual([address("198.51.100.7"), address("192.0.2.43")]);
    expect(nodes("")).toEqual([]);
  });

  it("reads the right-most elements whatever the client wrote to their left", () => {
    // An unterminated quoted-string meant to swallow the proxy's element, were the list read from the left.
    expect(nodes('for="203.0.113.1, for=198.51.100.7')).toEqual([address("198.51.100.7"), MALFORMED]);
    // A quoted-string whose escaped quote would end it early, were quotes matched naively.
    expect(nodes('for="x\\", for=203.0.113.1", for=198.51.100.7')).toEqual([address("198.51.100.7"), MALFORMED]);
    // A backslash at the very end of the client's part.
    expect(nodes('for="x\\, for="198.51.100.7:1234"')).toEqual([address("198.51.100.7"), MALFORMED]);
  });

  it("reads at most `max` elements of a huge header, empty ones counted", () => {
    const huge = [...Array.from({ length: 5000 }, () => "for=203.0.113.1"), ...Array.from({ length: 20 }, () => "for=198.51.100.7")].join(", ");
    expect([...forwardedForFromTheRight(huge, 16)]).toEqual(Array.from({ length: 16 }, () => address("198.51.100.7")));
    expect([...forwardedForFromTheRight(`for=203.0.113.1${",".repeat(5000)}`, 16)]).toEqual([]);
    const quoted = `for="${"x".repeat(100_000)}", for=198.51.100.7`;
    const started = performance.now();
    for (let i = 0; i < 100; i++) expect([...forwardedForFromTheRight(quoted, 16)]).toEqual([address("198.51.100.7"), MALFORMED]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
