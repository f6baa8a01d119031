/**
 * The content checkers run on small fixture lessons, so each test in lessons.test.ts is known to
 * fail when a lesson breaks the rule it checks (a checker that accepts everything proves nothing).
 */
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkYourself,
  demoSlotNames,
  diagramAccessibilityProblems,
  internalTargets,
  mermaidBlocks,
  parseMermaid,
  proseWordCount,
  resolveInternalLink,
  rfcSectionLinks,
  splitFrontmatter,
} from "./content-files.ts";

const good = `sequenceDiagram
  accTitle: Offer and answer
  accDescr {
    Alice sends an offer to Bob through the server,
    and Bob answers.
  }
  Alice->>Bob: offer
  Bob->>Alice: answer`;

describe("internal link resolution", () => {
  const root = mkdtempSync(join(tmpdir(), "content-links-"));
  mkdirSync(join(root, "content/lessons"), { recursive: true });
  mkdirSync(join(root, "content/glossary"), { recursive: true });
  mkdirSync(join(root, "src/pages/demo"), { recursive: true });
  writeFileSync(join(root, "content/lessons/nat.mdx"), "---\n---\n");
  writeFileSync(join(root, "content/glossary/nat.md"), "---\n---\n");
  writeFileSync(join(root, "src/pages/demo/index.astro"), "");
  writeFileSync(join(root, "src/pages/index.astro"), "");

  it("accepts links to a lesson, a glossary term and a page that exist", () => {
    for (const target of ["/lessons/nat/", "/glossary/nat/", "/demo/", "/demo/?room=abc", "/lessons/nat/#mapping", "/"]) {
      expect(resolveInternalLink(target, root), target).toMatchObject({ ok: true });
    }
  });

  it("catches a glossary term, a lesson and a page that do not exist", () => {
    expect(resolveInternalLink("/glossary/natt/", root)).toEqual({ ok: false, reason: "/glossary/natt/: no content/glossary/natt.md" });
    expect(resolveInternalLink("/lessons/stun/", root)).toMatchObject({ ok: false });
    expect(resolveInternalLink("/inspect/", root)).toMatchObject({ ok: false });
  });

  it("catches a link without the trailing slash the site requires", () => {
    expect(resolveInternalLink("/glossary/nat", root)).toMatchObject({ ok: false, reason: expect.stringContaining('must end with "/"') as unknown });
  });

  it("finds links in Markdown and HTML but not inside code", () => {
    const body = "See [NAT](/glossary/nat/) and <a href=\"/demo/\">the demo</a>.\n\n```js\nfetch('[x](/glossary/nope/)')\n```\n\nAnd `[y](/glossary/nope2/)`.";
    expect(internalTargets(body)).toEqual(["/glossary/nat/", "/demo/"]);
  });
});

describe("Mermaid checks", () => {
  it("finds mermaid blocks and accepts one with accTitle and accDescr", () => {
    const blocks = mermaidBlocks(`Text\n\n\`\`\`mermaid\n${good}\n\`\`\`\n\n\`\`\`text\nnot a diagram\n\`\`\``);
    expect(blocks).toHaveLength(1);
    expect(diagramAccessibilityProblems(blocks[0]?.content ?? "")).toEqual([]);
  });

  it("reports a diagram without a text alternative", () => {
    expect(diagramAccessibilityProblems("flowchart LR\n  A-->B")).toEqual(["missing accTitle: ...", "missing multi-line accDescr { ... }"]);
    expect(diagramAccessibilityProblems("flowchart LR\n  accTitle: T\n  accDescr { A to B }\n  A-->B")).toEqual(["accDescr is too short to describe the diagram"]);
  });

  it("parses a valid diagram and rejects a broken one", async () => {
    await expect(parseMermaid(good)).resolves.toBeUndefined();
    await expect(parseMermaid("sequenceDiagram\n  Alice-->>>Bob offer ??")).rejects.toThrow(/Parse error/u);
    await expect(parseMermaid("flowchart TD\n  A[unclosed --> B")).rejects.toThrow();
  });
});

describe("RFC section links", () => {
  it("reads RFC number and section from rfc-editor links, ignoring other RFC links", () => {
    const body = "[RFC 4787 §4.1](https://www.rfc-editor.org/rfc/rfc4787#section-4.1), [RFC 1918](https://www.rfc-editor.org/rfc/rfc1918), [x](https://datatracker.ietf.org/doc/html/rfc8445#section-5)";
    expect(rfcSectionLinks(body)).toEqual([{ rfc: 4787, section: "4.1" }]);
  });
});

describe("prose word count", () => {
  it("counts prose words and leaves out code, Mermaid, imports, tags and link targets", () => {
    const body = [
      'import DemoSlot from "../../src/components/DemoSlot.astro";',
      "",
      "One two [three](https://example.org/a/b/c) four.",
      "",
      "```mermaid",
      good,
      "```",
      "",
      '<DemoSlot name="nat-mapping" />',
      "",
      ":::note[Simplification]",
      "Five `six` seven.",
      ":::",
    ].join("\n");
    expect(proseWordCount(body)).toBe(6);
  });
});

describe("Check yourself", () => {
  const questions = (n: number, predict: boolean): string =>
    Array.from({ length: n }, (_, i) => `<details>\n<summary>${predict && i === 0 ? "Predict, then observe: what?" : `Question ${i}?`}</summary>\n\nAnswer, see [/inspect/](/inspect/).\n</details>`).join("\n\n");

  it("finds the questions and whether the section is last", () => {
    const section = checkYourself(`Intro\n\n## Check yourself\n\n${questions(3, true)}\n`);
    expect(section?.questions).toHaveLength(3);
    expect(section?.questions[0]?.summary).toBe("Predict, then observe: what?");
    expect(section?.isLastSection).toBe(true);
  });

  it("notices a missing section and a section that is not last", () => {
    expect(checkYourself("## Summary\n\nNo questions.")).toBeUndefined();
    expect(checkYourself(`## Check yourself\n\n${questions(3, false)}\n\n## Further reading\n`)?.isLastSection).toBe(false);
  });
});

describe("frontmatter and demo slots", () => {
  it("splits YAML frontmatter from the body and refuses a file without it", () => {
    expect(splitFrontmatter("---\ntitle: NAT\norder: 2\n---\nBody")).toEqual({ frontmatter: { title: "NAT", order: 2 }, body: "Body" });
    expect(() => splitFrontmatter("title: NAT\nBody")).toThrow(/no frontmatter/u);
  });

  it("reads DemoSlot names outside code", () => {
    expect(demoSlotNames('<DemoSlot name="two-tab-demo" />\n\n```mdx\n<DemoSlot name="nope" />\n```')).toEqual(["two-tab-demo"]);
  });
});
