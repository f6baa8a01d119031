/**
 * Two-tab demo tabs for the browser tests: each tab in its own browser context (like two windows),
 * connected through the real server, and closed together after each test (open demo tabs keep
 * polling getStats()). Used by the demo's tests and the saved session viewer's.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { collectPageErrors } from "./browser.ts";

export interface DemoTab {
  page: Page;
  /** Console errors and uncaught exceptions of the page, as they happen. */
  errors: string[];
}

/** The room ID from the tab's room link, once the server has put it in a room. */
export async function roomOf(page: Page): Promise<string> {
  await expect.poll(() => page.getByTestId("room-link").inputValue(), { timeout: 10_000 }).toContain("room=");
  return new URL(await page.getByTestId("room-link").inputValue()).searchParams.get("room") ?? "";
}

export class DemoTabs {
  private readonly contexts: BrowserContext[] = [];
  private readonly browser: Browser;
  private readonly siteUrl: string;

  constructor(browser: Browser, siteUrl: string) {
    this.browser = browser;
    this.siteUrl = siteUrl;
  }

  /** Closes a context opened by a test itself along with the tabs. */
  track(context: BrowserContext): void {
    this.contexts.push(context);
  }

  async open(query = ""): Promise<DemoTab> {
    // Camera/microphone come from Chromium's fake devices.
    const context = await this.browser.newContext({ permissions: ["camera", "microphone"] });
    this.track(context);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(new URL(`/demo/${query}`, this.siteUrl).href);
    return { page, errors };
  }

  /** Two tabs in one room, both connected. `extra` is added to the second tab's query ("&policy=relay"). */
  async connectedPair(extra = ""): Promise<{ a: Page; b: Page; room: string; errors: string[][] }> {
    const first = await this.open(extra ? `?${extra.replace(/^&/u, "")}` : "");
    const room = await roomOf(first.page);
    const second = await this.open(`?room=${room}${extra}`);
    for (const page of [first.page, second.page]) {
      await expect.poll(() => page.getByTestId("connection-state").textContent(), { timeout: 20_000 }).toBe("connected");
    }
    return { a: first.page, b: second.page, room, errors: [first.errors, second.errors] };
  }

  async closeAll(): Promise<void> {
    for (const context of this.contexts.splice(0)) await context.close().catch(() => undefined);
  }
}

/** What a demo tab shows, read in the page (see readDemo). */
export interface DemoView {
  connection: string;
  /** The DTLS transport's state, or what the page says where the browser exposes none. */
  dtls: string;
  localSdp: string;
  remoteSdp: string;
  /** SDP lines drawn with an explanation, in each description. */
  annotated: { local: number; remote: number };
  candidates: { side: string; type: string; relayProtocol: string; url: string }[];
  selected: { local: string | null; remote: string | null; text: string };
  /** The pairs table's rows (not its "No pairs yet." placeholder). */
  pairs: { current: boolean; cells: string[] }[];
  /** The note on counters the browser does not report, or null while it is hidden. */
  statsGaps: string | null;
  chat: string;
  /** All the demo's text, to check that nothing reads "undefined" or "NaN". */
  text: string;
}

/**
 * Reads a demo tab, run in the page and self-contained, so it works from Playwright (Chromium)
 * and from puppeteer (Firefox) alike: `page.evaluate(readDemo)`.
 */
export function readDemo(): DemoView {
  const byTestId = (id: string): HTMLElement | null => document.querySelector(`[data-testid="${id}"]`);
  const selected = byTestId("selected-pair");
  const gaps = byTestId("stats-gaps");
  return {
    connection: byTestId("connection-state")?.textContent ?? "",
    dtls: byTestId("dtls-state")?.textContent ?? "",
    localSdp: byTestId("local-sdp")?.textContent ?? "",
    remoteSdp: byTestId("remote-sdp")?.textContent ?? "",
    annotated: {
      local: [...document.querySelectorAll('[data-testid="local-sdp"] details.sdp-line p')].filter((p) => (p.textContent ?? "").trim() !== "").length,
      remote: [...document.querySelectorAll('[data-testid="remote-sdp"] details.sdp-line p')].filter((p) => (p.textContent ?? "").trim() !== "").length,
    },
    candidates: [...document.querySelectorAll("[data-candidate-type]")].map((tr) => ({
      side: tr.getAttribute("data-side") ?? "",
      type: tr.getAttribute("data-candidate-type") ?? "",
      relayProtocol: tr.children[12]?.textContent ?? "",
      url: tr.children[13]?.textContent ?? "",
    })),
    selected: { local: selected?.getAttribute("data-local-type") ?? null, remote: selected?.getAttribute("data-remote-type") ?? null, text: selected?.textContent ?? "" },
    pairs: [...document.querySelectorAll('[data-part="pairs"] tr[data-key]')].map((tr) => ({ current: tr.getAttribute("aria-current") === "true", cells: [...tr.children].map((td) => td.textContent ?? "") })),
    statsGaps: gaps && !gaps.hidden ? (gaps.textContent ?? "") : null,
    chat: byTestId("chat-log")?.textContent ?? "",
    text: document.querySelector("two-tab-demo")?.textContent ?? "",
  };
}
