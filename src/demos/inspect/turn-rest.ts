/**
 * Short-lived TURN credentials derived in the browser from a shared secret (the "TURN REST API",
 * draft-uberti-behave-turn-rest-00 §2.2, coturn `use-auth-secret`):
 *   username = "<expiry Unix seconds>:<user id>", credential = base64(HMAC-SHA1(secret, username)).
 * Uses WebCrypto only (crypto.subtle exists in browsers and Node): the secret never leaves the page.
 */

export interface DerivedCredentials {
  username: string;
  credential: string;
  expiresAt: number;
}

export class CredentialInputError extends Error {
  override name = "CredentialInputError";
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export async function deriveTurnCredentials(input: { secret: string; userId: string; ttlSeconds: number; nowMs: number }): Promise<DerivedCredentials> {
  if (input.secret.length === 0) throw new CredentialInputError("Enter the shared secret (static-auth-secret) of the TURN server.");
  if (!/^[A-Za-z0-9._~-]{1,64}$/u.test(input.userId)) throw new CredentialInputError("The user name part must be 1-64 letters, digits or . _ ~ - (no ':').");
  if (!Number.isInteger(input.ttlSeconds) || input.ttlSeconds < 1 || input.ttlSeconds > 604_800) throw new CredentialInputError("Lifetime must be 1 second to 7 days.");
  const expiresAt = Math.floor(input.nowMs / 1000) + input.ttlSeconds;
  const username = `${expiresAt}:${input.userId}`;
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(input.secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(username)));
  return { username, credential: base64(mac), expiresAt };
}
