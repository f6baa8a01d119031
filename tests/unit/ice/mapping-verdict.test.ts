import { describe, expect, it } from "vitest";
import { FILTERING_CAVEAT, hostOfIceUrl, mappingVerdict, ONE_HOST_CAVEAT, serverFailed, type MappingInput } from "../../../src/shared/ice/mapping-verdict.ts";

const A = "stun:203.0.113.10:3478";
const B = "stun:203.0.113.10:3479";
const servers = (failedA = false, failedB = false): MappingInput["servers"] => [
  { url: A, failed: failedA },
  { url: B, failed: failedB },
];
const host = [{ address: "10.0.1.2", port: 40000 }];

describe("mappingVerdict", () => {
  it("on loopback says plainly there is no NAT to measure", () => {
    const v = mappingVerdict({ servers: [{ url: "stun:127.0.0.1:3478", failed: false }, { url: "stun:127.0.0.1:3479", failed: false }], srflx: [], host: [], complete: true });
    expect(v.verdict).toBe("no-nat");
    expect(v.summary).toMatch(/no NAT to measure/u);
    expect(v.caveats).toContain(FILTERING_CAVEAT);
    expect(mappingVerdict({ servers: [{ url: "stun:[::1]:3478", failed: false }], srflx: [], host: [], complete: true }).verdict).toBe("no-nat");
    expect(mappingVerdict({ servers: [{ url: "stun:localhost:3478", failed: false }], srflx: [], host: [], complete: true }).verdict).toBe("no-nat");
  });

  it("one mapping for both servers (browser merged them) → endpoint-independent, with the one-host caveat", () => {
    const v = mappingVerdict({
      servers: servers(),
      srflx: [{ address: "203.0.113.21", port: 40000, relatedAddress: "10.0.1.2", relatedPort: 40000, url: A }],
      host,
      complete: true,
    });
    expect(v.verdict).toBe("endpoint-independent");
    expect(v.confidence).toBe("medium");
    expect(v.caveats).toContain(ONE_HOST_CAVEAT);
    expect(v.caveats).toContain(FILTERING_CAVEAT);
    expect(v.summary).toContain("203.0.113.21:40000");
  });

  it("says when the browser names no STUN server on its srflx candidates (Firefox), and judges by the base", () => {
    const firefox = mappingVerdict({
      servers: servers(),
      srflx: [
        { address: "203.0.113.21", port: 51001, relatedAddress: "10.0.1.2", relatedPort: 40000 },
        { address: "203.0.113.21", port: 62002, relatedAddress: "10.0.1.2", relatedPort: 40000 },
      ],
      host,
      complete: true,
    });
    expect(firefox.verdict).toBe("address-or-port-dependent");
    expect(firefox.evidence).toContain(
      "The browser does not say which STUN server produced each server-reflexive candidate (Firefox reports no server URL), so the mappings are compared by the local socket they came from.",
    );
    const chromium = mappingVerdict({ servers: servers(), srflx: [{ address: "203.0.113.21", port: 40000, relatedAddress: "10.0.1.2", relatedPort: 40000, url: A }], host, complete: true });
    expect(chromium.evidence.join(" ")).not.toMatch(/does not say which STUN server/u);
  });

  it("the same mapping reported by two servers on two addresses → high confidence", () => {
    const v = mappingVerdict({
      servers: [{ url: "stun:203.0.113.10:3478", failed: false }, { url: "stun:203.0.113.11:3478", failed: false }],
      srflx: [
        { address: "203.0.113.21", port: 40000, relatedAddress: "10.0.1.2", relatedPort: 40000, url: "stun:203.0.113.10:3478" },
        { address: "203.0.113.21", port: 40000, relatedAddress: "10.0.1.2", relatedPort: 40000, url: "stun:203.0.113.11:3478" },
      ],
      host,
      complete: true,
    });
    expect(v.verdict).toBe("endpoint-independent");
    expect(v.confidence).toBe("high");
    expect(v.caveats).not.toContain(ONE_HOST_CAVEAT);
  });

  it("different ports from one base → address-or-port-dependent", () => {
    const v = mappingVerdict({
      servers: servers(),
      srflx: [
        { address: "203.0.113.21", port: 51001, relatedAddress: "10.0.1.2", relatedPort: 40000, url: A },
        { address: "203.0.113.21", port: 62002, relatedAddress: "10.0.1.2", relatedPort: 40000, url: B },
      ],
      host,
      complete: true,
    });
    expect(v.verdict).toBe("address-or-port-dependent");
    expect(v.confidence).toBe("high");
    expect(v.summary).toMatch(/relay/u);
    expect(v.summary).toContain("203.0.113.21:51001 and 203.0.113.21:62002");
  });

  it("different public IPs → dependent, with a pooling caveat", () => {
    const v = mappingVerdict({
      servers: servers(),
      srflx: [
        { address: "203.0.113.21", port: 51001, relatedAddress: "10.0.1.2", relatedPort: 40000 },
        { address: "203.0.113.22", port: 51001, relatedAddress: "10.0.1.2", relatedPort: 40000 },
      ],
      host,
      complete: true,
    });
    expect(v.verdict).toBe("address-or-port-dependent");
    expect(v.caveats.join(" ")).toMatch(/pool of addresses/u);
  });

  it("hidden bases (raddr 0.0.0.0) lower the confidence and say why", () => {
    const v = mappingVerdict({
      servers: servers(),
      srflx: [
        { address: "203.0.113.21", port: 51001, relatedAddress: "0.0.0.0", relatedPort: 0 },
        { address: "203.0.113.21", port: 62002, relatedAddress: "0.0.0.0", relatedPort: 0 },
      ],
      host: [],
      complete: true,
    });
    expect(v.verdict).toBe("address-or-port-dependent");
    expect(v.confidence).toBe("medium");
    expect(v.caveats.join(" ")).toMatch(/hid the local base/u);
  });

  it("srflx equal to its base → no NAT", () => {
    const v = mappingVerdict({ servers: servers(), srflx: [{ address: "198.51.100.9", port: 5000, relatedAddress: "198.51.100.9", relatedPort: 5000 }], host: [], complete: true });
    expect(v.verdict).toBe("no-nat");
    expect(v.confidence).toBe("high");
  });

  it("both servers answered but no srflx (the browser drops one equal to the host) → no NAT, medium", () => {
    const v = mappingVerdict({ servers: servers(), srflx: [], host: [{ address: "198.51.100.9", port: 5000 }], complete: true });
    expect(v.verdict).toBe("no-nat");
    expect(v.confidence).toBe("medium");
  });

  it("is inconclusive when it cannot compare", () => {
    expect(mappingVerdict({ servers: [{ url: A, failed: false }], srflx: [], host, complete: true }).verdict).toBe("inconclusive");
    expect(mappingVerdict({ servers: [], srflx: [], host, complete: true }).verdict).toBe("inconclusive");
    expect(mappingVerdict({ servers: servers(true, true), srflx: [], host, complete: true }).verdict).toBe("inconclusive");
    expect(mappingVerdict({ servers: servers(false, true), srflx: [], host, complete: true }).verdict).toBe("inconclusive");
    const oneAnswered = mappingVerdict({
      servers: servers(false, true),
      srflx: [{ address: "203.0.113.21", port: 40000, relatedAddress: "10.0.1.2", relatedPort: 40000, url: A }],
      host,
      complete: true,
    });
    expect(oneAnswered.verdict).toBe("inconclusive");
    expect(oneAnswered.summary).toMatch(/Only one STUN server answered/u);
  });

  it("marks a verdict before gathering completes as provisional", () => {
    const v = mappingVerdict({ servers: servers(), srflx: [], host, complete: false });
    expect(v.caveats[0]).toMatch(/not finished/u);
  });

  it("ignores TCP srflx", () => {
    const v = mappingVerdict({
      servers: servers(),
      srflx: [
        { address: "203.0.113.21", port: 40000, relatedAddress: "10.0.1.2", relatedPort: 40000, protocol: "udp" },
        { address: "203.0.113.21", port: 9, relatedAddress: "10.0.1.2", relatedPort: 40000, protocol: "tcp" },
      ],
      host,
      complete: true,
    });
    expect(v.verdict).toBe("endpoint-independent");
  });
});

describe("serverFailed", () => {
  const srflx = [{ address: "203.0.113.21", port: 1, relatedAddress: "10.0.1.2", relatedPort: 1 }];
  it("ignores an error from another local address (e.g. IPv6 701)", () => {
    expect(serverFailed(A, [{ url: A, address: "fd00::5" }], srflx)).toBe(false);
  });
  it("counts an error from the srflx base, an unknown address, or when nothing arrived", () => {
    expect(serverFailed(A, [{ url: A, address: "10.0.1.2" }], srflx)).toBe(true);
    expect(serverFailed(A, [{ url: A, address: null }], srflx)).toBe(true);
    expect(serverFailed(A, [{ url: A, address: "fd00::5" }], [])).toBe(true);
    expect(serverFailed(A, [{ url: B, address: "10.0.1.2" }], srflx)).toBe(false);
  });
});

describe("hostOfIceUrl", () => {
  it.each([
    ["stun:203.0.113.10:3478", "203.0.113.10"],
    ["stun:[::1]:3478", "::1"],
    ["turn:turn.example.org?transport=udp", "turn.example.org"],
    ["turns:turn.example.org:443?transport=tcp", "turn.example.org"],
    ["http://x", undefined],
  ])("%s → %s", (url, hostName) => {
    expect(hostOfIceUrl(url)).toBe(hostName);
  });
});
