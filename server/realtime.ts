/**
 * The real-time half of the process, attachable to any Node HTTP server (ours in production,
 * Vite's in `npm run dev`): socket.io for signaling and the built-in STUN/TURN server (UDP, and TCP
 * on the first port unless TURN_TCP=false).
 * With REDIS_URL, signaling shares its rooms and messages with other processes through Redis.
 */
import type { Server as HttpServer } from "node:http";
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { Server as SocketServer } from "socket.io";
import { ConfigError, withoutPassword, type Config } from "./config.ts";
import { createClientLimits, type ClientLimits, type ClientLimitTuning, type RequestLike, type Verdict } from "./client-limits/limits.ts";
import { createConnectionLimits } from "./client-limits/socket-io.ts";
import { allowedHostNames, hostAllowed } from "./http/host-check.ts";
import { buildIceConfig, type MintCredentials } from "./ice-config.ts";
import { attachInspectorHub } from "./inspector/hub.ts";
import { attachSignaling, SignalingRefusal } from "./signaling/index.ts";
import { createRedisSharing } from "./signaling/redis.ts";
import { createTurnServer, type TurnServer } from "./turn/index.ts";
import type { IceConfig } from "../src/shared/ice-config.ts";
import { INSPECTOR_NAMESPACE } from "../src/shared/inspector/protocol.ts";

/** Largest socket.io message accepted. An SDP offer with video is a few KB; 64 KiB is ample. */
export const MAX_SIGNALING_MESSAGE_BYTES = 64 * 1024;

export interface RealtimeDeps {
  /** Origins allowed to connect (computed lazily: the port is known only after listen). */
  origins: () => string[];
  clock: () => number;
  log: (line: string) => void;
  mint: MintCredentials;
  /** Test knobs of the per-client limits (loopback exemption, memory bound). */
  limitTuning: Partial<ClientLimitTuning>;
}

export interface Realtime {
  readonly io: SocketServer;
  iceConfig(requestHost: string | undefined): IceConfig;
  /** Takes one request for ICE servers from the budget of the client behind `req`. */
  limitIceConfig(req: RequestLike): Verdict;
  /** The per-client limits (shared by HTTP and socket.io). */
  readonly limits: ClientLimits;
  originAllowed(origin: string | undefined): boolean;
  turnPorts(): readonly number[];
  /** The port TURN over TCP listens on, once listening (undefined when off). */
  turnTcpPort(): number | undefined;
  listen(): Promise<void>;
  close(): Promise<void>;
}

export function createRealtime(httpServer: HttpServer, config: Config, deps: Partial<RealtimeDeps> & Pick<RealtimeDeps, "origins">): Realtime {
  const clock = deps.clock ?? Date.now;
  const log = deps.log ?? ((line: string) => console.log(line));
  const mint = deps.mint;
  if (!mint) throw new Error("createRealtime needs a credential minting function");

  const limits = createClientLimits(config.limits, { clock, log, ...(deps.limitTuning ? { tuning: deps.limitTuning } : {}) });
  const connectionLimits = createConnectionLimits(limits);
  const originAllowed = (origin: string | undefined): boolean => origin === undefined || deps.origins().includes(origin);
  const hostNames = allowedHostNames(config);
  /**
   * A page served by this server under a name it answers to (a phone opening laptop.local:4321)
   * is its own origin too, though not in the configured list: its Origin names the Host it asked.
   */
  const sameOrigin = (origin: string, host: string | undefined): boolean => {
    try {
      return host !== undefined && new URL(origin).host === host.toLowerCase();
    } catch {
      return false;
    }
  };

  const io = new SocketServer(httpServer, {
    serveClient: false,
    maxHttpBufferSize: MAX_SIGNALING_MESSAGE_BYTES,
    // CORS governs only HTTP long-polling from other origins; allowRequest below also covers
    // WebSocket upgrades, which CORS does not.
    cors: { origin: (origin, callback) => callback(null, originAllowed(origin) ? origin ?? false : false) },
    allowRequest: (req, callback) => {
      const { origin, host } = req.headers;
      if (!hostAllowed(host, hostNames)) return callback("This server does not answer to that host name", false);
      if (origin !== undefined && !deps.origins().includes(origin) && !sameOrigin(origin, host)) return callback(`Origin ${origin} is not allowed`, false);
      const dropped = connectionLimits.allowRequest(req);
      if (dropped !== undefined) callback(dropped, false);
      else callback(null, true);
    },
  });
  // Counts each connection under its client, refuses those over a limit on both namespaces, and
  // keeps the Host of each handshake (the name in the page's ICE servers: on HOST=0.0.0.0, the
  // address a phone on the LAN used, not 127.0.0.1) before dropping the handshake request.
  connectionLimits.attach(io, ["/", INSPECTOR_NAMESPACE]);

  // With several processes, the inspector's live feed crosses processes too (the adapter serves
  // every namespace), but each process remembers only the packets its own STUN/TURN server saw.
  const inspector = attachInspectorHub(io, { secret: config.turn.secret, clock });
  const sharing = config.redisUrl === undefined ? undefined : createRedisSharing(config.redisUrl, { log });
  const signaling = attachSignaling(io, {
    clock,
    log,
    iceConfig: (socket) => {
      // One budget with /api/ice-config: more sockets must not mean more credentials.
      const connection = connectionLimits.connectionOf(socket);
      const verdict: Verdict = connection ? limits.iceConfig(connection.client) : { ok: true };
      if (!verdict.ok) throw new SignalingRefusal("rate-limited", verdict.refusal.message);
      return buildIceConfig(config, { mint, clock, turnPorts: () => turnPorts, turnTcpPort: () => turnTcpPort }, connection?.host);
    },
    ...(sharing ? { rooms: sharing.rooms } : {}),
  });
  const turn = config.turn.mode === "builtin" ? createBuiltinTurn(config, { clock, log, onTransaction: inspector.record }) : undefined;

  let turnPorts: number[] = [];
  let turnTcpPort: number | undefined;
  let closing: Promise<void> | undefined;
  let flushTimer: NodeJS.Timeout | undefined;
  const realtime: Realtime = {
    io,
    iceConfig: (requestHost) => buildIceConfig(config, { mint, clock, turnPorts: () => turnPorts, turnTcpPort: () => turnTcpPort }, requestHost),
    limitIceConfig: (req) => limits.iceConfig(limits.identify(req)),
    limits,
    originAllowed,
    turnPorts: () => turnPorts,
    turnTcpPort: () => turnTcpPort,
    async listen() {
      if (sharing && config.redisUrl) {
        await sharing.start(io);
        log(`signaling: rooms and messages shared through Redis at ${withoutPassword(config.redisUrl)} (process ${sharing.rooms.processId})`);
      }
      log(`signaling: socket.io ready (max message ${MAX_SIGNALING_MESSAGE_BYTES} bytes)`);
      log(limits.describe());
      // Summaries of refusals not followed by more of the same kind ("... and K more").
      flushTimer ??= setInterval(() => limits.flushLog(), 10_000).unref();
      if (turn) {
        await turn.listen();
        turnPorts = turn.addresses().map((a) => a.port);
        turnTcpPort = turn.tcpAddress()?.port;
      }
    },
    close() {
      closing ??= (async () => {
        clearInterval(flushTimer);
        await turn?.close();
        await io.close();
        // Let the leaves of the sockets io.close() just disconnected reach the registry, then
        // release whatever this process still holds and close the Redis connections.
        await signaling.idle();
        await sharing?.close();
      })();
      return closing;
    },
  };
  return realtime;
}

/** The address relayed sockets bind to when HOST is a wildcard and none is configured. */
function firstExternalIPv4(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((info) => info !== undefined && info.family === "IPv4" && !info.internal)?.address;
}

function createBuiltinTurn(config: Config, deps: Parameters<typeof createTurnServer>[1]): TurnServer {
  const listenHost = config.host === "localhost" ? "127.0.0.1" : config.host;
  if (isIP(listenHost) === 0) throw new ConfigError(`Invalid HOST "${config.host}": the built-in STUN/TURN server needs an IP address (or use TURN_URLS for an external server)`);
  const wildcard = listenHost === "0.0.0.0" || listenHost === "::";
  const relayAddress = config.turn.relayAddress ?? (wildcard ? firstExternalIPv4() : undefined);
  if (wildcard && !relayAddress) throw new ConfigError(`HOST is ${listenHost} and no external IPv4 address was found: set TURN_RELAY_ADDRESS`);
  try {
    return createTurnServer(
      {
        listenHost,
        ports: [...config.turn.ports],
        tcp: config.turn.tcp,
        realm: config.turn.realm,
        secret: config.turn.secret,
        ...(relayAddress ? { relayAddress } : {}),
        ...(config.turn.externalAddress ? { externalAddress: config.turn.externalAddress } : {}),
        relayPortMin: config.turn.relayPortRange.min,
        relayPortMax: config.turn.relayPortRange.max,
        allowPrivatePeers: config.turn.allowPrivatePeers,
      },
      deps,
    );
  } catch (error) {
    throw new ConfigError(`Invalid STUN/TURN settings: ${error instanceof Error ? error.message.replace(/\s*\n\s*/gu, "; ") : String(error)}`);
  }
}
