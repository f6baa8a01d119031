import { defineCollection } from "astro:content";
import { glob } from "astro/loaders";
import { docsSchema } from "@astrojs/starlight/schema";
import { z } from "zod";
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
    schema: docsSchema({ extend: z.object(lessonFields) }),
  }),
  glossary: defineCollection({
    loader: glob({ pattern: "**/*.md", base: "./content/glossary" }),
    schema: glossarySchema,
  }),
};
