/**
 * The Redis room registry against a real redis-server: the same contract as the memory registry,
 * then what only a shared registry has to do: members of a process that stopped renewing its lease
 * are released (at the next join into their room, or by any process's heartbeat) and announced.
 */
import { randomBytes } from "node:crypto";
import { createClient, type RedisClientType } from "redis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createRedisRoomRegistry, type RedisCommander, type RedisRoomRegistry, type RedisRoomRegistryOptions } from "../../../server/signaling/redis-rooms.ts";
import type { Departure } from "../../../server/signaling/rooms.ts";
import { roomRegistryContract } from "../../support/room-registry-contract.ts";
import { sharedRedisServer } from "../../support/redis-server.ts";

const redis = sharedRedisServer();
afterAll(() => redis.stop());

/** Connections opened by a test, closed after it. */
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((client) => client.close()));
});

async function connect(): Promise<RedisClientType> {
  const client = createClient({ url: (await redis.get()).url });
  client.on("error", () => undefined);
  await client.connect();
  opened.push(client);
  return client;
}

/** Keys of each test under their own prefix, so tests never see each other's rooms. */
const freshPrefix = (): string => `test-${randomBytes(6).toString("hex")}:`;

/** A registry as one process would hold it: its own connection, its own process ID. */
async function registry(keyPrefix: string, options: RedisRoomRegistryOptions = {}): Promise<RedisRoomRegistry> {
  return createRedisRoomRegistry(await connect(), { keyPrefix, ...options });
}

function departures(rooms: RedisRoomRegistry): Departure[] {
  const seen: Departure[] = [];
  rooms.onLost((departure) => seen.push(departure));
  return seen;
}

roomRegistryContract("Redis", async () => {
  const keyPrefix = freshPrefix();
  return { open: () => registry(keyPrefix), close: async () => undefined };
});

describe("Redis room registry: processes that stop", () => {
  it("keeps a heartbeat key per process that expires after the lease unless renewed", async () => {
    const keyPrefix = freshPrefix();
    const rooms = await registry(keyPrefix, { heartbeatMs: 1_000, leaseMs: 3_000 });
    await rooms.start();
    const admin = await connect();
    const ttl = await admin.pTTL(`${keyPrefix}process:${rooms.processId}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3_000);
    await rooms.close();
    expect(await admin.exists(`${keyPrefix}process:${rooms.processId}`)).toBe(0);
  });

  it("drops, at the next join, a member whose process's lease ran out, and tells the one who stays", async () => {
    const keyPrefix = freshPrefix();
    const a = await registry(keyPrefix);
    const b = await registry(keyPrefix);
    const c = await registry(keyPrefix);
    await a.join("room-x", "s1", "p1");
    await b.join("room-x", "s2", "p2");
    expect(await c.join("room-x", "s3", "p3")).toEqual({ ok: false, reason: "room-full" });
    // Process a crashes: nobody renews its heartbeat, and the key expires (here: at once).
    await (await connect()).del(`${keyPrefix}process:${a.processId}`);
    const seen = departures(c);
    // The newcomer takes the role a left free (a was impolite, b stays polite).
    expect(await c.join("room-x", "s3", "p3")).toEqual({
      ok: true,
      member: { socketId: "s3", peerId: "p3", role: "impolite" },
      other: { socketId: "s2", peerId: "p2", role: "polite" },
    });
    expect(seen).toEqual([{ roomId: "room-x", member: { socketId: "s1", peerId: "p1", role: "impolite" }, other: { socketId: "s2", peerId: "p2", role: "polite" } }]);
    expect(await c.roomOf("s1")).toBeUndefined();
  });

  it("releases every member of a process whose lease ran out at another's heartbeat, announced once", async () => {
    const keyPrefix = freshPrefix();
    const a = await registry(keyPrefix);
    const b = await registry(keyPrefix);
    const c = await registry(keyPrefix);
    await a.join("room-x", "s1", "p1");
    await b.join("room-x", "s2", "p2");
    await a.join("room-y", "s3", "p3");
    await a.join("room-z", "s4", "p4");
    await a.join("room-z", "s5", "p5");
    await b.heartbeat();
    expect(await b.size()).toBe(3);
    await (await connect()).del(`${keyPrefix}process:${a.processId}`);
    const seenByB = departures(b);
    const seenByC = departures(c);
    await Promise.all([b.heartbeat(), c.heartbeat()]);
    const seen = [...seenByB, ...seenByC];
    expect(seen).toHaveLength(4);
    // Only b's member is left to be told; members of the same dead process have nobody to tell.
    expect(seen.find((d) => d.member.socketId === "s1")).toEqual({ roomId: "room-x", member: { socketId: "s1", peerId: "p1", role: "impolite" }, other: { socketId: "s2", peerId: "p2", role: "polite" } });
    expect(seen.filter((d) => d.other !== undefined)).toHaveLength(1);
    expect(await b.size()).toBe(1);
    expect(await b.otherOf("s2")).toBeUndefined();
    await Promise.all([b.heartbeat(), c.heartbeat()]);
    expect(seenByB.length + seenByC.length).toBe(4);
  });

  it("releases its own members when it closes, and says so to the members left behind", async () => {
    const keyPrefix = freshPrefix();
    const a = await registry(keyPrefix);
    const b = await registry(keyPrefix);
    await a.start();
    await a.join("room-x", "s1", "p1");
    await b.join("room-x", "s2", "p2");
    const seen = departures(a);
    await a.close();
    expect(seen).toEqual([{ roomId: "room-x", member: { socketId: "s1", peerId: "p1", role: "impolite" }, other: { socketId: "s2", peerId: "p2", role: "polite" } }]);
    expect(await b.otherOf("s2")).toBeUndefined();
    expect(await b.join("room-x", "s3", "p3")).toMatchObject({ ok: true, member: { role: "impolite" } });
  });

  it("retries at its next heartbeat the leave of a socket that disconnected while Redis failed", async () => {
    const keyPrefix = freshPrefix();
    const client = await connect();
    let failing = false;
    // The real connection, with a switch that makes every command fail as if Redis were away.
    const flaky: RedisCommander = {
      sendCommand: (args) => (failing ? Promise.reject(new Error("Redis unreachable")) : client.sendCommand(args)),
    };
    const a = createRedisRoomRegistry(flaky, { keyPrefix });
    const b = await registry(keyPrefix);
    await a.join("room-x", "s1", "p1");
    await b.join("room-x", "s2", "p2");
    const seen = departures(a);
    failing = true;
    await expect(a.leave("s1", { disconnected: true })).rejects.toThrow("Redis unreachable");
    await expect(a.heartbeat()).rejects.toThrow("Redis unreachable");
    failing = false;
    await a.heartbeat();
    expect(seen).toEqual([{ roomId: "room-x", member: { socketId: "s1", peerId: "p1", role: "impolite" }, other: { socketId: "s2", peerId: "p2", role: "polite" } }]);
    expect(await b.otherOf("s2")).toBeUndefined();
  });

  it("refuses a lease no longer than the heartbeat interval", async () => {
    const client = await connect();
    expect(() => createRedisRoomRegistry(client, { heartbeatMs: 1_000, leaseMs: 1_000 })).toThrow("lease must be longer");
  });
});
