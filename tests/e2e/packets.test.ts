/**
 * The packet demos in the STUN and TURN lessons, in Chromium against the real server (HTTP,
 * socket.io inspector and the built-in STUN/TURN server on port 0), using the built site in dist/
 * (`npm run build` first). The reader's own packets must come back decoded: for STUN the Binding
 * request and success response with the XOR worked out, matching what the browser itself reported;
 * for TURN the 401 challenge, the signed retry granting a relayed address, and non-zero byte counts.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { collectPageErrors, launchChromium } from "./support/browser.ts";

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
  const page = await browser.newPage();
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

describe("STUN lesson: your own Binding request, decoded", () => {
  it("shows the request and the success response field by field, and works the XOR out", async () => {
    const { page, errors } = await openLesson("stun");
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

    // The XOR worked out on the page agrees with the XOR-MAPPED-ADDRESS the server decoded...
    const xorResult = await demo.getByTestId("xor-result").innerText();
    const xmaRow = response.locator("tr", { hasText: "XOR-MAPPED-ADDRESS value" });
    await expect(xmaRow.locator("code").innerText()).resolves.toBe(xorResult);
    await expect(demo.getByTestId("xor-worked").innerText()).resolves.toMatch(/XOR 0x2112 = /);
    // ... and with the candidate the browser reported for it.
    const srflx = demo.getByTestId("srflx-candidate");
    const [address, port] = [xorResult.slice(0, xorResult.lastIndexOf(":")), xorResult.slice(xorResult.lastIndexOf(":") + 1)];
    await expect(srflx.innerText()).resolves.toMatch(new RegExp(` ${address.replaceAll(".", "\\.")} ${port} typ srflx`));

    // Hex dump and field table highlight each other.
    const cookieBytes = request.getByTestId("binding-request-hex").locator('[data-field="h-cookie"]');
    await cookieBytes.hover();
    await expect(request.locator('tr[data-field="h-cookie"]').getAttribute("class")).resolves.toMatch(/pk-hl/);
    await request.locator('tr[data-field="h-tid"]').focus();
    await expect(request.getByTestId("binding-request-hex").locator('[data-field="h-tid"]').first().getAttribute("class")).resolves.toMatch(/pk-hl/);

    expect(errors).toEqual([]);
    await page.close();
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
    expect(kinds).toEqual(expect.arrayContaining(["create-permission:success", "channel-bind:success"]));
    expect(Number(await demo.getByTestId("bytes-to-peer").innerText())).toBeGreaterThan(0);
    expect(Number(await demo.getByTestId("bytes-from-peer").innerText())).toBeGreaterThan(0);
    // The bytes of a step open on demand and decode like the STUN demo's.
    await first.locator(".pk-step").nth(challenge).locator("summary").click();
    await expect(first.getByTestId(`msg-0-${String(challenge)}-res`).getByTestId("h-type-value").innerText()).resolves.toMatch(/^0x0113/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
