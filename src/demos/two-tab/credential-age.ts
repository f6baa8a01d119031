/**
 * How long the ICE servers a page fetched stay usable. The TURN credentials in them expire
 * (TURN_CREDENTIAL_TTL, RFC 8489 §9.2 long-term credentials with a time-limited username), and a
 * tab may wait alone for hours with its offer prepared. Both functions work on the signaling
 * server's clock, in milliseconds, since the expiry is the server's Unix time.
 */

/** Share of the credentials' lifetime after which a page fetches new ones before using them. */
export const REFRESH_AT_SHARE = 0.75;

/** True once three quarters of the credentials' lifetime (fetch to expiry) have passed. */
export function credentialsAging(fetchedAtMs: number, expiresAtMs: number, nowMs: number): boolean {
  return nowMs >= fetchedAtMs + (expiresAtMs - fetchedAtMs) * REFRESH_AT_SHARE;
}

/** Milliseconds from now until credentialsAging turns true (0 if it already has). */
export function msUntilAging(fetchedAtMs: number, expiresAtMs: number, nowMs: number): number {
  return Math.max(0, fetchedAtMs + (expiresAtMs - fetchedAtMs) * REFRESH_AT_SHARE - nowMs);
}
