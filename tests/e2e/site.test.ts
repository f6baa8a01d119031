/**
 * The built site in Chromium, served by the real server: home, lessons, diagrams, navigation,
 * search, no-JavaScript reading, headers and console cleanliness.
 */
import { readFileSync, readdirSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { collectPageErrors, launchChromium } from "./support/browser.ts";
import { checkOverflow, PHONE } from "./support/layout.ts";

const lessonsDir = new URL("../../content/lessons/", import.meta.url);
const lessons = readdirSync(lessonsDir)
  .filter((file) => file.endsWith(".mdx") || file.endsWith(".md"))
  .map((file) => {
    const text = readFileSync(new URL(file, lessonsDir), "utf8");
    return {
      slug: file.replace(/\.mdx?$/u, ""),
      order: Number(/^order:\s*(\d+)/mu.exec(text)?.[1]),
      title: /^title:\s*(.+)$/mu.exec(text)?.[1]?.replace(/^["']|["']$/gu, "") ?? "",
      hasDiagram: text.includes("```mermaid"),
    };
  })
  .sort((a, b) => a.order - b.order);

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openPage(path: string): Promise<{ page: Page; errors: string[]; csp: string }> {
  const page = await browser.newPage();
  const errors = collectPageErrors(page);
  const response = await page.goto(new URL(path, server.url).href);
  return { page, errors, csp: (await response?.headerValue("content-security-policy")) ?? "" };
}

describe("home page", () => {
  it("lists every lesson, in order, with links that work", async () => {
    expect(lessons.length).toBeGreaterThan(0);
    const { page, errors, csp } = await openPage("/");
    expect(csp).toContain("default-src 'self'");
    const links = await page.locator(".lesson-list h3 a").evaluateAll((anchors) =>
      anchors.map((a) => ({ href: a.getAttribute("href"), text: a.textContent?.trim() })),
    );
    expect(links).toEqual(lessons.map((l) => ({ href: `/lessons/${l.slug}/`, text: l.title })));
    // The live tools, as the sidebar lists them: none missing from the home page.
    const tools = await page.locator("#tools + ul a").evaluateAll((anchors) => anchors.map((a) => a.getAttribute("href")));
    const sidebarTools = await page.locator("nav.sidebar a[href^='/demo/'], nav.sidebar a[href^='/inspect/'], nav.sidebar a[href^='/glossary/']").evaluateAll((anchors) => [...new Set(anchors.map((a) => a.getAttribute("href")))]);
    expect(tools).toEqual(sidebarTools);
    await page.locator(".lesson-list h3 a").first().click();
    await page.waitForURL(`**/lessons/${lessons[0]?.slug}/`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("has no serious accessibility violations", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    const result = await new AxeBuilder({ page }).analyze();
    const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await context.close();
  });
});

describe("lesson pages", () => {
  it("show each diagram's drawing for the current theme, switch it with the theme, and load no diagram script", async () => {
    const lesson = lessons.find((l) => l.hasDiagram);
    expect(lesson, "at least one lesson has a Mermaid diagram").toBeDefined();
    const context = await browser.newContext({ colorScheme: "light" });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const scripts: string[] = [];
    page.on("request", (request) => {
      if (request.resourceType() === "script") scripts.push(request.url());
    });
    await page.goto(new URL(`/lessons/${lesson?.slug}/`, server.url).href);
    const figures = page.locator("figure[data-diagram]");
    const count = await figures.count();
    expect(count).toBeGreaterThan(0);
    const shown = async (): Promise<{ theme: string; loaded: boolean; alt: string }[]> => {
      for (const figure of await figures.all()) await figure.scrollIntoViewIfNeeded();
      return figures.evaluateAll((list) =>
        list.map((figure) => {
          const visible = [...figure.querySelectorAll<HTMLImageElement>(".diagram-theme")].filter((box) => getComputedStyle(box).display !== "none");
          const img = visible.length === 1 ? visible[0]?.querySelector("img") : null;
          return { theme: visible.map((box) => (box.classList.contains("diagram-dark") ? "dark" : "light")).join("+"), loaded: (img?.complete ?? false) && (img?.naturalWidth ?? 0) > 0, alt: img?.alt ?? "" };
        }),
      );
    };
    await expect.poll(async () => (await shown()).every((f) => f.theme === "light" && f.loaded), { timeout: 10_000 }).toBe(true);
    expect((await shown()).every((f) => f.alt.length > 0)).toBe(true);
    // Starlight's theme picker: the dark drawings replace the light ones, no redraw needed.
    await page.locator("starlight-theme-select select").first().selectOption("dark");
    expect(await page.evaluate(() => document.documentElement.dataset["theme"])).toBe("dark");
    await expect.poll(async () => (await shown()).every((f) => f.theme === "dark" && f.loaded), { timeout: 10_000 }).toBe(true);
    expect(scripts.filter((url) => /mermaid|elk|cytoscape|dagre/iu.test(url))).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("every lesson page loads with no console errors and every diagram's drawing loads", async () => {
    for (const lesson of lessons) {
      const { page, errors } = await openPage(`/lessons/${lesson.slug}/`);
      // One drawing per figure is shown: the one for this page's theme.
      const images = page.locator("figure[data-diagram] .diagram-theme img:visible");
      expect(await images.count(), lesson.slug).toBe(await page.locator("figure[data-diagram]").count());
      for (const img of await images.all()) {
        await img.scrollIntoViewIfNeeded();
        await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), { timeout: 10_000 }).toBe(true);
      }
      expect(errors, lesson.slug).toEqual([]);
      await page.close();
    }
  });

  it("every lesson fits a phone's width: wide tables and code scroll inside themselves, reachable by keyboard", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    for (const lesson of lessons) {
      const page = await context.newPage();
      await page.goto(new URL(`/lessons/${lesson.slug}/`, server.url).href);
      expect({ lesson: lesson.slug, ...(await checkOverflow(page)) }).toEqual({ lesson: lesson.slug, excess: 0, culprits: [], unreachableScrollers: [] });
      await page.close();
    }
    await context.close();
  });

  it("reads fully without JavaScript, diagrams included, with the diagrams' text alternatives", async () => {
    const lesson = lessons.find((l) => l.hasDiagram);
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(new URL(`/lessons/${lesson?.slug}/`, server.url).href);
    await expect(page.locator("h1").first().textContent()).resolves.toBe(lesson?.title);
    const words = (await page.locator("main").innerText()).split(/\s+/u).length;
    expect(words).toBeGreaterThan(100);
    expect(await page.locator("figure[data-diagram] figcaption details p").first().textContent()).not.toBe("");
    // Without the theme script Starlight is dark, and so are the drawings; they still load.
    const img = page.locator("figure[data-diagram] .diagram-dark img").first();
    await img.scrollIntoViewIfNeeded();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0 && getComputedStyle(el).display !== "none"), { timeout: 10_000 }).toBe(true);
    expect(await page.locator("figure[data-diagram] .diagram-light img").first().isVisible()).toBe(false);
    await context.close();
  });

  it("navigates with the sidebar and the next/previous links", async () => {
    const { page, errors } = await openPage(`/lessons/${lessons[0]?.slug}/`);
    const sidebar = await page.locator("nav.sidebar a[href^='/lessons/']").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(sidebar).toEqual(lessons.map((l) => `/lessons/${l.slug}/`));
    if (lessons.length > 1) {
      await page.locator(".pagination-links a[rel='next']").click();
      await page.waitForURL(`**/lessons/${lessons[1]?.slug}/`);
      await page.locator(".pagination-links a[rel='prev']").click();
      await page.waitForURL(`**/lessons/${lessons[0]?.slug}/`);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("tool pages", () => {
  it("use more of a wide screen than a lesson does, with prose kept to a readable measure", async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    const contentWidth = (): Promise<number> => page.locator("main .sl-markdown-content").first().evaluate((el) => el.getBoundingClientRect().width);
    await page.goto(new URL(`/lessons/${lessons[0]?.slug}/`, server.url).href);
    const lessonWidth = await contentWidth();
    expect(lessonWidth).toBeLessThanOrEqual(45 * 16);
    for (const path of ["/demo/", "/demo/session/", "/inspect/"]) {
      await page.goto(new URL(path, server.url).href);
      expect({ path, wider: (await contentWidth()) > lessonWidth * 1.4 }).toEqual({ path, wider: true });
      const measure = await page.locator("main .sl-markdown-content > p").first().evaluate((el) => el.getBoundingClientRect().width / parseFloat(getComputedStyle(el).fontSize));
      expect(measure, path).toBeLessThanOrEqual(46);
    }
    await context.close();
  });
});

describe("search", () => {
  it("finds a lesson by a word in its title, offline", async () => {
    const lesson = lessons[lessons.length - 1];
    const word = lesson?.title.split(/\s+/u).find((w) => w.length > 3) ?? "";
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    const scripts: string[] = [];
    page.on("request", (request) => {
      if (request.resourceType() === "script") scripts.push(request.url());
    });
    await page.goto(server.url);
    // Starlight builds its search UI when the page goes idle; the stand-in (src/lib/lazy-pagefind.ts)
    // must not download the real one until the reader goes to search.
    await page.waitForLoadState("networkidle");
    await page.evaluate(() => new Promise((done) => requestIdleCallback(done)));
    expect(scripts.filter((url) => url.includes("ui-core"))).toEqual([]);
    await page.locator("site-search button[data-open-modal]").click();
    await page.locator("#starlight__search input").fill(word);
    const result = page.locator("#starlight__search .pagefind-ui__result-link").first();
    await result.waitFor();
    expect((await page.locator("#starlight__search .pagefind-ui__result-link").allTextContents()).join(" ")).toMatch(new RegExp(word, "iu"));
    expect(errors).toEqual([]);
    expect(scripts.filter((url) => url.includes("ui-core"))).toHaveLength(1);
    await page.close();
  });

  it("loads the search stand-in with the page, so Starlight's later import of it needs no request", async () => {
    // If the server stops before the page goes idle, an import that needs a request is an uncaught
    // error in Starlight's script (src/components/Search.astro). Loaded with the page, it cannot be.
    const page = await browser.newPage();
    const early: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("lazy-pagefind")) early.push(request.url());
    });
    await page.goto(server.url, { waitUntil: "domcontentloaded" });
    expect(early).toHaveLength(1);
    await page.evaluate(() => new Promise((done) => requestIdleCallback(done)));
    await page.waitForLoadState("networkidle");
    expect(early).toHaveLength(1);
    await page.close();
  });

  it("says so when the search UI cannot be downloaded, and works on the next try", async () => {
    const { page, errors } = await openPage("/");
    // As if the server had stopped since the page loaded: the UI's script cannot be fetched.
    await page.route("**/_astro/ui-core*", (route) => route.abort("connectionrefused"));
    await page.locator("site-search button[data-open-modal]").click();
    const alert = page.locator("#starlight__search [role=alert]");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Search could not load/u);
    await page.keyboard.press("Escape");
    await page.unroute("**/_astro/ui-core*");
    await page.locator("site-search button[data-open-modal]").click();
    await page.locator("#starlight__search input").waitFor();
    expect(await page.locator("#starlight__search [role=alert]").count()).toBe(0);
    // Only the refused download is reported (by the browser itself); nothing is left uncaught.
    expect(errors.filter((error) => !/Failed to load resource/u.test(error))).toEqual([]);
    await page.close();
  });
});

describe("errors and pages without a diagram", () => {
  it("shows the 404 page for an unknown path", async () => {
    const page = await browser.newPage();
    const response = await page.goto(new URL("/no-such-page/", server.url).href);
    expect(response?.status()).toBe(404);
    expect(await page.locator("h1").first().textContent()).toMatch(/not found|404/iu);
    // Not a dead end: every lesson and tool is one link away, and each link works.
    const links = await page.locator("main [data-testid=not-found] ~ ol a, main [data-testid=not-found] ~ ul a").evaluateAll((anchors) => anchors.map((a) => a.getAttribute("href") ?? ""));
    expect(links).toEqual([...lessons.map((l) => `/lessons/${l.slug}/`), "/demo/", "/demo/session/", "/inspect/", "/glossary/"]);
    for (const href of links) expect((await page.request.get(new URL(href, server.url).href)).status(), href).toBe(200);
    await page.close();
  });

  it("does not download Mermaid on a page without diagrams", async () => {
    const page = await browser.newPage();
    const scripts: string[] = [];
    page.on("request", (request) => {
      if (request.resourceType() === "script") scripts.push(request.url());
    });
    await page.goto(new URL("/glossary/", server.url).href, { waitUntil: "networkidle" });
    expect(scripts.some((url) => /mermaid|flowDiagram|sequenceDiagram/iu.test(url))).toBe(false);
    await page.close();
  });
});
