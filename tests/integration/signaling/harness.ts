/**
 * A real Node HTTP server with a real socket.io Server on port 0 and attachSignaling on it, as
 * server/app.ts builds it (same message size cap), plus real socket.io clients.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { attachSignaling, type Signaling, type SignalingDeps, type SignalingServer } from "../../../server/signaling/index.ts";
import { MAX_SIGNALING_MESSAGE_BYTES } from "../../../server/realtime.ts";
import type { ClientToServerEvents, ServerToClientEvents } from "../../../src/shared/signaling/protocol.ts";

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Harness {
  url: string;
  signaling: Signaling;
  io: SignalingServer;
  client(): Promise<Client>;
  close(): Promise<void>;
}

export async function startSignaling(deps: Partial<SignalingDeps> = {}): Promise<Harness> {
  const http = createServer();
  const io: SignalingServer = new Server(http, { serveClient: false, maxHttpBufferSize: MAX_SIGNALING_MESSAGE_BYTES });
  const signaling = attachSignaling(io, { iceConfig: () => ({ iceServers: [], mappingServers: [], sessionId: "s", expiresAt: 0, turn: { mode: "none", realm: "test" } }), ...deps });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const clients: Client[] = [];
  return {
    url,
    signaling,
    io,
    async client() {
      const socket: Client = connect(url, { transports: ["websocket"], reconnection: false, forceNew: true });
      clients.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      });
      return socket;
    },
    async close() {
      for (const socket of clients) socket.close();
      await io.close();
    },
  };
}

/** Resolves with the next `event` the client receives. */
export function next<E extends keyof ServerToClientEvents>(socket: Client, event: E): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve) => {
    socket.once(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => resolve(payload)) as never);
  });
}

/** Records every event a client receives, to prove that nothing else arrived. */
export function recorder(socket: Client): { events: [string, unknown][] } {
  const log: { events: [string, unknown][] } = { events: [] };
  socket.onAny((event: string, payload: unknown) => log.events.push([event, payload]));
  return log;
}
