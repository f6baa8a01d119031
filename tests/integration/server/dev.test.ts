/**
 * `npm run dev`: Astro's dev server with the signaling endpoint, the API and the STUN/TURN server
 * attached, started as a user would (a child process), on a free port.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { iceConfigSchema } from "../../../src/shared/ice-config.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const astro = fileURLToPath(new URL("../../../node_modules/astro/bin/astro.mjs", import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

let origin = "";
let stop: () => void = () => undefined;
let exited: Promise<number | null> = Promise.resolve(null);

beforeAll(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [astro, "dev", "--ignore-lock"], {
    cwd: root,
    // A clean environment like a user's shell: vitest sets NODE_ENV=test, which changes Astro's mode.
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", PORT: String(port), HOST: "127.0.0.1", TURN_PORT: "0", TURN_ALT_PORT: "0", ASTRO_TELEMETRY_DISABLED: "1" },
  });
  exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  stop = () => child.kill("SIGTERM");
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("signaling: socket.io ready") && /ready in/u.test(output)) resolve();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => reject(new Error(`astro dev exited (${code}): ${output}`)));
  });
}, 90_000);

afterAll(async () => {
  stop();
  await exited;
});

describe("npm run dev", () => {
  it("serves pages and the API on PORT", async () => {
    expect((await fetch(`${origin}/`)).status).toBe(200);
    expect(await (await fetch(`${origin}/api/health`)).json()).toEqual({ ok: true });
    const config = iceConfigSchema.parse(await (await fetch(`${origin}/api/ice-config`)).json());
    expect(config.turn.mode).toBe("builtin");
    expect(config.iceServers.map((s) => s.urls[0])).toEqual([expect.stringMatching(/^stun:127\.0\.0\.1:\d+$/u), expect.stringMatching(/^turn:127\.0\.0\.1:\d+\?transport=udp$/u)]);
  });

  it("accepts socket.io connections from the dev origin", async () => {
    const socket = connect(origin, { transports: ["websocket"], extraHeaders: { origin }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.on("connect", resolve);
      socket.on("connect_error", reject);
    });
    socket.close();
  });
});
