/**
 * Astro's HTML compression drops the line break between a line of text and an inline element
 * that starts the next line: `such as⏎<code>x</code>` is built as `such as<code>x</code>`, and the
 * reader sees two words run together. In the components this is written `such as⏎{" "}<code>`, or
 * on one line. This test finds the pattern in every .astro file (the built HTML no longer shows
 * where a line ended).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../../src/", import.meta.url).pathname;

function astroFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? astroFiles(join(dir, entry.name)) : entry.name.endsWith(".astro") ? [join(dir, entry.name)] : [],
  );
}

const INLINE = /^<(?:a|abbr|b|code|em|i|kbd|span|strong)\b/u;

/** Lines that end in text (not a tag, not a brace) followed by a line that starts with an inline element. */
function runTogether(source: string): number[] {
  const lines = source.split("\n");
  const found: number[] = [];
  let inScript = false;
  lines.forEach((line, i) => {
    if (/<(?:script|style)\b/u.test(line)) inScript = true;
    if (/<\/(?:script|style)>/u.test(line)) inScript = false;
    const next = lines[i + 1]?.trimStart() ?? "";
    if (!inScript && /[\p{L}\p{N},;:.'’)]$/u.test(line.trimEnd()) && !/^\s*(?:\/\/|\*|---)/u.test(line) && INLINE.test(next)) found.push(i + 1);
  });
  return found;
}

describe("Astro components keep the space before an inline element on the next line", () => {
  it("finds the pattern it looks for", () => {
    expect(runTogether("<p>\n  placeholder such as\n  <code>x</code>\n</p>")).toEqual([2]);
    expect(runTogether('<p>\n  placeholder such as\n  {" "}<code>x</code>\n</p>')).toEqual([]);
    expect(runTogether("<p>\n  <a href='/'>x</a>\n  <code>y</code>\n</p>")).toEqual([]);
  });

  it.each(astroFiles(root).map((file) => [relative(root, file), file]))("%s", (_name, file) => {
    expect(runTogether(readFileSync(file, "utf8"))).toEqual([]);
  });
});
