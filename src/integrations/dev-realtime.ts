/**
 * Astro integration for `npm run dev`: attaches the signaling server, the HTTP API and the
 * built-in STUN/TURN server to Astro's dev server, so lessons and demos reload live while the
 * real-time parts keep running.
 */
import type { AstroIntegration } from "astro";
import type { Server as HttpServer } from "node:http";

export function devRealtime(): AstroIntegration {
  return {
    name: "webrtc-nat:dev-realtime",
    hooks: {
      "astro:server:setup": async ({ server, logger }) => {
        const httpServer = server.httpServer as HttpServer | null;
        if (!httpServer) return;
        // Imported here so `astro build` never loads server code.
        const { startDevRealtime } = await import("../../server/dev.ts");
        const stop = await startDevRealtime(httpServer, server.middlewares, (line) => logger.info(line));
        httpServer.once("close", () => void stop());
      },
    },
  };
}
