// RFC 8656 §2: "5-tuple: The combination (client IP address and port, server IP address and port,
// and transport protocol (currently one of UDP, TCP, DTLS/UDP, or TLS/TCP)) used to communicate
// between the client and the server. The 5-tuple uniquely identifies this communication stream.
// The 5-tuple also uniquely identifies the Allocation on the server."
// Over TCP the 5-tuple is the connection itself (§3.1), so its allocation lives only as long as it.
import type { TransportAddress } from "../stun/attributes/address.ts";
import type { ClientTransport } from "./client-link.ts";

export interface FiveTuple {
  readonly client: TransportAddress;
  readonly server: TransportAddress;
  readonly protocol: ClientTransport;
}

/** A string key for maps. UDP keys carry no protocol (they are computed per packet); TCP keys start with "tcp|". */
export function fiveTupleKey(t: FiveTuple): string {
  const key = fiveTupleKeyOf(t.client.address, t.client.port, t.server);
  return t.protocol === "udp" ? key : `${t.protocol}|${key}`;
}

/** The UDP key, on the per-packet path: no object built. */
export function fiveTupleKeyOf(clientAddress: string, clientPort: number, server: TransportAddress): string {
  return `${clientAddress}|${String(clientPort)}|${server.address}|${String(server.port)}`;
}
