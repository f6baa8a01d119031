/**
 * STUN is request/response: a response carries the transaction ID of its request (RFC 8489 §6.3.3,
 * "the transaction ID ... matches"). Grouping the inspector's records by transaction ID pairs each
 * request with its answer, and also folds in retransmissions (same ID sent again over UDP).
 */
import type { ClientTransport, Endpoint, RelayUsageRecord, StunMessageRecord, TransactionRecord } from "../../shared/stun/transaction-record.ts";

export interface Transaction {
  readonly transactionId: string;
  readonly methodName: string;
  readonly method: number;
  /** The first copy of the request the server received (retransmissions are counted, not kept). */
  readonly request: StunMessageRecord | undefined;
  readonly requestCount: number;
  /** The server's (last) answer. */
  readonly response: StunMessageRecord | undefined;
  readonly outcome: "pending" | "success" | "error" | "indication";
  readonly errorCode: number | undefined;
  /** The browser's side of the exchange (its address as the server saw it). */
  readonly client: Endpoint;
  /** How the browser reached the server: over UDP, or over a TCP connection (TURN over TCP). */
  readonly transport: ClientTransport;
  /** Server time of the first message of the transaction. */
  readonly startedAt: number;
}

const CLASS_REQUEST = 0;
const CLASS_INDICATION = 1;
const CLASS_SUCCESS = 2;

export const endpointKey = (e: Endpoint): string => (e.address.includes(":") ? `[${e.address}]:${String(e.port)}` : `${e.address}:${String(e.port)}`);

function clientOf(record: StunMessageRecord): Endpoint {
  return record.direction === "in" ? record.source : record.destination;
}

/**
 * The browser's socket: its address plus the transport. A UDP socket and a TCP connection may
 * share a port number and are still two clients (records without a transport are UDP).
 */
export const clientKey = (client: Endpoint, transport: ClientTransport | undefined): string => `${transport === "tcp" ? "tcp " : ""}${endpointKey(client)}`;

/**
 * Records grouped into transactions, in the order each transaction started (server time; ties keep
 * arrival order). Relay-usage records are ignored here (see latestUsage).
 */
export function groupTransactions(records: readonly TransactionRecord[]): Transaction[] {
  const byId = new Map<string, { first: StunMessageRecord; index: number; request?: StunMessageRecord; requests: number; response?: StunMessageRecord }>();
  records.forEach((record, index) => {
    if (record.kind !== "stun") return;
    // Two clients could pick the same ID; the ID plus the client address identifies a transaction.
    const key = `${record.transactionId}|${clientKey(clientOf(record), record.transport)}`;
    const entry = byId.get(key) ?? { first: record, index, requests: 0 };
    if (record.cls === CLASS_REQUEST || record.cls === CLASS_INDICATION) {
      entry.requests++;
      entry.request ??= record;
    } else {
      entry.response = record;
    }
    if (record.time < entry.first.time) entry.first = record;
    byId.set(key, entry);
  });
  return [...byId.values()]
    .sort((a, b) => a.first.time - b.first.time || a.index - b.index)
    .map(({ first, request, requests, response }): Transaction => {
      const errorCode = response?.errorCode;
      const outcome = request?.cls === CLASS_INDICATION ? "indication" : !response ? "pending" : response.cls === CLASS_SUCCESS ? "success" : "error";
      return {
        transactionId: first.transactionId,
        methodName: first.methodName,
        method: first.method,
        request,
        requestCount: requests,
        response,
        outcome,
        errorCode,
        client: clientOf(first),
        transport: first.transport ?? "udp",
        startedAt: first.time,
      };
    });
}

/** The first Binding request that got a success response: what the STUN demo shows. */
export function firstBindingExchange(records: readonly TransactionRecord[]): (Transaction & { request: StunMessageRecord; response: StunMessageRecord }) | undefined {
  for (const t of groupTransactions(records)) {
    if (t.methodName === "Binding" && t.request && t.response && t.outcome === "success") return { ...t, request: t.request, response: t.response };
  }
  return undefined;
}

export interface UsageTotals {
  readonly bytesToPeer: number;
  readonly packetsToPeer: number;
  readonly bytesFromPeer: number;
  readonly packetsFromPeer: number;
}

export interface AllocationUsage extends UsageTotals {
  readonly client: Endpoint;
  readonly relayed: Endpoint;
  readonly reason: RelayUsageRecord["reason"];
  readonly permissions: number;
  readonly channels: number;
  readonly time: number;
}

/**
 * The newest byte counts of each allocation. The server's counters are cumulative per permission
 * and per channel (a channel's bytes are also counted on its peer's permission), so an
 * allocation's total is the sum over its permissions.
 */
export function latestUsage(records: readonly TransactionRecord[]): AllocationUsage[] {
  const latest = new Map<string, RelayUsageRecord>();
  for (const record of records) {
    if (record.kind !== "relay-usage") continue;
    const key = endpointKey(record.relayed);
    const seen = latest.get(key);
    if (!seen || record.time >= seen.time) latest.set(key, record);
  }
  return [...latest.values()].map((r) => {
    const sum = (pick: (c: RelayUsageRecord["permissions"][number]) => number): number => r.permissions.reduce((total, p) => total + pick(p), 0);
    return {
      client: r.client,
      relayed: r.relayed,
      reason: r.reason,
      permissions: r.permissions.length,
      channels: r.channels.length,
      time: r.time,
      bytesToPeer: sum((p) => p.bytesToPeer),
      packetsToPeer: sum((p) => p.packetsToPeer),
      bytesFromPeer: sum((p) => p.bytesFromPeer),
      packetsFromPeer: sum((p) => p.packetsFromPeer),
    };
  });
}

export function totalUsage(usage: readonly UsageTotals[]): UsageTotals {
  return usage.reduce(
    (t, u) => ({ bytesToPeer: t.bytesToPeer + u.bytesToPeer, packetsToPeer: t.packetsToPeer + u.packetsToPeer, bytesFromPeer: t.bytesFromPeer + u.bytesFromPeer, packetsFromPeer: t.packetsFromPeer + u.packetsFromPeer }),
    { bytesToPeer: 0, packetsToPeer: 0, bytesFromPeer: 0, packetsFromPeer: 0 },
  );
}
