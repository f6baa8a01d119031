/**
 * The two-tab demo in Chromium against the real server (built site + socket.io signaling +
 * built-in STUN/TURN), through the page's public contract: /demo/?room=ID, &policy=relay and the
 * data-testid attributes.
 */
import { readFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { launchChromium } from "./support/browser.ts";
import { candidateRows } from "./support/candidate-rows.ts";
import { checkOverflow, cutOffCaptions, PHONE, withoutJavaScript } from "./support/layout.ts";
import { readMatrix } from "./support/pair-matrix.ts";
import { DemoTabs, roomOf, type DemoTab } from "./support/two-tab.ts";

let server: TestServer;
let browser: Browser;
let tabs: DemoTabs;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  tabs = new DemoTabs(browser, server.url);
});
// Each test's tabs are closed after it: open demo tabs keep polling getStats().
afterEach(async () => {
  await tabs?.closeAll();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const openDemo = (query = ""): Promise<DemoTab> => tabs.open(query);
const connectedPair = (extra = ""): ReturnType<DemoTabs["connectedPair"]> => tabs.connectedPair(extra);

/** The runs table's last row, as text (number, kind, settings, the two times). */
const lastRun = async (page: Page): Promise<string> => (await page.locator("[data-testid=runs] tr").last().textContent()) ?? "";

async function selectedTypes(page: Page): Promise<{ local: string | null; remote: string | null }> {
  const box = page.getByTestId("selected-pair");
  await expect.poll(() => box.getAttribute("data-local-type"), { timeout: 10_000 }).not.toBeNull();
  return { local: await box.getAttribute("data-local-type"), remote: await box.getAttribute("data-remote-type") };
}

describe("two-tab demo", () => {
  it("connects two tabs; each shows both descriptions, candidates from both sides and the selected pair", async () => {
    const { a, b, errors } = await connectedPair();
    for (const page of [a, b]) {
      for (const id of ["local-sdp", "remote-sdp"]) {
        await expect.poll(async () => (await page.getByTestId(id).textContent()) ?? "", { timeout: 10_000 }).toContain("a=candidate:");
        expect(await page.getByTestId(id).textContent()).toContain("v=0");
      }
      await expect.poll(() => page.locator("[data-side=local][data-candidate-type]").count()).toBeGreaterThan(0);
      await expect.poll(() => page.locator("[data-side=remote][data-candidate-type]").count()).toBeGreaterThan(0);
      const types = await selectedTypes(page);
      expect(["host", "srflx", "prflx", "relay"]).toContain(types.local);
      expect(["host", "srflx", "prflx", "relay"]).toContain(types.remote);
      await expect.poll(() => page.getByTestId("selected-pair").textContent()).toContain("Selected:");
      // The selected pair's row in the pairs table stands out (styles reach script-drawn rows).
      const row = page.locator("tr[aria-current=true]");
      await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
      // Found and measured in one step: the table is redrawn with each stats refresh, and a row
      // replaced between finding and measuring it has no computed style.
      const look = await page.evaluate(() => {
        const tr = document.querySelector("tr[aria-current=true]");
        return tr ? { weight: getComputedStyle(tr).fontWeight, background: getComputedStyle(tr).backgroundColor } : undefined;
      });
      expect(look?.weight).toBe("600");
      expect(look?.background).not.toBe("rgba(0, 0, 0, 0)");
      // Rows are updated in place: after a stats refresh (every second) it is the same element,
      // so a screen reader's or a selection's place in the table survives.
      // Every pair row, by key, before the wait (the selected pair itself may change meanwhile).
      await page.evaluate(() => {
        (window as unknown as { pairRows: Map<string, Element> }).pairRows = new Map([...document.querySelectorAll("tr[data-key]")].filter((tr) => !tr.hasAttribute("data-candidate-type")).map((tr) => [tr.getAttribute("data-key") ?? "", tr]));
      });
      // An SDP line's link moves focus to its candidate's row; the focus stays there through the
      // redraws that follow (unchanged rows are not replaced).
      await page.locator("[data-testid=local-sdp] a[data-jump]").first().evaluate((a: HTMLAnchorElement) => a.click()); // inside a folded section
      const focused = await page.evaluate(() => document.activeElement?.id ?? "");
      expect(focused).toMatch(/^local-/u);
      await page.waitForTimeout(1500);
      const kept = await page.evaluate(() => {
        const before = (window as unknown as { pairRows: Map<string, Element> }).pairRows;
        const still = [...before].filter(([key]) => document.querySelector(`tr[data-key="${CSS.escape(key)}"]:not([data-candidate-type])`));
        return { still: still.length, same: still.every(([key, tr]) => document.querySelector(`tr[data-key="${CSS.escape(key)}"]:not([data-candidate-type])`) === tr) };
      });
      expect(kept.still).toBeGreaterThan(0);
      expect(kept.same).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.id ?? "")).toBe(focused);
      // The timeline from both tabs is drawn as a Mermaid diagram once it is on screen.
      await page.getByTestId("timeline-diagram").scrollIntoViewIfNeeded();
      await expect.poll(() => page.locator("[data-testid=timeline-diagram] svg").count(), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => page.getByTestId("runs").textContent()).toMatch(/\d+ ms/u);
    }
    expect(errors.flat()).toEqual([]);
  });

  it("shows the DTLS transport's state beside the connection's, and times the connection from the handshake", async () => {
    const { a, b, errors } = await connectedPair();
    for (const page of [a, b]) {
      await expect.poll(() => page.getByTestId("dtls-state").textContent(), { timeout: 10_000 }).toBe("connected");
      await page.locator("details:has([data-testid=timeline-list]) > summary").click(); // the list is drawn once opened
      await expect.poll(() => page.getByTestId("timeline-list").textContent(), { timeout: 10_000 }).toContain("DTLS transport: connected");
      // The handshake ends before SCTP starts its own over it, and the browser reports the two in
      // that order: the time to connect is never later than the channel's (connectionState can be).
      await expect.poll(() => page.getByTestId("runs").textContent(), { timeout: 10_000 }).toMatch(/\d+ ms\s*\d+ ms/u);
      const [connect, channel] = ((await page.getByTestId("runs").textContent()) ?? "").match(/\d+(?= ms)/gu)?.map(Number) ?? [];
      expect(connect).toBeLessThanOrEqual(channel ?? NaN);
    }
    expect(errors.flat()).toEqual([]);
  });

  it("draws the pair matrix: a cell for every local × remote combination, the selected pair's cell marked as in the selected-pair box", async () => {
    const { a, b, errors } = await connectedPair();
    for (const page of [a, b]) {
      await selectedTypes(page);
      // The candidate tables and the matrix come from the same state: one row per candidate on
      // each side (plus any candidate only the stats know), one cell per combination.
      await expect
        .poll(
          async () => {
            const m = await readMatrix(page);
            const local = await page.locator("[data-side=local][data-candidate-type]").count();
            const remote = await page.locator("[data-side=remote][data-candidate-type]").count();
            return {
              rows: m.rows.filter((r) => r.origin === "candidates").length - local,
              columns: m.columns.filter((c) => c.origin === "candidates").length - remote,
              cells: m.cells.flat().length - m.rows.length * m.columns.length,
              everyRowFull: m.cells.every((row) => row.length === m.columns.length),
              selected: m.cells.flat().filter((c) => c.selected).length,
            };
          },
          { timeout: 10_000 },
        )
        .toEqual({ rows: 0, columns: 0, cells: 0, everyRowFull: true, selected: 1 });
      // One reading: Chromium may still move the selection to another nominated pair.
      const m = await readMatrix(page);
      const types = m.selectedBox;
      expect(m.rows.length * m.columns.length).toBeGreaterThan(1);
      expect(m.summary).toMatch(new RegExp(`^${m.rows.length} local × ${m.columns.length} remote = ${m.rows.length * m.columns.length} combinations: \\d+ forms? (a )?pairs?`, "u"));
      const selected = m.cells.flat().find((c) => c.selected);
      // getStats() names the selected pair's ends in the box and in the cell alike...
      expect({ local: selected?.seenLocalType, remote: selected?.seenRemoteType }).toEqual(types);
      // ...and the cell sits in those candidates' row and column. A remote end met in a check
      // before its candidate arrived is prflx in the stats, host as signaled: the cell says so.
      expect(selected?.localType).toBe(types.local);
      if (selected?.remoteType !== types.remote) {
        expect(types.remote).toBe("prflx");
        expect(selected?.explanation).toContain("getStats() calls the other tab's end peer-reflexive");
      }
      expect(selected?.text).toContain("selected");
      expect(selected?.explanation).toContain("it is the selected pair");
      // Every cell says in words what the rules predict and what getStats() showed.
      for (const cell of m.cells.flat()) {
        expect(cell.text).toMatch(/seen/u);
        expect(cell.explanation).toMatch(/^This tab's .* with the other tab's /u);
      }
      // Chromium here forms no pair the rules rule out.
      expect(m.cells.flat().filter((c) => c.verdict === "unpredicted").map((c) => c.explanation)).toEqual([]);
      // The selected cell stands out like the table's selected row (styles reach script-drawn cells), outlined too.
      expect(m.selectedLook?.weight).toBe("600");
      expect(m.selectedLook?.background).not.toBe("rgba(0, 0, 0, 0)");
      expect(m.selectedLook?.boxShadow).not.toBe("none");
      // A cell explains itself under the grid when focused; focus stays on it through stats refreshes.
      const explainsFocused = (): Promise<boolean> =>
        page.evaluate(() => {
          const id = document.activeElement?.getAttribute("aria-describedby") ?? "";
          const text = document.getElementById(id)?.textContent;
          return text !== undefined && text !== "" && document.querySelector("[data-testid=matrix-explain]")?.textContent === text;
        });
      await page.locator("[data-testid=pair-matrix] td[data-selected=true] button").focus();
      expect(await explainsFocused()).toBe(true);
      await page.keyboard.press("Home");
      const home = await page.evaluate(() => {
        const active = document.activeElement;
        (window as unknown as { matrixFocus: Element | null }).matrixFocus = active;
        return { inGrid: active?.closest("[data-testid=pair-matrix]") !== null, first: active?.closest("td")?.cellIndex };
      });
      expect(home).toMatchObject({ inGrid: true, first: 1 });
      expect(await explainsFocused()).toBe(true);
      await page.waitForTimeout(1500);
      expect(await page.evaluate(() => document.activeElement !== null && document.activeElement === (window as unknown as { matrixFocus: Element | null }).matrixFocus)).toBe(true);
      expect(await explainsFocused()).toBe(true);
    }
    // On a phone the grid scrolls inside its box and adds nothing to the page's width (measured
    // with and without it, so the rest of the page's layout does not enter into it).
    await a.setViewportSize(PHONE);
    const phone = await a.evaluate(() => {
      const root = document.documentElement;
      const matrix = document.querySelector<HTMLElement>(".tt-matrix");
      const scroller = document.querySelector("[data-testid=pair-matrix]")?.parentElement;
      const withIt = root.scrollWidth;
      if (matrix) matrix.style.display = "none";
      const without = root.scrollWidth;
      if (matrix) matrix.style.display = "";
      return { added: withIt - without, scrolls: (scroller?.scrollWidth ?? 0) > (scroller?.clientWidth ?? 0) };
    });
    expect(phone).toEqual({ added: 0, scrolls: true });
    expect(errors.flat()).toEqual([]);
  });

  it("a tab alone prepares its offer and gathers its candidates; the newcomer receives them inside that offer", async () => {
    const first = await openDemo();
    const room = await roomOf(first.page);
    // Nobody else is here, yet the page already shows its own candidates and the offer that holds them.
    await expect.poll(async () => new Set((await candidateRows(first.page)).filter((r) => r.side === "local").map((r) => r.type)), { timeout: 10_000 }).toEqual(new Set(["host", "relay"]));
    const waitingOffer = (await first.page.getByTestId("local-sdp").textContent()) ?? "";
    expect(waitingOffer).toContain("a=setup:actpass");
    expect(waitingOffer).toMatch(/a=candidate:.* typ relay/u);
    expect(await first.page.getByTestId("connection-state").textContent()).toBe("new");
    expect(await first.page.getByTestId("demo-status").textContent()).toContain("made its offer");
    expect(await first.page.locator("[data-side=local][data-candidate-type=relay]").first().textContent()).toContain("in the offer");
    // The timeline diagram is drawn only once it is on screen: until then its box says so, not blank.
    expect(await first.page.getByTestId("timeline-diagram").textContent()).toContain("the list below has every step");

    const second = await openDemo(`?room=${room}`);
    for (const page of [first.page, second.page]) await expect.poll(() => page.getByTestId("connection-state").textContent(), { timeout: 20_000 }).toBe("connected");
    // The tab that waited offered, the newcomer answered (it is the DTLS client: RFC 8842 §5.3).
    await expect.poll(async () => (await second.page.getByTestId("remote-sdp").textContent()) ?? "", { timeout: 10_000 }).toContain("a=setup:actpass");
    await expect.poll(async () => (await second.page.getByTestId("local-sdp").textContent()) ?? "").toContain("a=setup:active");
    // The waiting tab's relay candidate reached the newcomer in the offer, not as a trickled message.
    await expect.poll(() => second.page.locator("[data-side=remote][data-candidate-type=relay]").count()).toBeGreaterThan(0);
    expect(await second.page.locator("[data-side=remote][data-candidate-type=relay]").first().textContent()).toContain("received (sdp)");
    // The newcomer gets the whole offer at once, so on one machine a host pair works within
    // milliseconds and Chromium stops gathering before the TURN server answers: when the newcomer
    // ends up without a relayed candidate, the page says why and how to see one; the waiting tab,
    // which has them all, says nothing.
    await expect.poll(() => second.page.locator("[data-part=gathering-state]").textContent(), { timeout: 10_000 }).toBe("complete");
    const newcomerRelays = await second.page.locator("[data-side=local][data-candidate-type=relay]").count();
    await expect.poll(() => second.page.getByTestId("gathering-note").isVisible()).toBe(newcomerRelays === 0);
    if (newcomerRelays === 0) expect(await second.page.getByTestId("gathering-note").textContent()).toContain("stopped gathering candidates as soon as the first pair worked");
    expect(await first.page.getByTestId("gathering-note").isVisible()).toBe(false);
    expect([...first.errors, ...second.errors]).toEqual([]);
  });

  it("fits a phone's width, waiting and connected: wide tables and descriptions scroll inside their panel", async () => {
    const first = await openDemo();
    await first.page.setViewportSize(PHONE);
    const room = await roomOf(first.page);
    expect(await checkOverflow(first.page)).toEqual({ excess: 0, culprits: [], unreachableScrollers: [] });
    // Each ICE server's address stays on one line: the row may break before "?transport=" only.
    await expect.poll(() => first.page.locator("[data-part=ice-servers]").textContent(), { timeout: 10_000 }).toContain("turn:");
    const brokenAddresses = await first.page.locator("[data-part=ice-servers]").evaluate((row) =>
      [...row.childNodes]
        .filter((node) => node.nodeType === Node.TEXT_NODE && /^(stun|turn)s?:/u.test(node.textContent ?? ""))
        .filter((node) => {
          const range = document.createRange();
          range.selectNodeContents(node);
          return range.getClientRects().length !== 1;
        })
        .map((node) => node.textContent),
    );
    expect(brokenAddresses).toEqual([]);
    const second = await openDemo(`?room=${room}`);
    await second.page.setViewportSize(PHONE);
    for (const page of [first.page, second.page]) {
      await expect.poll(() => page.getByTestId("connection-state").textContent(), { timeout: 20_000 }).toBe("connected");
      await expect.poll(() => page.locator("[data-side=remote][data-candidate-type]").count()).toBeGreaterThan(0);
      for (const details of await page.locator("[data-testid=local-sdp] details, [data-testid=remote-sdp] details").all()) await details.evaluate((d: HTMLDetailsElement) => (d.open = true));
      expect(await checkOverflow(page)).toEqual({ excess: 0, culprits: [], unreachableScrollers: [] });
      // The pairs table is wider than a phone; its caption stays readable above it.
      await expect.poll(() => page.locator("tr[data-key]").count(), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await cutOffCaptions(page)).toEqual([]);
    }
  });

  it("without JavaScript explains that it needs it and shows no controls that would do nothing", async () => {
    const view = await withoutJavaScript(browser, new URL("/demo/", server.url).href);
    expect(view.text).toContain("This demo needs JavaScript");
    expect(view.visibleControls).toBe(0);
  });

  it("helps a phone join: says when the link names this computer, and why a plain-http page has no camera", async () => {
    const { page } = await openDemo();
    await roomOf(page);
    // The test server is at 127.0.0.1: fine for a second tab, useless in a phone's QR scan.
    await expect.poll(() => page.getByTestId("device-hint").isVisible()).toBe(true);
    await expect(page.getByTestId("device-hint").textContent()).resolves.toContain("HOST=0.0.0.0");
    // A name other than localhost (the laptop's mDNS name), mapped to loopback, is what a phone on the LAN gets: plain
    // http that is not a secure context, so the browser has no navigator.mediaDevices.
    const lan = await launchChromium({ extraArgs: ["--host-resolver-rules=MAP laptop.local 127.0.0.1"] });
    try {
      const phone = await lan.newPage();
      await phone.goto(`http://laptop.local:${new URL(server.url).port}/demo/`);
      expect(await phone.evaluate(() => window.isSecureContext)).toBe(false);
      // Signaling works under that name too (its own origin, though not in the configured list).
      await roomOf(phone);
      await phone.getByTestId("media-toggle").click();
      const error = phone.locator("[data-part=media-error]");
      await expect.poll(() => error.textContent()).toContain("secure pages: HTTPS, or http://localhost");
      expect(await error.isVisible()).toBe(true);
    } finally {
      await lan.close();
    }
  });

  it("while connected, redraws every second without touching its status and alert live regions, so nothing is read out again", async () => {
    const { a } = await connectedPair();
    await expect.poll(() => a.getByTestId("demo-status").textContent(), { timeout: 10_000 }).toContain("Connected");
    const touched = await a.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const demo = document.querySelector("two-tab-demo");
          const live = [...(demo?.querySelectorAll("[role=status], [role=alert]") ?? [])];
          const touches: string[] = [];
          const redraws: number[] = [];
          new MutationObserver((records) => {
            for (const record of records) {
              const region = live.find((node) => node.contains(record.target));
              if (region) touches.push(`${region.getAttribute("data-part") ?? "?"}: ${region.textContent ?? ""}`);
            }
            // Three of the once-a-second stats redraws, at least 0.9 s apart.
            const at = performance.now();
            if (redraws.length === 0 || at - (redraws.at(-1) ?? 0) > 900) redraws.push(at);
            if (redraws.length >= 4) resolve(touches);
          }).observe(demo ?? document.body, { subtree: true, childList: true, characterData: true });
        }),
    );
    expect(touched).toEqual([]);
  });

  it("carries a chat message from one tab to the other over the data channel", async () => {
    const { a, b } = await connectedPair();
    await expect(a.getByTestId("chat-input").isEnabled()).resolves.toBe(true);
    await a.getByTestId("chat-input").fill("hello from A <b>not bold</b>");
    await a.getByTestId("chat-send").click();
    await expect.poll(() => b.getByTestId("chat-log").textContent(), { timeout: 10_000 }).toContain("hello from A <b>not bold</b>");
    expect(await b.locator("[data-testid=chat-log] b").count()).toBe(0);
    await b.getByTestId("chat-input").fill("and back");
    await b.getByTestId("chat-input").press("Enter");
    await expect.poll(() => a.getByTestId("chat-log").textContent(), { timeout: 10_000 }).toContain("and back");
    // More lines than the box shows: it scrolls, and the newest line is in view.
    for (let i = 1; i <= 15; i++) {
      await b.getByTestId("chat-input").fill(`line ${i}`);
      await b.getByTestId("chat-input").press("Enter");
    }
    await expect.poll(() => a.getByTestId("chat-log").textContent(), { timeout: 10_000 }).toContain("line 15");
    const newest = await a.locator("[data-testid=chat-log] li").last().evaluate((li) => {
      const box = li.closest("[role=log]")?.getBoundingClientRect();
      const line = li.getBoundingClientRect();
      return { inside: box !== undefined && line.top >= box.top - 1 && line.bottom <= box.bottom + 1, scrolls: (li.closest("[role=log]")?.scrollHeight ?? 0) > (box?.height ?? 0) };
    });
    expect(newest).toEqual({ inside: true, scrolls: true });
  });

  it("graphs the selected pair's round-trip time and data rate live while chat crosses, without moving the page or taking focus", async () => {
    const { a, b, errors } = await connectedPair();
    const send = async (text: string): Promise<void> => {
      await a.getByTestId("chat-input").fill(text);
      await a.getByTestId("chat-send").click();
    };
    await send("hello over the selected pair");
    await expect.poll(() => b.getByTestId("chat-log").textContent(), { timeout: 10_000 }).toContain("hello over the selected pair");

    const panel = b.getByTestId("live-stats");
    const rtt = b.getByTestId("stats-chart-rtt");
    const rate = b.getByTestId("stats-chart-rate");
    /** "12 samples over 11 s, …": how many samples a graph's values are from. */
    const samples = async (chart: typeof rtt): Promise<number> => Number(/^(\d+) samples?/u.exec((await chart.locator("[data-part=stats-caption]").textContent()) ?? "")?.[1] ?? 0);
    /** The number a value cell starts with ("1.2 kB/s" → 1.2; "—" → NaN). */
    const cell = async (chart: typeof rtt, series: string, column: number): Promise<number> => parseFloat((await chart.locator(`[data-part=stats-values] tr[data-key$="-${series}"] td`).nth(column).textContent()) ?? "");
    await expect.poll(() => samples(rtt), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    // Two points or more on the line, drawn inside the plot.
    expect(await rtt.locator("path").first().getAttribute("d")).toMatch(/^M[\d.]+ [\d.]+L[\d.]+ [\d.]+/u);
    expect(await cell(rtt, "RTT", 1)).toBeGreaterThanOrEqual(0);
    // Chat bytes arrive on the selected pair: the highest received rate is above zero. A message a
    // poll, until a sample spans one (the first sample of a pair has no rate to compare with).
    await expect
      .poll(
        async () => {
          await send(`keeping the pair busy ${"x".repeat(400)}`);
          return cell(rate, "received", 3);
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBeGreaterThan(0);
    expect(await b.getByTestId("stats-marks").textContent()).toContain("connected over a");
    expect(await b.getByTestId("stats-status").textContent()).toMatch(/^\d+ samples, \d\d:\d\d:\d\d to \d\d:\d\d:\d\d\.$/u);
    // No media yet: the media graphs wait, and say what would fill them.
    expect(await b.getByTestId("stats-media").isVisible()).toBe(false);

    // A reader typing in the chat keeps the focus while the graphs update, and nothing moves.
    await b.getByTestId("chat-input").focus();
    const boxes = (): Promise<number[]> => panel.evaluate((section) => [section, ...section.querySelectorAll(".st-chart, .st-plot")].map((e) => Math.round(e.getBoundingClientRect().height)));
    const before = { samples: await samples(rtt), boxes: await boxes() };
    await expect.poll(() => samples(rtt), { timeout: 10_000 }).toBeGreaterThan(before.samples);
    expect(await boxes()).toEqual(before.boxes);
    expect(await b.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("chat-input");

    // Both themes: the lines take the theme's colours (Starlight's variables), and differ from each other.
    const strokes = async (theme: string): Promise<string[]> => {
      await b.evaluate((t) => document.documentElement.setAttribute("data-theme", t), theme);
      return rate.locator("path").evaluateAll((paths) => paths.map((p) => getComputedStyle(p).stroke));
    };
    const light = await strokes("light");
    const dark = await strokes("dark");
    for (const colours of [light, dark]) {
      expect(colours).toHaveLength(2);
      expect(new Set(colours).size).toBe(2);
      for (const colour of colours) expect(colour).toMatch(/^rgb/u);
    }
    expect(light).not.toEqual(dark);

    // A phone's width: nothing in the panel reaches past it (wide tables scroll in their box).
    await b.setViewportSize(PHONE);
    const outside = await panel.evaluate((section) => {
      const right = section.getBoundingClientRect().right;
      return [...section.querySelectorAll("*")].filter((e) => !e.closest(".tt-scroll") && e.getBoundingClientRect().right > right + 1).map((e) => e.outerHTML.slice(0, 80));
    });
    expect(outside).toEqual([]);
    expect(errors.flat()).toEqual([]);
  });

  it("refuses a third tab with a room-full message", async () => {
    const { room } = await connectedPair();
    const third = await openDemo(`?room=${room}`);
    await expect.poll(() => third.page.getByTestId("demo-error").textContent(), { timeout: 10_000 }).toContain("already has two peers");
    // It never gets a connection, and shows no candidates or description of its own.
    expect(await third.page.getByTestId("connection-state").textContent()).toBe("new");
    expect(await third.page.locator("[data-side=local][data-candidate-type]").count()).toBe(0);
    expect(await third.page.getByTestId("local-sdp").textContent()).toContain("No description yet.");
  });

  it("offers a way out of a full room or a malformed link: a new-room link, reachable by keyboard, that works; no copy button with nothing to copy", async () => {
    const { room } = await connectedPair("&policy=relay");
    const third = await openDemo(`?room=${room}&policy=relay`);
    const bad = await openDemo("?room=not%20a%20room");
    await expect.poll(() => third.page.getByTestId("demo-error").textContent(), { timeout: 10_000 }).toContain("already has two peers");
    await expect.poll(() => bad.page.getByTestId("demo-error").textContent()).toContain("16 to 64 characters");
    for (const page of [third.page, bad.page]) {
      expect(await page.getByTestId("new-room").isVisible()).toBe(true);
      expect(await page.locator("[data-part=copy-link]").isDisabled()).toBe(true);
    }
    // A relay-only link keeps relay-only in the new room.
    expect(new URL(await third.page.getByTestId("new-room").evaluate((a: HTMLAnchorElement) => a.href)).search).toBe("?policy=relay");
    // From the keyboard: focus the link and press Enter.
    await bad.page.getByTestId("new-room").focus();
    await bad.page.keyboard.press("Enter");
    const fresh = await roomOf(bad.page);
    expect(fresh).not.toBe(room);
    expect(await bad.page.getByTestId("new-room").isVisible()).toBe(false);
    expect(await bad.page.locator("[data-part=copy-link]").isEnabled()).toBe(true);
    expect([...third.errors, ...bad.errors]).toEqual([]);
  });

  it("says on screen, and to a screen reader each time, that Copy link copied the link", async () => {
    const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
    tabs.track(context);
    const page = await context.newPage();
    await page.goto(new URL("/demo/", server.url).href);
    await roomOf(page);
    const result = page.getByTestId("copy-result");
    expect(await result.isVisible()).toBe(false);
    await page.getByRole("button", { name: "Copy link" }).click();
    await expect.poll(() => result.textContent()).toBe("Link copied");
    expect(await result.isVisible()).toBe(true);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await page.getByTestId("room-link").inputValue());
    // A second copy changes the live region's text again (emptied for a frame), so it is read out again.
    await result.evaluate((box) => {
      const seen: string[] = [];
      (window as unknown as { copySeen: string[] }).copySeen = seen;
      new MutationObserver(() => seen.push(box.textContent ?? "")).observe(box, { childList: true, characterData: true, subtree: true });
    });
    await page.getByRole("button", { name: "Copy link" }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { copySeen: string[] }).copySeen)).toEqual(["", "Link copied"]);
  });

  it("offers Reconnect only with a signaling connection to reconnect through", async () => {
    const bad = await openDemo("?room=not%20a%20room");
    await expect.poll(() => bad.page.getByTestId("demo-error").textContent()).toContain("16 to 64 characters");
    expect(await bad.page.getByTestId("reconnect").isDisabled()).toBe(true);
    const good = await openDemo();
    await roomOf(good.page);
    expect(await good.page.getByTestId("reconnect").isEnabled()).toBe(true);
  });

  it("tells the remaining tab at once when the other tab closes, and takes a new peer", async () => {
    const { a, b, room } = await connectedPair();
    await b.context().close();
    await expect.poll(() => a.getByTestId("demo-status").textContent(), { timeout: 10_000 }).toContain("other peer left");
    const again = await openDemo(`?room=${room}`);
    await expect.poll(() => again.page.getByTestId("connection-state").textContent(), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => a.getByTestId("connection-state").textContent(), { timeout: 20_000 }).toBe("connected");
  });

  it("shows the other tab's fake camera as moving video", async () => {
    const { a, b } = await connectedPair();
    await a.getByTestId("media-toggle").click();
    const video = b.getByTestId("remote-video");
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 }).toBeGreaterThan(0);
    const frames = await video.evaluate(
      (v: HTMLVideoElement) =>
        new Promise<number>((resolve) => {
          let count = 0;
          const tick = (): void => {
            count += 1;
            if (count >= 5) resolve(count);
            else v.requestVideoFrameCallback(tick);
          };
          v.requestVideoFrameCallback(tick);
        }),
    );
    expect(frames).toBe(5);
    // The live stats graph what arrives (inbound-rtp): frames per second, losses and jitter.
    const media = b.getByTestId("stats-media");
    await expect.poll(() => media.isVisible(), { timeout: 10_000 }).toBe(true);
    const fps = (): Promise<number> => b.locator("[data-testid=stats-chart-fps] [data-part=stats-values] tr[data-key=fps-video] td").nth(3).textContent().then((t) => parseFloat(t ?? ""));
    await expect.poll(fps, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await b.locator("[data-testid=stats-chart-lost] [data-part=stats-values] td").nth(3).textContent()).toMatch(/^\d+(\.\d+)? pkt\/s$|^—$/u);
    expect(await b.locator("[data-testid=stats-chart-jitter] [data-part=stats-values] tr[data-key=jitter-video] td").nth(1).textContent()).toMatch(/ ms$/u);
  });

  it("with policy=relay on both tabs, ends on a relay/relay pair through the built-in TURN server", async () => {
    expect(server.turnPorts.length, "the built-in STUN/TURN server (server/turn) must be listening").toBeGreaterThan(0);
    const { a, b } = await connectedPair("&policy=relay");
    for (const page of [a, b]) {
      expect(await selectedTypes(page)).toEqual({ local: "relay", remote: "relay" });
      const types = await page.locator("[data-side=local][data-candidate-type]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-candidate-type")));
      expect(new Set(types)).toEqual(new Set(["relay"]));
    }
  });

  it("says clearly when the room link is malformed or the signaling server cannot be reached", async () => {
    const bad = await openDemo("?room=not%20a%20room");
    await expect.poll(() => bad.page.getByTestId("demo-error").textContent()).toContain("16 to 64 characters");
    const context = await browser.newContext();
    tabs.track(context);
    const page = await context.newPage();
    // Both transports fail: the WebSocket is closed at once and long-polling requests are refused.
    await page.routeWebSocket(/\/socket\.io\//u, (ws) => ws.close());
    await page.route("**/socket.io/**", (route) => route.abort());
    await page.goto(new URL("/demo/", server.url).href);
    await expect.poll(() => page.getByTestId("demo-error").textContent(), { timeout: 15_000 }).toContain("could not open a connection to this site's signaling server");
  });

  it("keeps trying to reach a signaling server that went away, says so, and carries on by itself when it is back", async () => {
    // A server of its own, stopped and started again on the same port.
    const away = await startTestServer();
    const awayTabs = new DemoTabs(browser, away.url);
    let back: TestServer | undefined;
    try {
      const { page } = await awayTabs.open();
      const room = await roomOf(page);
      let attempts = 0;
      page.on("websocket", () => (attempts += 1));
      await away.close();
      await expect.poll(() => page.getByTestId("demo-error").textContent(), { timeout: 15_000 }).toContain("This page keeps trying");
      // Past the point where reconnectionAttempts: 5 made socket.io give up for good.
      await expect.poll(() => attempts, { timeout: 60_000, interval: 500 }).toBeGreaterThanOrEqual(7);
      back = await startTestServer({ PORT: String(away.port) });
      await expect.poll(() => page.getByTestId("demo-error").isVisible(), { timeout: 15_000 }).toBe(false);
      expect(await page.getByTestId("demo-status").textContent()).toContain("Waiting for a second peer");
      expect(await roomOf(page)).toBe(room);
    } finally {
      await awayTabs.closeAll();
      await back?.close();
    }
  }, 120_000);

  it("says in plain words when the server refuses this page for its address's connection limit, and does not retry", async () => {
    // A server of its own that holds loopback to one connection (loopback is exempt by default).
    const strict = await startTestServer({ LIMIT_SOCKETS_PER_ADDRESS: "1" }, { limitTuning: { exemptLoopback: false } });
    const strictTabs = new DemoTabs(browser, strict.url);
    try {
      const first = await strictTabs.open();
      await roomOf(first.page);
      const second = await strictTabs.open();
      await expect.poll(() => second.page.getByTestId("demo-error").textContent(), { timeout: 15_000 }).toContain("Too many connections to this site's server from your address (the limit is 1 at once");
      expect(await second.page.getByTestId("demo-status").textContent()).toContain("The signaling server refused this page");
      expect(await second.page.getByTestId("demo-error").textContent()).toContain("Close some of this site's tabs, then reload this page.");
      expect(await second.page.getByTestId("demo-error").textContent()).not.toContain("Is the server running?");
      // socket.io does not retry a refusal: the server saw one refused connection, now closed.
      await expect.poll(() => strict.app.realtime.limits.sizes().openSockets).toBe(1);
      expect(second.errors).toEqual([]);
    } finally {
      await strictTabs.closeAll();
      await strict.close();
    }
  });

  it("says why it has no ICE servers instead of 'asking the server…' for ever, and how to ask again: refused, or never asked", async () => {
    // A server of its own that gives loopback one ICE server request a minute (exempt by default).
    const strict = await startTestServer({ LIMIT_ICE_CONFIG_PER_MINUTE: "1" }, { limitTuning: { exemptLoopback: false } });
    const strictTabs = new DemoTabs(browser, strict.url);
    try {
      const first = await strictTabs.open();
      await expect.poll(() => first.page.locator("[data-part=ice-servers]").textContent(), { timeout: 10_000 }).toContain("stun:");
      const second = await strictTabs.open();
      await expect.poll(() => second.page.locator("[data-part=ice-servers]").textContent(), { timeout: 10_000 }).toContain("Too many requests for ICE servers");
      // It says how to try again, and that way asks the server again (refused again: 1 a minute).
      expect(await second.page.locator("[data-part=ice-servers]").textContent()).toContain("“Reconnect with these settings” asks again.");
      await second.page.locator("details:has([data-testid=timeline-list]) > summary").click(); // the list is drawn once opened
      const refusals = (): Promise<number> => second.page.getByTestId("timeline-list").locator("li", { hasText: "no ICE servers" }).count();
      expect(await refusals()).toBe(1);
      await second.page.getByTestId("reconnect").click();
      await expect.poll(refusals, { timeout: 10_000 }).toBe(2);
    } finally {
      await strictTabs.closeAll();
      await strict.close();
    }
    const bad = await openDemo("?room=not%20a%20room");
    await expect.poll(() => bad.page.getByTestId("demo-error").textContent()).toContain("16 to 64 characters");
    expect(await bad.page.locator("[data-part=ice-servers]").textContent()).not.toContain("asking");
  });

  it("has no serious accessibility violations, in light and dark mode", async () => {
    const { page } = await connectedPair().then(({ a }) => ({ page: a }));
    for (const theme of ["light", "dark"]) {
      await page.evaluate((t) => document.documentElement.setAttribute("data-theme", t), theme);
      const result = await new AxeBuilder({ page }).include("two-tab-demo").analyze();
      const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(serious.map((v) => `${theme} ${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
      // Minor, but a role a list may not have is ignored by some screen readers: the chat's log.
      expect(result.violations.filter((v) => v.id === "aria-allowed-role").map((v) => v.nodes.map((n) => n.target.join(" ")))).toEqual([]);
    }
  });

  it("reconnects with experiments (host candidates dropped, trickle off) and logs a second run", async () => {
    const { a, b } = await connectedPair();
    await a.locator("[data-part=experiments] input[name=dropHost]").check();
    await a.locator("[data-part=experiments] input[name=trickle]").uncheck();
    await a.getByTestId("reconnect").click();
    for (const page of [a, b]) {
      await expect.poll(() => page.getByTestId("connection-state").textContent(), { timeout: 20_000 }).toBe("connected");
    }
    await expect.poll(() => a.locator("[data-testid=runs] tr").count()).toBe(2);
    await expect.poll(() => a.getByTestId("runs").textContent()).toContain("no trickle, host dropped");
    // A's host candidates never reached B: B knows A only from A's checks (peer-reflexive) or not at all.
    await expect.poll(() => a.locator("[data-side=local][data-candidate-type=host].dropped").count()).toBeGreaterThan(0);
    // Dropped rows are struck through (the rows are script-drawn: the style must reach them).
    expect(await a.locator("[data-side=local].dropped").first().evaluate((tr) => getComputedStyle(tr).textDecorationLine)).toBe("line-through");
    expect(await a.locator("[data-side=local].dropped").first().innerText()).toContain("dropped (experiment)");
    expect(await b.locator("[data-side=remote][data-candidate-type=host]").count()).toBe(0);
    expect(await b.getByTestId("remote-sdp").textContent()).not.toContain("typ host");
  });

  it("exports the session as JSON with addresses masked", async () => {
    const { a } = await connectedPair();
    // The mask switch and the download button sit apart, not run together.
    const gap = await a.getByTestId("export").evaluate((button) => {
      const label = button.parentElement?.querySelector("label")?.getBoundingClientRect();
      const box = button.getBoundingClientRect();
      return label ? Math.max(box.left - label.right, box.top - label.bottom) : -1;
    });
    expect(gap).toBeGreaterThanOrEqual(8);
    await expect.poll(() => a.locator("[data-side=local][data-candidate-type]").count()).toBeGreaterThan(0);
    // The demo draws the shared candidate table (src/components/candidates/), so the shared reader applies.
    const addresses = (await candidateRows(a)).map((r) => r.address);
    expect(addresses.filter((x) => /^\d+\.\d+\.\d+\.\d+$|:/u.test(x)).length).toBe(addresses.length);
    const download = a.waitForEvent("download");
    await a.getByTestId("export").click();
    const file = await (await download).path();
    const text = await readFile(file, "utf8");
    const json = JSON.parse(text) as { masked: boolean; localSdp: string; candidates: { address: string }[]; timeline: unknown[] };
    expect(json.masked).toBe(true);
    expect(text).not.toContain('"linkId"');
    expect(json.localSdp).toContain("a=candidate:");
    expect(json.timeline.length).toBeGreaterThan(5);
    for (const address of addresses.filter((x) => x !== "127.0.0.1" && x !== "::1")) expect(text).not.toContain(address);
    expect(json.candidates.every((c) => /^x\.x\.x\.\d+$|^x:x::\d+$|^127\.0\.0\.1$|^::1$|\.local$/u.test(c.address))).toBe(true);
  });

  it("restarts ICE on a live connection and times it as a run", async () => {
    const { a, b } = await connectedPair();
    const before = await selectedTypes(a);
    const ufrag = (page: Page): Promise<string | undefined> => page.evaluate(() => /a=ice-ufrag:(\S+)/u.exec(document.querySelector("[data-testid=remote-sdp]")?.textContent ?? "")?.[1]);
    const oldUfrag = await ufrag(b);
    expect(oldUfrag).toBeDefined();
    await a.getByTestId("ice-restart").click();
    await expect.poll(() => a.getByTestId("runs").textContent(), { timeout: 20_000 }).toMatch(/ICE restart[^\d]*\d+ ms/u);
    expect(await a.getByTestId("connection-state").textContent()).toBe("connected");
    // Same path after the restart. A remote candidate can show as prflx (learnt from a check that
    // arrived before the trickled candidate) in one ICE session and as host in the next: the same
    // address on loopback, so the two count as one here.
    const path = (t: { local: string | null; remote: string | null }): (string | null)[] => [t.local, t.remote].map((x) => (x === "prflx" ? "host" : x));
    expect(path(await selectedTypes(a))).toEqual(path(before));
    // The restart renegotiated: the other tab received an offer with new ICE credentials (RFC 8445 §9).
    await expect.poll(() => ufrag(b), { timeout: 10_000 }).not.toBe(oldUfrag);
    // Both tabs mark it on the live stats' time axis: the click here, the new offer there.
    await expect.poll(() => a.getByTestId("stats-marks").textContent(), { timeout: 10_000 }).toContain("this tab restarted ICE");
    await expect.poll(() => b.getByTestId("stats-marks").textContent(), { timeout: 10_000 }).toContain("the other tab restarted ICE");
    await a.getByTestId("chat-input").fill("still here");
    await a.getByTestId("chat-send").click();
    await expect.poll(() => b.getByTestId("chat-log").textContent(), { timeout: 10_000 }).toContain("still here");
    // The other tab restarted too (its answer had new credentials) and timed its side as a run.
    await expect.poll(() => lastRun(b), { timeout: 10_000 }).toMatch(/^2ICE restart \(offered by the other tab[^]*\d+ ms—$/u);
  });

  it("ends a restart that a second click replaced, instead of leaving it unfinished", async () => {
    const { a } = await connectedPair();
    // Two clicks in one task: the second restart starts before the first one can have finished
    // (two separate clicks can be 30 ms apart, and a restart on loopback can finish in less).
    await a.getByTestId("ice-restart").evaluate((button) => {
      if (!(button instanceof HTMLButtonElement)) throw new Error("ice-restart is not a button");
      button.click();
      button.click();
    });
    await expect.poll(() => a.getByTestId("runs").textContent(), { timeout: 20_000 }).toMatch(/^1connect[^]*\d+ ms\d+ ms2ICE restart stopped: replaced by run 3[^]*——3ICE restart[^]*\d+ ms—$/u);
    expect(await a.getByTestId("run-stopped").count()).toBe(1);
  });

  it("restarts ICE from each tab with the camera on in both: both tabs time each restart within 8 s, and a tab whose browser keeps the old pair says why", async () => {
    const { a, b } = await connectedPair();
    for (const page of [a, b]) await page.getByTestId("media-toggle").click();
    const videoWidth = (page: Page): Promise<number> => page.evaluate(() => document.querySelector<HTMLVideoElement>("[data-testid=remote-video]")?.videoWidth ?? 0);
    for (const page of [a, b]) await expect.poll(() => videoWidth(page), { timeout: 20_000 }).toBeGreaterThan(0);
    // Each tab restarts once, the one that made the first offer (ICE controlling) first. Chromium's
    // controlled tab often keeps its old pair selected, whichever tab restarted: the restart must
    // end there too, in the runs of both tabs.
    for (const [n, clicking, other] of [
      [2, a, b],
      [3, b, a],
    ] as const) {
      await clicking.getByTestId("ice-restart").click();
      const clicked = Date.now();
      const finished = new RegExp(`^${n}ICE restart[^]*\\d+ ms—$`, "u");
      for (const page of [clicking, other]) await expect.poll(() => lastRun(page), { timeout: 8_000 }).toMatch(finished);
      expect(Date.now() - clicked).toBeLessThan(8_000);
      expect(await lastRun(other)).toContain("offered by the other tab");
      for (const page of [clicking, other]) {
        // The run says when the browser kept the old pair, and the timeline says why.
        if (!(await lastRun(page)).includes("this tab still sends on the old pair")) continue;
        await page.getByTestId("timeline-list").evaluate((list) => ((list.closest("details") as HTMLDetailsElement).open = true));
        await expect.poll(() => page.getByTestId("timeline-list").textContent(), { timeout: 5_000 }).toContain("ICE restart: the other tab sends on a new pair; this tab still sends on the old one");
        const text = (await page.getByTestId("timeline-list").textContent()) ?? "";
        expect(text).toMatch(/nominated .+ after the restart, and its packets arrive here on that pair/u);
        expect(text).toContain("peer-reflexive");
      }
    }
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      await from.getByTestId("chat-input").fill("after the restart");
      await from.getByTestId("chat-send").click();
      await expect.poll(() => to.getByTestId("chat-log").textContent(), { timeout: 10_000 }).toContain("after the restart");
    }
    for (const page of [a, b]) expect(await page.getByTestId("connection-state").textContent()).toBe("connected");
  });
});
