/**
 * Short-lived TURN credentials in the scheme coturn calls `use-auth-secret` (the "TURN REST API",
 * draft-uberti-behave-turn-rest-00 §2.2):
 *
 *   username = "<expiry as Unix seconds>:<user id>"
 *   password = base64(HMAC-SHA1(shared secret, username))
 *
 * The timestamp is the moment the credential EXPIRES, not when it was issued (coturn accepts while
 * `!turn_time_before(ts, now)`). The web server mints these for each page; the TURN server (ours or
 * coturn) recomputes the password from the same secret, so the secret itself never leaves the server.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export interface MintInput {
  secret: string;
  userId: string;
  ttlSeconds: number;
  /** Current time in milliseconds since the epoch (injected for tests). */
  now: number;
}

export interface TurnRestCredentials {
  username: string;
  credential: string;
  ttl: number;
}

/** Kept for callers that use the older name. */
export type TurnCredentials = TurnRestCredentials;

/** User ids the site mints: printable, no separator, short enough for USERNAME (RFC 8489 §14.3). */
const MINTABLE_USER_ID = /^[A-Za-z0-9._~-]{1,64}$/u;

export function turnRestPassword(secret: string, username: string): string {
  return createHmac("sha1", secret).update(username, "utf8").digest("base64");
}

export function mintTurnCredentials({ secret, userId, ttlSeconds, now }: MintInput): TurnRestCredentials {
  if (userId.includes(":")) throw new RangeError("userId must not contain ':' (the username separator)");
  if (!MINTABLE_USER_ID.test(userId)) throw new RangeError("userId must be 1-64 characters of A-Z a-z 0-9 . _ ~ -");
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 7 * 86_400) throw new RangeError("ttlSeconds must be an integer from 1 to 604800");
  if (secret.length === 0) throw new RangeError("the TURN secret must not be empty");
  const expiry = Math.floor(now / 1000) + ttlSeconds;
  const username = `${String(expiry)}:${userId}`;
  return { username, credential: turnRestPassword(secret, username), ttl: ttlSeconds };
}

export type CredentialCheck =
  | { ok: true; password: string; expiresAt: number; userId: string }
  | { ok: false; reason: "malformed" | "expired" };

/**
 * Checks a username minted by mintTurnCredentials (or by coturn's `turnutils_uclient -W`) and
 * returns the password the server must use to verify MESSAGE-INTEGRITY. Expired usernames are refused.
 */
export function checkTurnUsername(secret: string, username: string, now: number): CredentialCheck {
  const match = /^(\d{1,12}):([^\p{Cc}]{1,128})$/su.exec(username);
  if (!match) return { ok: false, reason: "malformed" };
  const expiresAt = Number(match[1]);
  if (expiresAt * 1000 <= now) return { ok: false, reason: "expired" };
  return { ok: true, password: turnRestPassword(secret, username), expiresAt, userId: match[2] ?? "" };
}

/** Constant-time comparison of a presented password with the expected one. */
export function passwordsMatch(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Username + credential pair check (the inspector subscription uses it). Constant time. */
export function verifyTurnCredentials(secret: string, username: string, credential: string, now: number): boolean {
  const check = checkTurnUsername(secret, username, now);
  return check.ok && passwordsMatch(check.password, credential);
}
