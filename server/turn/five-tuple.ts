// RFC 8656 §2: "5-tuple: The combination (client IP address and port, server IP address and port,
// and transport protocol (currently one of UDP, TCP, DTLS/UDP, or TLS/TCP)) used to communicate
// between the client and the server. The 5-tuple uniquely identifies this communication stream.
// The 5-tuple also uniquely identifies the Allocation on the server."
import type { TransportAddress } from "../stun/attributes/address.ts";

export interface FiveTuple {
  readonly client: TransportAddress;
  readonly server: TransportAddress;
  readonly protocol: "udp";
}

/** A string key for maps. Only UDP exists here, so the protocol is implied. */
export function fiveTupleKey(t: FiveTuple): string {
  return `${t.client.address}|${String(t.client.port)}|${t.server.address}|${String(t.server.port)}`;
}

export function fiveTupleKeyOf(clientAddress: string, clientPort: number, server: TransportAddress): string {
  return `${clientAddress}|${String(clientPort)}|${server.address}|${String(server.port)}`;
}
