/**
 * Run inside a NAT lab's client namespace (`ip netns exec <ns> node firefox-inspect-driver.ts <site URL>`):
 * opens /inspect/ in Firefox, waits for gathering and the mapping check, and prints what the page
 * shows as one line of JSON. puppeteer reaches Firefox over a WebSocket on the namespace's own
 * loopback, so the driver runs where Firefox runs (Chromium in ./lab-processes.ts uses pipes instead).
 */
import { collectFirefoxErrors, launchFirefox } from "../support/firefox.ts";

export interface LabInspection {
  rows: { type: string; address: string; relatedAddress: string; priority: number; parts: number[]; url: string }[];
  verdict: string;
  summary: string;
  evidence: string;
  meaning: string;
  privacy: string;
  errors: string[];
}

const site = process.argv[2];
if (!site) throw new Error("usage: firefox-inspect-driver.ts <site URL>");
const browser = await launchFirefox();
try {
  const page = await browser.newPage();
  const errors = collectFirefoxErrors(page);
  await page.goto(`${site}/inspect/`);
  await page.waitForSelector('[data-testid="gathering-state"]');
  const deadline = Date.now() + 45_000;
  const settled = (): Promise<boolean> =>
    page.evaluate(
      () =>
        document.querySelector('[data-testid="gathering-state"]')?.textContent === "complete" &&
        !["pending", "measuring", ""].includes(document.querySelector('[data-testid="mapping-verdict"]')?.textContent ?? ""),
    );
  while (!(await settled())) {
    if (Date.now() > deadline) throw new Error("gathering or the mapping check did not finish within 45 s");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const shown = await page.evaluate(() => {
    const text = (selector: string): string => document.querySelector(selector)?.textContent ?? "";
    return {
      rows: [...document.querySelectorAll("[data-candidate-type][data-side=local]")].map((tr) => {
        const cells = [...tr.children].map((c) => c.textContent ?? "");
        return {
          type: tr.getAttribute("data-candidate-type") ?? "",
          address: cells[3] ?? "",
          relatedAddress: cells[5] ?? "",
          priority: Number(tr.getAttribute("data-priority")),
          parts: ["type-preference", "local-preference", "component-id"].map((name) => Number(tr.querySelector(`[data-part="${name}"]`)?.textContent)),
          url: cells[13] ?? "",
        };
      }),
      verdict: text('[data-testid="mapping-verdict"]'),
      summary: text('[data-part="mapping-summary"]'),
      evidence: text('[data-part="mapping-evidence"]'),
      meaning: text('[data-testid="what-it-means"]'),
      privacy: text('[data-part="privacy"]'),
    };
  });
  const result: LabInspection = { ...shown, errors };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await browser.close();
}
