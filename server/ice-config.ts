/**
 * Builds the ICE configuration for one browser page: the STUN and TURN URLs of this server (or of
 * the external TURN servers the operator configured) and TURN credentials that expire after
 * TURN_CREDENTIAL_TTL seconds. The shared secret stays here; only the derived password leaves.
 */
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import type { Config } from "./config.ts";
import type { IceConfig, IceServer } from "../src/shared/ice-config.ts";

export interface TurnCredentials {
  username: string;
  credential: string;
}

export type MintCredentials = (input: { secret: string; userId: string; ttlSeconds: number; now: number }) => TurnCredentials;

export interface IceConfigDeps {
  mint: MintCredentials;
  /** Milliseconds since the epoch. */
  clock: () => number;
  /** The UDP ports the built-in STUN/TURN server really listens on (known after listen). */
  turnPorts: () => readonly number[];
  /** Its TURN-over-TCP port, when TCP is on (known after listen). */
  turnTcpPort?: () => number | undefined;
}

/** The host name to put in stun:/turn: URLs for a browser that reached us with `requestHost`. */
export function iceHostFor(config: Config, requestHost: string | undefined): string {
  if (config.turn.externalAddress) return config.turn.externalAddress;
  const bindAll = config.host === "0.0.0.0" || config.host === "::";
  if (!bindAll) return config.host === "localhost" ? "127.0.0.1" : config.host;
  // Bound to every interface: use the name the browser used to reach the web server.
  const hostname = (requestHost ?? "").replace(/:\d+$/u, "").replace(/^\[(.*)\]$/u, "$1");
  if (hostname === "" || hostname === "localhost") return "127.0.0.1";
  return hostname;
}

function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

export function buildIceConfig(config: Config, deps: IceConfigDeps, requestHost: string | undefined): IceConfig {
  const sessionId = randomBytes(12).toString("base64url");
  const now = deps.clock();
  const { username, credential } = deps.mint({
    secret: config.turn.secret,
    userId: sessionId,
    ttlSeconds: config.turn.credentialTtlSeconds,
    now,
  });
  const expiresAt = Math.floor(now / 1000) + config.turn.credentialTtlSeconds;

  if (config.turn.mode === "external") {
    const stun = config.turn.externalUrls.filter((u) => u.startsWith("stun"));
    const turn = config.turn.externalUrls.filter((u) => u.startsWith("turn"));
    const iceServers: IceServer[] = [];
    if (stun.length > 0) iceServers.push({ urls: stun });
    if (turn.length > 0) iceServers.push({ urls: turn, username, credential });
    return { iceServers, mappingServers: [], sessionId, expiresAt, turn: { mode: "external", realm: config.turn.realm } };
  }

  const host = urlHost(iceHostFor(config, requestHost));
  const [main, alt] = deps.turnPorts();
  if (main === undefined) {
    return { iceServers: [], mappingServers: [], sessionId, expiresAt, turn: { mode: "none", realm: config.turn.realm } };
  }
  // TCP beside UDP: the browser gathers a relay candidate over each and ICE prefers UDP; the TCP
  // one is what still works on a network that blocks outgoing UDP (RFC 8656 §3.1).
  const tcpPort = deps.turnTcpPort?.();
  const turnUrls = [`turn:${host}:${main}?transport=udp`, ...(tcpPort === undefined ? [] : [`turn:${host}:${tcpPort}?transport=tcp`])];
  return {
    iceServers: [
      { urls: [`stun:${host}:${main}`] },
      { urls: turnUrls, username, credential },
    ],
    mappingServers: alt === undefined ? [] : [{ urls: [`stun:${host}:${main}`] }, { urls: [`stun:${host}:${alt}`] }],
    sessionId,
    expiresAt,
    turn: { mode: "builtin", realm: config.turn.realm },
  };
}
