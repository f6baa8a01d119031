/**
 * Address ranges the IPv4 lesson and the glossary name, checked against src/shared/net/address-class.ts,
 * the table the demos use to label addresses (IANA special-purpose registry, RFC 6890): each CIDR must
 * be exactly the block the classifier knows, with the kind the text gives it, and each "first to last"
 * span must be what the prefix length implies. A /12 written as /16, or 172.31 written as 172.16, fails.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GLOSSARY_DIR, LESSON_DIR, mermaidBlocks, splitFrontmatter } from "./content-files.ts";
import { classifyAddress, type AddressKind } from "../../../src/shared/net/address-class.ts";
import { formatIPv4, parseIPv4 } from "../../../src/shared/net/ipv4.ts";

const lesson = splitFrontmatter(readFileSync(join(LESSON_DIR, "ipv4.mdx"), "utf8")).body;

function glossary(slug: string): string {
  return readFileSync(join(GLOSSARY_DIR, `${slug}.md`), "utf8");
}

/** First and last address of an IPv4 CIDR block, as dotted text. */
function span(cidr: string): { first: string; last: string } {
  const [network = "", bits = ""] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  const first = parseIPv4(network);
  expect(first % size, `${cidr} starts on a multiple of its size`).toBe(0);
  return { first: formatIPv4(first), last: formatIPv4(first + size - 1) };
}

/** Expects both ends of `cidr` to be classified as `kind`, in exactly that block. */
function expectBlock(cidr: string, kind: AddressKind, where: string): void {
  const { first, last } = span(cidr);
  for (const address of [first, last]) {
    const c = classifyAddress(address);
    expect(c.kind, `${address} (${where})`).toBe(kind);
    expect(c.range, `${address} (${where}) lies in ${cidr} and no larger block`).toBe(cidr);
  }
}

const CIDR = String.raw`\d+\.\d+\.\d+\.\d+\/\d+`;

describe("IPv4 lesson: address ranges", () => {
  it("gives each 'first to last' span the addresses its prefix implies", () => {
    const spans = [...lesson.matchAll(new RegExp(String.raw`(${CIDR}) \((\d+\.\d+\.\d+\.\d+) to (\d+\.\d+\.\d+\.\d+)`, "gu"))];
    expect(spans.length, "the RFC 1918 list gives three spans").toBeGreaterThanOrEqual(3);
    for (const [, cidr = "", first, last] of spans) expect({ first, last }, cidr).toEqual(span(cidr));
  });

  it("lists as RFC 1918 private space exactly the blocks the classifier knows as private", () => {
    const list = lesson.slice(lesson.indexOf("reserves three ranges for this:"), lesson.indexOf("Millions of homes"));
    const blocks = [...list.matchAll(new RegExp(`^- (${CIDR})`, "gmu"))].map((m) => m[1] ?? "");
    expect(blocks).toHaveLength(3);
    for (const cidr of blocks) {
      expectBlock(cidr, "private", "RFC 1918 list");
      expect(classifyAddress(span(cidr).first).rfc).toBe("RFC 1918");
    }
  });

  it("sends each block of the classification diagram to the class the classifier gives it", () => {
    const diagram = mermaidBlocks(lesson).find((block) => block.content.includes("Classifying an IPv4 address"));
    expect(diagram, "the classification flowchart").toBeDefined();
    const text = diagram?.content ?? "";
    const labelKinds: Record<string, AddressKind> = { Loopback: "loopback", "Link-local": "link-local", Private: "private", Shared: "cgnat" };
    const questions = [...text.matchAll(/\b(\w+)\{"In ([^"]+)\?"\}/gu)];
    let checked = 0;
    for (const [, node = "", question = ""] of questions) {
      const blocks = [...question.matchAll(new RegExp(CIDR, "gu"))].map((m) => m[0]);
      if (blocks.length === 0) continue;
      const answer = new RegExp(String.raw`^\s*${node} -->\|yes\| \w+\["([^":]+)`, "mu").exec(text)?.[1] ?? "";
      const kind = Object.entries(labelKinds).find(([prefix]) => answer.startsWith(prefix))?.[1];
      expect(kind, `the yes-branch of ${node} ("${answer}") names a class`).toBeDefined();
      for (const cidr of blocks) expectBlock(cidr, kind ?? "public", `diagram node ${node}`);
      checked += blocks.length;
    }
    expect(checked).toBe(6);
  });

  it("names the documentation and benchmarking blocks the classifier knows", () => {
    const note = lesson.slice(lesson.indexOf("documentation ranges ("), lesson.indexOf("for benchmarking") + 20);
    const documentation = [...note.slice(0, note.indexOf(")")).matchAll(new RegExp(CIDR, "gu"))].map((m) => m[0]);
    expect(documentation).toHaveLength(3);
    for (const cidr of documentation) expectBlock(cidr, "documentation", "documentation ranges");
    const [, benchmarking = ""] = new RegExp(`(${CIDR}) for benchmarking`, "u").exec(note) ?? [];
    expectBlock(benchmarking, "reserved", "benchmarking");
    expect(classifyAddress(span(benchmarking).first).rfc).toBe("RFC 2544");
  });

  it("states the second octets of 100.64.0.0/10 correctly", () => {
    const { first, last } = span("100.64.0.0/10");
    const stated = [...lesson.matchAll(/starts with 100\.(\d+)\s+to\s+100\.(\d+)/gu)];
    expect(stated.length).toBeGreaterThanOrEqual(2);
    for (const [, low, high] of stated) expect([`100.${low ?? ""}`, `100.${high ?? ""}`]).toEqual([first.split(".").slice(0, 2).join("."), last.split(".").slice(0, 2).join(".")]);
  });

  it("puts each example address in the block it says it lies in", () => {
    const claims = [...lesson.matchAll(new RegExp(String.raw`(\d+\.\d+\.\d+\.\d+)\*{0,2} (?:is in|lies in) (${CIDR})`, "gu"))];
    expect(claims.length).toBeGreaterThanOrEqual(2);
    for (const [, address = "", cidr = ""] of claims) expect(classifyAddress(address).range, address).toBe(cidr);
  });
});

describe("glossary: address ranges", () => {
  const cases: readonly { slug: string; kinds: Readonly<Record<string, AddressKind>> }[] = [
    { slug: "private-address", kinds: { "10.0.0.0/8": "private", "172.16.0.0/12": "private", "192.168.0.0/16": "private" } },
    { slug: "cgnat", kinds: { "100.64.0.0/10": "cgnat" } },
    { slug: "link-local-address", kinds: { "169.254.0.0/16": "link-local" } },
    { slug: "loopback", kinds: { "127.0.0.0/8": "loopback" } },
  ];

  it.each(cases)("$slug names only blocks of its class", ({ slug, kinds }) => {
    const text = glossary(slug);
    const named = [...new Set([...text.matchAll(new RegExp(CIDR, "gu"))].map((m) => m[0]))];
    expect(named.sort()).toEqual(Object.keys(kinds).sort());
    for (const cidr of named) expectBlock(cidr, kinds[cidr] ?? "public", slug);
  });

  it("gives the IPv6 link-local and loopback addresses the classifier's classes", () => {
    expect(glossary("link-local-address")).toContain("fe80::/10");
    expect(classifyAddress("fe80::1").range).toBe("fe80::/10");
    expect(glossary("loopback")).toContain("::1 in IPv6");
    expect(classifyAddress("::1").kind).toBe("ipv6-loopback");
  });
});
