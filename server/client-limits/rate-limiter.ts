/**
 * "At most N a minute" per key (a client address group), as a token bucket: each key starts with
 * N tokens, each request takes one, and tokens come back evenly, N per minute. A burst of N passes
 * at once (a page load asks for several things), then requests pass only as fast as the refill.
 *
 * Memory is bounded whatever the clients do: at most `maxKeys` keys are remembered. Keys are kept
 * in the order they were last seen; a key whose bucket has refilled says nothing a fresh bucket
 * would not, so the oldest such keys are dropped as new requests come. When every remembered key
 * is still in use and a new one arrives, the least recently seen is forgotten anyway (its next
 * request starts from a full bucket): an attacker with more addresses than `maxKeys` can make the
 * limiter forget, never make it grow. `onForget` says when that happens, to log it.
 */

export type Take = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

export interface RateLimiter {
  /** Takes one token for `key`: ok, or how long until one is back. */
  take(key: string): Take;
  /** Keys remembered now. */
  readonly size: number;
}

export interface RateLimiterOptions {
  perMinute: number;
  maxKeys: number;
  /** Milliseconds (any origin, monotonic is best). */
  clock: () => number;
  /** A key was forgotten before its bucket had refilled (the limiter was full). */
  onForget?: () => void;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { perMinute, maxKeys, clock } = options;
  const perMs = perMinute / 60_000;
  /** Insertion order = least recently seen first. */
  const buckets = new Map<string, Bucket>();
  const tokensAt = (bucket: Bucket, now: number): number => Math.min(perMinute, bucket.tokens + Math.max(0, now - bucket.at) * perMs);

  /** Drops up to two refilled keys from the old end: the map shrinks as fast as it can grow. */
  const dropRefilled = (now: number): void => {
    for (let i = 0; i < 2; i++) {
      const oldest = buckets.entries().next();
      if (oldest.done || tokensAt(oldest.value[1], now) < perMinute) return;
      buckets.delete(oldest.value[0]);
    }
  };

  return {
    take(key) {
      const now = clock();
      const known = buckets.get(key);
      const tokens = known ? tokensAt(known, now) : perMinute;
      if (known) buckets.delete(key); // re-inserted below, at the recent end
      dropRefilled(now);
      if (!known && buckets.size >= maxKeys) {
        const oldest = buckets.keys().next();
        if (!oldest.done) {
          buckets.delete(oldest.value);
          options.onForget?.();
        }
      }
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, at: now });
        return { ok: true };
      }
      buckets.set(key, { tokens, at: now });
      return { ok: false, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
    },
    get size() {
      return buckets.size;
    },
  };
}
