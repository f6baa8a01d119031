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
