// @vitest-environment jsdom
/**
 * The pair matrix drawn into the real markup of PairMatrix.astro, in jsdom: a table with
 * headers and scopes, every cell saying in words what it means (no meaning in colour or symbol
 * alone), a full explanation per cell as its accessible description and in the box under the
 * grid, one tab stop with arrow keys, and redraws that keep the same elements and the focus.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, it } from "vitest";
import { candidateRow, type CandidateRow } from "../../../src/demos/two-tab/candidates.ts";
import { MATRIX_HINT, drawPairMatrix, wirePairMatrix } from "../../../src/demos/two-tab/panels/draw-matrix.ts";
import { readPairs, type PairsView, type StatsEntry } from "../../../src/demos/two-tab/pairs.ts";

// The component's own markup (after its frontmatter), so the test draws into what the pages serve.
const MARKUP = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../../../src/demos/two-tab/panels/PairMatrix.astro"), "utf8")
  .split(/^---$/mu)[2]
  ?.replace("{MATRIX_HINT}", MATRIX_HINT) ?? "";

const rows = (): CandidateRow[] =>
  [
    candidateRow("local", "candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host generation 0", { source: "trickle", sent: true }),
    candidateRow("local", "candidate:2 1 udp 1686052607 203.0.113.7 40000 typ srflx raddr 192.0.2.10 rport 50000 generation 0", { source: "trickle", sent: true }),
    candidateRow("remote", "candidate:4 1 udp 2122260223 192.0.2.20 7000 typ host generation 0", { source: "trickle" }),
    candidateRow("remote", "candidate:5 1 udp 2122262783 2001:db8::20 7001 typ host generation 0", { source: "trickle" }),
  ].filter((row): row is CandidateRow => row !== undefined);

function view(state: string, selected: boolean): PairsView {
  const entries: StatsEntry[] = [
    { id: "T1", type: "transport", iceRole: "controlling", ...(selected ? { selectedCandidatePairId: "P1" } : {}) },
    { id: "L1", type: "local-candidate", candidateType: "host", address: "192.0.2.10", port: 50000, protocol: "udp", priority: 2122260223 },
    { id: "R4", type: "remote-candidate", candidateType: "host", address: "192.0.2.20", port: 7000, protocol: "udp", priority: 2122260223 },
    { id: "P1", type: "candidate-pair", localCandidateId: "L1", remoteCandidateId: "R4", state, nominated: selected },
  ];
  return readPairs(entries);
}

let root: HTMLElement;
function draw(candidates: CandidateRow[], pairs: PairsView): void {
  drawPairMatrix(root, candidates, pairs.pairs, pairs.role, "No candidates yet.");
}
const cells = (): HTMLTableCellElement[] => [...root.querySelectorAll<HTMLTableCellElement>("tbody td.pm-cell")];
const cellOf = (local: string, remote: string): HTMLTableCellElement => {
  const rowIndex = [...root.querySelectorAll("tbody th")].findIndex((th) => th.textContent?.includes(local));
  const colIndex = [...root.querySelectorAll("thead th")].findIndex((th) => th.textContent?.includes(remote));
  const td = root.querySelector("tbody")?.rows[rowIndex]?.cells[colIndex];
  if (!(td instanceof HTMLTableCellElement)) throw new Error(`no cell ${local} × ${remote}`);
  return td;
};
const explanationOf = (td: HTMLTableCellElement): string => {
  const id = td.querySelector("button")?.getAttribute("aria-describedby") ?? "";
  return document.getElementById(id)?.textContent ?? "";
};

beforeEach(() => {
  document.body.innerHTML = `<div id="root">${MARKUP}</div>`;
  root = document.getElementById("root") as HTMLElement;
  wirePairMatrix(root);
});

describe("the pair matrix in the page", () => {
  it("starts empty, saying so", () => {
    draw([], readPairs([]));
    expect(root.querySelector("tbody")?.textContent).toBe("No candidates yet.");
    expect(root.querySelector("[data-part=matrix-summary]")?.textContent).toContain("no combinations yet");
  });

  it("is a real table: a caption, a header per candidate with its scope, a cell per combination", () => {
    draw(rows(), view("succeeded", true));
    const table = root.querySelector("table");
    expect(table?.caption?.textContent).toContain("This tab's candidates (rows) × the other tab's (columns)");
    const columnHeads = [...root.querySelectorAll("thead th")];
    expect(columnHeads.map((th) => th.getAttribute("scope"))).toEqual(["col", "col", "col"]);
    expect(columnHeads.map((th) => th.textContent)).toEqual(["This tab ↓ · other tab →", "host [2001:db8::20]:7001UDP · IPv6", "host 192.0.2.20:7000UDP · IPv4"]);
    const rowHeads = [...root.querySelectorAll("tbody th")];
    expect(rowHeads.map((th) => th.getAttribute("scope"))).toEqual(["row", "row"]);
    expect(rowHeads.map((th) => th.querySelector(".pm-cand")?.textContent)).toEqual(["host 192.0.2.10:50000", "srflx 203.0.113.7:40000"]);
    expect(cells()).toHaveLength(4);
    expect(root.querySelector("[data-part=matrix-summary]")?.textContent).toBe(
      "2 local × 2 remote = 4 combinations: 1 forms a pair, 2 differ in address family and 1 is pruned (a server-reflexive candidate gives way to its base). getStats() lists 1 pair, one for each of the 1 predicted.",
    );
  });

  it("says in words what each cell means, with the symbol hidden from screen readers", () => {
    draw(rows(), view("succeeded", true));
    // What a screen reader reads as the button's name: its text without what is aria-hidden.
    const words = (td: HTMLTableCellElement): string => {
      const button = td.querySelector("button")?.cloneNode(true) as HTMLElement;
      for (const hidden of button.querySelectorAll("[aria-hidden=true]")) hidden.remove();
      return (button.textContent ?? "").trim();
    };
    expect(words(cellOf("host 192.0.2.10", "192.0.2.20"))).toBe("pair; seen: succeeded, nominated, selected");
    expect(words(cellOf("host 192.0.2.10", "2001:db8::20"))).toBe("IPv4 × IPv6; not seen");
    expect(words(cellOf("srflx", "192.0.2.20"))).toBe("pruned: base; not seen");
    for (const td of cells()) {
      expect(td.querySelector(".pm-mark")?.getAttribute("aria-hidden")).toBe("true");
      expect(td.querySelector(".pm-predicted")?.textContent?.replace(/^[✓−◦✗]\s*/u, "")).not.toBe("");
      expect(td.querySelector(".pm-seen")?.textContent).toMatch(/seen/u);
      // Every cell's full story is its accessible description.
      expect(explanationOf(td)).toMatch(/^This tab's .* with the other tab's .*\./u);
    }
    expect(explanationOf(cellOf("srflx", "192.0.2.20"))).toContain("replaced by its base, host 192.0.2.10:50000");
    expect(explanationOf(cellOf("host 192.0.2.10", "2001:db8::20"))).toContain("only within one address family");
  });

  it("marks the selected pair's cell in words and attributes, not by colour alone", () => {
    draw(rows(), view("succeeded", true));
    const selected = root.querySelectorAll("td[data-selected=true]");
    expect(selected).toHaveLength(1);
    const td = selected[0] as HTMLTableCellElement;
    expect(td.textContent).toContain("selected");
    expect(td.getAttribute("aria-current")).toBe("true");
    expect(td.classList.contains("selected")).toBe(true);
    expect(td.dataset).toMatchObject({ localType: "host", remoteType: "host", seenLocalType: "host", seenRemoteType: "host", outcome: "forms", verdict: "as-predicted" });
  });

  it("keeps the same rows, cells and focus across stats refreshes, rewriting only what changed", () => {
    draw(rows(), view("in-progress", false));
    const td = cellOf("host 192.0.2.10", "192.0.2.20");
    const button = td.querySelector("button") as HTMLButtonElement;
    const untouched = cellOf("srflx", "192.0.2.20").querySelector(".pm-seen")?.firstChild;
    button.focus();
    expect(td.textContent).toContain("seen: in-progress");
    draw(rows(), view("succeeded", true));
    expect(cellOf("host 192.0.2.10", "192.0.2.20")).toBe(td);
    expect(document.activeElement).toBe(button);
    expect(td.textContent).toContain("seen: succeeded, nominated, selected");
    expect(cellOf("srflx", "192.0.2.20").querySelector(".pm-seen")?.firstChild).toBe(untouched);
    // A new remote candidate adds a column; the cells already there stay the same elements.
    const more = [...rows(), candidateRow("remote", "candidate:6 1 udp 1686052607 203.0.113.9 41000 typ srflx raddr 192.0.2.20 rport 7000 generation 0", { source: "trickle" })].filter((r): r is CandidateRow => r !== undefined);
    draw(more, view("succeeded", true));
    expect(cells()).toHaveLength(6);
    expect(cellOf("host 192.0.2.10", "192.0.2.20")).toBe(td);
    expect(document.activeElement).toBe(button);
  });

  it("explains a cell under the grid on focus, hover and click, following its changes", () => {
    draw(rows(), view("in-progress", false));
    const box = root.querySelector("[data-part=matrix-explain]");
    expect(box?.textContent).toBe(MATRIX_HINT);
    const host = cellOf("host 192.0.2.10", "192.0.2.20").querySelector("button") as HTMLButtonElement;
    const family = cellOf("host 192.0.2.10", "2001:db8::20").querySelector("button") as HTMLButtonElement;
    host.focus();
    expect(box?.textContent).toContain("in progress (a check is under way)");
    family.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
    expect(box?.textContent).toContain("only within one address family");
    root.querySelector("table")?.dispatchEvent(new MouseEvent("mouseleave"));
    expect(box?.textContent).toContain("in progress");
    family.click();
    expect(box?.textContent).toContain("only within one address family");
    host.click();
    draw(rows(), view("succeeded", true));
    expect(box?.textContent).toContain("and it is the selected pair");
  });

  it("is one tab stop; arrow keys, Home and End move between cells", () => {
    draw(rows(), view("succeeded", true));
    const buttons = (): HTMLButtonElement[] => [...root.querySelectorAll<HTMLButtonElement>(".pm-button")];
    expect(buttons().filter((b) => b.tabIndex === 0)).toHaveLength(1);
    const first = buttons()[0] as HTMLButtonElement;
    first.focus();
    const press = (key: string): void => void (document.activeElement as HTMLElement).dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
    press("ArrowRight");
    expect(document.activeElement).toBe(buttons()[1]);
    press("ArrowDown");
    expect(document.activeElement).toBe(buttons()[3]);
    press("Home");
    expect(document.activeElement).toBe(buttons()[2]);
    press("ArrowUp");
    expect(document.activeElement).toBe(first);
    press("End");
    expect(document.activeElement).toBe(buttons()[1]);
    // The one tab stop follows the focus, and survives a redraw.
    expect(buttons().filter((b) => b.tabIndex === 0)).toEqual([buttons()[1]]);
    draw(rows(), view("succeeded", true));
    expect(buttons().filter((b) => b.tabIndex === 0)).toEqual([buttons()[1]]);
  });
});
