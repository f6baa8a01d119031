import { describe, expect, it } from "vitest";
import type { StunMessageRecord } from "../../../src/shared/stun/transaction-record.ts";
import { createSessionLog, recordBytes, sessionIdOf, type SessionLog } from "../../../server/inspector/session-log.ts";

const server = { address: "127.0.0.1", port: 3478 };

function message(direction: "in" | "out", client: { address: string; port: number }, username?: string, time = 0): StunMessageRecord {
  return {
    kind: "stun",
    time,
    direction,
    method: 3,
    methodName: "Allocate",
    cls: direction === "in" ? 0 : 2,
    className: direction === "in" ? "request" : "success response",
    transactionId: "0123456789abcdef01234567",
    source: direction === "in" ? client : server,
    destination: direction === "in" ? server : client,
    attributes: [],
    rawHex: "",
    byteLength: 20,
    ...(username === undefined ? {} : { username }),
  };
}

const limits = { keepMs: 60_000, maxRecordsPerSession: 5, maxSessions: 3, maxPendingPerAddress: 2, maxPendingAddresses: 2, pendingMs: 10_000, maxBytes: 1 << 20 };

/** A record whose request passed authentication as `username` (what the TURN server reports). */
function authed(log: SessionLog, record: StunMessageRecord): ReturnType<SessionLog["add"]> {
  return log.add(record, record.username);
}

describe("sessionIdOf", () => {
  it("reads the session id from a TURN REST username and nothing else", () => {
    expect(sessionIdOf("1795471647:abc_DEF-123")).toBe("abc_DEF-123");
    expect(sessionIdOf("alice")).toBeUndefined();
    expect(sessionIdOf("1795471647:a:b")).toBeUndefined();
    expect(sessionIdOf(undefined)).toBeUndefined();
  });
});

describe("session log", () => {
  it("attributes earlier unauthenticated messages from the same address once a username arrives", () => {
    let now = 0;
    const log = createSessionLog(() => now, limits);
    const browser = { address: "127.0.0.1", port: 50000 };
    expect(log.add(message("in", browser))).toBeUndefined(); // Allocate without credentials
    expect(log.add(message("out", browser))).toBeUndefined(); // 401
    now = 100;
    const filed = authed(log, message("in", browser, "9999999999:s1"));
    expect(filed?.sessionId).toBe("s1");
    expect(filed?.records).toHaveLength(3);
    // Later messages without a username (the success response) follow the address.
    expect(log.add(message("out", browser))?.sessionId).toBe("s1");
    expect(log.backlog("s1")).toHaveLength(4);
  });

  it("never gives one session's messages to another", () => {
    const log = createSessionLog(() => 0, limits);
    authed(log, message("in", { address: "127.0.0.1", port: 1 }, "9999999999:a"));
    authed(log, message("in", { address: "127.0.0.1", port: 2 }, "9999999999:b"));
    expect(log.backlog("a").every((r) => r.kind === "stun" && r.source.port === 1)).toBe(true);
    expect(log.backlog("b")).toHaveLength(1);
    expect(log.backlog("nobody")).toEqual([]);
  });

  it("keeps a TCP connection apart from a UDP socket with the same address and port", () => {
    const log = createSessionLog(() => 0, limits);
    const browser = { address: "127.0.0.1", port: 50000 };
    authed(log, message("in", browser, "9999999999:udp-session"));
    // The 401 to a TCP client on the same port number is not the UDP session's.
    expect(log.add({ ...message("out", browser), transport: "tcp" })).toBeUndefined();
    expect(authed(log, { ...message("in", browser, "9999999999:tcp-session"), transport: "tcp" })?.records).toHaveLength(2);
    expect(log.backlog("udp-session")).toHaveLength(1);
  });

  it("drops unattributed messages after a while", () => {
    let now = 0;
    const log = createSessionLog(() => now, limits);
    const browser = { address: "127.0.0.1", port: 3 };
    log.add(message("in", browser));
    now = 20_000; // older than pendingMs
    expect(authed(log, message("in", browser, "9999999999:late"))?.records).toHaveLength(1);
  });

  it("stays bounded: records per session, sessions, pending addresses", () => {
    let now = 0;
    const log = createSessionLog(() => now, limits);
    for (let i = 0; i < 50; i += 1) {
      now += 1;
      authed(log, message("in", { address: "127.0.0.1", port: 1000 + i }, `9999999999:s${String(i)}`));
      log.add(message("in", { address: "127.0.0.1", port: 5000 + i }));
    }
    for (let i = 0; i < 20; i += 1) authed(log, message("in", { address: "127.0.0.1", port: 1049 }, "9999999999:s49"));
    const stats = log.stats();
    expect(stats.sessions).toBeLessThanOrEqual(3);
    expect(stats.pendingAddresses).toBeLessThanOrEqual(2);
    expect(log.backlog("s49")).toHaveLength(5);
    expect(log.backlog("s0")).toEqual([]);
  });

  it("forgets sessions after keepMs", () => {
    let now = 0;
    const log = createSessionLog(() => now, limits);
    authed(log, message("in", { address: "127.0.0.1", port: 1 }, "9999999999:old"));
    now = 61_000;
    expect(log.backlog("old")).toEqual([]);
  });

  it("files nothing under the USERNAME a packet carries unless the TURN server authenticated it", () => {
    const log = createSessionLog(() => 0, limits);
    const attacker = { address: "127.0.0.1", port: 7 };
    // A Binding request (never authenticated) claiming the victim's session.
    expect(log.add(message("in", attacker, "9999999999:victim"))).toBeUndefined();
    expect(log.add(message("out", attacker))).toBeUndefined();
    expect(log.backlog("victim")).toEqual([]);
    // The attacker's own authenticated request links its address to its own session, not the victim's.
    expect(log.add(message("in", attacker, "9999999999:victim"), "9999999999:attacker")?.sessionId).toBe("attacker");
    expect(log.backlog("victim")).toEqual([]);
    expect(log.backlog("attacker")).toHaveLength(3);
  });

  it("stays within its byte budget, dropping unattributed records before sessions' records", () => {
    let now = 0;
    const big = (client: { address: string; port: number }): StunMessageRecord => ({ ...message("in", client), rawHex: "ab".repeat(2048) });
    const size = recordBytes(big({ address: "127.0.0.1", port: 1 }));
    const log = createSessionLog(() => now, { ...limits, maxSessions: 100, maxPendingAddresses: 100, maxBytes: 10 * size });
    for (let i = 0; i < 4; i += 1) log.add(big({ address: "127.0.0.1", port: 1 }), "9999999999:kept");
    for (let i = 0; i < 1000; i += 1) {
      now += 1;
      log.add(big({ address: "127.0.0.2", port: 1000 + i }));
      expect(log.stats().bytes).toBeLessThanOrEqual(10 * size);
    }
    expect(log.backlog("kept")).toHaveLength(4);
    expect(log.stats().records).toBeLessThanOrEqual(10);
  });
});
