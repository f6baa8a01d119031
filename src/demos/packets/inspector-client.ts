/**
 * Browser end of the packet inspector (src/shared/inspector/protocol.ts): connect to the
 * /inspector namespace, prove which TURN session is ours with the credentials /api/ice-config
 * gave this page, then receive that session's decoded STUN/TURN messages. Every record is checked
 * against the shared zod schema before the page uses it.
 */
import { io, type Socket } from "socket.io-client";
import { INSPECTOR_NAMESPACE, type InspectorClientToServerEvents, type InspectorServerToClientEvents, type SubscribeRequest } from "../../shared/inspector/protocol.ts";
import { TransactionRecordSchema, type TransactionRecord } from "../../shared/stun/transaction-record.ts";
import { DemoFailure } from "./failures.ts";

const CONNECT_TIMEOUT_MS = 8_000;
const ACK_TIMEOUT_MS = 8_000;

export interface InspectorSubscription {
  readonly backlog: readonly TransactionRecord[];
  readonly keptForSeconds: number;
  /** Records that failed validation and were ignored. */
  rejected(): number;
  close(): void;
}

export async function subscribeInspector(request: SubscribeRequest, onRecord: (record: TransactionRecord) => void): Promise<InspectorSubscription> {
  const socket: Socket<InspectorServerToClientEvents, InspectorClientToServerEvents> = io(INSPECTOR_NAMESPACE, {
    transports: ["websocket", "polling"],
    tryAllTransports: true,
    reconnectionAttempts: 3,
    timeout: CONNECT_TIMEOUT_MS,
  });
  let rejected = 0;
  // Listen before subscribing: a record may arrive between the ack and our next line.
  const early: TransactionRecord[] = [];
  let deliver: ((record: TransactionRecord) => void) | undefined;
  socket.on("inspector:record", (raw: unknown) => {
    const parsed = TransactionRecordSchema.safeParse(raw);
    if (!parsed.success) {
      rejected++;
      return;
    }
    if (deliver) deliver(parsed.data);
    else early.push(parsed.data);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      if (socket.connected) return resolve();
      socket.once("connect", () => resolve());
      socket.once("connect_error", (error) => reject(new DemoFailure("unreachable", `Could not connect to the packet inspector on this site's server (${error.message}).`)));
    });
    let ack;
    try {
      ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("inspector:subscribe", request);
    } catch {
      throw new DemoFailure("timeout", "The packet inspector did not answer the subscription in time.");
    }
    if (!ack.ok) throw new DemoFailure("refused", `The packet inspector refused this page: ${ack.error.message} (${ack.error.code}).`);
    const backlog = ack.backlog.flatMap((raw: unknown) => {
      const parsed = TransactionRecordSchema.safeParse(raw);
      if (parsed.success) return [parsed.data];
      rejected++;
      return [];
    });
    deliver = onRecord;
    for (const record of early) onRecord(record);
    return { backlog, keptForSeconds: ack.keptForSeconds, rejected: () => rejected, close: () => socket.disconnect() };
  } catch (error) {
    socket.disconnect();
    throw error;
  }
}
