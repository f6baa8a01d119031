/**
 * Which TURN session each decoded STUN/TURN message belongs to, and a short, bounded memory of
 * each session's messages so a page that subscribes a moment later still sees its first packets.
 *
 * A message is filed under a session only on the word of the TURN server: `add` is given the
 * username of a request that passed authentication ("<expiry>:<sessionId>", RFC 8489 §9.2), never
 * the USERNAME a packet merely carries, which anyone can write. Messages without an authenticated
 * username (the first Allocate, the 401 challenge, plain Binding requests, and the authenticated
 * request itself until its answer is sent) are matched by the client's transport address: browsers
 * send STUN and TURN requests from the same UDP socket (or TCP connection, for TURN over TCP), so
 * once an authenticated request arrives from an address, the earlier unauthenticated ones from that
 * address are attributed to the same session. A UDP socket and a TCP connection with the same
 * address and port are different clients.
 *
 * Everything is bounded in count, in time and in bytes: unattributed records are the first to go
 * when the byte budget is reached, so a flood of them cannot push out the sessions' own records.
 */
import type { Endpoint, TransactionRecord } from "../../src/shared/stun/transaction-record.ts";

export interface SessionLogLimits {
  /** How long a session's records, and an address's association, are kept. */
  keepMs: number;
  maxRecordsPerSession: number;
  maxSessions: number;
  /** Unattributed records waiting for their address to be associated with a session. */
  maxPendingPerAddress: number;
  maxPendingAddresses: number;
  pendingMs: number;
  /** All records together, as estimated by recordBytes. */
  maxBytes: number;
}

export const DEFAULT_SESSION_LOG_LIMITS: SessionLogLimits = {
  keepMs: 10 * 60_000,
  maxRecordsPerSession: 300,
  maxSessions: 2_000,
  maxPendingPerAddress: 20,
  maxPendingAddresses: 2_000,
  pendingMs: 30_000,
  maxBytes: 64 << 20,
};

/** A rough size of a record in memory: its strings (one byte per character) plus object overhead. */
export function recordBytes(record: TransactionRecord): number {
  const OBJECT = 160;
  if (record.kind === "relay-usage") return OBJECT * (2 + record.permissions.length + record.channels.length) + record.username.length;
  let bytes = OBJECT * 3 + record.rawHex.length + (record.username?.length ?? 0);
  for (const a of record.attributes) {
    bytes += OBJECT + a.name.length + (a.error?.length ?? 0);
    const v = a.value;
    if (typeof v === "string") bytes += v.length;
    else if (Array.isArray(v)) bytes += 8 * v.length;
    else if (typeof v === "object") for (const [k, inner] of Object.entries(v)) bytes += 32 + k.length + (typeof inner === "string" ? inner.length : 8);
  }
  return bytes;
}

interface Filed {
  readonly record: TransactionRecord;
  readonly bytes: number;
}

interface RecordList {
  items: Filed[];
  bytes: number;
  touchedAt: number;
}

/**
 * Lists of records by key that forget their oldest keys beyond `maxKeys` (insertion order = age,
 * refreshed on push), lists older than `maxAgeMs`, and the oldest records beyond `maxItems` per key,
 * keeping `budget.used` equal to the bytes they hold.
 */
class RecordLists {
  readonly #map = new Map<string, RecordList>();
  readonly #budget: { used: number };
  readonly #maxKeys: number;
  readonly #maxItems: number;
  readonly #maxAgeMs: number;
  constructor(budget: { used: number }, maxKeys: number, maxItems: number, maxAgeMs: number) {
    this.#budget = budget;
    this.#maxKeys = maxKeys;
    this.#maxItems = maxItems;
    this.#maxAgeMs = maxAgeMs;
  }
  get(key: string, now: number): readonly Filed[] | undefined {
    const list = this.#map.get(key);
    if (!list) return undefined;
    if (now - list.touchedAt > this.#maxAgeMs) {
      this.delete(key);
      return undefined;
    }
    return list.items;
  }
  /** The records under `key`, removed. */
  take(key: string, now: number): Filed[] {
    const items = this.get(key, now) ?? [];
    this.delete(key);
    return [...items];
  }
  push(key: string, items: readonly Filed[], now: number): void {
    this.get(key, now); // drops the list if it has expired
    const fresh = this.#map.get(key) ?? { items: [], bytes: 0, touchedAt: now };
    for (const item of items) {
      fresh.items.push(item);
      fresh.bytes += item.bytes;
      this.#budget.used += item.bytes;
    }
    const excess = fresh.items.length - this.#maxItems;
    if (excess > 0) for (const gone of fresh.items.splice(0, excess)) this.#shrink(fresh, gone.bytes);
    fresh.touchedAt = now;
    this.#map.delete(key);
    this.#map.set(key, fresh);
    while (this.#map.size > this.#maxKeys && this.evictOldest());
  }
  /** Forgets the oldest key; false when there is none. */
  evictOldest(): boolean {
    const oldest = this.#map.keys().next();
    if (oldest.done) return false;
    this.delete(oldest.value);
    return true;
  }
  delete(key: string): void {
    const list = this.#map.get(key);
    if (!list) return;
    this.#budget.used -= list.bytes;
    this.#map.delete(key);
  }
  #shrink(list: RecordList, bytes: number): void {
    list.bytes -= bytes;
    this.#budget.used -= bytes;
  }
  get size(): number {
    return this.#map.size;
  }
  get records(): number {
    let n = 0;
    for (const list of this.#map.values()) n += list.items.length;
    return n;
  }
}

interface Timed<T> {
  value: T;
  touchedAt: number;
}

/** A Map that forgets its oldest entries beyond `max` (insertion order = age, refreshed on set). */
class BoundedMap<K, V> {
  readonly #map = new Map<K, Timed<V>>();
  readonly #max: number;
  constructor(max: number) {
    this.#max = max;
  }
  get(key: K, now: number, maxAgeMs: number): V | undefined {
    const entry = this.#map.get(key);
    if (!entry) return undefined;
    if (now - entry.touchedAt > maxAgeMs) {
      this.#map.delete(key);
      return undefined;
    }
    return entry.value;
  }
  set(key: K, value: V, now: number): void {
    this.#map.delete(key);
    this.#map.set(key, { value, touchedAt: now });
    while (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next();
      if (oldest.done) break;
      this.#map.delete(oldest.value);
    }
  }
  get size(): number {
    return this.#map.size;
  }
}

/** The session id inside a TURN REST username, or undefined. */
export function sessionIdOf(username: string | undefined): string | undefined {
  const match = /^\d{1,12}:([A-Za-z0-9_-]{1,64})$/u.exec(username ?? "");
  return match?.[1];
}

function clientEndpoint(record: TransactionRecord): Endpoint {
  if (record.kind === "relay-usage") return record.client;
  return record.direction === "in" ? record.source : record.destination;
}

const key = (record: TransactionRecord): string => {
  const endpoint = clientEndpoint(record);
  return `${record.transport === "tcp" ? "tcp|" : ""}${endpoint.address}|${endpoint.port}`;
};

export interface SessionLog {
  /**
   * Files a record; returns the session it now belongs to with the records to deliver.
   * `authenticatedUsername`: the TURN username the record's request was authenticated with, if any.
   */
  add(record: TransactionRecord, authenticatedUsername?: string): { sessionId: string; records: TransactionRecord[] } | undefined;
  backlog(sessionId: string): TransactionRecord[];
  stats(): { sessions: number; addresses: number; pendingAddresses: number; records: number; bytes: number };
}

export function createSessionLog(clock: () => number, limits: SessionLogLimits = DEFAULT_SESSION_LOG_LIMITS): SessionLog {
  const budget = { used: 0 };
  const sessions = new RecordLists(budget, limits.maxSessions, limits.maxRecordsPerSession, limits.keepMs);
  const pending = new RecordLists(budget, limits.maxPendingAddresses, limits.maxPendingPerAddress, limits.pendingMs);
  const addresses = new BoundedMap<string, string>(limits.maxSessions * 4);

  /** Over budget: unattributed records go first, then the least recently active sessions. */
  function enforceBudget(): void {
    while (budget.used > limits.maxBytes && (pending.evictOldest() || sessions.evictOldest()));
  }

  function file(record: TransactionRecord, authenticatedUsername: string | undefined, now: number): { sessionId: string; records: TransactionRecord[] } | undefined {
    const address = key(record);
    const filed = { record, bytes: recordBytes(record) };
    const named = sessionIdOf(authenticatedUsername);
    if (named) {
      const records = [...pending.take(address, now), filed];
      addresses.set(address, named, now);
      sessions.push(named, records, now);
      return { sessionId: named, records: records.map((r) => r.record) };
    }
    const known = addresses.get(address, now, limits.keepMs);
    if (known) {
      sessions.push(known, [filed], now);
      return { sessionId: known, records: [record] };
    }
    pending.push(address, [filed], now);
    return undefined;
  }

  return {
    add(record, authenticatedUsername) {
      const result = file(record, authenticatedUsername, clock());
      enforceBudget();
      return result;
    },
    backlog(sessionId) {
      return (sessions.get(sessionId, clock()) ?? []).map((r) => r.record);
    },
    stats() {
      return { sessions: sessions.size, addresses: addresses.size, pendingAddresses: pending.size, records: sessions.records + pending.records, bytes: budget.used };
    },
  };
}
