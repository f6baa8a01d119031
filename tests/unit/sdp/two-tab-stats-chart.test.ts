/**
 * The live stats graphs as numbers and words (src/demos/two-tab/stats-chart.ts): scales and units,
 * where lines break, the time axis, event markers, and the text that stands in for the drawing.
 */
import { describe, expect, it } from "vitest";
import {
  CHARTS,
  chartView,
  formatNumber,
  formatQuantity,
  formatSpan,
  markLines,
  MIN_SPAN_MS,
  niceCeiling,
  PLOT_HEIGHT,
  PLOT_WIDTH,
  sampleRows,
  statsStatus,
  timeDomain,
  type ChartSpec,
} from "../../../src/demos/two-tab/stats-chart.ts";
import type { StatsHistory, StatsSample } from "../../../src/demos/two-tab/stats-history.ts";

const chart = (key: ChartSpec["key"]): ChartSpec => {
  const found = CHARTS.find((c) => c.key === key);
  if (!found) throw new Error(`no chart ${key}`);
  return found;
};
/** Seconds since the start of the day, UTC: deterministic whatever the machine's time zone. */
const utc = (at: number): string => new Date(at).toISOString().slice(11, 19);
const T0 = Date.UTC(2026, 10, 23, 21, 0, 0);
const history = (samples: readonly Partial<StatsSample>[], marks: StatsHistory["marks"] = []): StatsHistory => ({
  samples: samples.map((s, i) => ({ at: T0 + i * 1000, ...s })),
  marks,
});

/** The path's points as [x, y] pairs, per subpath. */
function points(d: string): [number, number][][] {
  return d
    .split("M")
    .filter(Boolean)
    .map((sub) => [...sub.matchAll(/(-?[\d.]+) (-?[\d.]+)/gu)].map((m) => [Number(m[1]), Number(m[2])] as [number, number]));
}

describe("numbers and units as text", () => {
  it("at most three significant figures, no trailing zeros", () => {
    expect([0, 0.254, 2.5, 12.34, 150.4, 1234].map(formatNumber)).toEqual(["0", "0.25", "2.5", "12.3", "150", "1234"]);
  });

  it("bytes per second in B/s, kB/s or MB/s, whichever reads best", () => {
    expect(formatQuantity(950, "bytes/s")).toBe("950 B/s");
    expect(formatQuantity(12_345, "bytes/s")).toBe("12.3 kB/s");
    expect(formatQuantity(2_500_000, "bytes/s")).toBe("2.5 MB/s");
    expect(formatQuantity(0.42, "ms")).toBe("0.42 ms");
    expect(formatQuantity(30, "frames/s")).toBe("30 fps");
  });

  it("spans in seconds and minutes", () => {
    expect([0, 45_000, 150_000, 300_000].map(formatSpan)).toEqual(["0 s", "45 s", "2 min 30 s", "5 min"]);
  });

  it("rounds an axis up to 1, 2, 2.5 or 5 times a power of ten", () => {
    expect([0, 0.3, 0.42, 1, 1.7, 2.2, 3, 7, 180, 999].map(niceCeiling)).toEqual([1, 0.5, 0.5, 1, 2, 2.5, 5, 10, 200, 1000]);
  });
});

describe("chartView", () => {
  it("scales the data rate to kB/s and labels the value axis 0, half and top", () => {
    const view = chartView(history([{}, { receivedBytesPerSecond: 1800, sentBytesPerSecond: 400 }, { receivedBytesPerSecond: 900, sentBytesPerSecond: 0 }]), chart("rate"), utc);
    expect(view.unit).toBe("kB/s");
    expect(view.valueTicks).toEqual([
      { position: PLOT_HEIGHT, label: "0" },
      { position: PLOT_HEIGHT / 2, label: "1" },
      { position: 0, label: "2" },
    ]);
    expect(view.rows).toEqual([
      { label: "received", latest: "900 B/s", lowest: "900 B/s", highest: "1.8 kB/s" },
      { label: "sent", latest: "0 B/s", lowest: "0 B/s", highest: "400 B/s" },
    ]);
    // The first sample has no rate: two samples in this graph.
    expect(view.count).toBe(2);
    expect(view.caption).toBe("2 samples over 1 s, 21:00:01 to 21:00:02");
  });

  it("draws every point inside the plot, and breaks a line where a value is missing or polls were missed", () => {
    const samples = [{ rttMs: 1 }, { rttMs: 2 }, {}, { rttMs: 3 }, { rttMs: 4 }, { at: T0 + 9000, rttMs: 2 }];
    const view = chartView({ samples: samples.map((s, i) => ({ at: T0 + i * 1000, ...s })), marks: [] }, chart("rtt"), utc);
    const subpaths = points(view.paths[0] ?? "");
    expect(subpaths.map((p) => p.length)).toEqual([2, 2, 1]);
    for (const [x, y] of subpaths.flat()) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(PLOT_WIDTH);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(PLOT_HEIGHT);
    }
    // A point on its own is a dot.
    expect(view.paths[0]).toMatch(/h0$/u);
    // The highest value (4 ms, axis top 5 ms) sits a fifth of the way down.
    expect(subpaths[1]?.[1]?.[1]).toBe(20);
  });

  it("spans at least a minute, ending at the newest sample or mark, so the first samples stay at the right", () => {
    const view = chartView(history([{ rttMs: 1 }, { rttMs: 1 }]), chart("rtt"), utc);
    expect(timeDomain(history([{ rttMs: 1 }, { rttMs: 1 }]))).toEqual({ from: T0 + 1000 - MIN_SPAN_MS, to: T0 + 1000 });
    const [[first, second] = []] = points(view.paths[0] ?? "");
    expect(second?.[0]).toBe(PLOT_WIDTH);
    expect(first?.[0]).toBeCloseTo(PLOT_WIDTH * (1 - 1000 / MIN_SPAN_MS), 1);
    // Time labels on whole steps, in order, at most four.
    expect(view.timeTicks.map((t) => t.label)).toEqual(["20:59:15", "20:59:30", "20:59:45", "21:00:00"]);
  });

  it("keeps the time axis to four labels even for a file that claims years", () => {
    const view = chartView({ samples: [{ at: 0, rttMs: 1 }, { at: T0, rttMs: 1 }], marks: [] }, chart("rtt"), utc);
    expect(view.timeTicks.length).toBeLessThanOrEqual(4);
  });

  it("numbers the marks as the list does, and merges markers too close to tell apart", () => {
    const marks: StatsHistory["marks"] = [
      { at: T0, kind: "peer", label: "the other tab joined" },
      { at: T0 + 300, kind: "connected", label: "connected over a host/host pair" },
      { at: T0 + 40_000, kind: "ice-restart", label: "ICE restart: a new ICE session, on a host/host pair" },
    ];
    const samples = Array.from({ length: 61 }, () => ({ rttMs: 1 }));
    const view = chartView(history(samples, marks), chart("rtt"), utc);
    expect(view.markers.map((m) => m.label)).toEqual(["1, 2", "3"]);
    expect(view.markers[1]?.position).toBeCloseTo((40 / 60) * PLOT_WIDTH, 1);
    expect(markLines(history(samples, marks), utc).map((l) => `${l.time} ${l.label}`)).toEqual([
      "21:00:00 the other tab joined",
      "21:00:00 connected over a host/host pair",
      "21:00:40 ICE restart: a new ICE session, on a host/host pair",
    ]);
  });

  it("with nothing to show: no lines, a dash for each value, and says so", () => {
    const view = chartView({ samples: [], marks: [] }, chart("jitter"), utc);
    expect(view.paths).toEqual(["", ""]);
    expect(view.rows.map((r) => [r.label, r.latest, r.lowest, r.highest])).toEqual([
      ["audio", "—", "—", "—"],
      ["video", "—", "—", "—"],
    ]);
    expect(view.caption).toBe("No samples yet.");
    expect(view.count).toBe(0);
  });
});

describe("the text alternatives", () => {
  it("lists the newest samples first, with a dash where a sample has no value", () => {
    const rows = sampleRows(history([{ rttMs: 1.5 }, { rttMs: 2, receivedBytesPerSecond: 2048, sentBytesPerSecond: 10, audioJitterMs: 3 }]), 10, utc);
    expect(rows.map((r) => r.cells)).toEqual([
      ["21:00:01", "2 ms", "2.05 kB/s", "10 B/s", "—", "—", "3 ms / —"],
      ["21:00:00", "1.5 ms", "—", "—", "—", "—", "—"],
    ]);
    expect(sampleRows(history(Array.from({ length: 30 }, () => ({}))), 10, utc)).toHaveLength(10);
  });

  it("the panel's status: what will appear, then what is shown", () => {
    expect(statsStatus({ samples: [], marks: [] }, "Once connected…", utc)).toBe("Once connected…");
    expect(statsStatus(history([{}, {}, {}]), "Once connected…", utc)).toBe("3 samples, 21:00:00 to 21:00:02.");
  });
});
