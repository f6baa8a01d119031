/**
 * The packet inspector under a flood of unauthenticated STUN requests, on real UDP sockets: large
 * Binding requests whose USERNAME names someone else's session. None of them may be filed under
 * that session (only an authenticated request links an address to a session), and the log's memory
 * must stay within its byte budget whatever arrives. A real client that then authenticates from the
 * same kind of socket still sees its own first, unauthenticated packets.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessionLog, type SessionLog } from "../../../server/inspector/session-log.ts";
import { StunMessageBuilder } from "../../../server/stun/builder.ts";
import { StunClass, StunMethod } from "../../../server/stun/constants.ts";
import { Username } from "../../../server/stun/attributes/username.ts";
import { mintTurnCredentials } from "../../../server/turn/credentials.ts";
import { createTurnServer, type TurnServer } from "../../../server/turn/server.ts";
import { TurnTestClient } from "../turn/support/turn-client.ts";

const SECRET = "inspector-flood-secret-0123456789";
const MAX_BYTES = 2 << 20;
const SENDERS = 20;
const REQUESTS_PER_SENDER = 150;

let server: TurnServer;
let log: SessionLog;
let address: { address: string; port: number };

beforeAll(async () => {
  log = createSessionLog(Date.now, { keepMs: 600_000, maxRecordsPerSession: 300, maxSessions: 2000, maxPendingPerAddress: 20, maxPendingAddresses: 2000, pendingMs: 30_000, maxBytes: MAX_BYTES });
  server = createTurnServer({ listenHost: "127.0.0.1", ports: [0], realm: "flood.test", secret: SECRET, relayPortMin: 0, relayPortMax: 0, tcp: false }, { onTransaction: (record, authenticated) => log.add(record, authenticated) });
  await server.listen();
  const first = server.addresses()[0];
  if (!first) throw new Error("no address");
  address = first;
});
afterAll(async () => {
  await server?.close();
});

/**
 * A Binding request with a forged USERNAME and either one ~3.9 KB comprehension-optional attribute
 * or 100 small ones: under the 4 KiB datagram and 128-attribute limits, so it is decoded and answered.
 */
function forgedBinding(victim: string, manySmall: boolean): Uint8Array {
  const b = new StunMessageBuilder(StunMethod.binding, StunClass.request, randomBytes(12)).add(Username, `9999999999:${victim}`);
  if (manySmall) for (let i = 0; i < 100; i++) b.addRaw(0x8100 + i, randomBytes(28));
  else b.addRaw(0x8123, randomBytes(3900));
  return b.build();
}

describe("packet inspector under a flood of forged, unauthenticated requests", () => {
  it("files nothing under the forged session and keeps the log within its byte budget", async () => {
    const senders = await Promise.all(Array.from({ length: SENDERS }, () => TurnTestClient.open(address)));
    try {
      await Promise.all(
        senders.map(async (client, s) => {
          for (let i = 0; i < REQUESTS_PER_SENDER; i++) {
            const response = await client.transact(forgedBinding(`victim${String(i % 3)}`, (s + i) % 2 === 0));
            expect(response.cls).toBe(StunClass.successResponse);
          }
        }),
      );
    } finally {
      for (const client of senders) client.close();
    }
    expect(server.stats().bindingRequests).toBeGreaterThanOrEqual(SENDERS * REQUESTS_PER_SENDER);
    for (const victim of ["victim0", "victim1", "victim2"]) expect(log.backlog(victim)).toEqual([]);
    const stats = log.stats();
    expect(stats.sessions).toBe(0);
    expect(stats.bytes).toBeLessThanOrEqual(MAX_BYTES);
    expect(stats.records).toBeLessThanOrEqual(SENDERS * 20);
  });

  it("still shows a real client its first, unauthenticated packets once it authenticates", async () => {
    const { username, credential } = mintTurnCredentials({ secret: SECRET, userId: "real-session", ttlSeconds: 600, now: Date.now() });
    const client = await TurnTestClient.open(address);
    try {
      // A Binding from the socket first (as Chromium does), then Allocate: 401, then the signed retry.
      await client.transact(forgedBinding("victim0", true));
      const granted = await client.login(username, credential, StunMethod.allocate, (b) => b.addRaw(0x0019, Uint8Array.of(17, 0, 0, 0)));
      expect(granted.cls).toBe(StunClass.successResponse);
    } finally {
      client.close();
    }
    const mine = log.backlog("real-session");
    expect(mine.map((r) => (r.kind === "stun" ? `${r.direction} ${r.methodName} ${r.className}` : r.kind))).toEqual([
      "in Binding request",
      "out Binding success response",
      "in Allocate request",
      "out Allocate error response",
      "in Allocate request",
      "out Allocate success response",
    ]);
    expect(mine.every((r) => r.kind !== "stun" || r.rawHex.length <= 4096)).toBe(true);
    expect(mine[0]).toMatchObject({ truncated: true });
    expect(log.backlog("victim0")).toEqual([]);
  });
});
