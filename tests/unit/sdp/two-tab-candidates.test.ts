import { describe, expect, it } from "vitest";
import { candidateRow, candidateTypeOf, dropped, filterSdpCandidates, hostPort, iceUfrag, stoppedGatheringNote, upsertRow, withLocalStats } from "../../../src/demos/two-tab/candidates.ts";

const HOST = "candidate:1467250027 1 udp 2122260223 192.0.2.10 46243 typ host generation 0";
const SRFLX = "candidate:842163049 1 udp 1686052607 203.0.113.7 61234 typ srflx raddr 192.0.2.10 rport 46243";
const RELAY = "candidate:3 1 udp 41885439 198.51.100.5 50000 typ relay raddr 203.0.113.7 rport 61234";

describe("candidate rows for the demo's tables", () => {
  it("splits fields and priority (RFC 8445 §5.1.2.1)", () => {
    const row = candidateRow("local", SRFLX, { url: "stun:127.0.0.1:3478", atMs: 12, sent: true, source: "trickle" });
    expect(row).toMatchObject({
      side: "local",
      type: "srflx",
      protocol: "udp",
      address: "203.0.113.7",
      port: 61234,
      relatedAddress: "192.0.2.10",
      relatedPort: 46243,
      foundation: "842163049",
      component: 1,
      priority: 1686052607,
      typePreference: 100,
      localPreference: 32542,
      componentId: 1,
      url: "stun:127.0.0.1:3478",
      atMs: 12,
      sent: true,
    });
    expect(row?.linkId).toMatch(/^cand-/u);
    expect(candidateRow("remote", "candidate:garbage", { source: "trickle" })).toBeUndefined();
  });

  it("keeps an ICE-TCP candidate's tcptype (RFC 6544 §4.5), which decides what it can pair with", () => {
    expect(candidateRow("local", "candidate:7 1 tcp 1518280447 192.0.2.10 9 typ host tcptype active generation 0", { source: "trickle" })?.tcpType).toBe("active");
    expect(candidateRow("local", HOST, { source: "trickle" })).not.toHaveProperty("tcpType");
  });

  it("writes IPv6 addresses in brackets before a port", () => {
    expect(hostPort("192.0.2.1", 5000)).toBe("192.0.2.1:5000");
    expect(hostPort("fd00::2", 40037)).toBe("[fd00::2]:40037");
    expect(hostPort(undefined, undefined)).toBe("?:?");
  });

  it("drops host or srflx candidates only when the experiment says so", () => {
    expect(dropped("host", { dropHost: true, dropSrflx: false })).toBe(true);
    expect(dropped("srflx", { dropHost: true, dropSrflx: false })).toBe(false);
    expect(dropped("srflx", { dropHost: false, dropSrflx: true })).toBe(true);
    expect(dropped("relay", { dropHost: true, dropSrflx: true })).toBe(false);
    expect(candidateTypeOf(RELAY)).toBe("relay");
    expect(candidateTypeOf("nonsense")).toBeUndefined();
  });

  it("removes dropped candidates from a description (trickle off)", () => {
    const sdp = ["v=0", "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", `a=${HOST}`, `a=${SRFLX}`, `a=${RELAY}`, "a=mid:0", ""].join("\r\n");
    const filtered = filterSdpCandidates(sdp, { dropHost: true, dropSrflx: false });
    expect(filtered).not.toContain("typ host");
    expect(filtered).toContain("typ srflx");
    expect(filtered).toContain("a=mid:0");
    expect(filterSdpCandidates(sdp, { dropHost: false, dropSrflx: false })).toBe(sdp);
  });

  it("keeps one row per candidate and side", () => {
    const a = candidateRow("local", HOST, { source: "trickle", atMs: 5, sent: true });
    const b = candidateRow("local", `a=${HOST} network-cost 10`, { source: "sdp" });
    const r = candidateRow("remote", HOST, { source: "trickle" });
    if (!a || !b || !r) throw new Error("rows expected");
    let rows = upsertRow([], a);
    rows = upsertRow(rows, b);
    rows = upsertRow(rows, r);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ atMs: 5, sent: true, source: "trickle" });
  });
});

describe("iceUfrag", () => {
  it("reads a description's ICE username fragment, the first one, or nothing", () => {
    expect(iceUfrag("v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=ice-ufrag:Kvha\r\na=ice-pwd:x\r\nm=audio 9 x 111\r\na=ice-ufrag:Kvha\r\n")).toBe("Kvha");
    expect(iceUfrag("v=0\r\ns=-\r\n")).toBeUndefined();
  });
});

describe("stoppedGatheringNote", () => {
  const servers = ["stun:127.0.0.1:3478", "turn:127.0.0.1:3478?transport=udp"];
  it("explains a missing relayed candidate when gathering ended after a pair already worked", () => {
    for (const iceStateWhenGatheringEnded of ["connected", "completed"]) {
      const note = stoppedGatheringNote({ iceServerUrls: servers, localTypes: ["host", "host"], iceStateWhenGatheringEnded });
      expect(note).toContain("no relayed candidate");
      expect(note).toContain("Relay only");
    }
  });
  it("says nothing when there is nothing to explain", () => {
    // Gathering ended before any check (a tab preparing its offer alone), or is not over yet.
    expect(stoppedGatheringNote({ iceServerUrls: servers, localTypes: ["host"], iceStateWhenGatheringEnded: "new" })).toBeUndefined();
    expect(stoppedGatheringNote({ iceServerUrls: servers, localTypes: ["host"], iceStateWhenGatheringEnded: undefined })).toBeUndefined();
    // Still checking: a TURN server that failed is not this story.
    expect(stoppedGatheringNote({ iceServerUrls: servers, localTypes: ["host"], iceStateWhenGatheringEnded: "checking" })).toBeUndefined();
    // It has a relayed candidate, or it was given no TURN server to ask.
    expect(stoppedGatheringNote({ iceServerUrls: servers, localTypes: ["host", "relay"], iceStateWhenGatheringEnded: "connected" })).toBeUndefined();
    expect(stoppedGatheringNote({ iceServerUrls: ["stun:127.0.0.1:3478"], localTypes: ["host"], iceStateWhenGatheringEnded: "connected" })).toBeUndefined();
    expect(stoppedGatheringNote({ iceServerUrls: [], localTypes: ["host"], iceStateWhenGatheringEnded: "connected" })).toBeUndefined();
  });
});

describe("local rows completed from getStats()", () => {
  const FIREFOX_RELAY = "candidate:4 1 UDP 8265727 198.51.100.5 51000 typ relay raddr 198.51.100.5 rport 51000";

  it("takes the relay protocol from the stats, and marks the server URL Firefox never reports", () => {
    const row = candidateRow("local", FIREFOX_RELAY, { source: "trickle", sent: true });
    if (!row) throw new Error("row");
    const done = withLocalStats(row, { relayProtocol: "tcp" });
    expect(done).toMatchObject({ relayProtocol: "tcp", notReported: ["url"] });
    expect(done.url).toBeUndefined();
    // Polled again a second later: the same row, so the table is not redrawn for nothing.
    expect(withLocalStats(done, { relayProtocol: "tcp" })).toBe(done);
  });

  it("keeps what the event said (Chromium: the URL) and needs nothing marked", () => {
    const row = candidateRow("local", RELAY, { source: "trickle", url: "turn:127.0.0.1:3478?transport=udp" });
    if (!row) throw new Error("row");
    const done = withLocalStats(row, { url: "turn:127.0.0.1:3478?transport=udp", relayProtocol: "udp" });
    expect(done).toMatchObject({ url: "turn:127.0.0.1:3478?transport=udp", relayProtocol: "udp" });
    expect(done.notReported).toBeUndefined();
    const host = candidateRow("local", HOST, { source: "trickle" });
    if (!host) throw new Error("row");
    expect(withLocalStats(host, {})).toBe(host);
  });
});
