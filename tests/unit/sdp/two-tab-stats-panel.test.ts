// @vitest-environment jsdom
/**
 * The live stats panel drawn into its markup (src/demos/two-tab/panels/draw-stats.ts) in jsdom:
 * the empty state, lines and text once there are samples, media graphs when media arrives, and a
 * refresh every second that changes only what changed (same elements, focus kept, no mutation at
 * all when nothing is new). The markup below follows StatsPanel.astro and StatsChart.astro's
 * data-part contract; the browser tests draw the real one.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { drawStats } from "../../../src/demos/two-tab/panels/draw-stats.ts";
import { CHARTS, PLOT_HEIGHT, PLOT_WIDTH, SAMPLE_COLUMNS } from "../../../src/demos/two-tab/stats-chart.ts";
import { StatsRecorder, type StatsHistory } from "../../../src/demos/two-tab/stats-history.ts";
import type { StatsEntry } from "../../../src/demos/two-tab/pairs.ts";

const EMPTY_TEXT = "Once the two tabs are connected, the graphs appear here.";
const utc = (at: number): string => new Date(at).toISOString().slice(11, 19);
const T0 = Date.UTC(2026, 10, 23, 21, 0, 0);

function chartMarkup(key: string, series: number): string {
  const lines = Array.from({ length: series }, (_, i) => `<path data-part="stats-line-${i}" class="st-line st-k${i + 1}"></path>`).join("");
  return `<figure data-part="stats-chart-${key}"><figcaption>(<span data-part="stats-unit"></span>)</figcaption>
    <div class="st-plot" aria-hidden="true"><svg viewBox="0 0 ${PLOT_WIDTH} ${PLOT_HEIGHT}" preserveAspectRatio="none"><g data-part="stats-grid"></g><g data-part="stats-marker-lines"></g>${lines}</svg>
    <div data-part="stats-value-labels"></div><div data-part="stats-time-labels"></div><div data-part="stats-pins"></div><p data-part="stats-plot-empty">No samples yet</p></div>
    <table><caption data-part="stats-caption"></caption><tbody data-part="stats-values"></tbody></table></figure>`;
}

function panel(): HTMLElement {
  const charts = (group: string): string => CHARTS.filter((c) => c.group === group).map((c) => chartMarkup(c.key, c.series.length)).join("");
  document.body.innerHTML = `<div id="root"><section data-part="stats" data-empty="${EMPTY_TEXT}">
    <p data-part="stats-status">${EMPTY_TEXT}</p>${charts("pair")}
    <p data-part="stats-no-media"></p><div data-part="stats-media" hidden>${charts("media")}</div>
    <p data-part="stats-no-marks">None yet.</p><ol data-part="stats-marks"></ol>
    <details><summary>table</summary><div class="tt-scroll" tabindex="0"><table><tbody data-part="stats-samples"><tr><td colspan="${SAMPLE_COLUMNS.length}">No samples yet.</td></tr></tbody></table></div></details>
  </section></div>`;
  return document.getElementById("root") as HTMLElement;
}

/** A getStats() report of one selected pair, with an inbound video stream when `video` is given. */
function report(sent: number, received: number, rtt: number, video?: { fps: number; lost: number }): StatsEntry[] {
  return [
    { id: "T", type: "transport", selectedCandidatePairId: "P" },
    { id: "L", type: "local-candidate", candidateType: "host", usernameFragment: "u" },
    { id: "R", type: "remote-candidate", candidateType: "host" },
    { id: "P", type: "candidate-pair", localCandidateId: "L", remoteCandidateId: "R", currentRoundTripTime: rtt, bytesSent: sent, bytesReceived: received },
    ...(video ? [{ id: "IV", type: "inbound-rtp", kind: "video", framesPerSecond: video.fps, packetsLost: video.lost, jitter: 0.005 }] : []),
  ];
}

function recorded(seconds: number, withVideo = false): { recorder: StatsRecorder; next(): StatsHistory } {
  const recorder = new StatsRecorder();
  recorder.mark(T0 - 500, "peer", "the other tab joined");
  let n = 0;
  const next = (): StatsHistory => {
    recorder.sample(T0 + n * 1000, 1, report(n * 1000, n * 3000, 0.001 + n * 0.0001, withVideo ? { fps: 30, lost: n } : undefined));
    n += 1;
    return recorder.history;
  };
  for (let i = 0; i < seconds; i++) next();
  return { recorder, next };
}

const q = <T extends Element = HTMLElement>(root: ParentNode, selector: string): T => {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`missing ${selector}`);
  return found;
};
const text = (root: ParentNode, selector: string): string => q(root, selector).textContent ?? "";
const valueRows = (root: ParentNode, key: string): string[][] =>
  [...root.querySelectorAll(`[data-part=stats-chart-${key}] [data-part=stats-values] tr`)].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? ""));

let root: HTMLElement;
beforeEach(() => {
  root = panel();
});

describe("drawStats", () => {
  it("before any sample: says what will appear, and draws no line", () => {
    drawStats(root, { samples: [], marks: [] }, utc);
    expect(text(root, "[data-part=stats-status]")).toBe(EMPTY_TEXT);
    expect(q(root, "[data-part=stats-chart-rtt] [data-part=stats-plot-empty]").hidden).toBe(false);
    expect(q(root, "[data-part=stats-chart-rtt] [data-part=stats-line-0]").hasAttribute("d")).toBe(false);
    expect(valueRows(root, "rtt")).toEqual([["RTT", "—", "—", "—"]]);
    expect(q(root, "[data-part=stats-no-marks]").hidden).toBe(false);
    expect(q(root, "[data-part=stats-media]").hidden).toBe(true);
    expect(text(root, "[data-part=stats-samples]")).toBe("No samples yet.");
  });

  it("draws the lines as SVG paths and every number as text: values, units, times, markers and events", () => {
    drawStats(root, recorded(5).recorder.history, utc);
    const rtt = q(root, "[data-part=stats-chart-rtt]");
    expect(q(rtt, "[data-part=stats-plot-empty]").hidden).toBe(true);
    expect(q(rtt, "[data-part=stats-line-0]").getAttribute("d")).toMatch(/^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){4}$/u);
    expect(text(rtt, "[data-part=stats-unit]")).toBe("ms");
    expect(valueRows(root, "rtt")).toEqual([["RTT", "1.4 ms", "1 ms", "1.4 ms"]]);
    expect(text(rtt, "[data-part=stats-caption]")).toBe("5 samples over 4 s, 21:00:00 to 21:00:04");
    expect([...rtt.querySelectorAll("[data-part=stats-value-labels] span")].map((s) => s.textContent)).toEqual(["0", "1", "2"]);
    expect([...rtt.querySelectorAll("[data-part=stats-time-labels] span")].map((s) => s.textContent)).toEqual(["20:59:15", "20:59:30", "20:59:45", "21:00:00"]);
    // Two marks half a second apart (joined, connected) share one marker.
    expect([...rtt.querySelectorAll("[data-part=stats-pins] span")].map((s) => s.textContent)).toEqual(["1, 2"]);
    expect(rtt.querySelectorAll("[data-part=stats-marker-lines] line")).toHaveLength(1);
    // The rate: received 3 kB/s and sent 1 kB/s (counter deltas), the first sample without.
    const rate = q(root, "[data-part=stats-chart-rate]");
    expect(text(rate, "[data-part=stats-unit]")).toBe("kB/s");
    expect(valueRows(root, "rate")).toEqual([
      ["received", "3 kB/s", "3 kB/s", "3 kB/s"],
      ["sent", "1 kB/s", "1 kB/s", "1 kB/s"],
    ]);
    expect(q(rate, "[data-part=stats-line-1]").getAttribute("d")).toMatch(/^M/u);
    // The events, numbered by the list, with machine-readable times.
    expect([...root.querySelectorAll("[data-part=stats-marks] li")].map((li) => li.textContent)).toEqual(["20:59:59 the other tab joined", "21:00:00 connected over a host/host pair"]);
    expect(q(root, "[data-part=stats-marks] time").getAttribute("datetime")).toBe(new Date(T0 - 500).toISOString());
    expect(q(root, "[data-part=stats-no-marks]").hidden).toBe(true);
    expect(text(root, "[data-part=stats-status]")).toBe("5 samples, 21:00:00 to 21:00:04.");
    const rows = [...root.querySelectorAll("[data-part=stats-samples] tr")];
    expect(rows.map((tr) => tr.querySelector("td")?.textContent)).toEqual(["21:00:04", "21:00:03", "21:00:02", "21:00:01", "21:00:00"]);
  });

  it("changes nothing in the page when the history is the same, and keeps elements and focus when a sample arrives", () => {
    const { recorder, next } = recorded(12);
    drawStats(root, recorder.history, utc);
    const changes: MutationRecord[] = [];
    const observer = new MutationObserver((records) => changes.push(...records));
    observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
    drawStats(root, recorder.history, utc);
    // Each record as "type attribute target", to read in a failure.
    const describe = (c: MutationRecord): string => `${c.type} ${c.attributeName ?? ""} ${c.target instanceof Element ? c.target.outerHTML.slice(0, 80) : c.target.nodeName}`;
    expect(observer.takeRecords().concat(changes).map(describe)).toEqual([]);

    const scroller = q(root, ".tt-scroll");
    scroller.focus();
    const before = {
      row: root.querySelector("[data-part=stats-samples] tr[data-key]"),
      mark: root.querySelector("[data-part=stats-marks] li"),
      value: root.querySelector("[data-part=stats-chart-rtt] [data-part=stats-values] tr"),
      label: root.querySelector("[data-part=stats-chart-rtt] [data-part=stats-time-labels] span"),
      path: root.querySelector("[data-part=stats-chart-rtt] path"),
    };
    drawStats(root, next(), utc);
    observer.disconnect();
    expect(document.activeElement).toBe(scroller);
    // The newest sample is a new first row; the rows already there are the same elements.
    const rows = [...root.querySelectorAll("[data-part=stats-samples] tr[data-key]")];
    expect(rows).toHaveLength(10);
    expect(rows[1]).toBe(before.row);
    expect(root.querySelector("[data-part=stats-marks] li")).toBe(before.mark);
    expect(root.querySelector("[data-part=stats-chart-rtt] [data-part=stats-values] tr")).toBe(before.value);
    expect(root.querySelector("[data-part=stats-chart-rtt] [data-part=stats-time-labels] span")).toBe(before.label);
    expect(root.querySelector("[data-part=stats-chart-rtt] path")).toBe(before.path);
    // Nothing was removed from the graphs or the events: only rows beyond the ten shown.
    const removed = changes.flatMap((c) => [...c.removedNodes]).filter((n) => n instanceof Element && !n.matches("tr"));
    expect(removed).toEqual([]);
  });

  it("shows the media graphs once media arrives", () => {
    drawStats(root, recorded(3, true).recorder.history, utc);
    expect(q(root, "[data-part=stats-media]").hidden).toBe(false);
    expect(q(root, "[data-part=stats-no-media]").hidden).toBe(true);
    expect(valueRows(root, "fps")).toEqual([["video", "30 fps", "30 fps", "30 fps"]]);
    expect(valueRows(root, "lost")).toEqual([["lost", "1 pkt/s", "1 pkt/s", "1 pkt/s"]]);
    expect(valueRows(root, "jitter")).toEqual([
      ["audio", "—", "—", "—"],
      ["video", "5 ms", "5 ms", "5 ms"],
    ]);
    expect(q(root, "[data-part=stats-chart-fps] [data-part=stats-line-0]").getAttribute("d")).toMatch(/^M/u);
    // Row keys are unique in the page (two graphs have a "video" series): other tables' code looks rows up by key.
    const keys = [...root.querySelectorAll("[data-key]")].map((e) => e.getAttribute("data-key"));
    expect(keys).toContain("fps-video");
    expect(keys).toContain("jitter-video");
    expect(new Set(keys).size).toBe(keys.length);
  });
});
