// Retransmissions: over UDP a client resends a request until it hears back (Chromium: RTO 250 ms,
// doubling, 9 sends). RFC 8489 §6.3.1: the server "SHOULD" keep state so a retransmitted request
// gets the same response; RFC 8656 §7.2 uses it so a retransmitted Allocate is not refused with 437.
// Keyed by 5-tuple + transaction ID, bounded in size and age so it cannot grow without limit.
export class TransactionCache {
  readonly #entries = new Map<string, { response: Uint8Array; expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;

  constructor(maxEntries: number, ttlMs = 40_000) {
    this.#maxEntries = maxEntries;
    this.#ttlMs = ttlMs;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string, now: number): Uint8Array | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (now >= e.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.response;
  }

  set(key: string, response: Uint8Array, now: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { response, expiresAt: now + this.#ttlMs });
    // Map iterates in insertion order: the first keys are the oldest.
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  sweep(now: number): void {
    for (const [k, e] of this.#entries) if (now >= e.expiresAt) this.#entries.delete(k);
  }
}
