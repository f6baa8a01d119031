import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkTurnUsername, mintTurnCredentials, passwordsMatch } from "../../../server/turn/credentials.ts";

describe("TURN REST credentials", () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);

  it("puts the expiry time first and derives the password with HMAC-SHA1", () => {
    const minted = mintTurnCredentials({ secret: "north", userId: "alice", ttlSeconds: 600, now });
    expect(minted.username).toBe(`${now / 1000 + 600}:alice`);
    expect(minted.credential).toBe(createHmac("sha1", "north").update(minted.username).digest("base64"));
    expect(minted.ttl).toBe(600);
  });

  it("accepts its own usernames until they expire, then refuses them", () => {
    const { username, credential } = mintTurnCredentials({ secret: "s", userId: "u", ttlSeconds: 60, now });
    const ok = checkTurnUsername("s", username, now + 59_000);
    expect(ok).toMatchObject({ ok: true, password: credential, userId: "u" });
    expect(checkTurnUsername("s", username, now + 60_000)).toEqual({ ok: false, reason: "expired" });
  });

  it("gives a different password for another secret (wrong credentials fail integrity)", () => {
    const { username, credential } = mintTurnCredentials({ secret: "s", userId: "u", ttlSeconds: 60, now });
    const check = checkTurnUsername("other", username, now);
    expect(check.ok && passwordsMatch(check.password, credential)).toBe(false);
  });

  it.each(["", "alice", "abc:alice", ":x", "1234567890123:x"])("refuses malformed username %j", (username) => {
    expect(checkTurnUsername("s", username, now)).toEqual({ ok: false, reason: "malformed" });
  });

  it("refuses a user id containing the separator", () => {
    expect(() => mintTurnCredentials({ secret: "s", userId: "a:b", ttlSeconds: 60, now })).toThrow(RangeError);
  });
});
