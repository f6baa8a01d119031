// Turns decoded messages into TransactionRecords for the packet inspector. When nobody listens
// (no onTransaction), `enabled` is false and callers skip the work entirely.
//
// Records are built from packets anyone can send, before (or without) authentication, so each is
// bounded: at most MAX_RECORDED_ATTRIBUTES attributes, values and the raw hex cut at
// MAX_RECORDED_BYTES, with `truncated` set when anything was cut. Which session a record belongs to
// is not read from the packet: the listener is told the username only of a request that passed
// authentication (and of the allocation a relay-usage roll-up belongs to).
import type { RelayUsageRecord, TransactionRecord } from "../../src/shared/stun/transaction-record.ts";
import { toHex } from "../../src/shared/stun/ip-bytes.ts";
import { AttributeType, STUN_CLASS_NAMES, STUN_METHOD_NAMES } from "../stun/constants.ts";
import { describeAttribute } from "../stun/attributes/index.ts";
import { decodeStunMessage, type StunMessage } from "../stun/message.ts";
import type { TransportAddress } from "../stun/attributes/address.ts";
import type { LiveAllocation } from "./allocation-store.ts";
import type { ClientTransport } from "./client-link.ts";

/** Browsers send fewer than 15 attributes and messages well under 1 KiB; anything beyond is cut. */
export const MAX_RECORDED_ATTRIBUTES = 64;
export const MAX_RECORDED_BYTES = 2048;

/**
 * The inspector's listener. `authenticatedUsername` is set only when the record belongs to a request
 * whose MESSAGE-INTEGRITY was checked (or to an allocation, which only such a request creates); the
 * record's own `username` is what the packet says and proves nothing.
 */
export type TransactionListener = (record: TransactionRecord, authenticatedUsername?: string) => void;

export interface Inspector {
  readonly enabled: boolean;
  /**
   * `username`: shown on the record when the message has no USERNAME of its own (answers).
   * `authenticated`: whether that username passed authentication (then the record is filed under it).
   */
  message(direction: "in" | "out", message: StunMessage | Uint8Array, source: TransportAddress, destination: TransportAddress, transport: ClientTransport, username?: string, authenticated?: boolean): void;
  usage(live: LiveAllocation, reason: RelayUsageRecord["reason"]): void;
}

type RecordedValue = string | number | boolean | number[] | Record<string, string | number | boolean>;

/** A described value with every string and array cut to MAX_RECORDED_BYTES; `cut` says whether it was. */
function bounded(value: unknown): { value: RecordedValue; cut: boolean } {
  const limit = MAX_RECORDED_BYTES;
  if (typeof value === "string") return value.length > limit ? { value: value.slice(0, limit), cut: true } : { value, cut: false };
  if (typeof value === "number" || typeof value === "boolean") return { value, cut: false };
  if (Array.isArray(value)) {
    const numbers = (value as readonly number[]).slice(0, limit).map(Number);
    return { value: numbers, cut: value.length > limit };
  }
  const out: Record<string, string | number | boolean> = {};
  let cut = false;
  for (const [k, v] of Object.entries(value as Record<string, string | number | boolean>).slice(0, MAX_RECORDED_ATTRIBUTES)) {
    const inner = typeof v === "string" && v.length > limit ? v.slice(0, limit) : v;
    cut ||= inner !== v;
    out[k] = inner;
  }
  return { value: out, cut };
}

export function createInspector(onTransaction: TransactionListener | undefined, clock: () => number, log: (line: string) => void): Inspector {
  const emit = (record: TransactionRecord, authenticatedUsername?: string): void => {
    try {
      onTransaction?.(record, authenticatedUsername);
    } catch (error) {
      log(`turn: onTransaction listener threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return {
    enabled: onTransaction !== undefined,
    message(direction, input, source, destination, transport, username, authenticated = false) {
      if (!onTransaction) return;
      let message: StunMessage;
      if (input instanceof Uint8Array) {
        const decoded = decodeStunMessage(input);
        if (!decoded.ok) return;
        message = decoded.message;
      } else {
        message = input;
      }
      let truncated = message.attributes.length > MAX_RECORDED_ATTRIBUTES || message.raw.length > MAX_RECORDED_BYTES;
      const attributes = message.attributes.slice(0, MAX_RECORDED_ATTRIBUTES).map((raw) => {
        // Describe at most MAX_RECORDED_BYTES of the value: a longer one is never a browser's.
        const long = raw.value.length > MAX_RECORDED_BYTES;
        const d = describeAttribute(long ? { ...raw, value: raw.value.subarray(0, MAX_RECORDED_BYTES) } : raw, message.transactionId);
        const { value, cut } = bounded(d.value);
        truncated ||= long || cut;
        const error = d.error === undefined ? undefined : d.error.slice(0, MAX_RECORDED_BYTES);
        return { type: raw.type, name: d.name, offset: raw.offset, length: raw.length, value, ...(error === undefined ? {} : { error }) };
      });
      const ownUsername = attributes.find((a) => a.type === AttributeType.USERNAME)?.value;
      const errorValue = attributes.find((a) => a.type === AttributeType.ERROR_CODE)?.value;
      const name = typeof ownUsername === "string" ? ownUsername : username;
      const code = errorValue !== undefined && typeof errorValue === "object" && "code" in errorValue ? errorValue.code : undefined;
      emit(
        {
          kind: "stun",
          time: clock(),
          direction,
          method: message.method,
          methodName: STUN_METHOD_NAMES[message.method] ?? `0x${message.method.toString(16)}`,
          cls: message.cls,
          className: STUN_CLASS_NAMES[message.cls],
          transactionId: toHex(message.transactionId),
          source: { address: source.address, port: source.port },
          destination: { address: destination.address, port: destination.port },
          transport,
          attributes,
          rawHex: toHex(message.raw.subarray(0, MAX_RECORDED_BYTES)),
          byteLength: message.raw.length,
          ...(name === undefined ? {} : { username: name }),
          ...(typeof code === "number" ? { errorCode: code } : {}),
          ...(truncated ? { truncated: true } : {}),
        },
        authenticated ? username : undefined,
      );
    },
    usage(live, reason) {
      if (!onTransaction) return;
      const a = live.allocation;
      emit(
        {
        kind: "relay-usage",
        time: clock(),
        username: a.auth.username,
        client: { ...a.fiveTuple.client },
        transport: a.fiveTuple.protocol,
        relayed: { ...a.advertisedRelayedAddress },
        reason,
        permissions: [...a.permissions.values()].map((p) => ({ peerAddress: p.peerAddress, expiresAt: p.expiresAt, ...p.counters })),
        channels: [...a.channelsByNumber.values()].map((c) => ({ channelNumber: c.channelNumber, peer: { ...c.peer }, expiresAt: c.expiresAt, ...c.counters })),
        },
        a.auth.username,
      );
    },
  };
}
