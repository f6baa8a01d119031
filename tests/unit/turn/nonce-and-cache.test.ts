import { describe, expect, it } from "vitest";
import { createNonceService } from "../../../server/turn/nonce.ts";
import { TransactionCache } from "../../../server/turn/transaction-cache.ts";

describe("stateless nonce", () => {
  const clock = { now: 1_700_000_000_000 };
  const nonces = createNonceService({ lifetimeSeconds: 600, clock: () => clock.now, key: new Uint8Array(32).fill(7) });
  it("is fresh for its lifetime, then stale (438)", () => {
    const n = nonces.issue("198.51.100.1", 5000);
    expect(n).toMatch(/^[0-9a-f]{40}$/);
    expect(nonces.check(n, "198.51.100.1", 5000)).toBe("fresh");
    clock.now += 600_000;
    expect(nonces.check(n, "198.51.100.1", 5000)).toBe("fresh");
    clock.now += 1000;
    expect(nonces.check(n, "198.51.100.1", 5000)).toBe("stale");
  });
  it("is bound to the client transport address and cannot be forged", () => {
    const n = nonces.issue("198.51.100.1", 5000);
    expect(nonces.check(n, "198.51.100.1", 5001)).toBe("invalid");
    expect(nonces.check(n, "198.51.100.2", 5000)).toBe("invalid");
    const forged = (parseInt(n.slice(0, 8), 16) + 1000).toString(16).padStart(8, "0") + n.slice(8);
    expect(nonces.check(forged, "198.51.100.1", 5000)).toBe("invalid");
    expect(nonces.check("garbage", "198.51.100.1", 5000)).toBe("invalid");
  });
  it("a nonce from another server key is invalid", () => {
    const other = createNonceService({ lifetimeSeconds: 600, clock: () => clock.now });
    expect(nonces.check(other.issue("198.51.100.1", 5000), "198.51.100.1", 5000)).toBe("invalid");
  });
});

describe("transaction cache (bounded)", () => {
  it("replays within its TTL and forgets after", () => {
    const cache = new TransactionCache(10, 40_000);
    cache.set("k", Uint8Array.of(1), 0);
    expect(cache.get("k", 39_999)).toEqual(Uint8Array.of(1));
    expect(cache.get("k", 40_000)).toBeUndefined();
  });
  it("never holds more than its size, evicting the oldest", () => {
    const cache = new TransactionCache(16);
    for (let i = 0; i < 10_000; i++) cache.set(String(i), Uint8Array.of(i & 0xff), 0);
    expect(cache.size).toBe(16);
    expect(cache.get("9999", 0)).toBeDefined();
    expect(cache.get("0", 0)).toBeUndefined();
    cache.sweep(1_000_000);
    expect(cache.size).toBe(0);
  });
});
