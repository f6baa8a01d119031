/**
 * The NAT lesson's simulator (DemoSlot "nat-simulator", src/demos/nat-sim/) in Chromium against the
 * built site (`npm run build` first): picking behaviours, stepping from the keyboard, the outcome
 * and the packet log for a combination that connects and one that does not, the grid and the
 * explanation without JavaScript, a phone's width, and axe in both themes. The expected outcomes
 * come from the model itself (runScenario), whose own tests check it against RFC 4787.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dependence } from "../../src/demos/nat-sim/behaviours.ts";
import { cellVerdict, matrixTally, outcomeMatrix } from "../../src/demos/nat-sim/outcome-matrix.ts";
import { FILTER_MEMORY_TEXT, VERDICT_TEXT } from "../../src/demos/nat-sim/sim-view.ts";
import { runScenario } from "../../src/demos/nat-sim/scenario.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { collectPageErrors, launchChromium } from "./support/browser.ts";
import { checkOverflow, PHONE } from "./support/layout.ts";

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

async function openSimulator(options: { colorScheme?: "light" | "dark"; viewport?: { width: number; height: number }; javaScriptEnabled?: boolean } = {}): Promise<{ page: Page; sim: Locator; errors: string[] }> {
  const context = await browser.newContext(options);
  contexts.push(context);
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  const response = await page.goto(`${server.origin}/lessons/nat/`);
  expect(response?.status(), "/lessons/nat/ must be built into dist/ (npm run build)").toBe(200);
  const sim = page.getByTestId("nat-simulator");
  await sim.scrollIntoViewIfNeeded();
  return { page, sim, errors };
}

type Nat = { mapping: Dependence; filtering: Dependence };

async function pick(sim: Locator, a: Nat, b: Nat): Promise<void> {
  await sim.getByTestId("sim-mapping-a").selectOption(a.mapping);
  await sim.getByTestId("sim-filtering-a").selectOption(a.filtering);
  await sim.getByTestId("sim-mapping-b").selectOption(b.mapping);
  await sim.getByTestId("sim-filtering-b").selectOption(b.filtering);
}

const fates = (sim: Locator) => sim.locator('[data-testid="packet-log"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-fate")));

const EIM_APDF: Nat = { mapping: "endpoint-independent", filtering: "address-and-port-dependent" };
const EIM_ADF: Nat = { mapping: "endpoint-independent", filtering: "address-dependent" };
const APDM_APDF: Nat = { mapping: "address-and-port-dependent", filtering: "address-and-port-dependent" };

describe("NAT lesson: nat-simulator", () => {
  it("steps through the default combination from the keyboard: a dropped first check, then a direct path", async () => {
    const { page, sim, errors } = await openSimulator();
    const expected = runScenario(EIM_APDF, EIM_APDF);
    await expect.poll(() => sim.getAttribute("data-phase")).toBe("idle");
    expect(await sim.locator('[data-part="nojs"]').isVisible(), "the no-JavaScript note goes once the script runs").toBe(false);
    expect(await sim.getByTestId("sim-status").textContent()).toBe(`Ready: NAT A is EIM + APDF (once called port restricted cone), NAT B is EIM + APDF (once called port restricted cone). ${expected.steps.length} steps to go; press Next step.`);
    expect(await sim.getByTestId("sim-status").getAttribute("aria-live")).toBe("polite");
    expect(await sim.locator('[data-testid="outcome-grid"] td[aria-current="true"]').getAttribute("data-a")).toBe("EIM + APDF");

    // Keyboard only: focus Next step and press it with Enter, then Space.
    await sim.getByTestId("sim-next").focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => fates(sim)).toEqual(["delivered"]);
    expect(await sim.getByTestId("sim-status").textContent()).toMatch(/^Step 1 of \d+, stun: A's Binding request to the STUN server arrived\./u);
    expect(await sim.getByTestId("nat-table-a").locator("tbody tr").first().textContent()).toContain("203.0.113.5:62000");
    expect(await sim.getByTestId("nat-table-b").locator("tbody").textContent()).toContain("No mappings yet");
    for (let i = 0; i < 5; i++) await page.keyboard.press("Space");
    // Four STUN packets, signaling, then A's first check, dropped by NAT B's filter.
    await expect.poll(() => fates(sim)).toEqual(["delivered", "delivered", "delivered", "delivered", "signaling", "dropped"]);
    const status = (await sim.getByTestId("sim-status").textContent()) ?? "";
    expect(status).toContain("A's check to 198.51.100.9:41000 (srflx) was dropped.");
    expect(status).toContain("Address-and-port-dependent filtering (RFC 4787 §5)");
    expect(await sim.locator('[data-testid="packet-log"] tbody tr[data-latest]').textContent()).toContain("Dropped by NAT B.");
    expect(await sim.getAttribute("data-phase")).toBe("working");
    expect(await sim.getByTestId("sim-outcome").getAttribute("data-outcome")).toBe("pending");

    // Run all, from the keyboard: Tab from Next step reaches it.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("sim-run-all");
    await page.keyboard.press("Enter");
    await expect.poll(() => sim.getAttribute("data-phase")).toBe("done");
    const outcome = sim.getByTestId("sim-outcome");
    expect(await outcome.getAttribute("data-outcome")).toBe("direct");
    expect(await outcome.textContent()).toBe(expected.outcome.sentence);
    expect(expected.outcome.sentence).toMatch(/^Direct path found after 9 packets/u);
    expect(await fates(sim)).toEqual(["delivered", "delivered", "delivered", "delivered", "signaling", "dropped", "delivered", "delivered", "delivered", "delivered"]);
    expect(await sim.getByTestId("sim-status").textContent()).toContain(expected.outcome.sentence);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "the pressed button keeps the focus").toBe("sim-run-all");
    expect(await sim.getByTestId("sim-run-all").getAttribute("aria-disabled")).toBe("true");
    expect(await sim.getByTestId("sim-next").getAttribute("aria-disabled")).toBe("true");

    // Reset goes back to before the first packet, keeping the choice.
    await sim.getByTestId("sim-reset").press("Enter");
    await expect.poll(() => sim.getAttribute("data-phase")).toBe("idle");
    expect(await fates(sim)).toEqual([]);
    expect(await sim.getByTestId("sim-outcome").textContent()).toBe("");
    expect(await sim.getByTestId("sim-filtering-a").inputValue()).toBe("address-and-port-dependent");
    expect(errors).toEqual([]);
  });

  it("APDM + APDF against EIM + APDF: no direct path, a relay is needed, with dropped and delivered packets logged", async () => {
    const { sim, errors } = await openSimulator();
    await pick(sim, APDM_APDF, EIM_APDF);
    expect(await sim.locator('[data-testid="outcome-grid"] td[aria-current="true"]').evaluate((td) => [td.getAttribute("data-a"), td.getAttribute("data-b"), td.getAttribute("data-verdict")])).toEqual([
      "APDM + APDF",
      "EIM + APDF",
      "relay",
    ]);
    await sim.getByTestId("sim-run-all").click();
    await expect.poll(() => sim.getAttribute("data-phase")).toBe("done");
    const outcome = sim.getByTestId("sim-outcome");
    expect(await outcome.getAttribute("data-outcome")).toBe("relay");
    expect(await outcome.textContent()).toMatch(/^No direct path after \d+ packets \(5 rounds of checks\): a TURN relay is needed\.$/u);
    expect(await outcome.textContent()).toBe(runScenario(APDM_APDF, EIM_APDF).outcome.sentence);
    const log = await fates(sim);
    expect(log).toContain("dropped");
    expect(log).toContain("delivered");
    // NAT A made a new mapping for B: its table has more than the STUN mapping.
    expect(await sim.getByTestId("nat-table-a").locator("tbody tr").count()).toBeGreaterThan(1);
    expect(await sim.getByTestId("packet-log").textContent()).toMatch(/NAT B, in: dropped, by the filter/u);
    expect(errors).toEqual([]);
  });

  it("APDM + APDF against EIM + ADF: a direct path through a peer-reflexive candidate", async () => {
    const { sim, errors } = await openSimulator();
    await pick(sim, APDM_APDF, EIM_ADF);
    await sim.getByTestId("sim-run-all").click();
    await expect.poll(() => sim.getAttribute("data-phase")).toBe("done");
    expect(await sim.getByTestId("sim-outcome").getAttribute("data-outcome")).toBe("direct");
    expect(await sim.getByTestId("sim-outcome").textContent()).toBe(runScenario(APDM_APDF, EIM_ADF).outcome.sentence);
    expect(await sim.getByTestId("sim-outcome").textContent()).toContain("found through a peer-reflexive candidate");
    expect(await sim.getByTestId("packet-log").textContent()).toContain("B learns it as a peer-reflexive candidate (RFC 8445 §7.3.1.3)");
    expect(await sim.locator('[data-part="known-B"]').textContent()).toBe("203.0.113.5:62000 (srflx), 203.0.113.5:62001 (prflx)");
    const log = await fates(sim);
    expect(log).toContain("dropped");
    expect(log).toContain("delivered");
    expect(errors).toEqual([]);
  });

  it("filters remembering per inside socket: ADM + ADF on both sides connects through a prflx, the grid and its tally follow, and switching back restores them", async () => {
    const { page, sim, errors } = await openSimulator();
    const ADM_ADF: Nat = { mapping: "address-dependent", filtering: "address-dependent" };
    const grid = () => sim.locator('[data-testid="outcome-grid"] tbody td').evaluateAll((tds) => tds.map((td) => `${td.getAttribute("data-verdict") ?? ""} ${td.textContent ?? ""}`));
    const expectedGrid = (memory: "mapping" | "socket") =>
      outcomeMatrix(undefined, memory)
        .flat()
        .map((c) => `${cellVerdict(c.outcome)} ${VERDICT_TEXT[cellVerdict(c.outcome)]}`);
    await pick(sim, ADM_ADF, ADM_ADF);
    await sim.getByTestId("sim-run-all").click();
    await expect.poll(() => sim.getAttribute("data-phase")).toBe("done");
    expect(await sim.getByTestId("sim-outcome").getAttribute("data-outcome")).toBe("relay");

    // From the keyboard: the radio group takes the arrow keys.
    await sim.getByTestId("sim-memory-mapping").focus();
    await page.keyboard.press("ArrowDown");
    expect(await sim.getByTestId("sim-memory-socket").isChecked()).toBe(true);
    // A new choice starts the run again, from step 0.
    expect(await sim.getAttribute("data-phase")).toBe("idle");
    await sim.getByTestId("sim-run-all").click();
    await expect.poll(() => sim.getAttribute("data-phase")).toBe("done");
    expect(await sim.getByTestId("sim-outcome").getAttribute("data-outcome")).toBe("direct");
    expect(await sim.getByTestId("sim-outcome").textContent()).toBe(runScenario(ADM_ADF, ADM_ADF, undefined, "socket").outcome.sentence);
    expect(await sim.getByTestId("packet-log").textContent()).toContain("through any of its mappings");
    expect(await grid()).toEqual(expectedGrid("socket"));
    expect(await sim.locator('[data-testid="outcome-grid"] td[aria-current="true"]').getAttribute("data-verdict")).toBe("direct-prflx");
    expect(await sim.getByTestId("outcome-tally").textContent()).toBe(`${matrixTally(outcomeMatrix(undefined, "socket"))} ${FILTER_MEMORY_TEXT.socket}`);

    await sim.getByTestId("sim-memory-mapping").check();
    expect(await grid()).toEqual(expectedGrid("mapping"));
    expect(await sim.getByTestId("outcome-tally").textContent()).toBe(`${matrixTally(outcomeMatrix())} ${FILTER_MEMORY_TEXT.mapping}`);
    expect(errors).toEqual([]);
  });

  it("without JavaScript: explains itself and shows the outcome grid computed at build time, with no dead controls", async () => {
    const { sim } = await openSimulator({ javaScriptEnabled: false });
    expect(await sim.locator('[data-part="nojs"]').textContent()).toMatch(/needs JavaScript/u);
    expect(await sim.locator('[data-part="controls"]').isVisible()).toBe(false);
    expect(await sim.getByTestId("sim-next").isVisible()).toBe(false);
    expect(await sim.textContent()).toContain("pick one at random (port assignment, RFC 4787 §4.2)");
    const cells = await sim.locator('[data-testid="outcome-grid"] tbody td').evaluateAll((tds) => tds.map((td) => td.getAttribute("data-verdict")));
    expect(cells).toEqual(outcomeMatrix().flat().map((c) => cellVerdict(c.outcome)));
    expect(cells.length).toBe(81);
    expect(await sim.getByTestId("outcome-tally").textContent()).toBe(`${matrixTally(outcomeMatrix())} ${FILTER_MEMORY_TEXT.mapping}`);
    expect(await sim.textContent()).toContain("a TURN relay is needed. Of the 81 combinations");
  });

  it("fits a phone's width once run: the log and the grid scroll inside boxes a keyboard can reach", async () => {
    const { page, sim, errors } = await openSimulator({ viewport: PHONE });
    await pick(sim, APDM_APDF, EIM_APDF);
    await sim.getByTestId("sim-run-all").click();
    await expect.poll(() => sim.getAttribute("data-phase")).toBe("done");
    expect(await checkOverflow(page)).toEqual({ excess: 0, culprits: [], unreachableScrollers: [] });
    const log = sim.locator('[role="region"][aria-label="Packet log"]');
    expect(await log.getAttribute("tabindex")).toBe("0");
    expect(await log.evaluate((el) => el.scrollWidth > el.clientWidth), "the log is wider than a phone and scrolls in its own box").toBe(true);
    expect(errors).toEqual([]);
  });

  it("has no serious or critical axe violations once run, in light and dark mode", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const { page, sim, errors } = await openSimulator({ colorScheme });
      await sim.getByTestId("sim-next").click();
      await sim.getByTestId("sim-run-all").click();
      await expect.poll(() => sim.getAttribute("data-phase")).toBe("done");
      const result = await new AxeBuilder({ page }).include('[data-testid="nat-simulator"]').analyze();
      const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(serious.map((v) => `${colorScheme} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
      expect(errors).toEqual([]);
    }
  });
});
