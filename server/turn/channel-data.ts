// ChannelData (RFC 8656 §12.4): "The ChannelData message is used to carry application data between
// the client and the server. ... The Channel Number field specifies the number of the channel on
// which the data is traveling ... The Length field specifies the length in bytes of the application
// data field (i.e., it does not include the size of the ChannelData header)."
// Demultiplexing (RFC 8656 §12): a first byte whose top two bits are 0b00 (0 to 63) starts a STUN
// message (the STUN decoder then rejects anything else there, such as DTLS); 64 to 79 is a TURN
// channel (channel numbers 0x4000-0x4FFF, RFC 7983 §7). 80 to 127 would be channel numbers
// 0x5000-0x7FFF, which RFC 8656 §12 reserves, so such a packet is neither and is dropped as malformed.
import { isValidChannelNumber } from "../stun/attributes/channel-number.ts";

export type PacketKind = "stun" | "channel-data" | "other";

export function classifyPacket(first: number | undefined): PacketKind {
  if (first === undefined) return "other";
  if (first >> 6 === 0) return "stun";
  return first >= 0x40 && first <= 0x4f ? "channel-data" : "other";
}

export interface ChannelDataView {
  readonly channelNumber: number;
  readonly data: Uint8Array;
}

/** Parse a ChannelData message; undefined when malformed (RFC 8656 §12.6: discard silently). */
export function decodeChannelData(packet: Uint8Array): ChannelDataView | undefined {
  if (packet.length < 4) return undefined;
  const channelNumber = ((packet[0] ?? 0) << 8) | (packet[1] ?? 0);
  const length = ((packet[2] ?? 0) << 8) | (packet[3] ?? 0);
  if (!isValidChannelNumber(channelNumber) || 4 + length > packet.length) return undefined;
  // The message may be padded to 4 bytes (always over TCP); anything after the data is ignored.
  return { channelNumber, data: packet.subarray(4, 4 + length) };
}

/** The 4-byte header for `length` bytes of data on `channelNumber` (send header + data as two buffers). */
export function channelDataHeader(channelNumber: number, length: number): Uint8Array {
  return Uint8Array.of(channelNumber >> 8, channelNumber & 0xff, length >> 8, length & 0xff);
}

const PADDING = [new Uint8Array(0), new Uint8Array(3), new Uint8Array(2), new Uint8Array(1)] as const;

/**
 * A whole ChannelData message as buffers (the data is not copied). RFC 8656 §12.5: "Over TCP and
 * TLS-over-TCP, the ChannelData message MUST be padded to a multiple of four bytes in order to
 * ensure the alignment of subsequent messages. The padding is not reflected in the length field".
 */
export function channelDataMessage(channelNumber: number, data: Uint8Array, padded: boolean): Uint8Array[] {
  const header = channelDataHeader(channelNumber, data.length);
  const padding = PADDING[data.length & 3];
  return padded && padding !== undefined && padding.length > 0 ? [header, data, padding] : [header, data];
}
