/**
 * Astro integration for `npm run dev`: attaches the signaling server, the HTTP API and the
 * built-in STUN/TURN server to Astro's dev server, so lessons and demos reload live while the
 * real-time parts keep running.
 */
import type { AstroIntegration } from "astro";
import type { Server as HttpServer, IncomingMessage, ServerResponse } from "node:http";

export function devRealtime(): AstroIntegration {
  return {
    name: "webrtc-nat:dev-realtime",
    hooks: {
      "astro:config:setup": ({ command, updateConfig, logger }) => {
        if (command !== "dev") return;
        updateConfig({
          vite: {
            plugins: [
              {
                name: "webrtc-nat:dev-realtime",
                enforce: "post",
                configureServer(server) {
                  const httpServer = server.httpServer as HttpServer | null;
                  if (!httpServer) return;
                  // Imported here so `astro build` never loads server code.
                  const ready = import("../../server/dev.ts").then(({ startDevRealtime }) =>
                    startDevRealtime(httpServer, (line) => logger.info(line)),
                  );
                  httpServer.once("close", () => void ready.then((dev) => dev.stop()));
                  // Astro puts its dev middleware (trailing-slash check, routing) at the front of
                  // the stack in a post hook; ours goes in front of that in a later post hook
                  // (enforce: "post"), or /api/ice-config would get Astro's 404.
                  return () => {
                    server.middlewares.stack.unshift({
                      route: "",
                      handle: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
                        ready.then((dev) => (dev.handle(req, res) ? undefined : next())).catch(next);
                      },
                    });
                  };
                },
              },
            ],
          },
        });
      },
    },
  };
}
