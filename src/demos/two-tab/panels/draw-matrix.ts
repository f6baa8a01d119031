/**
 * Draws the pair matrix (pair-matrix.ts) into PairMatrix.astro's table, and lets each cell explain
 * itself: a cell is a button whose full explanation is its accessible description, and which
 * shows that explanation under the grid when it is focused, pointed at or clicked. Arrow keys
 * move between cells (one tab stop for the whole grid).
 *
 * The demo redraws this with every stats refresh, so the grid is kept, not rebuilt: rows, header
 * cells and cells are keyed by candidate (dom.ts syncKeyed) and only changed text or attributes
 * are written, so focus, a screen reader's place and the explanation on show survive.
 */
import { el, part, setText, syncKeyed } from "../../../lib/dom.ts";
import type { SavedCandidate, SavedPair } from "../session-file.ts";
import type { IceRole } from "../pairs.ts";
import { buildPairMatrix, type MatrixCandidate, type MatrixCell } from "../pair-matrix.ts";
import { candidateDetail, candidateLabel, cellExplanation, cellText, matrixSummary } from "../pair-matrix-text.ts";

export const MATRIX_HINT = "Select a cell, point at it or move to it with the arrow keys to read what became of that combination, and why.";

function setAttributes(node: Element, attributes: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined) node.removeAttribute(name);
    else if (node.getAttribute(name) !== value) node.setAttribute(name, value);
  }
}

/** A candidate's header: "host 192.0.2.10:50000" over "UDP · IPv4". */
function drawHeader(th: HTMLTableCellElement, c: MatrixCandidate, scope: "row" | "col"): void {
  if (th.childElementCount !== 2) th.replaceChildren(el("span", { class: "pm-cand" }), el("span", { class: "pm-detail" }));
  setAttributes(th, { scope, "data-candidate": c.type, "data-origin": c.origin });
  const [label, detail] = th.children;
  if (label) setText(label, candidateLabel(c));
  if (detail) setText(detail, candidateDetail(c));
}

const descriptionId = (cell: MatrixCell): string => `pm-${cell.local.key}--${cell.remote.key}`;

function makeCell(doc: Document): HTMLTableCellElement {
  const td = doc.createElement("td");
  td.append(
    el(
      "button",
      { type: "button", class: "pm-button", tabindex: -1 },
      el("span", { class: "pm-line pm-predicted" }, el("span", { class: "pm-mark", "aria-hidden": "true" }), el("span", { class: "pm-words" })),
      // Read between the two lines, so the button's name is "pair; seen: succeeded", not "pairseen…".
      el("span", { class: "sr-only" }, "; "),
      el("span", { class: "pm-line pm-seen" }),
    ),
    el("span", { class: "pm-explanation", hidden: true }),
  );
  return td;
}

function drawCell(td: HTMLTableCellElement, cell: MatrixCell): void {
  const text = cellText(cell);
  const p = cell.prediction;
  const id = descriptionId(cell);
  setAttributes(td, {
    class: `pm-cell pm-${p.outcome}${cell.verdict === "as-predicted" ? "" : " pm-differs"}${cell.selected ? " selected" : ""}`,
    "data-outcome": p.outcome,
    "data-rule": p.outcome === "never" ? p.mismatches[0].rule : p.outcome === "pruned" ? p.reason : undefined,
    "data-verdict": cell.verdict,
    "data-seen": String(cell.seen !== undefined),
    "data-selected": cell.selected ? "true" : undefined,
    "aria-current": cell.selected ? "true" : undefined,
    "data-local-type": cell.local.type,
    "data-remote-type": cell.remote.type,
    "data-seen-local-type": cell.seen?.local.type,
    "data-seen-remote-type": cell.seen?.remote.type,
  });
  const button = td.querySelector(".pm-button");
  const explanation = td.querySelector(".pm-explanation");
  if (!button || !explanation) return;
  setAttributes(button, { "aria-describedby": id, "data-explains": id });
  setText(button.querySelector(".pm-mark") ?? button, text.mark);
  setText(button.querySelector(".pm-words") ?? button, ` ${text.predicted}`);
  setText(button.querySelector(".pm-seen") ?? button, text.seen);
  setAttributes(explanation, { id });
  setText(explanation, cellExplanation(cell));
}

/** The explanation box shows the cell it was last asked about; it follows that cell's changes. */
function showExplanation(root: ParentNode, id: string | undefined): void {
  const box = part(root, "matrix-explain");
  const source = id === undefined ? null : box.ownerDocument.getElementById(id);
  if (!source || id === undefined) {
    delete box.dataset["cell"];
    setText(box, MATRIX_HINT);
    return;
  }
  box.dataset["cell"] = id;
  setText(box, source.textContent ?? "");
}

/** Exactly one cell is in the tab order: the last one used, else the first. */
function rove(table: HTMLTableElement): void {
  const buttons = [...table.querySelectorAll<HTMLButtonElement>(".pm-button")];
  const active = table.dataset["active"];
  const current = buttons.find((b) => b.dataset["explains"] === active) ?? buttons[0];
  for (const button of buttons) setAttributes(button, { tabindex: button === current ? "0" : "-1" });
}

export function drawPairMatrix(root: ParentNode, candidates: readonly SavedCandidate[], pairs: readonly SavedPair[], role: IceRole | undefined, emptyText: string): void {
  const matrix = buildPairMatrix(candidates, pairs, role);
  setText(part(root, "matrix-summary"), matrixSummary(matrix.counts));
  const table = part<HTMLTableElement>(root, "matrix");
  const doc = table.ownerDocument;
  const head = part<HTMLTableSectionElement>(root, "matrix-head");
  const body = part<HTMLTableSectionElement>(root, "matrix-body");
  const headRow = head.rows[0] ?? head.appendChild(doc.createElement("tr"));
  const empty = matrix.rows.length === 0 || matrix.columns.length === 0;
  const columns = empty ? [] : matrix.columns;
  const [corner, ...columnHeads] = syncKeyed(headRow, ["corner", ...columns.map((c) => c.key)], () => doc.createElement("th"));
  if (corner) {
    setAttributes(corner, { scope: "col" });
    setText(corner, "This tab ↓ · other tab →");
  }
  columns.forEach((c, i) => {
    const th = columnHeads[i];
    if (th) drawHeader(th, c, "col");
  });
  if (empty) {
    if (!body.querySelector("td.pm-empty")) body.replaceChildren(el("tr", {}, el("td", { class: "pm-empty" }, emptyText)));
    delete table.dataset["active"];
    showExplanation(root, undefined);
    return;
  }
  const trs = syncKeyed(body, matrix.rows.map((r) => r.key), () => doc.createElement("tr"));
  matrix.rows.forEach((r, i) => {
    const tr = trs[i];
    if (!tr) return;
    const [th, ...tds] = syncKeyed<HTMLTableCellElement>(tr, ["header", ...columns.map((c) => c.key)], (key) => (key === "header" ? doc.createElement("th") : makeCell(doc)));
    if (th) drawHeader(th, r, "row");
    matrix.cells[i]?.forEach((cell, j) => {
      const td = tds[j];
      if (td) drawCell(td, cell);
    });
  });
  rove(table);
  showExplanation(root, part(root, "matrix-explain").dataset["cell"]);
}

/**
 * Once per page: cells explain themselves on focus, hover and click, and arrow keys (Home, End,
 * Ctrl+Home, Ctrl+End) move between them.
 */
export function wirePairMatrix(root: ParentNode): void {
  const table = part<HTMLTableElement>(root, "matrix");
  const cellButton = (target: EventTarget | null): HTMLButtonElement | null => (target instanceof Element ? target.closest<HTMLButtonElement>(".pm-button") : null);
  const use = (button: HTMLButtonElement): void => {
    const id = button.dataset["explains"];
    if (id === undefined) return;
    table.dataset["active"] = id;
    rove(table);
    showExplanation(root, id);
  };
  table.addEventListener("focusin", (event) => {
    const button = cellButton(event.target);
    if (button) use(button);
  });
  table.addEventListener("click", (event) => {
    const button = cellButton(event.target);
    if (button) use(button);
  });
  table.addEventListener("mouseover", (event) => {
    const button = cellButton(event.target);
    if (button) showExplanation(root, button.dataset["explains"]);
  });
  // Pointing away brings back the cell last focused or clicked.
  table.addEventListener("mouseleave", () => showExplanation(root, table.dataset["active"]));
  table.addEventListener("keydown", (event) => {
    const button = cellButton(event.target);
    const td = button?.closest("td");
    const tr = td?.parentElement;
    if (!button || !td || !(tr instanceof HTMLTableRowElement)) return;
    const rows = [...table.tBodies[0]?.rows ?? []];
    const r = rows.indexOf(tr);
    const c = td.cellIndex;
    const last = tr.cells.length - 1;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [r, Math.max(1, c - 1)],
      ArrowRight: [r, Math.min(last, c + 1)],
      ArrowUp: [Math.max(0, r - 1), c],
      ArrowDown: [Math.min(rows.length - 1, r + 1), c],
      Home: event.ctrlKey ? [0, 1] : [r, 1],
      End: event.ctrlKey ? [rows.length - 1, last] : [r, last],
    };
    const to = moves[event.key];
    if (!to) return;
    event.preventDefault();
    rows[to[0]]?.cells[to[1]]?.querySelector<HTMLButtonElement>(".pm-button")?.focus();
  });
}
