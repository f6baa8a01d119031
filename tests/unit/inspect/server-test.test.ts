import { describe, expect, it } from "vitest";
import { parseIceUrl, refusedVerdict, serverVerdict, type IceUrl, type ServerTestObservation } from "../../../src/demos/inspect/server-test.ts";

function url(text: string): IceUrl {
  const r = parseIceUrl(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe("parseIceUrl (RFC 7064 / RFC 7065)", () => {
  it.each([
    ["stun:stun.example.org", { scheme: "stun", host: "stun.example.org", port: 3478 }],
    ["stuns:stun.example.org", { scheme: "stuns", host: "stun.example.org", port: 5349 }],
    ["turn:203.0.113.10:3479?transport=udp", { scheme: "turn", host: "203.0.113.10", port: 3479, transport: "udp" }],
    ["turns:turn.example.org:443?transport=tcp", { scheme: "turns", host: "turn.example.org", port: 443, transport: "tcp" }],
    ["turn:[2001:db8::1]:3478", { scheme: "turn", host: "2001:db8::1", port: 3478 }],
    ["  stun:192.0.2.1:19302  ", { scheme: "stun", host: "192.0.2.1", port: 19302 }],
  ])("reads %s", (text, expected) => {
    expect(url(text)).toMatchObject(expected);
  });

  it.each([
    ["", /Enter a URL/u],
    ["http://turn.example.org", /must start with stun:/u],
    ["turn://turn.example.org", /scheme:host/u],
    ["stun:example.org?transport=udp", /no \?transport/u],
    ["turn:example.org:0", /1-65535/u],
    ["turn:example.org:70000", /1-65535/u],
    ["turn:exa mple.org", /scheme:host/u],
    [`turn:${"a".repeat(600)}`, /too long/u],
  ])("refuses %j with a clear message", (text, message) => {
    const r = parseIceUrl(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

const base = (over: Partial<ServerTestObservation>): ServerTestObservation => ({
  url: url("turn:203.0.113.10:3478?transport=udp"),
  policy: "relay",
  candidates: [],
  errors: [],
  timedOut: false,
  elapsedMs: 1200,
  ...over,
});

describe("serverVerdict", () => {
  it("a server the browser refuses outright (Firefox: a blocked port) is an error that says why", () => {
    const url = parseIceUrl("turn:203.0.113.10:9?transport=udp");
    if (!url.ok) throw new Error(url.error);
    const v = refusedVerdict(url.value, "PeerConnectionImpl.setConfiguration: 'turn:203.0.113.10:9?transport=udp' uses a port that is blocked");
    expect(v).toMatchObject({ verdict: "error", label: "error" });
    expect(v.evidence[0]).toBe("Your browser refused to use turn:203.0.113.10:9?transport=udp before sending anything: “PeerConnectionImpl.setConfiguration: 'turn:203.0.113.10:9?transport=udp' uses a port that is blocked”.");
    expect(v.evidence[1]).toMatch(/^Firefox does not let pages use some ports, 9 among them/u);
    expect(refusedVerdict(url.value, "Something else went wrong").evidence).toHaveLength(1);
  });

  it("a relay candidate means reachable, with the relayed address as evidence", () => {
    const v = serverVerdict(base({ candidates: ["candidate:1 1 udp 41885439 203.0.113.10 50000 typ relay raddr 198.51.100.7 rport 40000"] }));
    expect(v.verdict).toBe("reachable");
    expect(v.evidence.join("\n")).toContain("relay udp 203.0.113.10:50000 (related 198.51.100.7:40000)");
  });

  it("401 from a TURN server means authentication failed", () => {
    const v = serverVerdict(base({ errors: [{ errorCode: 401, errorText: "Unauthorized", address: "10.0.0.2" }] }));
    expect(v).toMatchObject({ verdict: "authentication-failed", label: "authentication failed" });
    expect(v.evidence.join("\n")).toMatch(/icecandidateerror 401 Unauthorized/u);
  });

  it("another server error code: reachable but no relay", () => {
    expect(serverVerdict(base({ errors: [{ errorCode: 486 }] })).verdict).toBe("no-relay-candidate");
    expect(serverVerdict(base({ url: url("stun:203.0.113.10"), errors: [{ errorCode: 500 }] })).verdict).toBe("error");
  });

  it("701 or our own deadline means timed out", () => {
    expect(serverVerdict(base({ errors: [{ errorCode: 701, errorText: "STUN binding request timed out." }] })).verdict).toBe("timed-out");
    expect(serverVerdict(base({ timedOut: true, elapsedMs: 10_000 }))).toMatchObject({ verdict: "timed-out", label: "timed out" });
  });

  it("a TURN run that ends with srflx but no relay → no relay candidate", () => {
    const v = serverVerdict(base({ policy: "all", candidates: ["candidate:2 1 udp 1686052607 198.51.100.7 40000 typ srflx raddr 10.0.0.2 rport 40000"] }));
    expect(v.verdict).toBe("no-relay-candidate");
  });

  it("STUN: srflx means reachable; a clean finish without srflx is reachable with the no-NAT explanation", () => {
    const stun = url("stun:203.0.113.10:3478");
    expect(serverVerdict(base({ url: stun, policy: "all", candidates: ["candidate:2 1 udp 1686052607 198.51.100.7 40000 typ srflx raddr 10.0.0.2 rport 40000"] })).verdict).toBe("reachable");
    const clean = serverVerdict(base({ url: stun, policy: "all" }));
    expect(clean.verdict).toBe("reachable");
    expect(clean.evidence.join(" ")).toMatch(/no NAT/u);
  });

  it("ignores unreadable candidates instead of failing", () => {
    expect(serverVerdict(base({ candidates: ["garbage"], timedOut: true })).verdict).toBe("timed-out");
  });
});
