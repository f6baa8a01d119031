/**
 * Browser side: fetches this page's ICE servers from the site's own server. The STUN/TURN
 * addresses and short-lived TURN credentials are never written into the page itself.
 */
import { iceConfigSchema, type IceConfig } from "../shared/ice-config.ts";

export class IceConfigError extends Error {
  override name = "IceConfigError";
}

export async function fetchIceConfig(signal?: AbortSignal): Promise<IceConfig> {
  let response: Response;
  try {
    response = await fetch("/api/ice-config", { cache: "no-store", ...(signal ? { signal } : {}) });
  } catch (error) {
    throw new IceConfigError(`Could not reach the site's server for ICE settings (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw new IceConfigError(`The server refused to give ICE settings (HTTP ${response.status})`);
  const parsed = iceConfigSchema.safeParse(await response.json());
  if (!parsed.success) throw new IceConfigError("The server sent ICE settings this page does not understand");
  return parsed.data;
}
