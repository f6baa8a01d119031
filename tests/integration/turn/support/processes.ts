// Starting coturn's programs for interop tests: find them (or fail saying how to install them),
// wait for a log line or an answer instead of sleeping, and always clean up.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const INSTALL_HINT = "coturn is not installed: run `apt-get install -y coturn` (Debian package; .ci/packages.d/turn.sh does this in CI)";

/** Absolute path of a coturn program; throws (so the test FAILS, never skips) when missing. */
export function requireCoturnBinary(name: "turnserver" | "turnutils_uclient" | "turnutils_peer" | "turnutils_stunclient"): string {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === "") throw new Error(`${name} not found. ${INSTALL_HINT}`);
  return path;
}

export interface Spawned {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when a line matches, rejects if the process exits first or the timeout passes. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code. */
  exited(): Promise<number | null>;
  stop(): Promise<void>;
}

export function spawnLogged(command: string, args: readonly string[]): Spawned {
  // stdbuf: coturn buffers stdout fully when it is a pipe, which would hide its log lines.
  const child = spawn("stdbuf", ["-oL", "-eL", command, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString();
    if (text.length > 2_000_000) text = text.slice(-1_000_000);
    for (const l of listeners) l();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let exited = false;
  void exit.then(() => {
    exited = true;
    for (const l of listeners) l();
  });
  return {
    child,
    output: () => text,
    waitFor(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = pattern.exec(text);
          if (m) finish(() => resolve(m));
          else if (exited) finish(() => reject(new Error(`${command} exited before printing ${String(pattern)}:\n${text.slice(-3000)}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`${command} did not print ${String(pattern)} within ${String(timeoutMs)} ms:\n${text.slice(-3000)}`))), timeoutMs);
        const finish = (f: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        listeners.add(check);
        check();
      });
    },
    exited: () => exit,
    async stop() {
      if (!exited) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
        await exit;
        clearTimeout(timer);
      }
    },
  };
}

/** A free UDP port on loopback (bound then released; good enough for a test on one machine). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket("udp4");
  s.bind(0, "127.0.0.1");
  await once(s, "listening");
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * A port for a server that listens on UDP and TCP at once (coturn's listening-port), free on
 * loopback for both. Picked below the kernel's ephemeral range (32768 up here), so that no client
 * socket of another test is handed it meanwhile. A port bound for UDP on 0 comes from that range,
 * where a client connection of another test may hold the same TCP port: coturn then cannot bind
 * its TCP listener and retries, logging "Cannot bind" (seen by holding the port by hand; the likely
 * cause of a once-seen failure of coturn-readme-config.test.ts while other tests ran alongside).
 */
export async function freeListenerPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if ((await canBind(port, "udp")) && (await canBind(port, "tcp"))) return port;
  }
  throw new Error("no port between 20000 and 32000 was free for both UDP and TCP on 127.0.0.1 in 50 tries");
}

async function canBind(port: number, protocol: "udp" | "tcp"): Promise<boolean> {
  if (protocol === "tcp") {
    const server = createServer();
    server.listen(port, "127.0.0.1");
    const bound = await once(server, "listening").then(
      () => true,
      () => false,
    );
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return bound;
  }
  const socket = createSocket("udp4");
  socket.bind(port, "127.0.0.1");
  const bound = await once(socket, "listening").then(
    () => true,
    () => false,
  );
  if (bound) await new Promise<void>((resolve) => socket.close(() => resolve()));
  return bound;
}

/** Send a datagram until the echo comes back: proves an echo peer (turnutils_peer) is up. */
export async function waitForEcho(port: number, attempts = 50): Promise<void> {
  const s = createSocket("udp4");
  s.bind(0, "127.0.0.1");
  await once(s, "listening");
  try {
    for (let i = 0; i < attempts; i++) {
      const answered = new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), 100);
        s.once("message", () => {
          clearTimeout(t);
          resolve(true);
        });
      });
      s.send("ping", port, "127.0.0.1");
      if (await answered) return;
    }
    throw new Error(`nothing echoes on 127.0.0.1:${String(port)}`);
  } finally {
    s.close();
  }
}

export interface Coturn {
  readonly port: number;
  readonly process: Spawned;
  stop(): Promise<void>;
}

/** Start a real coturn with the TURN REST scheme on loopback; resolves once it says it is up. */
export async function startCoturn(options: { secret: string; realm: string; extra?: readonly string[] }): Promise<Coturn> {
  const binary = requireCoturnBinary("turnserver");
  const port = await freeListenerPort();
  const dir = mkdtempSync(join(tmpdir(), "coturn-"));
  const process = spawnLogged(binary, [
    "--use-auth-secret",
    `--static-auth-secret=${options.secret}`,
    `--realm=${options.realm}`,
    "--listening-ip=127.0.0.1",
    "--relay-ip=127.0.0.1",
    `--listening-port=${String(port)}`,
    "--min-port=49152",
    "--max-port=65535",
    "--allow-loopback-peers",
    "--no-cli",
    "--no-tls",
    "--no-dtls",
    "--no-tcp",
    "--no-tcp-relay",
    "--log-file=stdout",
    `--pidfile=${join(dir, "turnserver.pid")}`,
    `--db=${join(dir, "turndb")}`,
    ...(options.extra ?? []),
  ]);
  try {
    // coturn 4.6 prints this once its relay and auth threads exist (4.17 says "Total auth threads").
    await process.waitFor(/Total General servers|Total auth threads/);
  } catch (error) {
    await process.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    process,
    async stop() {
      await process.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
