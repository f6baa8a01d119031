import { describe, expect, it } from "vitest";
import {
  CHROMIUM_TYPE_PREFERENCE,
  candidatePriority,
  chromiumRelayProtocolsFor,
  pairPriority,
  PriorityRangeError,
  RECOMMENDED_TYPE_PREFERENCE,
  splitPriority,
} from "../../../src/shared/ice/priority.ts";

describe("candidatePriority (RFC 8445 §5.1.2.1)", () => {
  it("uses the recommended type preferences of §5.1.2.2", () => {
    expect(RECOMMENDED_TYPE_PREFERENCE).toEqual({ host: 126, prflx: 110, srflx: 100, relay: 0 });
  });

  it("computes 2^24*type + 2^8*local + (256 - component)", () => {
    // Host, local preference 65535 (the maximum, §5.1.2.1 for a single-homed agent), RTP.
    expect(candidatePriority(126, 65535, 1)).toBe(2130706431);
    expect(candidatePriority(126, 65535, 1)).toBe(126 * 16777216 + 65535 * 256 + 255);
    expect(candidatePriority(100, 65535, 1)).toBe(1694498815);
    expect(candidatePriority(0, 0, 256)).toBe(0);
    expect(candidatePriority(126, 65535, 2)).toBe(2130706430);
  });

  it("refuses values outside the ranges the RFC allows", () => {
    expect(() => candidatePriority(127, 0, 1)).toThrow(PriorityRangeError);
    expect(() => candidatePriority(-1, 0, 1)).toThrow(/type preference/u);
    expect(() => candidatePriority(126, 65536, 1)).toThrow(/local preference/u);
    expect(() => candidatePriority(126, 0, 0)).toThrow(/component ID/u);
    expect(() => candidatePriority(126, 0, 257)).toThrow(/component ID/u);
    expect(() => candidatePriority(1.5, 0, 1)).toThrow(/integer/u);
    expect(() => candidatePriority(Number.NaN, 0, 1)).toThrow(PriorityRangeError);
  });
});

describe("splitPriority", () => {
  it("takes Chromium's and Firefox's priorities apart", () => {
    expect(splitPriority(2122260223)).toEqual({ typePreference: 126, localPreference: 32542, componentId: 1 });
    expect(splitPriority(1686052863)).toEqual({ typePreference: 100, localPreference: 32543, componentId: 1 });
    expect(splitPriority(41885439)).toEqual({ typePreference: 2, localPreference: 32542, componentId: 1 });
    expect(splitPriority(2122260222)).toEqual({ typePreference: 126, localPreference: 32542, componentId: 2 });
  });

  it("is the inverse of candidatePriority at the edges of every range", () => {
    for (const tp of [0, 1, 100, 126]) {
      for (const lp of [0, 1, 255, 256, 65535]) {
        for (const c of [1, 2, 255, 256]) {
          expect(splitPriority(candidatePriority(tp, lp, c))).toEqual({ typePreference: tp, localPreference: lp, componentId: c });
        }
      }
    }
  });

  it("refuses non-32-bit input", () => {
    expect(() => splitPriority(-1)).toThrow(PriorityRangeError);
    expect(() => splitPriority(2 ** 32)).toThrow(PriorityRangeError);
    expect(() => splitPriority(0.5)).toThrow(PriorityRangeError);
    expect(splitPriority(2 ** 32 - 1)).toEqual({ typePreference: 255, localPreference: 65535, componentId: 1 });
  });
});

describe("pairPriority (RFC 8445 §6.1.2.3)", () => {
  it("is 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0)", () => {
    const g = 2130706431;
    const d = 1694498815;
    expect(pairPriority(g, d)).toBe(2n ** 32n * BigInt(d) + 2n * BigInt(g) + 1n);
    expect(pairPriority(d, g)).toBe(2n ** 32n * BigInt(d) + 2n * BigInt(g));
    expect(pairPriority(g, g)).toBe(2n ** 32n * BigInt(g) + 2n * BigInt(g));
  });

  it("breaks the tie in favour of the controlling agent's higher candidate (the +1)", () => {
    expect(pairPriority(5, 4) - pairPriority(4, 5)).toBe(1n);
  });

  it("orders pairs by their weaker candidate first", () => {
    const hostHost = pairPriority(candidatePriority(126, 65535, 1), candidatePriority(126, 65535, 1));
    const hostRelay = pairPriority(candidatePriority(126, 65535, 1), candidatePriority(0, 65535, 1));
    const srflxSrflx = pairPriority(candidatePriority(100, 65535, 1), candidatePriority(100, 65535, 1));
    expect(hostHost > srflxSrflx).toBe(true);
    expect(srflxSrflx > hostRelay).toBe(true);
  });

  it("exceeds Number's safe range, hence bigint", () => {
    const p = pairPriority(2 ** 32 - 1, 2 ** 32 - 1);
    expect(p).toBe((2n ** 32n - 1n) * 2n ** 32n + 2n * (2n ** 32n - 1n));
    expect(p > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it("refuses out-of-range priorities", () => {
    expect(() => pairPriority(-1, 0)).toThrow(PriorityRangeError);
    expect(() => pairPriority(0, 2 ** 32)).toThrow(PriorityRangeError);
  });
});

describe("Chromium relay type preferences", () => {
  it("ranks TURN/UDP above TURN/TCP above TURN/TLS, all below srflx", () => {
    const { relay } = CHROMIUM_TYPE_PREFERENCE;
    expect(Math.min(...relay.udp)).toBeGreaterThan(Math.max(...relay.tcp));
    expect(Math.min(...relay.tcp)).toBeGreaterThan(Math.max(...relay.tls));
    expect(Math.max(...relay.udp)).toBeLessThan(CHROMIUM_TYPE_PREFERENCE.srflx);
    expect(CHROMIUM_TYPE_PREFERENCE.source).toMatch(/p2p_constants\.h/u);
  });

  it("names the relay protocol from a type preference", () => {
    expect(chromiumRelayProtocolsFor(3)).toEqual(["udp"]);
    expect(chromiumRelayProtocolsFor(1)).toEqual(["tcp"]);
    expect(chromiumRelayProtocolsFor(0)).toEqual(["tls"]);
    expect(chromiumRelayProtocolsFor(2).sort()).toEqual(["dtls", "udp"]);
    expect(chromiumRelayProtocolsFor(50)).toEqual([]);
  });
});
