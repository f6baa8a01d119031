/**
 * Draws a real session as a Mermaid sequence diagram: this tab, the signaling server and the
 * other tab as three lifelines; each signaling message as an arrow through the server (so the
 * reader sees that offer, answer and candidates all travel via the server), each state change or
 * gathered candidate as a note, and the selected pair as the direct arrow between the tabs.
 *
 * Text from the session (SDP types, addresses, error messages) goes through mermaidText(), which
 * keeps a small safe alphabet and writes everything else as Mermaid entity codes (#58; for ":"),
 * so nothing in a message can end a line, open a directive or inject markup.
 */
import type { TimelineEvent } from "./model.ts";

export interface DiagramOptions {
  /** At most this many events are drawn; the rest are summarised in a final note. */
  maxEvents?: number;
  localName?: string;
  remoteName?: string;
}

const SAFE = /[A-Za-z0-9 .,/()_+=-]/u;
const MAX_TEXT = 90;

/** Escapes any text for use in a Mermaid sequence-diagram message, note or description. */
export function mermaidText(text: string): string {
  const flat = text.replace(/\s+/gu, " ").trim();
  const short = flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT - 1)}…` : flat;
  let out = "";
  for (const char of short) out += SAFE.test(char) ? char : `#${char.codePointAt(0) ?? 63};`;
  return out === "" ? "-" : out;
}

const lane = (side: TimelineEvent["side"]): "L" | "R" => (side === "local" ? "L" : "R");
const other = (side: TimelineEvent["side"]): "L" | "R" => (side === "local" ? "R" : "L");

function relative(event: TimelineEvent, start: number): string {
  return `+${Math.round(event.at - start)} ms`;
}

function statement(event: TimelineEvent, start: number): string {
  const me = lane(event.side);
  const time = relative(event, start);
  const text = (label: string): string => mermaidText(`${label} (${time})`);
  switch (event.kind) {
    case "signal": {
      const message = event.message;
      const label = message ? `${message.type}, ${message.size} B` : event.label;
      return message?.direction === "received" ? `S->>${me}: ${text(label)}` : `${me}->>S: ${text(label)}`;
    }
    case "join":
      return `${me}->>S: ${text(event.label)}`;
    case "peer":
      return `S-->>${me}: ${text(event.label)}`;
    case "selected-pair":
      return `${me}-->>${other(event.side)}: ${text(event.label)}`;
    case "data-channel":
    case "media":
      return `${me}-)${other(event.side)}: ${text(event.label)}`;
    default:
      return `Note over ${me}: ${text(event.label)}`;
  }
}

export function toSequenceDiagram(events: readonly TimelineEvent[], options: DiagramOptions = {}): string {
  const max = options.maxEvents ?? 150;
  const drawn = events.slice(0, max);
  const start = events[0]?.at ?? 0;
  const signals = events.filter((e) => e.kind === "signal").length;
  const lines = [
    "sequenceDiagram",
    `  accTitle: ${mermaidText("Timeline of this two-tab session")}`,
    "  accDescr {",
    `    ${mermaidText(`${events.length} steps recorded by both tabs, ${signals} of them signaling messages through the server`)}`,
    "  }",
    `  participant L as ${mermaidText(options.localName ?? "This tab")}`,
    "  participant S as Signaling server",
    `  participant R as ${mermaidText(options.remoteName ?? "Other tab")}`,
    ...drawn.map((event) => `  ${statement(event, start)}`),
  ];
  if (events.length > drawn.length) lines.push(`  Note over L,R: ${mermaidText(`${events.length - drawn.length} more steps not drawn`)}`);
  return `${lines.join("\n")}\n`;
}
