/**
 * The packet demos in the STUN and TURN lessons, in Chromium against the real server (HTTP,
 * socket.io inspector and the built-in STUN/TURN server on port 0), using the built site in dist/
 * (`npm run build` first). The reader's own packets must come back decoded: for STUN the Binding
 * request and success response with the XOR worked out, matching what the browser itself reported;
 * for TURN the 401 challenge, the signed retry granting a relayed address, and non-zero byte counts.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { chromiumInLab, startServerInLab } from "./nat/lab-processes.ts";
import { createNatLab, type NatLab } from "./nat/netns-lab.ts";
import { checkOverflow, PHONE } from "./support/layout.ts";
import { collectPageErrors, launchChromium } from "./support/browser.ts";

/** WebRTC plus axe in two themes; the machine is shared, so allow for load. */
const HEAVY_TEST_MS = 120_000;

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

async function openLesson(slug: string): Promise<{ page: Page; errors: string[] }> {
  // A context of its own per page: axe needs one, and no state leaks between tests.
  const page = await (await browser.newContext()).newPage();
  const errors = collectPageErrors(page);
  const response = await page.goto(`${server.origin}/lessons/${slug}/`);
  expect(response?.status(), `/lessons/${slug}/ must exist (written by the lessons task) and be built into dist/`).toBe(200);
  return { page, errors };
}

async function runDemo(page: Page, testid: string): Promise<void> {
  const demo = page.getByTestId(testid);
  await demo.getByTestId("packets-start").click();
  await page.waitForFunction((id) => ["done", "error"].includes(document.querySelector(`[data-testid="${id}"]`)?.getAttribute("data-phase") ?? ""), testid, { timeout: 45_000 });
  const phase = await demo.getAttribute("data-phase");
  if (phase !== "done") throw new Error(`demo ended in "${String(phase)}": ${await demo.getByTestId("packets-error").innerText()}`);
}

/**
 * Runs the STUN demo and checks what it shows. Returns the address:port the page worked out from
 * XOR-MAPPED-ADDRESS and what it said about the candidate.
 */
async function checkStunDemo(page: Page): Promise<{ mapped: string; srflxLine: string | undefined; noSrflx: string | undefined }> {
  const demo = page.getByTestId("stun-packets");
  await expect(demo.getByTestId("packets-start").isVisible()).resolves.toBe(true);
  await expect(demo.getAttribute("data-phase")).resolves.toBe("idle");
  await runDemo(page, "stun-packets");

  const request = demo.getByTestId("binding-request");
  const response = demo.getByTestId("binding-response");
  await expect(request.getByTestId("h-type-value").innerText()).resolves.toMatch(/^0x0001/);
  await expect(request.getByTestId("h-cookie-value").innerText()).resolves.toBe("0x2112a442");
  await expect(response.getByTestId("h-type-value").innerText()).resolves.toMatch(/^0x0101/);
  const tidRequest = await request.getByTestId("h-tid-value").innerText();
  expect(tidRequest).toMatch(/^[0-9a-f]{24}$/);
  await expect(response.getByTestId("h-tid-value").innerText()).resolves.toBe(tidRequest);

  // The XOR worked out on the page agrees with the XOR-MAPPED-ADDRESS the server decoded.
  const mapped = await demo.getByTestId("xor-result").innerText();
  const xmaRow = response.locator("tr", { hasText: "XOR-MAPPED-ADDRESS value" });
  await expect(xmaRow.locator("code").innerText()).resolves.toBe(mapped);
  await expect(demo.getByTestId("xor-worked").innerText()).resolves.toMatch(/XOR 0x2112 = /);

  // Hex dump and field table highlight each other (pointer and keyboard).
  const hex = request.getByTestId("binding-request-hex");
  await hex.locator('[data-field="h-cookie"]').hover();
  await expect(request.locator('tr[data-field="h-cookie"]').getAttribute("class")).resolves.toMatch(/pk-hl/);
  await request.locator('tr[data-field="h-tid"]').focus();
  await expect(hex.locator('[data-field="h-tid"]').first().getAttribute("class")).resolves.toMatch(/pk-hl/);
  await hex.locator('[data-field="h-type"]').focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.evaluate(() => document.activeElement?.getAttribute("data-field"))).resolves.toBe("h-length");

  const srflx = demo.getByTestId("srflx-candidate");
  const srflxLine = (await srflx.count()) > 0 ? await srflx.innerText() : undefined;
  const none = demo.getByTestId("srflx-none");
  const noSrflx = (await none.count()) > 0 ? await none.innerText() : undefined;
  return { mapped, srflxLine, noSrflx };
}

/** No axe violations in the demo, in Starlight's light and dark themes (colour contrast included). */
async function expectAccessible(page: Page, testid: string): Promise<void> {
  for (const theme of ["light", "dark"]) {
    await page.evaluate((t) => document.documentElement.setAttribute("data-theme", t), theme);
    const result = await new AxeBuilder({ page }).include(`[data-testid="${testid}"]`).analyze();
    expect(result.violations.map((v) => `${theme} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  }
}

const split = (endpoint: string): [string, string] => [endpoint.slice(0, endpoint.lastIndexOf(":")), endpoint.slice(endpoint.lastIndexOf(":") + 1)];

describe("STUN lesson: your own Binding request, decoded", () => {
  it("shows the request and the success response field by field and works the XOR out (no NAT: the browser drops the redundant srflx)", async () => {
    const { page, errors } = await openLesson("stun");
    const { mapped, srflxLine, noSrflx } = await checkStunDemo(page);
    // Browser and server share this machine, so the server sees the browser's own socket address.
    expect(srflxLine).toBeUndefined();
    expect(noSrflx).toContain(`${mapped} is the address of your own socket`);
    const [address, port] = split(mapped);
    await expect(page.getByTestId("srflx").locator("pre").innerText()).resolves.toMatch(new RegExp(` ${address.replaceAll(".", "\\.")} ${port} typ host`));
    await page.setViewportSize(PHONE);
    expect(await checkOverflow(page)).toEqual({ excess: 0, culprits: [], unreachableScrollers: [] });
    await expectAccessible(page, "stun-packets");
    expect(errors).toEqual([]);
    await page.context().close();
  }, HEAVY_TEST_MS);

  describe("behind a real NAT (network namespaces)", () => {
    let lab: NatLab | undefined;
    let natServer: Awaited<ReturnType<typeof startServerInLab>> | undefined;
    let chromium: Awaited<ReturnType<typeof chromiumInLab>> | undefined;
    beforeAll(async () => {
      lab = createNatLab("masquerade", `pk${String(process.pid % 100000)}`);
      natServer = await startServerInLab(lab);
      chromium = await chromiumInLab(lab);
    }, HEAVY_TEST_MS);
    afterAll(async () => {
      await chromium?.stop();
      await natServer?.stop();
      lab?.destroy();
    });

    it("the XOR-MAPPED-ADDRESS worked out on the page is the NAT's address, and the browser's srflx candidate", async () => {
      if (!lab || !natServer || !chromium) throw new Error("the NAT lab did not start (see the beforeAll error)");
      const page = await chromium.browser.newPage();
      const errors = collectPageErrors(page);
      await page.goto(`${natServer.url}/lessons/stun/`);
      const { mapped, srflxLine } = await checkStunDemo(page);
      const [address, port] = split(mapped);
      expect(address).toBe(lab.natPublicAddress);
      expect(srflxLine).toMatch(new RegExp(` ${address.replaceAll(".", "\\.")} ${port} typ srflx raddr ${lab.clientAddress.replaceAll(".", "\\.")} `));
      // Over plain http to a non-localhost address Chromium ignores (and logs) the server's COOP header.
      expect(errors.filter((e) => !e.includes("Cross-Origin-Opener-Policy header has been ignored"))).toEqual([]);
      await page.close();
    }, HEAVY_TEST_MS);
  });
});

describe("TURN lesson: your own allocation", () => {
  it("shows 401 then success with a relayed address, and non-zero byte counts", async () => {
    const { page, errors } = await openLesson("turn");
    const demo = page.getByTestId("turn-allocation");
    await runDemo(page, "turn-allocation");
    const first = demo.getByTestId("allocation").first();
    const kinds = await first.locator(".pk-step").evaluateAll((items) => items.map((li) => `${li.getAttribute("data-kind") ?? ""}:${li.getAttribute("data-outcome") ?? ""}`));
    // Chromium sends a plain Binding from the same socket first (even relay-only); then the allocation.
    const challenge = kinds.indexOf("allocate-unauthenticated:error");
    expect(challenge).toBeGreaterThanOrEqual(0);
    expect(kinds[challenge + 1]).toBe("allocate-authenticated:success");
    await expect(first.locator(".pk-step").nth(challenge).innerText()).resolves.toMatch(/401[\s\S]*REALM[\s\S]*NONCE/);
    await expect(first.locator(".pk-step").nth(challenge + 1).innerText()).resolves.toMatch(/XOR-RELAYED-ADDRESS \d+\.\d+\.\d+\.\d+:\d+[\s\S]*LIFETIME \d+ s/);
    // Permissions and the channel belong to the allocation the selected pair uses (any of them).
    const allKinds = await demo.locator(".pk-step").evaluateAll((items) => items.map((li) => `${li.getAttribute("data-kind") ?? ""}:${li.getAttribute("data-outcome") ?? ""}`));
    expect(allKinds).toEqual(expect.arrayContaining(["create-permission:success", "channel-bind:success"]));
    expect(Number(await demo.getByTestId("bytes-to-peer").innerText())).toBeGreaterThan(0);
    expect(Number(await demo.getByTestId("bytes-from-peer").innerText())).toBeGreaterThan(0);
    // The bytes of a step open on demand and decode like the STUN demo's.
    await first.locator(".pk-step").nth(challenge).locator("summary").click();
    await expect(first.getByTestId(`msg-0-${String(challenge)}-res`).getByTestId("h-type-value").innerText()).resolves.toMatch(/^0x0113/);
    // On a phone the decoded messages fit or scroll in their own box; the page never scrolls sideways.
    await page.setViewportSize(PHONE);
    expect(await checkOverflow(page)).toEqual({ excess: 0, culprits: [], unreachableScrollers: [] });
    await expectAccessible(page, "turn-allocation");
    expect(errors).toEqual([]);
    await page.context().close();
  }, HEAVY_TEST_MS);
});

describe("states other than success", () => {
  it("without JavaScript the demo explains itself and offers no dead button", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.origin}/lessons/stun/`);
    const demo = page.getByTestId("stun-packets");
    await expect(demo.getByTestId("packets-start").isVisible()).resolves.toBe(false);
    await expect(demo.innerText()).resolves.toMatch(/This live part needs JavaScript/);
    await expect(demo.innerText()).resolves.toMatch(/XOR-MAPPED-ADDRESS worked out byte by byte/);
    await context.close();
  });

  it("an external TURN server: says there is nothing to inspect, before sending anything", async () => {
    const external = await startTestServer({ TURN_URLS: "turn:203.0.113.200:3478?transport=udp" });
    try {
      const page = await browser.newPage();
      await page.goto(`${external.origin}/lessons/turn/`);
      const demo = page.getByTestId("turn-allocation");
      await demo.getByTestId("packets-start").click();
      await page.waitForFunction(() => document.querySelector('[data-testid="turn-allocation"]')?.getAttribute("data-phase") === "error");
      await expect(demo.getByTestId("packets-error").getAttribute("data-kind")).resolves.toBe("external-turn");
      await expect(demo.getByTestId("packets-error").innerText()).resolves.toMatch(/Nothing to inspect: this site uses an external TURN server/);
      await page.close();
    } finally {
      await external.close();
    }
  });

  it("server gone: says it cannot be reached, and the button works again", async () => {
    const doomed = await startTestServer();
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${doomed.origin}/lessons/stun/`);
    await doomed.close();
    const demo = page.getByTestId("stun-packets");
    await demo.getByTestId("packets-start").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="stun-packets"]')?.getAttribute("data-phase") === "error");
    await expect(demo.getByTestId("packets-error").getAttribute("data-kind")).resolves.toBe("unreachable");
    await expect(demo.getByTestId("packets-start").isEnabled()).resolves.toBe(true);
    // The failed requests (ours and the site's lazily loaded modules) are the only console noise.
    expect(errors.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED|Failed to fetch dynamically imported module/.test(e))).toEqual([]);
    await page.close();
  });
});
