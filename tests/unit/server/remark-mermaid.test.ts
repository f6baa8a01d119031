import { describe, expect, it } from "vitest";
import { toHtml } from "hast-util-to-html";
import { diagramFigure, diagramText } from "../../../src/integrations/remark-mermaid.ts";

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

describe("diagramFigure", () => {
  it("keeps the source for the renderer and shows the text alternative without JavaScript", () => {
    const html = toHtml(diagramFigure(source));
    expect(html).toContain('<pre class="diagram-source" hidden>sequenceDiagram');
    expect(html).toContain("<figcaption>");
    expect(html).toContain("Alice sends an offer; Bob answers.");
    expect(html).toContain("Offer and answer");
  });
  it("escapes diagram text so it cannot inject markup", () => {
    const html = toHtml(diagramFigure("flowchart LR\naccTitle: <script>x</script>\nA-->B"));
    expect(html).not.toContain("<script>");
  });
});
