/**
 * Remark plugin: turns ```mermaid fences into a figure that reads well with or without JavaScript.
 *
 * The picture is the diagram drawn ahead of time (`npm run diagrams`, see diagram-store.ts), shown
 * as an image, light or dark to match the theme (CSS): no script and no Mermaid download. The
 * diagram's own `accTitle` and `accDescr` become the visible caption and a text alternative, so
 * screen-reader users get the same information as the picture.
 *
 * A diagram without a drawing fails the build, saying what to run; under `astro dev` it shows a
 * placeholder instead, so a lesson being written stays readable.
 */
import type { Code, Root, RootContent } from "mdast";
import type { VFile } from "vfile";
import type { Element, ElementContent } from "hast";
import { readDrawings, THEMES, type Drawing, type Theme } from "./diagram-store.ts";

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

export function diagramFigure(source: string, drawings?: Record<Theme, Drawing>): Element {
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
  const canvas = drawings
    ? // The figcaption holds the title and the description in words; the image's alt names it.
      // The other theme's image is display: none, so it is neither shown, announced nor downloaded.
      THEMES.map((theme) =>
        element("div", { className: ["diagram-theme", `diagram-${theme}`] }, [
          element("img", { src: drawings[theme].src, width: drawings[theme].width, height: drawings[theme].height, alt: title ?? "Diagram (described below)", loading: "lazy", decoding: "async" }, []),
        ]),
      )
    : [element("p", { className: ["diagram-missing"] }, [text(`This diagram has not been drawn yet: run \`npm run diagrams\`.`)])];
  return element("figure", { className: ["diagram", "not-content"], dataDiagram: "" }, [element("div", { className: ["diagram-canvas"] }, canvas), element("figcaption", {}, caption)]);
}

export class MissingDrawingError extends Error {
  override name = "MissingDrawingError";
}

function isMermaid(node: RootContent): node is Code {
  return node.type === "code" && node.lang === "mermaid";
}

function visit(parent: { children: RootContent[] }, file: VFile, requireDrawings: boolean): void {
  parent.children.forEach((child, index) => {
    if (isMermaid(child)) {
      const drawings = readDrawings(child.value);
      if (!drawings && requireDrawings) {
        throw new MissingDrawingError(
          `${file.path || "A document"}: a Mermaid diagram has no drawing in public/diagrams/. Run \`npm run diagrams\` (it needs Chromium) and commit the SVG files it writes.`,
        );
      }
      const figure = diagramFigure(child.value, drawings);
      // mdast-util-to-hast turns any node carrying data.hName/hProperties/hChildren into that
      // element; this works for both .md and .mdx (MDX does not accept raw HTML nodes).
      parent.children[index] = {
        type: "paragraph",
        children: [],
        data: { hName: figure.tagName, hProperties: figure.properties, hChildren: figure.children },
      };
    } else if ("children" in child) {
      visit(child as { children: RootContent[] }, file, requireDrawings);
    }
  });
}

/**
 * `requireDrawings` (default: in production builds) turns a diagram without a drawing into a
 * build error rather than a placeholder.
 */
export function remarkMermaid(options: { requireDrawings?: boolean } = {}) {
  const requireDrawings = options.requireDrawings ?? process.env["NODE_ENV"] === "production";
  return (tree: Root, file: VFile): void => {
    visit(tree, file, requireDrawings);
  };
}
