/**
 * The saved session viewer (/demo/session/) in Chromium against the built site: a session
 * downloaded from two connected demo tabs opens with the demo's own panels, without the page
 * opening any connection; bad files get an alert and change nothing else; keyboard, axe, no-JS.
 */
import { readFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { exportSession } from "../../src/demos/two-tab/export.ts";
import { MAX_SESSION_FILE_BYTES } from "../../src/demos/two-tab/session-file.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { SESSION } from "../unit/sdp/two-tab-session-fixture.ts";
import { collectPageErrors, launchChromium } from "./support/browser.ts";
import { candidateRows } from "./support/candidate-rows.ts";
import { checkOverflow, cutOffCaptions, PHONE, withoutJavaScript } from "./support/layout.ts";
import { readMatrix } from "./support/pair-matrix.ts";
import { DemoTabs } from "./support/two-tab.ts";

let server: TestServer;
let browser: Browser;
let tabs: DemoTabs;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  tabs = new DemoTabs(browser, server.url);
});
afterEach(async () => {
  await tabs?.closeAll();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Viewer {
  page: Page;
  errors: string[];
  /** Paths of every request the page made after it loaded. */
  requests: string[];
  websockets: string[];
}

/** The viewer in a fresh context that counts RTCPeerConnections made and requests sent. */
async function openViewer(): Promise<Viewer> {
  const context = await browser.newContext();
  tabs.track(context);
  await context.addInitScript(() => {
    const counted = window as unknown as { peerConnections: number };
    counted.peerConnections = 0;
    const Original = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Original {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        counted.peerConnections += 1;
      }
    };
  });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(new URL("/demo/session/", server.url).href);
  const requests: string[] = [];
  const websockets: string[] = [];
  page.on("request", (request) => requests.push(new URL(request.url()).pathname));
  page.on("websocket", (ws) => websockets.push(ws.url()));
  return { page, errors, requests, websockets };
}

const fileOf = (name: string, text: string): { name: string; mimeType: string; buffer: Buffer } => ({ name, mimeType: "application/json", buffer: Buffer.from(text) });
const sampleJson = (): string => exportSession(SESSION, { maskAddresses: false, exportedAt: "2026-11-23T21:00:00.000Z" });

async function download(page: Page, masked: boolean): Promise<{ path: string; text: string }> {
  await page.locator("[data-part=mask]").setChecked(masked);
  const event = page.waitForEvent("download");
  await page.getByTestId("export").click();
  const path = await (await event).path();
  return { path, text: await readFile(path, "utf8") };
}

interface SavedJson {
  candidates: { side: string; type: string; address: string }[];
  timeline: unknown[];
  selectedPair?: string;
  dtlsState?: string;
  statsHistory?: { samples: { at: number; rttMs?: number }[]; marks: { label: string }[] };
}

/** How many samples a stats graph's values are from ("12 samples over 11 s, …"). */
async function graphSamples(page: Page, chart: string): Promise<number> {
  const caption = (await page.locator(`[data-testid=stats-chart-${chart}] [data-part=stats-caption]`).textContent()) ?? "";
  return Number(/^(\d+) samples?/u.exec(caption)?.[1] ?? 0);
}

describe("saved session viewer", () => {
  it("opens the sessions two connected tabs saved, masked then not, with the demo's panels and no connection", async () => {
    const { a } = await tabs.connectedPair();
    await expect.poll(() => a.getByTestId("selected-pair").getAttribute("data-local-type"), { timeout: 10_000 }).not.toBeNull();
    await expect.poll(() => a.getByTestId("runs").textContent(), { timeout: 10_000 }).toMatch(/\d+ ms.*\d+ ms/u);
    // The demo refreshes its descriptions with each stats poll (every second): an answer written
    // before its candidates were gathered gets them then. Wait for both, so the file has them.
    for (const id of ["local-sdp", "remote-sdp"]) await expect.poll(async () => (await a.getByTestId(id).textContent()) ?? "", { timeout: 10_000 }).toContain("a=candidate:");
    // And at least two stats samples, so the file has graphs to draw.
    await expect.poll(() => graphSamples(a, "rtt"), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(await a.getByTestId("open-saved-session").getAttribute("href")).toBe("/demo/session/");
    const masked = await download(a, true);
    const plain = await download(a, false);

    const viewer = await openViewer();
    const { page } = viewer;
    expect(await page.locator("main a[href='/demo/']").count()).toBeGreaterThan(0);
    expect(await page.getByTestId("session").isVisible()).toBe(false);
    await page.getByTestId("session-file").setInputFiles(masked.path);

    const json = JSON.parse(masked.text) as SavedJson;
    await expect.poll(() => page.getByTestId("session").isVisible()).toBe(true);
    expect(await page.getByTestId("masked").textContent()).toMatch(/^masked/u);
    expect(await page.getByTestId("connection-state").textContent()).toBe("connected");
    expect(json.dtlsState).toBe("connected");
    expect(await page.getByTestId("dtls-state").textContent()).toBe("connected");
    for (const id of ["local-sdp", "remote-sdp"]) {
      expect(await page.getByTestId(id).textContent()).toContain("v=0");
      expect(await page.getByTestId(id).textContent()).toContain("a=candidate:");
    }
    // One row per candidate in the file, on its side, with its type.
    const rows = await candidateRows(page);
    expect(rows.map((r) => `${r.side} ${r.type} ${r.address}`).sort()).toEqual(json.candidates.map((c) => `${c.side} ${c.type} ${c.address}`).sort());
    expect(rows.some((r) => r.side === "local") && rows.some((r) => r.side === "remote")).toBe(true);
    expect(rows.every((r) => /^x\.x\.x\.\d+$|^x:x::\d+$|^127\.0\.0\.1$|^::1$|\.local$/u.test(r.address))).toBe(true);
    // A masked file has no link IDs: the viewer works them out, and the SDP-to-row links work.
    await page.locator("[data-testid=local-sdp] a[data-jump]").first().evaluate((link: HTMLAnchorElement) => link.click());
    const focused = await page.evaluate(() => document.activeElement?.id ?? "");
    expect(focused).toMatch(/^local-cand-[0-9a-f]{8}$/u);
    expect(await page.locator(`#${focused}`).getAttribute("data-candidate-type")).not.toBeNull();
    // The selected pair, its row and why it won.
    const box = page.getByTestId("selected-pair");
    expect(["host", "srflx", "prflx", "relay"]).toContain(await box.getAttribute("data-local-type"));
    expect(["host", "srflx", "prflx", "relay"]).toContain(await box.getAttribute("data-remote-type"));
    expect(await box.textContent()).toContain("Selected:");
    expect(await page.locator("tr[aria-current=true]").count()).toBe(1);
    expect(await page.getByTestId("runs").textContent()).toMatch(/\d+ ms/u);
    // The timeline: every step in the list, the latest run as a diagram.
    expect(await page.locator("[data-testid=timeline-list] li").count()).toBe(json.timeline.length);
    await expect.poll(() => page.locator("[data-testid=timeline-diagram] svg").count(), { timeout: 15_000 }).toBe(1);
    // The stats history the demo kept travels in the file (masking leaves it alone) and is graphed.
    const history = json.statsHistory;
    expect(history?.samples.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(history?.marks.map((m) => m.label)).toEqual(expect.arrayContaining([expect.stringMatching(/^connected over a \w+\/\w+ pair$/u)]));
    expect(await graphSamples(page, "rtt")).toBe(history?.samples.filter((s) => s.rttMs !== undefined).length);
    expect(await page.locator("[data-testid=stats-chart-rtt] path").first().getAttribute("d")).toMatch(/^M[\d.]+ [\d.]+L/u);
    expect(await page.getByTestId("stats-status").textContent()).toMatch(new RegExp(`^${history?.samples.length ?? 0} samples, `, "u"));
    expect(await page.locator("[data-testid=stats-marks] li").allTextContents()).toEqual(history?.marks.map((m) => expect.stringContaining(m.label) as unknown));

    // A second file replaces the first.
    await page.getByTestId("session-file").setInputFiles(plain.path);
    await expect.poll(() => page.getByTestId("masked").textContent()).toMatch(/^not masked/u);
    const plainJson = JSON.parse(plain.text) as SavedJson;
    expect((await candidateRows(page)).map((r) => r.address).sort()).toEqual(plainJson.candidates.map((c) => c.address).sort());
    await expect.poll(() => page.locator("[data-testid=timeline-diagram] svg").count(), { timeout: 15_000 }).toBe(1);

    // Everything happened in the page: no WebSocket, no signaling or API request, no peer connection.
    expect(viewer.websockets).toEqual([]);
    expect(viewer.requests.filter((path) => /^\/(?:socket\.io|api)\//u.test(path))).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { peerConnections: number }).peerConnections)).toBe(0);
    expect(await page.getByTestId("viewer-error").isVisible()).toBe(false);
    expect(viewer.errors).toEqual([]);
  });

  it("draws the pair matrix from a saved file: every combination, the selected pair's cell as the file has it", async () => {
    const { a } = await tabs.connectedPair();
    await expect.poll(() => a.getByTestId("selected-pair").getAttribute("data-local-type"), { timeout: 10_000 }).not.toBeNull();
    await expect.poll(async () => (await readMatrix(a)).cells.flat().filter((c) => c.selected).length, { timeout: 10_000 }).toBe(1);
    const plain = await download(a, false);
    const masked = await download(a, true);
    const json = JSON.parse(plain.text) as SavedJson & { pairs: { id: string; local: { type: string }; remote: { type: string } }[] };
    const selectedPair = json.pairs.find((p) => p.id === json.selectedPair);
    expect(selectedPair).toBeDefined();

    const { page, errors } = await openViewer();
    await page.getByTestId("session-file").setInputFiles(plain.path);
    await expect.poll(() => page.getByTestId("session").isVisible()).toBe(true);
    const m = await readMatrix(page);
    // One row per local candidate in the file, one column per remote one (plus any only the stats know).
    const side = (name: string): number => json.candidates.filter((c) => c.side === name).length;
    expect(m.rows.filter((r) => r.origin === "candidates")).toHaveLength(side("local"));
    expect(m.columns.filter((c) => c.origin === "candidates")).toHaveLength(side("remote"));
    expect(m.cells.flat()).toHaveLength(m.rows.length * m.columns.length);
    expect(m.summary).toContain(`${m.rows.length} local × ${m.columns.length} remote = ${m.rows.length * m.columns.length} combinations`);
    const selected = m.cells.flat().filter((c) => c.selected);
    expect(selected).toHaveLength(1);
    expect({ local: selected[0]?.seenLocalType, remote: selected[0]?.seenRemoteType }).toEqual({ local: selectedPair?.local.type, remote: selectedPair?.remote.type });
    const box = page.getByTestId("selected-pair");
    expect({ local: selected[0]?.seenLocalType, remote: selected[0]?.seenRemoteType }).toEqual({ local: await box.getAttribute("data-local-type"), remote: await box.getAttribute("data-remote-type") });

    // Masking keeps each address's family in its placeholder: the same predictions, cell for cell.
    // (Only the predictions: the masked file was saved a moment later, and the live stats, so what
    // was seen and which pair was selected, may have moved on in between.)
    await page.getByTestId("session-file").setInputFiles(masked.path);
    await expect.poll(() => page.getByTestId("masked").textContent()).toMatch(/^masked/u);
    const maskedMatrix = await readMatrix(page);
    // Only rows and columns of the files' candidates: a peer-reflexive end that only the stats know
    // can come or go between the two saves.
    const outcomes = (view: typeof m): string[][] =>
      view.cells.filter((_, r) => view.rows[r]?.origin === "candidates").map((row) => row.filter((_, c) => view.columns[c]?.origin === "candidates").map((cell) => cell.outcome));
    expect(outcomes(maskedMatrix)).toEqual(outcomes(m));

    // A file saved before pair ends carried TCP types (the fixture): it opens, and its selected
    // pair, IPv4 with IPv6, is shown as the rules would not have it.
    await page.getByTestId("session-file").setInputFiles(fileOf("session.json", sampleJson()));
    await expect.poll(async () => (await readMatrix(page)).summary).toContain("1 pair sits where the rules predicted none");
    const fixture = (await readMatrix(page)).cells.flat().find((c) => c.selected);
    expect(fixture).toMatchObject({ verdict: "unpredicted", outcome: "never" });
    expect(fixture?.text).toContain("seen anyway");
    expect(errors).toEqual([]);
  });

  it("says what is wrong with a bad file in an alert, and leaves the open session as it was", async () => {
    const { page, errors } = await openViewer();
    const input = page.getByTestId("session-file");
    await input.setInputFiles(fileOf("session.json", sampleJson()));
    await expect.poll(() => page.getByTestId("session").isVisible()).toBe(true);
    await expect.poll(() => page.locator("[data-testid=timeline-diagram] svg").count(), { timeout: 15_000 }).toBe(1);
    const shown = async (): Promise<string> => (await page.getByTestId("session").innerText()).replace(/\s+/gu, " ");
    const before = await shown();
    expect(before).toContain("fixture-room-0123456789");

    const alert = page.getByRole("alert").filter({ hasText: /\S/u });
    const cases: [string, () => Promise<void>, string | RegExp][] = [
      ["not JSON", () => input.setInputFiles(fileOf("notes.json", "v=0\r\no=- 1 2 IN IP4 192.0.2.1")), /^This is not JSON/u],
      ["another format", () => input.setInputFiles(fileOf("dump.json", JSON.stringify({ format: "chrome-webrtc-internals" }))), "its “format” is \"chrome-webrtc-internals\""],
      ["a newer version", () => input.setInputFiles(fileOf("new.json", JSON.stringify({ ...(JSON.parse(sampleJson()) as object), version: 2 }))), "version 2; this page reads version 1"],
      ["a missing field", () => input.setInputFiles(fileOf("cut.json", JSON.stringify({ ...(JSON.parse(sampleJson()) as object), candidates: undefined }))), "“candidates”: missing"],
      ["too large", () => input.setInputFiles(fileOf("huge.json", " ".repeat(MAX_SESSION_FILE_BYTES + 1))), "at most 5.0 MB"],
      [
        "pasted, another format",
        async () => {
          await page.getByTestId("session-paste").fill('{"format":"something-else","version":1}');
          await page.getByTestId("session-paste-open").click();
        },
        "its “format” is \"something-else\"",
      ],
    ];
    for (const [name, act, message] of cases) {
      await act();
      await expect.poll(() => alert.textContent(), { message: name }).toMatch(typeof message === "string" ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&"), "u") : message);
      expect(await shown(), name).toBe(before);
    }
    // A good file clears the alert.
    await page.getByTestId("session-paste").fill(sampleJson());
    await page.getByTestId("session-paste-open").click();
    await expect.poll(() => page.getByTestId("viewer-error").isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });

  it("graphs a file's stats history, and opens a file saved before there was one", async () => {
    const { page, errors } = await openViewer();
    await page.getByTestId("session-file").setInputFiles(fileOf("session.json", sampleJson()));
    await expect.poll(() => page.getByTestId("session").isVisible()).toBe(true);
    const samples = SESSION.statsHistory?.samples ?? [];
    expect(await graphSamples(page, "rtt")).toBe(samples.length);
    // The fixture's counters grow by 800 bytes received a second.
    expect(await page.locator("[data-testid=stats-chart-rate] [data-part=stats-values] tr[data-key=rate-received] td").nth(1).textContent()).toBe("800 B/s");
    expect(await page.locator("[data-testid=stats-marks] li").allTextContents()).toEqual([expect.stringContaining("the other tab joined"), expect.stringContaining("connected over a host/host pair")]);

    const old = JSON.parse(sampleJson()) as Record<string, unknown>;
    delete old["statsHistory"];
    await page.getByTestId("session-file").setInputFiles(fileOf("before-stats.json", JSON.stringify(old)));
    await expect.poll(() => page.locator("[data-part=source]").textContent()).toBe("before-stats.json");
    expect(await page.getByTestId("viewer-error").isVisible()).toBe(false);
    expect(await page.getByTestId("stats-status").textContent()).toContain("No stats history in this file");
    expect(await graphSamples(page, "rtt")).toBe(0);
    expect(await page.locator("[data-testid=stats-chart-rtt] path").first().getAttribute("d")).toBeNull();
    expect(await page.locator("[data-testid=stats-marks] li").count()).toBe(0);
    // Nor a DTLS state (files saved before the demo kept one).
    expect(old["dtlsState"]).toBeUndefined();
    expect(await page.getByTestId("dtls-state").textContent()).toBe("not in this file");
    expect(errors).toEqual([]);
  });

  it("opens a file dropped on the drop zone, and pasted text from the keyboard alone", async () => {
    const { page } = await openViewer();
    await page.evaluate((text) => {
      const zone = document.querySelector("[data-testid=drop-zone]");
      const data = new DataTransfer();
      data.items.add(new File([text], "dropped.json", { type: "application/json" }));
      zone?.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
      zone?.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    }, sampleJson());
    await expect.poll(() => page.locator("[data-part=source]").textContent()).toBe("dropped.json");

    // Keyboard: focus moves from the text box to its button with Tab, and Enter opens it.
    const changed = sampleJson().replace("fixture-room-0123456789", "typed-room-0123456789abc");
    await page.getByTestId("session-paste").fill(changed);
    await page.getByTestId("session-paste").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("session-paste-open");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("[data-part=room]").textContent()).toBe("typed-room-0123456789abc");
    expect(await page.locator("[data-part=source]").textContent()).toBe("the pasted JSON");
  });

  it("has no serious accessibility violations, before and after opening a file, in light and dark mode", async () => {
    const { page } = await openViewer();
    const check = async (when: string): Promise<void> => {
      for (const theme of ["light", "dark"]) {
        await page.evaluate((t) => document.documentElement.setAttribute("data-theme", t), theme);
        const result = await new AxeBuilder({ page }).include("main").analyze();
        const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        expect(serious.map((v) => `${when} ${theme} ${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
      }
    };
    await check("empty");
    await page.getByTestId("session-file").setInputFiles(fileOf("session.json", sampleJson()));
    await expect.poll(() => page.locator("[data-testid=timeline-diagram] svg").count(), { timeout: 15_000 }).toBe(1);
    await page.getByTestId("session-file").setInputFiles(fileOf("broken.json", "{"));
    await expect.poll(() => page.getByTestId("viewer-error").isVisible()).toBe(true);
    await check("open, with an error");
  });

  it("fits a phone's width with a session open: wide tables and descriptions scroll inside their panel", async () => {
    const { page } = await openViewer();
    await page.setViewportSize(PHONE);
    expect(await checkOverflow(page)).toEqual({ excess: 0, culprits: [], unreachableScrollers: [] });
    await page.getByTestId("session-file").setInputFiles(fileOf("session.json", sampleJson()));
    await expect.poll(() => page.locator("[data-testid=timeline-diagram] svg").count(), { timeout: 15_000 }).toBe(1);
    for (const details of await page.locator("[data-testid=local-sdp] details, [data-testid=remote-sdp] details").all()) await details.evaluate((d: HTMLDetailsElement) => (d.open = true));
    expect(await checkOverflow(page)).toEqual({ excess: 0, culprits: [], unreachableScrollers: [] });
    // Wider than a phone, the pairs and candidate tables scroll; their captions stay readable.
    expect(await cutOffCaptions(page)).toEqual([]);
  });

  it("without JavaScript explains that opening a file needs it and shows no controls", async () => {
    const view = await withoutJavaScript(browser, new URL("/demo/session/", server.url).href);
    expect(view.text).toContain("Opening a saved session needs JavaScript");
    expect(view.text).toContain("two-tab demo");
    expect(view.visibleControls).toBe(0);
  });
});
