// What the request handlers share: configuration, clock, policies and state. Built once by
// createTurnServer; handlers are plain functions of (context, request) so each reads like its RFC section.
import type { Socket } from "node:dgram";
import type { TransportAddress } from "../stun/attributes/address.ts";
import type { StunMessage } from "../stun/message.ts";
import type { AllocationAuth } from "./allocation.ts";
import type { AllocationStore } from "./allocation-store.ts";
import type { ResolvedTurnServerConfig } from "./config.ts";
import type { Inspector } from "./inspector.ts";
import type { NonceService } from "./nonce.ts";
import type { PeerPolicy } from "./peer-policy.ts";

export interface TurnStats {
  packetsIn: number;
  malformed: number;
  bindingRequests: number;
  turnRequests: number;
  errors: number;
  allocationsCreated: number;
  allocationsExpired: number;
  bytesToPeers: number;
  bytesFromPeers: number;
  droppedToPeers: number;
  droppedFromPeers: number;
}

export interface TurnContext {
  readonly config: ResolvedTurnServerConfig;
  readonly relayAddress: string;
  readonly clock: () => number;
  readonly log: (line: string) => void;
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
  /** The listening socket to answer on (so the answer leaves from the address the client targeted). */
  readonly control: Socket;
  readonly tupleKey: string;
}

export interface AuthenticatedRequest extends IncomingRequest {
  readonly auth: AllocationAuth;
}

export function newStats(): TurnStats {
  return {
    packetsIn: 0,
    malformed: 0,
    bindingRequests: 0,
    turnRequests: 0,
    errors: 0,
    allocationsCreated: 0,
    allocationsExpired: 0,
    bytesToPeers: 0,
    bytesFromPeers: 0,
    droppedToPeers: 0,
    droppedFromPeers: 0,
  };
}
