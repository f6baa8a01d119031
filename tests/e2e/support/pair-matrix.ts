/**
 * Reads the pair matrix (src/demos/two-tab/panels/PairMatrix.astro) as the page draws it, in one
 * step: the demo redraws it with each stats refresh, so rows found in one call and measured in
 * the next could be gone. Used by the demo's tests and the saved session viewer's.
 */
import type { Page } from "playwright-core";

export interface MatrixHeader {
  type: string;
  /** "candidates" (gathered or signaled) or "stats" (only getStats() shows it). */
  origin: string;
  text: string;
}

export interface MatrixCellView {
  localType: string;
  remoteType: string;
  /** The candidate types getStats() gave the pair in this cell, if any. */
  seenLocalType: string | undefined;
  seenRemoteType: string | undefined;
  outcome: string;
  verdict: string;
  selected: boolean;
  /** The cell's visible words (the button's text). */
  text: string;
  /** Its full explanation, the button's accessible description. */
  explanation: string;
}

export interface MatrixView {
  summary: string;
  rows: MatrixHeader[];
  columns: MatrixHeader[];
  cells: MatrixCellView[][];
  /** The selected-pair box's candidate types, read in the same step (the selected pair can change after connecting). */
  selectedBox: { local: string | null; remote: string | null };
  /** The selected cell's background and outline, as computed (the styles reach script-drawn cells). */
  selectedLook: { background: string; boxShadow: string; weight: string } | undefined;
}

export async function readMatrix(page: Page): Promise<MatrixView> {
  return page.evaluate(() => {
    const table = document.querySelector("[data-testid=pair-matrix]");
    const header = (th: Element): { type: string; origin: string; text: string } => ({
      type: th.getAttribute("data-candidate") ?? "",
      origin: th.getAttribute("data-origin") ?? "",
      text: th.textContent ?? "",
    });
    const selected = table?.querySelector("td[data-selected=true]");
    const style = selected ? getComputedStyle(selected) : undefined;
    const box = document.querySelector("[data-testid=selected-pair]");
    return {
      summary: document.querySelector("[data-testid=matrix-summary]")?.textContent ?? "",
      selectedBox: { local: box?.getAttribute("data-local-type") ?? null, remote: box?.getAttribute("data-remote-type") ?? null },
      rows: [...(table?.querySelectorAll("tbody th[scope=row]") ?? [])].map(header),
      columns: [...(table?.querySelectorAll("thead th[scope=col][data-candidate]") ?? [])].map(header),
      cells: [...(table?.querySelectorAll("tbody tr") ?? [])].map((tr) =>
        [...tr.querySelectorAll("td.pm-cell")].map((td) => {
          const description = td.querySelector("button")?.getAttribute("aria-describedby") ?? "";
          return {
            localType: td.getAttribute("data-local-type") ?? "",
            remoteType: td.getAttribute("data-remote-type") ?? "",
            seenLocalType: td.getAttribute("data-seen-local-type") ?? undefined,
            seenRemoteType: td.getAttribute("data-seen-remote-type") ?? undefined,
            outcome: td.getAttribute("data-outcome") ?? "",
            verdict: td.getAttribute("data-verdict") ?? "",
            selected: td.getAttribute("data-selected") === "true",
            text: td.querySelector("button")?.textContent ?? "",
            explanation: document.getElementById(description)?.textContent ?? "",
          };
        }),
      ),
      selectedLook: style ? { background: style.backgroundColor, boxShadow: style.boxShadow, weight: style.fontWeight } : undefined,
    };
  });
}
