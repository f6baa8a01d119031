/**
 * The browser end of the signaling protocol (src/shared/signaling/protocol.ts).
 *
 * Transport: WebSocket first, long-polling only as a fallback (`tryAllTransports`). socket.io's
 * default starts with HTTP long-polling and upgrades later; measured on this kind of machine that
 * costs ~200 ms before the first message, and the two-tab demo is about how fast peers connect.
 * One Node process serves the site, so the sticky sessions polling needs behind a load balancer
 * are not a concern here; the fallback keeps the demo usable behind proxies that block WebSocket.
 */
import { io, type Socket } from "socket.io-client";
import { limitRefusalSchema, type LimitRefusal } from "../../shared/client-limits.ts";
import type {
  Ack,
  CandidateMessage,
  ClientToServerEvents,
  DescriptionMessage,
  IceConfigResult,
  JoinResult,
  RelayResult,
  ServerToClientEvents,
} from "../../shared/signaling/protocol.ts";

export type SignalingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ACK_TIMEOUT_MS = 10_000;

export class SignalingRefused extends Error {
  override name = "SignalingRefused";
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

function unwrap<T extends object>(result: Ack<T>): { ok: true } & T {
  if (!result.ok) throw new SignalingRefused(result.error.code, result.error.message);
  return result;
}

/**
 * Reconnects for as long as the page is open (socket.io's default), at most every 5 s: a server
 * restarted after a minute, or a laptop back from sleep, finds the tab carrying on by itself. A
 * server that refuses the page (its per-address limits) is not retried: see connectRefusal.
 */
export function connectSignaling(): SignalingSocket {
  return io({ transports: ["websocket", "polling"], tryAllTransports: true, timeout: 8000 });
}

/**
 * The server's refusal behind a connect_error, when it refused this page for its address's limits
 * (too many connections): its `data` then says why in words for the reader. socket.io does not
 * retry such a refusal. Undefined for any other connect_error (server down, network).
 */
export function connectRefusal(error: Error & { data?: unknown }): LimitRefusal | undefined {
  const parsed = limitRefusalSchema.safeParse(error.data);
  return parsed.success ? parsed.data : undefined;
}

export async function join(socket: SignalingSocket, roomId: string | undefined): Promise<JoinResult> {
  return unwrap(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("room:join", roomId === undefined ? {} : { roomId }));
}

export async function leave(socket: SignalingSocket): Promise<void> {
  unwrap(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("room:leave"));
}

export async function iceConfig(socket: SignalingSocket): Promise<IceConfigResult["config"]> {
  return unwrap(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("ice:config")).config;
}

export async function sendDescription(socket: SignalingSocket, message: DescriptionMessage): Promise<RelayResult> {
  return unwrap(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("signal:description", message));
}

export async function sendCandidate(socket: SignalingSocket, message: CandidateMessage): Promise<RelayResult> {
  return unwrap(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("signal:candidate", message));
}

/** Asks the other tab to make an ICE restart's offer (see restartRequestMessageSchema). */
export async function sendRestartRequest(socket: SignalingSocket): Promise<RelayResult> {
  return unwrap(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("signal:restart-request", {}));
}
