/**
 * Draws every Mermaid diagram in content/ as SVG, in the light and the dark theme, with the Mermaid
 * this project depends on, in Chromium; writes them to public/diagrams/ (see
 * src/integrations/diagram-store.ts) and removes drawings no diagram uses any more.
 *
 *   npm run diagrams            draw the diagrams that have no drawing yet
 *   npm run diagrams -- --all   draw them all again (e.g. after upgrading Mermaid)
 *
 * Run it after adding or changing a diagram and commit the SVGs; a unit test fails while a
 * diagram has no drawing. Needs Chromium (see tests/e2e/support/browser.ts), not the network.
 */
import { readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Mermaid } from "mermaid";
import { launchChromium } from "../tests/e2e/support/browser.ts";
import { contentDiagrams } from "../src/integrations/diagram-sources.ts";
import { diagramFile, diagramId, diagramKey, DIAGRAM_DIR, MERMAID_THEME, readDrawings, THEMES } from "../src/integrations/diagram-store.ts";

const redrawAll = process.argv.includes("--all");
const mermaidScript = fileURLToPath(import.meta.resolve("mermaid/dist/mermaid.min.js"));

const diagrams = contentDiagrams();
const keys = new Set(diagrams.map((d) => diagramKey(d.source)));
const todo = [...new Map(diagrams.map((d) => [diagramKey(d.source), d])).values()].filter((d) => redrawAll || !readDrawings(d.source));

mkdirSync(DIAGRAM_DIR, { recursive: true });
let removed = 0;
for (const name of readdirSync(DIAGRAM_DIR)) {
  const key = /^([0-9a-f]{16})\.(light|dark)\.svg$/u.exec(name)?.[1];
  if (key !== undefined && keys.has(key)) continue;
  rmSync(new URL(name, DIAGRAM_DIR));
  removed += 1;
}

if (todo.length > 0) {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent("<!doctype html><html><head><meta charset='utf-8'></head><body></body></html>");
    await page.addScriptTag({ path: mermaidScript });
    for (const { file, source } of todo) {
      const key = diagramKey(source);
      for (const theme of THEMES) {
        const result = await page.evaluate(
          async ({ id, source, mermaidTheme }) => {
            const { mermaid } = window as unknown as { mermaid: Mermaid };
            mermaid.initialize({ startOnLoad: false, theme: mermaidTheme, securityLevel: "strict" });
            try {
              const { svg } = await mermaid.render(id, source);
              // Shown as an image, the drawing must be well-formed XML (the HTML labels inside
              // <foreignObject> may not be) and needs its size in pixels (Mermaid gives it
              // width="100%" and a max-width for inline use).
              const holder = document.createElement("div");
              holder.innerHTML = svg;
              const root = holder.querySelector("svg");
              if (!root) return { error: "Mermaid returned no <svg>" };
              const box = root.viewBox.baseVal;
              root.setAttribute("width", String(Math.ceil(box.width)));
              root.setAttribute("height", String(Math.ceil(box.height)));
              root.style.removeProperty("max-width");
              if (root.getAttribute("style") === "") root.removeAttribute("style");
              return { svg: new XMLSerializer().serializeToString(root) };
            } catch (error) {
              return { error: error instanceof Error ? error.message : String(error) };
            }
          },
          { id: diagramId(key, theme), source, mermaidTheme: MERMAID_THEME[theme] },
        );
        if (result.error !== undefined || result.svg === undefined) throw new Error(`${file}: a diagram could not be drawn (${theme}): ${result.error ?? "no SVG"}`);
        writeFileSync(diagramFile(key, theme), `${result.svg}\n`);
      }
      console.log(`drew ${key} (${file})`);
    }
  } finally {
    await browser.close();
  }
}
console.log(`${String(keys.size)} diagrams: ${String(todo.length)} drawn, ${String(keys.size - todo.length)} already drawn, ${String(removed)} unused drawings removed.`);
