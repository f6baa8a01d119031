/**
 * The host names this server answers to, against DNS rebinding: a page on an attacker's domain
 * can make that name resolve to this machine (127.0.0.1, or a LAN address) and then talk to this
 * server as if it were its own origin, the Origin check included, and read /api/ice-config, whose
 * TURN credentials on a local demo relay to loopback and private peers. The browser sends the
 * name it looked up in the Host header, so the server answers only names it knows: any IP literal
 * (a rebinding needs a name), localhost, this machine's own name, names under .local (multicast
 * DNS answers only on the local link, out of a remote attacker's reach; a phone may open the demo
 * at laptop.local), HOST when it is a name, and the hosts of PUBLIC_URL and ALLOWED_ORIGINS.
 * Everything else gets 421 Misdirected Request (RFC 9110 §15.5.20).
 */
import { isIP } from "node:net";
import { hostname } from "node:os";
import type { Config } from "../config.ts";

export function allowedHostNames(config: Pick<Config, "host" | "publicUrl" | "allowedOrigins">): ReadonlySet<string> {
  const names = new Set(["localhost", hostname().toLowerCase()]);
  if (isIP(config.host) === 0) names.add(config.host.toLowerCase());
  for (const origin of [config.publicUrl, ...config.allowedOrigins]) {
    if (origin !== undefined) names.add(new URL(origin).hostname.toLowerCase());
  }
  return names;
}

/** The name in a Host header, without the port; undefined when it is an IP literal. */
function nameOf(host: string): string | undefined {
  if (host.startsWith("[")) return undefined; // [IPv6]:port
  const name = host.replace(/:\d*$/u, "").replace(/\.$/u, "").toLowerCase();
  return isIP(name) === 0 ? name : undefined;
}

/** True when a request with this Host header is for this server. No Host (HTTP/1.0) is let through. */
export function hostAllowed(host: string | undefined, names: ReadonlySet<string>): boolean {
  if (host === undefined || host === "") return true;
  const name = nameOf(host);
  return name === undefined || names.has(name) || name.endsWith(".localhost") || name.endsWith(".local");
}

export const MISDIRECTED_MESSAGE =
  "This server does not answer to that host name. If the name is yours, start the server with it in PUBLIC_URL or ALLOWED_ORIGINS.\n";
