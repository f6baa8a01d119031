// @ts-check
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "astro/config";
import starlight from "@astrojs/starlight";
import { unified } from "@astrojs/markdown-remark";
import { remarkFocusableTables } from "./src/integrations/remark-focusable-tables.ts";
import { remarkMermaid } from "./src/integrations/remark-mermaid.ts";
import { devRealtime } from "./src/integrations/dev-realtime.ts";

/**
 * Lesson order comes from each lesson's `order` frontmatter (validated by the content schema);
 * the sidebar is built from it so the order is written in one place only.
 */
function lessonSidebar() {
  const dir = new URL("./content/lessons/", import.meta.url);
  return readdirSync(dir)
    .filter((file) => /\.mdx?$/u.test(file))
    .map((file) => {
      const order = Number(/^order:\s*(\d+)/mu.exec(readFileSync(new URL(file, dir), "utf8"))?.[1] ?? 999);
      return { order, slug: `lessons/${file.replace(/\.mdx?$/u, "")}` };
    })
    .sort((a, b) => a.order - b.order)
    .map(({ slug }) => ({ slug }));
}

// `npm run dev` listens where `npm start` would (PORT, HOST); server/config.ts validates both.
const devPort = /^\d{1,5}$/u.test(process.env.PORT ?? "") ? Number(process.env.PORT) : 4321;

export default defineConfig({
  server: { port: devPort, host: process.env.HOST ?? "127.0.0.1" },
  // Static output: the one Node process (server/index.ts) serves dist/ with its own headers.
  output: "static",
  trailingSlash: "always",
  site: "http://localhost:4321",
  devToolbar: { enabled: false },
  // Starlight's search box imports its user interface on every page; this stand-in loads it only
  // when the reader goes to search, and says so if it cannot (src/lib/lazy-pagefind.ts).
  vite: {
    resolve: {
      alias: [{ find: /^@pagefind\/default-ui$/u, replacement: fileURLToPath(new URL("./src/lib/lazy-pagefind.ts", import.meta.url)) }],
    },
  },
  markdown: { processor: unified({ remarkPlugins: [remarkMermaid, remarkFocusableTables] }) },
  integrations: [
    starlight({
      title: "WebRTC through NATs",
      description: "How two browsers find each other: IPv4, NAT, signaling, SDP, STUN, TURN and ICE, with live demos on your own connection.",
      customCss: ["./src/styles/site.css"],
      components: { Search: "./src/components/Search.astro" },
      // Lessons live outside src/content/docs, so Starlight must be told to process their
      // :::note / :::caution asides.
      markdown: { processedDirs: ["./content/lessons"] },
      // Long lines in code blocks wrap (indentation kept) instead of scrolling sideways: on a phone
      // most command lines and packet dumps are wider than the screen.
      expressiveCode: { defaultProps: { wrap: true } },
      sidebar: [
        { label: "Lessons", items: lessonSidebar() },
        {
          label: "Live tools",
          items: [
            { label: "Two-tab demo", link: "/demo/" },
            { label: "Open a saved session", link: "/demo/session/" },
            { label: "Inspect your own connection", link: "/inspect/" },
          ],
        },
        { label: "Glossary", link: "/glossary/" },
      ],
      // src/pages/404.astro replaces Starlight's page: it keeps the sidebar and links onward.
      disable404Route: true,
      lastUpdated: false,
      pagination: true,
    }),
    devRealtime(),
  ],
});
