// What the request handlers share: configuration, clock, policies and state. Built once by
// createTurnServer; handlers are plain functions of (context, request) so each reads like its RFC section.
import type { Socket } from "node:dgram";
import type { TransportAddress } from "../stun/attributes/address.ts";
import type { StunMessage } from "../stun/message.ts";
import type { AllocationAuth } from "./allocation.ts";
import type { AllocationStore } from "./allocation-store.ts";
import type { ClientLink } from "./client-link.ts";
import type { ResolvedTurnServerConfig } from "./config.ts";
import type { Inspector } from "./inspector.ts";
import type { LimitedLog } from "./log-limiter.ts";
import type { NonceService } from "./nonce.ts";
import type { PeerPolicy } from "./peer-policy.ts";

export interface TurnStats {
  packetsIn: number;
  malformed: number;
  /** UDP datagrams to a listening port longer than MAX_DATAGRAM_BYTES, dropped before decoding. */
  oversized: number;
  bindingRequests: number;
  turnRequests: number;
  errors: number;
  allocationsCreated: number;
  allocationsExpired: number;
  bytesToPeers: number;
  bytesFromPeers: number;
  droppedToPeers: number;
  droppedFromPeers: number;
  /** TCP connections accepted, refused (over tcpLimits.connections), closed for a bad frame or for idling. */
  tcpAccepted: number;
  tcpRefused: number;
  tcpFramingErrors: number;
  tcpIdleClosed: number;
  /** TCP connections closed for a message not finished within frameSeconds, or no allocation within allocateSeconds. */
  tcpFrameTimeouts: number;
  tcpAllocateTimeouts: number;
  /** Bytes received on TCP client connections. */
  tcpBytesIn: number;
  /** Messages not written to a TCP client whose unread bytes exceeded tcpLimits.writeBufferBytes. */
  tcpWritesDropped: number;
}

export interface TurnContext {
  readonly config: ResolvedTurnServerConfig;
  readonly relayAddress: string;
  readonly clock: () => number;
  readonly log: (line: string) => void;
  /** For lines a client can cause once per packet: at most a few per kind per 10 s, then a summary. */
  readonly logLimited: LimitedLog;
  readonly nonces: NonceService;
  readonly peers: PeerPolicy;
  readonly store: AllocationStore;
  readonly stats: TurnStats;
  readonly inspector: Inspector;
  /** Bind a relay socket and start relaying from peers through it. */
  openRelay(options?: { even?: boolean }): Promise<Socket>;
}

export interface IncomingRequest {
  readonly message: StunMessage;
  /** The client's transport address as the server sees it. */
  readonly source: TransportAddress;
  /** The server transport address the request was sent to. */
  readonly local: TransportAddress;
  /** Where answers go: the listening UDP socket the request came in on, or the client's TCP connection. */
  readonly link: ClientLink;
  readonly tupleKey: string;
}

export interface AuthenticatedRequest extends IncomingRequest {
  readonly auth: AllocationAuth;
}

export function newStats(): TurnStats {
  return {
    packetsIn: 0,
    malformed: 0,
    oversized: 0,
    bindingRequests: 0,
    turnRequests: 0,
    errors: 0,
    allocationsCreated: 0,
    allocationsExpired: 0,
    bytesToPeers: 0,
    bytesFromPeers: 0,
    droppedToPeers: 0,
    droppedFromPeers: 0,
    tcpAccepted: 0,
    tcpRefused: 0,
    tcpFramingErrors: 0,
    tcpIdleClosed: 0,
    tcpFrameTimeouts: 0,
    tcpAllocateTimeouts: 0,
    tcpBytesIn: 0,
    tcpWritesDropped: 0,
  };
}
