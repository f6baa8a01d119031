/**
 * Draws one decoded STUN message: the header fields (with the message-type bits), each attribute
 * (type, length, value, padding) and the hex dump. A field's table row and its bytes in the dump
 * share a data-field id; pointing at or focusing either highlights both. The dump is one tab stop:
 * arrow keys move between its fields (roving tabindex).
 */
import type { StunMessageRecord } from "../../shared/stun/transaction-record.ts";
import { attributePurpose, attributeValueText } from "./attribute-text.ts";
import { messageFields, recordBytes, type ByteField } from "./byte-fields.ts";
import { el } from "../../lib/dom.ts";
import { decodeHeader } from "./header.ts";
import { fieldHex, hexDumpRows } from "./hex-dump.ts";
import { className, hex16 } from "./message-type.ts";

let viewCounter = 0;

function typeBits(type: number, bits: ReturnType<typeof decodeHeader>["messageType"]["bits"]): HTMLElement {
  return el(
    "span",
    { class: "pk-bits", role: "img", "aria-label": `${hex16(type)} in binary; method bits M, class bits C1 and C0` },
    ...bits.map((b) => el("span", { class: `pk-bit pk-bit--${b.role}`, title: b.label, "aria-hidden": "true" }, String(b.value))),
  );
}

function fieldValue(record: StunMessageRecord, bytes: Uint8Array, field: ByteField): { value: Node | string; meaning: string } {
  const header = decodeHeader(bytes);
  switch (field.role) {
    case "message-type": {
      const t = header.messageType;
      return {
        value: el("span", {}, `${hex16(t.type)} `, typeBits(t.type, t.bits)),
        meaning: `method ${hex16(t.method)} (${record.methodName}), class ${String(t.cls)} (${className(t.cls)}): the class bits C1 C0 sit between the method bits`,
      };
    }
    case "message-length":
      return { value: String(header.length), meaning: "bytes after the 20-byte header (always a multiple of 4)" };
    case "magic-cookie":
      return { value: `0x${header.cookie.toString(16).padStart(8, "0")}`, meaning: header.cookieValid ? "the fixed value 0x2112A442: marks this as RFC 5389/8489 STUN" : "NOT the magic cookie" };
    case "transaction-id":
      return { value: header.transactionId, meaning: "96 random bits chosen by the client; the response carries the same ID" };
    default: {
      const index = Number(field.group.slice(1));
      const attribute = record.attributes[index];
      if (!attribute) return { value: "", meaning: "" };
      if (field.role === "attribute-type") return { value: hex16(attribute.type), meaning: `${attribute.name}${attribute.type < 0x8000 ? " (comprehension-required)" : " (comprehension-optional)"}` };
      if (field.role === "attribute-length") return { value: String(attribute.length), meaning: "bytes of value, not counting padding" };
      if (field.role === "padding") return { value: fieldHex(bytes, field), meaning: "padding to the next 4-byte boundary (not counted in the length)" };
      return { value: attributeValueText(attribute), meaning: attribute.error ? `could not decode: ${attribute.error}` : attributePurpose(attribute.name) };
    }
  }
}

/** A message as a section: title, field table and hex dump. `testid` names it for the tests. */
export function renderMessage(record: StunMessageRecord, title: string, testid: string): HTMLElement {
  if (record.truncated) return renderTruncated(record, title, testid);
  const bytes = recordBytes(record);
  const fields = messageFields(record);
  const id = `pk${String(++viewCounter)}`;
  const rows = fields.map((field) => {
    const { value, meaning } = fieldValue(record, bytes, field);
    return el(
      "tr",
      { "data-field": field.id, tabindex: 0, class: `pk-role--${field.role}${field.group === "header" ? "" : " pk-attr"}` },
      el("th", { scope: "row" }, field.label, el("span", { class: "pk-range" }, `bytes ${String(field.start)}–${String(field.end - 1)}`)),
      el("td", {}, el("code", { "data-testid": `${field.id}-value` }, value)),
      el("td", {}, meaning),
    );
  });
  const table = el(
    "table",
    { class: "pk-fields" },
    el("caption", {}, "Decoded fields (byte offsets from the start of the message)"),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Field"), el("th", { scope: "col" }, "Value"), el("th", { scope: "col" }, "Meaning"))),
    el("tbody", {}, ...rows),
  );

  let first = true;
  const dumpRows = hexDumpRows(bytes, fields).map((row) => {
    // Consecutive bytes of the same field in a row form one segment (one focus stop).
    const segments: HTMLElement[] = [];
    let current: { fieldId: string | undefined; hex: string[] } | undefined;
    const flush = (): void => {
      if (!current) return;
      const field = fields.find((f) => f.id === current?.fieldId);
      segments.push(
        el(
          "span",
          { class: `pk-seg pk-role--${field?.role ?? "none"}`, "data-field": current.fieldId, tabindex: first ? 0 : -1, role: "listitem", "aria-label": `${field?.label ?? "byte"}: ${current.hex.join(" ")}` },
          current.hex.join(" "),
        ),
      );
      first = false;
    };
    for (const cell of row.cells) {
      if (current && current.fieldId === cell.fieldId) current.hex.push(cell.hex);
      else {
        flush();
        current = { fieldId: cell.fieldId, hex: [cell.hex] };
      }
    }
    flush();
    return el("div", { class: "pk-row" }, el("span", { class: "pk-offset", "aria-hidden": "true" }, row.offsetLabel), el("span", { class: "pk-bytes" }, ...segments));
  });
  const dump = el("div", { class: "pk-hex", role: "list", "aria-label": `Hex dump of the ${title}, one 32-bit word per row; arrow keys move between fields`, "data-testid": `${testid}-hex` }, ...dumpRows);

  const section = el(
    "section",
    { class: "pk-message", "data-testid": testid, "aria-labelledby": `${id}-h` },
    el("h4", { id: `${id}-h` }, title),
    el("p", { class: "pk-meta" }, `${String(record.byteLength)} bytes, ${record.direction === "in" ? "from your browser" : "from the server"}: ${endpointText(record.source)} → ${endpointText(record.destination)}`),
    el("div", { class: "pk-grid" }, el("div", { class: "pk-dump" }, dump), el("div", { class: "pk-scroll" }, table)),
  );
  wireHighlighting(section, dump);
  return section;
}

/**
 * A message the server cut when it recorded it (over 2 KiB, or over 64 attributes: never one a
 * browser sends): its bytes are incomplete, so only what is known is shown, not a byte layout.
 */
function renderTruncated(record: StunMessageRecord, title: string, testid: string): HTMLElement {
  const id = `pk${String(++viewCounter)}`;
  const names = record.attributes.map((a) => a.name).join(", ");
  return el(
    "section",
    { class: "pk-message", "data-testid": testid, "aria-labelledby": `${id}-h` },
    el("h4", { id: `${id}-h` }, title),
    el("p", { class: "pk-meta" }, `${String(record.byteLength)} bytes, ${record.direction === "in" ? "from your browser" : "from the server"}: ${endpointText(record.source)} → ${endpointText(record.destination)}`),
    el(
      "p",
      { "data-testid": `${testid}-truncated` },
      `This message was larger than the inspector keeps, so it was cut when recorded and its byte layout is not drawn. Attributes kept: ${names || "none"}.`,
    ),
  );
}

export function endpointText(e: { address: string; port: number }): string {
  return e.address.includes(":") ? `[${e.address}]:${String(e.port)}` : `${e.address}:${String(e.port)}`;
}

function wireHighlighting(section: HTMLElement, dump: HTMLElement): void {
  const set = (fieldId: string | null, on: boolean): void => {
    if (!fieldId) return;
    for (const node of section.querySelectorAll(`[data-field="${CSS.escape(fieldId)}"]`)) node.classList.toggle("pk-hl", on);
  };
  const fieldOf = (target: EventTarget | null): string | null => (target instanceof Element ? (target.closest("[data-field]")?.getAttribute("data-field") ?? null) : null);
  section.addEventListener("pointerover", (e) => set(fieldOf(e.target), true));
  section.addEventListener("pointerout", (e) => set(fieldOf(e.target), false));
  section.addEventListener("focusin", (e) => set(fieldOf(e.target), true));
  section.addEventListener("focusout", (e) => set(fieldOf(e.target), false));
  dump.addEventListener("keydown", (e) => {
    const segments = [...dump.querySelectorAll<HTMLElement>(".pk-seg")];
    const at = segments.indexOf(e.target as HTMLElement);
    if (at < 0) return;
    const next = e.key === "ArrowRight" || e.key === "ArrowDown" ? at + 1 : e.key === "ArrowLeft" || e.key === "ArrowUp" ? at - 1 : e.key === "Home" ? 0 : e.key === "End" ? segments.length - 1 : -2;
    if (next === -2) return;
    e.preventDefault();
    const target = segments[Math.max(0, Math.min(segments.length - 1, next))];
    if (!target) return;
    for (const s of segments) s.tabIndex = -1;
    target.tabIndex = 0;
    target.focus();
  });
}
