/**
 * When an ICE restart is over in a tab, from getStats() as Chromium and Firefox report it, who
 * makes the restart's offer, and how a tab asks the other to make it. The stats below are shaped like the reports seen in the failing runs
 * (Chromium 156 ↔ Chromium 156 with cameras on, and Chromium ↔ Firefox ESR 153).
 */
import { describe, expect, it } from "vitest";
import {
  askFirefoxNote,
  cannotAskNote,
  channelFallbackNote,
  isFirefoxSdp,
  peerNominatedNote,
  restartBaseline,
  restartOfferCarriesCandidates,
  restartOfferer,
  restartOutcome,
  restartRequestRoute,
  RESTART_REQUEST_TYPE,
  transportRoles,
  type RestartOutcome,
} from "../../../src/demos/two-tab/ice-restart.ts";
import type { StatsEntry } from "../../../src/demos/two-tab/pairs.ts";

const HOST = 2122134271;

interface Pair {
  id: string;
  local: string;
  remote: string;
  state?: string;
  nominated?: boolean;
  bytesReceived?: number;
}

/** A Chromium-shaped report: candidates by ID "<ufrag>:<port>", one transport. */
function report(transport: { selected?: string; ufrag: string; changes?: number }, pairs: Pair[]): StatsEntry[] {
  const candidates = new Map<string, StatsEntry>();
  for (const pair of pairs) {
    for (const [id, type] of [
      [pair.local, "local-candidate"],
      [pair.remote, "remote-candidate"],
    ] as const) {
      const [ufrag, port] = id.split(":");
      candidates.set(id, { id, type, candidateType: "host", address: "192.0.2.1", port: Number(port), protocol: "udp", priority: HOST, usernameFragment: ufrag });
    }
  }
  return [
    {
      id: "T",
      type: "transport",
      iceLocalUsernameFragment: transport.ufrag,
      ...(transport.selected !== undefined ? { selectedCandidatePairId: transport.selected } : {}),
      ...(transport.changes !== undefined ? { selectedCandidatePairChanges: transport.changes } : {}),
    },
    ...candidates.values(),
    ...pairs.map((p) => ({
      id: p.id,
      type: "candidate-pair",
      localCandidateId: p.local,
      remoteCandidateId: p.remote,
      state: p.state ?? "succeeded",
      nominated: p.nominated ?? false,
      bytesSent: 0,
      bytesReceived: p.bytesReceived ?? 0,
    })),
  ];
}

const OLD: Pair = { id: "P-old", local: "old:5000", remote: "peer-old:6000", nominated: true, bytesReceived: 300_000 };
const before = report({ selected: "P-old", ufrag: "old", changes: 1 }, [OLD, { id: "P-spare", local: "old:5001", remote: "peer-old:6001", nominated: true, bytesReceived: 5_000 }]);
const baseline = restartBaseline(before, "P-old");

describe("restartOutcome: when an ICE restart is over in this tab", () => {
  it("is not over while the old pair is selected and nothing new carries data", () => {
    const now = report({ selected: "P-old", ufrag: "new", changes: 1 }, [
      { ...OLD, bytesReceived: 400_000 },
      { id: "P-new", local: "new:5002", remote: "peer-new:6002", state: "in-progress" },
      // An old nominated pair that still gets a packet now and then is not the restart's.
      { id: "P-spare", local: "old:5001", remote: "peer-old:6001", nominated: true, bytesReceived: 6_000 },
    ]);
    expect(restartOutcome(baseline, now)).toBeUndefined();
  });

  it("is over when the transport selects another pair, or selects one more time, or the selected pair has the new credentials", () => {
    const other = report({ selected: "P-new", ufrag: "new", changes: 2 }, [OLD, { id: "P-new", local: "new:5002", remote: "peer-new:6002", nominated: true }]);
    expect(restartOutcome(baseline, other)).toMatchObject({ kind: "selected", pair: { id: "P-new" } });
    // The same pair ID selected again (same addresses), counted by the transport.
    const again = report({ selected: "P-old", ufrag: "new", changes: 2 }, [OLD]);
    expect(restartOutcome(baseline, again)?.kind).toBe("selected");
    // No count (Firefox has no transport stats), but the selected pair's local candidate has the new ufrag.
    const reused = report({ selected: "P-old", ufrag: "new" }, [{ ...OLD, local: "new:5000" }]);
    expect(restartOutcome(restartBaseline(report({ selected: "P-old", ufrag: "old" }, [OLD]), "P-old"), reused)?.kind).toBe("selected");
  });

  it("is over, differently, when the other tab nominated a new pair and sends on it while this tab's browser never checked it", () => {
    // Chromium's controlled side: the pair came from a peer-reflexive check, was pruned, and stays
    // "waiting" although nominated, with the other tab's packets arriving on it.
    const now = report({ selected: "P-old", ufrag: "new", changes: 1 }, [OLD, { id: "P-new", local: "new:5002", remote: "peer-new:6002", state: "waiting", nominated: true, bytesReceived: 290_000 }]);
    const outcome = restartOutcome(baseline, now);
    expect(outcome).toMatchObject({ kind: "peer-nominated", pair: { id: "P-new", state: "waiting" }, selected: { id: "P-old" } });
    // Not before data arrives on it.
    const quiet = report({ selected: "P-old", ufrag: "new", changes: 1 }, [OLD, { id: "P-new", local: "new:5002", remote: "peer-new:6002", state: "waiting", nominated: true }]);
    expect(restartOutcome(baseline, quiet)).toBeUndefined();
  });

  it("does not take a pair that was already nominated before the restart for the new one", () => {
    // A second restart while the first one's nominated pair still carries the other tab's packets.
    const first = report({ selected: "P-old", ufrag: "mid", changes: 1 }, [OLD, { id: "P-mid", local: "old:5000", remote: "peer-mid:6003", state: "waiting", nominated: true, bytesReceived: 10_000 }]);
    const second = restartBaseline(first, "P-old");
    const later = report({ selected: "P-old", ufrag: "new", changes: 1 }, [OLD, { id: "P-mid", local: "old:5000", remote: "peer-mid:6003", state: "waiting", nominated: true, bytesReceived: 90_000 }]);
    expect(restartOutcome(second, later)).toBeUndefined();
  });

  it("reads Firefox's stats: the selected flag on the pair, no transport", () => {
    const firefox = (selected: string, pairs: Pair[]): StatsEntry[] =>
      report({ ufrag: "x" }, pairs)
        .filter((s) => s.type !== "transport")
        .map((s) => (s.type === "candidate-pair" ? { ...s, selected: s.id === selected } : s));
    const base = restartBaseline(firefox("P-old", [OLD]), "P-old");
    expect(restartOutcome(base, firefox("P-old", [OLD]))).toBeUndefined();
    expect(restartOutcome(base, firefox("P-new", [OLD, { id: "P-new", local: "new:5002", remote: "peer-new:6002", nominated: true }]))?.kind).toBe("selected");
  });
});

describe("peerNominatedNote", () => {
  const outcome = (state: string): Extract<RestartOutcome, { kind: "peer-nominated" }> => {
    const now = report({ selected: "P-old", ufrag: "new" }, [OLD, { id: "P-new", local: "new:5002", remote: "peer-new:6002", state, nominated: true, bytesReceived: 1 }]);
    const result = restartOutcome(baseline, now);
    if (result?.kind !== "peer-nominated") throw new Error("expected the other tab's nomination");
    return result;
  };

  it("names both pairs and, for a pair never checked here, says what Chromium did", () => {
    const { label, detail } = peerNominatedNote(outcome("waiting"));
    expect(label.length).toBeLessThanOrEqual(200);
    expect(detail).toContain("nominated host 192.0.2.1:5002 ↔ host 192.0.2.1:6002 after the restart");
    expect(detail).toContain("still has host 192.0.2.1:5000 ↔ host 192.0.2.1:6000 selected");
    expect(detail).toContain('getStats() says the new pair is "waiting"');
    expect(detail).toContain("peer-reflexive");
    expect(detail).toContain("RFC 8445 §7.3.1.4");
    expect(detail.length).toBeLessThanOrEqual(2000);
  });

  it("leaves the explanation out when this tab did check the pair, or is Firefox (the explanation is Chromium's)", () => {
    expect(peerNominatedNote(outcome("succeeded")).detail).not.toContain("peer-reflexive");
    const inFirefox = peerNominatedNote(outcome("waiting"), true).detail;
    expect(inFirefox).toContain('getStats() says the new pair is "waiting": this browser never checked it itself.');
    expect(inFirefox).not.toContain("Chromium");
  });
});

describe("who makes a restart's offer", () => {
  const CHROMIUM = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n";
  const FIREFOX = "v=0\r\no=mozilla...THIS_IS_SDPARTA-153.8.0 4294967296 0 IN IP4 0.0.0.0\r\ns=-\r\n";

  it("tells Firefox's descriptions by their origin line", () => {
    expect(isFirefoxSdp(FIREFOX)).toBe(true);
    expect(isFirefoxSdp(CHROMIUM)).toBe(false);
    expect(isFirefoxSdp(undefined)).toBe(false);
    // Only the origin line counts, not the text anywhere.
    expect(isFirefoxSdp(`${CHROMIUM}a=x-note:o=mozilla...THIS_IS_SDPARTA\r\n`)).toBe(false);
  });

  it("asks the Firefox tab when this tab is not Firefox, and restarts here otherwise", () => {
    expect(restartOfferer(CHROMIUM, FIREFOX)).toBe("ask-firefox");
    expect(restartOfferer(FIREFOX, CHROMIUM)).toBe("this-tab");
    expect(restartOfferer(FIREFOX, FIREFOX)).toBe("this-tab");
    expect(restartOfferer(CHROMIUM, CHROMIUM)).toBe("this-tab");
    expect(restartOfferer(undefined, FIREFOX)).toBe("this-tab");
  });

  it("a Firefox tab's restart offer to a Chromium tab carries its candidates; no other restart offer waits for them", () => {
    expect(restartOfferCarriesCandidates(FIREFOX, CHROMIUM)).toBe(true);
    expect(restartOfferCarriesCandidates(FIREFOX, FIREFOX)).toBe(false);
    expect(restartOfferCarriesCandidates(CHROMIUM, FIREFOX)).toBe(false);
    expect(restartOfferCarriesCandidates(CHROMIUM, CHROMIUM)).toBe(false);
    // Before there is a connection there is no restart, and no other tab's browser to know.
    expect(restartOfferCarriesCandidates(FIREFOX, undefined)).toBe(false);
    expect(restartOfferCarriesCandidates(undefined, CHROMIUM)).toBe(false);
  });

  it("says which of the two failures the current roles would meet", () => {
    expect(transportRoles([{ id: "T", type: "transport", dtlsRole: "client", iceRole: "controlled" }])).toEqual({ dtls: "client", ice: "controlled" });
    expect(transportRoles([{ id: "T", type: "transport", dtlsRole: "unknown" }])).toEqual({ dtls: undefined, ice: undefined });
    const asClient = askFirefoxNote({ dtls: "client", ice: "controlled" });
    expect(asClient.label.length).toBeLessThanOrEqual(200);
    expect(asClient.detail).toContain("Failed to set SSL role");
    expect(asClient.detail).toContain("RFC 8842 §5.5");
    expect(asClient.detail).toContain("Here Firefox is the DTLS server, so the first way applies.");
    expect(askFirefoxNote({ dtls: "server", ice: "controlling" }).detail).toContain("Here this tab controls ICE, so the second way applies.");
    expect(askFirefoxNote({ dtls: undefined, ice: undefined }).detail).not.toContain("applies.");
  });
});

describe("how this tab asks the Firefox tab for the offer", () => {
  it("asks through the signaling server whenever it is connected to it, even with the data channel open", () => {
    // The channel's readyState says "open" on a connection that stopped carrying data: exactly when a restart is needed.
    expect(restartRequestRoute({ signaling: true, channelOpen: true })).toBe("signaling");
    expect(restartRequestRoute({ signaling: true, channelOpen: false })).toBe("signaling");
  });

  it("falls back to the data channel only without the server, and otherwise does not ask at all", () => {
    expect(restartRequestRoute({ signaling: false, channelOpen: true })).toBe("channel");
    expect(restartRequestRoute({ signaling: false, channelOpen: false })).toBe("none");
  });

  it("says in the note which way the request went, and why not over the channel", () => {
    const roles = { dtls: "client", ice: "controlled" } as const;
    const viaServer = askFirefoxNote(roles);
    expect(viaServer).toEqual(askFirefoxNote(roles, "signaling"));
    expect(viaServer.detail).toContain("The request goes through the signaling server, not over the data channel");
    const viaChannel = askFirefoxNote(roles, "channel").detail;
    expect(viaChannel).toContain("The request goes over the data channel, because this tab has no connection to the signaling server now");
    // Only the request: the offer and answer still need the server.
    expect(viaChannel).toContain("the restart cannot finish before the server is back");
    expect(viaChannel).not.toContain("through the signaling server, not");
    const fallback = channelFallbackNote("Too many messages; slow down");
    expect(fallback.label).toBe("ICE restart: the signaling server did not pass the request on, so it went over the data channel");
    expect(fallback.detail).toBe(
      "The server's answer: Too many messages; slow down. The channel carries only the request: the Firefox tab's offer and this tab's answer still go through the server.",
    );
  });

  it("says plainly when it can ask neither way, and why, within the timeline's limits", () => {
    const offline = cannotAskNote();
    expect(offline.label).toBe("ICE restart not started: the Firefox tab could not be asked to make the offer");
    expect(offline.detail).toContain("neither through the signaling server (this tab has no connection to it) nor over the data channel (not open)");
    expect(offline.detail).toContain("try again once it is back");
    const refused = cannotAskNote("Too many messages; slow down");
    expect(refused.detail).toContain("(it did not pass the request on: Too many messages; slow down)");
    expect(refused.detail).toContain("Try again in a moment.");
    for (const note of [offline, refused]) {
      expect(note.label.length).toBeLessThanOrEqual(200);
      expect(note.detail.length).toBeLessThanOrEqual(2000);
    }
    // The signaling log's type column (timeline events allow 40 characters).
    expect(RESTART_REQUEST_TYPE.length).toBeLessThanOrEqual(40);
  });
});
