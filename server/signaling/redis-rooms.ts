/**
 * Rooms kept in Redis, so several signaling processes share them: a tab connected to one process
 * can join a room created through another, and the two-member limit holds across all of them.
 * Same invariants and answers as the memory registry (rooms.ts); every change is one Lua script
 * (redis-room-scripts.ts), which Redis runs without interleaving anything else.
 *
 * What if a process crashes? Its sockets are gone, but nothing told Redis, so their memberships
 * would hold their rooms forever. Each membership is therefore tagged with the ID of the process
 * that holds it, and each process keeps a heartbeat key that expires after `leaseMs` unless the
 * process renews it (every `heartbeatMs`). A member whose process has no heartbeat is treated as
 * gone: a join into its room drops it before counting, and every process's heartbeat releases the
 * members of processes whose lease ran out, announcing each departure (through onLost) so the
 * member left behind hears peer:left. A crashed process's rooms are therefore free again within
 * about one lease, and a process that shuts down cleanly releases its own members at once.
 *
 * The cost of this choice: a live process cut off from Redis for longer than the lease is taken
 * for dead, and its members are released too; it logs that when it reconnects.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { ROOM_CAPACITY } from "../../src/shared/signaling/protocol.ts";
import type { Departure, JoinOutcome, Member, RoomRegistry } from "./rooms.ts";
import { HEARTBEAT, JOIN, LEAVE, LOOKUP, RELEASE, type Script } from "./redis-room-scripts.ts";

/** The one thing the registry needs from a Redis client; node-redis's clients have it. */
export interface RedisCommander {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisRoomRegistryOptions {
  /** Prepended to every key, so several sites (or tests) can share one Redis. */
  keyPrefix?: string;
  /** This process's ID in Redis; random by default. */
  processId?: string;
  /** How often this process renews its lease and looks for processes whose lease ran out. */
  heartbeatMs?: number;
  /** How long a process counts as alive after its last heartbeat. */
  leaseMs?: number;
  log?: (line: string) => void;
}

export interface RedisRoomRegistry extends RoomRegistry {
  readonly processId: string;
  /** One heartbeat: renews this process's lease, releases members of processes whose lease ran out. */
  heartbeat(): Promise<void>;
  /** The first heartbeat, then one every heartbeatMs until close(). */
  start(): Promise<void>;
  /** Stops the heartbeat and releases this process's own members (their partners hear peer:left). */
  close(): Promise<void>;
}

export const DEFAULT_KEY_PREFIX = "webrtc-nat:";
export const DEFAULT_HEARTBEAT_MS = 5_000;
/** Three missed heartbeats: a slow event loop or a brief network hiccup does not kill a process. */
export const DEFAULT_LEASE_MS = 15_000;

const memberSchema = z.object({ socketId: z.string(), peerId: z.string(), role: z.enum(["polite", "impolite"]) });
const departureSchema = z.object({ roomId: z.string(), member: memberSchema, other: memberSchema.optional() });
const joinReplySchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), member: memberSchema, other: memberSchema.optional(), lost: z.array(memberSchema).default([]) }),
  z.object({ ok: z.literal(false), reason: z.enum(["room-full", "already-in-room"]), lost: z.array(memberSchema).default([]) }),
]);
const lookupReplySchema = z.object({ roomId: z.string(), members: z.array(memberSchema).default([]) });
const heartbeatReplySchema = z.object({ lapsed: z.boolean(), departures: z.array(departureSchema).default([]) });
const releaseReplySchema = z.object({ departures: z.array(departureSchema).default([]) });
const scanReplySchema = z.tuple([z.string(), z.array(z.string())]);

const sha1 = (text: string): string => createHash("sha1").update(text).digest("hex");

/** Parses a script's JSON answer; nil (no such socket) becomes undefined. */
function parseReply<T>(schema: z.ZodType<T>, reply: unknown, script: Script): T | undefined {
  if (reply === null) return undefined;
  if (typeof reply !== "string") throw new Error(`rooms: ${script.name} script answered ${typeof reply}, expected JSON text`);
  return schema.parse(JSON.parse(reply));
}

const departureOf = (d: z.infer<typeof departureSchema>): Departure => ({ roomId: d.roomId, member: d.member, other: d.other });

export function createRedisRoomRegistry(client: RedisCommander, options: RedisRoomRegistryOptions = {}): RedisRoomRegistry {
  const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const processId = options.processId ?? randomBytes(12).toString("base64url");
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const log = options.log ?? (() => undefined);
  if (!(heartbeatMs > 0 && leaseMs > heartbeatMs)) throw new Error("rooms: the lease must be longer than the heartbeat interval");

  const shas = new Map<Script, string>();
  /** EVALSHA (the script's hash), or EVAL with the source when this Redis has not seen it yet. */
  const run = async (script: Script, args: readonly string[]): Promise<unknown> => {
    let sha = shas.get(script);
    if (sha === undefined) {
      sha = sha1(script.source);
      shas.set(script, sha);
    }
    const argv = ["0", prefix, ...args];
    try {
      return await client.sendCommand(["EVALSHA", sha, ...argv]);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith("NOSCRIPT"))) throw error;
      return client.sendCommand(["EVAL", script.source, ...argv]);
    }
  };

  const listeners = new Set<(departure: Departure) => void>();
  const announce = (departures: readonly Departure[], why: string): void => {
    for (const departure of departures) {
      log(`rooms: released peer ${departure.member.peerId} of room ${departure.roomId}: ${why}`);
      for (const listener of listeners) {
        try {
          listener(departure);
        } catch (error) {
          log(`rooms: onLost listener threw: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  };

  const leaveOnce = async (socketId: string): Promise<Departure | undefined> => {
    const reply = parseReply(departureSchema, await run(LEAVE, [socketId]), LEAVE);
    return reply && departureOf(reply);
  };
  /** Sockets that disconnected while Redis was unreachable: the heartbeat retries their leave. */
  const unfinishedLeaves = new Set<string>();

  const lookup = async (socketId: string): Promise<{ roomId: string; members: Member[] } | undefined> =>
    parseReply(lookupReplySchema, await run(LOOKUP, [socketId]), LOOKUP);

  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let beating: Promise<void> | undefined;

  const heartbeat = async (): Promise<void> => {
    const reply = parseReply(heartbeatReplySchema, await run(HEARTBEAT, [processId, String(leaseMs)]), HEARTBEAT);
    if (reply?.lapsed && started) {
      log(`rooms: this process's lease in Redis had run out (cut off for over ${leaseMs} ms?); other processes may have released its members`);
    }
    started = true;
    announce((reply?.departures ?? []).map(departureOf), "its process stopped renewing its lease");
    for (const socketId of [...unfinishedLeaves]) {
      const departure = await leaveOnce(socketId);
      unfinishedLeaves.delete(socketId);
      if (departure) announce([departure], "its socket disconnected while Redis was unreachable");
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      beating = heartbeat()
        .catch((error: unknown) => log(`rooms: heartbeat failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(schedule);
    }, heartbeatMs);
    // The heartbeat alone must not keep a process alive.
    timer.unref();
  };

  return {
    processId,
    async join(roomId, socketId, peerId) {
      const reply = parseReply(joinReplySchema, await run(JOIN, [roomId, socketId, peerId, processId, String(leaseMs), String(ROOM_CAPACITY)]), JOIN);
      if (!reply) throw new Error("rooms: join script answered nil");
      const survivor = reply.ok ? reply.other : undefined;
      announce(reply.lost.map((member) => ({ roomId, member, other: survivor })), "its process stopped renewing its lease");
      const outcome: JoinOutcome = reply.ok ? { ok: true, member: reply.member, other: reply.other } : { ok: false, reason: reply.reason };
      return outcome;
    },
    async leave(socketId, leaveOptions) {
      try {
        return await leaveOnce(socketId);
      } catch (error) {
        if (leaveOptions?.disconnected) unfinishedLeaves.add(socketId);
        throw error;
      }
    },
    roomOf: async (socketId) => (await lookup(socketId))?.roomId,
    otherOf: async (socketId) => (await lookup(socketId))?.members.find((m) => m.socketId !== socketId),
    memberOf: async (socketId) => (await lookup(socketId))?.members.find((m) => m.socketId === socketId),
    async size() {
      // SCAN walks the keyspace in steps without blocking Redis; fine for a diagnostic count.
      const pattern = `${prefix.replace(/[*?[\]\\]/gu, "\\$&")}room:*`;
      let cursor = "0";
      let count = 0;
      do {
        const [next, keys] = scanReplySchema.parse(await client.sendCommand(["SCAN", cursor, "MATCH", pattern, "COUNT", "1000"]));
        cursor = next;
        count += keys.length;
      } while (cursor !== "0");
      return count;
    },
    onLost(listener) {
      listeners.add(listener);
    },
    heartbeat,
    async start() {
      await heartbeat();
      schedule();
    },
    async close() {
      stopped = true;
      clearTimeout(timer);
      await beating;
      // RELEASE below takes out every member this process holds, unfinished leaves included.
      unfinishedLeaves.clear();
      try {
        const reply = parseReply(releaseReplySchema, await run(RELEASE, [processId]), RELEASE);
        announce((reply?.departures ?? []).map(departureOf), "this process is shutting down");
      } catch (error) {
        // Without Redis the members stay until this process's lease runs out; others release them then.
        log(`rooms: could not release this process's members: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}
