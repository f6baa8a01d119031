/**
 * A real Node HTTP server with a real socket.io Server on port 0 and attachSignaling on it, as
 * server/app.ts builds it (same message size cap), plus real socket.io clients. With `redis`, the
 * server shares rooms and messages through Redis exactly as server/realtime.ts wires it for
 * REDIS_URL (createRedisSharing: Redis room registry + socket.io's Redis adapter).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { attachSignaling, type Signaling, type SignalingDeps, type SignalingServer } from "../../../server/signaling/index.ts";
import { MAX_SIGNALING_MESSAGE_BYTES } from "../../../server/realtime.ts";
import { createRedisSharing, type RedisSharing, type RedisSharingOptions } from "../../../server/signaling/redis.ts";
import type { Ack, ClientToServerEvents, JoinResult, ServerToClientEvents } from "../../../src/shared/signaling/protocol.ts";

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Harness {
  url: string;
  signaling: Signaling;
  io: SignalingServer;
  /** Present when the server shares its state through Redis. */
  sharing: RedisSharing | undefined;
  /** Lines the server logged. */
  logs: string[];
  client(): Promise<Client>;
  close(): Promise<void>;
}

export interface RedisHarnessOptions extends Omit<RedisSharingOptions, "log"> {
  url: string;
}

export async function startSignaling(deps: Partial<SignalingDeps> = {}, redis?: RedisHarnessOptions): Promise<Harness> {
  const http = createServer();
  const io: SignalingServer = new Server(http, { serveClient: false, maxHttpBufferSize: MAX_SIGNALING_MESSAGE_BYTES });
  const logs: string[] = [];
  const log = (line: string): void => {
    logs.push(line);
    deps.log?.(line);
  };
  const sharing = redis ? createRedisSharing(redis.url, { ...redis, log }) : undefined;
  const signaling = attachSignaling(io, {
    iceConfig: () => ({ iceServers: [], mappingServers: [], sessionId: "s", expiresAt: 0, turn: { mode: "none", realm: "test" } }),
    ...deps,
    log,
    ...(sharing ? { rooms: sharing.rooms } : {}),
  });
  // As in server/app.ts: the adapter is in place before the first client can connect.
  await sharing?.start(io);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const clients: Client[] = [];
  return {
    url,
    signaling,
    io,
    sharing,
    logs,
    client: () => connectClient(url, clients),
    async close() {
      for (const socket of clients) socket.close();
      await io.close();
      await signaling.idle();
      await sharing?.close();
    },
  };
}

/** A real socket.io client over WebSocket, connected; added to `opened` so its owner can close it. */
export async function connectClient(url: string, opened: Client[]): Promise<Client> {
  const socket: Client = connect(url, { transports: ["websocket"], reconnection: false, forceNew: true });
  opened.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
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

/** The same socket without the protocol's types, to send what a hostile client would. */
export const raw = (socket: Client): Socket => socket as unknown as Socket;

export function emit(socket: Client, event: string, ...args: unknown[]): Promise<Ack<Record<string, unknown>>> {
  return raw(socket).timeout(5000).emitWithAck(event, ...args) as Promise<Ack<Record<string, unknown>>>;
}

export async function join(socket: Client, roomId?: string): Promise<Ack<JoinResult>> {
  return socket.timeout(5000).emitWithAck("room:join", roomId === undefined ? {} : { roomId });
}

export async function joinOk(socket: Client, roomId?: string): Promise<JoinResult> {
  const result = await join(socket, roomId);
  if (!result.ok) throw new Error(`join refused: ${result.error.code}`);
  return result;
}

export const offer = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" } as const;
export const candidate = { candidate: "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host", sdpMid: "0", sdpMLineIndex: 0 };
