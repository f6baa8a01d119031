// createTurnServer(config, deps): the factory server/app.ts uses. Nothing listens until listen();
// close() releases every socket. Time comes from deps.clock so expiry is testable without sleeping.
// UDP on every configured port; with `tcp` (the default) also TCP on the first one (RFC 8656 §3.1).
import { createSocket, type Socket } from "node:dgram";
import { parseIP } from "../../src/shared/stun/ip-bytes.ts";
import type { TransportAddress } from "../stun/attributes/address.ts";
import { AllocationStore } from "./allocation-store.ts";
import { resolveTurnServerConfig, type TurnServerConfig } from "./config.ts";
import { newStats, type TurnContext, type TurnStats } from "./context.ts";
import { udpLink } from "./client-link.ts";
import { createDispatcher } from "./dispatch.ts";
import { createInspector, type TransactionListener } from "./inspector.ts";
import { createLimitedLog } from "./log-limiter.ts";
import { createNonceService } from "./nonce.ts";
import { createPeerPolicy } from "./peer-policy.ts";
import { ipLiteralLookup } from "./ip-lookup.ts";
import { relayFromPeer } from "./relay.ts";
import { openRelaySocket } from "./relay-socket.ts";
import { listenTcp, type TcpListener } from "./tcp-listener.ts";
import { TransactionCache } from "./transaction-cache.ts";

export interface TurnServerDeps {
  /** Milliseconds since the epoch; defaults to Date.now. */
  readonly clock?: () => number;
  readonly log?: (line: string) => void;
  /**
   * Called for each decoded STUN request/response and for relay usage roll-ups (packet inspector),
   * with the username when it passed authentication.
   */
  readonly onTransaction?: TransactionListener;
}

export interface TurnServerStats extends TurnStats {
  readonly allocations: number;
  readonly permissions: number;
  readonly channels: number;
  readonly cachedTransactions: number;
  /** Open TCP connections. */
  readonly tcpConnections: number;
}

export interface TurnServer {
  listen(): Promise<void>;
  close(): Promise<void>;
  /** The bound UDP listening addresses (real ports when configured with port 0). */
  addresses(): { address: string; port: number }[];
  /** The TCP listening address (the first UDP port's number), or undefined when TCP is off. */
  tcpAddress(): { address: string; port: number } | undefined;
  stats(): TurnServerStats;
  /** Expire allocations, permissions and channels now (a timer does this every second). */
  sweep(): void;
}

const SWEEP_INTERVAL_MS = 1000;
/**
 * The longest UDP datagram the listening ports decode. TURN control messages are a few hundred
 * bytes and relayed data above the path MTU is useless, while a 64 KB datagram (IP fragments) is
 * only good for making the decoder and the packet inspector work: dropped and counted.
 */
export const MAX_DATAGRAM_BYTES = 4096;
const CONTROL_BUFFER_BYTES = 4 << 20;
/** With port 0, tries to find a number free for both UDP and TCP before giving up. */
const SHARED_PORT_ATTEMPTS = 8;

export function createTurnServer(input: TurnServerConfig, deps: TurnServerDeps = {}): TurnServer {
  const config = resolveTurnServerConfig(input);
  const clock = deps.clock ?? Date.now;
  const log = deps.log ?? (() => undefined);
  const relayAddress = config.relayAddress ?? config.listenHost;
  const store = new AllocationStore();
  const cache = new TransactionCache(config.transactionCacheSize);
  const sockets: { socket: Socket; local: TransportAddress }[] = [];
  let tcp: TcpListener | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  const ctx: TurnContext = {
    config,
    relayAddress,
    clock,
    log,
    logLimited: createLimitedLog(log, clock),
    nonces: createNonceService({ lifetimeSeconds: config.lifetimes.nonce, clock }),
    peers: createPeerPolicy({ allowPrivatePeers: config.allowPrivatePeers, ownAddresses: [relayAddress, ...(config.externalAddress ? [config.externalAddress] : [])] }),
    store,
    stats: newStats(),
    inspector: createInspector(deps.onTransaction, clock, log),
    async openRelay(options = {}) {
      const socket = await openRelaySocket(relayAddress, config.relayPortMin, config.relayPortMax, store.relayPorts, options.even ?? false);
      const port = socket.address().port;
      socket.on("message", (data, from) => {
        try {
          // Looked up per packet: the allocation is committed only after the socket is bound.
          const live = store.byRelaySocket(socket);
          if (live) relayFromPeer(ctx, live, data, from);
          else ctx.stats.droppedFromPeers++;
        } catch (error) {
          ctx.stats.errors++;
          log(`turn: relay ${String(port)} dropped a packet: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
      socket.on("error", (error) => log(`turn: relay socket ${String(port)} error: ${error.message}`));
      return socket;
    },
  };
  const dispatch = createDispatcher(ctx, cache);

  const closeSockets = async (): Promise<void> => {
    const listener = tcp;
    tcp = undefined;
    await Promise.all([
      listener?.close(),
      ...sockets.splice(0).map(({ socket }) => new Promise<void>((resolve) => socket.close(() => resolve()))),
    ]);
  };

  const sweep = (): void => {
    const now = clock();
    for (const [key, live] of store.byFiveTuple) {
      if (!live.allocation.isLive(now)) {
        ctx.inspector.usage(live, "expired");
        store.remove(key);
        ctx.stats.allocationsExpired++;
        log(`turn: allocation of ${live.allocation.auth.userId} expired`);
      } else {
        live.allocation.sweep(now);
      }
    }
    cache.sweep(now);
    tcp?.sweep(now);
    ctx.logLimited.flush();
  };

  const bindUdp = async (port: number): Promise<{ socket: Socket; local: TransportAddress }> => {
    const type = parseIP(config.listenHost)?.length === 16 ? "udp6" : "udp4";
    const socket = createSocket({ type, recvBufferSize: CONTROL_BUFFER_BYTES, sendBufferSize: CONTROL_BUFFER_BYTES, lookup: ipLiteralLookup });
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        socket.close();
        reject(error);
      };
      socket.once("error", onError);
      socket.bind({ address: config.listenHost, port, exclusive: true }, () => {
        socket.off("error", onError);
        resolve();
      });
    });
    return { socket, local: { address: config.listenHost, port: socket.address().port } };
  };

  /** The first port, over UDP and (when on) TCP with the same number. */
  const bindFirstPort = async (port: number): Promise<{ udp: { socket: Socket; local: TransportAddress }; tcp?: TcpListener }> => {
    for (let attempt = 1; ; attempt++) {
      const udp = await bindUdp(port);
      if (!config.tcp) return { udp };
      try {
        return { udp, tcp: await listenTcp(config.listenHost, udp.local.port, config.tcpLimits, ctx, dispatch) };
      } catch (error) {
        udp.socket.close();
        // A port the OS picked for UDP may be taken over TCP: pick again. A configured port is an error.
        if (port !== 0 || (error as NodeJS.ErrnoException).code !== "EADDRINUSE" || attempt >= SHARED_PORT_ATTEMPTS) throw error;
      }
    }
  };

  return {
    async listen() {
      try {
        for (const [i, port] of config.ports.entries()) {
          let bound;
          if (i === 0) {
            const first = await bindFirstPort(port);
            bound = first.udp;
            tcp = first.tcp;
          } else {
            bound = await bindUdp(port);
          }
          const { socket, local } = bound;
          const link = udpLink(socket);
          socket.on("message", (packet, from) => {
            if (packet.length > MAX_DATAGRAM_BYTES) {
              ctx.stats.oversized++;
              return;
            }
            dispatch(link, local, packet, from);
          });
          socket.on("error", (error) => log(`turn: socket ${config.listenHost}:${String(local.port)} error: ${error.message}`));
          sockets.push({ socket, local });
        }
      } catch (error) {
        // Leave nothing bound behind a failed start.
        await closeSockets();
        throw error;
      }
      timer = setInterval(sweep, SWEEP_INTERVAL_MS);
      timer.unref();
      // Whether private peers are allowed is the caller's to announce (server/index.ts says it once).
      const listening = sockets.map((s) => `${s.local.address}:${String(s.local.port)}/udp`);
      if (tcp) listening.push(`${tcp.local.address}:${String(tcp.local.port)}/tcp`);
      log(`turn: listening on ${listening.join(", ")}, relaying from ${relayAddress}`);
    },
    async close() {
      if (timer) clearInterval(timer);
      store.closeAll();
      await closeSockets();
    },
    addresses() {
      return sockets.map((s) => ({ address: s.local.address, port: s.local.port }));
    },
    tcpAddress() {
      return tcp ? { ...tcp.local } : undefined;
    },
    stats() {
      let permissions = 0;
      let channels = 0;
      const now = clock();
      for (const live of store.byFiveTuple.values()) {
        for (const p of live.allocation.permissions.values()) if (now < p.expiresAt) permissions++;
        channels += live.allocation.liveChannelCount(now);
      }
      return { ...ctx.stats, allocations: store.size, permissions, channels, cachedTransactions: cache.size, tcpConnections: tcp?.connections ?? 0 };
    },
    sweep,
  };
}
