/**
 * Remark plugin: turns ```mermaid fences into a figure that reads well with or without JavaScript.
 *
 * The diagram source stays in the page (hidden) for the client-side renderer; the diagram's own
 * `accTitle` and `accDescr` become the visible caption and a text alternative, so readers without
 * JavaScript, and screen-reader users, get the same information as the picture. Mermaid itself is
 * loaded only on pages that contain a diagram (src/components/MermaidLoader.ts).
 */
import type { Code, Root, RootContent } from "mdast";
import type { Element, ElementContent } from "hast";

export interface DiagramText {
  title: string | undefined;
  description: string | undefined;
}

/** Reads `accTitle: ...` and `accDescr: ...` or `accDescr { ... }` from a Mermaid source. */
export function diagramText(source: string): DiagramText {
  const title = /^\s*accTitle\s*:\s*(.+)$/mu.exec(source)?.[1]?.trim();
  const block = /^\s*accDescr\s*\{([\s\S]*?)\}/mu.exec(source)?.[1];
  const line = /^\s*accDescr\s*:\s*(.+)$/mu.exec(source)?.[1];
  const description = (block ?? line)?.replace(/\s+/gu, " ").trim();
  return { title, description };
}

function text(value: string): ElementContent {
  return { type: "text", value };
}

function element(tagName: string, properties: Element["properties"], children: ElementContent[]): Element {
  return { type: "element", tagName, properties, children };
}

export function diagramFigure(source: string): Element {
  const { title, description } = diagramText(source);
  const caption: ElementContent[] = [];
  if (title) caption.push(element("span", { className: ["diagram-title"] }, [text(title)]));
  if (description) {
    caption.push(
      element("details", { className: ["diagram-description"] }, [
        element("summary", {}, [text("The diagram in words")]),
        element("p", {}, [text(description)]),
      ]),
    );
  }
  return element("figure", { className: ["diagram", "not-content"], dataDiagram: "" }, [
    element("pre", { className: ["diagram-source"], hidden: true }, [text(source)]),
    element("div", { className: ["diagram-canvas"], ariaHidden: "true" }, [
      element("p", { className: ["diagram-fallback"] }, [
        text("This diagram is drawn in the browser. Its description is below."),
      ]),
    ]),
    element("figcaption", {}, caption),
  ]);
}

function isMermaid(node: RootContent): node is Code {
  return node.type === "code" && node.lang === "mermaid";
}

function visit(parent: { children: RootContent[] }): void {
  parent.children.forEach((child, index) => {
    if (isMermaid(child)) {
      const figure = diagramFigure(child.value);
      // mdast-util-to-hast turns any node carrying data.hName/hProperties/hChildren into that
      // element; this works for both .md and .mdx (MDX does not accept raw HTML nodes).
      parent.children[index] = {
        type: "paragraph",
        children: [],
        data: { hName: figure.tagName, hProperties: figure.properties, hChildren: figure.children },
      };
    } else if ("children" in child) {
      visit(child as { children: RootContent[] });
    }
  });
}

export function remarkMermaid() {
  return (tree: Root): void => {
    visit(tree);
  };
}
