/**
 * Finds and launches Chromium for the browser tests. Order: $CHROME_PATH, Debian's
 * /usr/bin/chromium, then a browser Playwright installed itself. If none exists the tests fail
 * with instructions (this machine cannot download browsers; `npx playwright install` is not used).
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type ConsoleMessage, type Page } from "playwright-core";

export class NoBrowserError extends Error {
  override name = "NoBrowserError";
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env["CHROME_PATH"], "/usr/bin/chromium", safePlaywrightPath()].filter(
    (path): path is string => typeof path === "string" && path.length > 0,
  );
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  throw new NoBrowserError(
    "No Chromium found for the browser tests. Install one (Debian/Ubuntu: `sudo apt-get install -y chromium`) " +
      "or point CHROME_PATH at a Chrome/Chromium binary. Looked in: " +
      (candidates.join(", ") || "(nothing)"),
  );
}

function safePlaywrightPath(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

/** Flags that work on this kind of machine (no network, root, headless) plus WebRTC test flags. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  // Real host IPs instead of mDNS names, so the candidate tables show addresses.
  "--disable-features=WebRtcHideLocalIpsWithMdns",
  // The only interface may be loopback; let WebRTC use it (tests only).
  "--allow-loopback-in-peer-connection",
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
];

export interface LaunchOptions {
  executablePath?: string;
  extraArgs?: readonly string[];
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: options.executablePath ?? findChromium(),
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])],
  });
}

/** Collects console errors and uncaught page errors, to assert a page ran cleanly. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}
