/**
 * Stands in for `@pagefind/default-ui` (astro.config.mjs points that import here), so that
 * Starlight's search box loads its 90 KB user interface only when a reader goes to search, not on
 * every page. Starlight constructs the UI when each page goes idle; this class only remembers the
 * options then. The real UI is imported when the reader points at, focuses or clicks the search
 * button, or presses Ctrl+K / ⌘K, and is built into the search dialog.
 *
 * If it cannot be loaded (the site's server was stopped, or the connection dropped since the page
 * loaded), the dialog says so instead of staying empty, and the next attempt tries again.
 */

/** The part of Pagefind's options this shim reads; the rest is passed through untouched. */
interface PagefindOptions {
  element: string;
  [option: string]: unknown;
}

type PagefindUIClass = new (options: PagefindOptions) => unknown;

/** How the real UI is loaded; the default is the package's own module. */
export type LoadPagefind = () => Promise<{ PagefindUI: PagefindUIClass }>;

const loadReal: LoadPagefind = () => import("@pagefind/default-ui/npm_dist/mjs/ui-core.mjs") as Promise<{ PagefindUI: PagefindUIClass }>;

export const LOAD_FAILED_MESSAGE =
  "Search could not load. The site's server may have stopped, or the connection dropped since this page loaded. Check it and try again.";

export class PagefindUI {
  /** Builds the real UI now (the search button and Ctrl+K call it too). */
  readonly build: () => Promise<void>;
  constructor(options: PagefindOptions, load: LoadPagefind = loadReal, root: Document = document) {
    this.build = lazyPagefind(options, load, root);
  }
}

/**
 * Waits for the reader to reach for search, then builds the real UI into `options.element`.
 * Returns the function that builds it.
 */
export function lazyPagefind(options: PagefindOptions, load: LoadPagefind, root: Document): () => Promise<void> {
  const container = root.querySelector<HTMLElement>(options.element);
  const button = root.querySelector<HTMLButtonElement>("site-search button[data-open-modal]");
  let state: "idle" | "loading" | "ready" = "idle";

  const build = async (): Promise<void> => {
    if (!container || state !== "idle") return;
    state = "loading";
    container.setAttribute("aria-busy", "true");
    try {
      const { PagefindUI: Real } = await load();
      container.replaceChildren();
      new Real(options);
      state = "ready";
      // Starlight focuses the search input when the dialog opens; with the UI built late, do it now.
      if (container.closest("dialog")?.open) container.querySelector("input")?.focus();
    } catch {
      state = "idle";
      const alert = root.createElement("p");
      alert.setAttribute("role", "alert");
      alert.className = "search-load-error";
      alert.textContent = LOAD_FAILED_MESSAGE;
      container.replaceChildren(alert);
    } finally {
      container.removeAttribute("aria-busy");
    }
  };

  const soon = (): void => void build();
  if (button) for (const event of ["pointerenter", "focus", "click"]) button.addEventListener(event, soon);
  root.defaultView?.addEventListener("keydown", (event) => {
    if ((event.metaKey || event.ctrlKey) && event.key === "k") soon();
  });
  return build;
}
