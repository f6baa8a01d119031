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
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { candidatePriority, RECOMMENDED_TYPE_PREFERENCE } from "../../../src/shared/ice/priority.ts";
import { findChromium, launchChromium } from "../support/browser.ts";
import { createNatLab, natLabUnavailableReason, natRules, type NatKind, type NatLab } from "./netns-lab.ts";

const unavailable = natLabUnavailableReason();
const required = process.env["REQUIRE_NAT_TEST"] === "1";
if (unavailable && !required) console.warn(`SKIPPED tests/e2e/nat/inspect-nat.test.ts: ${unavailable}`);

const HTTP_PORT = 8080;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** Starts server/index.ts inside the lab's public namespace; resolves once it printed its URL. */
async function startServerIn(lab: NatLab): Promise<ChildProcess> {
  const node = existsSync(resolve("node_modules/.bin/node")) ? resolve("node_modules/.bin/node") : process.execPath;
  const child = spawn("ip", ["netns", "exec", lab.pub, node, "server/index.ts"], {
    env: { ...process.env, HOST: lab.serverAddress, PORT: String(HTTP_PORT), TURN_PORT: "3478", TURN_ALT_PORT: "3479", TURN_SECRET: "nat-lab-secret-0123456789abcdef" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(
    () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  );
  let output = "";
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/Open http:\/\//u.test(output)) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${String(code)}:\n${output}`));
    });
  });
  return child;
}

/** Chromium inside the client namespace: Playwright talks to it over pipes, which survive `ip netns exec`. */
async function browserIn(lab: NatLab): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), "inspect-nat-"));
  const wrapper = join(dir, "chromium-in-netns.sh");
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${lab.cli} ${findChromium()} "$@"\n`);
  chmodSync(wrapper, 0o755);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const browser = await launchChromium({ executablePath: wrapper });
  cleanups.push(() => browser.close());
  return browser;
}

interface Observed {
  verdict: string;
  summary: string;
  rows: { type: string; address: string; relatedAddress: string; priority: number; tp: number; lp: number; comp: number }[];
}

async function inspectBehind(kind: NatKind): Promise<Observed> {
  const lab = createNatLab(kind);
  cleanups.push(() => lab.destroy());
  expect(natRules(lab)).toContain(kind === "masquerade-random" ? "MASQUERADE --random" : "-j MASQUERADE");
  await startServerIn(lab);
  const browser = await browserIn(lab);
  const page = await browser.newPage();
  await page.goto(`http://${lab.serverAddress}:${HTTP_PORT}/inspect/`);
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
