/**
 * The README's "Several signaling processes" path behind its nginx sample, run for real: the
 * `upstream` block with `ip_hash` and the "Behind a TLS proxy" server block (its `proxy_pass`
 * pointed at the upstream, as the README says), both read from README.md, with only ports and
 * paths changed; two server processes as `npm run serve` starts them, sharing one Redis; and
 * socket.io clients held to HTTP long-polling, the fallback where WebSocket is blocked.
 *
 * Long-polling is a series of separate HTTP requests, and each must reach the process that opened
 * the session (engine.io keeps sessions in memory; another process answers 400 "Session ID
 * unknown"). `ip_hash` picks the process from the first three octets of the client's IPv4
 * address, so the clients here bind to loopback addresses in different /24s (127.0.1.1,
 * 127.0.2.1, …: all of 127.0.0.0/8 is loopback on Linux) and nginx sees them as different
 * clients. The same sample without `ip_hash` (round robin, request by request) must break them.
 *
 * The processes run with TRUST_PROXY=loopback as the README says, so each counts the client named
 * in X-Forwarded-For rather than nginx; those clients are 127.0.x.1, loopback, and so exempt from
 * the per-address limits (server/client-limits/): the limits do not interfere here.
 */
import { Agent } from "node:https";
import { mkdtempSync, rmSync } from "node:fs";
import type { LookupFunction } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io as connect, type ManagerOptions, type SocketOptions } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { iceConfigSchema } from "../../../src/shared/ice-config.ts";
import { adaptSample, freePort, makeCertificate, readmeNginxSamples, startNginx, type Certificate, type Nginx } from "../../support/nginx.ts";
import { startRedisServer, type RedisServer } from "../../support/redis-server.ts";
import { startServerProcess, type ServerProcess } from "../../support/server-process.ts";
import { joinOk, next, offer, type Client } from "./harness.ts";

const NAME = "learn.example.org";
/** Client addresses in six different /24s (the part of an IPv4 address ip_hash looks at). */
const ADDRESSES = [1, 2, 3, 4, 5, 6].map((third) => `127.0.${String(third)}.1`);

/** The site's public origin, as PUBLIC_URL names it and a page of the site sends it in Origin (nginx's port varies). */
const SITE_ORIGIN = `https://${NAME}`;

let dir: string;
let certificate: Certificate;
let redis: RedisServer;
const processes: { name: string; server: ServerProcess; port: string; stunUrl: string }[] = [];
let sampleConfig: string;
let nginx: Nginx | undefined;
const clients: Client[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sticky-sessions-"));
  certificate = makeCertificate(dir, NAME);
  redis = await startRedisServer();
  // As the README starts them: the same Redis and secret, and, behind the proxy, PUBLIC_URL and TRUST_PROXY.
  const env = {
    HOST: "127.0.0.1",
    PORT: "0",
    TURN_PORT: "0",
    TURN_ALT_PORT: "0",
    REDIS_URL: redis.url,
    TURN_SECRET: "sticky-sessions-test-secret-0123456789",
    PUBLIC_URL: SITE_ORIGIN,
    TRUST_PROXY: "loopback",
  };
  const started = await Promise.allSettled([startServerProcess(env), startServerProcess(env)]);
  const servers = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    await Promise.all(servers.map((server) => server.stop()));
    throw failed.reason;
  }
  for (const [i, server] of servers.entries()) {
    // Each process hands out its own built-in STUN/TURN port: the ICE servers a socket gets name the process behind it.
    const config = iceConfigSchema.parse(await (await fetch(new URL("/api/ice-config", server.url))).json());
    processes.push({ name: i === 0 ? "one" : "two", server, port: new URL(server.url).port, stunUrl: config.iceServers[0]?.urls[0] ?? "" });
  }
  expect(new Set(processes.map((p) => p.stunUrl)).size).toBe(2);

  // The upstream block of "Several signaling processes", and the README's instruction for using it.
  const { samples, prose } = readmeNginxSamples("### Several signaling processes");
  const [upstreamSample = ""] = samples;
  const name = /^upstream (\S+) \{/mu.exec(upstreamSample)?.[1];
  if (name === undefined) throw new Error(`the README's sample has no upstream block:\n${upstreamSample}`);
  expect(prose).toContain(`\`proxy_pass http://${name};\` in the \`location\` shown above`);
  const [one, two] = processes;
  const upstream = adaptSample(upstreamSample, [
    [/server 127\.0\.0\.1:4321;/u, `server 127.0.0.1:${one?.port ?? ""};`],
    [/server 127\.0\.0\.1:4322;/u, `server 127.0.0.1:${two?.port ?? ""};`],
  ]);
  // The TLS proxy's server block, proxying to the upstream instead of one process (its port is set per test).
  const [tlsSample = ""] = readmeNginxSamples("### Behind a TLS proxy").samples;
  const proxy = adaptSample(tlsSample, [
    [/ssl_certificate\s+\S+;/u, `ssl_certificate ${certificate.certPath};`],
    [/ssl_certificate_key\s+\S+;/u, `ssl_certificate_key ${certificate.keyPath};`],
    [/proxy_pass http:\/\/127\.0\.0\.1:4321;/u, `proxy_pass http://${name};`],
  ]);
  sampleConfig = `${upstream}\n${proxy}`;
});
afterEach(async () => {
  for (const socket of clients.splice(0)) socket.close();
  await nginx?.stop();
  nginx = undefined;
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.server.stop()));
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * nginx with `http` (the samples), listening on a free loopback port instead of 443; another
 * program on this shared machine may take the port first, so a few ports are tried.
 */
async function proxyWith(http: string): Promise<{ proxy: Nginx; url: string }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      nginx = await startNginx({ dir, http: adaptSample(http, [[/listen 443 ssl;/u, `listen 127.0.0.1:${String(port)} ssl;`]]), port, servername: NAME, accessLog: true });
      return { proxy: nginx, url: `https://${NAME}:${String(port)}` };
    } catch (error) {
      if (attempt === 3 || !String(error).includes("Address already in use")) throw error;
    }
  }
}

/** The sample's name resolves to loopback for these clients, as a DNS record would point it at the proxy. */
const toProxy: LookupFunction = (hostname, options, callback) => {
  if (hostname !== NAME) callback(Object.assign(new Error(`unexpected lookup of ${hostname}`), { code: "ENOTFOUND" }), "", 0);
  else if (options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
  else callback(null, "127.0.0.1", 4);
};

/** A connection error as the client saw it: engine.io's message, the HTTP status and the response body. */
interface ConnectionError {
  message: string;
  status: unknown;
  body: string | undefined;
}

interface PollingClient {
  socket: Client;
  /** Every error the connection reported. */
  errors: ConnectionError[];
  /** Resolves with the first. */
  failed: Promise<ConnectionError>;
}

/**
 * A socket.io client that only long-polls, from `from`, to the proxy by the sample's name over
 * TLS (trusting this run's certificate), sending the Origin a page of the site would send.
 */
function pollingClient(url: string, from: string): PollingClient {
  const agent = new Agent({ localAddress: from, lookup: toProxy, ca: certificate.pem });
  const options = { transports: ["polling"], reconnection: false, forceNew: true, agent, ca: certificate.pem, extraHeaders: { origin: SITE_ORIGIN } };
  // engine.io-client types `agent` as string | boolean, but hands it to Node's https.request (through xmlhttprequest-ssl), which takes an Agent.
  const socket: Client = connect(url, options as unknown as Partial<ManagerOptions & SocketOptions>);
  clients.push(socket);
  const errors: ConnectionError[] = [];
  const failed = new Promise<ConnectionError>((resolve) => {
    socket.io.on("error", (error: Error & { description?: unknown; context?: unknown }) => {
      // Read the body now: engine.io aborts the request, emptying it, as soon as this listener returns.
      const xhr = error.context as { responseText?: unknown } | undefined;
      const seen = { message: error.message, status: error.description, body: typeof xhr?.responseText === "string" ? xhr.responseText : undefined };
      errors.push(seen);
      resolve(seen);
    });
  });
  return { socket, errors, failed };
}

/** Resolves once connected; a refusal fails with what the server answered (such as 400 "Session ID unknown"). */
function connected({ socket, errors }: PollingClient): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", (error) => {
      const seen = errors.at(-1);
      reject(new Error(seen ? `${seen.message}: HTTP ${String(seen.status)} ${seen.body ?? ""}` : error.message));
    });
  });
}

/** Which process holds the socket's session: the one whose STUN/TURN port its ICE servers name. */
async function processOf(socket: Client): Promise<string> {
  const result = await socket.timeout(10_000).emitWithAck("ice:config");
  if (!result.ok) throw new Error(`ice:config refused: ${result.error.code}`);
  const stun = result.config.iceServers[0]?.urls[0];
  const found = processes.find((p) => p.stunUrl === stun);
  if (!found) throw new Error(`ICE servers ${String(stun)} name neither process`);
  return found.name;
}

/** The access log as requests: client address, the process (upstream) nginx chose, and the status. */
function requests(proxy: Nginx): { from: string; upstream: string; status: string }[] {
  return proxy.accessLog().map((line) => {
    const [from = "", to = "", status = ""] = line.split(" ");
    return { from, upstream: to, status };
  });
}

describe("the README's sticky-session sample: nginx ip_hash in front of two processes sharing Redis", () => {
  it("keeps every long-polling client on one process, per client address, and spreads the addresses over both", async () => {
    const { proxy, url } = await proxyWith(sampleConfig);
    // Two clients from each address: ip_hash must send both, and all their requests, to one process.
    const everyone: PollingClient[] = [];
    const reached = new Map<string, string[]>();
    for (const from of ADDRESSES) {
      const pair = [pollingClient(url, from), pollingClient(url, from)];
      everyone.push(...pair);
      await Promise.all(pair.map(connected));
      reached.set(from, await Promise.all(pair.map(({ socket }) => processOf(socket))));
      for (const { socket } of pair) expect(socket.io.engine.transport.name).toBe("polling");
    }
    for (const [from, names] of reached) expect(new Set(names).size, `${from} reached ${names.join(" and ")}`).toBe(1);
    expect(new Set([...reached.values()].flat())).toEqual(new Set(["one", "two"]));

    const log = requests(proxy);
    for (const from of ADDRESSES) {
      const mine = log.filter((request) => request.from === from);
      // Handshake, connect and ice:config (each a POST and a GET) at least, per client: many requests to keep together.
      expect(mine.length).toBeGreaterThanOrEqual(6);
      expect(new Set(mine.map((request) => request.upstream)).size, `${from}: ${mine.map((r) => r.upstream).join(", ")}`).toBe(1);
    }
    expect(log.filter((request) => request.status !== "200")).toEqual([]);
    expect(everyone.flatMap((client) => client.errors)).toEqual([]);
    expect(proxy.stderr()).toBe("");
  });

  it("carries a room, its descriptions both ways and a restart request between clients on different processes, over long-polling only", async () => {
    const { url } = await proxyWith(sampleConfig);
    const everyone = ADDRESSES.slice(0, 2).map((from) => pollingClient(url, from));
    await Promise.all(everyone.map(connected));
    const [a, b] = everyone;
    if (!a || !b) throw new Error("two clients expected");
    // 127.0.1.x and 127.0.2.x hash to different processes (the test above shows ip_hash spreads them; here, that they differ).
    expect(await processOf(a.socket)).not.toBe(await processOf(b.socket));

    const first = await joinOk(a.socket);
    const joined = next(a.socket, "peer:joined");
    const second = await joinOk(b.socket, first.roomId);
    expect(await joined).toMatchObject({ peerId: second.peerId, role: "polite" });

    const atB = next(b.socket, "signal:description");
    expect(await a.socket.timeout(5000).emitWithAck("signal:description", { description: offer })).toMatchObject({ ok: true });
    expect(await atB).toMatchObject({ from: first.peerId, description: offer });
    const answer = { type: "answer", sdp: offer.sdp } as const;
    const atA = next(a.socket, "signal:description");
    expect(await b.socket.timeout(5000).emitWithAck("signal:description", { description: answer })).toMatchObject({ ok: true });
    expect(await atA).toMatchObject({ from: second.peerId, description: answer });
    // And the request for an ICE restart's offer, which a tab sends when its connection is failing.
    const asked = next(b.socket, "signal:restart-request");
    expect(await a.socket.timeout(5000).emitWithAck("signal:restart-request", {})).toMatchObject({ ok: true });
    expect(await asked).toMatchObject({ from: first.peerId });

    expect([...a.errors, ...b.errors]).toEqual([]);
  });
});

describe("the same sample without ip_hash", () => {
  it("breaks long-polling: requests reach the process that did not open the session, which answers Session ID unknown", async () => {
    const withoutIpHash = adaptSample(sampleConfig, [[/^\s*ip_hash;\n/mu, ""]]);
    const { proxy, url } = await proxyWith(withoutIpHash);
    // One client at a time: round robin then sends each client's next request after its handshake to the other process.
    for (const from of ADDRESSES.slice(0, 4)) {
      const client = pollingClient(url, from);
      // Connecting, then asking for ICE servers, takes several requests: each a chance to land on the wrong process.
      const worked = connected(client).then(() => processOf(client.socket));
      const outcome = await Promise.race([client.failed, worked.then((name) => `kept its session on process ${name}`, () => client.failed)]);
      expect(outcome, from).toMatchObject({ message: expect.stringMatching(/^xhr (poll|post) error$/u), status: 400 });
      expect(typeof outcome === "string" ? outcome : JSON.parse(outcome.body ?? "")).toEqual({ code: 1, message: "Session ID unknown" });
      client.socket.close();
    }
    // In nginx's own log: each client's requests went to both processes, and the process that had not opened the session refused it.
    const log = requests(proxy);
    for (const from of ADDRESSES.slice(0, 4)) {
      const mine = log.filter((request) => request.from === from);
      expect(new Set(mine.map((request) => request.upstream)).size, `${from}: ${mine.map((r) => `${r.upstream} ${r.status}`).join(", ")}`).toBe(2);
      expect(mine.some((request) => request.status === "400")).toBe(true);
    }
  });
});
