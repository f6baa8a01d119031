/**
 * Finds the Mermaid diagrams of the content, as the build's Markdown parser sees them (for
 * scripts/render-diagrams.ts and the test that every diagram has its drawings).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Code, Root } from "mdast";
import remarkMdx from "remark-mdx";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { CONTENT_DIR } from "./diagram-store.ts";

/** The Mermaid sources of a Markdown or MDX document, as the build's Markdown parser sees them. */
export function mermaidSources(text: string, mdx: boolean): string[] {
  const processor = mdx ? unified().use(remarkParse).use(remarkMdx) : unified().use(remarkParse);
  // Astro takes the frontmatter off before Markdown sees the document.
  const tree = processor.parse(text.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/u, "")) as Root;
  const sources: string[] = [];
  const walk = (node: { type: string; children?: unknown[] }): void => {
    if (node.type === "code" && (node as Code).lang === "mermaid") sources.push((node as Code).value);
    for (const child of node.children ?? []) walk(child as { type: string; children?: unknown[] });
  };
  walk(tree);
  return sources;
}

/**
 * Every Mermaid source in the content directory's Markdown and MDX files, with the file it is in
 * (as a path from the project root, e.g. content/lessons/nat.mdx).
 */
export function contentDiagrams(dir: URL = CONTENT_DIR): { file: string; source: string }[] {
  const found: { file: string; source: string }[] = [];
  const projectRoot = fileURLToPath(new URL("..", dir));
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.mdx?$/u.test(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    const file = relative(projectRoot, path);
    for (const source of mermaidSources(readFileSync(path, "utf8"), entry.name.endsWith(".mdx"))) found.push({ file, source });
  }
  return found;
}
