// The module lazy-pagefind.ts loads on demand: Pagefind's default UI, which ships no types.
declare module "@pagefind/default-ui/npm_dist/mjs/ui-core.mjs" {
  export const PagefindUI: new (options: Record<string, unknown>) => unknown;
}
