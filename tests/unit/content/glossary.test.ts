/** Every glossary entry: frontmatter schema, a body, and links that resolve. */
import { describe, expect, it } from "vitest";
import { glossarySchema } from "../../../src/shared/content-schema.ts";
import { brokenLessonAnchor, glossaryFiles, internalTargets, resolveInternalLink, splitFrontmatter } from "./content-files.ts";

const entries = glossaryFiles().map((file) => ({ ...file, ...splitFrontmatter(file.text) }));

describe("the glossary", () => {
  it("has entries", () => {
    expect(entries.length).toBeGreaterThan(0);
  });

  it("uses kebab-case slugs", () => {
    expect(entries.map((entry) => entry.slug).filter((slug) => !/^[a-z0-9]+(-[a-z0-9]+)*$/u.test(slug))).toEqual([]);
  });

  it("has no two entries claiming the same term", () => {
    const terms = entries.map((entry) => String((entry.frontmatter as { term?: unknown }).term).toLowerCase());
    expect(terms.filter((term, index) => terms.indexOf(term) !== index)).toEqual([]);
  });
});

describe.each(entries)("glossary entry $slug", (entry) => {
  it("has frontmatter that passes glossarySchema", () => {
    const result = glossarySchema.safeParse(entry.frontmatter);
    expect(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`)).toEqual([]);
  });

  it("has a body of one to three short paragraphs", () => {
    const paragraphs = entry.body.trim().split(/\n\s*\n/u).filter((part) => part.trim() !== "");
    expect(paragraphs.length).toBeGreaterThanOrEqual(1);
    expect(paragraphs.length).toBeLessThanOrEqual(3);
  });

  it("links only to pages that exist", () => {
    const broken = internalTargets(entry.body)
      .map((target) => resolveInternalLink(target))
      .flatMap((result) => (result.ok ? [] : [result.reason]));
    expect(broken).toEqual([]);
  });

  it("links a lesson, and every lesson section it links exists", () => {
    const targets = internalTargets(entry.body);
    expect(targets.filter((target) => target.startsWith("/lessons/")).length, "a link to a lesson").toBeGreaterThan(0);
    expect(targets.flatMap((target) => brokenLessonAnchor(target) ?? [])).toEqual([]);
  });
});
