// Building Data indications (RFC 8656 §11.3) on the hot path without the general builder:
// "the server ... MUST send a Data indication ... The Data indication MUST contain both an
// XOR-PEER-ADDRESS and a DATA attribute." The datagram is sent as three buffers (header with
// XOR-PEER-ADDRESS, the peer's bytes untouched, padding) so the payload is never copied.
import { randomBytes } from "node:crypto";
import { AttributeType, StunClass, StunMethod } from "../stun/constants.ts";
import { XorPeerAddress } from "../stun/attributes/xor-peer-address.ts";
import { writeHeader } from "../stun/message.ts";
import type { TransportAddress } from "../stun/attributes/address.ts";

const PADDING = [new Uint8Array(0), new Uint8Array(3), new Uint8Array(2), new Uint8Array(1)];

export class DataIndicationWriter {
  /** RFC 8489 §5: transaction IDs must be unpredictable; 8 random bytes per writer + a counter. */
  readonly #prefix = randomBytes(8);
  #counter = 0;
  /** XOR-PEER-ADDRESS of an IPv4 peer does not depend on the transaction ID: encode it once. */
  readonly #ipv4Values = new Map<string, Uint8Array>();

  #peerValue(peer: TransportAddress, transactionId: Uint8Array): Uint8Array {
    if (peer.address.includes(":")) return XorPeerAddress.encode(peer, { transactionId });
    const key = `${peer.address}|${String(peer.port)}`;
    let value = this.#ipv4Values.get(key);
    if (!value) {
      if (this.#ipv4Values.size >= 4096) this.#ipv4Values.clear();
      value = XorPeerAddress.encode(peer, { transactionId });
      this.#ipv4Values.set(key, value);
    }
    return value;
  }

  build(peer: TransportAddress, data: Uint8Array): Uint8Array[] {
    const transactionId = new Uint8Array(12);
    transactionId.set(this.#prefix, 0);
    const n = (this.#counter = (this.#counter + 1) >>> 0);
    transactionId[8] = n >>> 24;
    transactionId[9] = (n >>> 16) & 0xff;
    transactionId[10] = (n >>> 8) & 0xff;
    transactionId[11] = n & 0xff;
    const peerValue = this.#peerValue(peer, transactionId);
    const padding = PADDING[data.length & 3] ?? PADDING[0];
    const headLength = 20 + 4 + peerValue.length + 4;
    const bodyLength = headLength - 20 + data.length + (padding?.length ?? 0);
    const head = new Uint8Array(headLength);
    writeHeader(head, StunMethod.data, StunClass.indication, bodyLength, transactionId);
    const view = new DataView(head.buffer);
    view.setUint16(20, AttributeType.XOR_PEER_ADDRESS);
    view.setUint16(22, peerValue.length);
    head.set(peerValue, 24);
    view.setUint16(24 + peerValue.length, AttributeType.DATA);
    view.setUint16(26 + peerValue.length, data.length);
    return padding && padding.length > 0 ? [head, data, padding] : [head, data];
  }
}
