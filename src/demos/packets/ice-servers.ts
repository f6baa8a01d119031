/**
 * What the packet demos need from this page's ICE configuration (GET /api/ice-config): the TURN
 * credentials that identify the page's session to the inspector, and the server list in the shape
 * RTCPeerConnection takes.
 */
import type { IceConfig } from "../../shared/ice-config.ts";
import { DemoFailure } from "./failures.ts";

/** The TURN entry of an ICE configuration, or the reason there is nothing to inspect. */
export function inspectableTurn(config: Pick<IceConfig, "iceServers" | "turn">): { username: string; credential: string } {
  if (config.turn.mode === "external") throw new DemoFailure("external-turn", "The ICE settings name an external TURN server.");
  const turn = config.iceServers.find((s) => s.urls.some((u) => u.startsWith("turn:")) && s.username !== undefined && s.credential !== undefined);
  if (config.turn.mode === "none" || !turn?.username || !turn.credential) throw new DemoFailure("no-server", "The ICE settings list no TURN server of this site.");
  return { username: turn.username, credential: turn.credential };
}

/** The ICE servers as RTCIceServer objects (no undefined members, for exactOptionalPropertyTypes). */
export function rtcIceServers(config: Pick<IceConfig, "iceServers">): RTCIceServer[] {
  return config.iceServers.map((s) => ({ urls: [...s.urls], ...(s.username === undefined ? {} : { username: s.username }), ...(s.credential === undefined ? {} : { credential: s.credential }) }));
}
