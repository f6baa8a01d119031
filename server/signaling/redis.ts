/**
 * Several signaling processes sharing their state through one Redis (REDIS_URL):
 * - the rooms, in a Redis room registry (redis-rooms.ts), so the two-member limit holds everywhere;
 * - the messages, through socket.io's Redis adapter: `io.to(socketId).emit(...)` on one process
 *   is published to Redis and delivered by whichever process holds that socket.
 *
 * Three connections: one for the registry's scripts, and the adapter's publisher and subscriber
 * (a subscribed connection can do nothing else). The registry's connection has no offline queue,
 * so while Redis is away a join or relay is answered "unavailable" at once, and never carried out
 * late when the tab has long given up; the adapter's publishes wait for the reconnection instead.
 */
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import type { Server } from "socket.io";
import { withoutPassword } from "../config.ts";
import { createRedisRoomRegistry, DEFAULT_KEY_PREFIX, type RedisRoomRegistry, type RedisRoomRegistryOptions } from "./redis-rooms.ts";

/** Redis could not be reached at start-up: a one-line reason, printed as is by server/index.ts. */
export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
}

export interface RedisSharingOptions extends Omit<RedisRoomRegistryOptions, "log"> {
  log: (line: string) => void;
  /** How long to wait for each connection at start-up (ms). */
  connectTimeoutMs?: number;
}

export interface RedisSharing {
  readonly rooms: RedisRoomRegistry;
  /** Connects (or fails with RedisUnavailableError), installs the adapter on `io`, starts the heartbeat. */
  start(io: Server): Promise<void>;
  /** Releases this process's members, then closes the connections. */
  close(): Promise<void>;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The adapter calls some client methods without handling the promise they return (it publishes
 * and forgets). If Redis goes away while such a command is in flight, the promise rejects, and an
 * unhandled rejection stops Node. So the adapter gets a view of the client whose listed methods
 * log their failures instead. Every other property is the client's own, bound to it (node-redis
 * keeps private fields that only the real object can reach).
 */
function quiet<T extends object>(client: T, methods: readonly string[], log: (line: string) => void): T {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (typeof property === "string" && methods.includes(property)) {
        return (...args: unknown[]) =>
          Promise.resolve(Reflect.apply(value, target, args)).catch((error: unknown) => {
            log(`redis: ${property} failed: ${message(error)}`);
            return undefined;
          });
      }
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
}

export function createRedisSharing(url: string, options: RedisSharingOptions): RedisSharing {
  const { log } = options;
  const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  let started = false;
  const commands = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      // At start-up, give up at the first failure so the process exits with a clear message;
      // once running, keep retrying (backing off to 3 s) for as long as Redis is away.
      reconnectStrategy: (retries: number, cause: Error) => (started ? Math.min(100 * 2 ** Math.min(retries, 5), 3_000) : cause),
    },
  });
  const publisher = commands.duplicate({ disableOfflineQueue: false, commandsQueueMaxLength: 10_000 });
  const subscriber = commands.duplicate({ disableOfflineQueue: false });
  const clients = [
    ["registry", commands],
    ["publisher", publisher],
    ["subscriber", subscriber],
  ] as const;

  // A client without an "error" listener would throw on every failed reconnection attempt.
  for (const [name, client] of clients) {
    let down = false;
    client.on("error", (error: unknown) => {
      if (!started || down) return;
      down = true;
      log(`redis: ${name} connection lost (${message(error)}); retrying`);
    });
    client.on("ready", () => {
      if (down) log(`redis: ${name} connection restored`);
      down = false;
    });
  }

  const rooms = createRedisRoomRegistry(commands, { ...options, keyPrefix: prefix });

  /** Gracefully when the connection works; otherwise drop it (and whatever it still had queued). */
  const closeClient = async (client: (typeof clients)[number][1]): Promise<void> => {
    if (!client.isOpen) return;
    if (client.isReady) await client.close().catch(() => client.destroy());
    else client.destroy();
  };

  return {
    rooms,
    async start(io) {
      const attempts = await Promise.allSettled(clients.map(([, client]) => client.connect()));
      const failed = attempts.find((attempt) => attempt.status === "rejected");
      if (failed) {
        await Promise.all(clients.map(([, client]) => closeClient(client)));
        throw new RedisUnavailableError(`Cannot connect to Redis at ${withoutPassword(url)} (REDIS_URL): ${message(failed.reason)}`);
      }
      started = true;
      io.adapter(
        createAdapter(quiet(publisher, ["publish"], log), quiet(subscriber, ["pSubscribe", "subscribe", "pUnsubscribe", "unsubscribe"], log), {
          key: `${prefix}socket.io`,
        }),
      );
      try {
        await rooms.start();
      } catch (error) {
        // Reachable but refusing the scripts: an old Redis, or an account not allowed to EVAL.
        throw new RedisUnavailableError(`Redis at ${withoutPassword(url)} (REDIS_URL) refused the room registry's first heartbeat: ${message(error)}`);
      }
    },
    async close() {
      if (started) await rooms.close();
      await Promise.all(clients.map(([, client]) => closeClient(client)));
    },
  };
}
