/**
 * Which TURN session each decoded STUN/TURN message belongs to, and a short, bounded memory of
 * each session's messages so a page that subscribes a moment later still sees its first packets.
 *
 * A message carries its session in the TURN username ("<expiry>:<sessionId>"). Messages without
 * one (the first Allocate, the 401 challenge, plain Binding requests) are matched by the client's
 * transport address: browsers send STUN and TURN requests from the same UDP socket (or TCP
 * connection, for TURN over TCP), so once an authenticated request arrives from an address, the
 * earlier unauthenticated ones from that address are attributed to the same session. A UDP socket
 * and a TCP connection with the same address and port are different clients. Everything is bounded in count and in time.
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
}

export const DEFAULT_SESSION_LOG_LIMITS: SessionLogLimits = {
  keepMs: 10 * 60_000,
  maxRecordsPerSession: 300,
  maxSessions: 2_000,
  maxPendingPerAddress: 20,
  maxPendingAddresses: 2_000,
  pendingMs: 30_000,
};

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
  delete(key: K): void {
    this.#map.delete(key);
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
  /** Files a record; returns the session(s) it now belongs to with the records to deliver. */
  add(record: TransactionRecord): { sessionId: string; records: TransactionRecord[] } | undefined;
  backlog(sessionId: string): TransactionRecord[];
  stats(): { sessions: number; addresses: number; pendingAddresses: number };
}

export function createSessionLog(clock: () => number, limits: SessionLogLimits = DEFAULT_SESSION_LOG_LIMITS): SessionLog {
  const sessions = new BoundedMap<string, TransactionRecord[]>(limits.maxSessions);
  const addresses = new BoundedMap<string, string>(limits.maxSessions * 4);
  const pending = new BoundedMap<string, TransactionRecord[]>(limits.maxPendingAddresses);

  function append(sessionId: string, records: TransactionRecord[], now: number): void {
    const list = sessions.get(sessionId, now, limits.keepMs) ?? [];
    list.push(...records);
    if (list.length > limits.maxRecordsPerSession) list.splice(0, list.length - limits.maxRecordsPerSession);
    sessions.set(sessionId, list, now);
  }

  return {
    add(record) {
      const now = clock();
      const address = key(record);
      const named = sessionIdOf(record.username);
      if (named) {
        const earlier = pending.get(address, now, limits.pendingMs) ?? [];
        pending.delete(address);
        addresses.set(address, named, now);
        const records = [...earlier, record];
        append(named, records, now);
        return { sessionId: named, records };
      }
      const known = addresses.get(address, now, limits.keepMs);
      if (known) {
        append(known, [record], now);
        return { sessionId: known, records: [record] };
      }
      const waiting = pending.get(address, now, limits.pendingMs) ?? [];
      waiting.push(record);
      if (waiting.length > limits.maxPendingPerAddress) waiting.shift();
      pending.set(address, waiting, now);
      return undefined;
    },
    backlog(sessionId) {
      return [...(sessions.get(sessionId, clock(), limits.keepMs) ?? [])];
    },
    stats() {
      return { sessions: sessions.size, addresses: addresses.size, pendingAddresses: pending.size };
    },
  };
}
