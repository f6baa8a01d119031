/**
 * The ICE server configuration the server hands to each browser page (GET /api/ice-config).
 * Declared once here and validated on both ends: the server builds it, the browser parses it.
 */
import { z } from "./zod.ts";

export const iceServerSchema = z.object({
  urls: z.array(z.string().min(1)).min(1),
  username: z.string().optional(),
  credential: z.string().optional(),
});

export const iceConfigSchema = z.object({
  /** Pass to new RTCPeerConnection({ iceServers }). TURN entries carry short-lived credentials. */
  iceServers: z.array(iceServerSchema),
  /** Two STUN servers on different ports of this server, for the NAT mapping check. */
  mappingServers: z.array(iceServerSchema),
  /** Identifies this page's TURN session (the user part of the TURN username). */
  sessionId: z.string(),
  /** Unix time (seconds) when the TURN credentials stop being accepted. */
  expiresAt: z.number().int(),
  turn: z.object({ mode: z.enum(["builtin", "external", "none"]), realm: z.string() }),
});

export type IceServer = z.infer<typeof iceServerSchema>;
/** The validated config's optional fields, without explicit undefined (exactOptionalPropertyTypes). */
export function toRtcIceServer(s: IceServer): RTCIceServer {
  const server: RTCIceServer = { urls: s.urls };
  if (s.username !== undefined) server.username = s.username;
  if (s.credential !== undefined) server.credential = s.credential;
  return server;
}
export type IceConfig = z.infer<typeof iceConfigSchema>;
