import { AttributeType, ERROR_REASONS } from "../constants.ts";
import { AttributeValueError } from "../errors.ts";
import type { AttributeCodec } from "./attribute.ts";

export interface ErrorCodeValue {
  readonly code: number;
  readonly reason: string;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * ERROR-CODE, RFC 8489 §14.8: "The Class represents the hundreds digit of the error code. The value
 * MUST be between 3 and 6. The Number represents the binary encoding of the error code modulo 100,
 * and its value MUST be between 0 and 99." The reason phrase is UTF-8, "fewer than 128 characters".
 */
export const ErrorCodeAttribute: AttributeCodec<ErrorCodeValue> = {
  type: AttributeType.ERROR_CODE,
  name: "ERROR-CODE",
  encode({ code, reason }) {
    if (!Number.isInteger(code) || code < 300 || code > 699) throw new AttributeValueError(`error code must be 300..699, got ${String(code)}`);
    const text = utf8.encode(reason);
    if (text.length > 763) throw new AttributeValueError("reason phrase too long");
    const out = new Uint8Array(4 + text.length);
    out[2] = Math.floor(code / 100);
    out[3] = code % 100;
    out.set(text, 4);
    return out;
  },
  decode(value) {
    if (value.length < 4) throw new AttributeValueError(`at least 4 bytes, got ${String(value.length)}`);
    const cls = (value[2] ?? 0) & 0x07;
    const number = value[3] ?? 0;
    if (cls < 3 || cls > 6 || number > 99) throw new AttributeValueError(`class ${String(cls)} / number ${String(number)} is not an error code`);
    let reason: string;
    try {
      reason = strictUtf8.decode(value.subarray(4));
    } catch {
      throw new AttributeValueError("reason phrase is not valid UTF-8");
    }
    return { code: cls * 100 + number, reason };
  },
};

/** An ERROR-CODE value with the RFC's recommended reason phrase. */
export function errorCode(code: number, reason?: string): ErrorCodeValue {
  return { code, reason: reason ?? ERROR_REASONS[code] ?? "Error" };
}
