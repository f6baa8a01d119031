/**
 * Mermaid diagrams drawn ahead of time. `npm run diagrams` (scripts/render-diagrams.ts) draws every
 * diagram of the content in Chromium, once per theme, and keeps the SVGs in public/diagrams/
 * (served as they are), named after a hash of the diagram's source. The build (remark-mermaid.ts)
 * shows them as images, so a lesson shows its diagrams without JavaScript and without downloading
 * Mermaid (about 2 MB of scripts and half a second of a laptop's main thread per page). A diagram
 * with no drawing fails the build (remark-mermaid.ts).
 *
 * Images rather than inline SVG: Mermaid scopes its CSS in a <style> element, which the MDX
 * pipeline does not carry through inside an <svg>, and an image keeps that CSS to itself.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";

export const THEMES = ["light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

/** Mermaid's name for each of the site's themes. */
export const MERMAID_THEME: Record<Theme, "default" | "dark"> = { light: "default", dark: "dark" };

export const CONTENT_DIR = new URL("../../content/", import.meta.url);
export const DIAGRAM_DIR = new URL("../../public/diagrams/", import.meta.url);
/** Where the site serves DIAGRAM_DIR. */
export const DIAGRAM_URL_PATH = "/diagrams/";

/** The file name stem of a diagram: a hash of its exact source, so any edit needs a new drawing. */
export function diagramKey(source: string): string {
  return createHash("sha256").update(source).digest("hex").slice(0, 16);
}

/** The element id Mermaid gives the drawing (its CSS is scoped to it, so ids must not repeat on a page). */
export function diagramId(key: string, theme: Theme): string {
  return `diagram-${key}-${theme}`;
}

export function diagramFile(key: string, theme: Theme, dir: URL = DIAGRAM_DIR): URL {
  return new URL(`${key}.${theme}.svg`, dir);
}

export interface Drawing {
  /** Where the site serves it. */
  src: string;
  width: number;
  height: number;
}

/** The drawings of a diagram in both themes, or undefined if either is missing. */
export function readDrawings(source: string, dir: URL = DIAGRAM_DIR): Record<Theme, Drawing> | undefined {
  const key = diagramKey(source);
  const drawings: Partial<Record<Theme, Drawing>> = {};
  for (const theme of THEMES) {
    const file = diagramFile(key, theme, dir);
    if (!existsSync(file)) return undefined;
    const root = /<svg\b[^>]*>/u.exec(readFileSync(file, "utf8"))?.[0] ?? "";
    const width = Number(/\swidth="([\d.]+)"/u.exec(root)?.[1]);
    const height = Number(/\sheight="([\d.]+)"/u.exec(root)?.[1]);
    if (!(width > 0 && height > 0)) throw new Error(`${file.pathname}: the drawing has no width and height in pixels; run npm run diagrams -- --all`);
    drawings[theme] = { src: `${DIAGRAM_URL_PATH}${key}.${theme}.svg`, width: Math.ceil(width), height: Math.ceil(height) };
  }
  return drawings as Record<Theme, Drawing>;
}
