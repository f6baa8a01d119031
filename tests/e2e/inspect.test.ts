/**
 * /inspect/ in Chromium against the real server (built site + /api/ice-config + built-in STUN/TURN
 * on two UDP ports and TCP on the first), through the page's public contract: data-candidate-type / data-side rows,
 * data-testid="gathering-state", "mapping-verdict" and the server tester's verdicts.
 *
 * Everything here runs on 127.0.0.1, where no NAT exists: Chromium drops a server-reflexive
 * candidate equal to its host candidate, so these tests see host and relay rows only and the
 * mapping check must say "no-nat". The srflx rows and real mapping verdicts are proven behind a
 * real NAT in tests/e2e/nat/inspect-nat.test.ts.
 */
import { createSocket, type Socket } from "node:dgram";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintTurnCredentials } from "../../server/turn/credentials.ts";
import { parseCandidate } from "../../src/shared/ice/candidate.ts";
import { CHROMIUM_TYPE_PREFERENCE, RECOMMENDED_TYPE_PREFERENCE, candidatePriority } from "../../src/shared/ice/priority.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { checkOverflow, PHONE, withoutJavaScript } from "./support/layout.ts";
import { collectPageErrors, launchChromium } from "./support/browser.ts";
import { candidateRows } from "./support/candidate-rows.ts";

const SECRET = "test-secret-0123456789abcdef";
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startTestServer({ TURN_SECRET: SECRET });
  browser = await launchChromium();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

async function open(query = ""): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(new URL(`/inspect/${query}`, server.url).href);
  return { page, errors };
}

/** Waits in the page (usable in hooks too, where expect.poll is not). */
async function complete(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('[data-testid="gathering-state"]')?.textContent === "complete", null, { timeout: 45_000 });
}

describe("/inspect/ gathering against the built-in server", () => {
  it("shows host and relay rows whose three priority parts add up to the candidate's priority", async () => {
    const { page, errors } = await open();
    await complete(page);
    const all = await candidateRows(page);
    const types = new Set(all.map((r) => r.type));
    expect(types.has("host"), JSON.stringify(all)).toBe(true);
    expect(types.has("relay"), JSON.stringify(all)).toBe(true);
    for (const r of all) {
      expect(r.side).toBe("local");
      expect(candidatePriority(r.tp, r.lp, r.comp), JSON.stringify(r)).toBe(r.priority);
      expect(r.comp).toBe(1);
    }
    // The rows are drawn by a script; the table's styles must reach their cells too.
    const padding = (selector: string): Promise<string> => page.locator(selector).first().evaluate((cell) => getComputedStyle(cell).padding);
    expect(await padding("[data-candidate-type][data-side=local] td")).toBe(await padding(".cand-table thead th"));
    const hostUdp = all.filter((r) => r.type === "host" && r.tp === RECOMMENDED_TYPE_PREFERENCE.host);
    expect(hostUdp.length, "a UDP host candidate with type preference 126").toBeGreaterThan(0);
    // The built-in server is offered over UDP and TCP (two TURN URLs): one relay row for each, and
    // Chromium ranks the one reached over TCP below the one over UDP by its type preference.
    const relay = all.filter((r) => r.type === "relay");
    expect(new Set(relay.map((r) => r.relayProtocol)), JSON.stringify(relay)).toEqual(new Set(["udp", "tcp"]));
    for (const r of relay) {
      const expected = r.relayProtocol === "tcp" ? CHROMIUM_TYPE_PREFERENCE.relay.tcp : CHROMIUM_TYPE_PREFERENCE.relay.udp;
      expect(expected, `relay over ${r.relayProtocol} has Chromium's ${r.relayProtocol} relay preference (${r.tp})`).toContain(r.tp);
      expect(r.address).toBe("127.0.0.1");
      expect(r.url).toMatch(new RegExp(`^turn:127\\.0\\.0\\.1:${String(server.turnPorts[0])}\\?transport=${r.relayProtocol}$`, "u"));
    }
    console.info(`inspect e2e: Chromium relay type preferences = ${relay.map((r) => `${r.relayProtocol}:${String(r.tp)}`).join(",")}; relay urls=${relay.map((r) => r.url).join(",")}`);
    await expect.poll(() => page.getByTestId("mapping-verdict").textContent(), { timeout: 30_000 }).toBe("no-nat");
    expect(await page.getByTestId("what-it-means").textContent()).toMatch(/No server-reflexive candidate/u);
    console.info(`inspect e2e: rows ${JSON.stringify(all.map((r) => [r.type, r.address, r.tp, r.lp]))}; means: ${await page.getByTestId("what-it-means").textContent()}`);
    expect(await page.getByTestId("address-classes").textContent()).toMatch(/Loopback/u);
    expect(Number((await page.getByTestId("gathering-time").textContent())?.replace(" s", ""))).toBeGreaterThan(0);
    const exported = JSON.parse((await page.getByTestId("export-preview").textContent()) ?? "{}") as { masked: boolean; candidates: { candidate: string }[] };
    expect(exported.masked).toBe(true);
    expect(exported.candidates.length).toBe(all.length);
    const exportedLines = exported.candidates.map((c) => c.candidate).join("\n");
    for (const r of all) expect(exportedLines).not.toContain(` ${r.address} `);
    for (const c of exported.candidates) expect(() => parseCandidate(c.candidate)).not.toThrow();
    expect(errors).toEqual([]);
  });

  it("?policy=relay shows relay rows only and skips the mapping check", async () => {
    const { page, errors } = await open("?policy=relay");
    await complete(page);
    const all = await candidateRows(page);
    expect(all.length).toBeGreaterThan(0);
    expect(new Set(all.map((r) => r.type))).toEqual(new Set(["relay"]));
    expect(await page.getByTestId("mapping-verdict").textContent()).toBe("skipped");
    expect(errors).toEqual([]);
  });
});

describe("/inspect/ without its ICE servers", () => {
  it("says so everywhere it would wait, says how to try again, and gathers when tried again", async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.route("**/api/ice-config", (route) => route.abort());
    await page.goto(new URL("/inspect/", server.url).href);
    await expect.poll(() => page.getByTestId("gathering-state").textContent()).toBe("failed");
    const text = await page.locator("inspect-connection").innerText();
    expect(text).toContain("Could not reach the site's server for ICE settings");
    expect(text).toContain("Press “Gather again” to try again.");
    // Nothing is left saying it is waiting or asking: nothing will come.
    expect(text).not.toMatch(/Waiting for candidates|asking this site's server|pending/u);
    expect(await page.getByTestId("mapping-verdict").textContent()).toBe("not run");
    await page.unroute("**/api/ice-config");
    await page.getByRole("button", { name: "Gather again" }).click();
    await complete(page);
  });
});

describe("/inspect/ accessibility", () => {
  it("without JavaScript explains that it needs it and shows no controls that would do nothing", async () => {
    const view = await withoutJavaScript(browser, new URL("/inspect/", server.url).href);
    expect(view.text).toContain("This page needs JavaScript");
    expect(view.visibleControls).toBe(0);
  });

  it("fits a phone's width once gathering is done: wide tables scroll inside their panel", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(new URL("/inspect/", server.url).href);
    await complete(page);
    expect(await checkOverflow(page)).toEqual({ excess: 0, culprits: [], unreachableScrollers: [] });
  });

  it("on a phone, the server tester puts each label on the row of its own field", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(new URL("/inspect/", server.url).href);
    const misplaced = (): Promise<string[]> =>
      page.locator("[data-part=tester] .ic-fields:not([hidden]) label").evaluateAll((labels) =>
        labels.flatMap((label) => {
          const field = document.getElementById(label.getAttribute("for") ?? "")?.getBoundingClientRect();
          const box = label.getBoundingClientRect();
          const middle = (box.top + box.bottom) / 2;
          return field && middle > field.top && middle < field.bottom && box.right <= field.left ? [] : [label.textContent ?? ""];
        }),
      );
    expect(await misplaced()).toEqual([]);
    await page.getByTestId("tester-auth-secret").check();
    expect(await misplaced()).toEqual([]);
  });

  it("has no serious or critical axe violations once gathering is done, in light and dark mode", async () => {
    for (const theme of ["light", "dark"] as const) {
      const context = await browser.newContext({ colorScheme: theme });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(new URL("/inspect/", server.url).href);
      await complete(page);
      await page.waitForFunction(() => document.querySelector('[data-testid="mapping-verdict"]')?.getAttribute("data-verdict") !== "pending", null, { timeout: 30_000 });
      const t0 = Date.now();
      const result = await new AxeBuilder({ page }).include("main").analyze();
      console.info(`inspect e2e: axe (${theme}) took ${Date.now() - t0} ms`);
      const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(serious.map((v) => `${theme} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
    }
  }, 180_000);
});

describe("/inspect/ ICE server tester", () => {
  let page: Page;
  beforeAll(async () => {
    ({ page } = await open());
    await complete(page);
  });

  async function test(url: string, fill: () => Promise<void>, relayOnly = true): Promise<{ verdict: string; text: string; ms: number }> {
    const before = await page.getByTestId("server-verdict").count();
    await page.getByTestId("tester-url").fill(url);
    await fill();
    if (relayOnly) await page.getByTestId("tester-relay").check();
    const started = Date.now();
    await page.getByTestId("tester-run").click();
    await expect.poll(() => page.getByTestId("server-verdict").count(), { timeout: 30_000 }).toBe(before + 1);
    const first = page.getByTestId("server-verdict").first();
    return { verdict: (await first.getAttribute("data-verdict")) ?? "", text: (await first.textContent()) ?? "", ms: Date.now() - started };
  }

  it("a TURN server with the right password is reachable", async () => {
    const { username, credential } = mintTurnCredentials({ secret: SECRET, userId: "e2e", ttlSeconds: 600, now: Date.now() });
    const r = await test(`turn:127.0.0.1:${server.turnPorts[0]}?transport=udp`, async () => {
      await page.getByTestId("tester-username").fill(username);
      await page.getByTestId("tester-credential").fill(credential);
    });
    expect(r.verdict, r.text).toBe("reachable");
  });

  it("derives short-lived credentials from the shared secret in the page (reachable)", async () => {
    const r = await test(`turn:127.0.0.1:${server.turnPorts[0]}?transport=udp`, async () => {
      await page.getByTestId("tester-auth-secret").check();
      await page.getByTestId("tester-secret").fill(SECRET);
    });
    expect(r.verdict, r.text).toBe("reachable");
    expect(r.text).toMatch(/Derived in this page: username \d+:inspect/u);
    await page.locator('input[name="auth"][value="password"]').check();
  });

  it("a wrong TURN password gives 'authentication failed'", async () => {
    const r = await test(`turn:127.0.0.1:${server.turnPorts[0]}?transport=udp`, async () => {
      await page.getByTestId("tester-username").fill(`${Math.floor(Date.now() / 1000) + 600}:e2e`);
      await page.getByTestId("tester-credential").fill("definitely-wrong");
    });
    expect(r.verdict, r.text).toBe("authentication-failed");
    expect(r.text).toMatch(/401/u);
  });

  describe("an unreachable server", () => {
    let silent: Socket;
    let port: number;
    beforeAll(async () => {
      // Reserve a UDP port, then close it: nothing listens there during the test.
      silent = createSocket("udp4");
      await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
      port = silent.address().port;
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    it("gives 'timed out' within a bounded time", async () => {
      const r = await test(`turn:127.0.0.1:${port}?transport=udp`, async () => {
        await page.getByTestId("tester-username").fill("user");
        await page.getByTestId("tester-credential").fill("pass");
      });
      expect(r.verdict, r.text).toBe("timed-out");
      expect(r.ms).toBeLessThan(15_000);
      console.info(`inspect e2e: unreachable TURN server reported "timed out" after ${r.ms} ms`);
    });
  });
});
