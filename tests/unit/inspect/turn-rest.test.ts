import { describe, expect, it } from "vitest";
import { checkTurnUsername, mintTurnCredentials } from "../../../server/turn/credentials.ts";
import { CredentialInputError, deriveTurnCredentials } from "../../../src/demos/inspect/turn-rest.ts";

describe("deriveTurnCredentials (WebCrypto, in the page)", () => {
  it("gives exactly what the server mints from the same secret (TURN REST API)", async () => {
    const now = 1_790_000_000_000;
    const derived = await deriveTurnCredentials({ secret: "s3cret", userId: "alice", ttlSeconds: 3600, nowMs: now });
    const minted = mintTurnCredentials({ secret: "s3cret", userId: "alice", ttlSeconds: 3600, now });
    expect(derived.username).toBe(minted.username);
    expect(derived.credential).toBe(minted.credential);
    expect(derived.username).toBe(`${1_790_000_000 + 3600}:alice`);
    expect(checkTurnUsername("s3cret", derived.username, now)).toMatchObject({ ok: true, password: derived.credential });
  });

  it("matches a hand-computed HMAC-SHA1 vector", async () => {
    // base64(HMAC-SHA1("key", "The quick brown fox jumps over the lazy dog")) is the RFC 2104 example de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9.
    const derived = await deriveTurnCredentials({ secret: "key", userId: "x", ttlSeconds: 1, nowMs: 0 });
    expect(derived.username).toBe("1:x");
    expect(Buffer.from(derived.credential, "base64")).toHaveLength(20);
    const { createHmac } = await import("node:crypto");
    expect(derived.credential).toBe(createHmac("sha1", "key").update("1:x").digest("base64"));
  });

  it.each([
    [{ secret: "", userId: "a", ttlSeconds: 1 }, /shared secret/u],
    [{ secret: "s", userId: "a:b", ttlSeconds: 1 }, /no ':'/u],
    [{ secret: "s", userId: "", ttlSeconds: 1 }, /user name/u],
    [{ secret: "s", userId: "a", ttlSeconds: 0 }, /Lifetime/u],
    [{ secret: "s", userId: "a", ttlSeconds: 1.5 }, /Lifetime/u],
    [{ secret: "s", userId: "a", ttlSeconds: 604_801 }, /Lifetime/u],
  ])("refuses bad input %j", async (input, message) => {
    await expect(deriveTurnCredentials({ ...input, nowMs: 0 })).rejects.toThrow(CredentialInputError);
    await expect(deriveTurnCredentials({ ...input, nowMs: 0 })).rejects.toThrow(message);
  });
});
