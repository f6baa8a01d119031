/**
 * Every Mermaid diagram in the content has its drawings (public/diagrams/, made by `npm run
 * diagrams`): one per theme, current with the diagram's source, usable as an image, and nothing
 * left over from diagrams that changed or went away.
 */
import { readFileSync, readdirSync } from "node:fs";
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { contentDiagrams } from "../../../src/integrations/diagram-sources.ts";
import { diagramText } from "../../../src/integrations/remark-mermaid.ts";
import { diagramFile, diagramId, diagramKey, DIAGRAM_DIR, readDrawings, THEMES } from "../../../src/integrations/diagram-store.ts";

const diagrams = contentDiagrams();

describe("lesson diagrams", () => {
  it("are found in the content (the lessons have diagrams)", () => {
    expect(diagrams.length).toBeGreaterThan(0);
  });

  it("each have a drawing in both themes for their current source (else run `npm run diagrams`)", () => {
    const undrawn = diagrams.filter((d) => !readDrawings(d.source)).map((d) => `${d.file}: ${d.source.split("\n")[0] ?? ""}…`);
    expect(undrawn).toEqual([]);
  });

  it("leave no drawings behind that no diagram uses (`npm run diagrams` removes them)", () => {
    const used = new Set(diagrams.flatMap((d) => THEMES.map((theme) => `${diagramKey(d.source)}.${theme}.svg`)));
    expect(readdirSync(DIAGRAM_DIR).filter((name) => !used.has(name))).toEqual([]);
  });
});

describe.each(diagrams.map((d) => ({ ...d, key: diagramKey(d.source), where: d.file })))("the diagram $key in $where", ({ source, key }) => {
  it.each(THEMES)("has a %s drawing that is well-formed SVG with a size, its own id and the diagram's title", (theme) => {
    const text = readFileSync(diagramFile(key, theme), "utf8");
    const doc = new JSDOM(text, { contentType: "image/svg+xml" }).window.document;
    expect(doc.querySelector("parsererror")).toBeNull();
    const svg = doc.documentElement;
    expect(svg.tagName).toBe("svg");
    expect(svg.getAttribute("id")).toBe(diagramId(key, theme));
    expect(Number(svg.getAttribute("width"))).toBeGreaterThan(0);
    expect(Number(svg.getAttribute("height"))).toBeGreaterThan(0);
    const { title } = diagramText(source);
    expect(title, "every lesson diagram has an accTitle").toBeDefined();
    expect(svg.querySelector("title")?.textContent).toBe(title);
    // Nothing a browser would fetch or run from inside an image.
    expect(text).not.toMatch(/<script|\bhref="(?!#)|\bxlink:href="(?!#)|@import|url\((?!#)/iu);
  });
});
