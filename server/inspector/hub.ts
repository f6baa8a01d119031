/**
 * The packet inspector's socket.io side: pages subscribe with the TURN credentials the server
 * issued to them, and receive the STUN/TURN messages of their own session only. A page cannot ask
 * for another session: the credential is an HMAC of the session's username under the server's
 * secret, which only the page that received it knows.
 */
import type { Namespace, Server } from "socket.io";
import { RateLimiterMemory } from "rate-limiter-flexible";
import {
  INSPECTOR_NAMESPACE,
  subscribeRequestSchema,
  type InspectorClientToServerEvents,
  type InspectorServerToClientEvents,
  type SubscribeAck,
} from "../../src/shared/inspector/protocol.ts";
import type { TransactionRecord } from "../../src/shared/stun/transaction-record.ts";
import { checkTurnUsername, verifyTurnCredentials } from "../turn/credentials.ts";
import { createSessionLog, sessionIdOf, type SessionLog, type SessionLogLimits } from "./session-log.ts";

export interface InspectorHub {
  /**
   * Give to the STUN/TURN server as its onTransaction listener: `authenticatedUsername` is the
   * username the record's request passed authentication with, the only one a record is filed under.
   */
  record(record: TransactionRecord, authenticatedUsername?: string): void;
  readonly log: SessionLog;
}

export interface InspectorHubOptions {
  secret: string;
  clock: () => number;
  limits?: SessionLogLimits;
}

const room = (sessionId: string): string => `session:${sessionId}`;

export function attachInspectorHub(io: Server, options: InspectorHubOptions): InspectorHub {
  const namespace: Namespace<InspectorClientToServerEvents, InspectorServerToClientEvents> = io.of(INSPECTOR_NAMESPACE);
  const log = createSessionLog(options.clock, options.limits);
  // A few subscriptions per socket per minute are plenty; more is someone guessing credentials.
  const limiter = new RateLimiterMemory({ points: 10, duration: 60 });

  namespace.on("connection", (socket) => {
    socket.on("inspector:subscribe", async (request: unknown, ack: unknown) => {
      if (typeof ack !== "function") return;
      const reply = ack as (result: SubscribeAck) => void;
      try {
        await limiter.consume(socket.id);
      } catch {
        reply({ ok: false, error: { code: "rate-limited", message: "Too many subscription attempts; wait a minute" } });
        return;
      }
      const parsed = subscribeRequestSchema.safeParse(request);
      if (!parsed.success) {
        reply({ ok: false, error: { code: "invalid", message: "Expected { username, credential } from /api/ice-config" } });
        return;
      }
      const { username, credential } = parsed.data;
      const now = options.clock();
      const check = checkTurnUsername(options.secret, username, now);
      const sessionId = sessionIdOf(username);
      if (!check.ok && check.reason === "expired") {
        reply({ ok: false, error: { code: "expired", message: "These credentials have expired; reload the page for new ones" } });
        return;
      }
      if (!check.ok || !sessionId || !verifyTurnCredentials(options.secret, username, credential, now)) {
        reply({ ok: false, error: { code: "unauthorized", message: "These are not credentials this server issued" } });
        return;
      }
      await socket.join(room(sessionId));
      reply({ ok: true, sessionId, backlog: log.backlog(sessionId), keptForSeconds: 600 });
    });
  });

  return {
    log,
    record(record, authenticatedUsername) {
      const filed = log.add(record, authenticatedUsername);
      if (!filed) return;
      const target = namespace.to(room(filed.sessionId));
      for (const item of filed.records) target.emit("inspector:record", item);
    },
  };
}
