import { request } from "node:http";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { iceConfigSchema } from "../../../src/shared/ice-config.ts";
import { MAX_SIGNALING_MESSAGE_BYTES } from "../../../server/realtime.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe("static site", () => {
  it("serves the home page with the security headers", async () => {
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')+/u);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("permissions-policy")).toContain("camera=(self)");
    expect(response.headers.get("permissions-policy")).toContain("microphone=(self)");
  });

  it("allows each inline script of a page by its hash", async () => {
    const response = await fetch(server.url);
    const html = await response.text();
    const csp = response.headers.get("content-security-policy") ?? "";
    const { createHash } = await import("node:crypto");
    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gu)].filter((m) => !/\bsrc=/u.test(m[1] ?? ""));
    expect(inline.length).toBeGreaterThan(0);
    for (const match of inline) {
      const hash = createHash("sha256").update(match[2] ?? "").digest("base64");
      expect(csp).toContain(`'sha256-${hash}'`);
    }
  });

  it("answers unknown paths with the 404 page, status 404 and the same headers", async () => {
    const response = await fetch(`${server.origin}/no/such/page/`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("404");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
  });

  it("refuses path traversal", async () => {
    const response = await fetch(`${server.origin}/..%2f..%2fpackage.json`);
    expect(response.status).toBe(404);
  });
});

describe("ICE config API", () => {
  it("hands out this server's STUN/TURN URLs with short-lived credentials, never the secret", async () => {
    const response = await fetch(`${server.origin}/api/ice-config`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    expect(text).not.toContain(server.config.turn.secret);
    const config = iceConfigSchema.parse(JSON.parse(text));
    const [mainPort, altPort] = server.turnPorts;
    expect(config.iceServers).toEqual([
      { urls: [`stun:127.0.0.1:${mainPort}`] },
      // TURN over UDP, and over TCP on the same port number (RFC 8656 §3.1; TURN_TCP defaults to on).
      expect.objectContaining({ urls: [`turn:127.0.0.1:${mainPort}?transport=udp`, `turn:127.0.0.1:${mainPort}?transport=tcp`] }),
    ]);
    expect(server.turnTcpPort).toBe(mainPort);
    const turn = config.iceServers[1];
    expect(turn?.username).toMatch(new RegExp(`^\\d+:${config.sessionId}$`, "u"));
    const expiry = Number(turn?.username?.split(":")[0]);
    expect(expiry).toBe(config.expiresAt);
    expect(expiry - Date.now() / 1000).toBeLessThanOrEqual(server.config.turn.credentialTtlSeconds + 1);
    expect(config.mappingServers.map((s) => s.urls[0])).toEqual([`stun:127.0.0.1:${mainPort}`, `stun:127.0.0.1:${altPort}`]);
  });

  it("gives each page its own session", async () => {
    const a = iceConfigSchema.parse(await (await fetch(`${server.origin}/api/ice-config`)).json());
    const b = iceConfigSchema.parse(await (await fetch(`${server.origin}/api/ice-config`)).json());
    expect(a.sessionId).not.toBe(b.sessionId);
  });

  it("refuses other sites", async () => {
    const response = await fetch(`${server.origin}/api/ice-config`, { headers: { origin: "https://evil.example" } });
    expect(response.status).toBe(403);
  });

  it("answers unknown API paths and methods with JSON errors", async () => {
    expect((await fetch(`${server.origin}/api/nope`)).status).toBe(404);
    expect((await fetch(`${server.origin}/api/ice-config`, { method: "POST" })).status).toBe(405);
  });
});

describe("socket.io endpoint", () => {
  function open(origin: string): Socket {
    return connect(server.origin, { transports: ["websocket"], extraHeaders: { origin }, reconnection: false, forceNew: true });
  }

  it("accepts the site's own origin", async () => {
    const socket = open(server.origin);
    await new Promise<void>((resolve, reject) => {
      socket.on("connect", resolve);
      socket.on("connect_error", reject);
    });
    socket.close();
  });

  it("refuses a WebSocket from another origin (CORS does not cover WebSockets)", async () => {
    const socket = open("https://evil.example");
    const error = await new Promise<Error>((resolve) => socket.on("connect_error", resolve));
    expect(error.message).toMatch(/websocket error|xhr poll error|Origin/iu);
    expect(socket.connected).toBe(false);
    socket.close();
  });

  it("names the host the page asked for in a socket's ICE servers, as /api/ice-config does (HOST=0.0.0.0)", async () => {
    // Bound to every interface, the STUN/TURN host is the name the browser used: a phone on the LAN
    // must not be handed 127.0.0.1. socket.io's handshake headers are dropped to save memory, so the
    // server must keep the Host itself.
    const everywhere = await startTestServer({ HOST: "0.0.0.0", TURN_RELAY_ADDRESS: "127.0.0.1", TURN_TCP: "false" });
    const origin = `http://127.0.0.2:${String(everywhere.port)}`;
    const socket: Socket = connect(origin, { transports: ["websocket"], reconnection: false, forceNew: true });
    try {
      const viaApi = iceConfigSchema.parse(await (await fetch(`${origin}/api/ice-config`)).json());
      await new Promise<void>((resolve, reject) => {
        socket.on("connect", resolve);
        socket.on("connect_error", reject);
      });
      const viaSocket = (await socket.timeout(5000).emitWithAck("ice:config")) as { ok: true; config: unknown };
      const config = iceConfigSchema.parse(viaSocket.config);
      expect(viaApi.iceServers[0]?.urls).toEqual([`stun:127.0.0.2:${String(everywhere.turnPorts[0])}`]);
      expect(config.iceServers[0]?.urls).toEqual(viaApi.iceServers[0]?.urls);
    } finally {
      socket.close();
      await everywhere.close();
    }
  });

  it("limits messages to signaling size, not socket.io's 1 MB default", () => {
    expect(MAX_SIGNALING_MESSAGE_BYTES).toBeLessThanOrEqual(64 * 1024);
    expect((server.app.realtime.io.engine as unknown as { opts: { maxHttpBufferSize: number } }).opts.maxHttpBufferSize).toBe(MAX_SIGNALING_MESSAGE_BYTES);
  });
});

describe("conditional requests", () => {
  it("sends the page's own CSP (with its script hashes) on 304 Not Modified too", async () => {
    const first = await fetch(`${server.origin}/lessons/ice/`);
    const etag = first.headers.get("etag");
    expect(etag).toBeTruthy();
    const csp = first.headers.get("content-security-policy");
    await first.arrayBuffer();
    const again = await fetch(`${server.origin}/lessons/ice/`, { headers: { "if-none-match": etag ?? "" } });
    expect(again.status).toBe(304);
    expect(again.headers.get("content-security-policy")).toBe(csp);
  });
});

describe("host names (DNS rebinding)", () => {
  /** A GET with a chosen Host header (fetch() does not let a caller set Host). */
  function getWithHost(path: string, host: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: server.port, path, headers: { host } }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it("answers IP literals and localhost, and refuses a name it does not know with 421", async () => {
    for (const host of [`127.0.0.1:${String(server.port)}`, `localhost:${String(server.port)}`, "192.0.2.7:4321", "[::1]:4321", "app.localhost", "laptop.local:4321", hostname()]) {
      expect((await getWithHost("/api/ice-config", host)).status, host).toBe(200);
    }
    const refused = await getWithHost("/api/ice-config", "rebind.example:4321");
    expect(refused.status).toBe(421);
    expect(refused.body).toMatch(/PUBLIC_URL or ALLOWED_ORIGINS/u);
    expect(refused.body).not.toContain("credential");
    expect((await getWithHost("/", "rebind.example")).status).toBe(421);
  });

  it("answers the host names of PUBLIC_URL and ALLOWED_ORIGINS", async () => {
    const named = await startTestServer({ PUBLIC_URL: "https://learn.example.org", ALLOWED_ORIGINS: "https://mirror.example.net:8443" });
    try {
      for (const [host, status] of [["learn.example.org", 200], ["mirror.example.net:8443", 200], ["LEARN.example.org.", 200], ["other.example.org", 421]] as const) {
        const response = await new Promise<number>((resolve, reject) => {
          request({ host: "127.0.0.1", port: named.port, path: "/api/health", headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
            .on("error", reject)
            .end();
        });
        expect(response, host).toBe(status);
      }
    } finally {
      await named.close();
    }
  });

  it("takes a socket.io connection from a page served under a name it answers to (a phone at laptop.local)", async () => {
    const at = `laptop.local:${String(server.port)}`;
    const ok = connect(server.origin, { transports: ["websocket"], extraHeaders: { host: at, origin: `http://${at}` }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      ok.on("connect", resolve);
      ok.on("connect_error", reject);
    });
    ok.close();
    const foreign = connect(server.origin, { transports: ["websocket"], extraHeaders: { host: at, origin: "https://evil.example" }, reconnection: false, forceNew: true });
    await new Promise<Error>((resolve) => foreign.on("connect_error", resolve));
    expect(foreign.connected).toBe(false);
    foreign.close();
  });

  it("refuses a socket.io connection for an unknown host name", async () => {
    const socket = connect(server.origin, { transports: ["websocket"], extraHeaders: { host: "rebind.example" }, reconnection: false, forceNew: true });
    const error = await new Promise<Error>((resolve) => socket.on("connect_error", resolve));
    expect(socket.connected).toBe(false);
    expect(error.message).toMatch(/websocket error|host/iu);
    socket.close();
  });
});
