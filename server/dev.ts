/**
 * `npm run dev`: the real-time parts of the app attached to Astro's dev server (Vite's HTTP server
 * and its connect middleware stack) instead of our production HTTP server.
 */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig, siteOrigins } from "./config.ts";
import { handleApi } from "./http/api.ts";
import { createRealtime } from "./realtime.ts";
import { mintTurnCredentials } from "./turn/credentials.ts";

interface Middlewares {
  use(handler: (req: IncomingMessage, res: ServerResponse, next: () => void) => void): unknown;
}

export async function startDevRealtime(httpServer: HttpServer, middlewares: Middlewares, log: (line: string) => void): Promise<() => Promise<void>> {
  const config = loadConfig(process.env);
  const port = () => (httpServer.address() as AddressInfo | null)?.port ?? config.port;
  const realtime = createRealtime(httpServer, config, { origins: () => siteOrigins(config, port()), log, mint: mintTurnCredentials });
  middlewares.use((req, res, next) => {
    if (!handleApi(req, res, { iceConfig: realtime.iceConfig, originAllowed: realtime.originAllowed })) next();
  });
  await realtime.listen();
  return () => realtime.close();
}
