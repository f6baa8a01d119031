/**
 * Processes inside a NAT lab (./netns-lab.ts): the real server in the "public" namespace and Chromium
 * in the client namespace. Each returns a stop function; callers run them in reverse order.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { findChromium, launchChromium } from "../support/browser.ts";
import type { NatLab } from "./netns-lab.ts";

/** The HTTP port the server listens on inside the public namespace (its own network stack, so no clash). */
export const LAB_HTTP_PORT = 8080;

/** Starts server/index.ts inside the lab's public namespace; resolves once it printed its URL. */
export async function startServerInLab(lab: NatLab): Promise<{ url: string; stop(): Promise<void> }> {
  const node = existsSync(resolve("node_modules/.bin/node")) ? resolve("node_modules/.bin/node") : process.execPath;
  const child = spawn("ip", ["netns", "exec", lab.pub, node, "server/index.ts"], {
    env: { ...process.env, HOST: lab.serverAddress, PORT: String(LAB_HTTP_PORT), TURN_PORT: "3478", TURN_ALT_PORT: "3479", TURN_SECRET: "nat-lab-secret-0123456789abcdef" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = (): Promise<void> =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("exit", () => done());
      child.kill("SIGTERM");
    });
  let output = "";
  try {
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`server did not start within 30 s:\n${output}`)), 30_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (/Open http:\/\//u.test(output)) {
          clearTimeout(timer);
          ready();
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        fail(new Error(`server exited with ${String(code)}:\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://${lab.serverAddress}:${String(LAB_HTTP_PORT)}`, stop };
}

/** Chromium inside the client namespace: Playwright talks to it over pipes, which survive `ip netns exec`. */
export async function chromiumInLab(lab: NatLab): Promise<{ browser: Browser; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "nat-lab-chromium-"));
  const wrapper = join(dir, "chromium-in-netns.sh");
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${lab.cli} ${findChromium()} "$@"\n`);
  chmodSync(wrapper, 0o755);
  try {
    const browser = await launchChromium({ executablePath: wrapper });
    return {
      browser,
      async stop() {
        await browser.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
