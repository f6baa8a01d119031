import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, inlineScriptHashes } from "../../../server/http/security-headers.ts";

const sha = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

describe("inlineScriptHashes", () => {
  it("hashes inline scripts exactly as written and ignores external ones", () => {
    const html = `<script>a()</script><script type="module" src="/x.js"></script><script type="module">\n b() </script>`;
    expect(inlineScriptHashes(html)).toEqual([sha("a()"), sha("\n b() ")].sort());
  });
});

describe("contentSecurityPolicy", () => {
  it("names no third-party origin and no unsafe-inline script", () => {
    const csp = contentSecurityPolicy(["'sha256-abc'"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-abc'/u);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/u);
    expect(csp).not.toMatch(/https?:|\*/u);
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
