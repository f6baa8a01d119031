/**
 * Per-client limits on what any page may ask of this server, counted per client address
 * (client-address.ts; IPv6 per /64, address-group.ts), so that opening more sockets or sending
 * more requests from one machine does not multiply anything:
 * - ICE servers (short-lived TURN credentials), by GET /api/ice-config or the socket's ice:config:
 *   `iceConfigPerMinute`, one budget for both ways of asking;
 * - socket.io connections open at once: `socketsPerAddress`;
 * - new socket.io connections: `newSocketsPerMinute`.
 * A whole school or office behind one NAT is one address, so the defaults (server/config.ts) are
 * far above what one reader does. Loopback clients (this machine's own browsers: the local demo
 * and every test) are exempt; behind a proxy on this machine, TRUST_PROXY makes each real client
 * count on its own instead of all of them counting as that exempt loopback proxy (from
 * X-Forwarded-For, or Forwarded with TRUST_PROXY_HEADER=forwarded: client-address.ts).
 *
 * Refusals carry a message for the reader (src/shared/client-limits.ts). The log lines they
 * cause go through the per-kind log limiter: a client cannot flood the log by being refused.
 */
import type { IncomingHttpHeaders } from "node:http";
import { classifyAddress, isBehindNatSpace, isLoopback } from "../../src/shared/net/address-class.ts";
import { formatIP } from "../../src/shared/stun/ip-bytes.ts";
import type { LimitCode, LimitRefusal } from "../../src/shared/client-limits.ts";
import { addressGroup } from "../turn/address-group.ts";
import { createLimitedLog } from "../turn/log-limiter.ts";
import { canonicalAddress, clientAddress, HEADER_NAMES, isTrustedProxy, type ForwardingHeader, type TrustedProxies } from "./client-address.ts";
import { createRateLimiter } from "./rate-limiter.ts";

/** The operator's settings (TRUST_PROXY and the LIMIT_* variables). */
export interface ClientLimitSettings {
  trustProxy: TrustedProxies;
  iceConfigPerMinute: number;
  socketsPerAddress: number;
  newSocketsPerMinute: number;
}

/** Knobs for tests, not settings. */
export interface ClientLimitTuning {
  /** Leave loopback clients out of every limit (off only in tests, which all run on loopback). */
  exemptLoopback: boolean;
  /** Client addresses each rate limiter remembers at most (memory stays bounded). */
  maxTrackedAddresses: number;
  /** How long a refused socket.io connection may stay open: long enough for the refusal to reach the page, even over long-polling. */
  refusedConnectionMs: number;
}

export const DEFAULT_TUNING: ClientLimitTuning = { exemptLoopback: true, maxTrackedAddresses: 20_000, refusedConnectionMs: 5000 };

/**
 * Connections past `socketsPerAddress` that are still let in to be refused with a message the
 * reader sees (socket.io can only say why once connected). Past this many more, a handshake is
 * dropped outright: a client that ignores refusals gets no more of them.
 */
export const POLITE_REFUSALS = 8;

export interface Client {
  /** Canonical address text ("unknown" when the connection had already gone). */
  readonly address: string;
  /** What the limits count under: the IPv4 address or the IPv6 /64. */
  readonly group: string;
  /** Held to no limit (loopback, by default). */
  readonly exempt: boolean;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly refusal: LimitRefusal };

/** What a request or a handshake shows of where it came from. */
export interface RequestLike {
  readonly socket: { readonly remoteAddress?: string | undefined };
  readonly headers: IncomingHttpHeaders;
}

export interface ClientLimits {
  readonly tuning: ClientLimitTuning;
  identify(req: RequestLike): Client;
  /** One request for ICE servers, by HTTP or socket.io. */
  iceConfig(client: Client): Verdict;
  /**
   * A socket.io handshake, before any connection exists: takes one from the client's budget of new
   * connections. `drop` (a reason) when the client already holds so many refused connections that
   * it gets no polite refusal any more.
   */
  handshake(client: Client): Verdict | { readonly ok: false; readonly drop: string };
  /** A connection opened (counted until closed()); refused when it is one too many. */
  opened(client: Client): Verdict;
  closed(client: Client): void;
  /** Entries held: keys per rate limiter, and addresses with open connections (for tests). */
  sizes(): { iceConfig: number; newSockets: number; openSockets: number };
  /** One line for the start-up log. */
  describe(): string;
  /** Writes the summaries of log windows that have ended. */
  flushLog(): void;
}

const seconds = (n: number): string => (n === 1 ? "1 second" : `${String(n)} seconds`);
const SHARED = "shared by every device behind the same router";

export function createClientLimits(
  settings: ClientLimitSettings,
  deps: { clock: () => number; log: (line: string) => void; tuning?: Partial<ClientLimitTuning> },
): ClientLimits {
  const tuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const limitedLog = createLimitedLog(deps.log, deps.clock, 20, 10_000, "limits");
  const onForget = (): void =>
    limitedLog("forget", `limits: more than ${String(tuning.maxTrackedAddresses)} client addresses within a minute; forgetting the least recent (their budgets start again)`);
  const iceConfigs = createRateLimiter({ perMinute: settings.iceConfigPerMinute, maxKeys: tuning.maxTrackedAddresses, clock: deps.clock, onForget });
  const newSockets = createRateLimiter({ perMinute: settings.newSocketsPerMinute, maxKeys: tuning.maxTrackedAddresses, clock: deps.clock, onForget });
  /** Open connections per group; a group leaves the map with its last connection. */
  const open = new Map<string, number>();
  let hintedUntrusted = false;
  let hintedOtherHeader = false;
  const header = settings.trustProxy.header;
  const other: ForwardingHeader = header === "forwarded" ? "x-forwarded-for" : "forwarded";

  const refusal = (code: LimitCode, message: string, retryAfterSeconds: number): Verdict => ({ ok: false, refusal: { code, message, retryAfterSeconds } });

  const exemptNote = (loopback: boolean): string => (tuning.exemptLoopback && loopback ? " (and loopback is exempt from the per-address limits)" : "");

  /**
   * Once per process: a forwarding header ignored from a peer on this machine or its private
   * network, where a reverse proxy would be, probably one TRUST_PROXY leaves out. (Peers on the
   * internet send X-Forwarded-For too, through a company's forward proxy: nothing to say about those.)
   */
  const hintUntrustedPeer = (peer: string, sent: ForwardingHeader): void => {
    const where = classifyAddress(peer);
    const loopback = isLoopback(where);
    if (hintedUntrusted || !(loopback || isBehindNatSpace(where))) return;
    hintedUntrusted = true;
    deps.log(
      `limits: ignoring ${HEADER_NAMES[sent]} from ${peer}, which TRUST_PROXY does not name. If ${peer} is a reverse proxy, every client ` +
        `behind it counts as ${peer}${exemptNote(loopback)}: set TRUST_PROXY=${loopback ? "loopback" : peer}` +
        `${sent === header ? "" : ` and TRUST_PROXY_HEADER=${sent}`}.`,
    );
  };

  /**
   * Once per process: a trusted proxy that names its clients in the other header only, so the
   * header this process reads is missing and every client behind it counts as the proxy.
   */
  const hintOtherHeader = (peer: string): void => {
    if (hintedOtherHeader) return;
    hintedOtherHeader = true;
    deps.log(
      `limits: ${peer}, a proxy TRUST_PROXY names, sent ${HEADER_NAMES[other]} but no ${HEADER_NAMES[header]}, so every client behind it ` +
        `counts as ${peer}${exemptNote(isLoopback(classifyAddress(peer)))}. If it names its clients in ${HEADER_NAMES[other]}, set ` +
        `TRUST_PROXY_HEADER=${other}.`,
    );
  };

  return {
    tuning,
    identify(req) {
      const forwarded = req.headers[header];
      const address = clientAddress(req.socket.remoteAddress, forwarded, settings.trustProxy);
      const otherSent = req.headers[other] !== undefined;
      if ((forwarded !== undefined || otherSent) && !(hintedUntrusted && hintedOtherHeader)) {
        const peer = req.socket.remoteAddress === undefined ? undefined : canonicalAddress(req.socket.remoteAddress);
        if (peer && !isTrustedProxy(peer, settings.trustProxy)) hintUntrustedPeer(formatIP(peer), forwarded !== undefined ? header : other);
        else if (peer && forwarded === undefined) hintOtherHeader(formatIP(peer));
      }
      return { address, group: addressGroup(address), exempt: tuning.exemptLoopback && isLoopback(classifyAddress(address)) };
    },

    iceConfig(client) {
      if (client.exempt) return { ok: true };
      const taken = iceConfigs.take(client.group);
      if (taken.ok) return taken;
      const wait = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
      limitedLog("ice-config", `limits: refused ICE servers to ${client.group}: more than ${String(settings.iceConfigPerMinute)} requests a minute`);
      return refusal(
        "too-many-requests",
        `Too many requests for ICE servers from your address (the limit is ${String(settings.iceConfigPerMinute)} a minute, ${SHARED}). Try again in ${seconds(wait)}.`,
        wait,
      );
    },

    handshake(client) {
      if (client.exempt) return { ok: true };
      const held = open.get(client.group) ?? 0;
      if (held >= settings.socketsPerAddress + POLITE_REFUSALS) {
        limitedLog("socket-drop", `limits: dropped a socket.io handshake from ${client.group}: ${String(held)} connections open`);
        return { ok: false, drop: "Too many connections from your address" };
      }
      const taken = newSockets.take(client.group);
      if (taken.ok) return taken;
      const wait = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
      limitedLog("new-sockets", `limits: refused a socket.io connection from ${client.group}: more than ${String(settings.newSocketsPerMinute)} new connections a minute`);
      return refusal(
        "too-many-new-connections",
        `Too many new connections to this site's server from your address (the limit is ${String(settings.newSocketsPerMinute)} a minute, ${SHARED}). Reload this page in ${seconds(wait)}.`,
        wait,
      );
    },

    opened(client) {
      if (client.exempt) return { ok: true };
      const held = (open.get(client.group) ?? 0) + 1;
      open.set(client.group, held);
      if (held <= settings.socketsPerAddress) return { ok: true };
      limitedLog("open-sockets", `limits: refused a socket.io connection from ${client.group}: ${String(held - 1)} already open`);
      return refusal(
        "too-many-connections",
        `Too many connections to this site's server from your address (the limit is ${String(settings.socketsPerAddress)} at once, ${SHARED}). Close some of this site's tabs, then reload this page.`,
        60,
      );
    },

    closed(client) {
      if (client.exempt) return;
      const held = (open.get(client.group) ?? 0) - 1;
      if (held > 0) open.set(client.group, held);
      else open.delete(client.group);
    },

    sizes: () => ({ iceConfig: iceConfigs.size, newSockets: newSockets.size, openSockets: open.size }),

    describe() {
      const exempt = tuning.exemptLoopback ? "; loopback clients exempt" : "";
      return (
        `limits: per client address (IPv6 per /64): ${String(settings.iceConfigPerMinute)} ICE server requests a minute, ` +
        `${String(settings.socketsPerAddress)} socket.io connections at once, ${String(settings.newSocketsPerMinute)} new ones a minute${exempt}; ` +
        `${HEADER_NAMES[header]} trusted from: ${settings.trustProxy.description}`
      );
    },

    flushLog: () => limitedLog.flush(),
  };
}
