/**
 * The NAT mapping check against a real NAT: Chromium runs inside a client network namespace behind a
 * Linux router namespace (iptables MASQUERADE), the real server (site + STUN/TURN on two UDP ports)
 * in a "public" namespace. Plain MASQUERADE keeps the source port for every destination, so the page
 * must report endpoint-independent mapping; MASQUERADE --random picks a new port per destination,
 * so it must report address-or-port-dependent mapping. The same run proves host, srflx and relay
 * rows with correct priority parts (impossible on loopback, where no NAT exists).
 *
 * Needs Linux and root. Elsewhere it is skipped with the reason printed, unless REQUIRE_NAT_TEST=1
 * (.ci/run), where not being able to run is a failure.
 */
import { afterEach, describe, expect, it } from "vitest";
import { candidatePriority, RECOMMENDED_TYPE_PREFERENCE } from "../../../src/shared/ice/priority.ts";
import { chromiumInLab, startServerInLab } from "./lab-processes.ts";
import { createNatLab, natLabUnavailableReason, natRules, type NatKind } from "./netns-lab.ts";

const unavailable = natLabUnavailableReason();
const required = process.env["REQUIRE_NAT_TEST"] === "1";
if (unavailable && !required) console.warn(`SKIPPED tests/e2e/nat/inspect-nat.test.ts: ${unavailable}`);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

interface Observed {
  verdict: string;
  summary: string;
  rows: { type: string; address: string; relatedAddress: string; priority: number; tp: number; lp: number; comp: number }[];
}

async function inspectBehind(kind: NatKind): Promise<Observed> {
  const lab = createNatLab(kind);
  cleanups.push(() => lab.destroy());
  expect(natRules(lab)).toContain(kind === "masquerade-random" ? "MASQUERADE --random" : "-j MASQUERADE");
  const server = await startServerInLab(lab);
  cleanups.push(() => server.stop());
  const { browser, stop } = await chromiumInLab(lab);
  cleanups.push(stop);
  const page = await browser.newPage();
  await page.goto(`${server.url}/inspect/`);
  await page.waitForFunction(() => document.querySelector('[data-testid="gathering-state"]')?.textContent === "complete", null, { timeout: 45_000 });
  await page.waitForFunction(() => !["pending", "measuring"].includes(document.querySelector('[data-testid="mapping-verdict"]')?.textContent ?? "pending"), null, { timeout: 45_000 });
  const rows = await page.$$eval("[data-candidate-type][data-side='local']", (trs) =>
    trs.map((tr) => {
      const cells = [...tr.children].map((c) => c.textContent ?? "");
      const cell = (name: string): number => Number(tr.querySelector(`[data-part="${name}"]`)?.textContent);
      return {
        type: tr.getAttribute("data-candidate-type") ?? "",
        address: cells[3] ?? "",
        relatedAddress: cells[5] ?? "",
        priority: Number(tr.getAttribute("data-priority")),
        tp: cell("type-preference"),
        lp: cell("local-preference"),
        comp: cell("component-id"),
      };
    }),
  );
  const verdict = (await page.getByTestId("mapping-verdict").textContent()) ?? "";
  const summary = (await page.locator('[data-part="mapping-summary"]').textContent()) ?? "";
  const evidence = (await page.locator('[data-part="mapping-evidence"]').textContent()) ?? "";
  console.info(`NAT lab (${kind}): verdict ${verdict}; ${summary}\n  evidence: ${evidence}\n  rows: ${JSON.stringify(rows.map((r) => [r.type, r.address, r.relatedAddress]))}`);
  return { verdict, summary, rows };
}

function checkRows(o: Observed, lab: { client: string; natPublic: string; server: string }): void {
  const of = (type: string) => o.rows.filter((r) => r.type === type);
  expect(of("host").map((r) => r.address)).toContain(lab.client);
  expect(of("srflx").length, JSON.stringify(o.rows)).toBeGreaterThan(0);
  for (const r of of("srflx")) {
    expect(r.address).toBe(lab.natPublic);
    expect(r.relatedAddress).toBe(lab.client);
    expect(r.tp).toBe(RECOMMENDED_TYPE_PREFERENCE.srflx);
  }
  expect(of("relay").map((r) => r.address)).toContain(lab.server);
  for (const r of o.rows) expect(candidatePriority(r.tp, r.lp, r.comp), JSON.stringify(r)).toBe(r.priority);
}

const LAB = { client: "10.0.0.2", natPublic: "203.0.113.2", server: "203.0.113.10" };

describe("NAT mapping check behind a real Linux NAT (network namespaces + iptables)", () => {
  if (unavailable && required) {
    it("can run here (REQUIRE_NAT_TEST=1)", () => {
      throw new Error(`The real-NAT test must run in CI but cannot: ${unavailable}`);
    });
    return;
  }

  it.skipIf(unavailable !== undefined)(
    "plain MASQUERADE (port kept for every destination) → endpoint-independent; host, srflx and relay rows",
    async () => {
      const o = await inspectBehind("masquerade");
      checkRows(o, LAB);
      expect(o.verdict, o.summary).toBe("endpoint-independent");
    },
    120_000,
  );

  it.skipIf(unavailable !== undefined)(
    "MASQUERADE --random (new port per destination) → address-or-port-dependent",
    async () => {
      const o = await inspectBehind("masquerade-random");
      checkRows(o, LAB);
      expect(o.verdict, o.summary).toBe("address-or-port-dependent");
    },
    120_000,
  );
});
