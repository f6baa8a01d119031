/**
 * The README's production path, run for real: its nginx sample ("Behind a TLS proxy"), taken from
 * README.md itself, terminates TLS in front of the real server, and two Chromium tabs use the
 * two-tab demo through it under the sample's own name (mapped to loopback, with a certificate made
 * for this run). If the sample stops forwarding WebSockets, stops being a secure context for the
 * camera, or loses its headers, this test fails.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { adaptSample, freePort, makeCertificate, readmeNginxSamples, startNginx, type Nginx } from "../support/nginx.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { launchChromium } from "./support/browser.ts";
import { DemoTabs } from "./support/two-tab.ts";

const NAME = "learn.example.org";

let dir: string;
let server: TestServer;
let nginx: Nginx | undefined;
let browser: Browser;
let tabs: DemoTabs;
let siteUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tls-proxy-"));
  // A certificate for the sample's name, made for this run and trusted by this browser only.
  const certificate = makeCertificate(dir, NAME);

  const port = await freePort();
  siteUrl = `https://${NAME}:${String(port)}/`;
  // As the README says to start it: loopback, PUBLIC_URL naming the proxy's address, TRUST_PROXY, a fixed secret.
  server = await startTestServer({ PUBLIC_URL: siteUrl.replace(/\/$/u, ""), TRUST_PROXY: "loopback", TURN_SECRET: "tls-proxy-test-secret-0123456789" });

  // The first ```nginx block under "### Behind a TLS proxy", with this run's port, certificate and upstream.
  const [sample = ""] = readmeNginxSamples("### Behind a TLS proxy").samples;
  const http = adaptSample(sample, [
    [/listen 443 ssl;/u, `listen 127.0.0.1:${String(port)} ssl;`],
    [/ssl_certificate\s+\S+;/u, `ssl_certificate ${certificate.certPath};`],
    [/ssl_certificate_key\s+\S+;/u, `ssl_certificate_key ${certificate.keyPath};`],
    [/proxy_pass http:\/\/127\.0\.0\.1:4321;/u, `proxy_pass http://127.0.0.1:${String(server.port)};`],
  ]);
  nginx = await startNginx({ dir, http, port, servername: NAME });

  browser = await launchChromium({ extraArgs: [`--host-resolver-rules=MAP ${NAME} 127.0.0.1`, `--ignore-certificate-errors-spki-list=${certificate.spkiHash}`] });
  tabs = new DemoTabs(browser, siteUrl);
});
afterEach(async () => {
  await tabs?.closeAll();
});
afterAll(async () => {
  await browser?.close();
  await nginx?.stop();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the README's TLS proxy sample (nginx) in front of the server", () => {
  it("serves the site over HTTPS with the proxy's HSTS and the server's own headers", async () => {
    const page = await browser.newPage();
    try {
      const response = await page.goto(new URL("/demo/", siteUrl).href);
      expect(response?.status()).toBe(200);
      const headers = (await response?.allHeaders()) ?? {};
      expect(headers["strict-transport-security"]).toContain("max-age=");
      expect(headers["content-security-policy"]).toContain("default-src 'self'");
      expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
      const config = await page.evaluate(async () => (await fetch("/api/ice-config")).json() as Promise<{ iceServers: { urls: string[] }[] }>);
      expect(config.iceServers.flatMap((s) => s.urls).some((url) => url.startsWith("turn:"))).toBe(true);
    } finally {
      await page.close();
    }
  });

  it("forwards the signaling WebSocket (no fallback to long-polling)", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(siteUrl);
      const first = await page.evaluate(
        () =>
          new Promise<string>((resolve, reject) => {
            const ws = new WebSocket(`wss://${location.host}/socket.io/?EIO=4&transport=websocket`);
            ws.onmessage = ({ data }: MessageEvent<string>) => {
              resolve(data);
              ws.close();
            };
            ws.onerror = () => reject(new Error("the WebSocket through the proxy failed"));
          }),
      );
      // engine.io's open packet: "0" and the session's JSON.
      expect(first).toMatch(/^0\{"sid":/u);
    } finally {
      await page.close();
    }
  });

  it("connects two tabs through it, carries a chat message, and allows the camera (a secure context)", async () => {
    const { a, b } = await tabs.connectedPair();
    await a.getByTestId("chat-input").fill("over https");
    await a.getByTestId("chat-send").click();
    await expect.poll(() => b.getByTestId("chat-log").textContent(), { timeout: 10_000 }).toContain("over https");
    await a.getByTestId("media-toggle").click();
    const video = b.getByTestId("remote-video");
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(nginx?.stderr()).toBe("");
  });
});
