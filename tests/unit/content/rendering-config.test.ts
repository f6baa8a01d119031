/**
 * Lessons live in ./content/lessons, outside Starlight's default docs directory. Starlight applies
 * its Markdown plugins (`:::note[...]` asides, heading anchor links) only to files under the docs
 * collection path or a directory listed in `markdown.processedDirs`; without it every
 * ":::note[Simplification]" renders as a bare paragraph instead of an aside.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./content-files.ts";

describe("Starlight processes the lesson directory", () => {
  it("lists ./content/lessons in starlight({ markdown: { processedDirs } }) in astro.config.mjs", () => {
    const config = readFileSync(join(ROOT, "astro.config.mjs"), "utf8");
    expect(config).toMatch(/processedDirs\s*:\s*\[[^\]]*["'](\.\/)?content\/lessons\/?["']/u);
  });
});
