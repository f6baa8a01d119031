/**
 * Configuration of the one Node process, read from environment variables and validated at
 * start-up. A bad value stops the process with one line naming the variable, the value and what
 * was expected (see formatConfigError); nothing else starts.
 */
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { z } from "zod";
import { FORWARDING_HEADERS, NO_TRUSTED_PROXIES, parseTrustedProxies, type TrustedProxies } from "./client-limits/client-address.ts";
import type { ClientLimitSettings } from "./client-limits/limits.ts";

const port = (name: string) =>
  z
    .string()
    .regex(/^\d{1,5}$/u, `${name} must be an integer from 0 to 65535`)
    .transform(Number)
    .refine((value) => value <= 65535, `${name} must be an integer from 0 to 65535`);

const host = z
  .string()
  .min(1)
  .refine((value) => isIP(value) !== 0 || /^[a-z0-9.-]+$/iu.test(value), "HOST must be an IP address or a host name");

const booleanFlag = (name: string) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", "on", "off", "auto"], {
      error: `${name} must be true, false or auto`,
    })
    .transform((value): boolean | "auto" => (value === "auto" ? "auto" : ["true", "1", "yes", "on"].includes(value)));

/** A yes/no setting (no "auto"). */
const onOff = (name: string) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { error: `${name} must be true or false` })
    .transform((value) => ["true", "1", "yes", "on"].includes(value));

const origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value;
  } catch {
    return false;
  }
}, "each origin must look like https://example.org (scheme, host and optional port, no path)");

const turnUrl = z
  .string()
  .regex(/^(stun|stuns|turn|turns):[^\s?]+(\?transport=(udp|tcp))?$/u, "must be a stun:, stuns:, turn: or turns: URL");

const redisUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === "redis:" || url.protocol === "rediss:") && url.hostname !== "";
  } catch {
    return false;
  }
}, "REDIS_URL must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379 or rediss://user:password@redis.example.org:6380/0");

/** A per-address limit: a whole number from 1 to `max`. */
const limit = (name: string, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/u, `${name} must be a whole number from 1 to ${String(max)}`)
    .transform(Number)
    .refine((value) => value >= 1 && value <= max, `${name} must be a whole number from 1 to ${String(max)}`);

const trustProxy = z.string().transform((value, context): TrustedProxies => {
  try {
    return parseTrustedProxies(value);
  } catch (error) {
    context.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
    return z.NEVER;
  }
});

/** Raw environment → validated configuration. Keys are the environment variable names. */
const envSchema = z.object({
  HOST: host.default("127.0.0.1"),
  PORT: port("PORT").default(4321),
  TURN_PORT: port("TURN_PORT").default(3478),
  TURN_ALT_PORT: port("TURN_ALT_PORT").optional(),
  TURN_TCP: onOff("TURN_TCP").default(true),
  TURN_SECRET: z.string().min(16, "TURN_SECRET must be at least 16 characters").optional(),
  TURN_REALM: z.string().regex(/^[\x21-\x7e]{1,127}$/u, "TURN_REALM must be printable ASCII without spaces").default("webrtc-nat.local"),
  TURN_RELAY_ADDRESS: z.string().refine((v) => isIP(v) !== 0, "TURN_RELAY_ADDRESS must be an IP address").optional(),
  TURN_EXTERNAL_ADDRESS: z.string().refine((v) => isIP(v) !== 0, "TURN_EXTERNAL_ADDRESS must be an IP address").optional(),
  TURN_RELAY_PORT_MIN: port("TURN_RELAY_PORT_MIN").default(49152),
  TURN_RELAY_PORT_MAX: port("TURN_RELAY_PORT_MAX").default(65535),
  TURN_ALLOW_PRIVATE_PEERS: booleanFlag("TURN_ALLOW_PRIVATE_PEERS").default("auto"),
  TURN_CREDENTIAL_TTL: z
    .string()
    .regex(/^\d+$/u, "TURN_CREDENTIAL_TTL must be a number of seconds")
    .transform(Number)
    .refine((v) => v >= 60 && v <= 86400, "TURN_CREDENTIAL_TTL must be between 60 and 86400 seconds")
    .default(3600),
  TURN_URLS: z
    .string()
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(turnUrl))
    .optional(),
  ALLOWED_ORIGINS: z
    .string()
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(origin))
    .optional(),
  PUBLIC_URL: origin.optional(),
  REDIS_URL: redisUrl.optional(),
  TRUST_PROXY: trustProxy.optional(),
  TRUST_PROXY_HEADER: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(FORWARDING_HEADERS, { error: "TRUST_PROXY_HEADER must be x-forwarded-for or forwarded" }))
    .optional(),
  LIMIT_ICE_CONFIG_PER_MINUTE: limit("LIMIT_ICE_CONFIG_PER_MINUTE", 1_000_000).default(60),
  LIMIT_SOCKETS_PER_ADDRESS: limit("LIMIT_SOCKETS_PER_ADDRESS", 1_000_000).default(100),
  LIMIT_NEW_SOCKETS_PER_MINUTE: limit("LIMIT_NEW_SOCKETS_PER_MINUTE", 1_000_000).default(120),
});

/**
 * A URL as it may be printed: any password in its user part replaced by ***. Parsed with the URL
 * parser, so a password holding '@' (valid in a WHATWG URL) is masked whole; a lone user part
 * (`redis://token@host`, a password without a name) is masked too. Text that does not parse as a
 * URL is masked from "//" to its last '@'.
 */
export function withoutPassword(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed) {
    if (parsed.password !== "") parsed.password = "***";
    else if (parsed.username !== "") parsed.username = "***";
    else return url;
    return parsed.toString();
  }
  return url.replace(/\/\/(.*)@/u, (_match, user: string) => `//${user.includes(":") ? `${user.slice(0, user.indexOf(":"))}:***` : "***"}@`);
}

/**
 * How a value is quoted in a config error: never a secret. TURN_SECRET is described by its length
 * only (a short secret copied from coturn's static-auth-secret must not end up in the logs).
 */
const shown = (key: string, value: string): string => {
  if (key === "TURN_SECRET") return ` (${String(value.length)} characters)`;
  return ` "${key === "REDIS_URL" ? withoutPassword(value) : value}"`;
};

export interface Config {
  host: string;
  port: number;
  /** Extra origins allowed to open a signaling connection, besides the site's own. */
  allowedOrigins: string[];
  publicUrl: string | undefined;
  /** Redis shared by several signaling processes (rooms + message delivery); unset = one process, rooms in memory. */
  redisUrl: string | undefined;
  /** Per-client-address limits, and whose X-Forwarded-For (or Forwarded) names the client (server/client-limits/). */
  limits: ClientLimitSettings;
  turn: {
    /** "builtin": this process runs STUN/TURN; "external": hand out TURN_URLS (e.g. coturn). */
    mode: "builtin" | "external";
    ports: [number, number];
    /** Also accept TURN over TCP on the first port (RFC 8656 §3.1) and hand out its ?transport=tcp URL. */
    tcp: boolean;
    secret: string;
    /** True when TURN_SECRET was not set and a random one was generated for this run. */
    secretGenerated: boolean;
    realm: string;
    relayAddress: string | undefined;
    externalAddress: string | undefined;
    relayPortRange: { min: number; max: number };
    allowPrivatePeers: boolean;
    credentialTtlSeconds: number;
    externalUrls: string[];
  };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

function isLoopback(address: string): boolean {
  return address === "localhost" || address === "::1" || /^127\./u.test(address);
}

/** Parses the environment. Throws ConfigError with a one-line message on the first bad value. */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? "configuration");
    const value = present[key];
    throw new ConfigError(`Invalid ${key}${value === undefined ? "" : shown(key, String(value))}: ${issue?.message ?? "invalid value"}`);
  }
  const e = parsed.data;
  if (e.TURN_RELAY_PORT_MIN > e.TURN_RELAY_PORT_MAX) {
    throw new ConfigError(`Invalid TURN_RELAY_PORT_MIN "${e.TURN_RELAY_PORT_MIN}": must not be above TURN_RELAY_PORT_MAX (${e.TURN_RELAY_PORT_MAX})`);
  }
  const altPort = e.TURN_ALT_PORT ?? (e.TURN_PORT === 0 ? 0 : e.TURN_PORT + 1);
  if (altPort > 65535) throw new ConfigError(`Invalid TURN_ALT_PORT "${altPort}": must be an integer from 0 to 65535`);
  if (altPort !== 0 && altPort === e.TURN_PORT) {
    throw new ConfigError(`Invalid TURN_ALT_PORT "${altPort}": must differ from TURN_PORT (the NAT mapping check needs two ports)`);
  }
  if (e.REDIS_URL !== undefined && e.TURN_SECRET === undefined) {
    // Processes behind one site check each other's TURN credentials (and the inspector's), so a
    // random secret per process would break every page that lands on two of them.
    throw new ConfigError("TURN_SECRET is required with REDIS_URL: every process sharing the rooms must use the same secret");
  }
  if (e.TRUST_PROXY_HEADER !== undefined && e.TRUST_PROXY === undefined) {
    throw new ConfigError("TRUST_PROXY_HEADER needs TRUST_PROXY: it says which header the proxies named there write, and no proxy is named");
  }
  // Relaying to loopback/private peers is refused unless the operator opts in. The local demo
  // needs it (both browsers are on this machine), so "auto" turns it on only when everything the
  // TURN server shows the world is loopback: the bind, the relayed sockets, no external address.
  // A process on loopback behind a port forward or a UDP proxy, with a public relay or external
  // address, would otherwise relay into its own network.
  const localOnly = isLoopback(e.HOST) && isLoopback(e.TURN_RELAY_ADDRESS ?? e.HOST) && e.TURN_EXTERNAL_ADDRESS === undefined;
  const allowPrivatePeers = e.TURN_ALLOW_PRIVATE_PEERS === "auto" ? localOnly : e.TURN_ALLOW_PRIVATE_PEERS;
  return {
    host: e.HOST,
    port: e.PORT,
    allowedOrigins: e.ALLOWED_ORIGINS ?? [],
    publicUrl: e.PUBLIC_URL,
    redisUrl: e.REDIS_URL,
    limits: {
      trustProxy: e.TRUST_PROXY ? { ...e.TRUST_PROXY, header: e.TRUST_PROXY_HEADER ?? e.TRUST_PROXY.header } : NO_TRUSTED_PROXIES,
      iceConfigPerMinute: e.LIMIT_ICE_CONFIG_PER_MINUTE,
      socketsPerAddress: e.LIMIT_SOCKETS_PER_ADDRESS,
      newSocketsPerMinute: e.LIMIT_NEW_SOCKETS_PER_MINUTE,
    },
    turn: {
      mode: e.TURN_URLS && e.TURN_URLS.length > 0 ? "external" : "builtin",
      ports: [e.TURN_PORT, altPort],
      tcp: e.TURN_TCP,
      secret: e.TURN_SECRET ?? randomBytes(32).toString("base64url"),
      secretGenerated: e.TURN_SECRET === undefined,
      realm: e.TURN_REALM,
      relayAddress: e.TURN_RELAY_ADDRESS,
      externalAddress: e.TURN_EXTERNAL_ADDRESS,
      relayPortRange: { min: e.TURN_RELAY_PORT_MIN, max: e.TURN_RELAY_PORT_MAX },
      allowPrivatePeers,
      credentialTtlSeconds: e.TURN_CREDENTIAL_TTL,
      externalUrls: e.TURN_URLS ?? [],
    },
  };
}

/** Origins that may open a signaling connection, given the port the server really listens on. */
export function siteOrigins(config: Config, listeningPort: number, interfaceAddresses: string[] = []): string[] {
  const hosts = new Set(["localhost", "127.0.0.1", "[::1]"]);
  const bindAll = config.host === "0.0.0.0" || config.host === "::";
  if (!bindAll && !isLoopback(config.host)) hosts.add(isIP(config.host) === 6 ? `[${config.host}]` : config.host);
  if (bindAll) for (const address of interfaceAddresses) hosts.add(isIP(address) === 6 ? `[${address}]` : address);
  const origins = [...hosts].map((h) => `http://${h}:${listeningPort}`);
  if (config.publicUrl) origins.push(config.publicUrl);
  return [...new Set([...origins, ...config.allowedOrigins])];
}
