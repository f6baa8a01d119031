/**
 * Processes inside a NAT lab (./netns-lab.ts): the real server in the "public" namespace and Chromium
 * in the client namespace. Each returns a stop function; callers run them in reverse order.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { startServerProcess, type ServerProcess } from "../../support/server-process.ts";
import { findChromium, launchChromium } from "../support/browser.ts";
import type { NatLab } from "./netns-lab.ts";

/** The HTTP port the server listens on inside the public namespace (its own network stack, so no clash). */
export const LAB_HTTP_PORT = 8080;

/** Starts server/index.ts inside the lab's public namespace; resolves once it printed its URL. */
export async function startServerInLab(lab: NatLab): Promise<ServerProcess> {
  const server = await startServerProcess(
    { HOST: lab.serverAddress, PORT: String(LAB_HTTP_PORT), TURN_PORT: "3478", TURN_ALT_PORT: "3479", TURN_SECRET: "nat-lab-secret-0123456789abcdef" },
    ["ip", "netns", "exec", lab.pub],
  );
  // The server prints the URL with the address it was given; keep the lab's address form.
  return { url: `http://${lab.serverAddress}:${String(LAB_HTTP_PORT)}`, stop: () => server.stop() };
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
