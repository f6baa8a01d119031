/**
 * The application factory: builds the whole process (static site, HTTP API, socket.io signaling,
 * built-in STUN/TURN) from a config object and its dependencies. Nothing listens until listen()
 * is called, by server/index.ts or by a test (on port 0).
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { networkInterfaces } from "node:os";
import { fileURLToPath } from "node:url";
import { siteOrigins, type Config } from "./config.ts";
import { allowedHostNames, hostAllowed, MISDIRECTED_MESSAGE } from "./http/host-check.ts";
import { handleApi } from "./http/api.ts";
import { applySecurityHeaders, createStaticSite, type RequestHandler } from "./http/static-site.ts";
import { createRealtime, type Realtime, type RealtimeDeps } from "./realtime.ts";
import { mintTurnCredentials } from "./turn/credentials.ts";

export interface AppDeps extends Partial<RealtimeDeps> {
  /** Directory of the built site. Defaults to ./dist next to the project root. */
  distDir?: string;
}

export interface App {
  readonly httpServer: HttpServer;
  readonly realtime: Realtime;
  /** Starts the HTTP server and the UDP listeners. Resolves with the URL to open. */
  listen(): Promise<{ url: string; port: number; turnPorts: readonly number[]; turnTcpPort: number | undefined }>;
  /** Stops accepting, closes every open socket and UDP listener. */
  close(): Promise<void>;
}

/** How long close() lets WebSockets say goodbye before it ends every connection still open. */
const CLOSE_GRACE_MS = 2000;

function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((info) => info !== undefined)
    .map((info) => info.address);
}

export function createApp(config: Config, deps: AppDeps = {}): App {
  const distDir = deps.distDir ?? fileURLToPath(new URL("../dist/", import.meta.url));
  const site: RequestHandler = createStaticSite(distDir);
  let listeningPort = config.port;
  const origins = (): string[] => siteOrigins(config, listeningPort, interfaceAddresses());

  const httpServer = createServer();
  /** Every open connection, WebSockets included (closeAllConnections ends plain HTTP ones only). */
  const sockets = new Set<Socket>();
  httpServer.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const realtime = createRealtime(httpServer, config, { origins, mint: mintTurnCredentials, ...deps });

  const hostNames = allowedHostNames(config);
  httpServer.on("request", (req, res) => {
    // socket.io answers its own path (/socket.io/) through its own listener.
    if (req.url?.startsWith("/socket.io/")) return;
    applySecurityHeaders(res);
    if (!hostAllowed(req.headers.host, hostNames)) {
      res.writeHead(421, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
      res.end(MISDIRECTED_MESSAGE);
      return;
    }
    if (handleApi(req, res, { iceConfig: realtime.iceConfig, originAllowed: realtime.originAllowed, limitIceConfig: realtime.limitIceConfig })) return;
    site(req, res, () => {
      res.statusCode = 405;
      res.setHeader("Allow", "GET, HEAD");
      res.end();
    });
  });

  return {
    httpServer,
    realtime,
    async listen() {
      // The real-time side first: with REDIS_URL, socket.io must have its Redis adapter before the
      // first browser connects, or that browser could not be reached from other processes.
      await realtime.listen();
      try {
        await new Promise<void>((resolve, reject) => {
          httpServer.once("error", reject);
          httpServer.listen(config.port, config.host, () => {
            httpServer.off("error", reject);
            resolve();
          });
        });
      } catch (error) {
        await realtime.close();
        throw error;
      }
      listeningPort = (httpServer.address() as AddressInfo).port;
      const shownHost = config.host === "0.0.0.0" || config.host === "::" || config.host === "127.0.0.1" ? "localhost" : config.host;
      return { url: `http://${shownHost}:${listeningPort}/`, port: listeningPort, turnPorts: realtime.turnPorts(), turnTcpPort: realtime.turnTcpPort() };
    },
    async close() {
      // socket.io's close() (in realtime.close) waits for the HTTP server to close, and so for
      // every connection to end. A browser reconnecting at that moment (a request half sent, a
      // WebSocket upgrade under way) held that for over a minute. So: stop accepting, end the HTTP
      // connections now (WebSockets are ended by socket.io itself), and end whatever is still open
      // after a short grace.
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeAllConnections();
      const force = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, CLOSE_GRACE_MS);
      try {
        await realtime.close();
        await closed;
      } finally {
        clearTimeout(force);
      }
    },
  };
}
