/**
 * Draws the two-tab demo's read-only panels (pairs, candidates, SDP, runs, timeline) into the
 * markup of the .astro files beside this one. Two pages call these: the live demo
 * (demo-element.ts) with its tab's state, and the saved session viewer (viewer-element.ts) with
 * a parsed session file, so both show one session the same way. They take the file's types (session-file.ts), which the demo's
 * own state also fits. Every string goes in as text: for the viewer it comes from a file someone
 * else wrote.
 */
import { annotateSdp, type AnnotatedLine } from "../../../shared/sdp/annotate.ts";
import { formatOffset, type TimelineEvent } from "../../../shared/timeline/model.ts";
import { CANDIDATE_COLUMNS, candidateTableRow, type CandidateTableRow } from "../../../components/candidates/rows.ts";
import { renderCandidateRows } from "../../../components/candidates/render.ts";
import { el, part, replaceChildren, updateRows, type KeyedRow } from "../../../lib/dom.ts";
import { CANDIDATE_EXTRA_COLUMNS, hostPort, type Side } from "../candidates.ts";
import { PAIR_COUNTERS, unreportedCounters, type IceRole } from "../pairs.ts";
import type { SavedCandidate, SavedPair, SavedRun } from "../session-file.ts";

export interface PairsPanel {
  pairs: readonly SavedPair[];
  selected: SavedPair | undefined;
  /** This tab's ICE role, when known. */
  role: IceRole | undefined;
  /** Why the selected pair won (pairs.ts whyItWon). */
  why: string;
}

/**
 * The "ICE servers" row: the URLs comma-separated, or a sentence saying why there are none. A URL
 * may break before its "?transport=…", so the row's `overflow-wrap: anywhere` breaks inside an
 * address only when the address alone is wider than the row (a long IPv6 one on a phone).
 */
export function drawIceServers(root: ParentNode, urls: readonly string[] | string): void {
  const node = part(root, "ice-servers");
  const text = typeof urls === "string" ? urls : urls.join(", ");
  if (node.textContent === text) return;
  if (typeof urls === "string") {
    node.textContent = text;
    return;
  }
  replaceChildren(
    node,
    ...urls.flatMap((url, i) => {
      const query = url.indexOf("?");
      const address = query < 0 ? url : url.slice(0, query);
      return [i > 0 && ", ", address, query >= 0 && el("wbr"), query >= 0 && url.slice(query)];
    }),
  );
}

export function drawPairs(root: ParentNode, view: PairsPanel, emptyText: string): void {
  const { selected } = view;
  const box = part(root, "selected-pair");
  if (selected) box.setAttribute("data-local-type", selected.local.type);
  else box.removeAttribute("data-local-type");
  if (selected) box.setAttribute("data-remote-type", selected.remote.type);
  else box.removeAttribute("data-remote-type");
  part(root, "why").textContent = view.why || "No pair selected yet.";
  part(root, "role-note").textContent = view.role ? `This tab is the ${view.role} agent.` : "";
  const gaps = unreportedCounters(view.pairs);
  const gapsNote = part(root, "stats-gaps");
  gapsNote.hidden = gaps.length === 0;
  gapsNote.textContent =
    gaps.length === 0
      ? ""
      : `This browser does not report ${listInWords(gaps.map((c) => `${PAIR_COUNTERS[c]} (${c})`))} for its candidate pairs (Firefox leaves them out of getStats()), so the table says “${NOT_REPORTED_COUNT}” there rather than 0.`;
  const num = "num";
  const rows: KeyedRow[] = view.pairs.map((p) => ({
    key: p.id,
    attributes: { class: p.selected ? "selected" : undefined, "aria-current": p.selected ? "true" : undefined },
    cells: [
      { text: `${p.local.type} ${hostPort(p.local.address, p.local.port)}` },
      { text: `${p.remote.type} ${hostPort(p.remote.address, p.remote.port)}` },
      { text: p.state },
      { text: p.nominated ? "yes" : "no" },
      { text: p.priority?.toString() ?? "?", class: num },
      { text: counts(p.requestsSent, p.responsesReceived), class: num },
      { text: counts(p.requestsReceived, p.responsesSent), class: num },
      { text: p.rttMs === undefined ? "—" : p.rttMs.toFixed(1), class: num },
      { text: `${p.bytesSent}/${p.bytesReceived}`, class: num },
    ],
  }));
  // Updated in place: the demo refreshes the table every second while someone may be reading it.
  updateRows(part<HTMLTableSectionElement>(root, "pairs"), rows, () => el("tr", {}, el("td", { colspan: 9 }, emptyText)));
}

/** What a counter the browser does not report reads as in the pairs table. */
const NOT_REPORTED_COUNT = "not reported";

/** "3/3", or with a counter the browser does not report: "not reported / 1". */
function counts(first: number | undefined, second: number | undefined): string {
  if (first !== undefined && second !== undefined) return `${first}/${second}`;
  return `${first ?? NOT_REPORTED_COUNT} / ${second ?? NOT_REPORTED_COUNT}`;
}

/** "a", "a and b", "a, b and c". */
function listInWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1] ?? ""}`;
}

/** Where a row came from in the session, in words. */
function origin(row: SavedCandidate): string {
  if (row.side === "local") return row.sent === false ? "dropped (experiment)" : row.source === "sdp" ? "in the offer" : "sent";
  return row.source === "stats" ? "learnt from checks" : `received (${row.source})`;
}

/** The shared table's columns (src/components/candidates/), plus where the row came from and its SDP line. */
export function drawCandidates(root: ParentNode, candidates: readonly SavedCandidate[], emptyText: string): void {
  for (const side of ["local", "remote"] as const) {
    const rows: { saved: SavedCandidate; table: CandidateTableRow }[] = [];
    for (const saved of candidates.filter((c) => c.side === side)) {
      const result = candidateTableRow({ raw: saved.raw, url: saved.url, relayProtocol: saved.relayProtocol, notReported: saved.notReported, atMs: saved.atMs });
      if (result.ok) rows.push({ saved, table: result.row });
    }
    renderCandidateRows(part(root, `${side}-candidates`), rows.map((r) => r.table), side, emptyText, CANDIDATE_COLUMNS.length + CANDIDATE_EXTRA_COLUMNS.length, (_row, i) => {
      const row = rows[i]?.saved;
      if (!row) return {};
      return {
        attributes: { id: `${side}-${row.linkId}`, tabindex: "-1", class: row.sent === false ? "dropped" : undefined },
        cells: [el("td", {}, origin(row)), el("td", {}, el("a", { href: `#${side}-sdp-${row.linkId}`, "data-jump": `${side}-sdp-${row.linkId}` }, "SDP line"))],
      };
    });
  }
}

function sdpLine(side: Side, line: AnnotatedLine): HTMLLIElement {
  const id = line.candidateId ? `${side}-sdp-${line.candidateId}` : undefined;
  return el(
    "li",
    { id, tabindex: id ? -1 : undefined },
    el(
      "details",
      { class: "sdp-line" },
      el("summary", { title: line.explanation }, el("code", {}, line.text)),
      el("p", {}, line.explanation, line.reference ? el("span", { class: "ref" }, ` (${line.reference})`) : undefined),
      line.candidateId ? el("a", { href: `#${side}-${line.candidateId}`, "data-jump": `${side}-${line.candidateId}` }, "Show this candidate in the table") : undefined,
    ),
  );
}

/** One description, annotated line by line; sections the reader opened stay open. */
export function drawSdp(root: ParentNode, side: Side, sdp: string | undefined, emptyText: string): void {
  const box = part(root, `${side}-sdp`);
  if (!sdp) {
    replaceChildren(box, el("p", {}, emptyText));
    return;
  }
  const open = new Set([...box.querySelectorAll<HTMLDetailsElement>("details.sdp-section")].filter((d) => d.open).map((d) => d.dataset["section"]));
  const annotated = annotateSdp(sdp);
  replaceChildren(
    box,
    ...annotated.sections.map((section) => {
      const key = String(section.section);
      return el(
        "details",
        { class: "sdp-section", "data-section": key, open: section.section === "session" || open.has(key) },
        el("summary", {}, section.summary),
        el("ol", { class: "sdp-lines", start: section.lines[0]?.number }, ...section.lines.map((line) => sdpLine(side, line))),
      );
    }),
    el("details", { class: "sdp-raw" }, el("summary", {}, "Raw text"), el("pre", {}, sdp)),
  );
}

/** `unfinished`: what a step not reached yet shows ("…" while live, words in a saved session). */
export function drawRuns(root: ParentNode, runs: readonly SavedRun[], emptyText: string, unfinished = "…"): void {
  const rows = runs.map((run) =>
    el(
      "tr",
      {},
      el("td", { class: "num" }, run.n),
      el(
        "td",
        {},
        run.kind === "connect" ? "connect" : "ICE restart",
        run.note === undefined ? undefined : el("span", { class: "tt-run-note" }, ` (${run.note})`),
        run.stopped === undefined ? undefined : el("span", { class: "tt-run-stopped", "data-testid": "run-stopped" }, ` stopped: ${run.stopped}`),
      ),
      el("td", {}, run.settings),
      el("td", { class: "num" }, run.connectMs === undefined ? (run.stopped === undefined ? unfinished : "—") : `${run.connectMs} ms`),
      el("td", { class: "num" }, run.channelMs === undefined ? (run.kind === "connect" && run.stopped === undefined ? unfinished : "—") : `${run.channelMs} ms`),
    ),
  );
  replaceChildren(part(root, "runs"), ...(rows.length > 0 ? rows : [el("tr", {}, el("td", { colspan: 5 }, emptyText))]));
}

export function drawTimelineList(root: ParentNode, timeline: readonly TimelineEvent[]): void {
  const first = timeline[0];
  replaceChildren(
    part(root, "timeline-list"),
    ...timeline.map((event) =>
      el(
        "li",
        { class: `tl-${event.side}` },
        el("span", { class: "tl-time" }, formatOffset(event, first)),
        " ",
        el("span", { class: "tl-side" }, event.side === "local" ? "this tab" : "other tab"),
        " ",
        event.label,
        event.detail ? el("span", { class: "tl-detail" }, ` — ${event.detail}`) : undefined,
      ),
    ),
  );
}

/** The diagram shows the latest run (from a second before it started); the list has everything. */
export function latestRunEvents(timeline: readonly TimelineEvent[], runs: readonly SavedRun[]): readonly TimelineEvent[] {
  const runStart = runs[runs.length - 1]?.startedAt ?? -Infinity;
  const firstOfRun = timeline.findIndex((e) => e.at >= runStart - 1000);
  return firstOfRun === -1 ? timeline : timeline.slice(firstOfRun);
}

/**
 * Renders Mermaid source into the diagram box, in Starlight's current theme. Mermaid is large:
 * it is imported here, on first use, so only a page that has a timeline to draw loads it.
 * `renderId` must be new for each call (Mermaid leaves an element with that id behind).
 */
export async function drawDiagram(root: ParentNode, source: string, renderId: string): Promise<void> {
  const canvas = part(root, "diagram");
  part(root, "diagram-source").textContent = source;
  try {
    const { default: mermaid } = await import("mermaid");
    // securityLevel strict: Mermaid sanitises labels itself, on top of sequence-diagram.ts's escaping.
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: document.documentElement.dataset["theme"] === "dark" ? "dark" : "default" });
    const { svg } = await mermaid.render(renderId, source);
    canvas.innerHTML = svg;
    canvas.dataset["rendered"] = "true";
  } catch (error) {
    canvas.textContent = `The diagram could not be drawn (${error instanceof Error ? error.message : String(error)}); the list below has every step.`;
    canvas.dataset["rendered"] = "error";
  }
}

/** Calls `redraw` when the reader switches Starlight between light and dark. */
export function onThemeChange(redraw: () => void): void {
  new MutationObserver(redraw).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
}

/**
 * Cross-links: a candidate link in the SDP moves focus to its table row, and back, opening the
 * folded section it sits in.
 */
export function followCandidateLinks(root: HTMLElement): void {
  root.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target.closest<HTMLAnchorElement>("a[data-jump]") : null;
    if (!target) return;
    const destination = document.getElementById(target.dataset["jump"] ?? "");
    if (!destination) return;
    event.preventDefault();
    destination.closest("details")?.setAttribute("open", "");
    destination.scrollIntoView({ block: "center" });
    destination.focus();
  });
}
