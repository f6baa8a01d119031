// A small, honest TURN client for tests: real UDP socket, real codec, long-term credentials.
import { randomBytes } from "node:crypto";
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { once } from "node:events";
import { toHex } from "../../../../src/shared/stun/ip-bytes.ts";
import { StunMessageBuilder } from "../../../../server/stun/builder.ts";
import { StunClass, StunMethod } from "../../../../server/stun/constants.ts";
import { getAttribute, type AttributeCodec } from "../../../../server/stun/attributes/attribute.ts";
import { ErrorCodeAttribute } from "../../../../server/stun/attributes/error-code.ts";
import { longTermKey, verifyMessageIntegrity } from "../../../../server/stun/attributes/message-integrity.ts";
import { Nonce } from "../../../../server/stun/attributes/nonce.ts";
import { Realm } from "../../../../server/stun/attributes/realm.ts";
import { Username } from "../../../../server/stun/attributes/username.ts";
import { decodeStunMessage, type StunMessage } from "../../../../server/stun/message.ts";

export interface Server {
  readonly address: string;
  readonly port: number;
}

type Add = (b: StunMessageBuilder) => void;

/**
 * Long-term credentials (RFC 8489 §9.2) as Chromium uses them, shared by the UDP client below and
 * the TCP one (tcp-turn-client.ts): they differ only in how a request travels (transact).
 */
export abstract class TurnClientBase {
  realm = "";
  nonce = "";
  username = "";
  key: Uint8Array | undefined;

  /** Send a request and wait for the response with its transaction ID. */
  abstract transact(bytes: Uint8Array): Promise<StunMessage>;

  build(method: number, add: Add = () => undefined, options: { sign?: boolean; transactionId?: Uint8Array; fingerprint?: boolean } = {}): Uint8Array {
    const b = new StunMessageBuilder(method, StunClass.request, options.transactionId ?? randomBytes(12));
    add(b);
    if (options.sign !== false && this.key) b.add(Username, this.username).add(Realm, this.realm).add(Nonce, this.nonce);
    return b.build({ integrityKey: options.sign === false ? undefined : this.key, fingerprint: options.fingerprint });
  }

  /** Send an authenticated request, handling the 401 challenge and 438 stale nonce like Chromium does. */
  async request(method: number, add: Add = () => undefined): Promise<StunMessage> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await this.transact(this.build(method, add));
      const code = errorCodeOf(response);
      if ((code === 401 && !this.key) || code === 438) {
        this.realm = getAttribute(response, Realm) ?? "";
        this.nonce = getAttribute(response, Nonce) ?? "";
        if (!this.key) throw new Error("401 but no credentials set");
        continue;
      }
      return response;
    }
    throw new Error("authentication loop");
  }

  /** Use these credentials; the first request still gets the 401 that teaches us realm + nonce. */
  async login(username: string, password: string, method: number = StunMethod.allocate, add: Add = () => undefined): Promise<StunMessage> {
    const challenge = await this.transact(this.build(method, add, { sign: false }));
    if (errorCodeOf(challenge) !== 401) throw new Error(`expected 401, got ${String(errorCodeOf(challenge))}`);
    this.realm = getAttribute(challenge, Realm) ?? "";
    this.nonce = getAttribute(challenge, Nonce) ?? "";
    this.username = username;
    this.key = longTermKey(username, this.realm, password);
    return this.request(method, add);
  }

  verified(m: StunMessage): boolean {
    return this.key !== undefined && verifyMessageIntegrity(m, this.key);
  }
}

export class TurnTestClient extends TurnClientBase {
  readonly socket: Socket;
  readonly server: Server;
  readonly #waiters = new Map<string, (m: StunMessage) => void>();
  /** Non-response packets (Data indications, ChannelData). */
  readonly inbox: { data: Buffer; from: RemoteInfo }[] = [];
  readonly #inboxWaiters: (() => void)[] = [];

  private constructor(socket: Socket, server: Server) {
    super();
    this.socket = socket;
    this.server = server;
    socket.on("message", (data, from) => {
      const d = decodeStunMessage(data);
      if (d.ok && (d.message.cls === StunClass.successResponse || d.message.cls === StunClass.errorResponse)) {
        const w = this.#waiters.get(toHex(d.message.transactionId));
        if (w) {
          this.#waiters.delete(toHex(d.message.transactionId));
          w(d.message);
          return;
        }
      }
      this.inbox.push({ data, from });
      for (const w of this.#inboxWaiters.splice(0)) w();
    });
  }

  static async open(server: Server, type: "udp4" | "udp6" = "udp4"): Promise<TurnTestClient> {
    const socket = createSocket(type);
    socket.bind(0, type === "udp4" ? "127.0.0.1" : "::1");
    await once(socket, "listening");
    return new TurnTestClient(socket, server);
  }

  get localPort(): number {
    return this.socket.address().port;
  }

  close(): void {
    this.socket.close();
  }

  /**
   * Send raw bytes and wait for the response with this transaction ID (or time out), retransmitting
   * like RFC 8489 §6.2.1 (RTO 250 ms, doubling): UDP may drop a datagram on a busy machine.
   */
  override async transact(bytes: Uint8Array, timeoutMs = 4000): Promise<StunMessage> {
    const d = decodeStunMessage(bytes);
    if (!d.ok) throw d.error;
    const id = toHex(d.message.transactionId);
    const answer = new Promise<StunMessage>((resolve, reject) => {
      const t = setTimeout(() => {
        this.#waiters.delete(id);
        reject(new Error(`no response to ${id} within ${String(timeoutMs)} ms`));
      }, timeoutMs);
      this.#waiters.set(id, (m) => {
        clearTimeout(t);
        resolve(m);
      });
    });
    let rto = 250;
    let retransmit: ReturnType<typeof setTimeout> | undefined;
    const sendAgain = (): void => {
      this.socket.send(bytes, this.server.port, this.server.address);
      retransmit = setTimeout(sendAgain, (rto *= 2));
    };
    sendAgain();
    try {
      return await answer;
    } finally {
      clearTimeout(retransmit);
    }
  }

  /** Wait until the inbox holds a packet matching `pick`. */
  async receive(pick: (p: { data: Buffer; from: RemoteInfo }) => boolean = () => true, timeoutMs = 2000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(pick);
      if (i >= 0) return (this.inbox.splice(i, 1)[0] as { data: Buffer }).data;
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

export function errorCodeOf(m: StunMessage): number | undefined {
  return m.cls === StunClass.errorResponse ? getAttribute(m, ErrorCodeAttribute)?.code : undefined;
}

export function attr<T>(m: StunMessage, codec: AttributeCodec<T>): T {
  const v = getAttribute(m, codec);
  if (v === undefined) throw new Error(`${codec.name} missing`);
  return v;
}
