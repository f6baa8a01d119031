import { AttributeType } from "../constants.ts";
import { addressCodec } from "./address.ts";

/**
 * XOR-RELAYED-ADDRESS, RFC 8656 §18.5: "The XOR-RELAYED-ADDRESS is present in Allocate responses.
 * It specifies the address and port that the server allocated to the client. It is encoded in the
 * same way as XOR-MAPPED-ADDRESS".
 */
export const XorRelayedAddress = addressCodec(AttributeType.XOR_RELAYED_ADDRESS, "XOR-RELAYED-ADDRESS", true);
