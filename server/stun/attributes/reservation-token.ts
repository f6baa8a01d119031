import { AttributeType } from "../constants.ts";
import { expectLength, type AttributeCodec } from "./attribute.ts";

/**
 * RESERVATION-TOKEN, RFC 8656 §18.9: "The RESERVATION-TOKEN attribute contains a token that uniquely
 * identifies a relayed transport address being held in reserve by the server. ... The value portion
 * of this attribute is 8 bytes long".
 */
export const ReservationToken: AttributeCodec<Uint8Array> = {
  type: AttributeType.RESERVATION_TOKEN,
  name: "RESERVATION-TOKEN",
  encode(value) {
    expectLength(value, 8);
    return value;
  },
  decode(value) {
    expectLength(value, 8);
    return value;
  },
};
