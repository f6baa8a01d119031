/**
 * Frontmatter schemas for the two content collections: lessons (rendered by Starlight) and the
 * glossary. Plain zod so the same schemas serve Astro's content layer (src/content.config.ts)
 * and the content tests (tests/unit/content), and so the TypeScript types are derived, never
 * written twice.
 */
import { z } from "./zod.ts";

/** A reference to an RFC and the sections a page relies on. */
export const rfcReferenceSchema = z.object({
  number: z.number().int().positive(),
  sections: z.array(z.string().regex(/^\d+(\.\d+)*$/u, "a section number such as 5.1.2.1")).min(1),
  title: z.string().min(1),
});

/** A live demo related to a lesson: a link into the site, with a query the page reads (?policy=relay). */
export const demoLinkSchema = z.object({
  href: z.string().regex(/^\/[a-z0-9\-/]*(?:\?[a-z]+=[a-z0-9-]+(?:&[a-z]+=[a-z0-9-]+)*)?$/u, "a site-internal path such as /demo/ or /demo/?policy=relay"),
  label: z.string().min(1),
});

/** Fields a lesson adds to Starlight's own frontmatter (title, description, ...). */
export const lessonFields = {
  summary: z.string().min(10).max(200),
  order: z.number().int().min(1),
  demos: z.array(demoLinkSchema).default([]),
  rfcs: z.array(rfcReferenceSchema).min(1),
};

/** The full lesson frontmatter as the content tests check it (Starlight requires a title). */
export const lessonSchema = z.object({ title: z.string().min(1), ...lessonFields });

export const glossarySchema = z.object({
  term: z.string().min(1),
  short: z.string().min(10).max(300),
  aliases: z.array(z.string().min(1)).default([]),
  rfcs: z.array(rfcReferenceSchema).default([]),
});

export type RfcReference = z.infer<typeof rfcReferenceSchema>;
export type DemoLink = z.infer<typeof demoLinkSchema>;
export type LessonFrontmatter = z.infer<typeof lessonSchema>;
export type GlossaryFrontmatter = z.infer<typeof glossarySchema>;

/** The link an RFC reference points to (the RFC Editor's HTML rendering has section anchors). */
export function rfcSectionUrl(rfc: number, section: string): string {
  return `https://www.rfc-editor.org/rfc/rfc${rfc}#section-${section}`;
}
