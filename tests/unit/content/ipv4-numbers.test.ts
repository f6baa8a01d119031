/**
 * Numbers in the IPv4 lesson are checked against code, so prose and tools cannot disagree:
 * the size of the address space against IPV4_ADDRESS_COUNT (src/shared/net/ipv4.ts, used by the
 * demos), and the special-purpose table against the sizes its CIDR prefixes imply.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LESSON_DIR, ROOT } from "./content-files.ts";

const lesson = readFileSync(join(LESSON_DIR, "ipv4.mdx"), "utf8");

function parseGrouped(digits: string): number {
  return Number(digits.replace(/,/gu, ""));
}

describe("IPv4 lesson numbers", () => {
  it("states 2^32 as the value of IPV4_ADDRESS_COUNT from src/shared/net/ipv4.ts", async () => {
    const stated = /2\^32 = (\d{1,3}(?:,\d{3})+)/u.exec(lesson)?.[1];
    expect(stated, "the lesson states '2^32 = N'").toBeDefined();
    const modulePath = join(ROOT, "src/shared/net/ipv4.ts");
    const mod = (await import(modulePath).catch((error: unknown) => {
      throw new Error(`src/shared/net/ipv4.ts is needed for this check and could not be loaded: ${String(error)}`);
    })) as { IPV4_ADDRESS_COUNT?: unknown };
    expect(mod.IPV4_ADDRESS_COUNT, "src/shared/net/ipv4.ts exports IPV4_ADDRESS_COUNT").toBeTypeOf("number");
    expect(parseGrouped(stated ?? "")).toBe(mod.IPV4_ADDRESS_COUNT);
    expect(parseGrouped(stated ?? "")).toBe(2 ** 32);
  });

  it("gives each special-purpose block the size its prefix implies, and the right total", () => {
    const rows = lesson.split("\n").filter((line) => /^\| (\d+\.\d+\.\d+\.\d+\/\d+(, |,? and )?)+ \| [\d,]+( each)? \|/u.test(line));
    expect(rows.length).toBeGreaterThanOrEqual(5);
    let total = 0;
    for (const row of rows) {
      const [blocksCell = "", countCell = ""] = row.split("|").slice(1, 3).map((cell) => cell.trim());
      const prefixes = [...blocksCell.matchAll(/\/(\d+)/gu)].map((match) => Number(match[1]));
      const count = parseGrouped(/[\d,]+/u.exec(countCell)?.[0] ?? "");
      for (const prefix of prefixes) expect(count, row).toBe(2 ** (32 - prefix));
      total += count * prefixes.length;
    }
    const stated = /add up to about ([\d.]+) million/u.exec(lesson)?.[1];
    expect(stated, "the lesson states the total").toBeDefined();
    expect((total / 1e6).toFixed(1)).toBe(stated);
    const share = /roughly (\d+) % of the space/u.exec(lesson)?.[1];
    expect(Math.round((total / 2 ** 32) * 100)).toBe(Number(share));
  });
});
