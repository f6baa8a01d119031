import { describe, expect, it } from "vitest";
import { CandidateParseError, formatCandidate, isKnownCandidateType, parseCandidate } from "../../../src/shared/ice/candidate.ts";
import { splitPriority } from "../../../src/shared/ice/priority.ts";
import { fixture, readCandidateFixtures } from "../../fixtures/candidates/read-fixtures.ts";

describe("parseCandidate: Chromium fixtures", () => {
  const all = readCandidateFixtures("chromium");

  it("has the cases the inspect page must handle", () => {
    expect(all.map((f) => f.label)).toEqual(
      expect.arrayContaining(["host-ipv4-udp", "host-mdns", "srflx", "relay-udp", "relay-tcp", "relay-tls", "tcp-active", "tcp-passive", "host-ipv6", "prflx"]),
    );
  });

  it.each(all)("round-trips $label", ({ line }) => {
    const parsed = parseCandidate(line);
    expect(formatCandidate(parsed)).toBe(line);
    expect(formatCandidate(parsed, { prefix: "a=candidate:" })).toBe(`a=${line}`);
    expect(parseCandidate(`a=${line}\r\n`)).toEqual(parsed);
    expect(parseCandidate(line.slice("candidate:".length))).toEqual(parsed);
    expect(isKnownCandidateType(parsed.type)).toBe(true);
  });

  it("reads every field of a srflx candidate", () => {
    expect(parseCandidate(fixture("chromium", "srflx"))).toEqual({
      foundation: "842163049",
      component: 1,
      protocol: "udp",
      priority: 1677729535,
      address: "203.0.113.7",
      port: 61234,
      type: "srflx",
      relatedAddress: "192.168.1.23",
      relatedPort: 54321,
      generation: 0,
      ufrag: "EsAw",
      networkId: 1,
      networkCost: 10,
      extensions: [
        { name: "raddr", value: "192.168.1.23" },
        { name: "rport", value: "54321" },
        { name: "generation", value: "0" },
        { name: "ufrag", value: "EsAw" },
        { name: "network-id", value: "1" },
        { name: "network-cost", value: "10" },
      ],
    });
  });

  it("keeps mDNS names, IPv6 addresses and tcptype", () => {
    expect(parseCandidate(fixture("chromium", "host-mdns")).address).toMatch(/\.local$/u);
    expect(parseCandidate(fixture("chromium", "host-ipv6")).address).toBe("2001:db8:85a3::8a2e:370:7334");
    expect(parseCandidate(fixture("chromium", "tcp-active"))).toMatchObject({ protocol: "tcp", port: 9, tcpType: "active" });
    expect(parseCandidate(fixture("chromium", "tcp-passive")).tcpType).toBe("passive");
    expect(parseCandidate(fixture("chromium", "host-rtcp")).component).toBe(2);
  });

  it("shows the relay protocol in the type preference (UDP > TCP > TLS)", () => {
    const tp = (label: string): number => splitPriority(parseCandidate(fixture("chromium", label)).priority).typePreference;
    expect(tp("relay-udp")).toBeGreaterThan(tp("relay-tcp"));
    expect(tp("relay-tcp")).toBeGreaterThan(tp("relay-tls"));
  });
});

describe("parseCandidate: Firefox fixtures", () => {
  it.each(readCandidateFixtures("firefox"))("round-trips $label", ({ line }) => {
    expect(formatCandidate(parseCandidate(line))).toBe(line);
  });

  it("keeps the upper-case transport and has no Chromium extensions", () => {
    const c = parseCandidate(fixture("firefox", "srflx-hidden-base"));
    expect(c).toMatchObject({ protocol: "UDP", relatedAddress: "0.0.0.0", relatedPort: 0 });
    expect(c.generation).toBeUndefined();
    expect(c.ufrag).toBeUndefined();
  });
});

describe("formatCandidate", () => {
  it("writes changed named fields (masking) in place and keeps unknown extensions", () => {
    const c = parseCandidate("candidate:1 1 udp 1677729535 203.0.113.7 61234 typ srflx raddr 192.168.1.23 rport 54321 x-future 7");
    const masked = formatCandidate({ ...c, address: "x.x.x.x", relatedAddress: "y.y.y.y" });
    expect(masked).toBe("candidate:1 1 udp 1677729535 x.x.x.x 61234 typ srflx raddr y.y.y.y rport 54321 x-future 7");
  });

  it("drops a named extension that was removed and appends new ones", () => {
    const c = parseCandidate("candidate:1 1 udp 2122260223 192.0.2.1 1 typ host generation 0");
    delete c.generation;
    expect(formatCandidate({ ...c, ufrag: "abcd" }, { prefix: "" })).toBe("1 1 udp 2122260223 192.0.2.1 1 typ host ufrag abcd");
  });
});

describe("parseCandidate: errors say where", () => {
  const cases: [string, string, number][] = [
    ["", "foundation", 0],
    ["candidate:", "foundation", 10],
    ["candidate:1 0 udp 1 192.0.2.1 1 typ host", "component", 12],
    ["candidate:1 257 udp 1 192.0.2.1 1 typ host", "component", 12],
    ["candidate:1 1 udp x 192.0.2.1 1 typ host", "priority", 18],
    ["candidate:1 1 udp 4294967296 192.0.2.1 1 typ host", "priority", 18],
    ["candidate:1 1 udp 1 192.0.2.1 65536 typ host", "port", 30],
    ["candidate:1 1 udp 1 192.0.2.1 1 type host", "typ", 32],
    ["candidate:1 1 udp 1 192.0.2.1 1 typ", "type", 35],
    ["candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr", "raddr", 42],
    ["candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr 192.0.2.2 rport -1", "rport", 64],
    ["candidate:1 1 udp 1 192.0.2.1 1 typ host generation 0 generation 1", "generation", 54],
    ["candidate:1 1 udp 1 <script> 1 typ host", "address", 20],
    ["candidate:f*o 1 udp 1 192.0.2.1 1 typ host", "foundation", 10],
  ];
  it.each(cases)("%j fails at %s", (line, field, position) => {
    let error: unknown;
    try {
      parseCandidate(line);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CandidateParseError);
    const e = error as CandidateParseError;
    expect(e.field).toBe(field);
    expect(e.position).toBe(position);
    expect(e.message).toContain(`character ${position + 1}`);
  });

  it("refuses absurdly long input without scanning it all", () => {
    expect(() => parseCandidate(`candidate:1 1 udp 1 192.0.2.1 1 typ host ${"x ".repeat(5000)}`)).toThrow(/longer than 4096/u);
  });
});

describe("captured Chromium 156 candidates", () => {
  it("relay over UDP has type preference 3 in current Chromium (RELAY_UDP moved from 2 when TURN/DTLS arrived)", () => {
    const parts = splitPriority(parseCandidate(fixture("chromium", "captured-relay-udp")).priority);
    expect(parts).toEqual({ typePreference: 3, localPreference: 32287, componentId: 1 });
  });

  it("TCP host candidates use Chromium's HOST_TCP preference 90 and the discard port 9 for active", () => {
    const c = parseCandidate(fixture("chromium", "captured-tcp-active"));
    expect(splitPriority(c.priority).typePreference).toBe(90);
    expect(c).toMatchObject({ port: 9, tcpType: "active", ufrag: "SX/m" });
  });
});
