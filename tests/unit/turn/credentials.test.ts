import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkTurnUsername, mintTurnCredentials, verifyTurnCredentials } from "../../../server/turn/credentials.ts";

const secret = "north-0123456789abcdef";

describe("TURN REST credentials", () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);

  it("puts the expiry time first and derives the password with HMAC-SHA1", () => {
    const minted = mintTurnCredentials({ secret, userId: "alice", ttlSeconds: 600, now });
    expect(minted.username).toBe(`${now / 1000 + 600}:alice`);
    expect(minted.credential).toBe(createHmac("sha1", secret).update(minted.username).digest("base64"));
    expect(minted.ttl).toBe(600);
  });

  it("accepts its own credentials until they expire, then refuses them", () => {
    const { username, credential } = mintTurnCredentials({ secret, userId: "u", ttlSeconds: 60, now });
    expect(checkTurnUsername(secret, username, now + 59_000)).toMatchObject({ ok: true, password: credential, userId: "u" });
    expect(verifyTurnCredentials(secret, username, credential, now + 59_000)).toBe(true);
    expect(checkTurnUsername(secret, username, now + 61_000)).toEqual({ ok: false, reason: "expired" });
    expect(verifyTurnCredentials(secret, username, credential, now + 61_000)).toBe(false);
  });

  it("refuses a credential derived from another secret", () => {
    const { username, credential } = mintTurnCredentials({ secret, userId: "u", ttlSeconds: 60, now });
    expect(verifyTurnCredentials("another-secret-0123456789", username, credential, now)).toBe(false);
  });

  it.each(["", "alice", "abc:alice", ":x", "1234567890123:x"])("refuses malformed username %j", (username) => {
    expect(checkTurnUsername(secret, username, now)).toEqual({ ok: false, reason: "malformed" });
  });

  it("refuses a user id containing the separator", () => {
    expect(() => mintTurnCredentials({ secret, userId: "a:b", ttlSeconds: 60, now })).toThrow();
  });
});

describe("TURN REST credentials: server-side checks", () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  it("verifyTurnCredentials accepts the minted pair and refuses a wrong or expired one", () => {
    const { username, credential } = mintTurnCredentials({ secret: "server-secret", userId: "session-1", ttlSeconds: 60, now });
    expect(verifyTurnCredentials("server-secret", username, credential, now)).toBe(true);
    expect(verifyTurnCredentials("server-secret", username, credential.replace(/^./, (c) => (c === "A" ? "B" : "A")), now)).toBe(false);
    expect(verifyTurnCredentials("other-secret", username, credential, now)).toBe(false);
    expect(verifyTurnCredentials("server-secret", username, credential, now + 60_000)).toBe(false);
  });
  it("accepts usernames in coturn's turnutils_uclient form (digits, colon, name)", () => {
    expect(checkTurnUsername("s", `${String(now / 1000 + 5)}:ninefingers`, now)).toMatchObject({ ok: true, userId: "ninefingers" });
  });
  it("refuses user ids outside the safe alphabet and silly lifetimes when minting", () => {
    expect(() => mintTurnCredentials({ secret: "s", userId: "a b", ttlSeconds: 60, now })).toThrow(RangeError);
    expect(() => mintTurnCredentials({ secret: "s", userId: "a", ttlSeconds: 0, now })).toThrow(RangeError);
    expect(() => mintTurnCredentials({ secret: "", userId: "a", ttlSeconds: 60, now })).toThrow(RangeError);
  });
});
