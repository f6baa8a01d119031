/**
 * Every lesson on disk against the conventions in the team brief: frontmatter schema, order,
 * diagrams with text alternatives that Mermaid can parse, links that resolve, RFC sections cited,
 * length, and a "Check yourself" section with a predict-then-observe question.
 */
import { describe, expect, it } from "vitest";
import { demoLinkSchema, lessonSchema } from "../../../src/shared/content-schema.ts";
import { parseDemoParams } from "../../../src/demos/two-tab/params.ts";
import { policyFromSearch } from "../../../src/demos/inspect/session.ts";
import {
  DEMO_SLOT_NAMES,
  EXPECTED_LESSONS,
  brokenLessonAnchor,
  checkYourself,
  demoSlotNames,
  diagramAccessibilityProblems,
  internalTargets,
  lessonFiles,
  mermaidBlocks,
  parseMermaid,
  proseWordCount,
  resolveInternalLink,
  rfcSectionLinks,
  splitFrontmatter,
  withoutCode,
} from "./content-files.ts";

const lessons = lessonFiles().map((file) => {
  const { frontmatter, body } = splitFrontmatter(file.text);
  return { ...file, frontmatter, body };
});

describe("the lesson collection", () => {
  it("has lessons to check", () => {
    expect(lessons.length).toBeGreaterThan(0);
  });

  it("has each of the seven lessons at its place in the order", () => {
    const found = lessons.map((lesson) => ({ slug: lesson.slug, order: (lesson.frontmatter as { order?: unknown }).order }));
    for (const expected of EXPECTED_LESSONS) {
      expect(found, `content/lessons/${expected.slug}.mdx with order ${expected.order}`).toContainEqual(expected);
    }
  });

  it("gives every lesson a unique order between 1 and 7", () => {
    const orders = lessons.map((lesson) => [lesson.slug, (lesson.frontmatter as { order?: unknown }).order] as const);
    for (const [slug, order] of orders) {
      expect(order, `order of ${slug}`).toBeTypeOf("number");
      expect(Number(order), `order of ${slug}`).toBeGreaterThanOrEqual(1);
      expect(Number(order), `order of ${slug}`).toBeLessThanOrEqual(7);
    }
    const values = orders.map(([, order]) => order);
    expect(new Set(values).size, `orders ${JSON.stringify(orders)}`).toBe(values.length);
  });
});

describe("a lesson's demo links", () => {
  it("are site paths, with at most a query the demo pages read", () => {
    expect(demoLinkSchema.safeParse({ href: "/demo/?policy=relay", label: "x" }).success).toBe(true);
    for (const href of ["https://example.com/demo/", "//example.com/", "/demo/?policy=<b>", "/demo/#pairs", "demo/"]) {
      expect(demoLinkSchema.safeParse({ href, label: "x" }).success, href).toBe(false);
    }
  });

  it("that carry a query start the page in the mode their label promises", () => {
    const withQuery = lessons.flatMap((lesson) => {
      const data = lessonSchema.safeParse(lesson.frontmatter);
      return data.success ? data.data.demos.filter((demo) => demo.href.includes("?")) : [];
    });
    expect(withQuery.length).toBeGreaterThan(0);
    for (const { href, label } of withQuery) {
      const url = new URL(href, "http://localhost/");
      expect(["/demo/", "/inspect/"], href).toContain(url.pathname);
      const policy = url.pathname === "/demo/" ? parseDemoParams(url.search).policy : policyFromSearch(url.search);
      expect(policy, href).toBe("relay");
      expect(label, href).toMatch(/relay/iu);
    }
  });
});

describe.each(lessons)("lesson $slug", (lesson) => {
  const data = lessonSchema.safeParse(lesson.frontmatter);

  it("has frontmatter that passes lessonSchema", () => {
    expect(data.success ? [] : data.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`)).toEqual([]);
  });

  it("has at least one Mermaid diagram, each with accTitle and a multi-line accDescr", () => {
    const blocks = mermaidBlocks(lesson.body);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      expect(diagramAccessibilityProblems(block.content), `diagram at body line ${block.line}`).toEqual([]);
    }
  });

  it("has Mermaid diagrams that Mermaid's parser accepts", async () => {
    for (const block of mermaidBlocks(lesson.body)) {
      await expect(parseMermaid(block.content), `diagram at body line ${block.line}`).resolves.toBeUndefined();
    }
  });

  it("links only to internal pages that exist (lessons, glossary, demos)", () => {
    const demoHrefs = data.success ? data.data.demos.map((demo) => demo.href) : [];
    const broken = [...internalTargets(lesson.body), ...demoHrefs]
      .map((target) => resolveInternalLink(target))
      .flatMap((result) => (result.ok ? [] : [result.reason]));
    expect(broken).toEqual([]);
    expect(internalTargets(lesson.body).flatMap((target) => brokenLessonAnchor(target) ?? [])).toEqual([]);
  });

  it("links to the glossary", () => {
    expect(internalTargets(lesson.body).filter((target) => target.startsWith("/glossary/")).length).toBeGreaterThan(3);
  });

  it("cites RFC sections as links, and only RFCs listed in its frontmatter", () => {
    const links = rfcSectionLinks(lesson.body);
    expect(links.length).toBeGreaterThan(0);
    const listed = new Set(data.success ? data.data.rfcs.map((rfc) => rfc.number) : []);
    expect(links.filter((link) => !listed.has(link.rfc)).map((link) => `RFC ${link.rfc} §${link.section}`)).toEqual([]);
  });

  it("mentions every RFC of its frontmatter in the text", () => {
    const prose = withoutCode(lesson.body);
    const rfcs = data.success ? data.data.rfcs : [];
    expect(rfcs.filter((rfc) => !prose.includes(`RFC ${rfc.number}`)).map((rfc) => rfc.number)).toEqual([]);
  });

  it("has 1,200 to 2,500 words of prose", () => {
    const words = proseWordCount(lesson.body);
    expect(words).toBeGreaterThanOrEqual(1200);
    expect(words).toBeLessThanOrEqual(2500);
  });

  it("ends with Check yourself: 3 to 5 questions, one of them predict-then-observe in a live demo", () => {
    const section = checkYourself(lesson.body);
    expect(section, "a ## Check yourself heading").toBeDefined();
    expect(section?.isLastSection, "Check yourself is the last section").toBe(true);
    const questions = section?.questions ?? [];
    expect(questions.length).toBeGreaterThanOrEqual(3);
    expect(questions.length).toBeLessThanOrEqual(5);
    const predict = questions.filter((question) => /predict/iu.test(question.summary));
    expect(predict.length, "a question whose summary says Predict").toBeGreaterThan(0);
    expect(predict.some((question) => /\]\(\/(demo|inspect)\/[^)]*\)|href="\/(demo|inspect)\//u.test(question.answer + question.summary))).toBe(true);
  });

  it("embeds only demo slots that exist, and imports DemoSlot when it does", () => {
    const names = demoSlotNames(lesson.body);
    expect(names.filter((name) => !DEMO_SLOT_NAMES.includes(name))).toEqual([]);
    if (names.length > 0) expect(lesson.body).toMatch(/^import DemoSlot from "\.\.\/\.\.\/src\/components\/DemoSlot\.astro";$/mu);
  });

  it("flags its simplifications", () => {
    expect(lesson.body).toMatch(/^:::note\[Simplification\]$/mu);
  });

  it("titles each aside differently: an aside is a landmark named by its title (axe: landmark-unique)", () => {
    const titles = [...lesson.body.matchAll(/^:::\w+\[([^\]]+)\]$/gmu)].map((m) => m[1]);
    expect(titles.filter((title, i) => titles.indexOf(title) !== i)).toEqual([]);
  });
});
