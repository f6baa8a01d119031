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

/**
 * Writes text only when it differs. Rewriting the same text still replaces the text node: in a
 * live region (role="status", role="alert") a screen reader reads it out again.
 */
export function setText(node: Element, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * Writes a live region's text so that it is read out even when it is the same as before (a second
 * copy, the same bad file twice): a live region is read when its text changes, so the same text
 * is written after an empty frame.
 */
export function announceText(node: Element, text: string): void {
  if (node.textContent !== text) {
    node.textContent = text;
    return;
  }
  node.textContent = "";
  requestAnimationFrame(() => {
    node.textContent = text;
  });
}

/** The element marked data-part="name" inside a demo's root; a missing part is a markup bug. */
export function part<T extends Element = HTMLElement>(root: ParentNode, name: string): T {
  const found = root.querySelector<T>(`[data-part="${name}"]`);
  if (!found) throw new Error(`missing [data-part="${name}"]`);
  return found;
}

export interface KeyedRow {
  /** Identifies the row across redraws (a candidate pair's stats ID, say). */
  key: string;
  attributes: Record<string, string | undefined>;
  cells: readonly { text: string; class?: string | undefined }[];
}

/**
 * Brings a table body up to date row by row, keyed, instead of replacing it: rows that stay are
 * the same elements with only changed text rewritten, so a table refreshed every second does not
 * lose a screen reader's or a selection's place in it. `empty` is drawn when there are no rows.
 */
export function updateRows(body: HTMLTableSectionElement, rows: readonly KeyedRow[], empty: () => Node): void {
  const doc = body.ownerDocument;
  if (rows.length === 0) {
    if (body.querySelector("tr[data-key]") || body.children.length === 0) body.replaceChildren(empty());
    return;
  }
  const existing = new Map<string, HTMLTableRowElement>();
  for (const tr of body.querySelectorAll<HTMLTableRowElement>(":scope > tr")) {
    const key = tr.dataset["key"];
    if (key === undefined) tr.remove();
    else existing.set(key, tr);
  }
  rows.forEach((row, index) => {
    let tr = existing.get(row.key);
    existing.delete(row.key);
    if (!tr) {
      tr = doc.createElement("tr");
      tr.dataset["key"] = row.key;
    }
    for (const [name, value] of Object.entries(row.attributes)) {
      if (value === undefined) tr.removeAttribute(name);
      else if (tr.getAttribute(name) !== value) tr.setAttribute(name, value);
    }
    while (tr.cells.length > row.cells.length) tr.deleteCell(-1);
    row.cells.forEach((cell, i) => {
      const td = tr.cells[i] ?? tr.appendChild(doc.createElement("td"));
      if (td.textContent !== cell.text) td.textContent = cell.text;
      if (cell.class === undefined) td.removeAttribute("class");
      else if (td.className !== cell.class) td.className = cell.class;
    });
    if (body.children[index] !== tr) body.insertBefore(tr, body.children[index] ?? null);
  });
  for (const stale of existing.values()) stale.remove();
}

/**
 * Makes `parent`'s children the elements keyed (data-key) by `keys`, in that order: an element
 * whose key is still wanted stays the same element, a new key gets `make(key)`, anything else is
 * removed. An element is moved only when it is out of place, so a grid whose rows and columns
 * come and go keeps focus and a screen reader's place in the cells that stay. Returns the
 * elements in order, for the caller to bring up to date.
 */
export function syncKeyed<T extends Element>(parent: Element, keys: readonly string[], make: (key: string) => T): T[] {
  const wanted = new Set(keys);
  const existing = new Map<string, Element>();
  for (const child of [...parent.children]) {
    const key = child.getAttribute("data-key");
    if (key === null || !wanted.has(key) || existing.has(key)) child.remove();
    else existing.set(key, child);
  }
  const elements = keys.map((key) => {
    // Elements keyed here were made by `make` on an earlier call: the same kind.
    const kept = existing.get(key) as T | undefined;
    if (kept) return kept;
    const made = make(key);
    made.setAttribute("data-key", key);
    return made;
  });
  elements.forEach((element, index) => {
    if (parent.children[index] !== element) parent.insertBefore(element, parent.children[index] ?? null);
  });
  return elements;
}

/**
 * Puts `next` in `parent` in that order, but where a current child has the same data-key and is
 * equal to its replacement (same attributes, same content), keeps the current element. Suits
 * rows that rarely change but are redrawn often: focus and a screen reader's place survive.
 */
export function keepUnchanged(parent: Element, next: readonly Element[]): void {
  const current = new Map<string, Element>();
  for (const child of parent.children) {
    const key = child.getAttribute("data-key");
    if (key !== null) current.set(key, child);
  }
  const wanted = next.map((element) => {
    const key = element.getAttribute("data-key");
    const old = key === null ? undefined : current.get(key);
    return old?.isEqualNode(element) ? old : element;
  });
  const keep = new Set(wanted);
  for (const child of [...parent.children]) if (!keep.has(child)) child.remove();
  wanted.forEach((element, index) => {
    if (parent.children[index] !== element) parent.insertBefore(element, parent.children[index] ?? null);
  });
}
