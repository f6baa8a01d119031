/**
 * The stand-in for Pagefind's search UI (src/lib/lazy-pagefind.ts), in jsdom with a fake loader:
 * the real UI is a 90 KB browser bundle, and what is tested here is when it is asked for and what
 * the reader sees if it cannot be had. tests/e2e/site.test.ts covers the real one in Chromium.
 */
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { LOAD_FAILED_MESSAGE, PagefindUI, type LoadPagefind } from "../../../src/lib/lazy-pagefind.ts";

function page(): { document: Document; window: JSDOM["window"]; button: HTMLButtonElement; dialog: HTMLDialogElement; container: HTMLElement } {
  const { window } = new JSDOM(
    `<site-search><button data-open-modal>Search</button><dialog><div id="starlight__search"></div></dialog></site-search>`,
  );
  const document = window.document;
  return {
    document,
    window,
    button: document.querySelector("button") as HTMLButtonElement,
    dialog: document.querySelector("dialog") as HTMLDialogElement,
    container: document.querySelector("#starlight__search") as HTMLElement,
  };
}

/** A loader whose UI writes an input into its element, counting loads and constructions. */
function fakeLoader(document: Document, failures = 0): { load: LoadPagefind; loads: () => number; built: Record<string, unknown>[] } {
  let loads = 0;
  const built: Record<string, unknown>[] = [];
  class FakeUI {
    readonly options: Record<string, unknown>;
    constructor(options: Record<string, unknown>) {
      this.options = options;
      built.push(options);
      document.querySelector(String(options["element"]))?.append(document.createElement("input"));
    }
  }
  const load: LoadPagefind = () => {
    loads += 1;
    return loads <= failures ? Promise.reject(new TypeError("Failed to fetch dynamically imported module")) : Promise.resolve({ PagefindUI: FakeUI });
  };
  return { load, loads: () => loads, built };
}

const settle = (): Promise<void> => new Promise((done) => setTimeout(done, 0));

describe("lazy Pagefind UI", () => {
  it("loads nothing when Starlight constructs it, only when the reader clicks search", async () => {
    const { document, button, container } = page();
    const fake = fakeLoader(document);
    new PagefindUI({ element: "#starlight__search", showImages: false }, fake.load, document);
    await settle();
    expect(fake.loads()).toBe(0);
    button.click();
    await settle();
    expect(fake.loads()).toBe(1);
    expect(fake.built).toEqual([{ element: "#starlight__search", showImages: false }]);
    expect(container.querySelector("input")).not.toBeNull();
  });

  it("starts loading when the pointer reaches the button or it gets focus, and loads only once", async () => {
    const { document, window, button } = page();
    const fake = fakeLoader(document);
    new PagefindUI({ element: "#starlight__search" }, fake.load, document);
    button.dispatchEvent(new window.Event("pointerenter"));
    button.dispatchEvent(new window.FocusEvent("focus"));
    button.click();
    await settle();
    expect(fake.loads()).toBe(1);
    expect(fake.built).toHaveLength(1);
  });

  it("loads on Ctrl+K and on ⌘K, not on a plain K", async () => {
    for (const modifier of [{ ctrlKey: true }, { metaKey: true }]) {
      const { document, window } = page();
      const fake = fakeLoader(document);
      new PagefindUI({ element: "#starlight__search" }, fake.load, document);
      window.dispatchEvent(new window.KeyboardEvent("keydown", { key: "k" }));
      await settle();
      expect(fake.loads()).toBe(0);
      window.dispatchEvent(new window.KeyboardEvent("keydown", { key: "k", ...modifier }));
      await settle();
      expect(fake.loads()).toBe(1);
    }
  });

  it("focuses the search input once built if the dialog is already open", async () => {
    const { document, dialog, button, container } = page();
    const fake = fakeLoader(document);
    new PagefindUI({ element: "#starlight__search" }, fake.load, document);
    dialog.setAttribute("open", "");
    button.click();
    await settle();
    expect(document.activeElement).toBe(container.querySelector("input"));
  });

  it("says so in an alert when the UI cannot be loaded, and tries again on the next click", async () => {
    const { document, button, container } = page();
    const fake = fakeLoader(document, 1);
    new PagefindUI({ element: "#starlight__search" }, fake.load, document);
    button.click();
    await settle();
    const alert = container.querySelector("[role=alert]");
    expect(alert?.textContent).toBe(LOAD_FAILED_MESSAGE);
    expect(container.hasAttribute("aria-busy")).toBe(false);
    button.click();
    await settle();
    expect(fake.loads()).toBe(2);
    expect(container.querySelector("[role=alert]")).toBeNull();
    expect(container.querySelector("input")).not.toBeNull();
  });
});
