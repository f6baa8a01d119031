/**
 * Real nginx for tests that run the README's own nginx samples: the samples are read from
 * README.md, adapted only where a test must (ports, paths), and served by a throwaway nginx in a
 * temporary directory (its own pid file, logs and temp paths; never the system service). When nginx
 * or openssl is not installed the test FAILS saying how to get it.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { connect as connectTls } from "node:tls";

const INSTALL_HINT = "Debian: apt-get install -y nginx openssl; .ci/packages.d/nginx.sh does this in CI";

/** Absolute path of nginx (Debian puts it in /usr/sbin, often not on a user's PATH); throws when missing. */
export function requireNginx(): string {
  const found = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((path) => existsSync(path));
  if (found === undefined) throw new Error(`nginx is not installed: this test runs the README's nginx sample (${INSTALL_HINT})`);
  return found;
}

/** The text under a README heading (`### Name`), up to the next heading of any level. */
function readmeSection(heading: string): string {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const start = readme.split("\n").findIndex((line) => line === heading);
  if (start === -1) throw new Error(`README.md has no heading "${heading}"`);
  const rest = readme.split("\n").slice(start + 1);
  const end = rest.findIndex((line) => /^#{1,6} /u.test(line));
  return rest.slice(0, end === -1 ? undefined : end).join("\n");
}

/** The ```nginx blocks under a README heading, in order, with their list indentation removed. */
export function readmeNginxSamples(heading: string): { samples: string[]; prose: string } {
  const prose = readmeSection(heading);
  const samples = [...prose.matchAll(/^( *)```nginx\n([\s\S]*?)^ *```$/gmu)].map(([, indent = "", body = ""]) =>
    body
      .split("\n")
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join("\n"),
  );
  if (samples.length === 0) throw new Error(`README.md has no \`\`\`nginx block under "${heading}"`);
  return { samples, prose };
}

/** A sample with one run's ports and paths: each replacement must find its line, so a changed sample fails loudly. */
export function adaptSample(sample: string, replacements: readonly [RegExp, string][]): string {
  return replacements.reduce((text, [pattern, value]) => {
    if (!pattern.test(text)) throw new Error(`the README's nginx sample no longer has a line matching ${String(pattern)}:\n${sample}`);
    return text.replace(pattern, value);
  }, sample);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface Certificate {
  readonly certPath: string;
  readonly keyPath: string;
  /** The certificate in PEM, to trust it in a Node client (`ca`). */
  readonly pem: string;
  /** base64 SHA-256 of its public key, for Chromium's --ignore-certificate-errors-spki-list. */
  readonly spkiHash: string;
}

/** A self-signed certificate for `name`, valid one day, made by openssl in `dir`. */
export function makeCertificate(dir: string, name: string): Certificate {
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  try {
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", `/CN=${name}`, "-addext", `subjectAltName=DNS:${name}`, "-keyout", keyPath, "-out", certPath],
      { stdio: "pipe" },
    );
  } catch (error) {
    throw new Error(`openssl could not make a certificate (${INSTALL_HINT}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const pem = readFileSync(certPath, "utf8");
  const spki = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
  return { certPath, keyPath, pem, spkiHash: createHash("sha256").update(spki).digest("base64") };
}

export interface Nginx {
  /** What nginx printed on stderr (nothing, while all is well). */
  stderr(): string;
  /** Its error log (warnings and up). */
  errorLog(): string;
  /** Access log lines, when started with `accessLog`: `remote_addr upstream_addr status method uri`. */
  accessLog(): string[];
  stop(): Promise<void>;
}

/**
 * Runs nginx in `dir` with `http` (samples and all) inside its `http {}` block, after checking the
 * configuration with `nginx -t` (so a broken sample fails with nginx's own words). Resolves once a
 * TLS handshake with `servername` succeeds on `port`.
 */
export async function startNginx(options: { dir: string; http: string; port: number; servername: string; accessLog?: boolean }): Promise<Nginx> {
  const { dir, port, servername } = options;
  const nginx = requireNginx();
  const temp = (name: string): string => `  ${name} ${join(dir, name.replace(/_path$/u, ""))};`;
  const accessLog = join(dir, "access.log");
  const errorLog = join(dir, "error.log");
  const conf = join(dir, "nginx.conf");
  writeFileSync(
    conf,
    [
      "worker_processes 1;",
      `pid ${join(dir, "nginx.pid")};`,
      `error_log ${errorLog} warn;`,
      "events {}",
      "http {",
      ...(options.accessLog
        ? ["  log_format upstreams '$remote_addr $upstream_addr $status $request_method $request_uri';", `  access_log ${accessLog} upstreams;`]
        : ["  access_log off;"]),
      ...["client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path"].map(temp),
      options.http,
      "}",
    ].join("\n"),
  );
  writeFileSync(accessLog, "");
  execFileSync(nginx, ["-t", "-q", "-p", dir, "-c", conf, "-e", errorLog], { stdio: "pipe" });
  const child = spawn(nginx, ["-p", dir, "-c", conf, "-e", errorLog, "-g", "daemon off;"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const errors = (): string => stderr + (existsSync(errorLog) ? readFileSync(errorLog, "utf8") : "");
  const stop = (): Promise<void> => stopNginx(child);
  try {
    await waitForTls(port, servername, child, errors);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    stderr: () => stderr,
    errorLog: () => (existsSync(errorLog) ? readFileSync(errorLog, "utf8") : ""),
    accessLog: () => readFileSync(accessLog, "utf8").split("\n").filter((line) => line !== ""),
    stop,
  };
}

async function stopNginx(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const stopped = new Promise((done) => child.once("exit", done));
  // SIGTERM: fast shutdown. A graceful one (SIGQUIT) would wait for every long-poll still held open.
  child.kill("SIGTERM");
  await stopped;
}

/** Resolves once nginx completes a TLS handshake on its port; fails after 10 s or if nginx exits. */
async function waitForTls(port: number, servername: string, child: ChildProcess, errors: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connectTls({ host: "127.0.0.1", port, servername, rejectUnauthorized: false }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (child.exitCode !== null) throw new Error(`nginx exited with ${String(child.exitCode)}: ${errors()}`);
    if (Date.now() > deadline) throw new Error(`nginx did not accept TLS on port ${String(port)} within 10 s: ${errors()}`);
    // Polling a port that nginx is about to open: there is no event to wait for.
    await new Promise((done) => setTimeout(done, 100));
  }
}
