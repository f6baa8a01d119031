/**
 * The entry point as a user runs it: a real child process, real ports, real signals.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createSocket } from "node:dgram";
import { createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";
import { io as connect, type Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import type { ClientToServerEvents, ServerToClientEvents } from "../../../src/shared/signaling/protocol.ts";
import { startRedisServer } from "../../support/redis-server.ts";

const entry = fileURLToPath(new URL("../../../server/index.ts", import.meta.url));

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env["PATH"] ?? "", TURN_SECRET: "cli-test-secret-0123456789", ...env },
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

function waitFor(runInfo: Run, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(runInfo.stdout());
      if (match) resolve(match[0]);
    };
    runInfo.child.stdout.on("data", check);
    runInfo.exit.then((code) => reject(new Error(`exited with ${code}: ${runInfo.stderr()}`)), reject);
    check();
  });
}

async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { port: address.port, server };
}

describe("npm start's server process", () => {
  it.each([["PORT", "abc"], ["PORT", "99999"], ["TURN_PORT", "x"], ["HOST", "bad host"], ["REDIS_URL", "localhost:6379"], ["TRUST_PROXY", "everyone"], ["LIMIT_SOCKETS_PER_ADDRESS", "0"]])(
    "exits 1 with a one-line error for %s=%s",
    async (name, value) => {
      const result = run({ [name]: value });
      expect(await result.exit).toBe(1);
      const lines = result.stderr().trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`Invalid ${name} "${value}"`);
      expect(result.stderr()).not.toMatch(/\bat .+:\d+:\d+/u); // no stack trace
    },
  );

  it("exits 1 with a one-line error when the HTTP port is in use", async () => {
    const { port, server } = await occupiedPort();
    try {
      const result = run({ PORT: String(port), TURN_PORT: "0", TURN_ALT_PORT: "0" });
      expect(await result.exit).toBe(1);
      expect(result.stderr().trim()).toBe(`TCP port 127.0.0.1:${port} is already in use; stop the other program or choose another port (PORT, TURN_PORT)`);
    } finally {
      server.close();
    }
  });

  it("exits 1 with a one-line error when the STUN/TURN UDP port is in use", async () => {
    const udp = createSocket("udp4");
    await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
    const port = udp.address().port;
    try {
      const result = run({ PORT: "0", TURN_PORT: String(port), TURN_ALT_PORT: "0" });
      expect(await result.exit).toBe(1);
      expect(result.stderr().trim()).toBe(`UDP port 127.0.0.1:${port} is already in use; stop the other program or choose another port (PORT, TURN_PORT)`);
    } finally {
      udp.close();
    }
  });

  it("prints the URL, serves, and exits 0 on SIGTERM and SIGINT", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const result = run({ PORT: "0", TURN_PORT: "0", TURN_ALT_PORT: "0" });
      const line = await waitFor(result, /Open http:\/\/localhost:(\d+)\//u);
      const port = /:(\d+)\//u.exec(line)?.[1];
      // The loopback default turns relaying to private peers on, and the start-up output says so once.
      expect(result.stdout().match(/private peers/gu)).toHaveLength(1);
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(response.status).toBe(200);
      // Keep a connection open: shutdown must still complete.
      const keepAlive = fetch(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`).catch(() => undefined);
      result.child.kill(signal);
      expect(await result.exit).toBe(0);
      await keepAlive;
    }
  });

  it("exits 1 with a one-line error, without the password, when REDIS_URL points at no Redis", async () => {
    const { port, server } = await occupiedPort();
    // A port that was just free: nothing listens there.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = run({ PORT: "0", TURN_PORT: "0", TURN_ALT_PORT: "0", REDIS_URL: `redis://:hunter2-password@127.0.0.1:${port}` });
    expect(await result.exit).toBe(1);
    expect(result.stderr().trim()).toBe(`Cannot connect to Redis at redis://:***@127.0.0.1:${port} (REDIS_URL): connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(result.stdout()).not.toContain("Open http");
  });

  it("shares rooms between two processes started with the same REDIS_URL and TURN_SECRET; one stopping tells the other's peer", async () => {
    const redis = await startRedisServer();
    const runs = [0, 1].map(() => run({ PORT: "0", TURN_PORT: "0", TURN_ALT_PORT: "0", REDIS_URL: redis.url }));
    const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
    try {
      const ports = await Promise.all(runs.map(async (r) => /:(\d+)\//u.exec(await waitFor(r, /Open http:\/\/localhost:(\d+)\//u))?.[1]));
      for (const port of ports) {
        const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(`http://127.0.0.1:${port}`, { transports: ["websocket"], reconnection: false, forceNew: true });
        sockets.push(socket);
        await new Promise<void>((resolve, reject) => {
          socket.once("connect", resolve);
          socket.once("connect_error", reject);
        });
      }
      const [a, b] = sockets;
      if (!a || !b) throw new Error("two sockets expected");
      const first = await a.timeout(5000).emitWithAck("room:join", {});
      if (!first.ok) throw new Error(`join refused: ${first.error.code}`);
      const joined = new Promise<unknown>((resolve) => a.once("peer:joined", resolve));
      expect(await b.timeout(5000).emitWithAck("room:join", { roomId: first.roomId })).toMatchObject({ ok: true, role: "polite" });
      expect(await joined).toMatchObject({ role: "polite" });
      // A clean stop releases the process's members at once; the peer on the other process hears it.
      const left = new Promise<unknown>((resolve) => b.once("peer:left", resolve));
      runs[0]?.child.kill("SIGTERM");
      expect(await left).toMatchObject({ peerId: first.peerId, reason: "disconnected" });
      for (const r of runs) expect(r.stdout()).toMatch(/signaling: rooms and messages shared through Redis at redis:\/\/127\.0\.0\.1:\d+ \(process /u);
    } finally {
      for (const socket of sockets) socket.close();
      for (const r of runs) r.child.kill("SIGTERM");
      expect(await Promise.all(runs.map((r) => r.exit))).toEqual([0, 0]);
      await redis.stop();
    }
  });
});
