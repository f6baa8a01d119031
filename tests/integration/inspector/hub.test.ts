/**
 * The packet inspector end to end on real sockets: a UDP client sends a STUN Binding request to
 * the built-in server, then allocates with the session's credentials (401, then the signed retry)
 * from the same socket, and only the page holding that session's credentials receives them. A
 * Binding request that merely names the session in its USERNAME is not delivered. Then the
 * same with two processes sharing Redis (REDIS_URL): the live feed crosses processes, the backlog
 * does not.
 */
import { createSocket } from "node:dgram";
import { randomBytes } from "node:crypto";
import { StunMethod } from "../../../server/stun/constants.ts";
import { RequestedTransport } from "../../../server/stun/attributes/requested-transport.ts";
import { TurnTestClient } from "../turn/support/turn-client.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { INSPECTOR_NAMESPACE, type SubscribeAck } from "../../../src/shared/inspector/protocol.ts";
import { iceConfigSchema, type IceConfig } from "../../../src/shared/ice-config.ts";
import type { TransactionRecord } from "../../../src/shared/stun/transaction-record.ts";
import { startRedisServer } from "../../support/redis-server.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.close();
});

async function iceConfig(origin = server.origin): Promise<IceConfig> {
  return iceConfigSchema.parse(await (await fetch(`${origin}/api/ice-config`)).json());
}

function turnCredentials(config: IceConfig): { username: string; credential: string } {
  const turn = config.iceServers.find((s) => s.username !== undefined);
  if (!turn?.username || !turn.credential) throw new Error("no TURN entry in the ICE config");
  return { username: turn.username, credential: turn.credential };
}

async function inspectorClient(origin = server.origin): Promise<Socket> {
  const socket = connect(`${origin}${INSPECTOR_NAMESPACE}`, { transports: ["websocket"], reconnection: false, forceNew: true });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.on("connect", resolve);
    socket.on("connect_error", reject);
  });
  return socket;
}

function subscribe(socket: Socket, request: unknown): Promise<SubscribeAck> {
  return socket.timeout(5000).emitWithAck("inspector:subscribe", request) as Promise<SubscribeAck>;
}

/**
 * A Binding request, then an Allocate with the session's credentials, from one UDP socket (as a
 * browser does); returns the transaction IDs of the Binding and of both Allocates, in order.
 */
async function bindThenAllocate(port: number, credentials: { username: string; credential: string }): Promise<string[]> {
  const client = await TurnTestClient.open({ address: "127.0.0.1", port });
  try {
    const binding = bindingRequest(credentials.username);
    const sent: string[] = [binding.transactionId];
    client.socket.on("message", (data) => sent.push(data.subarray(8, 20).toString("hex")));
    await client.transact(binding.bytes);
    await client.login(credentials.username, credentials.credential, StunMethod.allocate, (b) => b.add(RequestedTransport, 17));
    return [...new Set(sent)];
  } finally {
    client.close();
  }
}

/** A STUN Binding request carrying a USERNAME attribute (RFC 8489 §5, §14.3). */
function bindingRequest(username: string): { bytes: Buffer; transactionId: string } {
  const value = Buffer.from(username, "utf8");
  const padded = Math.ceil(value.length / 4) * 4;
  const transactionId = randomBytes(12);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt16BE(4 + padded, 2);
  header.writeUInt32BE(0x2112a442, 4);
  transactionId.copy(header, 8);
  const attribute = Buffer.alloc(4 + padded);
  attribute.writeUInt16BE(0x0006, 0);
  attribute.writeUInt16BE(value.length, 2);
  value.copy(attribute, 4);
  return { bytes: Buffer.concat([header, attribute]), transactionId: transactionId.toString("hex") };
}

describe("packet inspector", () => {
  it("delivers a session's own Binding request and response, and nothing to other sessions", async () => {
    const mine = await iceConfig();
    const theirs = await iceConfig();
    const me = await inspectorClient();
    const other = await inspectorClient();
    const ackMine = await subscribe(me, turnCredentials(mine));
    const ackTheirs = await subscribe(other, turnCredentials(theirs));
    expect(ackMine).toMatchObject({ ok: true, sessionId: mine.sessionId, backlog: [] });
    expect(ackTheirs).toMatchObject({ ok: true, sessionId: theirs.sessionId });

    const received: TransactionRecord[] = [];
    const leaked: TransactionRecord[] = [];
    me.on("inspector:record", (record: TransactionRecord) => received.push(record));
    other.on("inspector:record", (record: TransactionRecord) => leaked.push(record));

    // Naming the session in an unauthenticated Binding request is not enough to reach its page.
    const forger = createSocket("udp4");
    await new Promise<void>((resolve) => forger.bind(0, "127.0.0.1", resolve));
    const forged = bindingRequest(turnCredentials(mine).username);
    const forgedAnswer = new Promise<Buffer>((resolve) => forger.once("message", resolve));
    forger.send(forged.bytes, server.turnPorts[0], "127.0.0.1");
    await forgedAnswer;
    forger.close();

    const ids = await bindThenAllocate(server.turnPorts[0] ?? 0, turnCredentials(mine));
    await expect.poll(() => received.length, { timeout: 5000 }).toBeGreaterThanOrEqual(6);

    // The Binding and the first Allocate and its 401 arrive once the signed Allocate links the socket.
    expect(received.map((r) => r.kind === "stun" && `${r.direction} ${r.methodName} ${r.transactionId}`)).toEqual([
      `in Binding ${String(ids[0])}`,
      `out Binding ${String(ids[0])}`,
      `in Allocate ${String(ids[1])}`,
      `out Allocate ${String(ids[1])}`,
      `in Allocate ${String(ids[2])}`,
      `out Allocate ${String(ids[2])}`,
    ]);
    expect(received.some((r) => r.kind === "stun" && r.transactionId === forged.transactionId)).toBe(false);
    expect(leaked).toEqual([]);

    // A page that subscribes later gets the backlog.
    const late = await inspectorClient();
    const ackLate = await subscribe(late, turnCredentials(mine));
    expect(ackLate.ok && ackLate.backlog.map((r) => r.kind === "stun" && r.transactionId)).toEqual(received.map((r) => r.kind === "stun" && r.transactionId));
  });

  it("refuses credentials it did not issue, expired ones and malformed requests", async () => {
    const socket = await inspectorClient();
    const { username } = turnCredentials(await iceConfig());
    expect(await subscribe(socket, { username, credential: "forged" })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(await subscribe(socket, { username: "1000:abc", credential: "x" })).toMatchObject({ ok: false, error: { code: "expired" } });
    expect(await subscribe(socket, { nope: true })).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(await subscribe(socket, "a string")).toMatchObject({ ok: false, error: { code: "invalid" } });
    // Still connected and working after bad input.
    expect(socket.connected).toBe(true);
  });

  it("limits subscription attempts per connection", async () => {
    const socket = await inspectorClient();
    const results: SubscribeAck[] = [];
    for (let i = 0; i < 12; i += 1) results.push(await subscribe(socket, { username: "1:x", credential: "x" }));
    expect(results.at(-1)).toMatchObject({ ok: false, error: { code: "rate-limited" } });
  });
});

describe("packet inspector with two processes sharing Redis", () => {
  it("streams a session's packets to its page on the other process, but keeps the backlog where the packets arrived", async () => {
    const redis = await startRedisServer();
    const servers: TestServer[] = [];
    try {
      // Same TURN_SECRET (startTestServer's), same Redis: process B accepts credentials A issued.
      for (let i = 0; i < 2; i++) servers.push(await startTestServer({ REDIS_URL: redis.url }));
      const [a, b] = servers;
      if (!a || !b) throw new Error("two servers expected");
      const session = await iceConfig(a.origin);
      const page = await inspectorClient(b.origin);
      expect(await subscribe(page, turnCredentials(session))).toMatchObject({ ok: true, sessionId: session.sessionId, backlog: [] });
      const received: TransactionRecord[] = [];
      page.on("inspector:record", (record: TransactionRecord) => received.push(record));

      const ids = await bindThenAllocate(a.turnPorts[0] ?? 0, turnCredentials(session));
      await expect.poll(() => received.length, { timeout: 5000 }).toBeGreaterThanOrEqual(6);
      expect(received.map((r) => r.kind === "stun" && r.transactionId)).toEqual(ids.flatMap((id) => [id, id]));

      // Each process remembers only what its own STUN/TURN server saw.
      const lateOnB = await subscribe(await inspectorClient(b.origin), turnCredentials(session));
      expect(lateOnB).toMatchObject({ ok: true, backlog: [] });
      const lateOnA = await subscribe(await inspectorClient(a.origin), turnCredentials(session));
      expect(lateOnA.ok && lateOnA.backlog).toHaveLength(6);
    } finally {
      for (const s of servers) await s.close();
      await redis.stop();
    }
  });
});
