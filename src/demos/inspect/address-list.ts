/**
 * The "your addresses, classified" list (explain.ts addressNotes → <li> items), drawn the same way
 * on /inspect/ and in the IPv4 lesson's embed. Network text goes in as text, never as HTML.
 */
import { el } from "../../lib/dom.ts";
import type { AddressNote } from "./explain.ts";

export function renderAddressNotes(list: HTMLElement, notes: readonly AddressNote[], emptyText = "No addresses yet."): void {
  list.replaceChildren(
    ...(notes.length === 0
      ? [el("li", {}, emptyText)]
      : notes.map((n) =>
          el(
            "li",
            { "data-address-kind": n.classification.kind, "data-address": n.address },
            el("code", {}, n.address),
            ` — ${n.classification.label}`,
            n.classification.rfc ? ` (${n.classification.rfc}${n.classification.range ? `, ${n.classification.range}` : ""})` : "",
            `. Seen as: ${n.seenAs.join(", ")}.`,
          ),
        )),
  );
}
