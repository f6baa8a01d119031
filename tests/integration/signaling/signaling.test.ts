/**
 * The signaling server with real socket.io clients over WebSocket: rooms of two, relaying only to
 * the other member with the sender stamped by the server, refusals for everything else, limits,
 * and no rooms left behind.
 */
import { afterEach, describe, expect, it } from "vitest";
import { MAX_SDP_LENGTH, ROOM_ID_PATTERN, type Ack, type RelayResult } from "../../../src/shared/signaling/protocol.ts";
import { candidate, emit, join, joinOk, next, offer, raw, recorder, startSignaling, type Client, type Harness } from "./harness.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(...args: Parameters<typeof startSignaling>): Promise<Harness> {
  harness = await startSignaling(...args);
  return harness;
}

/** Two clients in one room (the second joining by the first one's ID). */
async function pair(h: Harness): Promise<{ a: Client; b: Client; roomId: string; aId: string; bId: string }> {
  const a = await h.client();
  const b = await h.client();
  const first = await joinOk(a);
  const joined = next(a, "peer:joined");
  const second = await joinOk(b, first.roomId);
  await joined;
  return { a, b, roomId: first.roomId, aId: first.peerId, bId: second.peerId };
}

describe("rooms", () => {
  it("creates a room with an unguessable ID, and the creator is impolite", async () => {
    const h = await start();
    const a = await h.client();
    const result = await joinOk(a);
    expect(result.roomId).toMatch(ROOM_ID_PATTERN);
    // 16 random bytes as base64url: 22 characters, 128 bits.
    expect(result.roomId).toHaveLength(22);
    expect(result.role).toBe("impolite");
    expect(result.peer).toBeNull();
    const other = await joinOk(await h.client());
    expect(other.roomId).not.toBe(result.roomId);
  });

  it("lets a second peer join by ID; each learns of the other with server-chosen IDs and roles", async () => {
    const h = await start();
    const a = await h.client();
    const b = await h.client();
    const first = await joinOk(a);
    const joined = next(a, "peer:joined");
    const second = await joinOk(b, first.roomId);
    expect(second).toMatchObject({ roomId: first.roomId, role: "polite", peer: { peerId: first.peerId, role: "impolite" } });
    expect(await joined).toMatchObject({ peerId: second.peerId, role: "polite" });
    expect(second.peerId).not.toBe(first.peerId);
  });

  it("joins a room ID the client chose, if its format is valid", async () => {
    const h = await start();
    const roomId = "my-own-room_id-0123456789";
    expect((await joinOk(await h.client(), roomId)).roomId).toBe(roomId);
  });

  it("refuses malformed room IDs", async () => {
    const h = await start();
    const a = await h.client();
    for (const roomId of ["short", "x".repeat(65), "has space in it 1234", "../../etc/passwd/xx", "ünïcödé-room-id-123"]) {
      const result = await join(a, roomId);
      expect(result).toMatchObject({ ok: false, error: { code: "invalid-room" } });
    }
    expect(await emit(a, "room:join", { roomId: 1234567890123456 })).toMatchObject({ ok: false, error: { code: "invalid-room" } });
    expect(await emit(a, "room:join", { roomId: "abcdefghijklmnopqrst", extra: 1 })).toMatchObject({ ok: false, error: { code: "invalid-message" } });
    expect(await h.signaling.rooms.size()).toBe(0);
  });

  it("tells a third peer the room is full, and it reaches nobody", async () => {
    const h = await start();
    const { a, b, roomId } = await pair(h);
    const logA = recorder(a);
    const logB = recorder(b);
    const c = await h.client();
    const full = next(c, "room:full");
    expect(await join(c, roomId)).toMatchObject({ ok: false, error: { code: "room-full" } });
    expect(await full).toEqual({ roomId });
    expect(await emit(c, "signal:description", { description: offer })).toMatchObject({ ok: false, error: { code: "not-in-room" } });
    // A round trip on a and b proves nothing from c was queued for them.
    await emit(a, "ice:config");
    await emit(b, "ice:config");
    expect(logA.events).toEqual([]);
    expect(logB.events).toEqual([]);
  });

  it("refuses a second join from a socket already in a room", async () => {
    const h = await start();
    const a = await h.client();
    await joinOk(a);
    expect(await join(a)).toMatchObject({ ok: false, error: { code: "already-in-room" } });
    expect(await h.signaling.rooms.size()).toBe(1);
  });

  it("tells the other peer at once when one leaves, and the room takes a new peer in the freed role", async () => {
    const h = await start();
    const { a, b, roomId, aId } = await pair(h);
    const left = next(b, "peer:left");
    expect(await emit(a, "room:leave")).toEqual({ ok: true });
    expect(await left).toMatchObject({ peerId: aId, reason: "left" });
    const c = await h.client();
    const joined = next(b, "peer:joined");
    const third = await joinOk(c, roomId);
    expect(third.role).toBe("impolite");
    expect(third.peer?.role).toBe("polite");
    expect((await joined).peerId).toBe(third.peerId);
    expect(await emit(a, "room:leave")).toMatchObject({ ok: false, error: { code: "not-in-room" } });
  });

  it("tells the other peer when a tab disconnects", async () => {
    const h = await start();
    const { a, b, aId } = await pair(h);
    const left = next(b, "peer:left");
    a.disconnect();
    expect(await left).toMatchObject({ peerId: aId, reason: "disconnected" });
  });

  it("deletes rooms once empty, however the peers went", async () => {
    const h = await start();
    const first = await pair(h);
    const second = await pair(h);
    const lone = await h.client();
    await joinOk(lone);
    expect(await h.signaling.rooms.size()).toBe(3);
    await emit(first.a, "room:leave");
    await emit(first.b, "room:leave");
    const gone = next(second.b, "peer:left");
    second.a.disconnect();
    await gone;
    second.b.disconnect();
    lone.disconnect();
    await expect.poll(() => h.signaling.rooms.size(), { interval: 10 }).toBe(0);
  });
});

describe("relaying", () => {
  it("relays a description to the other member only, stamped with the sender's server-chosen ID", async () => {
    const h = await start({ clock: () => 1_700_000_000_000 });
    const { a, b, aId } = await pair(h);
    const outsider = await h.client();
    await joinOk(outsider);
    const logOutsider = recorder(outsider);
    const logA = recorder(a);
    const received = next(b, "signal:description");
    const ack = (await emit(a, "signal:description", { description: offer })) as Ack<RelayResult>;
    expect(ack).toMatchObject({ ok: true, serverTime: 1_700_000_000_000 });
    expect(ack.ok && ack.size).toBeGreaterThan(offer.sdp.length);
    expect(await received).toEqual({ from: aId, description: offer, size: ack.ok ? ack.size : -1, serverTime: 1_700_000_000_000 });
    await emit(outsider, "ice:config");
    expect(logOutsider.events).toEqual([]);
    expect(logA.events).toEqual([]);
  });

  it("relays candidates both ways, and null as end-of-candidates", async () => {
    const h = await start();
    const { a, b, aId, bId } = await pair(h);
    const atB = next(b, "signal:candidate");
    expect(await emit(a, "signal:candidate", { candidate })).toMatchObject({ ok: true });
    expect(await atB).toMatchObject({ from: aId, candidate });
    const atA = next(a, "signal:candidate");
    expect(await emit(b, "signal:candidate", { candidate: null })).toMatchObject({ ok: true });
    expect(await atA).toMatchObject({ from: bId, candidate: null });
  });

  it("refuses a sender-supplied `from` instead of relaying a spoofed sender", async () => {
    const h = await start();
    const { a, b } = await pair(h);
    const logB = recorder(b);
    expect(await emit(a, "signal:description", { description: offer, from: "someone-else" })).toMatchObject({
      ok: false,
      error: { code: "invalid-message" },
    });
    await emit(b, "ice:config");
    expect(logB.events).toEqual([]);
  });

  it("refuses to relay when the sender is alone or in no room", async () => {
    const h = await start();
    const a = await h.client();
    expect(await emit(a, "signal:description", { description: offer })).toMatchObject({ ok: false, error: { code: "not-in-room" } });
    await joinOk(a);
    expect(await emit(a, "signal:candidate", { candidate })).toMatchObject({ ok: false, error: { code: "no-peer" } });
  });

  it("refuses every malformed payload and forwards none of them", async () => {
    const h = await start();
    const { a, b } = await pair(h);
    const logB = recorder(b);
    const bad: [string, unknown][] = [
      ["signal:description", undefined],
      ["signal:description", null],
      ["signal:description", 42],
      ["signal:description", "offer"],
      ["signal:description", []],
      ["signal:description", { description: null }],
      ["signal:description", { description: { type: "offer" } }],
      ["signal:description", { description: { type: "hello", sdp: "v=0" } }],
      ["signal:description", { description: { type: "offer", sdp: 7 } }],
      ["signal:description", { description: { type: "offer", sdp: "v=0", extra: true } }],
      ["signal:description", { description: { type: "offer", sdp: "x".repeat(MAX_SDP_LENGTH + 1) } }],
      ["signal:candidate", {}],
      ["signal:candidate", { candidate: { candidate: 5 } }],
      ["signal:candidate", { candidate: { candidate: "x".repeat(2000) } }],
      ["signal:candidate", { candidate: { ...candidate, sdpMLineIndex: -1 } }],
      ["signal:candidate", { candidate: { ...candidate, sdpMLineIndex: 1.5 } }],
      ["signal:candidate", { candidate: { ...candidate, __proto__: { polluted: true }, constructor: "x" } }],
      ["room:join", "room"],
      ["room:join", [1, 2]],
    ];
    for (const [event, payload] of bad) {
      const result = await emit(a, event, payload);
      expect(result, `${event} ${JSON.stringify(payload)?.slice(0, 60)}`).toMatchObject({ ok: false });
    }
    await emit(b, "ice:config");
    expect(logB.events).toEqual([]);
  });

  it("answers a message sent without an ack callback with an error event, and forwards nothing", async () => {
    const h = await start();
    const { a, b } = await pair(h);
    const logB = recorder(b);
    const error = next(a, "error");
    raw(a).emit("signal:description", { description: { type: "offer" } });
    expect(await error).toMatchObject({ code: "invalid-message", event: "signal:description" });
    const error2 = next(b, "error");
    raw(b).emit("room:join", { roomId: "x" });
    expect(await error2).toMatchObject({ code: "invalid-room", event: "room:join" });
    // A valid message without ack is still relayed (acks are optional for clients).
    const received = next(b, "signal:candidate");
    raw(a).emit("signal:candidate", { candidate });
    expect((await received).candidate).toEqual(candidate);
    expect(logB.events.map(([event]) => event)).toEqual(["error", "signal:candidate"]);
  });

  it("answers unknown events with unknown-event, by ack or by error event", async () => {
    const h = await start();
    const a = await h.client();
    expect(await emit(a, "admin:shutdown", {})).toMatchObject({ ok: false, error: { code: "unknown-event" } });
    const error = next(a, "error");
    raw(a).emit("x".repeat(5000), 1, 2, 3);
    expect(await error).toMatchObject({ code: "unknown-event" });
    expect((await error).event.length).toBeLessThanOrEqual(64);
  });

  it("disconnects a client that sends more than the size cap, and keeps serving everyone else", async () => {
    const h = await start();
    const { a, b } = await pair(h);
    const logB = recorder(b);
    const closed = new Promise<string>((resolve) => a.once("disconnect", resolve));
    const left = next(b, "peer:left");
    raw(a).emit("signal:description", { description: { type: "offer", sdp: "x".repeat(200_000) } });
    expect(await closed).toBe("transport close");
    expect(await left).toMatchObject({ reason: "disconnected" });
    expect(logB.events.map(([event]) => event)).toEqual(["peer:left"]);
    const c = await h.client();
    expect((await join(c)).ok).toBe(true);
  });
});

describe("restart requests", () => {
  it("relays a request for an ICE restart's offer to the other member only, stamped with the sender's server-chosen ID", async () => {
    const h = await start({ clock: () => 1_700_000_000_000 });
    const { a, b, aId, bId } = await pair(h);
    const outsider = await h.client();
    await joinOk(outsider);
    const logOutsider = recorder(outsider);
    const logA = recorder(a);
    const logB = recorder(b);
    const received = next(b, "signal:restart-request");
    const ack = (await emit(a, "signal:restart-request", {})) as Ack<RelayResult>;
    // `{}` is two bytes of JSON.
    expect(ack).toEqual({ ok: true, size: 2, serverTime: 1_700_000_000_000 });
    expect(await received).toEqual({ from: aId, size: 2, serverTime: 1_700_000_000_000 });
    // And the other way.
    const atA = next(a, "signal:restart-request");
    expect(await emit(b, "signal:restart-request", {})).toMatchObject({ ok: true });
    expect((await atA).from).toBe(bId);
    // A round trip on each proves nothing else was queued for anyone.
    for (const socket of [a, b, outsider]) await emit(socket, "ice:config");
    expect(logOutsider.events).toEqual([]);
    expect(logA.events.map(([event]) => event)).toEqual(["signal:restart-request"]);
    expect(logB.events.map(([event]) => event)).toEqual(["signal:restart-request"]);
  });

  it("never reaches a socket in another room, even one whose room is full", async () => {
    const h = await start();
    const first = await pair(h);
    const second = await pair(h);
    const lone = await h.client();
    await joinOk(lone);
    const others = [second.a, second.b, lone].map(recorder);
    const received = next(first.b, "signal:restart-request");
    expect(await emit(first.a, "signal:restart-request", {})).toMatchObject({ ok: true });
    await received;
    for (const socket of [second.a, second.b, lone]) await emit(socket, "ice:config");
    for (const log of others) expect(log.events).toEqual([]);
  });

  it("refuses it when the sender is in no room, or alone in its room, and forwards it to nobody", async () => {
    const h = await start();
    const { a, b } = await pair(h);
    const logs = [a, b].map(recorder);
    const stranger = await h.client();
    expect(await emit(stranger, "signal:restart-request", {})).toMatchObject({ ok: false, error: { code: "not-in-room" } });
    await joinOk(stranger);
    expect(await emit(stranger, "signal:restart-request", {})).toMatchObject({ ok: false, error: { code: "no-peer" } });
    // Left alone when the other member goes: no-peer again.
    const left = next(b, "peer:left");
    expect(await emit(a, "room:leave")).toEqual({ ok: true });
    await left;
    expect(await emit(b, "signal:restart-request", {})).toMatchObject({ ok: false, error: { code: "no-peer" } });
    expect(await emit(a, "signal:restart-request", {})).toMatchObject({ ok: false, error: { code: "not-in-room" } });
    expect(logs[0]?.events).toEqual([]);
    expect(logs[1]?.events.map(([event]) => event)).toEqual(["peer:left"]);
  });

  it("refuses a payload that is not exactly `{}`, a sender-supplied `from` included, and forwards none of them", async () => {
    const h = await start();
    const { a, b } = await pair(h);
    const logB = recorder(b);
    for (const payload of [undefined, null, 0, "restart", [], [{}], { from: "someone-else" }, { now: true }, { t: "restart-ice" }, { __proto__: { polluted: true }, constructor: "x" }]) {
      expect(await emit(a, "signal:restart-request", payload), JSON.stringify(payload) ?? "undefined").toMatchObject({ ok: false, error: { code: "invalid-message" } });
    }
    // Sent with no payload at all (the ack is the only argument).
    expect(await emit(a, "signal:restart-request")).toMatchObject({ ok: false, error: { code: "invalid-message" } });
    // Without an ack callback: an error event, and nothing relayed.
    const error = next(a, "error");
    raw(a).emit("signal:restart-request", { extra: 1 });
    expect(await error).toMatchObject({ code: "invalid-message", event: "signal:restart-request" });
    await emit(b, "ice:config");
    expect(logB.events).toEqual([]);
    // The server is still there for everyone.
    expect(await emit(a, "signal:restart-request", {})).toMatchObject({ ok: true });
  });

  it("counts against the sender's signaling budget, like descriptions and candidates", async () => {
    const h = await start({ limits: { signalsPer10s: 5 } });
    const { a, b } = await pair(h);
    const logB = recorder(b);
    const results = [];
    for (let i = 0; i < 3; i += 1) results.push(await emit(a, "signal:candidate", { candidate }));
    for (let i = 0; i < 4; i += 1) results.push(await emit(a, "signal:restart-request", {}));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, false, false]);
    expect(results[5]).toMatchObject({ ok: false, error: { code: "rate-limited" } });
    await emit(b, "ice:config");
    // Only the two requests within the budget reached b.
    expect(logB.events.filter(([event]) => event === "signal:restart-request")).toHaveLength(2);
    // b's budget is its own.
    expect((await emit(b, "signal:restart-request", {})).ok).toBe(true);
  });
});

describe("limits and ICE configuration", () => {
  it("rate-limits each socket on its own", async () => {
    const h = await start({ limits: { signalsPer10s: 5 } });
    const { a, b } = await pair(h);
    const results = [];
    for (let i = 0; i < 7; i += 1) results.push(await emit(a, "signal:candidate", { candidate }));
    expect(results.slice(0, 5).every((r) => r.ok)).toBe(true);
    expect(results[5]).toMatchObject({ ok: false, error: { code: "rate-limited" } });
    // b's budget is its own.
    expect((await emit(b, "signal:candidate", { candidate })).ok).toBe(true);
  });

  it("rate-limits joins and ice:config requests", async () => {
    const h = await start({ limits: { roomOpsPerMinute: 2, iceConfigPerMinute: 1 } });
    const a = await h.client();
    await joinOk(a);
    await emit(a, "room:leave");
    expect(await join(a)).toMatchObject({ ok: false, error: { code: "rate-limited" } });
    expect((await emit(a, "ice:config")).ok).toBe(true);
    expect(await emit(a, "ice:config")).toMatchObject({ ok: false, error: { code: "rate-limited" } });
  });

  it("hands out the ICE configuration from deps.iceConfig, and survives it failing", async () => {
    let fail = false;
    const config = {
      iceServers: [{ urls: ["turn:192.0.2.1:3478?transport=udp"], username: "1:abc", credential: "secret" }],
      mappingServers: [],
      sessionId: "abc",
      expiresAt: 1,
      turn: { mode: "builtin" as const, realm: "test" },
    };
    const h = await start({
      iceConfig: async () => {
        if (fail) throw new Error("TURN down");
        return config;
      },
    });
    const a = await h.client();
    expect(await emit(a, "ice:config")).toEqual({ ok: true, config });
    fail = true;
    expect(await emit(a, "ice:config")).toMatchObject({ ok: false, error: { code: "unavailable" } });
    expect((await join(a)).ok).toBe(true);
  });
});
