/**
 * The server's per-address limits as the browser sees them: what a refusal carries, declared
 * once for both ends. The server refuses
 * - GET /api/ice-config with 429 Too Many Requests (RFC 6585 §4), a Retry-After header and the
 *   JSON body below;
 * - a socket.io connection with a connect_error whose `data` is a LimitRefusal (socket.io does not
 *   retry a connection refused this way).
 * The message is written for the reader: the page shows it as it is.
 */
import { z } from "./zod.ts";

export const LIMIT_CODES = ["too-many-requests", "too-many-connections", "too-many-new-connections"] as const;
export type LimitCode = (typeof LIMIT_CODES)[number];

export const limitRefusalSchema = z.object({
  code: z.enum(LIMIT_CODES),
  message: z.string().max(500),
  /** Seconds until trying again can work (as in the Retry-After header). */
  retryAfterSeconds: z.number().int().min(0).max(86_400),
});
export type LimitRefusal = z.infer<typeof limitRefusalSchema>;

/** The body of a 429 from /api/ice-config: the API's usual error shape, plus the refusal's details. */
export const tooManyRequestsBodySchema = z.object({
  ok: z.literal(false),
  error: z.string().max(500),
  code: z.enum(LIMIT_CODES),
  retryAfterSeconds: z.number().int().min(0).max(86_400),
});
export type TooManyRequestsBody = z.infer<typeof tooManyRequestsBodySchema>;
