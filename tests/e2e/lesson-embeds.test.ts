/**
 * The inspect demo's lesson embeds (DemoSlot "inspect-candidates" in the ICE lesson,
 * "address-classes" in the IPv4 lesson, "nat-mapping" in the NAT lesson), in Chromium against the
 * real server (built site in dist/ — `npm run build` first — plus /api/ice-config and the built-in
 * STUN/TURN server on two UDP ports).
 *
 * Everything runs on 127.0.0.1, where there is no NAT: Chromium drops a server-reflexive candidate
 * equal to its host candidate, so the ICE embed shows host and relay rows and the mapping check must
 * say "no-nat". Each embed must do nothing until the reader presses its button (no ICE settings
 * fetched, no RTCPeerConnection made), and work from the keyboard.
 */
import { networkInterfaces } from "node:os";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { candidatePriority } from "../../src/shared/ice/priority.ts";
import { classifyAddress } from "../../src/shared/net/address-class.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { collectPageErrors, launchChromium } from "./support/browser.ts";
import { candidateRows } from "./support/candidate-rows.ts";

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

interface Opened {
  page: Page;
  errors: string[];
  /** Requests for the ICE settings, counted from page load. */
  configRequests: () => number;
  /** RTCPeerConnections the page constructed (counted by wrapping the real constructor). */
  peerConnections: () => Promise<number>;
}

async function openLesson(slug: string, colorScheme: "light" | "dark" = "light"): Promise<Opened> {
  const context = await browser.newContext({ colorScheme });
  contexts.push(context);
  const page = await context.newPage();
  await page.addInitScript(() => {
    const Real = window.RTCPeerConnection;
    const w = window as unknown as { __pcCount: number };
    w.__pcCount = 0;
    window.RTCPeerConnection = class extends Real {
      constructor(config?: RTCConfiguration) {
        super(config);
        w.__pcCount += 1;
      }
    };
  });
  const errors = collectPageErrors(page);
  let configRequests = 0;
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/api/ice-config") configRequests += 1;
  });
  const response = await page.goto(`${server.origin}/lessons/${slug}/`);
  expect(response?.status(), `/lessons/${slug}/ must be built into dist/ (npm run build)`).toBe(200);
  return { page, errors, configRequests: () => configRequests, peerConnections: () => page.evaluate(() => (window as unknown as { __pcCount: number }).__pcCount) };
}

/** Checks the idle state, then presses the button from the keyboard and waits for done or error. */
async function runFromKeyboard(opened: Opened, testid: string): Promise<void> {
  const { page } = opened;
  const embed = page.getByTestId(testid);
  await embed.scrollIntoViewIfNeeded();
  const button = embed.getByTestId("embed-start");
  await expect(button.isVisible(), "the start button is shown once the script runs").resolves.toBe(true);
  await expect.poll(() => embed.getAttribute("data-phase")).toBe("idle");
  expect(await embed.getByTestId("embed-status").textContent()).toMatch(/Press the button/u);
  expect(opened.configRequests(), "nothing is fetched before the click").toBe(0);
  expect(await opened.peerConnections(), "no RTCPeerConnection before the click").toBe(0);
  await button.focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction((id) => ["done", "error"].includes(document.querySelector(`[data-testid="${id}"]`)?.getAttribute("data-phase") ?? ""), testid, { timeout: 45_000 });
  const phase = await embed.getAttribute("data-phase");
  if (phase !== "done") throw new Error(`${testid} ended in "${String(phase)}": ${await embed.getByTestId("embed-error").innerText()}`);
  expect(opened.configRequests()).toBe(1);
  expect(await opened.peerConnections()).toBeGreaterThan(0);
  expect(await button.isDisabled(), "the button is usable again when done").toBe(false);
}

describe("ICE lesson: inspect-candidates embed", () => {
  it("gathers on the reader's click and shows host and relay rows whose priority parts add up", async () => {
    const opened = await openLesson("ice");
    const { page, errors } = opened;
    const embed = page.getByTestId("inspect-candidates-embed");
    expect(await embed.getByTestId("embed-candidate-table").isVisible(), "no table before the click").toBe(false);
    await runFromKeyboard(opened, "inspect-candidates-embed");
    const all = await candidateRows(page, "inspect-candidates-embed");
    const types = new Set(all.map((r) => r.type));
    expect(types.has("host"), JSON.stringify(all)).toBe(true);
    expect(types.has("relay"), JSON.stringify(all)).toBe(true);
    for (const r of all) {
      expect(r.side).toBe("local");
      expect(candidatePriority(r.tp, r.lp, r.comp), JSON.stringify(r)).toBe(r.priority);
    }
    const relay = all.filter((r) => r.type === "relay");
    expect(relay[0]?.url).toMatch(/^turn:127\.0\.0\.1:\d+/u);
    const explained = await embed.locator('[data-testid="type-explanations"] li').evaluateAll((lis) => lis.map((li) => li.getAttribute("data-type")));
    expect(new Set(explained)).toEqual(types);
    expect(await embed.locator('[data-testid="type-explanations"] li[data-type="relay"]').textContent()).toMatch(/TURN server allocated/u);
    expect(await embed.getByRole("link", { name: "See everything on /inspect/" }).getAttribute("href")).toBe("/inspect/");
    expect(await embed.getByTestId("embed-status").textContent()).toMatch(/^Done in \d+\.\d\d s: .*host.*relay/u);
    console.info(`lesson embeds e2e: ICE rows ${JSON.stringify(all.map((r) => [r.type, r.address, r.tp, r.lp, r.comp]))}`);
    expect(errors).toEqual([]);
  });
});

describe("IPv4 lesson: address-classes embed", () => {
  it("lists each address the browser revealed with its class label and what it means", async () => {
    const opened = await openLesson("ipv4");
    const { page, errors } = opened;
    await runFromKeyboard(opened, "address-classes-embed");
    const embed = page.getByTestId("address-classes-embed");
    const items = await embed.locator('[data-testid="address-list"] li').evaluateAll((lis) =>
      lis.map((li) => ({ address: li.getAttribute("data-address") ?? "", kind: li.getAttribute("data-address-kind") ?? "", text: li.textContent ?? "" })),
    );
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((i) => i.address)).size, "each address once").toBe(items.length);
    const mine = new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address.replace(/%.*$/u, ""))));
    for (const item of items) {
      const expected = classifyAddress(item.address);
      expect(item.kind, item.text).toBe(expected.kind);
      expect(item.text).toContain(expected.label);
      // Host addresses are this machine's; the relayed one is the TURN server's (also on this machine).
      expect(mine.has(item.address), `${item.address} is one of this machine's addresses (${[...mine].join(", ")})`).toBe(true);
    }
    const kinds = items.map((i) => i.kind);
    expect(kinds.some((k) => ["loopback", "ipv6-loopback", "private", "ipv6-unique-local"].includes(k)), `loopback or private among ${kinds.join(", ")}`).toBe(true);
    const loopback = items.find((i) => i.kind === "loopback");
    expect(loopback?.text, "the TURN server's relayed address 127.0.0.1 is listed as loopback").toMatch(/^127\.0\.0\.1 — Loopback/u);
    const meaning = (await embed.getByTestId("address-meaning").textContent()) ?? "";
    expect(meaning).toMatch(/No server-reflexive candidate/u);
    expect(meaning).toMatch(/TURN server gave you relayed address 127\.0\.0\.1:\d+/u);
    console.info(`lesson embeds e2e: IPv4 addresses ${JSON.stringify(items.map((i) => [i.address, i.kind]))}`);
    expect(errors).toEqual([]);
  });
});

describe("NAT lesson: nat-mapping embed", () => {
  it("runs the mapping check against both STUN ports and says there is no NAT on loopback", async () => {
    const opened = await openLesson("nat");
    const { page, errors } = opened;
    const embed = page.getByTestId("nat-mapping-embed");
    expect(await embed.getByTestId("mapping-verdict").isVisible(), "no verdict before the click").toBe(false);
    await runFromKeyboard(opened, "nat-mapping-embed");
    const verdict = embed.getByTestId("mapping-verdict");
    expect(await verdict.textContent()).toBe("no-nat");
    expect(await verdict.getAttribute("data-verdict")).toBe("no-nat");
    expect(await embed.getByTestId("mapping-confidence").textContent()).toBe("(confidence: high)");
    expect(await embed.getByTestId("mapping-summary").textContent()).toMatch(/there is no NAT to measure/u);
    expect(await embed.getByTestId("mapping-caveats").textContent()).toMatch(/Filtering .* cannot be measured from a browser/u);
    const evidence = (await embed.locator('[data-part="mapping-evidence"]').textContent()) ?? "";
    for (const port of server.turnPorts) expect(evidence, "both STUN ports were asked").toContain(`stun:127.0.0.1:${port}`);
    expect(errors).toEqual([]);
  });
});

describe("lesson embeds when the site's server is gone", () => {
  it("show the error state with a reason and can be tried again", async () => {
    // A server of its own, stopped after the page loaded: the click then meets a real refused connection.
    const doomed = await startTestServer();
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${doomed.origin}/lessons/nat/`);
    const embed = page.getByTestId("nat-mapping-embed");
    await expect.poll(() => embed.getAttribute("data-phase")).toBe("idle");
    await doomed.close();
    await embed.getByTestId("embed-start").click();
    await expect.poll(() => embed.getAttribute("data-phase"), { timeout: 15_000 }).toBe("error");
    const box = embed.getByTestId("embed-error");
    expect(await box.getAttribute("role")).toBe("alert");
    expect(await box.textContent()).toMatch(/server could not be reached/u);
    expect(await embed.getByTestId("embed-status").textContent()).toMatch(/You can try again/u);
    expect(await embed.getByTestId("embed-start").isDisabled()).toBe(false);
    expect(await embed.getByTestId("mapping-verdict").textContent(), "no verdict from a failed run").not.toBe("no-nat");
    // Allowed noise: the browser's report of the refused request. Nothing may come from the embed
    // itself, nor from the search box's script meeting the stopped server (src/components/Search.astro).
    expect(errors.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED/u.test(e))).toEqual([]);
  });
});

describe("lesson embeds when this address has asked too often", () => {
  it("say so with the server's words and a hint to wait, not to start the server", async () => {
    // A server of its own allowing one request a minute, loopback included (exempt by default).
    const strict = await startTestServer({ LIMIT_ICE_CONFIG_PER_MINUTE: "1" }, { limitTuning: { exemptLoopback: false } });
    try {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await page.goto(`${strict.origin}/lessons/nat/`);
      const embed = page.getByTestId("nat-mapping-embed");
      await expect.poll(() => embed.getAttribute("data-phase")).toBe("idle");
      // Someone else on this address (127.0.0.1) has just used the budget.
      expect((await fetch(`${strict.origin}/api/ice-config`)).status).toBe(200);
      await embed.getByTestId("embed-start").click();
      await expect.poll(() => embed.getAttribute("data-phase"), { timeout: 15_000 }).toBe("error");
      const box = embed.getByTestId("embed-error");
      expect(await box.getAttribute("data-kind")).toBe("busy");
      const text = (await box.textContent()) ?? "";
      expect(text).toContain("Too many requests from your address");
      expect(text).toMatch(/Too many requests for ICE servers from your address \(the limit is 1 a minute, shared by every device behind the same router\)\. Try again in \d+ seconds\./u);
      expect(text).toContain("Wait the time it says, then press the button again.");
      expect(text).not.toContain("npm start");
      expect(await embed.getByTestId("embed-start").isDisabled()).toBe(false);
      // Allowed noise: the browser's report of the 429 itself.
      expect(errors.filter((e) => !/Failed to load resource|status of 429/u.test(e))).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});

describe("lesson embeds without JavaScript", () => {
  it("say the live part needs JavaScript and link to /inspect/, with no start button", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    contexts.push(context);
    const page = await context.newPage();
    for (const [slug, testid] of [
      ["ice", "inspect-candidates-embed"],
      ["ipv4", "address-classes-embed"],
      ["nat", "nat-mapping-embed"],
    ] as const) {
      await page.goto(`${server.origin}/lessons/${slug}/`);
      const embed = page.getByTestId(testid);
      const nojs = embed.locator('[data-part="nojs"]');
      expect(await nojs.isVisible(), testid).toBe(true);
      expect(await nojs.textContent()).toMatch(/needs JavaScript/u);
      expect(await nojs.getByRole("link").getAttribute("href")).toBe("/inspect/");
      expect(await embed.getByTestId("embed-start").isVisible(), `${testid}: no button that cannot work`).toBe(false);
    }
  });
});

describe("lesson embeds accessibility", () => {
  it("have no serious or critical axe violations once done, in light and dark mode", async () => {
    for (const theme of ["light", "dark"] as const) {
      for (const [slug, testid] of [
        ["ice", "inspect-candidates-embed"],
        ["ipv4", "address-classes-embed"],
        ["nat", "nat-mapping-embed"],
      ] as const) {
        const opened = await openLesson(slug, theme);
        await runFromKeyboard(opened, testid);
        const result = await new AxeBuilder({ page: opened.page }).include(`[data-testid="${testid}"]`).analyze();
        const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        expect(serious.map((v) => `${theme} ${testid} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
        expect(opened.errors).toEqual([]);
      }
    }
  }, 240_000);
});
