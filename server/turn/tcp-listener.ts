// TURN over TCP, RFC 8656 §3.1: "the client ... opens a TCP connection to the server ... the
// server and client send STUN messages and ChannelData messages back to back on it". Relaying to
// peers stays UDP. The connection *is* the 5-tuple: the allocation made on it is answered on it,
// its peers' data comes back down it, and "if the TCP connection ... closes, then the server MUST
// delete the allocation" is done on close here.
// Every connection is bounded: at most tcpLimits.frameBytes buffered from it (StreamFramer), at
// most tcpLimits.writeBufferBytes waiting to be written to it (more relayed data is dropped, as a
// full UDP queue would), tcpLimits.connections at once (connectionsPerAddress from one IPv4 address
// or IPv6 /64). sweep() closes a connection whose unfinished message started frameSeconds ago, one
// without an allocation allocateSeconds after it was accepted, and one without an allocation that
// has completed no message for idleSeconds: only whole messages count as being heard from, so
// trickling bytes keeps nothing open. A frame that cannot be cut or decoded closes its connection
// and touches nothing else.
import { createServer, type Server, type Socket } from "node:net";
import type { TransportAddress } from "../stun/attributes/address.ts";
import type { ClientLink } from "./client-link.ts";
import type { ResolvedTurnServerConfig } from "./config.ts";
import type { TurnContext } from "./context.ts";
import type { PacketHandler } from "./dispatch.ts";
import { addressGroup } from "./address-group.ts";
import { fiveTupleKey } from "./five-tuple.ts";
import { StreamFramer, StreamFramingError } from "./stream-framing.ts";

export interface TcpListener {
  readonly local: TransportAddress;
  /** Open connections right now. */
  readonly connections: number;
  /** Close connections past their deadlines (see the top of this file). */
  sweep(now: number): void;
  close(): Promise<void>;
}

interface Connection {
  readonly socket: Socket;
  readonly client: TransportAddress;
  readonly tupleKey: string;
  /** tcpLimits.connectionsPerAddress counts under this key (addressGroup). */
  readonly group: string;
  readonly acceptedAt: number;
  /** When the last whole message was dispatched (or the connection accepted). */
  lastHeardAt: number;
  /** When the first byte of the unfinished message arrived; undefined between messages. */
  partialSince: number | undefined;
}

type TcpLimits = ResolvedTurnServerConfig["tcpLimits"];

const where = (client: TransportAddress): string => `${client.address}:${String(client.port)}`;

/** Listen on host:port (port 0 = any free port); rejects with the listen error (EADDRINUSE ...). */
export async function listenTcp(host: string, port: number, limits: TcpLimits, ctx: TurnContext, dispatch: PacketHandler): Promise<TcpListener> {
  const open = new Set<Connection>();
  /** Open connections per client IPv4 address or IPv6 /64 (tcpLimits.connectionsPerAddress). */
  const perAddress = new Map<string, number>();
  const server: Server = createServer({ noDelay: true, allowHalfOpen: false });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = server.address();
  const local = { address: host, port: typeof bound === "object" && bound !== null ? bound.port : port };
  server.on("error", (error) => ctx.log(`turn: TCP listener ${where(local)} error: ${error.message}`));

  const release = (c: Connection): void => {
    open.delete(c);
    const left = (perAddress.get(c.group) ?? 1) - 1;
    if (left > 0) perAddress.set(c.group, left);
    else perAddress.delete(c.group);
    // RFC 8656 §3.1: the allocation is tied to its TCP connection.
    const live = ctx.store.byFiveTuple.get(c.tupleKey);
    if (live) {
      ctx.inspector.usage(live, "closed");
      ctx.store.remove(c.tupleKey);
      ctx.log(`turn: allocation of ${live.allocation.auth.userId} freed: its TCP connection from ${where(c.client)} closed`);
    }
  };

  server.on("connection", (socket) => {
    const address = socket.remoteAddress;
    const remotePort = socket.remotePort;
    if (address === undefined || remotePort === undefined) {
      socket.destroy(); // already gone
      return;
    }
    const group = addressGroup(address);
    const fromThere = perAddress.get(group) ?? 0;
    if (open.size >= limits.connections || fromThere >= limits.connectionsPerAddress) {
      ctx.stats.tcpRefused++;
      socket.destroy();
      return;
    }
    perAddress.set(group, fromThere + 1);
    ctx.stats.tcpAccepted++;
    const client = { address, port: remotePort };
    const now = ctx.clock();
    const c: Connection = { socket, client, tupleKey: fiveTupleKey({ client, server: local, protocol: "tcp" }), group, acceptedAt: now, lastHeardAt: now, partialSince: undefined };
    open.add(c);
    const framer = new StreamFramer(limits.frameBytes);
    let closed = false;
    const link: ClientLink = {
      transport: "tcp",
      tupleKey: c.tupleKey,
      get closed() {
        return closed;
      },
      send(message) {
        if (closed || socket.destroyed) return;
        if (socket.writableLength > limits.writeBufferBytes) {
          ctx.stats.tcpWritesDropped++;
          return;
        }
        if (message instanceof Uint8Array) {
          socket.write(message);
          return;
        }
        // One message in pieces (header, payload, padding): written together, payload not copied.
        socket.cork();
        for (const piece of message) socket.write(piece);
        socket.uncork();
      },
    };
    const fail = (why: string): void => {
      ctx.log(`turn: closing TCP connection from ${where(client)}: ${why}`);
      socket.destroy();
    };
    socket.on("data", (chunk: Buffer) => {
      if (closed) return;
      ctx.stats.tcpBytesIn += chunk.length;
      const now = ctx.clock();
      let frames;
      try {
        frames = framer.push(chunk);
      } catch (error) {
        if (error instanceof StreamFramingError) {
          ctx.stats.malformed++;
          ctx.stats.tcpFramingErrors++;
        } else {
          ctx.stats.errors++;
        }
        fail(error instanceof Error ? error.message : String(error));
        return;
      }
      for (const frame of frames) {
        if (dispatch(link, local, frame.bytes, client) === "malformed") {
          ctx.stats.tcpFramingErrors++;
          fail(`a ${frame.kind === "stun" ? "STUN message" : "ChannelData message"} did not decode`);
          return;
        }
        if (closed || socket.destroyed) return;
      }
      // Only a whole message counts as hearing from the client; what is left over is the start of
      // the next one, which arrived in this chunk if a message was just completed.
      if (frames.length > 0) c.lastHeardAt = now;
      if (framer.buffered === 0) c.partialSince = undefined;
      else if (frames.length > 0 || c.partialSince === undefined) c.partialSince = now;
    });
    // ECONNRESET and the like: 'close' follows and does the cleanup.
    socket.on("error", (error) => ctx.log(`turn: TCP connection from ${where(client)}: ${error.message}`));
    socket.on("close", () => {
      closed = true;
      release(c);
    });
  });

  return {
    local,
    get connections() {
      return open.size;
    },
    sweep(now) {
      const idleMs = limits.idleSeconds * 1000;
      for (const c of open) {
        if (c.socket.destroyed) continue; // closing; 'close' releases it
        if (c.partialSince !== undefined && now - c.partialSince >= limits.frameSeconds * 1000) {
          ctx.stats.tcpFrameTimeouts++;
          ctx.log(`turn: closing TCP connection from ${where(c.client)}: a message still unfinished ${String(limits.frameSeconds)} s after its first byte`);
          c.socket.destroy();
          continue;
        }
        if (ctx.store.byFiveTuple.has(c.tupleKey) || ctx.store.pending.has(c.tupleKey)) continue;
        if (now - c.acceptedAt >= limits.allocateSeconds * 1000) {
          ctx.stats.tcpAllocateTimeouts++;
          ctx.log(`turn: closing TCP connection from ${where(c.client)}: no allocation ${String(limits.allocateSeconds)} s after it opened`);
          c.socket.destroy();
          continue;
        }
        if (now - c.lastHeardAt >= idleMs) {
          ctx.stats.tcpIdleClosed++;
          ctx.log(`turn: closing TCP connection from ${where(c.client)}: no allocation and silent for ${String(limits.idleSeconds)} s`);
          c.socket.destroy();
        }
      }
    },
    async close() {
      const closedServer = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of open) c.socket.destroy();
      await closedServer;
    },
  };
}
