/**
 * Two signaling servers sharing rooms and messages through a real redis-server (Redis room
 * registry + socket.io's Redis adapter, wired as REDIS_URL wires them), with real socket.io
 * clients on each: rooms span servers (descriptions, candidates and restart requests relayed
 * across them), the two-member limit holds across them, a crashed server's members are
 * released, and a Redis outage is answered, not crashed on.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { sharedRedisServer, startRedisServer, type RedisServer } from "../../support/redis-server.ts";
import { candidate, connectClient, emit, join, joinOk, next, offer, startSignaling, type Client, type Harness, type RedisHarnessOptions } from "./harness.ts";

const redis = sharedRedisServer();
afterAll(() => redis.stop());

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Settings shared by the servers of one test: the same Redis and a key prefix of their own. */
const sharedBy = (url: string, extra: Partial<RedisHarnessOptions> = {}): RedisHarnessOptions => ({
  url,
  keyPrefix: `test-${randomBytes(6).toString("hex")}:`,
  ...extra,
});

async function server(redisOptions: RedisHarnessOptions): Promise<Harness> {
  const harness = await startSignaling({}, redisOptions);
  cleanups.push(() => harness.close());
  return harness;
}

async function twoServers(extra: Partial<RedisHarnessOptions> = {}): Promise<[Harness, Harness]> {
  const options = sharedBy(extra.url ?? (await redis.get()).url, extra);
  return [await server(options), await server(options)];
}

describe("two signaling servers sharing Redis", () => {
  it("joins a room made on the other server, relays both ways, refuses a third, and announces a leaver", async () => {
    const [serverA, serverB] = await twoServers();
    const a = await serverA.client();
    const b = await serverB.client();
    const first = await joinOk(a);
    expect(first.role).toBe("impolite");
    const joined = next(a, "peer:joined");
    const second = await joinOk(b, first.roomId);
    expect(second).toMatchObject({ roomId: first.roomId, role: "polite", peer: { peerId: first.peerId, role: "impolite" } });
    expect(await joined).toMatchObject({ peerId: second.peerId, role: "polite" });

    const description = next(b, "signal:description");
    const ack = await emit(a, "signal:description", { description: offer });
    expect(ack).toMatchObject({ ok: true });
    expect(await description).toEqual({ from: first.peerId, description: offer, size: ack.ok ? ack["size"] : -1, serverTime: expect.any(Number) });
    const atA = next(a, "signal:candidate");
    expect(await emit(b, "signal:candidate", { candidate })).toMatchObject({ ok: true });
    expect(await atA).toMatchObject({ from: second.peerId, candidate });
    // The restart request crosses servers the same way, each way, stamped by the sender's server.
    const askedB = next(b, "signal:restart-request");
    expect(await emit(a, "signal:restart-request", {})).toMatchObject({ ok: true, size: 2 });
    expect(await askedB).toEqual({ from: first.peerId, size: 2, serverTime: expect.any(Number) });
    const askedA = next(a, "signal:restart-request");
    expect(await emit(b, "signal:restart-request", { from: first.peerId })).toMatchObject({ ok: false, error: { code: "invalid-message" } });
    expect(await emit(b, "signal:restart-request", {})).toMatchObject({ ok: true });
    expect((await askedA).from).toBe(second.peerId);

    for (const third of [await serverA.client(), await serverB.client()]) {
      const full = next(third, "room:full");
      expect(await join(third, first.roomId)).toMatchObject({ ok: false, error: { code: "room-full" } });
      expect(await full).toEqual({ roomId: first.roomId });
    }

    const left = next(a, "peer:left");
    b.disconnect();
    expect(await left).toMatchObject({ peerId: second.peerId, reason: "disconnected" });
    expect(await serverA.signaling.rooms.size()).toBe(1);
    expect(await emit(a, "room:leave")).toEqual({ ok: true });
    expect(await serverB.signaling.rooms.size()).toBe(0);
  });

  it("admits exactly two of many clients joining one room at the same moment through both servers", async () => {
    const [serverA, serverB] = await twoServers();
    const clients: Client[] = [];
    for (let i = 0; i < 8; i++) clients.push(await serverA.client(), await serverB.client());
    const roomId = `contested-${randomBytes(8).toString("hex")}`;
    const results = await Promise.all(clients.map((client) => join(client, roomId)));
    const admitted = results.filter((result) => result.ok);
    expect(admitted).toHaveLength(2);
    expect(results.filter((result) => !result.ok && result.error.code === "room-full")).toHaveLength(14);
    expect(new Set(admitted.map((result) => (result.ok ? result.role : undefined)))).toEqual(new Set(["impolite", "polite"]));
    expect(await serverA.signaling.rooms.size()).toBe(1);
  });

  it("releases the members of a server that crashed once its lease runs out: the partner hears peer:left, the room takes someone new", async () => {
    const options = sharedBy((await redis.get()).url, { heartbeatMs: 100, leaseMs: 1_000 });
    const crashing = await signalingProcess({ ...options, heartbeatMs: 200, leaseMs: 1_000 });
    const survivor = await server(options);
    const a = await crashing.client();
    const lonely = await crashing.client();
    const b = await survivor.client();
    const first = await joinOk(a);
    await joinOk(lonely);
    await joinOk(b, first.roomId);
    expect(await survivor.signaling.rooms.size()).toBe(2);

    const left = next(b, "peer:left");
    crashing.kill();
    // Nothing leaves the room: the crashed process's heartbeat key expires after its lease, and
    // the survivor's next heartbeat releases its members.
    expect(await left).toMatchObject({ peerId: first.peerId, reason: "disconnected" });
    const c = await survivor.client();
    const joined = next(b, "peer:joined");
    const third = await joinOk(c, first.roomId);
    expect(third).toMatchObject({ role: "impolite", peer: { role: "polite" } });
    expect((await joined).peerId).toBe(third.peerId);
    // The crashed process's other room is gone too.
    expect(await survivor.signaling.rooms.size()).toBe(1);
  });
});

describe("a Redis outage", () => {
  it("is answered with unavailable, never a crash, and signaling works again once Redis is back", async () => {
    let outage: RedisServer | undefined = await startRedisServer();
    cleanups.push(() => outage?.stop() ?? Promise.resolve());
    const [serverA, serverB] = await twoServers({ url: outage.url });
    const a = await serverA.client();
    const b = await serverB.client();
    const first = await joinOk(a);
    await joinOk(b, first.roomId);

    const port = outage.port;
    await outage.stop();
    outage = undefined;
    expect(await emit(a, "signal:description", { description: offer })).toMatchObject({ ok: false, error: { code: "unavailable" } });
    expect(await join(await serverB.client())).toMatchObject({ ok: false, error: { code: "unavailable" } });
    expect(serverA.logs.join("\n")).toMatch(/redis: registry connection lost/u);

    outage = await startRedisServer({ port });
    // Every connection of both servers comes back by itself (the adapter's subscriber included).
    for (const harness of [serverA, serverB]) {
      for (const name of ["registry", "publisher", "subscriber"]) {
        await expect.poll(() => harness.logs.some((line) => line.includes(`redis: ${name} connection restored`)), { timeout: 15_000 }).toBe(true);
      }
    }
    // The restarted Redis is empty: new rooms work across servers as before.
    const c = await serverA.client();
    const d = await serverB.client();
    const room = await joinOk(c);
    await joinOk(d, room.roomId);
    const description = next(d, "signal:description");
    expect(await emit(c, "signal:description", { description: offer })).toMatchObject({ ok: true });
    expect((await description).from).toBe(room.peerId);
  });

  it("lets a server shut down while Redis is away, dropping what it could not send without a crash", async () => {
    const outage = await startRedisServer();
    const harness = await startSignaling({}, sharedBy(outage.url));
    const a = await harness.client();
    await joinOk(a);
    await outage.stop();
    // A message for another process waits in the publisher's queue; closing drops it. The adapter
    // never looks at the failed publish, so an unhandled rejection would be the crash (vitest
    // reports those as errors).
    harness.io.to("some-socket-on-another-process").emit("peer:left", { peerId: "p", reason: "left", serverTime: 0 });
    await harness.close();
    const logs = harness.logs.join("\n");
    expect(logs).toMatch(/could not release this process's members/u);
    expect(logs).toMatch(/redis: publish failed/u);
  });
});

interface SignalingProcess {
  client(): Promise<Client>;
  kill(): void;
}

/** A signaling server in a child process (tests/integration/signaling/signaling-process.ts). */
async function signalingProcess(options: RedisHarnessOptions): Promise<SignalingProcess> {
  const node = existsSync(resolve("node_modules/.bin/node")) ? resolve("node_modules/.bin/node") : process.execPath;
  const script = fileURLToPath(new URL("./signaling-process.ts", import.meta.url));
  const child: ChildProcessWithoutNullStreams = spawn(node, [script, JSON.stringify(options)], { stdio: ["pipe", "pipe", "pipe"] });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  cleanups.push(stop);
  let output = "";
  const url = await new Promise<string>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`signaling process did not start within 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening (\S+)/u.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        ready(match[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`signaling process exited:\n${output}`));
    });
  });
  const clients: Client[] = [];
  cleanups.push(async () => {
    for (const socket of clients) socket.close();
  });
  return { client: () => connectClient(url, clients), kill: () => child.kill("SIGKILL") };
}
