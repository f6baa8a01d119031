/**
 * Tiny DOM helpers shared by the demos: every piece of text from the network or the other tab
 * (SDP, addresses, usernames, chat) goes in as text through append/textContent, never as HTML.
 */
export type Child = Node | string | number | undefined | null | false;

function present(child: Child): child is Node | string | number {
  return child !== undefined && child !== null && child !== false;
}

const asNode = (child: Node | string | number): Node | string => (typeof child === "number" ? String(child) : child);

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter(present).map(asNode));
  return node;
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter(present).map(asNode));
}

/** The element marked data-part="name" inside a demo's root; a missing part is a markup bug. */
export function part<T extends Element = HTMLElement>(root: ParentNode, name: string): T {
  const found = root.querySelector<T>(`[data-part="${name}"]`);
  if (!found) throw new Error(`missing [data-part="${name}"]`);
  return found;
}
