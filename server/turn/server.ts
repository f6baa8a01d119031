// createTurnServer(config, deps): the factory server/app.ts uses. Nothing listens until listen();
// close() releases every socket. Time comes from deps.clock so expiry is testable without sleeping.
import { createSocket, type Socket } from "node:dgram";
import type { TransactionRecord } from "../../src/shared/stun/transaction-record.ts";
import { parseIP } from "../../src/shared/stun/ip-bytes.ts";
import type { TransportAddress } from "../stun/attributes/address.ts";
import { AllocationStore } from "./allocation-store.ts";
import { resolveTurnServerConfig, type TurnServerConfig } from "./config.ts";
import { newStats, type TurnContext, type TurnStats } from "./context.ts";
import { createDispatcher } from "./dispatch.ts";
import { createInspector } from "./inspector.ts";
import { createNonceService } from "./nonce.ts";
import { createPeerPolicy } from "./peer-policy.ts";
import { ipLiteralLookup } from "./ip-lookup.ts";
import { relayFromPeer } from "./relay.ts";
import { openRelaySocket } from "./relay-socket.ts";
import { TransactionCache } from "./transaction-cache.ts";

export interface TurnServerDeps {
  /** Milliseconds since the epoch; defaults to Date.now. */
  readonly clock?: () => number;
  readonly log?: (line: string) => void;
  /** Called for each decoded STUN request/response and for relay usage roll-ups (packet inspector). */
  readonly onTransaction?: (record: TransactionRecord) => void;
}

export interface TurnServerStats extends TurnStats {
  readonly allocations: number;
  readonly permissions: number;
  readonly channels: number;
  readonly cachedTransactions: number;
}

export interface TurnServer {
  listen(): Promise<void>;
  close(): Promise<void>;
  /** The bound listening addresses (real ports when configured with port 0). */
  addresses(): { address: string; port: number }[];
  stats(): TurnServerStats;
  /** Expire allocations, permissions and channels now (a timer does this every second). */
  sweep(): void;
}

const SWEEP_INTERVAL_MS = 1000;
const CONTROL_BUFFER_BYTES = 4 << 20;

export function createTurnServer(input: TurnServerConfig, deps: TurnServerDeps = {}): TurnServer {
  const config = resolveTurnServerConfig(input);
  const clock = deps.clock ?? Date.now;
  const log = deps.log ?? (() => undefined);
  const relayAddress = config.relayAddress ?? config.listenHost;
  const store = new AllocationStore();
  const cache = new TransactionCache(config.transactionCacheSize);
  const sockets: { socket: Socket; local: TransportAddress }[] = [];
  let timer: ReturnType<typeof setInterval> | undefined;

  const ctx: TurnContext = {
    config,
    relayAddress,
    clock,
    log,
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
  };

  return {
    async listen() {
      const type = parseIP(config.listenHost)?.length === 16 ? "udp6" : "udp4";
      for (const port of config.ports) {
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
        const bound = socket.address();
        const local = { address: config.listenHost, port: bound.port };
        socket.on("message", (packet, from) => dispatch(socket, local, packet, from));
        socket.on("error", (error) => log(`turn: socket ${config.listenHost}:${String(bound.port)} error: ${error.message}`));
        sockets.push({ socket, local });
      }
      timer = setInterval(sweep, SWEEP_INTERVAL_MS);
      timer.unref();
      // Whether private peers are allowed is the caller's to announce (server/index.ts says it once).
      log(`turn: listening on ${sockets.map((s) => `${s.local.address}:${String(s.local.port)}/udp`).join(", ")}, relaying from ${relayAddress}`);
    },
    async close() {
      if (timer) clearInterval(timer);
      store.closeAll();
      await Promise.all(sockets.splice(0).map(({ socket }) => new Promise<void>((resolve) => socket.close(() => resolve()))));
    },
    addresses() {
      return sockets.map((s) => ({ address: s.local.address, port: s.local.port }));
    },
    stats() {
      let permissions = 0;
      let channels = 0;
      const now = clock();
      for (const live of store.byFiveTuple.values()) {
        for (const p of live.allocation.permissions.values()) if (now < p.expiresAt) permissions++;
        channels += live.allocation.liveChannelCount(now);
      }
      return { ...ctx.stats, allocations: store.size, permissions, channels, cachedTransactions: cache.size };
    },
    sweep,
  };
}
