/**
 * A throwaway redis-server for tests: on a free loopback port, in a temporary directory, with no
 * persistence (--save '' --appendonly no), stopped and removed afterwards. It never touches a
 * system Redis service. When redis-server is not installed the test FAILS saying how to get it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const INSTALL_HINT = "redis-server is not installed: run `apt-get install -y redis-server` (Debian package; .ci/packages.d/redis.sh does this in CI)";

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Absolute path of redis-server; throws (so the test fails, never skips) when it is missing. */
export function requireRedisServer(): string {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === "") throw new Error(`redis-server not found. ${INSTALL_HINT}`);
  return path;
}

/** A port that was free a moment ago (redis-server cannot pick one itself: its port 0 means "no TCP"). */
async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP port");
  return address.port;
}

/** `port`: a given port (e.g. to bring a stopped server back where clients expect it). */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  const binary = requireRedisServer();
  const dir = mkdtempSync(join(tmpdir(), "webrtc-nat-redis-"));
  let lastOutput = "";
  // Another program may take the port between our check and redis-server's bind: try again.
  for (let attempt = 0; attempt < (options.port === undefined ? 5 : 1); attempt++) {
    const port = options.port ?? (await freeTcpPort());
    const child = spawn(
      binary,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--logfile", ""],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const ready = await new Promise<boolean>((resolve) => {
      let output = "";
      const timer = setTimeout(() => finish(false), 15_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (/Ready to accept connections/u.test(output)) finish(true);
      };
      const onExit = (): void => finish(false);
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.off("exit", onExit);
        lastOutput = output;
        resolve(ok);
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", onExit);
    });
    if (ready) {
      // Keep draining its log so a full pipe never blocks it.
      child.stdout?.resume();
      return { url: `redis://127.0.0.1:${port}`, port, stop: () => stop(child, dir) };
    }
    await stop(child, undefined);
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`redis-server did not start:\n${lastOutput.slice(-2000)}`);
}

async function stop(child: ChildProcess, dir: string | undefined): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

/**
 * One redis-server shared by the tests of a file, started by the first test that asks for it, so
 * that without redis-server every such test fails with the reason (a failing beforeAll would only
 * mark them skipped). Call stop() in the file's afterAll.
 */
export function sharedRedisServer(): { get(): Promise<RedisServer>; stop(): Promise<void> } {
  let started: Promise<RedisServer> | undefined;
  return {
    get: () => (started ??= startRedisServer()),
    async stop() {
      const server = await started?.catch(() => undefined);
      await server?.stop();
    },
  };
}
