/**
 * Serves the built site (dist/) with the security headers. Files are served by sirv; this module
 * adds the per-page Content-Security-Policy (with the hashes of that page's inline scripts), the
 * 404 page, and cache rules (hashed assets are immutable, HTML is revalidated).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join, relative, sep } from "node:path";
import sirv from "sirv";
import { baseSecurityHeaders, contentSecurityPolicy, inlineScriptHashes } from "./security-headers.ts";

export class MissingBuildError extends Error {
  override name = "MissingBuildError";
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".html"))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** URL path of an HTML file as sirv serves it: /x/index.html → /x/, /404.html → /404.html. */
function urlPathOf(root: string, file: string): string {
  const path = `/${relative(root, file).split(sep).join("/")}`;
  return path.endsWith("/index.html") ? path.slice(0, -"index.html".length) : path;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export function applySecurityHeaders(res: ServerResponse, csp = contentSecurityPolicy()): void {
  for (const [name, value] of Object.entries(baseSecurityHeaders)) res.setHeader(name, value);
  res.setHeader("Content-Security-Policy", csp);
}

export function createStaticSite(distDir: string): RequestHandler {
  if (!existsSync(join(distDir, "index.html"))) {
    throw new MissingBuildError(`The site is not built (no ${join(distDir, "index.html")}); run "npm start" or "npm run build" first`);
  }
  const policies = new Map<string, string>();
  for (const file of htmlFiles(distDir)) {
    policies.set(urlPathOf(distDir, file), contentSecurityPolicy(inlineScriptHashes(readFileSync(file, "utf8"))));
  }
  const notFoundFile = join(distDir, "404.html");
  const notFoundPage = existsSync(notFoundFile) ? readFileSync(notFoundFile) : Buffer.from("Not found\n");
  const notFoundPolicy = policies.get("/404.html") ?? contentSecurityPolicy();
  const defaultPolicy = contentSecurityPolicy();

  const files = sirv(distDir, {
    dev: false,
    etag: true,
    dotfiles: false,
    setHeaders(res, pathname) {
      const page = pathname.endsWith("/index.html") ? pathname.slice(0, -"index.html".length) : pathname;
      applySecurityHeaders(res, policies.get(page) ?? defaultPolicy);
      res.setHeader(
        "Cache-Control",
        pathname.startsWith("/_astro/") ? "public, max-age=31536000, immutable" : "no-cache",
      );
    },
  });

  /** The policy for a request path, as sirv would resolve it (/x → /x/index.html → key "/x/"). */
  const policyFor = (url: string | undefined): string => {
    let path = (url ?? "/").split("?")[0] ?? "/";
    try {
      path = decodeURIComponent(path);
    } catch {
      return defaultPolicy;
    }
    return policies.get(path) ?? policies.get(`${path}/`) ?? defaultPolicy;
  };

  return (req, res, next) => {
    // Set the page's own policy before sirv answers: a 304 Not Modified skips setHeaders, and a
    // browser revalidating a cached page applies the policy of the 304 to the cached document.
    applySecurityHeaders(res, policyFor(req.url));
    // sirv pipes a read stream into the response without an error handler; if a file vanishes or
    // cannot be read mid-request, end this response instead of crashing the process.
    res.once("pipe", (source) => {
      source.once("error", () => {
        if (!res.headersSent) res.statusCode = 500;
        res.destroy();
      });
    });
    files(req, res, () => {
      if (req.method !== "GET" && req.method !== "HEAD") return next();
      applySecurityHeaders(res, notFoundPolicy);
      res.statusCode = 404;
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      res.setHeader("Cache-Control", "no-cache");
      res.end(req.method === "HEAD" ? undefined : notFoundPage);
    });
  };
}
