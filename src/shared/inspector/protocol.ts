/**
 * The packet inspector's socket.io namespace (/inspector): a page proves which TURN session is
 * its own by presenting the credentials the server issued to it, and then receives the decoded
 * STUN/TURN messages of that session, and only of that session. Imported by server and browser.
 */
import { z } from "../zod.ts";
import type { TransactionRecord } from "../stun/transaction-record.ts";

export const INSPECTOR_NAMESPACE = "/inspector";

export const subscribeRequestSchema = z.object({
  /** The TURN username from /api/ice-config ("<expiry>:<sessionId>"). */
  username: z.string().min(3).max(200),
  /** The TURN credential issued with it. */
  credential: z.string().min(1).max(200),
});
export type SubscribeRequest = z.infer<typeof subscribeRequestSchema>;

export type SubscribeAck =
  | { ok: true; sessionId: string; backlog: TransactionRecord[]; keptForSeconds: number }
  | { ok: false; error: { code: "invalid" | "expired" | "unauthorized" | "rate-limited"; message: string } };

export interface InspectorClientToServerEvents {
  "inspector:subscribe": (request: SubscribeRequest, ack: (result: SubscribeAck) => void) => void;
}

export interface InspectorServerToClientEvents {
  "inspector:record": (record: TransactionRecord) => void;
}
