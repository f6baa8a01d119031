/**
 * The README's production path, run for real: its nginx sample ("Behind a TLS proxy"), taken from
 * README.md itself, terminates TLS in front of the real server, and two Chromium tabs use the
 * two-tab demo through it under the sample's own name (mapped to loopback, with a certificate made
 * for this run). If the sample stops forwarding WebSockets, stops being a secure context for the
 * camera, or loses its headers, this test fails.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as connectTls } from "node:tls";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { launchChromium } from "./support/browser.ts";
import { DemoTabs } from "./support/two-tab.ts";

const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((path) => existsSync(path));
const NAME = "learn.example.org";

/** The first ```nginx block under the README's "Behind a TLS proxy" heading. */
function readmeProxySample(readme: string): string {
  const section = readme.split(/^### Behind a TLS proxy$/mu)[1] ?? "";
  const block = /```nginx\n([\s\S]*?)```/u.exec(section)?.[1];
  if (block === undefined) throw new Error('README.md has no ```nginx block under "### Behind a TLS proxy"');
  return block;
}

/** The sample with this run's port, certificate and upstream; each replacement must find its line. */
function adapt(sample: string, replacements: readonly [RegExp, string][]): string {
  return replacements.reduce((text, [pattern, value]) => {
    if (!pattern.test(text)) throw new Error(`the README's nginx sample no longer has a line matching ${String(pattern)}:\n${sample}`);
    return text.replace(pattern, value);
  }, sample);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

let dir: string;
let server: TestServer;
let nginx: ChildProcess | undefined;
let nginxLog = "";
let browser: Browser;
let tabs: DemoTabs;
let siteUrl: string;

beforeAll(async () => {
  if (NGINX === undefined) throw new Error("nginx is not installed: this test runs the README's TLS-proxy sample (Debian: apt-get install -y nginx; .ci/packages.d/nginx.sh)");
  dir = mkdtempSync(join(tmpdir(), "tls-proxy-"));
  // A certificate for the sample's name, made for this run and trusted by this browser only.
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", `/CN=${NAME}`, "-addext", `subjectAltName=DNS:${NAME}`, "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "pipe" });
  const spki = new X509Certificate(readFileSync(join(dir, "cert.pem"))).publicKey.export({ type: "spki", format: "der" });
  const spkiHash = createHash("sha256").update(spki).digest("base64");

  const port = await freePort();
  siteUrl = `https://${NAME}:${String(port)}/`;
  // As the README says to start it: loopback, PUBLIC_URL naming the proxy's address, TRUST_PROXY, a fixed secret.
  server = await startTestServer({ PUBLIC_URL: siteUrl.replace(/\/$/u, ""), TRUST_PROXY: "loopback", TURN_SECRET: "tls-proxy-test-secret-0123456789" });

  const sample = adapt(readmeProxySample(readFileSync(new URL("../../README.md", import.meta.url), "utf8")), [
    [/listen 443 ssl;/u, `listen 127.0.0.1:${String(port)} ssl;`],
    [/ssl_certificate\s+\S+;/u, `ssl_certificate ${join(dir, "cert.pem")};`],
    [/ssl_certificate_key\s+\S+;/u, `ssl_certificate_key ${join(dir, "key.pem")};`],
    [/proxy_pass http:\/\/127\.0\.0\.1:4321;/u, `proxy_pass http://127.0.0.1:${String(server.port)};`],
  ]);
  const temp = (name: string): string => `${name} ${join(dir, name.replace(/_path$/u, ""))};`;
  writeFileSync(
    join(dir, "nginx.conf"),
    [
      "worker_processes 1;",
      `pid ${join(dir, "nginx.pid")};`,
      `error_log ${join(dir, "error.log")} warn;`,
      "events {}",
      "http {",
      "  access_log off;",
      ...["client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path"].map((name) => `  ${temp(name)}`),
      sample,
      "}",
    ].join("\n"),
  );
  // Checked first, so a broken sample fails with nginx's own words.
  execFileSync(NGINX, ["-t", "-q", "-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")], { stdio: "pipe" });
  const proxy = spawn(NGINX, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log"), "-g", "daemon off;"], { stdio: ["ignore", "pipe", "pipe"] });
  nginx = proxy;
  proxy.stderr.on("data", (chunk: Buffer) => (nginxLog += chunk.toString()));
  await waitForTls(port, proxy);

  browser = await launchChromium({ extraArgs: [`--host-resolver-rules=MAP ${NAME} 127.0.0.1`, `--ignore-certificate-errors-spki-list=${spkiHash}`] });
  tabs = new DemoTabs(browser, siteUrl);
});
afterEach(async () => {
  await tabs?.closeAll();
});
afterAll(async () => {
  await browser?.close();
  if (nginx && nginx.exitCode === null) {
    const stopped = new Promise((done) => nginx?.once("exit", done));
    nginx.kill("SIGQUIT");
    await stopped;
  }
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Resolves once nginx completes a TLS handshake on its port; fails after 10 s or if nginx exits. */
async function waitForTls(port: number, proxy: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connectTls({ host: "127.0.0.1", port, servername: NAME, rejectUnauthorized: false }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (proxy.exitCode !== null) throw new Error(`nginx exited with ${String(proxy.exitCode)}: ${nginxLog}`);
    if (Date.now() > deadline) throw new Error(`nginx did not accept TLS on port ${String(port)} within 10 s: ${nginxLog}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

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
    expect(nginxLog).toBe("");
  });
});
