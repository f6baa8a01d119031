/**
 * The connection limits of limits.ts, applied to socket.io. A connection is the engine.io
 * connection under the sockets (one per page; its namespaces share it), counted from its
 * handshake until it closes, whether or not it ever joins a namespace.
 *
 * Why not refuse in allowRequest: a refused handshake reaches the browser as a bare "websocket
 * error", and socket.io retries it. So a handshake over a limit is let in, and the page's first
 * namespace connection is refused by a middleware with a connect_error carrying the reader's
 * message (src/shared/client-limits.ts); socket.io does not retry that. The connection closes by
 * itself soon after (tuning.refusedConnectionMs) if the client does not close it. Only a client that
 * holds POLITE_REFUSALS refused connections already has its handshakes dropped in allowRequest.
 */
import type { Server } from "socket.io";
import type { LimitRefusal } from "../../src/shared/client-limits.ts";
import type { Client, ClientLimits, RequestLike } from "./limits.ts";

export interface Connection {
  readonly client: Client;
  /** The Host header of the handshake: the name the page used to reach this server. */
  readonly host: string | undefined;
  readonly refusal: LimitRefusal | undefined;
}

/** The engine.io connection as this module uses it (socket.io's own type keeps `request` read-only). */
interface EngineConnection {
  request: RequestLike | null;
  once(event: "close", listener: () => void): unknown;
  close(): unknown;
}

export interface ConnectionLimits {
  /** For socket.io's allowRequest: a reason to drop the handshake, or undefined to let it in. */
  allowRequest(req: RequestLike): string | undefined;
  /** Counts connections and refuses, on `namespaces`, those over a limit. */
  attach(io: Server, namespaces: readonly string[]): void;
  /** What is known of the connection under a socket. */
  connectionOf(socket: { conn: object }): Connection | undefined;
}

export function createConnectionLimits(limits: ClientLimits): ConnectionLimits {
  /** allowRequest's verdict, for the connection the same request opens. */
  const admitted = new WeakMap<object, { client: Client; refusal: LimitRefusal | undefined }>();
  const connections = new WeakMap<object, Connection>();

  return {
    allowRequest(req) {
      const client = limits.identify(req);
      const verdict = limits.handshake(client);
      if (!verdict.ok && "drop" in verdict) return verdict.drop;
      admitted.set(req, { client, refusal: verdict.ok ? undefined : verdict.refusal });
      return undefined;
    },

    attach(io, namespaces) {
      io.engine.on("connection", (raw: EngineConnection) => {
        const request = raw.request;
        const admission = request ? admitted.get(request) : undefined;
        const client = admission?.client ?? limits.identify(request ?? { socket: {}, headers: {} });
        const opened = limits.opened(client);
        const refusal = admission?.refusal ?? (opened.ok ? undefined : opened.refusal);
        connections.set(raw, { client, host: request?.headers.host, refusal });
        const timer = refusal ? setTimeout(() => raw.close(), limits.tuning.refusedConnectionMs) : undefined;
        timer?.unref();
        raw.once("close", () => {
          clearTimeout(timer);
          limits.closed(client);
        });
        // Drop the retained handshake request (socket.io performance guide), now that what is
        // needed from it is kept above. socket.handshake.headers is empty from here on.
        raw.request = null;
      });
      for (const name of namespaces) {
        io.of(name).use((socket, next) => {
          const refusal = connections.get(socket.conn)?.refusal;
          if (!refusal) return next();
          next(Object.assign(new Error(refusal.message), { data: refusal }));
        });
      }
    },

    connectionOf: (socket) => connections.get(socket.conn),
  };
}
