/**
 * Reads lessons and glossary entries from disk and takes them apart the way the content tests
 * need: frontmatter, Mermaid blocks, links, prose. Each extractor is a pure function of the file
 * text so the tests can also run it on small fixture strings and prove that a broken lesson fails.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const LESSON_DIR = join(ROOT, "content/lessons");
export const GLOSSARY_DIR = join(ROOT, "content/glossary");

/** The seven lessons in the order the site teaches them. */
export const EXPECTED_LESSONS: readonly { slug: string; order: number }[] = [
  { slug: "ipv4", order: 1 },
  { slug: "nat", order: 2 },
  { slug: "signaling", order: 3 },
  { slug: "sdp", order: 4 },
  { slug: "stun", order: 5 },
  { slug: "turn", order: 6 },
  { slug: "ice", order: 7 },
];

/** Names DemoSlot.astro accepts. */
export const DEMO_SLOT_NAMES: readonly string[] = [
  "inspect-candidates",
  "two-tab-demo",
  "stun-packets",
  "turn-allocation",
  "address-classes",
  "nat-mapping",
  "nat-simulator",
];

export interface ContentFile {
  slug: string;
  path: string;
  text: string;
}

function listDir(dir: string, pattern: RegExp): ContentFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => pattern.test(file))
    .sort()
    .map((file) => ({ slug: file.replace(pattern, ""), path: join(dir, file), text: readFileSync(join(dir, file), "utf8") }));
}

export function lessonFiles(): ContentFile[] {
  return listDir(LESSON_DIR, /\.mdx?$/u);
}

export function glossaryFiles(): ContentFile[] {
  return listDir(GLOSSARY_DIR, /\.md$/u);
}

export interface Split {
  frontmatter: unknown;
  body: string;
}

/** Splits `---\nyaml\n---\nbody`; throws if the frontmatter fence is missing. */
export function splitFrontmatter(text: string): Split {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/u.exec(text);
  if (!match) throw new Error("no frontmatter: the file must start with a --- fenced YAML block");
  return { frontmatter: parseYaml(match[1] ?? ""), body: text.slice(match[0].length) };
}

export interface FencedBlock {
  lang: string;
  content: string;
  line: number;
}

/** Every fenced code block (``` or ~~~) with its language tag and 1-based start line. */
export function fencedBlocks(body: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = body.split("\n");
  let open: { fence: string; lang: string; line: number; content: string[] } | undefined;
  lines.forEach((line, index) => {
    if (open) {
      if (line.trim() === open.fence) {
        blocks.push({ lang: open.lang, content: open.content.join("\n"), line: open.line });
        open = undefined;
      } else {
        open.content.push(line);
      }
      return;
    }
    const start = /^\s*(```+|~~~+)\s*([\w-]*)/u.exec(line);
    if (start) open = { fence: start[1] ?? "```", lang: start[2] ?? "", line: index + 1, content: [] };
  });
  if (open) throw new Error(`unclosed code fence opened on line ${open.line}`);
  return blocks;
}

export function mermaidBlocks(body: string): FencedBlock[] {
  return fencedBlocks(body).filter((block) => block.lang === "mermaid");
}

/** Problems with a diagram's text alternative (empty list when it has both parts). */
export function diagramAccessibilityProblems(source: string): string[] {
  const problems: string[] = [];
  if (!/^\s*accTitle\s*:\s*\S/mu.test(source)) problems.push("missing accTitle: ...");
  const block = /^\s*accDescr\s*\{([\s\S]*?)\}/mu.exec(source);
  if (!block) problems.push("missing multi-line accDescr { ... }");
  else if ((block[1] ?? "").trim().split(/\s+/u).length < 8) problems.push("accDescr is too short to describe the diagram");
  return problems;
}

/** The body with fenced code blocks removed (links and prose in code do not count). */
export function withoutCode(body: string): string {
  const lines = body.split("\n");
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const start = /^\s*(```+|~~~+)/u.exec(line);
    if (fence) {
      if (line.trim() === fence) fence = undefined;
      continue;
    }
    if (start) {
      fence = start[1];
      continue;
    }
    kept.push(line);
  }
  return kept.join("\n").replace(/`[^`\n]*`/gu, (code) => code.replace(/\]\(/gu, "] ("));
}

/** Link targets in Markdown links `[text](target)` and HTML `href="target"`, outside code. */
export function linkTargets(body: string): string[] {
  const prose = withoutCode(body);
  const targets: string[] = [];
  for (const match of prose.matchAll(/\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)/gu)) targets.push(match[1] ?? "");
  for (const match of prose.matchAll(/\bhref=["']([^"']+)["']/gu)) targets.push(match[1] ?? "");
  return targets;
}

export function internalTargets(body: string): string[] {
  return linkTargets(body).filter((target) => target.startsWith("/"));
}

/**
 * Where an internal link's page comes from, or why it does not resolve. Site links end in a
 * slash (astro.config.mjs sets trailingSlash: "always"); a lesson or glossary slug must have a
 * file, any other page must exist under src/pages.
 */
export function resolveInternalLink(target: string, root: string = ROOT): { ok: true; file: string } | { ok: false; reason: string } {
  const path = target.replace(/[?#].*$/u, "");
  if (!path.endsWith("/")) return { ok: false, reason: `${target}: site links must end with "/"` };
  const lesson = /^\/lessons\/([a-z0-9-]+)\/$/u.exec(path);
  if (lesson) {
    for (const ext of ["mdx", "md"]) {
      const file = join(root, "content/lessons", `${lesson[1] ?? ""}.${ext}`);
      if (existsSync(file)) return { ok: true, file };
    }
    return { ok: false, reason: `${target}: no content/lessons/${lesson[1] ?? ""}.mdx` };
  }
  const term = /^\/glossary\/([a-z0-9-]+)\/$/u.exec(path);
  if (term) {
    const file = join(root, "content/glossary", `${term[1] ?? ""}.md`);
    return existsSync(file) ? { ok: true, file } : { ok: false, reason: `${target}: no content/glossary/${term[1] ?? ""}.md` };
  }
  const inner = path.slice(1, -1);
  const candidates = inner === "" ? ["src/pages/index.astro"] : [`src/pages/${inner}/index.astro`, `src/pages/${inner}.astro`, `src/pages/${inner}/index.md`, `src/pages/${inner}.md`];
  for (const candidate of candidates) {
    const file = join(root, candidate);
    if (existsSync(file)) return { ok: true, file };
  }
  return { ok: false, reason: `${target}: no page in src/pages (looked for ${candidates.join(", ")})` };
}

/**
 * The ids Starlight gives a Markdown file's `##` to `####` headings (github-slugger: lower case,
 * punctuation dropped, each space a hyphen, a repeated id numbered). Only the plain ASCII headings
 * this site writes are handled; the build's HTML is the final word.
 */
export function headingIds(body: string): string[] {
  const seen = new Map<string, number>();
  const ids: string[] = [];
  for (const match of withoutFences(body).matchAll(/^#{2,4}\s+(.+?)\s*#*\s*$/gmu)) {
    const base = (match[1] ?? "").replace(/`/gu, "").toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/ /gu, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    ids.push(count === 0 ? base : `${base}-${String(count)}`);
  }
  return ids;
}

/** The body without fenced code blocks, inline code left as it is (headings keep their code). */
function withoutFences(body: string): string {
  let fence: string | undefined;
  return body
    .split("\n")
    .filter((line) => {
      const start = /^\s*(```+|~~~+)/u.exec(line);
      if (fence) {
        if (line.trim() === fence) fence = undefined;
        return false;
      }
      if (start) {
        fence = start[1];
        return false;
      }
      return true;
    })
    .join("\n");
}

/** Why a `/lessons/<slug>/#fragment` link does not land on a heading, or undefined when it does (or has no fragment). */
export function brokenLessonAnchor(target: string, root: string = ROOT): string | undefined {
  const match = /^\/lessons\/([a-z0-9-]+)\/#(.+)$/u.exec(target);
  if (!match) return undefined;
  const file = ["mdx", "md"].map((ext) => join(root, "content/lessons", `${match[1] ?? ""}.${ext}`)).find((candidate) => existsSync(candidate));
  if (!file) return `${target}: no such lesson`;
  const ids = headingIds(splitFrontmatter(readFileSync(file, "utf8")).body);
  return ids.includes(match[2] ?? "") ? undefined : `${target}: no heading with that id (ids: ${ids.join(", ")})`;
}

export interface RfcSectionLink {
  rfc: number;
  section: string;
}

/** RFC section links of the form https://www.rfc-editor.org/rfc/rfcNNNN#section-X.Y */
export function rfcSectionLinks(body: string): RfcSectionLink[] {
  return [...withoutCode(body).matchAll(/\]\(https:\/\/www\.rfc-editor\.org\/rfc\/rfc(\d+)#section-(\d+(?:\.\d+)*)\)/gu)].map((match) => ({
    rfc: Number(match[1]),
    section: match[2] ?? "",
  }));
}

/**
 * Words of prose a reader reads: frontmatter, fenced code (including Mermaid), MDX import lines,
 * JSX/HTML tags, link targets and inline code are left out.
 */
export function proseWordCount(body: string): number {
  const prose = withoutCode(body)
    .split("\n")
    .filter((line) => !/^\s*(import|export)\s/u.test(line))
    .join("\n")
    .replace(/<[^>]+>/gu, " ")
    .replace(/\]\([^)]*\)/gu, "]")
    .replace(/`[^`\n]*`/gu, " ")
    .replace(/^:::.*$/gmu, " ");
  return prose.split(/\s+/u).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

export interface CheckYourself {
  questions: { summary: string; answer: string }[];
  isLastSection: boolean;
}

/** The "## Check yourself" section: its <details> questions and whether it ends the lesson. */
export function checkYourself(body: string): CheckYourself | undefined {
  const prose = withoutCode(body);
  const start = prose.search(/^## Check yourself\s*$/mu);
  if (start < 0) return undefined;
  const section = prose.slice(start);
  const isLastSection = !/^## /mu.test(section.slice(section.indexOf("\n") + 1));
  const questions = [...section.matchAll(/<details>\s*<summary>([\s\S]*?)<\/summary>([\s\S]*?)<\/details>/gu)].map((match) => ({
    summary: (match[1] ?? "").trim(),
    answer: (match[2] ?? "").trim(),
  }));
  return { questions, isLastSection };
}

/** Names used in `<DemoSlot name="..." />`. */
export function demoSlotNames(body: string): string[] {
  return [...withoutCode(body).matchAll(/<DemoSlot\s+name=["']([^"']+)["']/gu)].map((match) => match[1] ?? "");
}

let mermaidParse: ((text: string) => Promise<unknown>) | undefined;

/**
 * Mermaid's own parser. Mermaid sanitises labels with DOMPurify, which needs a DOM, so a jsdom
 * window is installed first; parsing does not render, so no layout engine is needed.
 */
export async function parseMermaid(source: string): Promise<void> {
  if (!mermaidParse) {
    const { JSDOM } = await import("jsdom");
    const { window } = new JSDOM("<!doctype html><html><body></body></html>");
    Object.assign(globalThis, { window, document: window.document });
    const { default: mermaid } = await import("mermaid");
    mermaid.initialize({ startOnLoad: false });
    mermaidParse = (text) => mermaid.parse(text);
  }
  await mermaidParse(source);
}
