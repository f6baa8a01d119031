/**
 * Signaling for the two-tab demo on socket.io's default namespace. The server is a careful
 * postman: it validates every message (src/shared/signaling/protocol.ts), stamps the sender
 * itself, and delivers a description, a candidate or a restart request only to the other member
 * of the sender's room.
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
  restartRequestMessageSchema,
  type Ack,
  type ClientToServerEvents,
  type ErrorCode,
  type ServerToClientEvents,
} from "../../src/shared/signaling/protocol.ts";
import type { IceConfig } from "../../src/shared/ice-config.ts";
import { createMemoryRoomRegistry, type RoomRegistry } from "./rooms.ts";

export type SignalingServer = Server<ClientToServerEvents, ServerToClientEvents>;
type SignalingSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface SignalingDeps {
  /** Milliseconds since the epoch; stamped on relays so both tabs can align their timelines. */
  clock?: () => number;
  randomBytes?: (size: number) => Uint8Array;
  /**
   * The ICE servers (with fresh TURN credentials) for the page behind this socket. May throw a
   * SignalingRefusal (the client's address is over its budget of credentials, say).
   */
  iceConfig: (socket: Socket) => Promise<IceConfig> | IceConfig;
  log?: (line: string) => void;
  /** Per-socket budgets (kept per process); the defaults suit a person clicking around, not a script. */
  limits?: Partial<SignalingLimits>;
  /** Where the rooms live: this process's memory by default, Redis when several processes share them. */
  rooms?: RoomRegistry;
}

export interface SignalingLimits {
  /** Descriptions + candidates + restart requests per socket per 10 s (a negotiation is ~2 + 20 messages). */
  signalsPer10s: number;
  /** room:join + room:leave per socket per minute. */
  roomOpsPerMinute: number;
  /** ice:config requests per socket per minute. */
  iceConfigPerMinute: number;
}

const DEFAULT_LIMITS: SignalingLimits = { signalsPer10s: 200, roomOpsPerMinute: 30, iceConfigPerMinute: 20 };

export interface Signaling {
  readonly rooms: RoomRegistry;
  /** Resolves once every message and disconnection received so far has been handled. */
  idle(): Promise<void>;
}

/** Thrown by a dependency to refuse a request with this code (and message) instead of failing it. */
export class SignalingRefusal extends Error {
  override name = "SignalingRefusal";
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
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
  const rooms = deps.rooms ?? createMemoryRoomRegistry();
  const limiters = {
    signal: new RateLimiterMemory({ points: limits.signalsPer10s, duration: 10 }),
    room: new RateLimiterMemory({ points: limits.roomOpsPerMinute, duration: 60 }),
    ice: new RateLimiterMemory({ points: limits.iceConfigPerMinute, duration: 60 }),
  };
  const limiterFor = (event: string): RateLimiterMemory =>
    event.startsWith("room:") ? limiters.room : event === "ice:config" ? limiters.ice : limiters.signal;

  const pending = new Set<Promise<unknown>>();
  const track = (task: Promise<unknown>): void => {
    pending.add(task);
    void task.finally(() => pending.delete(task));
  };

  // A member the registry dropped by itself (its process crashed or is shutting down): tell the
  // member left behind, wherever it is connected (io.to reaches other processes via the adapter).
  rooms.onLost((departure) => {
    if (departure.other) {
      io.to(departure.other.socketId).emit("peer:left", { peerId: departure.member.peerId, reason: "disconnected", serverTime: clock() });
    }
  });

  io.on("connection", (socket: SignalingSocket) => {
    /** Answers through the ack if the client gave one, otherwise with an `error` event. */
    const refuse = (event: string, reply: Reply | undefined, code: ErrorCode, message = messages[code]): void => {
      const error = { code, message };
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

    // The room registry answers asynchronously (Redis is a round trip away), so one socket's
    // messages are handled one after another, in the order they came: a candidate is never
    // relayed before the description sent ahead of it, and a disconnection that arrives while a
    // join is in flight leaves the room that join entered.
    let queue: Promise<void> = Promise.resolve();
    const inOrder = (task: () => Promise<void>): Promise<void> => {
      queue = queue.then(task);
      track(queue);
      return queue;
    };

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
        void inOrder(() =>
          Promise.resolve()
            .then(() => handler(payload, safeReply))
            .catch((error: unknown) => {
              if (error instanceof SignalingRefusal) return refuse(event, safeReply, error.code, error.message);
              log(`signaling: ${event} failed: ${error instanceof Error ? error.message : String(error)}`);
              refuse(event, safeReply, "unavailable");
            }),
        );
      });
    };

    const leave = async (reason: "left" | "disconnected"): Promise<boolean> => {
      const left = await rooms.leave(socket.id, { disconnected: reason === "disconnected" });
      if (!left) return false;
      if (left.other) io.to(left.other.socketId).emit("peer:left", { peerId: left.member.peerId, reason, serverTime: clock() });
      return true;
    };

    on("room:join", async (payload, reply) => {
      const parsed = joinRequestSchema.safeParse(payload ?? {});
      if (!parsed.success) {
        const badRoom = parsed.error.issues.some((issue) => issue.path[0] === "roomId");
        refuse("room:join", reply, badRoom ? "invalid-room" : "invalid-message");
        return;
      }
      const roomId = parsed.data.roomId ?? newRoomId(random);
      const peerId = base64url(random(9));
      const outcome = await rooms.join(roomId, socket.id, peerId);
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

    on("room:leave", async (_payload, reply) => {
      if (!(await leave("left"))) {
        refuse("room:leave", reply, "not-in-room");
        return;
      }
      reply?.({ ok: true });
    });

    /** The sender's peer ID and the other member, or a refusal when there is nobody to relay to. */
    const route = async (event: string, reply: Reply | undefined): Promise<{ from: string; to: string } | undefined> => {
      const [me, other] = await Promise.all([rooms.memberOf(socket.id), rooms.otherOf(socket.id)]);
      if (!me) {
        refuse(event, reply, "not-in-room");
        return undefined;
      }
      if (!other) {
        refuse(event, reply, "no-peer");
        return undefined;
      }
      return { from: me.peerId, to: other.socketId };
    };

    /**
     * A message for the other member of the sender's room: validated, then delivered with the
     * sender stamped by the server, and the size and server time both tabs' timelines show.
     */
    const relay = <T extends object>(
      event: "signal:description" | "signal:candidate" | "signal:restart-request",
      schema: { safeParse(payload: unknown): { success: true; data: T } | { success: false } },
      deliver: (to: string, stamp: { from: string; size: number; serverTime: number }, message: T) => void,
    ): void => {
      on(event, async (payload, reply) => {
        const parsed = schema.safeParse(payload);
        if (!parsed.success) return refuse(event, reply, "invalid-message");
        const path = await route(event, reply);
        if (!path) return;
        const stamp = { from: path.from, size: payloadSize(parsed.data), serverTime: clock() };
        deliver(path.to, stamp, parsed.data);
        reply?.({ ok: true, size: stamp.size, serverTime: stamp.serverTime });
      });
    };

    relay("signal:description", descriptionMessageSchema, (to, stamp, m) => io.to(to).emit("signal:description", { ...stamp, description: m.description }));
    relay("signal:candidate", candidateMessageSchema, (to, stamp, m) => io.to(to).emit("signal:candidate", { ...stamp, candidate: m.candidate }));
    // A tab asks the other to make an ICE restart's offer (the Firefox tab, see protocol.ts). The
    // request names nobody: the server says who asks, as for descriptions and candidates.
    relay("signal:restart-request", restartRequestMessageSchema, (to, stamp) => io.to(to).emit("signal:restart-request", stamp));

    on("ice:config", async (_payload, reply) => {
      const config = await deps.iceConfig(socket);
      if (reply) reply({ ok: true, config });
      else refuse("ice:config", undefined, "invalid-message");
    });

    socket.on("disconnect", () => {
      void inOrder(() =>
        leave("disconnected").then(
          () => undefined,
          (error: unknown) => log(`signaling: leaving on disconnect failed: ${error instanceof Error ? error.message : String(error)}`),
        ),
      );
      for (const limiter of Object.values(limiters)) void limiter.delete(socket.id);
    });
  });

  return {
    rooms,
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
