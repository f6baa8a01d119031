/**
 * Per-client limits against the real server on port 0, with real HTTP requests and real
 * socket.io clients. Clients on other addresses are client sockets bound to other loopback
 * addresses (127.0.0.2, 127.0.0.3), or clients behind a trusted proxy named in X-Forwarded-For.
 * Loopback is exempt from the limits by default (this machine's own browsers), so most servers
 * here turn the exemption off (limitTuning), as the TURN quota tests do.
 */
import { request } from "node:http";
import { io as connect, Manager, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { limitRefusalSchema, tooManyRequestsBodySchema } from "../../../src/shared/client-limits.ts";
import { iceConfigSchema } from "../../../src/shared/ice-config.ts";
import { INSPECTOR_NAMESPACE } from "../../../src/shared/inspector/protocol.ts";
import { POLITE_REFUSALS, type ClientLimitTuning } from "../../../server/client-limits/limits.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

const servers: TestServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  for (const server of servers.splice(0)) await server.close();
});

async function start(env: Record<string, string>, options: Partial<ClientLimitTuning> = {}): Promise<{ server: TestServer; logs: string[] }> {
  const logs: string[] = [];
  const server = await startTestServer(env, { log: (line) => logs.push(line), limitTuning: { exemptLoopback: false, ...options } });
  servers.push(server);
  return { server, logs };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET from a chosen local address, with chosen headers (fetch() can set neither). */
function get(server: TestServer, path: string, options: { from?: string; forwardedFor?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers = { ...options.headers, ...(options.forwardedFor === undefined ? {} : { "x-forwarded-for": options.forwardedFor }) };
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: server.port, path, localAddress: options.from ?? "127.0.0.1", headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const iceConfig = (server: TestServer, options: Parameters<typeof get>[2] = {}): Promise<Answer> => get(server, "/api/ice-config", options);
const statuses = async (server: TestServer, count: number, options: Parameters<typeof get>[2] = {}): Promise<number[]> => {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await iceConfig(server, options)).status);
  return out;
};

/** A socket.io client over WebSocket from a chosen local address (ws takes localAddress; socket.io-client's types do not list it). */
function open(server: TestServer, options: { from?: string; forwardedFor?: string; headers?: Record<string, string>; namespace?: string } = {}): Socket {
  const extraHeaders = { ...options.headers, ...(options.forwardedFor === undefined ? {} : { "x-forwarded-for": options.forwardedFor }) };
  const settings: Partial<ManagerOptions & SocketOptions> & { localAddress: string } = {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    localAddress: options.from ?? "127.0.0.1",
    ...(Object.keys(extraHeaders).length === 0 ? {} : { extraHeaders }),
  };
  const socket = connect(`${server.origin}${options.namespace ?? ""}`, settings);
  sockets.push(socket);
  return socket;
}

/** Resolves with "connected", or with the error a refused client gets. */
function outcome(socket: Socket): Promise<"connected" | (Error & { data?: unknown })> {
  return new Promise((resolve) => {
    socket.once("connect", () => resolve("connected"));
    socket.once("connect_error", (error: Error & { data?: unknown }) => resolve(error));
  });
}

describe("/api/ice-config per client address", () => {
  it("answers 429 past the limit, with Retry-After and a JSON body the page can show", async () => {
    const { server, logs } = await start({ LIMIT_ICE_CONFIG_PER_MINUTE: "3" });
    expect(await statuses(server, 3)).toEqual([200, 200, 200]);
    const refused = await iceConfig(server);
    expect(refused.status).toBe(429);
    // 3 a minute: the next request is possible in 20 s.
    expect(refused.headers["retry-after"]).toBe("20");
    expect(refused.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(refused.headers["cache-control"]).toBe("no-store");
    const body = tooManyRequestsBodySchema.parse(JSON.parse(refused.body));
    expect(body).toEqual({
      ok: false,
      code: "too-many-requests",
      error: "Too many requests for ICE servers from your address (the limit is 3 a minute, shared by every device behind the same router). Try again in 20 seconds.",
      retryAfterSeconds: 20,
    });
    expect(refused.body).not.toContain("credential");
    expect(logs).toContain("limits: refused ICE servers to 127.0.0.1: more than 3 requests a minute");
  });

  it("leaves another address its own budget", async () => {
    const { server } = await start({ LIMIT_ICE_CONFIG_PER_MINUTE: "2" });
    expect(await statuses(server, 3, { from: "127.0.0.1" })).toEqual([200, 200, 429]);
    expect(await statuses(server, 3, { from: "127.0.0.2" })).toEqual([200, 200, 429]);
    expect(await statuses(server, 1, { from: "127.0.0.3" })).toEqual([200]);
  });

  it("spends nothing on requests refused for another reason", async () => {
    const { server } = await start({ LIMIT_ICE_CONFIG_PER_MINUTE: "1" });
    expect((await iceConfig(server, { headers: { origin: "https://evil.example" } })).status).toBe(403);
    expect((await get(server, "/api/health")).status).toBe(200);
    expect(await statuses(server, 2)).toEqual([200, 429]);
  });

  it("exempts loopback clients by default (the local demo and its tests), and only them", async () => {
    const { server } = await start({ LIMIT_ICE_CONFIG_PER_MINUTE: "1", TRUST_PROXY: "127.0.0.1" }, { exemptLoopback: true });
    expect(await statuses(server, 5, { from: "127.0.0.2" })).toEqual([200, 200, 200, 200, 200]);
    // A client forwarded by the proxy on 127.0.0.1 is not this machine.
    expect(await statuses(server, 2, { forwardedFor: "198.51.100.1" })).toEqual([200, 429]);
  });
});

describe("X-Forwarded-For and TRUST_PROXY", () => {
  it("is ignored when no proxy is trusted: a client cannot choose its address", async () => {
    const { server } = await start({ LIMIT_ICE_CONFIG_PER_MINUTE: "1" });
    expect((await iceConfig(server, { forwardedFor: "198.51.100.1" })).status).toBe(200);
    expect((await iceConfig(server, { forwardedFor: "198.51.100.2" })).status).toBe(429);
  });

  it("names the client only when the request comes from a trusted proxy", async () => {
    const { server } = await start({ LIMIT_ICE_CONFIG_PER_MINUTE: "1", TRUST_PROXY: "127.0.0.1" });
    // From the trusted proxy: each forwarded client has its own budget.
    expect(await statuses(server, 2, { forwardedFor: "198.51.100.1" })).toEqual([200, 429]);
    expect(await statuses(server, 1, { forwardedFor: "198.51.100.2" })).toEqual([200]);
    // From 127.0.0.2, which is not trusted, the header is ignored: spoofing does not work.
    expect((await iceConfig(server, { from: "127.0.0.2", forwardedFor: "198.51.100.3" })).status).toBe(200);
    expect((await iceConfig(server, { from: "127.0.0.2", forwardedFor: "198.51.100.4" })).status).toBe(429);
    expect((await iceConfig(server, { from: "127.0.0.2", forwardedFor: "198.51.100.2, 127.0.0.1" })).status).toBe(429);
  });

  it("takes the right-most address that is not a trusted proxy in a chain", async () => {
    const { server } = await start({ LIMIT_ICE_CONFIG_PER_MINUTE: "1", TRUST_PROXY: "loopback, 10.0.0.0/8" });
    // nginx on loopback behind an edge proxy in 10/8: the client is what the edge proxy saw.
    expect((await iceConfig(server, { forwardedFor: "203.0.113.50, 198.51.100.7, 10.1.2.3" })).status).toBe(200);
    // The client rewrites the left of the header: still 198.51.100.7.
    expect((await iceConfig(server, { forwardedFor: "203.0.113.99, 198.51.100.7, 10.1.2.3" })).status).toBe(429);
    expect((await iceConfig(server, { forwardedFor: "198.51.100.7" })).status).toBe(429);
    expect((await iceConfig(server, { forwardedFor: "198.51.100.7, 10.200.0.1, 127.0.0.1" })).status).toBe(429);
    // Another real client behind the same chain.
    expect((await iceConfig(server, { forwardedFor: "198.51.100.7, 198.51.100.8, 10.1.2.3" })).status).toBe(200);
  });

  it("counts IPv6 clients per /64", async () => {
    const { server } = await start({ LIMIT_ICE_CONFIG_PER_MINUTE: "2", TRUST_PROXY: "loopback" });
    expect((await iceConfig(server, { forwardedFor: "2001:db8:1:2::1" })).status).toBe(200);
    expect((await iceConfig(server, { forwardedFor: "2001:db8:1:2:dead:beef:0:1" })).status).toBe(200);
    expect((await iceConfig(server, { forwardedFor: "[2001:DB8:1:2::ffff]:443" })).status).toBe(429);
    expect((await iceConfig(server, { forwardedFor: "2001:db8:1:3::1" })).status).toBe(200);
  });

  it("never crashes on malformed or huge headers, and garbage never becomes a client of its own", async () => {
    const { server } = await start({ LIMIT_ICE_CONFIG_PER_MINUTE: "2", TRUST_PROXY: "loopback" });
    const junk = ["garbage", ",,,", " ", "1.2.3.4.5", "[::1", "::ffff:999.1.1.1", "é", "1.2.3.4:99999999", `${"9".repeat(3000)}`, Array.from({ length: 1500 }, (_, i) => `10.0.${String(i >> 8)}.${String(i & 255)}`).join(",")];
    const seen: number[] = [];
    for (const value of junk) seen.push((await iceConfig(server, { forwardedFor: value })).status);
    // Every garbage value stops at the proxy itself (127.0.0.1): one budget of 2 between them all,
    // except the long list, whose right-most entry is a real (untrusted) client.
    expect(seen).toEqual([200, 200, 429, 429, 429, 429, 429, 429, 429, 200]);
    // Past Node's header size limit the request is refused before it reaches us.
    expect((await iceConfig(server, { forwardedFor: "1.1.1.1,".repeat(4000) })).status).toBe(431);
    expect((await get(server, "/api/health")).status).toBe(200);
  });

  it("says once at run time that X-Forwarded-For from loopback is ignored without TRUST_PROXY", async () => {
    const { server, logs } = await start({}, { exemptLoopback: true });
    for (let i = 0; i < 3; i++) await iceConfig(server, { forwardedFor: `198.51.100.${String(i)}` });
    expect(logs.filter((line) => line.includes("ignoring X-Forwarded-For"))).toEqual([
      "limits: ignoring X-Forwarded-For from 127.0.0.1, which TRUST_PROXY does not name. If 127.0.0.1 is a reverse proxy, every client behind it counts as 127.0.0.1 (and loopback is exempt from the per-address limits): set TRUST_PROXY=loopback.",
    ]);
    expect(logs).toContain("limits: per client address (IPv6 per /64): 60 ICE server requests a minute, 100 socket.io connections at once, 120 new ones a minute; loopback clients exempt; X-Forwarded-For trusted from: none");
  });

  it("keeps the limiter's memory bounded however many addresses a proxy forwards", async () => {
    const { server, logs } = await start({ LIMIT_ICE_CONFIG_PER_MINUTE: "1", TRUST_PROXY: "loopback" }, { maxTrackedAddresses: 50 });
    const limits = server.app.realtime.limits;
    for (let i = 0; i < 600; i++) {
      const answer = await iceConfig(server, { forwardedFor: `2001:db8:${(i >> 8).toString(16)}:${(i & 255).toString(16)}::1` });
      expect(answer.status).toBe(200);
      expect(limits.sizes().iceConfig).toBeLessThanOrEqual(50);
    }
    expect(limits.sizes().iceConfig).toBe(50);
    expect(logs.filter((line) => line.includes("forgetting the least recent")).length).toBeLessThanOrEqual(20);
  });
});

describe("Forwarded (RFC 7239) with TRUST_PROXY_HEADER=forwarded", () => {
  const forwarded = (value: string): { headers: Record<string, string> } => ({ headers: { forwarded: value } });

  it("names the client, from the right, only when the request comes from a trusted proxy", async () => {
    const { server } = await start({ LIMIT_ICE_CONFIG_PER_MINUTE: "1", TRUST_PROXY: "127.0.0.1", TRUST_PROXY_HEADER: "forwarded" });
    // RFC 7239 §7.5's header as a proxy on 127.0.0.1 would pass it on: the client is the right-most for=.
    const header = "for=192.0.2.43, for=198.51.100.17;by=203.0.113.60;proto=http;host=example.com";
    expect(await statuses(server, 2, forwarded(header))).toEqual([200, 429]);
    expect(await statuses(server, 1, forwarded("for=198.51.100.17"))).toEqual([429]);
    expect(await statuses(server, 1, forwarded('for="[2001:db8:cafe::17]:4711"'))).toEqual([200]);
    expect(await statuses(server, 1, forwarded('for="[2001:db8:cafe::ffff]"'))).toEqual([429]);
    // From 127.0.0.2, which is not trusted, the header is ignored.
    expect((await iceConfig(server, { from: "127.0.0.2", ...forwarded("for=198.51.100.3") })).status).toBe(200);
    expect((await iceConfig(server, { from: "127.0.0.2", ...forwarded("for=198.51.100.4") })).status).toBe(429);
  });

  it("ignores X-Forwarded-For, which the client may have written, and stops at unknown and obfuscated nodes", async () => {
    const { server } = await start({ LIMIT_ICE_CONFIG_PER_MINUTE: "1", TRUST_PROXY: "127.0.0.1", TRUST_PROXY_HEADER: "forwarded" });
    expect((await iceConfig(server, { headers: { forwarded: "for=198.51.100.7", "x-forwarded-for": "203.0.113.1" } })).status).toBe(200);
    expect((await iceConfig(server, { headers: { forwarded: "for=198.51.100.7", "x-forwarded-for": "203.0.113.2" } })).status).toBe(429);
    // A proxy that does not know or hides its client is as far as anyone can vouch: they all count as it.
    expect(await statuses(server, 3, forwarded("for=198.51.100.8, for=unknown"))).toEqual([200, 429, 429]);
    expect(await statuses(server, 1, forwarded('for="_hidden"'))).toEqual([429]);
  });

  it("is ignored by default, beside the X-Forwarded-For the README's nginx sample writes", async () => {
    const { server } = await start({ LIMIT_ICE_CONFIG_PER_MINUTE: "1", TRUST_PROXY: "127.0.0.1" });
    expect((await iceConfig(server, { forwardedFor: "198.51.100.1", ...forwarded("for=203.0.113.1") })).status).toBe(200);
    expect((await iceConfig(server, { forwardedFor: "198.51.100.1", ...forwarded("for=203.0.113.2") })).status).toBe(429);
  });

  it("counts socket.io connections behind a trusted proxy one by one", async () => {
    const { server } = await start({ LIMIT_SOCKETS_PER_ADDRESS: "1", TRUST_PROXY: "127.0.0.1", TRUST_PROXY_HEADER: "forwarded" });
    expect(await outcome(open(server, forwarded("for=198.51.100.1")))).toBe("connected");
    expect(await outcome(open(server, forwarded('for="198.51.100.2:4711"')))).toBe("connected");
    expect(await outcome(open(server, forwarded("for=198.51.100.1")))).not.toBe("connected");
  });
});

describe("socket.io connections per client address", () => {
  it("refuses a connection past the cap with a message the page can show, and lets other addresses in", async () => {
    const { server, logs } = await start({ LIMIT_SOCKETS_PER_ADDRESS: "2" });
    const first = open(server);
    const second = open(server);
    expect(await outcome(first)).toBe("connected");
    expect(await outcome(second)).toBe("connected");
    const third = await outcome(open(server));
    if (third === "connected") throw new Error("the third connection should have been refused");
    expect(third.message).toBe(
      "Too many connections to this site's server from your address (the limit is 2 at once, shared by every device behind the same router). Close some of this site's tabs, then reload this page.",
    );
    expect(limitRefusalSchema.parse(third.data)).toMatchObject({ code: "too-many-connections" });
    expect(await outcome(open(server, { from: "127.0.0.2" }))).toBe("connected");
    expect(logs).toContain("limits: refused a socket.io connection from 127.0.0.1: 2 already open");

    // A closed connection frees its place (once the server has seen it close).
    first.close();
    const limits = server.app.realtime.limits;
    await expect.poll(() => limits.sizes().openSockets).toBe(2);
    await expect.poll(async () => outcome(open(server))).toBe("connected");
  });

  it("refuses on the packet inspector's namespace too", async () => {
    const { server } = await start({ LIMIT_SOCKETS_PER_ADDRESS: "1" });
    expect(await outcome(open(server))).toBe("connected");
    const refused = await outcome(open(server, { namespace: INSPECTOR_NAMESPACE }));
    expect(refused).not.toBe("connected");
    expect(limitRefusalSchema.parse((refused as Error & { data: unknown }).data).code).toBe("too-many-connections");
  });

  it("limits new connections per minute, saying when to try again", async () => {
    const { server } = await start({ LIMIT_NEW_SOCKETS_PER_MINUTE: "2" });
    for (let i = 0; i < 2; i++) {
      const socket = open(server);
      expect(await outcome(socket)).toBe("connected");
      socket.close();
    }
    const refused = await outcome(open(server));
    if (refused === "connected") throw new Error("the third new connection should have been refused");
    // 2 a minute: one more in 30 s.
    expect(limitRefusalSchema.parse(refused.data)).toEqual({
      code: "too-many-new-connections",
      message: "Too many new connections to this site's server from your address (the limit is 2 a minute, shared by every device behind the same router). Reload this page in 30 seconds.",
      retryAfterSeconds: 30,
    });
    expect(await outcome(open(server, { from: "127.0.0.2" }))).toBe("connected");
  });

  it("counts clients behind a trusted proxy one by one", async () => {
    const { server } = await start({ LIMIT_SOCKETS_PER_ADDRESS: "1", TRUST_PROXY: "127.0.0.1" });
    expect(await outcome(open(server, { forwardedFor: "198.51.100.1" }))).toBe("connected");
    expect(await outcome(open(server, { forwardedFor: "198.51.100.2" }))).toBe("connected");
    expect(await outcome(open(server, { forwardedFor: "198.51.100.1" }))).not.toBe("connected");
    // From an untrusted address the header is ignored.
    expect(await outcome(open(server, { from: "127.0.0.2", forwardedFor: "198.51.100.3" }))).toBe("connected");
    expect(await outcome(open(server, { from: "127.0.0.2", forwardedFor: "198.51.100.4" }))).not.toBe("connected");
  });

  it("drops the handshakes of a client that keeps refused connections open, and closes those itself", async () => {
    const { server, logs } = await start({ LIMIT_SOCKETS_PER_ADDRESS: "1" }, { refusedConnectionMs: 300 });
    const limits = server.app.realtime.limits;
    expect(await outcome(open(server))).toBe("connected");
    // A client that opens connections and never asks for a namespace never reads its refusal:
    // engine.io connections only (socket.io-client's Manager, opened by hand).
    const bare: Manager[] = [];
    for (let i = 0; i < POLITE_REFUSALS; i++) {
      const manager = new Manager(server.origin, { transports: ["websocket"], reconnection: false, autoConnect: false, forceNew: true });
      bare.push(manager);
      await new Promise<void>((resolve, reject) => manager.open((error) => (error ? reject(error) : resolve())));
    }
    // The cap plus POLITE_REFUSALS connections open: the next handshake is dropped outright.
    const dropped = await outcome(open(server));
    expect(dropped).not.toBe("connected");
    expect(logs).toContain(`limits: dropped a socket.io handshake from 127.0.0.1: ${String(1 + POLITE_REFUSALS)} connections open`);
    // The server closes refused connections by itself; then refusals are polite again.
    await expect.poll(() => limits.sizes().openSockets === 1 && bare.every((m) => m.engine.readyState === "closed")).toBe(true);
    const refused = await outcome(open(server));
    expect(refused).not.toBe("connected");
    expect(limitRefusalSchema.parse((refused as Error & { data: unknown }).data).code).toBe("too-many-connections");
    for (const manager of bare) manager.engine.close();
  });

  it("shares the ICE server budget between the socket's ice:config and /api/ice-config", async () => {
    const { server } = await start({ LIMIT_ICE_CONFIG_PER_MINUTE: "2" });
    const socket = open(server);
    expect(await outcome(socket)).toBe("connected");
    const viaSocket = (await socket.timeout(5000).emitWithAck("ice:config")) as { ok: boolean; config?: unknown };
    expect(iceConfigSchema.safeParse(viaSocket.config).success).toBe(true);
    expect((await iceConfig(server)).status).toBe(200);
    expect(await socket.timeout(5000).emitWithAck("ice:config")).toEqual({
      ok: false,
      error: {
        code: "rate-limited",
        message: "Too many requests for ICE servers from your address (the limit is 2 a minute, shared by every device behind the same router). Try again in 30 seconds.",
      },
    });
    // Another socket from the same address does not bring a fresh budget.
    const another = open(server);
    expect(await outcome(another)).toBe("connected");
    expect(await another.timeout(5000).emitWithAck("ice:config")).toMatchObject({ ok: false, error: { code: "rate-limited" } });
    expect((await iceConfig(server)).status).toBe(429);
  });

  it("forgets an address once its last connection closes", async () => {
    const { server } = await start({ LIMIT_SOCKETS_PER_ADDRESS: "5", TRUST_PROXY: "loopback" });
    const limits = server.app.realtime.limits;
    const opened = [];
    for (let i = 0; i < 20; i++) opened.push(open(server, { forwardedFor: `198.51.100.${String(i)}` }));
    for (const socket of opened) expect(await outcome(socket)).toBe("connected");
    expect(limits.sizes().openSockets).toBe(20);
    for (const socket of opened) socket.close();
    await expect.poll(() => limits.sizes().openSockets).toBe(0);
  });
});
