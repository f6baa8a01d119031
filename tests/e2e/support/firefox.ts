/**
 * Finds and launches Firefox for the cross-browser tests. playwright-core drives only its own
 * patched Firefox builds, which cannot be downloaded here, so Firefox ESR (Debian's `firefox-esr`)
 * is driven by puppeteer-core over WebDriver BiDi. Order: $FIREFOX_PATH, then /usr/bin/firefox-esr.
 * If neither exists the tests fail with instructions; they are never skipped.
 */
import { existsSync } from "node:fs";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

export class NoFirefoxError extends Error {
  override name = "NoFirefoxError";
}

export function findFirefox(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env["FIREFOX_PATH"], "/usr/bin/firefox-esr"].filter((path): path is string => typeof path === "string" && path.length > 0);
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  throw new NoFirefoxError(
    "No Firefox found for the cross-browser tests. Install Firefox ESR (Debian/Ubuntu: `sudo apt-get install -y firefox-esr`; " +
      ".ci/packages.d/firefox.sh does it in CI) or point FIREFOX_PATH at a Firefox binary. Looked in: " +
      candidates.join(", "),
  );
}

/**
 * Preferences for WebRTC tests on a machine that may have no interface but loopback (the
 * counterpart of CHROMIUM_ARGS in ./browser.ts). Everything else stays as a reader's Firefox has
 * it: in particular media.peerconnection.ice.default_address_only and .proxy_only keep their
 * defaults (false), so TURN over loopback and private addresses works as it does for a reader.
 */
export const FIREFOX_PREFS: Readonly<Record<string, string | number | boolean>> = {
  // The only interface may be loopback; let WebRTC use it (tests only).
  "media.peerconnection.ice.loopback": true,
  // Real host IPs instead of mDNS names, so the candidate tables show addresses (Chromium:
  // --disable-features=WebRtcHideLocalIpsWithMdns).
  "media.peerconnection.ice.obfuscate_host_addresses": false,
  // A page without camera or microphone permission gets host candidates only on the interface of
  // the default route; a machine with loopback alone has no default route, so it would get no
  // candidate at all (not even a relayed one, which needs a host socket to reach TURN). Allowing
  // camera and microphone by default is what a reader who allowed them has, and what the Chromium
  // tests grant each context (permissions: ["camera", "microphone"]).
  "permissions.default.camera": 1,
  "permissions.default.microphone": 1,
  // Fake camera and microphone, no permission prompt (Chromium: --use-fake-*-for-media-stream).
  "media.navigator.streams.fake": true,
  "media.navigator.permission.disabled": true,
  // No traffic leaves the machine: no captive-portal or connectivity probes, no DNS over HTTPS,
  // no region lookup (puppeteer's own defaults already turn off updates, telemetry and Safe Browsing).
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "network.trr.mode": 5,
  "browser.region.network.url": "",
  "browser.region.update.enabled": false,
  "network.dns.disablePrefetch": true,
  "network.prefetch-next": false,
};

export interface FirefoxLaunchOptions {
  executablePath?: string;
  extraPrefs?: Readonly<Record<string, string | number | boolean>>;
}

export async function launchFirefox(options: FirefoxLaunchOptions = {}): Promise<Browser> {
  return puppeteer.launch({
    browser: "firefox",
    executablePath: options.executablePath ?? findFirefox(),
    headless: true,
    extraPrefsFirefox: { ...FIREFOX_PREFS, ...options.extraPrefs },
  });
}

/**
 * Collects console errors and uncaught page errors, to assert a page ran cleanly. Firefox also
 * reports here what it logs about the page itself (a CSP violation, "WebRTC: ICE failed"), as a
 * reader with the console open would see it.
 */
export function collectFirefoxErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error instanceof Error ? error.message : String(error)}`));
  return errors;
}
