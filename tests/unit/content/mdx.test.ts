/**
 * Every lesson compiles as MDX. A stray `{` or `<` in prose is a syntax error in MDX that would
 * otherwise surface only when the whole site is built.
 */
import { compile } from "@mdx-js/mdx";
import remarkGfm from "remark-gfm";
import { describe, expect, it } from "vitest";
import { lessonFiles, splitFrontmatter } from "./content-files.ts";

describe("MDX syntax", () => {
  it.each(lessonFiles())("lesson $slug compiles", async (lesson) => {
    await expect(compile(splitFrontmatter(lesson.text).body, { remarkPlugins: [remarkGfm] })).resolves.toBeDefined();
  });

  it("rejects prose with an unbalanced brace (so the check can fail)", async () => {
    await expect(compile("A set {of things.", { remarkPlugins: [remarkGfm] })).rejects.toThrow();
  });
});
