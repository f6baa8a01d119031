/**
 * /inspect/ in Firefox behind a real NAT (the lab of ./netns-lab.ts: Firefox in a client network
 * namespace behind a Linux router, the real server in a "public" one). On loopback no NAT exists
 * and Firefox, like Chromium, drops a server-reflexive candidate equal to its host candidate; here
 * it gets host, srflx and relay candidates from the built-in server, and the mapping check has
 * something to measure although Firefox names no STUN server on its candidates.
 *
 * Needs Linux and root, like ./inspect-nat.test.ts: elsewhere it is skipped with the reason printed,
 * unless REQUIRE_NAT_TEST=1 (.ci/run). Firefox missing is a failure, never a skip.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { NOT_REPORTED } from "../../../src/components/candidates/rows.ts";
import { candidatePriority, RECOMMENDED_TYPE_PREFERENCE } from "../../../src/shared/ice/priority.ts";
import { findFirefox } from "../support/firefox.ts";
import type { LabInspection } from "./firefox-inspect-driver.ts";
import { startServerInLab } from "./lab-processes.ts";
import { createNatLab, natLabUnavailableReason, type NatKind } from "./netns-lab.ts";

const unavailable = natLabUnavailableReason();
const required = process.env["REQUIRE_NAT_TEST"] === "1";
if (unavailable && !required) console.warn(`SKIPPED tests/e2e/nat/inspect-nat-firefox.test.ts: ${unavailable}`);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const LAB = { client: "10.0.0.2", natPublic: "203.0.113.2", server: "203.0.113.10" };

async function inspectBehind(kind: NatKind): Promise<LabInspection> {
  findFirefox(); // fails with the install command before any namespace is made
  const lab = createNatLab(kind, `fx${String(process.pid % 100000)}`);
  cleanups.push(() => lab.destroy());
  const server = await startServerInLab(lab);
  cleanups.push(() => server.stop());
  const node = existsSync(resolve("node_modules/.bin/node")) ? resolve("node_modules/.bin/node") : process.execPath;
  const { stdout } = await promisify(execFile)("ip", ["netns", "exec", lab.cli, node, resolve("tests/e2e/nat/firefox-inspect-driver.ts"), server.url], { timeout: 90_000 });
  const shown = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as LabInspection;
  console.info(`NAT lab, Firefox (${kind}): verdict ${shown.verdict}; ${shown.summary}\n  evidence: ${shown.evidence}\n  rows: ${JSON.stringify(shown.rows.map((r) => [r.type, r.address, r.relatedAddress]))}`);
  return shown;
}

function checkRows(shown: LabInspection): void {
  const of = (type: string): LabInspection["rows"] => shown.rows.filter((r) => r.type === type);
  expect(of("host").map((r) => r.address)).toContain(LAB.client);
  expect(of("srflx").length, JSON.stringify(shown.rows)).toBeGreaterThan(0);
  for (const r of of("srflx")) {
    expect(r.address).toBe(LAB.natPublic);
    expect(r.relatedAddress).toBe(LAB.client);
    expect(r.parts[0]).toBe(RECOMMENDED_TYPE_PREFERENCE.srflx);
    expect(r.url).toBe(NOT_REPORTED);
  }
  expect(of("relay").map((r) => r.address)).toContain(LAB.server);
  for (const r of shown.rows) {
    const [tp = NaN, lp = NaN, comp = NaN] = r.parts;
    expect(candidatePriority(tp, lp, comp), JSON.stringify(r)).toBe(r.priority);
  }
  expect(shown.meaning).toContain(`Your browser is behind a NAT: your host address ${LAB.client} is private`);
  expect(shown.meaning).toContain(`the internet sees you as ${LAB.natPublic}:`);
  // Firefox's relay candidates repeat the relayed address as their related address.
  expect(shown.privacy).toContain(`Only the TURN server's address ${LAB.server}: its related address repeats the relayed address`);
  expect(shown.evidence).toContain("The browser does not say which STUN server produced each server-reflexive candidate (Firefox reports no server URL)");
  expect(shown.errors).toEqual([]);
}

describe("/inspect/ in Firefox behind a real Linux NAT (network namespaces + iptables)", () => {
  if (unavailable && required) {
    it("can run here (REQUIRE_NAT_TEST=1)", () => {
      throw new Error(`The real-NAT test must run in CI but cannot: ${unavailable}`);
    });
    return;
  }

  it.skipIf(unavailable !== undefined)(
    "plain MASQUERADE → host, srflx and relay rows, endpoint-independent",
    async () => {
      const shown = await inspectBehind("masquerade");
      checkRows(shown);
      expect(shown.verdict, shown.summary).toBe("endpoint-independent");
    },
    150_000,
  );

  it.skipIf(unavailable !== undefined)(
    "MASQUERADE --random → address-or-port-dependent",
    async () => {
      const shown = await inspectBehind("masquerade-random");
      checkRows(shown);
      expect(shown.verdict, shown.summary).toBe("address-or-port-dependent");
    },
    150_000,
  );
});
