import { AttributeType } from "../constants.ts";
import { addressCodec } from "./address.ts";

/**
 * XOR-PEER-ADDRESS, RFC 8656 §18.3: "The XOR-PEER-ADDRESS specifies the address and port of the
 * peer as seen from the TURN server. ... It is encoded in the same way as XOR-MAPPED-ADDRESS".
 */
export const XorPeerAddress = addressCodec(AttributeType.XOR_PEER_ADDRESS, "XOR-PEER-ADDRESS", true);
