// Registries of RFC 8489 §18 and RFC 8656 §17 (IANA "STUN Parameters"), as plain objects:
// erasable TypeScript has no enums, and the inspector wants the names anyway.

/** RFC 8489 §5: "The message type field is decomposed further into ... the class ... and method". */
export const StunClass = {
  request: 0b00,
  indication: 0b01,
  successResponse: 0b10,
  errorResponse: 0b11,
} as const;
export type StunClass = (typeof StunClass)[keyof typeof StunClass];

export const STUN_CLASS_NAMES: Readonly<Record<StunClass, string>> = {
  0: "request",
  1: "indication",
  2: "success response",
  3: "error response",
};

/** RFC 8489 §18.2 (Binding) and RFC 8656 §17 (TURN methods). */
export const StunMethod = {
  binding: 0x001,
  allocate: 0x003,
  refresh: 0x004,
  send: 0x006,
  data: 0x007,
  createPermission: 0x008,
  channelBind: 0x009,
} as const;
export type StunMethod = (typeof StunMethod)[keyof typeof StunMethod];

export const STUN_METHOD_NAMES: Readonly<Record<number, string>> = {
  0x001: "Binding",
  0x003: "Allocate",
  0x004: "Refresh",
  0x006: "Send",
  0x007: "Data",
  0x008: "CreatePermission",
  0x009: "ChannelBind",
};

/** RFC 8489 §18.3 and RFC 8656 §17: attribute type codes. */
export const AttributeType = {
  MAPPED_ADDRESS: 0x0001,
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  UNKNOWN_ATTRIBUTES: 0x000a,
  CHANNEL_NUMBER: 0x000c,
  LIFETIME: 0x000d,
  XOR_PEER_ADDRESS: 0x0012,
  DATA: 0x0013,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_ADDRESS_FAMILY: 0x0017,
  EVEN_PORT: 0x0018,
  REQUESTED_TRANSPORT: 0x0019,
  DONT_FRAGMENT: 0x001a,
  MESSAGE_INTEGRITY_SHA256: 0x001c,
  PASSWORD_ALGORITHM: 0x001d,
  USERHASH: 0x001e,
  XOR_MAPPED_ADDRESS: 0x0020,
  RESERVATION_TOKEN: 0x0022,
  PRIORITY: 0x0024,
  USE_CANDIDATE: 0x0025,
  PASSWORD_ALGORITHMS: 0x8002,
  ALTERNATE_DOMAIN: 0x8003,
  SOFTWARE: 0x8022,
  ALTERNATE_SERVER: 0x8023,
  FINGERPRINT: 0x8028,
  ICE_CONTROLLED: 0x8029,
  ICE_CONTROLLING: 0x802a,
} as const;

export const ATTRIBUTE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(AttributeType).map(([name, code]) => [code, name.replaceAll("_", "-")]),
);

/** RFC 8489 §14: "Attributes with type values between 0x0000 and 0x7FFF are comprehension-required". */
export function isComprehensionRequired(type: number): boolean {
  return type < 0x8000;
}

/** RFC 8489 §14.8 and RFC 8656 §17: error codes with their recommended reason phrases. */
export const ErrorCode = {
  tryAlternate: 300,
  badRequest: 400,
  unauthenticated: 401,
  forbidden: 403,
  unknownAttribute: 420,
  allocationMismatch: 437,
  staleNonce: 438,
  addressFamilyNotSupported: 440,
  wrongCredentials: 441,
  unsupportedTransportProtocol: 442,
  peerAddressFamilyMismatch: 443,
  allocationQuotaReached: 486,
  serverError: 500,
  insufficientCapacity: 508,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_REASONS: Readonly<Record<number, string>> = {
  300: "Try Alternate",
  400: "Bad Request",
  401: "Unauthenticated",
  403: "Forbidden",
  420: "Unknown Attribute",
  437: "Allocation Mismatch",
  438: "Stale Nonce",
  440: "Address Family not Supported",
  441: "Wrong Credentials",
  442: "Unsupported Transport Protocol",
  443: "Peer Address Family Mismatch",
  486: "Allocation Quota Reached",
  500: "Server Error",
  508: "Insufficient Capacity",
};

/** RFC 8489 §5: the fixed 20-byte header. */
export const HEADER_LENGTH = 20;
