import { describe, expect, it } from "vitest";
import { createRateLimiter } from "../../../server/client-limits/rate-limiter.ts";

function limiter(perMinute: number, maxKeys = 1000) {
  let now = 1_000_000;
  let forgotten = 0;
  const rate = createRateLimiter({ perMinute, maxKeys, clock: () => now, onForget: () => forgotten++ });
  return { rate, advance: (ms: number) => (now += ms), forgotten: () => forgotten };
}

describe("createRateLimiter: N a minute per key, as a token bucket", () => {
  it("lets a burst of N through, then says how long until the next", () => {
    const { rate } = limiter(3);
    expect([rate.take("a"), rate.take("a"), rate.take("a")]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    // 3 a minute: one token every 20 s.
    expect(rate.take("a")).toEqual({ ok: false, retryAfterMs: 20_000 });
    // Another key has its own bucket.
    expect(rate.take("b")).toEqual({ ok: true });
  });

  it("refills evenly with time, never above N", () => {
    const { rate, advance } = limiter(3);
    for (let i = 0; i < 3; i++) rate.take("a");
    advance(15_000);
    expect(rate.take("a")).toEqual({ ok: false, retryAfterMs: 5000 });
    advance(5000);
    expect(rate.take("a")).toEqual({ ok: true });
    expect(rate.take("a")).toMatchObject({ ok: false });
    advance(3_600_000);
    for (let i = 0; i < 3; i++) expect(rate.take("a")).toEqual({ ok: true });
    expect(rate.take("a")).toMatchObject({ ok: false });
  });

  it("refusals do not dig the hole deeper", () => {
    const { rate, advance } = limiter(60);
    for (let i = 0; i < 60; i++) rate.take("a");
    for (let i = 0; i < 1000; i++) expect(rate.take("a").ok).toBe(false);
    advance(1000);
    expect(rate.take("a")).toEqual({ ok: true });
  });

  it("survives the clock going backwards", () => {
    const { rate, advance } = limiter(2);
    rate.take("a");
    rate.take("a");
    advance(-60_000);
    expect(rate.take("a")).toMatchObject({ ok: false });
    expect(rate.take("a")).toMatchObject({ ok: false, retryAfterMs: 30_000 });
  });

  it("never remembers more than maxKeys, however many keys come", () => {
    const { rate, forgotten } = limiter(10, 100);
    for (let i = 0; i < 10_000; i++) {
      rate.take(`k${String(i)}`);
      expect(rate.size).toBeLessThanOrEqual(100);
    }
    // All within the same instant, none refilled: each newcomer made it forget the oldest.
    expect(forgotten()).toBe(10_000 - 100);
  });

  it("drops refilled keys as it goes, so idle clients cost nothing and forget nobody", () => {
    const { rate, advance, forgotten } = limiter(10, 100);
    for (let i = 0; i < 100; i++) rate.take(`old${String(i)}`);
    advance(60_000); // every old bucket is full again
    for (let i = 0; i < 100; i++) rate.take(`new${String(i)}`);
    expect(forgotten()).toBe(0);
    expect(rate.size).toBe(100);
    advance(60_000);
    for (let i = 0; i < 60; i++) rate.take("one");
    expect(rate.size).toBeLessThan(10);
  });

  it("keeps a busy key when forgetting: the least recently seen goes first", () => {
    const { rate } = limiter(1, 3);
    rate.take("busy");
    rate.take("b");
    rate.take("c");
    expect(rate.take("busy")).toMatchObject({ ok: false }); // seen again: now the most recent
    rate.take("d"); // full: forgets "b", the least recently seen
    expect(rate.take("busy")).toMatchObject({ ok: false });
    expect(rate.take("b")).toEqual({ ok: true });
  });
});
