// How an answer or relayed data reaches a client: over UDP it is one datagram to the client's
// address from the listening socket it wrote to; over TCP (RFC 8656 §3.1) it is bytes appended to
// that client's one connection, which is itself the 5-tuple. Handlers and the data path write to
// a ClientLink and never need to know which.
import type { Socket } from "node:dgram";
import type { ClientTransport } from "../../src/shared/stun/transaction-record.ts";
import type { TransportAddress } from "../stun/attributes/address.ts";

export type { ClientTransport };

export interface ClientLink {
  readonly transport: ClientTransport;
  /**
   * Send one whole message (STUN or ChannelData, possibly in pieces so a payload is not copied)
   * to `to`. A TCP link ignores `to`: its connection leads to exactly one client.
   */
  send(message: Uint8Array | readonly Uint8Array[], to: TransportAddress): void;
  /** For TCP, the 5-tuple key of the connection (fixed for its life); UDP computes it per packet. */
  readonly tupleKey?: string | undefined;
  /** True once a TCP connection has closed (an Allocate finishing after that must not commit). */
  readonly closed: boolean;
}

/** One link per listening UDP socket, shared by every client that writes to it. */
export function udpLink(socket: Socket): ClientLink {
  return {
    transport: "udp",
    send(message, to) {
      socket.send(message, to.port, to.address);
    },
    closed: false,
  };
}
