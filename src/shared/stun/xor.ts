// XOR address arithmetic of STUN (RFC 8489 §14.2), pure so the server codec, the browser-side
// packet inspector and the lesson tests all work the same numbers out.
//
// Why XOR at all? Some NATs rewrite any 32-bit value in a packet that looks like their own public
// address ("ALG" behaviour). XOR-ing the address with a constant hides it from them, so the
// address the client reads is the one the server saw.

/**
 * RFC 8489 §5: "The Magic Cookie field MUST contain the fixed value 0x2112A442 in network byte order."
 */
export const MAGIC_COOKIE = 0x2112a442;

/** The cookie as the four bytes that appear on the wire (big-endian). */
export const MAGIC_COOKIE_BYTES: Readonly<Uint8Array> = Uint8Array.of(0x21, 0x12, 0xa4, 0x42);

/** Length of a STUN transaction ID in bytes (RFC 8489 §5: 96 bits). */
export const TRANSACTION_ID_LENGTH = 12;

/**
 * RFC 8489 §14.2: "X-Port is computed by XOR'ing the mapped port with the most significant 16 bits
 * of the magic cookie." XOR is its own inverse, so the same function encodes and decodes.
 */
export function xorPort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) {
    throw new RangeError(`port must be an integer in 0..65535, got ${String(port)}`);
  }
  return (port ^ (MAGIC_COOKIE >>> 16)) & 0xffff;
}

/**
 * The key stream an address is XOR-ed with. RFC 8489 §14.2: "If the IP address family is IPv4,
 * X-Address is computed by XOR'ing the mapped IP address with the magic cookie. If the IP address
 * family is IPv6, X-Address is computed by XOR'ing the mapped IP address with the concatenation of
 * the magic cookie and the 96-bit transaction ID."
 */
export function xorKey(addressLength: 4 | 16, transactionId: Uint8Array): Uint8Array {
  if (addressLength === 4) return Uint8Array.from(MAGIC_COOKIE_BYTES);
  if (transactionId.length !== TRANSACTION_ID_LENGTH) {
    throw new RangeError(`transaction ID must be ${String(TRANSACTION_ID_LENGTH)} bytes, got ${String(transactionId.length)}`);
  }
  const key = new Uint8Array(16);
  key.set(MAGIC_COOKIE_BYTES, 0);
  key.set(transactionId, 4);
  return key;
}

/**
 * XOR an IPv4 (4 bytes) or IPv6 (16 bytes) address with its key stream. Encoding and decoding are
 * the same operation. Returns a new array; the input is not modified.
 */
export function xorAddressBytes(address: Uint8Array, transactionId: Uint8Array): Uint8Array {
  if (address.length !== 4 && address.length !== 16) {
    throw new RangeError(`address must be 4 (IPv4) or 16 (IPv6) bytes, got ${String(address.length)}`);
  }
  const key = xorKey(address.length, transactionId);
  const out = new Uint8Array(address.length);
  for (let i = 0; i < address.length; i++) out[i] = (address[i] ?? 0) ^ (key[i] ?? 0);
  return out;
}

/** One row of a worked XOR, for the inspector and the STUN lesson: "0xc0 ^ 0x21 = 0xe1". */
export interface XorStep {
  readonly value: number;
  readonly key: number;
  readonly result: number;
}

/** The XOR of an address worked out byte by byte (what the lesson shows next to the hex dump). */
export function explainXorAddress(address: Uint8Array, transactionId: Uint8Array): XorStep[] {
  const result = xorAddressBytes(address, transactionId);
  const key = xorKey(address.length === 4 ? 4 : 16, transactionId);
  return Array.from(address, (value, i) => ({ value, key: key[i] ?? 0, result: result[i] ?? 0 }));
}
