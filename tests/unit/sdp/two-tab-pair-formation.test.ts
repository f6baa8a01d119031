/**
 * The pairing rules, one concrete pair of candidates at a time: RFC 8445 §6.1.2.2 (component,
 * address family, IPv6 link-local), RFC 6544 §6.2 (transport, TCP types, passive pruning) and
 * RFC 8445 §6.1.2.4 (a server-reflexive local candidate replaced by its base). Addresses from the
 * documentation ranges (RFC 5737, RFC 3849).
 */
import { describe, expect, it } from "vitest";
import { addressFacts, mismatches, predictPair, type PairingCandidate } from "../../../src/demos/two-tab/pair-formation.ts";

const cand = (type: string, address: string | undefined, port: number, extra: Partial<PairingCandidate> = {}): PairingCandidate => ({ type, protocol: "udp", address, port, component: 1, ...extra });

const HOST_V4 = cand("host", "192.0.2.10", 50000);
const HOST_V6 = cand("host", "2001:db8::10", 50002);
const SRFLX = cand("srflx", "203.0.113.7", 40000, { relatedAddress: "192.0.2.10", relatedPort: 50000 });
const RELAY = cand("relay", "198.51.100.5", 60000, { relatedAddress: "203.0.113.7", relatedPort: 40000 });
const LOCALS = [HOST_V4, HOST_V6, SRFLX, RELAY];
const REMOTE_V4 = cand("host", "192.0.2.20", 7000);
const REMOTE_V6 = cand("host", "2001:db8::20", 7001);

describe("addressFacts", () => {
  it("reads the family from the address, a masked placeholder or not at all (mDNS)", () => {
    expect(addressFacts("192.0.2.10")).toEqual({ family: "IPv4", linkLocal: false, mdns: false });
    expect(addressFacts("2001:db8::1")).toEqual({ family: "IPv6", linkLocal: false, mdns: false });
    expect(addressFacts("fe80::1%eth0")).toEqual({ family: "IPv6", linkLocal: true, mdns: false });
    expect(addressFacts("x.x.x.3").family).toBe("IPv4");
    expect(addressFacts("x:x::3").family).toBe("IPv6");
    expect(addressFacts("5f3c1d2e-8b7a-4c1e-9d2f-1a2b3c4d5e6f.local")).toEqual({ family: undefined, linkLocal: false, mdns: true });
    expect(addressFacts(undefined).family).toBeUndefined();
  });
});

describe("forming pairs (RFC 8445 §6.1.2.2, RFC 6544 §6.2)", () => {
  it("pairs two UDP candidates of one component and one family", () => {
    expect(predictPair(HOST_V4, REMOTE_V4, LOCALS)).toEqual({ outcome: "forms", familyAssumed: false });
    expect(predictPair(HOST_V6, REMOTE_V6, LOCALS)).toEqual({ outcome: "forms", familyAssumed: false });
  });

  it("never pairs IPv4 with IPv6", () => {
    expect(predictPair(HOST_V4, REMOTE_V6, LOCALS)).toEqual({ outcome: "never", mismatches: [{ rule: "family", local: "IPv4", remote: "IPv6" }] });
    expect(predictPair(HOST_V6, REMOTE_V4, LOCALS)).toEqual({ outcome: "never", mismatches: [{ rule: "family", local: "IPv6", remote: "IPv4" }] });
    // A masked file keeps the family in its placeholders.
    expect(predictPair(cand("host", "x.x.x.1", 1), cand("host", "x:x::2", 2), [])).toMatchObject({ outcome: "never", mismatches: [{ rule: "family" }] });
  });

  it("pairs an IPv6 link-local address only with another link-local one", () => {
    const linkLocal = cand("host", "fe80::1", 50004);
    expect(predictPair(linkLocal, REMOTE_V6, [linkLocal])).toEqual({ outcome: "never", mismatches: [{ rule: "link-local", local: "link-local", remote: "not link-local" }] });
    expect(predictPair(linkLocal, cand("host", "fe80::2", 7002), [linkLocal]).outcome).toBe("forms");
  });

  it("pairs only within one component", () => {
    const rtcp = cand("host", "192.0.2.20", 7003, { component: 2 });
    expect(predictPair(HOST_V4, rtcp, LOCALS)).toEqual({ outcome: "never", mismatches: [{ rule: "component", local: "component 1", remote: "component 2" }] });
  });

  it("never pairs UDP with TCP, and names every rule a combination breaks, the transport first", () => {
    const tcp = cand("host", "2001:db8::20", 9, { protocol: "tcp", tcpType: "active" });
    expect(predictPair(HOST_V4, tcp, LOCALS)).toEqual({
      outcome: "never",
      mismatches: [
        { rule: "transport", local: "UDP", remote: "TCP" },
        { rule: "family", local: "IPv4", remote: "IPv6" },
      ],
    });
  });

  it("pairs TCP active with passive, passive with active, so with so, and nothing else", () => {
    const local = (tcpType: string): PairingCandidate => cand("host", "192.0.2.10", 9, { protocol: "tcp", tcpType });
    const remote = (tcpType: string): PairingCandidate => cand("host", "192.0.2.20", 9000, { protocol: "tcp", tcpType });
    expect(predictPair(local("active"), remote("passive"), []).outcome).toBe("forms");
    expect(predictPair(local("so"), remote("so"), []).outcome).toBe("forms");
    expect(predictPair(local("active"), remote("active"), [])).toEqual({ outcome: "never", mismatches: [{ rule: "tcp-type", local: "active", remote: "active" }] });
    expect(predictPair(local("passive"), remote("so"), [])).toMatchObject({ outcome: "never", mismatches: [{ rule: "tcp-type" }] });
    // Passive with active forms, but this side only listens: RFC 6544 §6.2 prunes it here.
    expect(predictPair(local("passive"), remote("active"), [])).toEqual({ outcome: "pruned", reason: "tcp-passive" });
  });

  it("assumes the family behind an mDNS name matches, and says it assumed", () => {
    const mdns = cand("host", "5f3c1d2e-8b7a-4c1e-9d2f-1a2b3c4d5e6f.local", 50006);
    expect(predictPair(mdns, REMOTE_V4, [mdns])).toEqual({ outcome: "forms", familyAssumed: true });
    expect(mismatches(mdns, REMOTE_V6)).toEqual([]);
  });
});

describe("peer-reflexive candidates (RFC 8445 §7.2.5.3.1, §7.3.1.3)", () => {
  it("are not paired wholesale: only a check makes a pair with one, on either side", () => {
    const localPrflx = cand("prflx", "203.0.113.70", 40400);
    const remotePrflx = cand("prflx", "203.0.113.90", 41400);
    expect(predictPair(localPrflx, REMOTE_V4, LOCALS)).toEqual({ outcome: "learnt", end: "local" });
    expect(predictPair(HOST_V4, remotePrflx, LOCALS)).toEqual({ outcome: "learnt", end: "remote" });
    expect(predictPair(localPrflx, remotePrflx, LOCALS)).toEqual({ outcome: "learnt", end: "both" });
    // No check crosses address families either.
    expect(predictPair(localPrflx, REMOTE_V6, LOCALS).outcome).toBe("never");
  });
});

describe("pruning (RFC 8445 §6.1.2.4)", () => {
  it("replaces a local server-reflexive candidate by its base, whose own pair makes it redundant", () => {
    expect(predictPair(SRFLX, REMOTE_V4, LOCALS)).toEqual({ outcome: "pruned", reason: "reflexive", base: HOST_V4 });
  });

  it("prunes it even when the browser hides the base (raddr 0.0.0.0 with mDNS host candidates)", () => {
    const hidden = cand("srflx", "203.0.113.7", 40002, { relatedAddress: "0.0.0.0", relatedPort: 0 });
    expect(predictPair(hidden, REMOTE_V4, [hidden])).toEqual({ outcome: "pruned", reason: "reflexive", base: undefined });
  });

  it("keeps relayed candidates, which are their own base", () => {
    expect(predictPair(RELAY, REMOTE_V4, LOCALS)).toEqual({ outcome: "forms", familyAssumed: false });
  });

  it("keeps a remote server-reflexive candidate: only this side's reflexive candidates are replaced", () => {
    expect(predictPair(HOST_V4, cand("srflx", "203.0.113.9", 41000, { relatedAddress: "192.0.2.20", relatedPort: 7000 }), LOCALS).outcome).toBe("forms");
  });

  it("checks the formation rules first: a server-reflexive candidate cannot pair across families either", () => {
    expect(predictPair(SRFLX, REMOTE_V6, LOCALS)).toMatchObject({ outcome: "never", mismatches: [{ rule: "family" }] });
  });
});
