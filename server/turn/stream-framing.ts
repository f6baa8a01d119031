// Cutting a TCP byte stream back into TURN messages. RFC 8656 §3.1: over TCP "the client and
// server ... send STUN messages and ChannelData messages back to back", so the only framing is
// each message's own length field: a STUN message is its 20-byte header plus the Message Length
// (RFC 8489 §5, always a multiple of 4), and §12.5: "Over TCP and TLS-over-TCP, the ChannelData
// message MUST be padded to a multiple of four bytes in order to ensure the alignment of
// subsequent messages." The first two bits tell the two apart (§12: 0b00 STUN, 0b01 ChannelData).
// Pure and incremental: bytes arrive split across or packed into segments in any way, and at most
// one unfinished message (bounded by maxFrameBytes) is ever held.
import { MAGIC_COOKIE } from "../../src/shared/stun/xor.ts";

const STUN_HEADER_BYTES = 20;
const CHANNEL_DATA_HEADER_BYTES = 4;

export type StreamFrame = { readonly kind: "stun" | "channel-data"; readonly bytes: Uint8Array };

/** Why a stream cannot be framed any further; the connection must be closed. */
export class StreamFramingError extends Error {
  override name = "StreamFramingError";
  /** Stream offset of the message that could not be framed. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} (at stream byte ${String(offset)})`);
    this.offset = offset;
  }
}

/** Total bytes on the wire of the message starting at `head`, or undefined until the header is in. */
function frameLength(head: Uint8Array, at: number, maxFrameBytes: number): { kind: StreamFrame["kind"]; length: number } | undefined {
  const first = head[0] ?? 0;
  const top = first >> 6;
  if (top === 1) {
    if (head.length < CHANNEL_DATA_HEADER_BYTES) return undefined;
    const data = ((head[2] ?? 0) << 8) | (head[3] ?? 0);
    const length = CHANNEL_DATA_HEADER_BYTES + ((data + 3) & ~3);
    if (length > maxFrameBytes) throw new StreamFramingError(`ChannelData of ${String(length)} bytes exceeds the ${String(maxFrameBytes)}-byte limit`, at);
    return { kind: "channel-data", length };
  }
  if (top !== 0) throw new StreamFramingError(`first byte 0x${first.toString(16).padStart(2, "0")} starts neither STUN (0b00) nor ChannelData (0b01)`, at);
  if (head.length < 8) return undefined;
  const body = ((head[2] ?? 0) << 8) | (head[3] ?? 0);
  if (body % 4 !== 0) throw new StreamFramingError(`STUN message length ${String(body)} is not a multiple of 4`, at);
  const cookie = (((head[4] ?? 0) << 24) | ((head[5] ?? 0) << 16) | ((head[6] ?? 0) << 8) | (head[7] ?? 0)) >>> 0;
  if (cookie !== MAGIC_COOKIE) throw new StreamFramingError(`no STUN magic cookie (0x${cookie.toString(16).padStart(8, "0")})`, at);
  const length = STUN_HEADER_BYTES + body;
  if (length > maxFrameBytes) throw new StreamFramingError(`STUN message of ${String(length)} bytes exceeds the ${String(maxFrameBytes)}-byte limit`, at);
  return { kind: "stun", length };
}

export class StreamFramer {
  readonly #maxFrameBytes: number;
  /** Bytes of an unfinished message, carried over to the next chunk (never more than one message). */
  #pending: Uint8Array = new Uint8Array(0);
  /** Stream offset of #pending[0], for error messages. */
  #offset = 0;
  #failed = false;

  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Bytes held for a message that has not fully arrived. */
  get buffered(): number {
    return this.#pending.length;
  }

  /**
   * Feed the next chunk; returns the whole messages it completes, in order. Throws
   * StreamFramingError when the stream cannot be framed (then, and ever after, the stream is dead).
   * A ChannelData frame's bytes include its padding; its Length field still says how much is data.
   */
  push(chunk: Uint8Array): StreamFrame[] {
    if (this.#failed) throw new StreamFramingError("stream already failed", this.#offset);
    const bytes = this.#pending.length === 0 ? chunk : concat(this.#pending, chunk);
    const frames: StreamFrame[] = [];
    let at = 0;
    try {
      while (at < bytes.length) {
        const frame = frameLength(bytes.subarray(at), this.#offset + at, this.#maxFrameBytes);
        if (!frame || at + frame.length > bytes.length) break;
        frames.push({ kind: frame.kind, bytes: bytes.subarray(at, at + frame.length) });
        at += frame.length;
      }
    } catch (error) {
      this.#failed = true;
      this.#pending = new Uint8Array(0);
      throw error;
    }
    // Copy the tail so a large chunk is not kept alive by a few leftover bytes.
    this.#pending = at === bytes.length ? new Uint8Array(0) : Uint8Array.from(bytes.subarray(at));
    this.#offset += at;
    return frames;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
