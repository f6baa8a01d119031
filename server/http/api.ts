/**
 * The site's small HTTP API: /api/ice-config (this page's ICE servers) and /api/health.
 * Used by the production server and, through Vite's middleware, by `npm run dev`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Verdict } from "../client-limits/limits.ts";
import type { TooManyRequestsBody } from "../../src/shared/client-limits.ts";

export interface ApiDeps {
  iceConfig: (requestHost: string | undefined) => unknown;
  /** True when a request's Origin header (if any) belongs to the site. */
  originAllowed: (origin: string | undefined) => boolean;
  /** Takes one request from the budget of the client behind `req` (server/client-limits/). */
  limitIceConfig: (req: IncomingMessage) => Verdict;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(JSON.stringify(body));
}

/** Returns true when it handled the request. */
export function handleApi(req: IncomingMessage, res: ServerResponse, deps: ApiDeps): boolean {
  const path = (req.url ?? "/").split("?")[0];
  if (path === "/api/health") {
    sendJson(res, 200, { ok: true });
    return true;
  }
  if (path === "/api/ice-config") {
    if (req.method !== "GET") {
      res.setHeader("Allow", "GET");
      sendJson(res, 405, { ok: false, error: "Use GET" });
    } else if (!deps.originAllowed(req.headers.origin)) {
      // Browsers send Origin on cross-origin fetches; refuse other sites handing out our TURN credentials.
      sendJson(res, 403, { ok: false, error: "Origin not allowed" });
    } else {
      const verdict = deps.limitIceConfig(req);
      if (verdict.ok) {
        sendJson(res, 200, deps.iceConfig(req.headers.host));
      } else {
        // 429 Too Many Requests with Retry-After (RFC 6585 §4), and the reader's message in the body.
        const { code, message, retryAfterSeconds } = verdict.refusal;
        res.setHeader("Retry-After", String(retryAfterSeconds));
        const body: TooManyRequestsBody = { ok: false, error: message, code, retryAfterSeconds };
        sendJson(res, 429, body);
      }
    }
    return true;
  }
  if (path?.startsWith("/api/")) {
    sendJson(res, 404, { ok: false, error: "Unknown API path" });
    return true;
  }
  return false;
}
