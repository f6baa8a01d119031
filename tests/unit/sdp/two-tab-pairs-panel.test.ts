// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { readPairs, whyItWon, type StatsEntry } from "../../../src/demos/two-tab/pairs.ts";
import { drawPairs } from "../../../src/demos/two-tab/panels/draw.ts";

/** The pairs panel's markup (PairsPanel.astro), reduced to the parts drawPairs fills in. */
function panel(): HTMLElement {
  const root = document.createElement("div");
  root.innerHTML = `<div data-part="selected-pair"><p data-part="why"></p><p data-part="role-note"></p></div>
    <table><tbody data-part="pairs"></tbody></table><p data-part="stats-gaps" hidden></p>`;
  return root;
}

const entries = (pair: Record<string, unknown>): StatsEntry[] => [
  { id: "T1", type: "transport", selectedCandidatePairId: "P1", iceRole: "controlled" },
  { id: "L1", type: "local-candidate", candidateType: "host", address: "192.0.2.10", port: 5000, protocol: "udp", priority: 2122260223 },
  { id: "R1", type: "remote-candidate", candidateType: "host", address: "192.0.2.20", port: 7000, protocol: "udp", priority: 2122252543 },
  { id: "P1", type: "candidate-pair", localCandidateId: "L1", remoteCandidateId: "R1", state: "succeeded", nominated: true, bytesSent: 100, bytesReceived: 90, currentRoundTripTime: 0.002, ...pair },
];

function draw(pair: Record<string, unknown>): HTMLElement {
  const root = panel();
  const view = readPairs(entries(pair));
  drawPairs(root, { ...view, why: whyItWon(view, "all") }, "No pairs yet.");
  return root;
}

const cells = (root: HTMLElement): string[] => [...(root.querySelector("tr[data-key]")?.children ?? [])].map((td) => td.textContent ?? "");

describe("the pairs panel", () => {
  it("says “not reported” for Firefox's missing check counters, and which ones, instead of 0", () => {
    const root = draw({ responsesReceived: 1 });
    expect(cells(root).slice(5, 7)).toEqual(["not reported / 1", "not reported / not reported"]);
    const note = root.querySelector<HTMLElement>("[data-part=stats-gaps]");
    expect(note?.hidden).toBe(false);
    expect(note?.textContent).toBe(
      "This browser does not report checks sent (requestsSent), checks received (requestsReceived) and answers sent (responsesSent) for its candidate pairs (Firefox leaves them out of getStats()), so the table says “not reported” there rather than 0.",
    );
    expect(root.querySelector("[data-part=why]")?.textContent).toContain("Selected: host 192.0.2.10:5000 (this tab) ↔ host 192.0.2.20:7000 (other tab).");
  });

  it("draws Chromium's counters as before, with no note", () => {
    const root = draw({ requestsSent: 3, responsesReceived: 3, requestsReceived: 2, responsesSent: 2 });
    expect(cells(root).slice(5, 7)).toEqual(["3/3", "2/2"]);
    expect(root.querySelector<HTMLElement>("[data-part=stats-gaps]")?.hidden).toBe(true);
  });
});
