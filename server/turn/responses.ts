// Building responses the way clients (Chromium above all) expect them: same method and
// transaction ID, MESSAGE-INTEGRITY with the request's key when the request was authenticated
// (Chromium drops success responses without it), FINGERPRINT when the request carried one.
import { AttributeType, StunClass } from "../stun/constants.ts";
import { ErrorCodeAttribute, errorCode } from "../stun/attributes/error-code.ts";
import { Nonce } from "../stun/attributes/nonce.ts";
import { Realm } from "../stun/attributes/realm.ts";
import { Software } from "../stun/attributes/software.ts";
import { UnknownAttributes } from "../stun/attributes/unknown-attributes.ts";
import { StunMessageBuilder } from "../stun/builder.ts";
import { findAttribute, type StunMessage } from "../stun/message.ts";

export interface ResponseOptions {
  readonly software?: string | undefined;
  /** Sign with this key (the long-term key of an authenticated request). */
  readonly key?: Uint8Array | undefined;
}

export function responseBuilder(request: StunMessage, cls: StunClass, options: ResponseOptions): StunMessageBuilder {
  const b = new StunMessageBuilder(request.method, cls, request.transactionId);
  if (options.software) b.add(Software, options.software);
  return b;
}

export function finish(request: StunMessage, builder: StunMessageBuilder, options: ResponseOptions): Uint8Array {
  const fingerprint = findAttribute(request, AttributeType.FINGERPRINT) !== undefined;
  return builder.build({ integrityKey: options.key, fingerprint });
}

export function successResponse(request: StunMessage, options: ResponseOptions, add: (b: StunMessageBuilder) => void = () => undefined): Uint8Array {
  const b = responseBuilder(request, StunClass.successResponse, options);
  add(b);
  return finish(request, b, options);
}

export function errorResponse(request: StunMessage, code: number, options: ResponseOptions, add: (b: StunMessageBuilder) => void = () => undefined, reason?: string): Uint8Array {
  const b = responseBuilder(request, StunClass.errorResponse, options);
  b.add(ErrorCodeAttribute, errorCode(code, reason));
  add(b);
  return finish(request, b, options);
}

/** RFC 8489 §9.2.4: 401 and 438 carry REALM and NONCE and no MESSAGE-INTEGRITY. */
export function challengeResponse(request: StunMessage, code: 401 | 438, realm: string, nonce: string, software: string | undefined): Uint8Array {
  return errorResponse(request, code, { software }, (b) => b.add(Realm, realm).add(Nonce, nonce));
}

/** RFC 8489 §6.3.1.1: 420 lists the attributes that were not understood. */
export function unknownAttributeResponse(request: StunMessage, types: readonly number[], software: string | undefined, key?: Uint8Array): Uint8Array {
  return errorResponse(request, 420, { software, key }, (b) => b.add(UnknownAttributes, types));
}
