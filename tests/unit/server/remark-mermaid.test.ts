import { describe, expect, it } from "vitest";
import { toHtml } from "hast-util-to-html";
import type { ElementContent } from "hast";
import type { Root } from "mdast";
import { JSDOM } from "jsdom";
import { VFile } from "vfile";
import { contentDiagrams } from "../../../src/integrations/diagram-sources.ts";
import { diagramKey } from "../../../src/integrations/diagram-store.ts";
import { diagramFigure, diagramText, MissingDrawingError, remarkMermaid } from "../../../src/integrations/remark-mermaid.ts";

const source = `sequenceDiagram
  accTitle: Offer and answer
  accDescr {
    Alice sends an offer;
    Bob answers.
  }
  Alice->>Bob: offer`;

describe("diagramText", () => {
  it("reads the accessible title and the multi-line description", () => {
    expect(diagramText(source)).toEqual({ title: "Offer and answer", description: "Alice sends an offer; Bob answers." });
  });
  it("reads a one-line description and reports missing parts as undefined", () => {
    expect(diagramText("flowchart LR\naccDescr: A to B\nA-->B")).toEqual({ title: undefined, description: "A to B" });
  });
});

const drawings = {
  light: { src: "/diagrams/0123456789abcdef.light.svg", width: 640, height: 200 },
  dark: { src: "/diagrams/0123456789abcdef.dark.svg", width: 640, height: 200 },
};

describe("diagramFigure", () => {
  it("shows the drawing for each theme as a sized image named by the diagram's title, with the text alternative", () => {
    const html = toHtml(diagramFigure(source, drawings));
    expect(html).toContain('<div class="diagram-theme diagram-light"><img src="/diagrams/0123456789abcdef.light.svg" width="640" height="200" alt="Offer and answer" loading="lazy" decoding="async"></div>');
    expect(html).toContain('<div class="diagram-theme diagram-dark"><img src="/diagrams/0123456789abcdef.dark.svg"');
    expect(html).toContain("<figcaption>");
    expect(html).toContain("Alice sends an offer; Bob answers.");
    // No Mermaid source for a browser to draw: the page needs no script for its diagrams.
    expect(html).not.toContain("sequenceDiagram");
  });
  it("shows a placeholder that says what to run when the diagram has not been drawn", () => {
    const html = toHtml(diagramFigure(source));
    expect(html).toContain("This diagram has not been drawn yet: run `npm run diagrams`.");
    expect(html).toContain("Alice sends an offer; Bob answers.");
    expect(html).not.toContain("<img");
  });
  it("escapes diagram text so it cannot inject markup", () => {
    const html = toHtml(diagramFigure("flowchart LR\naccTitle: <script>x</script>\nA-->B", drawings));
    const doc = new JSDOM(html).window.document;
    expect(doc.querySelectorAll("script")).toHaveLength(0);
    expect(doc.querySelector("img")?.getAttribute("alt")).toBe("<script>x</script>");
    expect(doc.querySelector(".diagram-title")?.textContent).toBe("<script>x</script>");
  });
});

describe("remarkMermaid", () => {
  const missing = "flowchart LR\n  accTitle: Never drawn\n  A-->B";
  const tree = (): Root => ({ type: "root", children: [{ type: "code", lang: "mermaid", value: missing }] });

  it("fails the build, naming the file and the command, for a diagram without a drawing", () => {
    const file = new VFile({ path: "content/lessons/example.mdx" });
    expect(() => remarkMermaid({ requireDrawings: true })(tree(), file)).toThrow(MissingDrawingError);
    expect(() => remarkMermaid({ requireDrawings: true })(tree(), file)).toThrow(/content\/lessons\/example\.mdx: .*npm run diagrams/u);
  });
  it("puts a placeholder figure in its place while drawings are optional (astro dev)", () => {
    const root = tree();
    remarkMermaid({ requireDrawings: false })(root, new VFile());
    expect(root.children[0]?.data).toMatchObject({ hName: "figure" });
  });
  it("uses the committed drawing of a lesson's diagram", () => {
    const [first] = contentDiagrams();
    expect(first).toBeDefined();
    const root: Root = { type: "root", children: [{ type: "code", lang: "mermaid", value: first?.source ?? "" }] };
    remarkMermaid({ requireDrawings: true })(root, new VFile());
    const html = toHtml({ type: "element", tagName: "div", properties: {}, children: (root.children[0]?.data as { hChildren: ElementContent[] }).hChildren });
    expect(html).toContain(`src="/diagrams/${diagramKey(first?.source ?? "")}.dark.svg"`);
  });
});
