/**
 * Benchmark (a script, not a test): how long the two-tab demo takes from the second tab's arrival
 * in the room (its room:join acknowledged) to the data channel opening, beside the floor measured
 * in the same run and browser: two RTCPeerConnections in one page, connected directly, with the
 * same ICE servers. Prints both medians and their ratio (target: at most 1.3).
 *
 *   node_modules/.bin/node tests/bench/two-tab-bench.ts [runs=25]
 *
 * Needs the built site (npm run build) and Chromium (see tests/e2e/support/browser.ts).
 */
import type { Page } from "playwright-core";
import { startTestServer } from "../support/test-server.ts";
import { launchChromium } from "../e2e/support/browser.ts";

const RUNS = Math.max(20, Number(process.argv[2] ?? 25) || 25);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

/** The floor: two peer connections in one page, candidates and descriptions handed over in memory. */
async function floorRun(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const config = (await (await fetch("/api/ice-config", { cache: "no-store" })).json()) as { iceServers: RTCIceServer[] };
    const start = performance.now();
    const a = new RTCPeerConnection({ iceServers: config.iceServers });
    const b = new RTCPeerConnection({ iceServers: config.iceServers });
    a.onicecandidate = (e) => void b.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
    b.onicecandidate = (e) => void a.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
    const channel = a.createDataChannel("chat");
    const open = new Promise<number>((resolve) => channel.addEventListener("open", () => resolve(performance.now() - start)));
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription as RTCSessionDescription);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription as RTCSessionDescription);
    const ms = await open;
    a.close();
    b.close();
    return ms;
  });
}

async function main(): Promise<void> {
  const server = await startTestServer();
  const browser = await launchChromium();
  try {
    const floorPage = await browser.newPage();
    await floorPage.goto(server.url);
    const first = await browser.newPage();
    await first.goto(new URL("/demo/", server.url).href);
    await first.waitForFunction(() => (document.querySelector<HTMLInputElement>("[data-testid=room-link]")?.value ?? "").includes("room="));
    const link = await first.getByTestId("room-link").inputValue();

    const twoTab: number[] = [];
    const freshFloor: number[] = [];
    const fromNavigation: number[] = [];
    const floor: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      floor.push(await floorRun(floorPage));
      // The second tab is always a fresh page; so is this floor variant (first WebRTC use in a page).
      const fresh = await browser.newPage();
      await fresh.goto(server.url);
      freshFloor.push(await floorRun(fresh));
      await fresh.close();
      const second = await browser.newPage();
      const navStart = Date.now();
      await second.goto(link);
      // The demo measures its own runs: from room:join acknowledged (with the first tab present)
      // to the data channel's open event, on the page's monotonic clock.
      await second.waitForFunction(() => /\d+ ms\s*$/u.test(document.querySelector("[data-testid=runs] tr td:last-child")?.textContent ?? ""), undefined, {
        timeout: 20_000,
        polling: 5,
      });
      fromNavigation.push(Date.now() - navStart);
      const cell = (await second.locator("[data-testid=runs] tr td:last-child").first().textContent()) ?? "";
      twoTab.push(Number(/(\d+) ms/u.exec(cell)?.[1]));
      await second.close();
      await first.waitForFunction(() => document.querySelector("[data-testid=demo-status]")?.textContent?.includes("left") ?? false);
    }
    const twoTabMedian = median(twoTab);
    const floorMedian = median(floor);
    console.log(`runs: ${RUNS}`);
    console.log(`two-tab (second tab's arrival -> data channel open): median ${twoTabMedian.toFixed(1)} ms  [${twoTab.join(", ")}]`);
    console.log(`floor (two RTCPeerConnections in one page, same ICE servers): median ${floorMedian.toFixed(1)} ms  [${floor.map((v) => v.toFixed(0)).join(", ")}]`);
    console.log(`ratio two-tab / floor: ${(twoTabMedian / floorMedian).toFixed(2)} (target <= 1.3)`);
    const freshMedian = median(freshFloor);
    console.log(`floor in a fresh page each run: median ${freshMedian.toFixed(1)} ms  [${freshFloor.map((v) => v.toFixed(0)).join(", ")}]; ratio two-tab / fresh floor: ${(twoTabMedian / freshMedian).toFixed(2)}`);
    console.log(`for reference, second tab's navigation start -> open seen by the test: median ${median(fromNavigation).toFixed(0)} ms (includes page load and polling)`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
