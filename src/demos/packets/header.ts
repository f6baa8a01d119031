/**
 * The four fields of the 20-byte STUN header (RFC 8489 §5), read from the raw bytes so the page
 * shows what was on the wire, not what a decoder believed.
 */
import { MAGIC_COOKIE } from "../../shared/stun/xor.ts";
import { HEADER_LENGTH, PacketLayoutError } from "./byte-fields.ts";
import { splitMessageType, type MessageTypeParts } from "./message-type.ts";

export interface HeaderFields {
  readonly messageType: MessageTypeParts;
  /** RFC 8489 §5: "The message length MUST contain the size of the message in bytes, not including the 20-byte STUN header." */
  readonly length: number;
  readonly cookie: number;
  readonly cookieValid: boolean;
  /** 24 lower-case hex digits. */
  readonly transactionId: string;
}

export function decodeHeader(bytes: Uint8Array): HeaderFields {
  if (bytes.length < HEADER_LENGTH) throw new PacketLayoutError(`a STUN header is ${String(HEADER_LENGTH)} bytes, got ${String(bytes.length)}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cookie = view.getUint32(4);
  return {
    messageType: splitMessageType(view.getUint16(0)),
    length: view.getUint16(2),
    cookie,
    cookieValid: cookie === MAGIC_COOKIE,
    transactionId: Array.from(bytes.subarray(8, 20), (b) => b.toString(16).padStart(2, "0")).join(""),
  };
}
