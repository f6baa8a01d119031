import { AttributeType } from "../constants.ts";
import { AttributeValueError } from "../errors.ts";
import { expectLength, type AttributeCodec } from "./attribute.ts";

/** RFC 8656 §12: "0x4000 through 0x4FFF: These values are the allowed channel numbers (4096 possible values)." */
export const MIN_CHANNEL_NUMBER = 0x4000;
export const MAX_CHANNEL_NUMBER = 0x4fff;

export function isValidChannelNumber(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_CHANNEL_NUMBER && n <= MAX_CHANNEL_NUMBER;
}

/**
 * CHANNEL-NUMBER, RFC 8656 §18.1: "The CHANNEL-NUMBER attribute contains the number of the channel.
 * The value portion of this attribute is 4 bytes long and consists of a 16-bit unsigned integer
 * followed by a two-octet RFFU (Reserved For Future Use) field".
 * Range checks belong to ChannelBind (§12.2: out of range is a 400), not to the codec.
 */
export const ChannelNumber: AttributeCodec<number> = {
  type: AttributeType.CHANNEL_NUMBER,
  name: "CHANNEL-NUMBER",
  encode(value) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new AttributeValueError(`not a 16-bit number: ${String(value)}`);
    return Uint8Array.of(value >> 8, value & 0xff, 0, 0);
  },
  decode(value) {
    expectLength(value, 4);
    return ((value[0] ?? 0) << 8) | (value[1] ?? 0);
  },
};
