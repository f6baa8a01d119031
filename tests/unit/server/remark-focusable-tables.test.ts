import { toHtml } from "hast-util-to-html";
import type { Root } from "mdast";
import { toHast } from "mdast-util-to-hast";
import { describe, expect, it } from "vitest";
import { remarkFocusableTables } from "../../../src/integrations/remark-focusable-tables.ts";

const cell = (value: string) => ({ type: "tableCell" as const, children: [{ type: "text" as const, value }] });

describe("remarkFocusableTables", () => {
  it("makes every Markdown table, nested ones included, focusable so that it can be scrolled by keyboard", () => {
    const table = { type: "table" as const, children: [{ type: "tableRow" as const, children: [cell("Method"), cell("Request")] }] };
    const tree: Root = { type: "root", children: [table, { type: "blockquote", children: [structuredClone(table)] }] };
    remarkFocusableTables()(tree);
    const html = toHtml(toHast(tree));
    expect(html.match(/<table tabindex="0">/gu)).toHaveLength(2);
    expect(html).toContain("Method");
  });
});
