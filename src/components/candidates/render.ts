/**
 * Renders candidate rows into a <tbody> made by CandidateTable.astro. Each row carries
 * data-candidate-type and data-side (the acceptance-test contract) and its priority in three cells.
 */
import { candidateCells, typeName, type CandidateTableRow } from "./rows.ts";
import { el, keepUnchanged } from "../../lib/dom.ts";

const PRIORITY_PARTS = ["type-preference", "local-preference", "component-id"] as const;

/** What a page adds to a row: attributes (id, class…) and cells after the shared columns. */
export interface RowExtras {
  attributes?: Record<string, string | undefined>;
  cells?: HTMLTableCellElement[];
}

export function renderCandidateRows(
  tbody: HTMLElement,
  rows: readonly CandidateTableRow[],
  side: "local" | "remote",
  emptyText: string,
  columnCount: number,
  extras?: (row: CandidateTableRow, index: number) => RowExtras,
): void {
  if (rows.length === 0) {
    tbody.replaceChildren(el("tr", {}, el("td", { colspan: String(columnCount) }, emptyText)));
    return;
  }
  // Rows that did not change stay the same elements: the page redraws while someone may be
  // reading the table, or have moved focus to a row (the demo's SDP-to-row links).
  keepUnchanged(
    tbody,
    rows.map((row, index) => {
      const cells = candidateCells(row);
      const extra = extras?.(row, index) ?? {};
      const tr = el("tr", { ...extra.attributes, "data-key": `${side} ${row.raw}`, "data-candidate-type": row.type, "data-side": side, "data-testid": "candidate-row", "data-priority": String(row.parsed.priority) });
      cells.forEach((text, i) => {
        const attrs: Record<string, string> = {};
        if (i === 1) attrs["title"] = typeName(row.type);
        if (i === 3) attrs["title"] = row.addressClass.label;
        if (i >= 9 && i <= 11) {
          attrs["data-part"] = PRIORITY_PARTS[i - 9] ?? "";
          attrs["title"] = `priority ${row.parsed.priority} = ${row.parts.typePreference} × 2^24 + ${row.parts.localPreference} × 2^8 + (256 − ${row.parts.componentId})`;
        }
        tr.append(el(i === 1 ? "th" : "td", i === 1 ? { ...attrs, scope: "row" } : attrs, text));
      });
      tr.append(...(extra.cells ?? []));
      return tr;
    }),
  );
}
