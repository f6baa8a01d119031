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

export interface DevRealtime {
  /** Answers /api/* requests; returns false for anything else. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  stop(): Promise<void>;
}

export async function startDevRealtime(httpServer: HttpServer, log: (line: string) => void): Promise<DevRealtime> {
  const config = loadConfig(process.env);
  const port = () => (httpServer.address() as AddressInfo | null)?.port ?? config.port;
  const realtime = createRealtime(httpServer, config, { origins: () => siteOrigins(config, port()), log, mint: mintTurnCredentials });
  await realtime.listen();
  return {
    handle: (req, res) => handleApi(req, res, { iceConfig: realtime.iceConfig, originAllowed: realtime.originAllowed, limitIceConfig: realtime.limitIceConfig }),
    stop: () => realtime.close(),
  };
}
