/**
 * Remark plugin: Markdown tables become keyboard-focusable. Starlight lets a table wider than the
 * page scroll sideways inside itself (display: block; overflow: auto), which on a phone is most of
 * the lessons' tables; a box that scrolls must be reachable by keyboard to be scrolled without a
 * pointer (WCAG 2.1.1; axe's scrollable-region-focusable). tabindex="0" makes the table itself that
 * box.
 */
import type { Root, RootContent } from "mdast";

function visit(node: Root | RootContent): void {
  if (node.type === "table") {
    node.data = { ...node.data, hProperties: { ...node.data?.hProperties, tabIndex: 0 } };
    return;
  }
  if ("children" in node) for (const child of node.children) visit(child);
}

export function remarkFocusableTables() {
  return (tree: Root): void => visit(tree);
}
