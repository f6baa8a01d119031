/**
 * Draws the live stats panel (StatsPanel.astro, StatsChart.astro) from a stats history: the live
 * demo once per frame it is allowed (frame-scheduler.ts), the saved session viewer once per file.
 * The markup is server-rendered and kept: each call moves lines and rewrites text in place, and
 * changes nothing that is already right, so a panel refreshed every second neither jumps nor loses
 * a reader's place. The SVG draws lines only; every label is HTML text, which keeps its size
 * however wide the plot is stretched.
 */
import { el, keepUnchanged, part, setText, updateRows } from "../../../lib/dom.ts";
import { CHARTS, chartView, clockTime, markLines, PLOT_HEIGHT, PLOT_WIDTH, RECENT_SAMPLES, SAMPLE_COLUMNS, sampleRows, statsStatus, type ChartView, type Tick } from "../stats-chart.ts";
import { hasMedia, type StatsHistory } from "../stats-history.ts";

const SVG = "http://www.w3.org/2000/svg";

function setAttribute(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/** Setting `hidden` to the value it has is still a change to the page (a mutation): skip it. */
function setHidden(element: HTMLElement, hidden: boolean): void {
  if (element.hidden !== hidden) element.hidden = hidden;
}

/** `parent` with exactly `count` children, keeping those it has and making the rest with `make`. */
function children<T extends Element>(parent: Element, count: number, make: () => T): T[] {
  while (parent.children.length > count) parent.lastElementChild?.remove();
  while (parent.children.length < count) parent.append(make());
  return [...parent.children] as T[];
}

function svgLines(group: Element, count: number): SVGLineElement[] {
  return children(group, count, () => group.ownerDocument.createElementNS(SVG, "line"));
}

/** Text labels placed along one side of the plot, in per cent of its width (`left`) or height (`top`). */
function drawLabels(box: HTMLElement, ticks: readonly Tick[], side: "left" | "top"): void {
  const spans = children(box, ticks.length, () => box.ownerDocument.createElement("span"));
  ticks.forEach((tick, i) => {
    const span = spans[i];
    if (!span) return;
    const place = `${side === "left" ? tick.position / (PLOT_WIDTH / 100) : tick.position / (PLOT_HEIGHT / 100)}%`;
    if (span.style[side] !== place) span.style[side] = place;
    setText(span, tick.label);
  });
}

/** `key`: the chart's, so that its rows' data-key values are unique in the page ("rate-received"). */
export function drawChart(figure: HTMLElement, key: string, view: ChartView): void {
  svgLines(part(figure, "stats-grid"), view.valueTicks.length).forEach((line, i) => {
    const y = String(view.valueTicks[i]?.position ?? 0);
    setAttribute(line, "x1", "0");
    setAttribute(line, "x2", String(PLOT_WIDTH));
    setAttribute(line, "y1", y);
    setAttribute(line, "y2", y);
  });
  svgLines(part(figure, "stats-marker-lines"), view.markers.length).forEach((line, i) => {
    const x = String(view.markers[i]?.position ?? 0);
    setAttribute(line, "x1", x);
    setAttribute(line, "x2", x);
    setAttribute(line, "y1", "0");
    setAttribute(line, "y2", String(PLOT_HEIGHT));
  });
  view.paths.forEach((d, i) => {
    const path = part(figure, `stats-line-${i}`);
    if (d === "") path.removeAttribute("d");
    else setAttribute(path, "d", d);
  });
  drawLabels(part(figure, "stats-value-labels"), view.valueTicks, "top");
  drawLabels(part(figure, "stats-time-labels"), view.timeTicks, "left");
  drawLabels(part(figure, "stats-pins"), view.markers, "left");
  setText(part(figure, "stats-unit"), view.unit);
  setHidden(part(figure, "stats-plot-empty"), view.count > 0);
  setText(part(figure, "stats-caption"), view.caption);
  updateRows(
    part<HTMLTableSectionElement>(figure, "stats-values"),
    view.rows.map((row, i) => ({
      key: `${key}-${row.label}`,
      attributes: {},
      cells: [{ text: row.label, class: `st-key st-k${i + 1}` }, { text: row.latest, class: "num" }, { text: row.lowest, class: "num" }, { text: row.highest, class: "num" }],
    })),
    () => el("tr", {}, el("td", { colspan: 4 }, "—")),
  );
}

/**
 * The whole panel. What it says before the first sample is the panel's data-empty text (the
 * demo's and the viewer's differ). `clock` formats times (the reader's time zone by default).
 */
export function drawStats(root: ParentNode, history: StatsHistory, clock: (at: number) => string = clockTime): void {
  const panel = part(root, "stats");
  setText(part(panel, "stats-status"), statsStatus(history, panel.dataset["empty"] ?? "", clock));
  // The media graphs appear once media has arrived, and stay while the history holds any.
  const media = hasMedia(history);
  setHidden(part(panel, "stats-media"), !media);
  setHidden(part(panel, "stats-no-media"), media);
  for (const chart of CHARTS) if (chart.group === "pair" || media) drawChart(part(panel, `stats-chart-${chart.key}`), chart.key, chartView(history, chart, clock));

  const lines = markLines(history, clock);
  setHidden(part(panel, "stats-no-marks"), lines.length > 0);
  keepUnchanged(
    part(panel, "stats-marks"),
    lines.map((line) => el("li", { "data-key": line.key }, el("time", { datetime: new Date(line.at).toISOString() }, line.time), ` ${line.label}`)),
  );
  updateRows(
    part<HTMLTableSectionElement>(panel, "stats-samples"),
    sampleRows(history, RECENT_SAMPLES, clock).map((row) => ({ key: row.key, attributes: {}, cells: row.cells.map((text, i) => ({ text, class: i === 0 ? undefined : "num" })) })),
    () => el("tr", {}, el("td", { colspan: SAMPLE_COLUMNS.length }, "No samples yet.")),
  );
}
