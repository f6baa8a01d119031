// Configuration of the built-in STUN/TURN server, validated with zod so the lead's environment
// parsing (server/config.ts) can reuse the schema and print clear errors at start-up.
import { z } from "zod";
import { parseIP } from "../../src/shared/stun/ip-bytes.ts";

const ipAddress = z.string().refine((s) => parseIP(s) !== undefined, { message: "must be an IPv4 or IPv6 address (no host names)" });
const port = z.number().int().min(0).max(65535);
const positiveSeconds = z.number().int().min(1).max(86_400);

export const TurnQuotasSchema = z.object({
  /**
   * Live allocations one user (the part after ":" in the username: one page's credentials) may
   * hold; more get 486. A connection takes one per TURN URL for each local address that can reach
   * it (4 for a laptop with two IPv4 interfaces and UDP + TCP URLs), and an ICE restart gathers a
   * new set while the old one is still held (Firefox kept 4 more per restart), so a reader who
   * restarts ICE a few times needs room. Closing a connection frees its allocations.
   */
  allocationsPerUser: z.number().int().min(1).default(24),
  /**
   * Live allocations from one client address (an IPv4 address, or an IPv6 /64), more get 486.
   * Credentials are free to any page, so the per-user quota alone does not stop one host from
   * taking every allocation. Generous, because a whole office behind one NAT is one address, and
   * not applied to loopback clients (this machine's own browsers: the local demo and its tests).
   */
  allocationsPerAddress: z.number().int().min(1).default(200),
  /** Leave loopback clients out of allocationsPerAddress (off only in tests, which are all loopback). */
  exemptLoopback: z.boolean().default(true),
  /** Live allocations in total; more get 508. */
  allocationsTotal: z.number().int().min(1).default(1000),
  /** Permissions one allocation may hold; more get 508. */
  permissionsPerAllocation: z.number().int().min(1).default(64),
  /** Channel bindings one allocation may hold; more get 508. */
  channelsPerAllocation: z.number().int().min(1).default(64),
});

export const TurnLifetimesSchema = z.object({
  /** RFC 8656 §7.2: default allocation lifetime, 600 s ("10 minutes"). */
  allocationDefault: positiveSeconds.default(600),
  /** Largest allocation lifetime a client may ask for (coturn: max-allocate-lifetime=3600). */
  allocationMax: positiveSeconds.default(3600),
  /** RFC 8656 §9: "The Permission Lifetime MUST be 300 seconds (= 5 minutes)." */
  permission: positiveSeconds.default(300),
  /** RFC 8656 §12: a channel binding lasts 10 minutes. */
  channel: positiveSeconds.default(600),
  /** How long a NONCE stays fresh before 438 Stale Nonce (coturn stale-nonce=600). */
  nonce: positiveSeconds.default(600),
});

export const TurnTcpLimitsSchema = z.object({
  /** Open TCP connections at once; more are closed as soon as they are accepted. */
  connections: z.number().int().min(1).max(100_000).default(512),
  /**
   * Open TCP connections from one IP address (an IPv6 /64) at once, so one host cannot take every slot above.
   * Generous, because an office behind one NAT (the kind of network that blocks UDP and needs
   * TURN over TCP) shows up as one address.
   */
  connectionsPerAddress: z.number().int().min(1).max(100_000).default(64),
  /**
   * Largest message (STUN, or ChannelData with its padding) a client may send over TCP; a longer
   * one closes the connection. It is also the most this server ever buffers from one connection.
   * A browser's messages stay under 1.5 KiB.
   */
  frameBytes: z.number().int().min(1024).max(65_560).default(16_384),
  /** Bytes waiting to be written to one slow client before relayed data to it is dropped (like a full UDP queue). */
  writeBufferBytes: z.number().int().min(16_384).max(16 << 20).default(256 * 1024),
  /** A connection that holds no allocation and completes no message for this long is closed. */
  idleSeconds: positiveSeconds.default(30),
  /**
   * A message must arrive whole within this long of its first byte, or the connection is closed:
   * otherwise a client announcing a long message and sending a byte now and then holds its slot
   * forever (slowloris).
   */
  frameSeconds: positiveSeconds.default(10),
  /** A connection that has no allocation this long after it was accepted is closed. */
  allocateSeconds: positiveSeconds.default(30),
});

export const TurnServerConfigSchema = z
  .object({
    /** Address the UDP sockets (and the TCP listener) bind to. Bind a concrete address: replies must leave from the address the client targeted. */
    listenHost: ipAddress.default("127.0.0.1"),
    /** UDP ports; two by default so the NAT-mapping check can compare the mapping seen from each. 0 = any free port. */
    ports: z.array(port).min(1).max(8).default([3478, 3479]),
    realm: z.string().min(1).max(127),
    /** Shared secret of the TURN REST credential scheme (coturn: static-auth-secret). Never sent to browsers. */
    secret: z.string().min(16, { message: "TURN secret must be at least 16 characters" }),
    /** Address relay sockets bind to; defaults to listenHost. */
    relayAddress: ipAddress.optional(),
    /** Relay port range (coturn min-port/max-port). 0 and 0 = any free port (tests). */
    relayPortMin: port.default(49152),
    relayPortMax: port.default(65535),
    /** Public address put in XOR-RELAYED-ADDRESS when this host sits behind a 1:1 NAT (coturn external-ip). */
    externalAddress: ipAddress.optional(),
    /**
     * Also listen for TURN over TCP (RFC 8656 §3.1) on the first port: the client's connection is
     * TCP, relaying to peers stays UDP. For networks that block outgoing UDP.
     */
    tcp: z.boolean().default(true),
    tcpLimits: TurnTcpLimitsSchema.prefault({}),
    /** Opt-in: let clients relay to loopback/private/link-local peers. Off by default (SSRF). */
    allowPrivatePeers: z.boolean().default(false),
    /** SOFTWARE attribute value; off by default like coturn (less fingerprinting). */
    software: z.string().max(127).optional(),
    /** Retransmission cache entries (responses replayed for the same transaction on the same 5-tuple). */
    transactionCacheSize: z.number().int().min(16).max(1_000_000).default(4096),
    quotas: TurnQuotasSchema.prefault({}),
    lifetimes: TurnLifetimesSchema.prefault({}),
  })
  .superRefine((c, ctx) => {
    if (c.relayPortMin > c.relayPortMax) ctx.addIssue({ code: "custom", path: ["relayPortMin"], message: "relayPortMin must not exceed relayPortMax" });
    if ((c.relayPortMin === 0) !== (c.relayPortMax === 0)) ctx.addIssue({ code: "custom", path: ["relayPortMin"], message: "use 0 for both relay port bounds (any free port) or for neither" });
    const relay = c.relayAddress ?? c.listenHost;
    if (relay === "0.0.0.0" || relay === "::") ctx.addIssue({ code: "custom", path: ["relayAddress"], message: "set relayAddress to a concrete address when listening on a wildcard" });
    if (c.lifetimes.allocationMax < c.lifetimes.allocationDefault) ctx.addIssue({ code: "custom", path: ["lifetimes", "allocationMax"], message: "allocationMax must be >= allocationDefault" });
    if (new Set(c.ports.filter((p) => p !== 0)).size !== c.ports.filter((p) => p !== 0).length) ctx.addIssue({ code: "custom", path: ["ports"], message: "ports must be distinct" });
  });

/** What callers pass (defaults filled in by the schema). */
export type TurnServerConfig = z.input<typeof TurnServerConfigSchema>;
/** The validated configuration the server runs with. */
export type ResolvedTurnServerConfig = z.output<typeof TurnServerConfigSchema>;

/** Parse and validate; throws an Error listing every problem with its path. */
export function resolveTurnServerConfig(config: TurnServerConfig): ResolvedTurnServerConfig {
  const result = TurnServerConfigSchema.safeParse(config);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new Error(`invalid TURN server configuration:\n  ${problems.join("\n  ")}`);
}
