/**
 * The lessons in order, with their frontmatter checked against the strict lesson schema.
 * Starlight's collection schema has to accept non-lesson pages too, so this is where a lesson
 * missing its summary, order or RFC references stops the build.
 */
import { getCollection } from "astro:content";
import { lessonSchema, type LessonFrontmatter } from "../shared/content-schema.ts";

export interface Lesson {
  id: string;
  href: string;
  data: LessonFrontmatter;
}

export async function getLessons(): Promise<Lesson[]> {
  const entries = await getCollection("docs", (entry) => entry.id.startsWith("lessons/"));
  return entries
    .map((entry) => {
      const parsed = lessonSchema.safeParse(entry.data);
      if (!parsed.success) {
        throw new Error(`Lesson ${entry.id} has invalid frontmatter: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
      }
      return { id: entry.id, href: `/${entry.id}/`, data: parsed.data };
    })
    .sort((a, b) => a.data.order - b.data.order);
}
