/**
 * Browser side: fetches this page's ICE servers from the site's own server. The STUN/TURN
 * addresses and short-lived TURN credentials are never written into the page itself.
 */
import { tooManyRequestsBodySchema } from "../shared/client-limits.ts";
import { iceConfigSchema, type IceConfig } from "../shared/ice-config.ts";

export class IceConfigError extends Error {
  override name = "IceConfigError";
  /** The HTTP status the server answered with (undefined: no answer at all). */
  readonly status: number | undefined;
  /** From a 429: seconds until asking again can work. */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, status?: number, retryAfterSeconds?: number) {
    super(message);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The error for an answer that is not the ICE servers. A 429 (this address asked too often)
 * carries the server's own words for the reader and when to try again.
 */
export function refusalError(status: number, body: unknown): IceConfigError {
  const tooMany = status === 429 ? tooManyRequestsBodySchema.safeParse(body) : undefined;
  if (tooMany?.success) return new IceConfigError(tooMany.data.error, status, tooMany.data.retryAfterSeconds);
  if (status === 429) return new IceConfigError("This site's server had too many requests for ICE settings from your address. Wait a minute, then try again.", status);
  return new IceConfigError(`The server refused to give ICE settings (HTTP ${status})`, status);
}

export async function fetchIceConfig(signal?: AbortSignal): Promise<IceConfig> {
  let response: Response;
  try {
    response = await fetch("/api/ice-config", { cache: "no-store", ...(signal ? { signal } : {}) });
  } catch (error) {
    throw new IceConfigError(`Could not reach the site's server for ICE settings (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw refusalError(response.status, await response.json().catch(() => undefined));
  const parsed = iceConfigSchema.safeParse(await response.json());
  if (!parsed.success) throw new IceConfigError("The server sent ICE settings this page does not understand");
  return parsed.data;
}
