/**
 * Signaling for the two-tab demo on socket.io's default namespace. The server is a careful
 * postman: it validates every message (src/shared/signaling/protocol.ts), stamps the sender
 * itself, and delivers a description or candidate only to the other member of the sender's room.
 * Anything else is refused with an error to the sender and reaches nobody.
 */
import { randomBytes as nodeRandomBytes } from "node:crypto";
import type { Server, Socket } from "socket.io";
import { RateLimiterMemory } from "rate-limiter-flexible";
import {
  CLIENT_EVENTS,
  base64url,
  candidateMessageSchema,
  descriptionMessageSchema,
  joinRequestSchema,
  newRoomId,
  payloadSize,
  type Ack,
  type ClientToServerEvents,
  type ErrorCode,
  type ServerToClientEvents,
} from "../../src/shared/signaling/protocol.ts";
import type { IceConfig } from "../../src/shared/ice-config.ts";
import { createRoomRegistry, type RoomRegistry } from "./rooms.ts";

export type SignalingServer = Server<ClientToServerEvents, ServerToClientEvents>;
type SignalingSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface SignalingDeps {
  /** Milliseconds since the epoch; stamped on relays so both tabs can align their timelines. */
  clock?: () => number;
  randomBytes?: (size: number) => Uint8Array;
  /** The ICE servers (with fresh TURN credentials) for the page behind this socket. */
  iceConfig: (socket: Socket) => Promise<IceConfig> | IceConfig;
  log?: (line: string) => void;
  /** Per-socket budgets; the defaults suit a person clicking around, not a script. */
  limits?: Partial<SignalingLimits>;
}

export interface SignalingLimits {
  /** Descriptions + candidates per socket per 10 s (a negotiation is ~2 + 20 messages). */
  signalsPer10s: number;
  /** room:join + room:leave per socket per minute. */
  roomOpsPerMinute: number;
  /** ice:config requests per socket per minute. */
  iceConfigPerMinute: number;
}

const DEFAULT_LIMITS: SignalingLimits = { signalsPer10s: 200, roomOpsPerMinute: 30, iceConfigPerMinute: 20 };

export interface Signaling {
  readonly rooms: RoomRegistry;
}

/** An acknowledgement callback; generic so each handler keeps its own result type. */
type Reply = <T extends object>(result: Ack<T>) => void;

const messages: Record<ErrorCode, string> = {
  "invalid-message": "The message does not match the signaling protocol",
  "invalid-room": "A room ID is 16 to 64 characters of A-Z a-z 0-9 - _",
  "room-full": "This room already has two peers",
  "already-in-room": "Leave your current room before joining another",
  "not-in-room": "Join a room first",
  "no-peer": "Nobody else is in the room yet",
  "rate-limited": "Too many messages; slow down",
  "unknown-event": "This server does not know that event",
  unavailable: "The server could not answer; try again",
};

export function attachSignaling(io: SignalingServer, deps: SignalingDeps): Signaling {
  const clock = deps.clock ?? Date.now;
  const random = deps.randomBytes ?? ((size: number) => new Uint8Array(nodeRandomBytes(size)));
  const log = deps.log ?? (() => undefined);
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const rooms = createRoomRegistry();
  const limiters = {
    signal: new RateLimiterMemory({ points: limits.signalsPer10s, duration: 10 }),
    room: new RateLimiterMemory({ points: limits.roomOpsPerMinute, duration: 60 }),
    ice: new RateLimiterMemory({ points: limits.iceConfigPerMinute, duration: 60 }),
  };
  const limiterFor = (event: string): RateLimiterMemory =>
    event.startsWith("room:") ? limiters.room : event === "ice:config" ? limiters.ice : limiters.signal;

  io.on("connection", (socket: SignalingSocket) => {
    /** Answers through the ack if the client gave one, otherwise with an `error` event. */
    const refuse = (event: string, reply: Reply | undefined, code: ErrorCode): void => {
      const error = { code, message: messages[code] };
      if (reply) reply({ ok: false, error });
      else socket.emit("error", { ...error, event });
    };

    // Every packet passes here first: unknown events and over-budget senders stop at the door.
    socket.use((packet, next) => {
      const [event, ...args] = packet as unknown[];
      const name = typeof event === "string" ? event.slice(0, 64) : "?";
      const last = args[args.length - 1];
      const reply = typeof last === "function" ? (last as Reply) : undefined;
      if (!(CLIENT_EVENTS as readonly string[]).includes(name)) {
        refuse(name, reply, "unknown-event");
        return;
      }
      limiterFor(name)
        .consume(socket.id)
        .then(
          () => next(),
          () => refuse(name, reply, "rate-limited"),
        );
    });

    /** Splits socket.io's arguments into (payload, ack), whatever the client actually sent. */
    const on = (event: keyof ClientToServerEvents, handler: (payload: unknown, reply: Reply | undefined) => void | Promise<void>): void => {
      socket.on(event, (...args: unknown[]) => {
        const last = args[args.length - 1];
        const reply = typeof last === "function" ? (last as Reply) : undefined;
        const payload = typeof args[0] === "function" ? undefined : args[0];
        const safeReply: Reply | undefined = reply
          ? <T extends object>(result: Ack<T>) => {
              try {
                reply(result);
              } catch (error) {
                log(`signaling: ack failed: ${String(error)}`);
              }
            }
          : undefined;
        Promise.resolve()
          .then(() => handler(payload, safeReply))
          .catch((error: unknown) => {
            log(`signaling: ${event} failed: ${error instanceof Error ? error.message : String(error)}`);
            refuse(event, safeReply, "unavailable");
          });
      });
    };

    const leave = (reason: "left" | "disconnected"): boolean => {
      const left = rooms.leave(socket.id);
      if (!left) return false;
      if (left.other) io.to(left.other.socketId).emit("peer:left", { peerId: left.member.peerId, reason, serverTime: clock() });
      return true;
    };

    on("room:join", (payload, reply) => {
      const parsed = joinRequestSchema.safeParse(payload ?? {});
      if (!parsed.success) {
        const badRoom = parsed.error.issues.some((issue) => issue.path[0] === "roomId");
        refuse("room:join", reply, badRoom ? "invalid-room" : "invalid-message");
        return;
      }
      const roomId = parsed.data.roomId ?? newRoomId(random);
      const peerId = base64url(random(9));
      const outcome = rooms.join(roomId, socket.id, peerId);
      if (!outcome.ok) {
        if (outcome.reason === "room-full") socket.emit("room:full", { roomId });
        refuse("room:join", reply, outcome.reason);
        return;
      }
      const serverTime = clock();
      const { member, other } = outcome;
      if (other) io.to(other.socketId).emit("peer:joined", { peerId: member.peerId, role: member.role, serverTime });
      const result = { roomId, peerId, role: member.role, peer: other ? { peerId: other.peerId, role: other.role } : null, serverTime };
      if (reply) reply({ ok: true, ...result });
    });

    on("room:leave", (_payload, reply) => {
      if (!leave("left")) {
        refuse("room:leave", reply, "not-in-room");
        return;
      }
      reply?.({ ok: true });
    });

    /** The sender's peer ID and the other member, or a refusal when there is nobody to relay to. */
    const route = (event: string, reply: Reply | undefined): { from: string; to: string } | undefined => {
      const me = rooms.memberOf(socket.id);
      if (!me) {
        refuse(event, reply, "not-in-room");
        return undefined;
      }
      const other = rooms.otherOf(socket.id);
      if (!other) {
        refuse(event, reply, "no-peer");
        return undefined;
      }
      return { from: me.peerId, to: other.socketId };
    };

    on("signal:description", (payload, reply) => {
      const parsed = descriptionMessageSchema.safeParse(payload);
      if (!parsed.success) return refuse("signal:description", reply, "invalid-message");
      const path = route("signal:description", reply);
      if (!path) return;
      const size = payloadSize(parsed.data);
      const serverTime = clock();
      io.to(path.to).emit("signal:description", { from: path.from, description: parsed.data.description, size, serverTime });
      reply?.({ ok: true, size, serverTime });
    });

    on("signal:candidate", (payload, reply) => {
      const parsed = candidateMessageSchema.safeParse(payload);
      if (!parsed.success) return refuse("signal:candidate", reply, "invalid-message");
      const path = route("signal:candidate", reply);
      if (!path) return;
      const size = payloadSize(parsed.data);
      const serverTime = clock();
      io.to(path.to).emit("signal:candidate", { from: path.from, candidate: parsed.data.candidate, size, serverTime });
      reply?.({ ok: true, size, serverTime });
    });

    on("ice:config", async (_payload, reply) => {
      const config = await deps.iceConfig(socket);
      if (reply) reply({ ok: true, config });
      else refuse("ice:config", undefined, "invalid-message");
    });

    socket.on("disconnect", () => {
      leave("disconnected");
      for (const limiter of Object.values(limiters)) void limiter.delete(socket.id);
    });
  });

  return { rooms };
}
