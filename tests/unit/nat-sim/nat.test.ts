/**
 * One NAT against RFC 4787: mapping reuse and creation (§4.1), port assignment in order (§4.2
 * leaves the choice to the NAT), and filtering (§5) per mapping, each decision with its reason.
 *
 * X:x is the inside socket 192.168.1.23:50000; the NAT's public address is 203.0.113.5.
 * Y1:y1 = 192.0.2.10:3478, Y1:y2 = 192.0.2.10:3479 (same address, other port),
 * Y2:y1 = 198.51.100.9:3478 (another address).
 */
import { describe, expect, it } from "vitest";
import type { Dependence } from "../../../src/demos/nat-sim/behaviours.ts";
import { Nat, type TransportAddress } from "../../../src/demos/nat-sim/nat.ts";

const X = { ip: "192.168.1.23", port: 50000 };
const X2 = { ip: "192.168.1.24", port: 50000 };
const Y1y1 = { ip: "192.0.2.10", port: 3478 };
const Y1y2 = { ip: "192.0.2.10", port: 3479 };
const Y2y1 = { ip: "198.51.100.9", port: 3478 };

const nat = (mapping: Dependence, filtering: Dependence = "endpoint-independent") => new Nat({ publicIp: "203.0.113.5", behaviour: { mapping, filtering }, firstPort: 62000 });
const port = (n: Nat, to: TransportAddress, from = X) => n.outbound(from, to).source.port;

describe("mapping behaviour (RFC 4787 §4.1)", () => {
  // The external port X:x gets toward each destination, sent in this order: Y1:y1, Y1:y2, Y2:y1, Y1:y1 again.
  it.each([
    ["endpoint-independent", [62000, 62000, 62000, 62000]],
    ["address-dependent", [62000, 62000, 62001, 62000]],
    ["address-and-port-dependent", [62000, 62001, 62002, 62000]],
  ] as const)("%s: external ports %j", (mapping, expected) => {
    const n = nat(mapping);
    expect([Y1y1, Y1y2, Y2y1, Y1y1].map((to) => port(n, to))).toEqual(expected);
    expect(n.mappings.length).toBe(new Set(expected).size);
  });

  it("gives a different inside socket its own mapping, the next port in order, whatever the behaviour", () => {
    const n = nat("endpoint-independent");
    expect(port(n, Y1y1)).toBe(62000);
    expect(port(n, Y1y1, X2)).toBe(62001);
    expect(port(n, Y2y1)).toBe(62000);
  });

  it("says whether it created or reused the mapping, naming the RFC term", () => {
    const n = nat("address-dependent");
    const first = n.outbound(X, Y1y1);
    expect(first.created).toBe(true);
    expect(first.reason).toBe("Address-dependent mapping (RFC 4787 §4.1): 192.168.1.23:50000 has no mapping yet, so the NAT creates one, 203.0.113.5:62000.");
    const again = n.outbound(X, Y1y2);
    expect(again.created).toBe(false);
    expect(again.reason).toMatch(/^Address-dependent mapping \(RFC 4787 §4\.1\): .* has sent to 192\.0\.2\.10 before, so its mapping 203\.0\.113\.5:62000 is reused/u);
    const fresh = n.outbound(X, Y2y1);
    expect(fresh.created).toBe(true);
    expect(fresh.reason).toMatch(/^Address-dependent mapping \(RFC 4787 §4\.1\): .* has not sent to 198\.51\.100\.9 before, so it gets a new mapping, 203\.0\.113\.5:62001\.$/u);
    expect(nat("endpoint-independent").outbound(X, Y1y1).reason).toMatch(/^Endpoint-independent mapping \(RFC 4787 §4\.1\): .* has no mapping yet/u);
  });

  it("records, per mapping, each destination sent to (once) and the one it was made for", () => {
    const n = nat("address-dependent");
    for (const to of [Y1y1, Y1y2, Y1y1, Y2y1]) n.outbound(X, to);
    expect(n.mappings).toEqual([
      { internal: X, external: { ip: "203.0.113.5", port: 62000 }, madeFor: Y1y1, sentTo: [Y1y1, Y1y2] },
      { internal: X, external: { ip: "203.0.113.5", port: 62001 }, madeFor: Y2y1, sentTo: [Y2y1] },
    ]);
  });
});

describe("filtering behaviour (RFC 4787 §5)", () => {
  // X:x has sent to Y1:y1 only. Who may send in to its mapping 203.0.113.5:62000?
  const senders = { "Y1:y1 (sent to)": Y1y1, "Y1:y2 (same address, other port)": Y1y2, "Y2:y1 (other address)": Y2y1 };
  it.each([
    ["endpoint-independent", [true, true, true]],
    ["address-dependent", [true, true, false]],
    ["address-and-port-dependent", [true, false, false]],
  ] as const)("%s: accepts %j", (filtering, expected) => {
    const n = nat("endpoint-independent", filtering);
    n.outbound(X, Y1y1);
    const verdicts = Object.values(senders).map((from) => n.inbound(from, { ip: "203.0.113.5", port: 62000 }));
    expect(verdicts.map((v) => v.accepted)).toEqual(expected);
    for (const v of verdicts) {
      if (v.accepted) expect(v.destination).toEqual(X);
      else expect(v.rule).toBe("filtering");
      expect(v.reason).toMatch(new RegExp(`^${filtering.replace(/^./u, (c) => c.toUpperCase())} filtering \\(RFC 4787 §5\\): `, "u"));
    }
  });

  it("drops a packet to an external port with no mapping, under every filtering behaviour", () => {
    for (const filtering of ["endpoint-independent", "address-dependent", "address-and-port-dependent"] as const) {
      const n = nat("endpoint-independent", filtering);
      n.outbound(X, Y1y1);
      const verdict = n.inbound(Y1y1, { ip: "203.0.113.5", port: 62001 });
      expect(verdict).toMatchObject({ accepted: false, rule: "no-mapping", mapping: undefined });
      expect(verdict.reason).toBe("No mapping has external address 203.0.113.5:62001, so the NAT cannot tell which inside host the packet is for: dropped.");
    }
  });

  it("filters by what was sent through the mapping the packet arrives on, not through another", () => {
    // Address-and-port-dependent mapping: X:x has two mappings, 62000 (to Y1:y1) and 62001 (to Y2:y1).
    const n = nat("address-and-port-dependent", "address-and-port-dependent");
    n.outbound(X, Y1y1);
    n.outbound(X, Y2y1);
    expect(n.inbound(Y2y1, { ip: "203.0.113.5", port: 62001 }).accepted).toBe(true);
    const wrong = n.inbound(Y2y1, { ip: "203.0.113.5", port: 62000 });
    expect(wrong.accepted).toBe(false);
    expect(wrong.reason).toContain("192.168.1.23:50000 has not sent to 198.51.100.9:3478 through this mapping");
  });

  it("does not change the table when a packet comes in", () => {
    const n = nat("endpoint-independent", "endpoint-independent");
    n.outbound(X, Y1y1);
    const before = n.mappings;
    n.inbound(Y2y1, { ip: "203.0.113.5", port: 62000 });
    expect(n.mappings).toEqual(before);
  });
});

describe("what a filter remembers: per mapping, or per inside socket (RFC 4787 §5 read two ways)", () => {
  // X:x sends to Y1 and then to Y2 through an address-dependent-mapping NAT: two mappings, 62000 for
  // Y1 and 62001 for Y2. Then Y1 sends to 62001, the mapping made for Y2.
  const setUp = (filterMemory?: "mapping" | "socket") => {
    const n = new Nat({ publicIp: "203.0.113.5", behaviour: { mapping: "address-dependent", filtering: "address-dependent" }, firstPort: 62000, ...(filterMemory ? { filterMemory } : {}) });
    n.outbound(X, Y1y1);
    n.outbound(X, Y2y1);
    return n.inbound(Y1y2, { ip: "203.0.113.5", port: 62001 });
  };

  it("per mapping (the default): what X:x sent through its other mapping does not count, so Y1 is dropped", () => {
    const result = setUp();
    expect(result).toMatchObject({ accepted: false, rule: "filtering" });
    expect(result.reason).toContain("has not sent to 192.0.2.10 through this mapping");
    expect(setUp("mapping")).toEqual(result);
  });

  it("per inside socket: X:x has sent to Y1 (through 62000), so Y1 gets in through 62001 too", () => {
    const result = setUp("socket");
    expect(result).toMatchObject({ accepted: true, destination: X });
    expect(result.reason).toContain("has sent to 192.0.2.10 through any of its mappings");
  });

  it("makes no difference to a socket with one mapping", () => {
    for (const filterMemory of ["mapping", "socket"] as const) {
      const n = new Nat({ publicIp: "203.0.113.5", behaviour: { mapping: "endpoint-independent", filtering: "address-and-port-dependent" }, firstPort: 62000, filterMemory });
      n.outbound(X, Y1y1);
      expect(n.inbound(Y1y2, { ip: "203.0.113.5", port: 62000 }).accepted, filterMemory).toBe(false);
      expect(n.inbound(Y1y1, { ip: "203.0.113.5", port: 62000 }).accepted, filterMemory).toBe(true);
    }
  });
});
