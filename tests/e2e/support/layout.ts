/**
 * Layout checks for the browser tests: does anything make the page scroll sideways, and can a
 * keyboard user reach every box that scrolls sideways instead.
 */
import type { Browser, Page } from "playwright-core";

export const PHONE = { width: 390, height: 844 } as const;

export interface Overflow {
  /** How far the page is wider than the window, in CSS pixels (0 when it fits). */
  excess: number;
  /** The outermost elements that stick out past the window's right edge. */
  culprits: string[];
  /** Boxes that scroll sideways but hold nothing focusable and are not focusable themselves. */
  unreachableScrollers: string[];
}

export async function checkOverflow(page: Page): Promise<Overflow> {
  return page.evaluate(measureOverflow);
}

/**
 * checkOverflow's measurement, run in the page; self-contained, so a page driven by another
 * library (puppeteer, for Firefox) can run it too: `page.evaluate(measureOverflow)`.
 */
export function measureOverflow(): Overflow {
  const root = document.documentElement;
  const width = root.clientWidth;
  const describe = (el: Element): string =>
    `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${[...el.classList].map((c) => `.${c}`).join("")}${el.getAttribute("data-testid") ? `[data-testid=${el.getAttribute("data-testid") ?? ""}]` : ""}`;
  const culprits: string[] = [];
  const unreachableScrollers: string[] = [];
  const focusable = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])";
  const excess = Math.max(0, root.scrollWidth - width);
  const clipped = (el: Element): boolean => {
    for (let up = el.parentElement; up && up !== root; up = up.parentElement) if (getComputedStyle(up).overflowX !== "visible") return true;
    return false;
  };
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    const parent = el.parentElement?.getBoundingClientRect();
    if (excess > 0 && box.width > 0 && box.right > width + 1 && !(parent && parent.right > width + 1) && !clipped(el)) culprits.push(describe(el));
    const style = getComputedStyle(el);
    const scrolls = (style.overflowX === "auto" || style.overflowX === "scroll") && el.scrollWidth > el.clientWidth + 1 && box.width > 0;
    if (scrolls && !el.matches(focusable) && !el.querySelector(focusable)) unreachableScrollers.push(describe(el));
  }
  // Starlight keeps its closed mobile menu and table of contents off-screen on purpose.
  const offscreenByDesign = /right-sidebar|sidebar-pane|mobile-toc/u;
  return { excess, culprits: culprits.filter((c) => !offscreenByDesign.test(c)), unreachableScrollers };
}

/**
 * Table captions whose text reaches past the edges of the box their table scrolls in: a caption is
 * as wide as its table, so a centred one starts off-screen when the table is wider than a phone.
 */
export async function cutOffCaptions(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll("caption")].flatMap((caption) => {
      const box = caption.closest("table")?.parentElement?.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(caption);
      const text = range.getBoundingClientRect();
      if (!box || text.width === 0) return [];
      return text.left < box.left - 1 || text.right > box.right + 1 ? [caption.textContent?.trim() ?? ""] : [];
    }),
  );
}

/** A page as a reader without JavaScript gets it: its main text and how many controls it shows. */
export async function withoutJavaScript(browser: Browser, url: string): Promise<{ text: string; visibleControls: number }> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(url);
    return { text: await page.locator("main").innerText(), visibleControls: await page.locator("main button:visible, main input:visible, main select:visible").count() };
  } finally {
    await context.close();
  }
}
