/**
 * The live stats graphs as numbers and words, without a DOM: which graphs there are, where each
 * line runs in the plot's coordinates, the axis ticks, the event markers, and each series' latest,
 * lowest and highest value as text. panels/draw-stats.ts puts them in the page as inline SVG
 * (lines only) and HTML text (labels, which so keep their size at any width).
 */
import { STATS_INTERVAL_MS, type StatsHistory, type StatsSample } from "./stats-history.ts";

/** The plot's coordinates: the SVG's viewBox, stretched to its box (preserveAspectRatio="none"). */
export const PLOT_WIDTH = 1000;
export const PLOT_HEIGHT = 100;
/** Two samples further apart than this are not joined by a line: polls were missed. */
export const GAP_MS = 2.5 * STATS_INTERVAL_MS;
/** The shortest stretch of time a graph spans, so that the first samples are not spread across it. */
export const MIN_SPAN_MS = 60_000;
/** At most this many time labels, so that they fit side by side on a phone. */
const MAX_TIME_TICKS = 4;
const TICK_STEPS_S = [5, 10, 15, 30, 60, 120, 300];
/** Markers closer than this (in plot units) share one label: "1, 2". */
const MARKER_MERGE = 30;

export type Unit = "ms" | "bytes/s" | "frames/s" | "packets/s";

export interface SeriesSpec {
  label: string;
  value(sample: StatsSample): number | undefined;
}

export interface ChartSpec {
  key: "rtt" | "rate" | "fps" | "lost" | "jitter";
  title: string;
  unit: Unit;
  /** "pair": always shown; "media": once media arrives. */
  group: "pair" | "media";
  /** One or two: the first drawn solid, the second dashed (and in another colour). */
  series: readonly SeriesSpec[];
}

export const CHARTS: readonly ChartSpec[] = [
  { key: "rtt", title: "Round-trip time of the selected pair", unit: "ms", group: "pair", series: [{ label: "RTT", value: (s) => s.rttMs }] },
  {
    key: "rate",
    title: "Data rate on the selected pair",
    unit: "bytes/s",
    group: "pair",
    series: [
      { label: "received", value: (s) => s.receivedBytesPerSecond },
      { label: "sent", value: (s) => s.sentBytesPerSecond },
    ],
  },
  { key: "fps", title: "Video received: frames per second", unit: "frames/s", group: "media", series: [{ label: "video", value: (s) => s.framesPerSecond }] },
  { key: "lost", title: "Packets lost, audio and video received", unit: "packets/s", group: "media", series: [{ label: "lost", value: (s) => s.packetsLostPerSecond }] },
  {
    key: "jitter",
    title: "Jitter of the media received",
    unit: "ms",
    group: "media",
    series: [
      { label: "audio", value: (s) => s.audioJitterMs },
      { label: "video", value: (s) => s.videoJitterMs },
    ],
  },
];

/** "21:04:05", in the reader's time zone. */
export function clockTime(at: number): string {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/** Three significant figures at most, no trailing zeros: 0.25, 2.5, 12.3, 150. */
export function formatNumber(value: number): string {
  if (value === 0) return "0";
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 10 ? String(Number(value.toFixed(1))) : String(Number(value.toFixed(2)));
}

interface Scale {
  divisor: number;
  unit: string;
}

/** Bytes per second in B/s, kB/s or MB/s (decimal, as network rates are), whichever fits `max`. */
function scaleFor(unit: Unit, max: number): Scale {
  if (unit === "bytes/s") return max >= 1e6 ? { divisor: 1e6, unit: "MB/s" } : max >= 1e3 ? { divisor: 1e3, unit: "kB/s" } : { divisor: 1, unit: "B/s" };
  return { divisor: 1, unit: unit === "frames/s" ? "fps" : unit === "packets/s" ? "pkt/s" : unit };
}

/** One value with its unit: "0.42 ms", "12.3 kB/s". */
export function formatQuantity(value: number, unit: Unit): string {
  const scale = scaleFor(unit, value);
  return `${formatNumber(value / scale.divisor)} ${scale.unit}`;
}

/** "45 s", "2 min 30 s", "5 min". */
export function formatSpan(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

/** The smallest of 1, 2, 2.5, 5 × 10^n at or above `value` (1 for nothing to show). */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const fraction = value / power;
  const nice = [1, 2, 2.5, 5, 10].find((n) => fraction <= n + 1e-9) ?? 10;
  return nice * power;
}

export interface TimeDomain {
  from: number;
  to: number;
}

/**
 * The stretch of time every graph of a history spans: up to its newest sample or mark, and at least
 * MIN_SPAN_MS long (the history itself is at most five minutes).
 */
export function timeDomain(history: StatsHistory): TimeDomain | undefined {
  const times = [...history.samples.map((s) => s.at), ...history.marks.map((m) => m.at)];
  if (times.length === 0) return undefined;
  const to = Math.max(...times);
  const from = Math.min(Math.min(...times), to - MIN_SPAN_MS);
  return { from, to };
}

export interface Tick {
  /** Across: 0 to PLOT_WIDTH; down: 0 (top) to PLOT_HEIGHT. */
  position: number;
  label: string;
}

export interface SeriesText {
  label: string;
  latest: string;
  lowest: string;
  highest: string;
}

export interface ChartView {
  /** Samples in which this graph has a value. */
  count: number;
  /** The value axis' unit after scaling ("kB/s"). */
  unit: string;
  valueTicks: Tick[];
  timeTicks: Tick[];
  /** SVG path data, one per series ("" for a series with no value). */
  paths: string[];
  /** Event markers: where, and the numbers of the marks there (as in the list of events). */
  markers: Tick[];
  rows: SeriesText[];
  /** What the values below the graph are from: "45 samples over 44 s", or that there is none yet. */
  caption: string;
}

const round = (n: number): number => Math.round(n * 10) / 10;

function timeTicks(domain: TimeDomain, clock: (at: number) => string): Tick[] {
  const span = domain.to - domain.from;
  // A saved file may span more than the five minutes the demo keeps: the step grows with it, so
  // there are never more than MAX_TIME_TICKS labels.
  const stepS = TICK_STEPS_S.find((s) => span / (s * 1000) <= MAX_TIME_TICKS) ?? niceCeiling(span / 1000 / MAX_TIME_TICKS);
  const step = stepS * 1000;
  const ticks: Tick[] = [];
  for (let at = Math.ceil(domain.from / step) * step; at <= domain.to; at += step) ticks.push({ position: round(((at - domain.from) / span) * PLOT_WIDTH), label: clock(at) });
  return ticks;
}

/** Path data for one series: joined points, broken where a value is missing or samples are far apart. */
function pathFor(points: readonly { at: number; value: number | undefined }[], x: (at: number) => number, y: (value: number) => number): string {
  const runs: string[][] = [];
  let lastAt: number | undefined;
  for (const { at, value } of points) {
    if (value === undefined) {
      lastAt = undefined;
      continue;
    }
    const point = `${round(x(at))} ${round(y(value))}`;
    const run = runs.at(-1);
    if (run && lastAt !== undefined && at - lastAt <= GAP_MS) run.push(point);
    else runs.push([point]);
    lastAt = at;
  }
  // A point on its own is drawn as a dot: a zero-length line, which round caps make visible.
  return runs.map(([first, ...rest]) => `M${first ?? ""}${rest.length === 0 ? "h0" : rest.map((p) => `L${p}`).join("")}`).join("");
}

function markers(history: StatsHistory, x: (at: number) => number): Tick[] {
  const out: { position: number; numbers: number[] }[] = [];
  history.marks.forEach((mark, i) => {
    const position = round(x(mark.at));
    const last = out.at(-1);
    if (last && Math.abs(position - last.position) < MARKER_MERGE) last.numbers.push(i + 1);
    else out.push({ position, numbers: [i + 1] });
  });
  return out.map((m) => ({ position: m.position, label: m.numbers.join(", ") }));
}

export function chartView(history: StatsHistory, spec: ChartSpec, clock: (at: number) => string = clockTime): ChartView {
  const domain = timeDomain(history);
  const values = spec.series.map((series) => history.samples.map((s) => ({ at: s.at, value: series.value(s) })));
  const known = values.flat().flatMap((p) => (p.value === undefined ? [] : [p.value]));
  const count = history.samples.filter((s) => spec.series.some((series) => series.value(s) !== undefined)).length;
  const rows = spec.series.map((series, i): SeriesText => {
    const own = (values[i] ?? []).flatMap((p) => (p.value === undefined ? [] : [p.value]));
    const text = (v: number | undefined): string => (v === undefined ? "—" : formatQuantity(v, spec.unit));
    return { label: series.label, latest: text(own.at(-1)), lowest: text(own.length ? Math.min(...own) : undefined), highest: text(own.length ? Math.max(...own) : undefined) };
  });
  const scale = scaleFor(spec.unit, known.length ? Math.max(...known) : 0);
  const top = niceCeiling((known.length ? Math.max(...known) : 0) / scale.divisor);
  const valueTicks = [0, top / 2, top].map((v) => ({ position: round(PLOT_HEIGHT - (v / top) * PLOT_HEIGHT), label: formatNumber(v) }));
  if (!domain) return { count, unit: scale.unit, valueTicks, timeTicks: [], paths: spec.series.map(() => ""), markers: [], rows, caption: "No samples yet." };

  const x = (at: number): number => ((at - domain.from) / (domain.to - domain.from)) * PLOT_WIDTH;
  const y = (value: number): number => PLOT_HEIGHT - (value / scale.divisor / top) * PLOT_HEIGHT;
  const sampled = history.samples.filter((s) => spec.series.some((series) => series.value(s) !== undefined));
  const first = sampled[0]?.at;
  const last = sampled.at(-1)?.at;
  const caption =
    first === undefined || last === undefined ? "No samples yet." : `${count} sample${count === 1 ? "" : "s"}${count > 1 ? ` over ${formatSpan(last - first)}` : ""}, ${clock(first)} to ${clock(last)}`;
  return {
    count,
    unit: scale.unit,
    valueTicks,
    timeTicks: timeTicks(domain, clock),
    paths: values.map((points) => pathFor(points, x, y)),
    markers: markers(history, x),
    rows,
    caption,
  };
}

export interface SampleRow {
  key: string;
  cells: string[];
}

/** How many samples the panel's table lists. */
export const RECENT_SAMPLES = 10;
export const SAMPLE_COLUMNS = ["Time", "Round trip", "Received", "Sent", "Video", "Lost", "Jitter (audio / video)"] as const;

/** The newest `count` samples, newest first, as text: the graphs' data for a screen reader. */
export function sampleRows(history: StatsHistory, count: number, clock: (at: number) => string = clockTime): SampleRow[] {
  const text = (v: number | undefined, unit: Unit): string => (v === undefined ? "—" : formatQuantity(v, unit));
  return history.samples
    .slice(-count)
    .reverse()
    .map((s) => ({
      key: `sample-${s.at}`,
      cells: [
        clock(s.at),
        text(s.rttMs, "ms"),
        text(s.receivedBytesPerSecond, "bytes/s"),
        text(s.sentBytesPerSecond, "bytes/s"),
        text(s.framesPerSecond, "frames/s"),
        text(s.packetsLostPerSecond, "packets/s"),
        s.audioJitterMs === undefined && s.videoJitterMs === undefined ? "—" : `${text(s.audioJitterMs, "ms")} / ${text(s.videoJitterMs, "ms")}`,
      ],
    }));
}

/** One line per mark, numbered as the markers on the graphs are. */
export function markLines(history: StatsHistory, clock: (at: number) => string = clockTime): { key: string; at: number; time: string; label: string }[] {
  const seen = new Map<string, number>();
  return history.marks.map((m) => {
    // Keyed by content, so a line keeps its element while older ones drop off; twins get a suffix.
    const base = `${m.at}-${m.kind}-${m.label}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { key: n === 1 ? base : `${base}-${n}`, at: m.at, time: clock(m.at), label: m.label };
  });
}

/** The panel's one-line status: what is being shown, or what will be. */
export function statsStatus(history: StatsHistory, emptyText: string, clock: (at: number) => string = clockTime): string {
  const first = history.samples[0];
  const last = history.samples.at(-1);
  if (!first || !last) return emptyText;
  return `${history.samples.length} sample${history.samples.length === 1 ? "" : "s"}, ${clock(first.at)} to ${clock(last.at)}.`;
}
