// The long-term credential mechanism, server side (RFC 8489 §9.2.4), with TURN REST usernames.
//   - no MESSAGE-INTEGRITY              -> 401 with REALM and NONCE (the challenge)
//   - MI but no USERNAME/REALM/NONCE    -> 400
//   - NONCE stale or not ours           -> 438 with a fresh NONCE
//   - USERNAME malformed/expired, wrong realm, MI does not verify -> 401
// Nothing is stored for a request that fails: the nonce is stateless (nonce.ts).
import { AttributeType } from "../stun/constants.ts";
import { getAttribute } from "../stun/attributes/attribute.ts";
import { longTermKey, verifyMessageIntegrity } from "../stun/attributes/message-integrity.ts";
import { Nonce } from "../stun/attributes/nonce.ts";
import { Realm } from "../stun/attributes/realm.ts";
import { Username } from "../stun/attributes/username.ts";
import { StunAttributeError } from "../stun/errors.ts";
import { findAttribute, type StunMessage } from "../stun/message.ts";
import type { TransportAddress } from "../stun/attributes/address.ts";
import type { AllocationAuth } from "./allocation.ts";
import { checkTurnUsername } from "./credentials.ts";
import type { NonceService } from "./nonce.ts";
import { challengeResponse, errorResponse } from "./responses.ts";

export type AuthResult =
  | { readonly ok: true; readonly auth: AllocationAuth }
  | { readonly ok: false; readonly response: Uint8Array; readonly reason: string; readonly username?: string | undefined };

export interface AuthDeps {
  readonly realm: string;
  readonly secret: string;
  readonly software: string | undefined;
  readonly nonces: NonceService;
  readonly now: number;
}

export function authenticate(request: StunMessage, source: TransportAddress, deps: AuthDeps): AuthResult {
  const challenge = (code: 401 | 438, reason: string, username?: string): AuthResult => ({
    ok: false,
    reason,
    username,
    response: challengeResponse(request, code, deps.realm, deps.nonces.issue(source.address, source.port), deps.software),
  });
  if (!findAttribute(request, AttributeType.MESSAGE_INTEGRITY)) return challenge(401, "no MESSAGE-INTEGRITY: challenge");
  let username: string | undefined;
  let realm: string | undefined;
  let nonce: string | undefined;
  try {
    username = getAttribute(request, Username);
    realm = getAttribute(request, Realm);
    nonce = getAttribute(request, Nonce);
  } catch (error) {
    // A USERNAME/REALM/NONCE that is not valid UTF-8 or too long: a malformed request (found by fuzzing).
    if (!(error instanceof StunAttributeError)) throw error;
    return { ok: false, reason: error.message, response: errorResponse(request, 400, { software: deps.software }, undefined, "Bad Request: malformed credentials attribute") };
  }
  if (username === undefined || realm === undefined || nonce === undefined) {
    return { ok: false, reason: "MESSAGE-INTEGRITY without USERNAME, REALM and NONCE", response: errorResponse(request, 400, { software: deps.software }) };
  }
  const nonceState = deps.nonces.check(nonce, source.address, source.port);
  if (nonceState !== "fresh") return challenge(438, `nonce ${nonceState}`, username);
  if (realm !== deps.realm) return challenge(401, "wrong realm", username);
  const check = checkTurnUsername(deps.secret, username, deps.now);
  if (!check.ok) return challenge(401, `username ${check.reason}`, username);
  const key = longTermKey(username, realm, check.password);
  if (!verifyMessageIntegrity(request, key)) return challenge(401, "MESSAGE-INTEGRITY does not match (wrong password)", username);
  return { ok: true, auth: { username, userId: check.userId, realm, key } };
}
