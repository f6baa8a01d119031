import { describe, expect, it } from "vitest";
import { pairPriorityFor, readPairs, unreportedCounters, whyItWon, type StatsEntry } from "../../../src/demos/two-tab/pairs.ts";

const HOST = 2122260223; // 126 | 32542 | 1
const RELAY = 41885439; // 2 | 32542 | 1

function stats(selected: string, extra: StatsEntry[] = []): StatsEntry[] {
  return [
    { id: "T1", type: "transport", selectedCandidatePairId: selected, iceRole: "controlling" },
    { id: "L1", type: "local-candidate", candidateType: "host", address: "192.0.2.10", port: 5000, protocol: "udp", priority: HOST },
    { id: "L2", type: "local-candidate", candidateType: "relay", address: "198.51.100.5", port: 6000, protocol: "udp", priority: RELAY, url: "turn:127.0.0.1:3478?transport=udp", relayProtocol: "udp" },
    { id: "R1", type: "remote-candidate", candidateType: "host", address: "192.0.2.20", port: 7000, protocol: "udp", priority: HOST - 256 },
    { id: "P1", type: "candidate-pair", localCandidateId: "L1", remoteCandidateId: "R1", state: "succeeded", nominated: true, requestsSent: 3, responsesReceived: 3, requestsReceived: 2, responsesSent: 2, currentRoundTripTime: 0.0012, bytesSent: 100, bytesReceived: 90 },
    { id: "P2", type: "candidate-pair", localCandidateId: "L2", remoteCandidateId: "R1", state: "succeeded", nominated: false },
    ...extra,
  ];
}

describe("pair priority (RFC 8445 §6.1.2.3)", () => {
  it("uses the controlling agent's candidate as G", () => {
    // 2^32·min(G,D) + 2·max(G,D) + (G>D?1:0)
    const expected = (g: bigint, d: bigint): bigint => (1n << 32n) * (g < d ? g : d) + 2n * (g > d ? g : d) + (g > d ? 1n : 0n);
    expect(pairPriorityFor(HOST, RELAY, "controlling")).toBe(expected(BigInt(HOST), BigInt(RELAY)));
    expect(pairPriorityFor(HOST, RELAY, "controlled")).toBe(expected(BigInt(RELAY), BigInt(HOST)));
    expect(pairPriorityFor(HOST, RELAY, "controlling") - pairPriorityFor(HOST, RELAY, "controlled")).toBe(1n);
  });
});

describe("readPairs", () => {
  it("reads pairs, their candidates and the selected pair, highest priority first", () => {
    const view = readPairs(stats("P1"));
    expect(view.role).toBe("controlling");
    expect(view.pairs.map((p) => p.id)).toEqual(["P1", "P2"]);
    expect(view.selected?.id).toBe("P1");
    expect(view.selected).toMatchObject({ nominated: true, requestsSent: 3, responsesReceived: 3, bytesSent: 100 });
    expect(view.selected?.rttMs).toBeCloseTo(1.2);
    expect(view.pairs[1]?.local).toMatchObject({ type: "relay", url: "turn:127.0.0.1:3478?transport=udp", relayProtocol: "udp" });
  });

  it("keeps each end's TCP type and related address, when the stats give them", () => {
    const entries = stats("P1", [
      { id: "L3", type: "local-candidate", candidateType: "prflx", address: "203.0.113.7", port: 40000, protocol: "tcp", tcpType: "active", relatedAddress: "192.0.2.10", relatedPort: 5000, priority: 1 },
      { id: "P3", type: "candidate-pair", localCandidateId: "L3", remoteCandidateId: "R1", state: "succeeded", nominated: false },
    ]);
    const pair = readPairs(entries).pairs.find((p) => p.id === "P3");
    expect(pair?.local).toMatchObject({ type: "prflx", tcpType: "active", relatedAddress: "192.0.2.10", relatedPort: 5000 });
    expect(pair?.remote).not.toHaveProperty("tcpType");
  });

  it("falls back to the pair's own selected flag (Firefox) and to the role guess", () => {
    const entries = stats("P1").map((e) => (e.type === "transport" ? { id: "T1", type: "transport" } : e.id === "P2" ? { ...e, selected: true } : e));
    const view = readPairs(entries, "controlled");
    expect(view.selected?.id).toBe("P2");
    expect(view.role).toBe("controlled");
    expect(readPairs([]).selected).toBeUndefined();
  });
});

describe("connectivity-check counters the browser does not report", () => {
  it("leaves out what Firefox leaves out instead of counting zero, and lists it", () => {
    // Firefox's candidate-pair stats: responsesReceived, but no requestsSent, requestsReceived or responsesSent.
    const firefox = stats("P1").map((e) => (e.type === "candidate-pair" ? { id: e.id, type: e.type, localCandidateId: e["localCandidateId"], remoteCandidateId: e["remoteCandidateId"], state: "succeeded", nominated: e["nominated"], responsesReceived: 1, bytesSent: 10, bytesReceived: 9 } : e));
    const view = readPairs(firefox);
    expect(view.selected).toMatchObject({ responsesReceived: 1, bytesSent: 10 });
    expect(view.selected?.requestsSent).toBeUndefined();
    expect(view.selected?.requestsReceived).toBeUndefined();
    expect(unreportedCounters(view.pairs)).toEqual(["requestsSent", "requestsReceived", "responsesSent"]);
  });

  it("lists nothing when every counter is reported (Chromium) or there are no pairs yet", () => {
    expect(unreportedCounters(readPairs(stats("P1")).pairs)).toEqual([]);
    expect(unreportedCounters([])).toEqual([]);
  });
});

describe("whyItWon", () => {
  it("says the host pair won on priority, nominated by this tab", () => {
    const text = whyItWon(readPairs(stats("P1")), "all");
    expect(text).toContain("Selected: host 192.0.2.10:5000 (this tab) ↔ host 192.0.2.20:7000 (other tab).");
    expect(text).toContain("highest pair priority");
    expect(text).toContain("this tab (the controlling agent)");
    expect(text).toContain("type preference (126)");
  });

  it("says when the selected pair is not the best one that succeeded", () => {
    const text = whyItWon(readPairs(stats("P2")), "all");
    expect(text).toContain("not the highest-priority pair");
    expect(text).toContain("lowest type preference (0)");
  });

  it("explains relay-only, and the state before any selection", () => {
    expect(whyItWon(readPairs(stats("P2")), "relay")).toContain("Relay-only mode");
    expect(whyItWon(readPairs([]), "all")).toContain("No pair has been selected yet");
  });
});
