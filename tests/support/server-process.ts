/**
 * server/index.ts as `npm start` runs it, in a child process: resolves with the URL it prints once
 * it listens. `wrap` runs it through another command first (e.g. `ip netns exec <ns>`).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export interface ServerProcess {
  url: string;
  stop(): Promise<void>;
}

export async function startServerProcess(env: Record<string, string>, wrap: readonly string[] = []): Promise<ServerProcess> {
  const node = existsSync(resolve("node_modules/.bin/node")) ? resolve("node_modules/.bin/node") : process.execPath;
  const [command = node, ...args] = [...wrap, node, "server/index.ts"];
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const stop = (): Promise<void> =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("exit", () => done());
      child.kill("SIGTERM");
    });
  let output = "";
  try {
    const url = await new Promise<string>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`server did not start within 30 s:\n${output}`)), 30_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const m = /Open (http:\/\/\S+)/u.exec(output);
        if (m?.[1]) {
          clearTimeout(timer);
          ready(m[1]);
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        fail(new Error(`server exited with ${String(code)}:\n${output}`));
      });
    });
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
