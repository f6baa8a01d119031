import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { keepUnchanged, syncKeyed, updateRows, type KeyedRow } from "../../../src/lib/dom.ts";

function table(): HTMLTableSectionElement {
  const { document } = new JSDOM("<table><tbody><tr><td>Loading…</td></tr></tbody></table>").window;
  return document.querySelector("tbody") as HTMLTableSectionElement;
}

const row = (key: string, text: string, selected = false): KeyedRow => ({
  key,
  attributes: { class: selected ? "selected" : undefined, "aria-current": selected ? "true" : undefined },
  cells: [{ text: key }, { text, class: "num" }],
});

const empty = (body: HTMLTableSectionElement) => (): Node => {
  const tr = body.ownerDocument.createElement("tr");
  tr.textContent = "No rows yet.";
  return tr;
};

describe("updateRows: a table body kept up to date row by row", () => {
  it("replaces the placeholder with keyed rows, in order, with their cells and attributes", () => {
    const body = table();
    updateRows(body, [row("a", "1"), row("b", "2", true)], empty(body));
    expect([...body.rows].map((tr) => tr.dataset["key"])).toEqual(["a", "b"]);
    expect(body.rows[1]?.getAttribute("aria-current")).toBe("true");
    expect(body.rows[1]?.className).toBe("selected");
    expect(body.rows[0]?.cells[1]?.className).toBe("num");
    expect(body.textContent).not.toContain("Loading");
  });

  it("keeps the same row elements across refreshes and rewrites only what changed", () => {
    const body = table();
    updateRows(body, [row("a", "1"), row("b", "2", true)], empty(body));
    const [a, b] = [body.rows[0], body.rows[1]];
    const untouched = a?.cells[1]?.firstChild;
    updateRows(body, [row("a", "1"), row("b", "3")], empty(body));
    expect(body.rows[0]).toBe(a);
    expect(body.rows[1]).toBe(b);
    expect(a?.cells[1]?.firstChild).toBe(untouched);
    expect(b?.cells[1]?.textContent).toBe("3");
    expect(b?.hasAttribute("aria-current")).toBe(false);
    expect(b?.hasAttribute("class")).toBe(false);
  });

  it("moves, adds and removes rows to match the new list", () => {
    const body = table();
    updateRows(body, [row("a", "1"), row("b", "2"), row("c", "3")], empty(body));
    const c = body.rows[2];
    updateRows(body, [row("c", "3"), row("d", "4"), row("a", "1")], empty(body));
    expect([...body.rows].map((tr) => tr.dataset["key"])).toEqual(["c", "d", "a"]);
    expect(body.rows[0]).toBe(c);
  });

  it("shows the empty row when the list empties, once", () => {
    const body = table();
    updateRows(body, [row("a", "1")], empty(body));
    updateRows(body, [], empty(body));
    expect(body.textContent).toBe("No rows yet.");
    const placeholder = body.rows[0];
    updateRows(body, [], empty(body));
    expect(body.rows[0]).toBe(placeholder);
  });
});

describe("keepUnchanged: redraws that leave unchanged rows alone", () => {
  const { document } = new JSDOM("<table><tbody></tbody></table>").window;
  const body = document.querySelector("tbody") as HTMLTableSectionElement;
  const tr = (key: string, text: string): HTMLTableRowElement => {
    const row = document.createElement("tr");
    row.setAttribute("data-key", key);
    row.innerHTML = `<td>${text}</td>`;
    return row;
  };

  it("keeps an equal row, replaces a changed one, and follows the new order", () => {
    keepUnchanged(body, [tr("a", "1"), tr("b", "2"), tr("c", "3")]);
    const [a, b] = [body.rows[0], body.rows[1]];
    keepUnchanged(body, [tr("b", "2"), tr("a", "changed"), tr("d", "4")]);
    expect([...body.rows].map((r) => `${r.dataset["key"]}=${r.textContent}`)).toEqual(["b=2", "a=changed", "d=4"]);
    expect(body.rows[0]).toBe(b);
    expect(body.rows[1]).not.toBe(a);
  });
});

describe("syncKeyed: keyed children kept, added, moved and removed", () => {
  const { document } = new JSDOM("<table><tr><td>placeholder</td></tr></table>").window;
  const row = document.querySelector("tr") as HTMLTableRowElement;
  const made: string[] = [];
  const cell = (key: string): HTMLTableCellElement => {
    made.push(key);
    return document.createElement(key === "header" ? "th" : "td");
  };

  it("replaces unkeyed children, makes each key once, and keeps the elements across calls", () => {
    const first = syncKeyed(row, ["header", "a", "b"], cell);
    expect([...row.cells].map((c) => `${c.tagName} ${c.dataset["key"] ?? ""}`)).toEqual(["TH header", "TD a", "TD b"]);
    expect(row.textContent).not.toContain("placeholder");
    const again = syncKeyed(row, ["header", "a", "b"], cell);
    expect(again).toEqual(first);
    expect(again.every((element, i) => element === first[i])).toBe(true);
    expect(made).toEqual(["header", "a", "b"]);
  });

  it("adds a new key in its place without touching the others, and removes keys no longer wanted", () => {
    const [header, a, b] = syncKeyed(row, ["header", "a", "b"], cell);
    const [header2, a2, c, b2] = syncKeyed(row, ["header", "a", "c", "b"], cell);
    expect([header2, a2, b2]).toEqual([header, a, b]);
    expect(c?.dataset["key"]).toBe("c");
    syncKeyed(row, ["header", "b"], cell);
    expect([...row.cells].map((x) => x.dataset["key"])).toEqual(["header", "b"]);
    expect(row.cells[1]).toBe(b);
  });
});
