import { describe, expect, it } from "vitest";
import { candidateCells, candidateTableRow, CANDIDATE_COLUMNS, NOT_REPORTED } from "../../../src/components/candidates/rows.ts";
import { exportSession } from "../../../src/demos/inspect/export.ts";
import { addressNotes, reveals, whatItMeans } from "../../../src/demos/inspect/explain.ts";
import { addCandidate, addError, countByType, enrichFromStats, initialState, policyFromSearch, setGatheringState } from "../../../src/demos/inspect/session.ts";
import { fixture } from "../../fixtures/candidates/read-fixtures.ts";

const HOST = fixture("chromium", "host-ipv4-udp");
const SRFLX = fixture("chromium", "srflx");
const RELAY = fixture("chromium", "relay-udp");
const TURN = "turn:198.51.100.5:3478?transport=udp";

function gathered() {
  let s = initialState("all");
  s = addCandidate(s, { raw: HOST, atMs: 5 });
  s = addCandidate(s, { raw: SRFLX, atMs: 40, url: "stun:198.51.100.5:3478" });
  s = addCandidate(s, { raw: RELAY, atMs: 90, url: TURN, relayProtocol: "udp" });
  return s;
}

describe("candidate rows", () => {
  it("has one cell per column, priority split into three", () => {
    const r = candidateTableRow({ raw: SRFLX, atMs: 1234, url: "stun:x" });
    if (!r.ok) throw new Error(r.error);
    const cells = candidateCells(r.row);
    expect(cells).toHaveLength(CANDIDATE_COLUMNS.length);
    expect(cells).toEqual(["1.234", "srflx", "udp", "203.0.113.7", "61234", "192.168.1.23", "54321", "842163049", "1", "100", "30", "1", "—", "stun:x"]);
  });

  it("reports unreadable candidates instead of throwing", () => {
    const r = candidateTableRow({ raw: "candidate:1 1 udp x", atMs: 0 });
    expect(r.ok).toBe(false);
  });
});

describe("session reducers", () => {
  it("collects rows, ignores duplicates, keeps unreadable ones apart", () => {
    let s = gathered();
    s = addCandidate(s, { raw: HOST, atMs: 99 });
    s = addCandidate(s, { raw: "nonsense", atMs: 100 });
    expect(s.rows.map((r) => r.type)).toEqual(["host", "srflx", "relay"]);
    expect(s.unreadable).toHaveLength(1);
    expect(countByType(s)).toEqual({ host: 1, srflx: 1, relay: 1 });
  });

  it("reads errors, non-fatal once the same server produced a candidate", () => {
    let s = initialState("all");
    s = addError(s, { atMs: 1, errorCode: 701, errorText: "STUN binding request timed out.", url: TURN, address: "fd00::2", port: 5000 });
    expect(s.errors[0]?.reading.impact).toBe("fatal-for-server");
    s = addCandidate(s, { raw: RELAY, atMs: 2, url: TURN });
    expect(s.errors[0]?.reading.impact).toBe("non-fatal");
    s = addError(s, { atMs: 3, errorCode: 701, errorText: "", url: TURN, address: null, port: null });
    expect(s.errors[1]?.reading.impact).toBe("non-fatal");
  });

  it("records the total time once, at the first 'complete'", () => {
    let s = setGatheringState(initialState("all"), "gathering", 0);
    s = setGatheringState(s, "complete", 812);
    s = setGatheringState(s, "complete", 900);
    expect(s.completedAtMs).toBe(812);
  });

  it("fills url and relay protocol from getStats by address and port", () => {
    let s = initialState("all");
    s = addCandidate(s, { raw: RELAY, atMs: 1 });
    s = enrichFromStats(s, [{ address: "198.51.100.5", port: 50123, url: TURN, relayProtocol: "udp" }]);
    expect(s.rows[0]).toMatchObject({ url: TURN, relayProtocol: "udp" });
  });

  it("says what Firefox does not report once its stats are read: every server URL; the relay protocol comes from the stats", () => {
    // Firefox's candidates carry no url or relayProtocol, and its local-candidate stats no url.
    let s = initialState("all");
    s = addCandidate(s, { raw: fixture("firefox", "host-ipv4-udp"), atMs: 1 });
    s = addCandidate(s, { raw: fixture("firefox", "srflx"), atMs: 2 });
    s = addCandidate(s, { raw: fixture("firefox", "relay-udp"), atMs: 3 });
    const cells = (i: number): string[] => {
      const row = s.rows[i];
      if (!row) throw new Error(`row ${i} missing`);
      return candidateCells(row).slice(-2);
    };
    // While gathering nothing is known either way: a dash, as for a host candidate.
    expect(cells(2)).toEqual(["—", "—"]);
    s = enrichFromStats(s, [
      { address: "192.168.1.23", port: 56789 },
      { address: "203.0.113.7", port: 56789 },
      { address: "198.51.100.5", port: 51000, relayProtocol: "tcp" },
    ]);
    expect(cells(0)).toEqual(["—", "—"]);
    expect(cells(1)).toEqual(["—", NOT_REPORTED]);
    expect(cells(2)).toEqual(["tcp", NOT_REPORTED]);
    // A candidate the stats do not list at all (gathering timed out, say) is not blamed on the browser.
    let t = addCandidate(initialState("all"), { raw: fixture("firefox", "relay-udp"), atMs: 3 });
    t = enrichFromStats(t, []);
    expect(t.rows[0]?.notReported).toBeUndefined();
  });

  it("reads an error as non-fatal once a candidate of that server's kind arrived, when the browser names no server (Firefox)", () => {
    let s = initialState("all");
    s = addError(s, { atMs: 1, errorCode: 701, errorText: "", url: "turn:198.51.100.5:3478", address: "fd00::2", port: 5000 });
    expect(s.errors[0]?.reading.impact).toBe("fatal-for-server");
    s = addCandidate(s, { raw: fixture("firefox", "srflx"), atMs: 2 });
    expect(s.errors[0]?.reading.impact).toBe("fatal-for-server");
    s = addCandidate(s, { raw: fixture("firefox", "relay-udp"), atMs: 3 });
    expect(s.errors[0]?.reading.impact).toBe("non-fatal");
  });

  it("reads the policy from the query", () => {
    expect(policyFromSearch("?policy=relay")).toBe("relay");
    expect(policyFromSearch("?policy=all")).toBe("all");
    expect(policyFromSearch("?policy=<x>")).toBe("all");
    expect(policyFromSearch("")).toBe("all");
  });
});

describe("what it means for you", () => {
  it("says the reader is behind a NAT, with the private range and the public endpoint", () => {
    const text = whatItMeans(gathered().rows, "all").join(" ");
    expect(text).toContain("Your browser is behind a NAT: your host address 192.168.1.23 is private (192.168.0.0/16); the internet sees you as 203.0.113.7:61234.");
    expect(text).toMatch(/relayed address 198\.51\.100\.5:50123/u);
  });

  it("mentions carrier-grade NAT when the public side is in 100.64.0.0/10", () => {
    let s = initialState("all");
    s = addCandidate(s, { raw: HOST, atMs: 1 });
    s = addCandidate(s, { raw: "candidate:9 1 udp 1677729535 100.72.1.2 61234 typ srflx raddr 192.168.1.23 rport 54321", atMs: 2 });
    expect(whatItMeans(s.rows, "all").join(" ")).toMatch(/carrier-grade NAT/u);
  });

  it("explains mDNS names and relay-only", () => {
    let s = initialState("all");
    s = addCandidate(s, { raw: fixture("chromium", "host-mdns"), atMs: 1 });
    expect(whatItMeans(s.rows, "all").join(" ")).toMatch(/\.local name \(mDNS\)/u);
    let r = initialState("relay");
    r = addCandidate(r, { raw: RELAY, atMs: 1 });
    expect(whatItMeans(r.rows, "relay")[0]).toMatch(/never learn your own address/u);
    expect(whatItMeans([], "relay")).toEqual(["No candidates yet."]);
  });

  it("on loopback says nothing crosses a router", () => {
    let s = initialState("all");
    s = addCandidate(s, { raw: fixture("chromium", "host-loopback"), atMs: 1 });
    expect(whatItMeans(s.rows, "all").join(" ")).toMatch(/same computer/u);
  });

  it("lists each address once with where it was seen, skipping 0.0.0.0", () => {
    let s = gathered();
    s = addCandidate(s, { raw: fixture("chromium", "srflx-hidden-base"), atMs: 5 });
    const notes = addressNotes(s.rows);
    expect(notes.map((n) => n.address)).toEqual(["192.168.1.23", "203.0.113.7", "198.51.100.5"]);
    expect(notes.find((n) => n.address === "203.0.113.7")?.seenAs).toEqual(["srflx address", "related address of relay"]);
  });

  it("says what each candidate reveals", () => {
    const [host, srflx, relay] = gathered().rows;
    if (!host || !srflx || !relay) throw new Error("rows missing");
    expect(reveals(host)).toMatch(/own address 192\.168\.1\.23 \(private, RFC 1918\)/u);
    expect(reveals(srflx)).toMatch(/public address 203\.0\.113\.7.*related address 192\.168\.1\.23/u);
    expect(reveals(relay)).toMatch(/TURN server's address 198\.51\.100\.5/u);
    expect(reveals(relay)).toMatch(/related address 203\.0\.113\.7 is your public address/u);
  });

  it("does not call Firefox's related address of a relay candidate your public address: it repeats the relayed one", () => {
    const relay = addCandidate(initialState("all"), { raw: fixture("firefox", "relay-udp"), atMs: 1 }).rows[0];
    if (!relay) throw new Error("row missing");
    expect(reveals(relay)).toBe(
      "Only the TURN server's address 198.51.100.5: its related address repeats the relayed address, so your browser does not reveal the public address the TURN server saw (Firefox does this; Chromium puts that address there).",
    );
    const hidden = addCandidate(initialState("all"), { raw: "candidate:4 1 udp 92217343 198.51.100.5 51000 typ relay raddr 0.0.0.0 rport 0", atMs: 1 }).rows[0];
    if (!hidden) throw new Error("row missing");
    expect(reveals(hidden)).toBe("Only the TURN server's address 198.51.100.5.");
  });
});

describe("exportSession", () => {
  it("masks every address with a stable, class-keeping placeholder", () => {
    const json = exportSession(gathered(), { mask: true, startedAt: "2026-11-23T00:00:00.000Z" });
    for (const address of ["192.168.1.23", "203.0.113.7", "198.51.100.5"]) expect(json).not.toContain(address);
    const report = JSON.parse(json) as { masked: boolean; candidates: { candidate: string; addressClass: string }[] };
    expect(report.masked).toBe(true);
    expect(report.candidates[1]?.candidate).toBe(
      "candidate:842163049 1 udp 1677729535 documentation-1 61234 typ srflx raddr private-1 rport 54321 generation 0 ufrag EsAw network-id 1 network-cost 10",
    );
    expect(report.candidates[2]?.candidate).toContain("documentation-2 50123 typ relay raddr documentation-1");
  });

  it("keeps addresses when not masking and includes the mapping verdict", () => {
    const json = exportSession(gathered(), {
      mask: false,
      startedAt: "2026-11-23T00:00:00.000Z",
      mapping: { verdict: "endpoint-independent", confidence: "medium", summary: "seen at 203.0.113.7:61234", evidence: ["x 203.0.113.7"], caveats: [] },
    });
    const report = JSON.parse(json) as { candidates: { candidate: string }[]; mapping: { verdict: string; summary: string } };
    expect(report.candidates[0]?.candidate).toBe(HOST);
    expect(report.mapping).toMatchObject({ verdict: "endpoint-independent", summary: "seen at 203.0.113.7:61234" });
    const masked = JSON.parse(exportSession(gathered(), { mask: true, startedAt: "t", mapping: { verdict: "no-nat", confidence: "high", summary: "at 203.0.113.7", evidence: [], caveats: [] } })) as {
      mapping: { summary: string };
    };
    expect(masked.mapping.summary).toBe("at documentation-1");
  });
});
