import { defineCollection } from "astro:content";
import { glob } from "astro/loaders";
import { docsSchema } from "@astrojs/starlight/schema";
import { z } from "./shared/zod.ts";
import { glossarySchema, lessonFields } from "./shared/content-schema.ts";

export const collections = {
  // Starlight renders the `docs` collection. Our docs are the lessons, kept in ./content/lessons
  // (prose only, away from code). Ids are prefixed so each lesson lives at /lessons/<slug>/.
  docs: defineCollection({
    loader: glob({
      pattern: "**/*.{md,mdx}",
      base: "./content/lessons",
      generateId: ({ entry }) => `lessons/${entry.replace(/\.mdx?$/u, "")}`,
    }),
    // Starlight validates its own pages (<StarlightPage>: home, demos, glossary) with this schema
    // too, so the lesson fields are optional here; src/lib/lessons.ts parses every lesson with the
    // strict lessonSchema, and the build fails if one is missing a field.
    schema: docsSchema({ extend: z.object(lessonFields).partial() }),
  }),
  glossary: defineCollection({
    loader: glob({ pattern: "**/*.md", base: "./content/glossary" }),
    schema: glossarySchema,
  }),
};
