// A small TURN-over-TCP client for tests: one real TCP connection, the project's STUN codec, and
// its own stream framing written from RFC 8656 §3.1/§12.5 (not the server's StreamFramer, so a
// framing bug cannot hide on both sides). Received ChannelData frames keep their padding, so a
// test can check it.
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { StunClass } from "../../../../server/stun/constants.ts";
import { decodeStunMessage, type StunMessage } from "../../../../server/stun/message.ts";
import { TurnClientBase, type Server } from "./turn-client.ts";

/** Bytes on the wire of the message at the start of `buffer`, or undefined until its header is in. */
function wireLength(buffer: Buffer): number | undefined {
  if (buffer.length < 4) return undefined;
  const length = buffer.readUInt16BE(2);
  // 0b01: ChannelData, 4-byte header, data padded to 4 over TCP. Otherwise STUN: 20 + length.
  return (buffer[0] ?? 0) >> 6 === 1 ? 4 + ((length + 3) & ~3) : 20 + length;
}

export class TcpTurnClient extends TurnClientBase {
  readonly socket: Socket;
  /** Frames that are not responses (Data indications, ChannelData), as received, padding included. */
  readonly inbox: Buffer[] = [];
  /** Resolves when the connection has closed (by either side). */
  readonly closed: Promise<void>;
  #buffer = Buffer.alloc(0);
  readonly #waiters = new Map<string, (m: StunMessage) => void>();
  #inboxWaiters: (() => void)[] = [];

  private constructor(socket: Socket) {
    super();
    this.socket = socket;
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("error", () => undefined); // a reset by the server shows up as 'close'
    socket.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      for (;;) {
        const length = wireLength(this.#buffer);
        if (length === undefined || this.#buffer.length < length) break;
        const frame = this.#buffer.subarray(0, length);
        this.#buffer = this.#buffer.subarray(length);
        this.#deliver(frame);
      }
    });
    // Wake receive() waiters on close so they fail at once instead of waiting out their timeout.
    void this.closed.then(() => {
      for (const w of this.#inboxWaiters.splice(0)) w();
    });
  }

  static async open(server: Server): Promise<TcpTurnClient> {
    const socket = connect({ host: server.address, port: server.port, noDelay: true });
    await once(socket, "connect");
    return new TcpTurnClient(socket);
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  get isClosed(): boolean {
    return this.socket.destroyed || this.socket.closed;
  }

  close(): void {
    this.socket.destroy();
  }

  #deliver(frame: Buffer): void {
    const d = decodeStunMessage(frame);
    if (d.ok && (d.message.cls === StunClass.successResponse || d.message.cls === StunClass.errorResponse)) {
      const id = toHex(d.message.transactionId);
      const w = this.#waiters.get(id);
      if (w) {
        this.#waiters.delete(id);
        w(d.message);
        return;
      }
    }
    this.inbox.push(Buffer.from(frame));
    for (const w of this.#inboxWaiters.splice(0)) w();
  }

  /** Write bytes as they are (whole, split or packed messages). */
  async write(bytes: Uint8Array): Promise<void> {
    await new Promise<void>((resolve, reject) => this.socket.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  /** Wait for the response to a request already written (by transaction ID). */
  response(request: Uint8Array, timeoutMs = 4000): Promise<StunMessage> {
    const d = decodeStunMessage(request);
    if (!d.ok) throw d.error;
    const id = toHex(d.message.transactionId);
    return new Promise<StunMessage>((resolve, reject) => {
      const t = setTimeout(() => {
        this.#waiters.delete(id);
        reject(new Error(`no response to ${id} within ${String(timeoutMs)} ms`));
      }, timeoutMs);
      this.#waiters.set(id, (m) => {
        clearTimeout(t);
        resolve(m);
      });
    });
  }

  /** Send a request and wait for its response. TCP is reliable: no retransmissions (RFC 8489 §6.2.2). */
  override async transact(bytes: Uint8Array): Promise<StunMessage> {
    const answer = this.response(bytes);
    await this.write(bytes);
    return answer;
  }

  /** Wait until the inbox holds a frame matching `pick`; fails at once if the connection closes. */
  async receive(pick: (frame: Buffer) => boolean = () => true, timeoutMs = 2000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(pick);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as Buffer;
      if (this.isClosed) throw new Error("connection closed");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("nothing received in time");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#inboxWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}
