import { describe, expect, it } from "vitest";
import {
  CLIENT_EVENTS,
  ROOM_ID_PATTERN,
  base64url,
  candidateMessageSchema,
  descriptionMessageSchema,
  joinRequestSchema,
  newRoomId,
  payloadSize,
  restartRequestMessageSchema,
} from "../../../src/shared/signaling/protocol.ts";
import { parseChannelMessage } from "../../../src/demos/two-tab/channel-messages.ts";
import { newRoomLink, parseDemoParams, roomLink } from "../../../src/demos/two-tab/params.ts";

describe("room IDs", () => {
  it("encodes base64url without padding (RFC 4648 §10 vectors)", () => {
    const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
    expect(base64url(bytes(""))).toBe("");
    expect(base64url(bytes("f"))).toBe("Zg");
    expect(base64url(bytes("fo"))).toBe("Zm8");
    expect(base64url(bytes("foo"))).toBe("Zm9v");
    expect(base64url(bytes("foobar"))).toBe("Zm9vYmFy");
    expect(base64url(new Uint8Array([0xfb, 0xff]))).toBe("-_8");
  });

  it("makes 128-bit IDs from the random source", () => {
    const id = newRoomId((n) => new Uint8Array(n).fill(0xff));
    expect(id).toBe("_____________________w");
    expect(id).toMatch(ROOM_ID_PATTERN);
    const seen = new Set(Array.from({ length: 100 }, () => newRoomId((n) => crypto.getRandomValues(new Uint8Array(n)))));
    expect(seen.size).toBe(100);
  });

  it("accepts only well-formed room IDs of at least 96 bits", () => {
    expect(joinRequestSchema.safeParse({}).success).toBe(true);
    expect(joinRequestSchema.safeParse({ roomId: "a".repeat(16) }).success).toBe(true);
    expect(joinRequestSchema.safeParse({ roomId: "a".repeat(15) }).success).toBe(false);
    expect(joinRequestSchema.safeParse({ roomId: "a".repeat(65) }).success).toBe(false);
    expect(joinRequestSchema.safeParse({ roomId: "aaaaaaaaaaaaaaaa/" }).success).toBe(false);
  });
});

describe("message schemas", () => {
  it("accept what browsers send and nothing more", () => {
    expect(descriptionMessageSchema.safeParse({ description: { type: "answer", sdp: "v=0" } }).success).toBe(true);
    expect(descriptionMessageSchema.safeParse({ description: { type: "answer", sdp: "v=0" }, from: "x" }).success).toBe(false);
    expect(candidateMessageSchema.safeParse({ candidate: null }).success).toBe(true);
    expect(candidateMessageSchema.safeParse({ candidate: { candidate: "", sdpMid: null, sdpMLineIndex: null, usernameFragment: null } }).success).toBe(true);
    expect(candidateMessageSchema.safeParse({ candidate: { candidate: "x", sdpMLineIndex: 2000 } }).success).toBe(false);
    // A restart request is an empty object: who asks is the server's to say.
    expect(restartRequestMessageSchema.safeParse({}).success).toBe(true);
    for (const bad of [undefined, null, [], "restart", { from: "x" }, { t: "restart-ice" }]) expect(restartRequestMessageSchema.safeParse(bad).success).toBe(false);
  });

  it("lists every client event, so the server does not refuse one as unknown", () => {
    expect([...CLIENT_EVENTS].sort()).toEqual(["ice:config", "room:join", "room:leave", "signal:candidate", "signal:description", "signal:restart-request"]);
  });

  it("counts payload size in UTF-8 bytes", () => {
    expect(payloadSize({ a: "é" })).toBe(10);
  });
});

describe("demo URL and tab-to-tab messages", () => {
  it("reads ?room= and &policy=relay, and reports a malformed room", () => {
    expect(parseDemoParams("?room=abcdefghijklmnopqrstuv&policy=relay")).toEqual({ room: "abcdefghijklmnopqrstuv", invalidRoom: false, policy: "relay" });
    expect(parseDemoParams("")).toEqual({ room: undefined, invalidRoom: false, policy: "all" });
    expect(parseDemoParams("?room=<script>")).toEqual({ room: undefined, invalidRoom: true, policy: "all" });
    expect(roomLink("http://localhost:4321", "/demo/", "abcdefghijklmnopqrstuv", "relay")).toBe("http://localhost:4321/demo/?room=abcdefghijklmnopqrstuv&policy=relay");
    expect(newRoomLink("/demo/", "relay")).toBe("/demo/?policy=relay");
    expect(newRoomLink("/demo/", "all")).toBe("/demo/");
  });

  it("validates what the other tab sends", () => {
    expect(parseChannelMessage(JSON.stringify({ t: "chat", text: "hi" }))).toEqual({ t: "chat", text: "hi" });
    expect(parseChannelMessage(JSON.stringify({ t: "chat", text: "" }))).toBeUndefined();
    expect(parseChannelMessage(JSON.stringify({ t: "chat", text: "x".repeat(501) }))).toBeUndefined();
    expect(parseChannelMessage("{not json")).toBeUndefined();
    expect(parseChannelMessage(new ArrayBuffer(4))).toBeUndefined();
    expect(parseChannelMessage(JSON.stringify({ t: "timeline", events: [{ side: "local", at: 1, kind: "note", label: "x" }] }))?.t).toBe("timeline");
    expect(parseChannelMessage(JSON.stringify({ t: "timeline", events: [{ side: "local", at: 1, kind: "evil", label: "x" }] }))).toBeUndefined();
    // A request to make an ICE restart's offer (the fallback while the signaling server cannot be reached) carries nothing else.
    expect(parseChannelMessage(JSON.stringify({ t: "restart-ice" }))).toEqual({ t: "restart-ice" });
    expect(parseChannelMessage(JSON.stringify({ t: "restart-ice", now: true }))).toBeUndefined();
  });
});
