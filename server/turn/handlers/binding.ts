// RFC 8489 §6.3.1 / §14.2: a Binding request is answered with the source transport address the
// server saw, in XOR-MAPPED-ADDRESS. That address is the client's server-reflexive candidate.
import { XorMappedAddress } from "../../stun/attributes/xor-mapped-address.ts";
import type { StunMessage } from "../../stun/message.ts";
import type { TransportAddress } from "../../stun/attributes/address.ts";
import { successResponse } from "../responses.ts";

export function handleBinding(request: StunMessage, source: TransportAddress, software: string | undefined): Uint8Array {
  return successResponse(request, { software }, (b) => b.add(XorMappedAddress, source));
}
