/**
 * Reads the candidate rows drawn by src/components/candidates/ (on /inspect/, in the lesson embeds
 * and in the two-tab demo): the data attributes of each row and the cells the browser tests check.
 */
import type { Page } from "playwright-core";

export interface CandidateRow {
  type: string;
  side: string;
  priority: number;
  /** The three parts of the priority (RFC 8445 §5.1.2.1) as the table shows them. */
  tp: number;
  lp: number;
  comp: number;
  address: string;
  relayProtocol: string;
  url: string;
}

/** Every candidate row on the page, or only those inside the element with data-testid=scope. */
export async function candidateRows(page: Page, scope?: string): Promise<CandidateRow[]> {
  const selector = scope === undefined ? "[data-candidate-type]" : `[data-testid="${scope}"] [data-candidate-type]`;
  return page.$$eval(selector, (trs) =>
    trs.map((tr) => {
      const cell = (name: string): string => tr.querySelector(`[data-part="${name}"]`)?.textContent ?? "";
      const cells = [...tr.children].map((c) => c.textContent ?? "");
      return {
        type: tr.getAttribute("data-candidate-type") ?? "",
        side: tr.getAttribute("data-side") ?? "",
        priority: Number(tr.getAttribute("data-priority")),
        tp: Number(cell("type-preference")),
        lp: Number(cell("local-preference")),
        comp: Number(cell("component-id")),
        address: cells[3] ?? "",
        relayProtocol: cells[12] ?? "",
        url: cells[13] ?? "",
      };
    }),
  );
}
