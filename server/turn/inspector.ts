// Turns decoded messages into TransactionRecords for the packet inspector. When nobody listens
// (no onTransaction), `enabled` is false and callers skip the work entirely.
import type { RelayUsageRecord, TransactionRecord } from "../../src/shared/stun/transaction-record.ts";
import { toHex } from "../../src/shared/stun/ip-bytes.ts";
import { AttributeType, STUN_CLASS_NAMES, STUN_METHOD_NAMES } from "../stun/constants.ts";
import { describeAttribute } from "../stun/attributes/index.ts";
import { decodeStunMessage, type StunMessage } from "../stun/message.ts";
import type { TransportAddress } from "../stun/attributes/address.ts";
import type { LiveAllocation } from "./allocation-store.ts";
import type { ClientTransport } from "./client-link.ts";

export interface Inspector {
  readonly enabled: boolean;
  message(direction: "in" | "out", message: StunMessage | Uint8Array, source: TransportAddress, destination: TransportAddress, transport: ClientTransport, username?: string): void;
  usage(live: LiveAllocation, reason: RelayUsageRecord["reason"]): void;
}

export function createInspector(onTransaction: ((record: TransactionRecord) => void) | undefined, clock: () => number, log: (line: string) => void): Inspector {
  const emit = (record: TransactionRecord): void => {
    try {
      onTransaction?.(record);
    } catch (error) {
      log(`turn: onTransaction listener threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return {
    enabled: onTransaction !== undefined,
    message(direction, input, source, destination, transport, username) {
      if (!onTransaction) return;
      let message: StunMessage;
      if (input instanceof Uint8Array) {
        const decoded = decodeStunMessage(input);
        if (!decoded.ok) return;
        message = decoded.message;
      } else {
        message = input;
      }
      const attributes = message.attributes.map((raw) => {
        const d = describeAttribute(raw, message.transactionId);
        const value = Array.isArray(d.value) ? [...(d.value as readonly number[])] : (d.value as string | number | boolean | Record<string, string | number | boolean>);
        return { type: raw.type, name: d.name, offset: raw.offset, length: raw.length, value, ...(d.error === undefined ? {} : { error: d.error }) };
      });
      const ownUsername = attributes.find((a) => a.type === AttributeType.USERNAME)?.value;
      const errorValue = attributes.find((a) => a.type === AttributeType.ERROR_CODE)?.value;
      const name = typeof ownUsername === "string" ? ownUsername : username;
      const code = errorValue !== undefined && typeof errorValue === "object" && "code" in errorValue ? errorValue.code : undefined;
      emit({
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
        rawHex: toHex(message.raw),
        byteLength: message.raw.length,
        ...(name === undefined ? {} : { username: name }),
        ...(typeof code === "number" ? { errorCode: code } : {}),
      });
    },
    usage(live, reason) {
      if (!onTransaction) return;
      const a = live.allocation;
      emit({
        kind: "relay-usage",
        time: clock(),
        username: a.auth.username,
        client: { ...a.fiveTuple.client },
        transport: a.fiveTuple.protocol,
        relayed: { ...a.advertisedRelayedAddress },
        reason,
        permissions: [...a.permissions.values()].map((p) => ({ peerAddress: p.peerAddress, expiresAt: p.expiresAt, ...p.counters })),
        channels: [...a.channelsByNumber.values()].map((c) => ({ channelNumber: c.channelNumber, peer: { ...c.peer }, expiresAt: c.expiresAt, ...c.counters })),
      });
    },
  };
}
