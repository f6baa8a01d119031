/**
 * Draws the Mermaid diagrams of a page. Included on every page by Head.astro, but Mermaid itself
 * (a large library) is imported only when the page has a diagram. Diagrams follow the
 * light/dark theme: they are redrawn when Starlight's theme switch changes <html data-theme>.
 */
const FIGURE_SELECTOR = "figure[data-diagram]";

function currentTheme(): "dark" | "default" {
  return document.documentElement.dataset["theme"] === "dark" ? "dark" : "default";
}

let drawCount = 0;

async function drawAll(figures: HTMLElement[]): Promise<void> {
  const { default: mermaid } = await import("mermaid");
  mermaid.initialize({ startOnLoad: false, theme: currentTheme(), securityLevel: "strict" });
  for (const figure of figures) {
    const source = figure.querySelector(".diagram-source")?.textContent ?? "";
    const canvas = figure.querySelector<HTMLElement>(".diagram-canvas");
    if (!canvas) continue;
    try {
      drawCount += 1;
      const { svg } = await mermaid.render(`diagram-${drawCount}`, source);
      canvas.innerHTML = svg;
      // The SVG carries the diagram's own accessible title and description.
      canvas.removeAttribute("aria-hidden");
      figure.dataset["rendered"] = "true";
    } catch (error) {
      canvas.textContent = `This diagram could not be drawn: ${error instanceof Error ? error.message : String(error)}`;
      figure.dataset["rendered"] = "error";
    }
  }
}

export function drawDiagrams(root: ParentNode = document): void {
  const figures = [...root.querySelectorAll<HTMLElement>(FIGURE_SELECTOR)];
  if (figures.length === 0) return;
  void drawAll(figures);
  new MutationObserver(() => void drawAll(figures)).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["data-theme"],
  });
}
