/**
 * Security headers sent with every response. The site loads nothing from another origin, so the
 * Content-Security-Policy names only 'self'. Inline scripts that Astro and Starlight put in pages
 * (the theme switch must run before first paint) are allowed by their SHA-256 hashes, computed
 * from the built HTML at start-up (see inlineScriptHashes), never by 'unsafe-inline'.
 */
import { createHash } from "node:crypto";

/** Hashes (CSP source expressions) of the inline <script> elements of one HTML document. */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/giu)) {
    const attributes = match[1] ?? "";
    if (/\bsrc\s*=/iu.test(attributes)) continue;
    const body = match[2] ?? "";
    hashes.add(`'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`);
  }
  return [...hashes].sort();
}

export function contentSecurityPolicy(scriptHashes: readonly string[] = []): string {
  return [
    "default-src 'self'",
    // 'wasm-unsafe-eval' lets the offline search index (Pagefind, WebAssembly) run; it does not
    // allow eval() of JavaScript.
    ["script-src 'self' 'wasm-unsafe-eval'", ...scriptHashes].join(" "),
    // Starlight and Mermaid's SVG output use inline style attributes and <style> elements.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "media-src 'self' blob: mediastream:",
    // 'self' covers same-origin ws:/wss: for the signaling WebSocket (CSP Level 3).
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers every response carries, whatever it is. */
export const baseSecurityHeaders: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  // Camera and microphone for this site only (the two-tab demo's optional video); nothing else.
  "Permissions-Policy":
    "camera=(self), microphone=(self), display-capture=(), geolocation=(), payment=(), usb=(), serial=()",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Frame-Options": "DENY",
};
