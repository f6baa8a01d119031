import { describe, expect, it } from "vitest";
import { fromHex } from "../../../src/shared/stun/ip-bytes.ts";
import { StunMessageBuilder } from "../../../server/stun/builder.ts";
import { StunClass, StunMethod } from "../../../server/stun/constants.ts";
import { Software } from "../../../server/stun/attributes/software.ts";
import { StreamFramer, StreamFramingError } from "../../../server/turn/stream-framing.ts";

const stun = new StunMessageBuilder(StunMethod.binding, StunClass.request, fromHex("0102030405060708090a0b0c")).add(Software, "framing").build();
// RFC 8656 §12.5: over TCP, ChannelData is padded to a multiple of 4; 3 bytes of data + 1 of padding.
const channelData = fromHex("40010003" + "616263" + "00");
const stream = Uint8Array.from([...stun, ...channelData, ...stun]);

describe("StreamFramer (RFC 8656 §3.1, §12.5)", () => {
  it("cuts back-to-back STUN and padded ChannelData messages, however the stream is split", () => {
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b += 7) {
        const framer = new StreamFramer(2048);
        const frames = [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)].flatMap((chunk) => framer.push(chunk));
        expect(frames.map((f) => f.kind)).toEqual(["stun", "channel-data", "stun"]);
        expect(frames.map((f) => f.bytes.length)).toEqual([stun.length, 8, stun.length]);
        expect(framer.buffered).toBe(0);
      }
    }
  });

  it("one byte at a time holds at most one unfinished message", () => {
    const framer = new StreamFramer(2048);
    let most = 0;
    const frames = [];
    for (const byte of stream) {
      frames.push(...framer.push(Uint8Array.of(byte)));
      most = Math.max(most, framer.buffered);
    }
    expect(frames).toHaveLength(3);
    expect(most).toBe(stun.length - 1);
  });

  it.each([
    ["a first byte that is neither STUN nor ChannelData", fromHex("80000000"), /neither STUN/],
    ["a STUN length that is not a multiple of 4", fromHex("000100022112a442"), /not a multiple of 4/],
    ["a STUN message without the magic cookie", fromHex("0001000012345678"), /magic cookie/],
    ["a STUN message over the limit", fromHex("000107ec2112a442"), /2048 bytes exceeds the 1024-byte limit/],
    ["ChannelData over the limit", fromHex("400003fd"), /1028 bytes exceeds the 1024-byte limit/],
  ])("refuses %s, saying where, and stays failed", (_what, bytes, message) => {
    const framer = new StreamFramer(1024);
    framer.push(stun);
    const error = (() => {
      try {
        framer.push(bytes);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(StreamFramingError);
    expect((error as StreamFramingError).message).toMatch(message);
    expect((error as StreamFramingError).offset).toBe(stun.length);
    expect(() => framer.push(stun)).toThrow(StreamFramingError);
  });
});
