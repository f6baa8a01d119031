// Load generators for the TURN benchmark: the same code drives our server and coturn.
import { randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { StunMessageBuilder } from "../../server/stun/builder.ts";
import { StunClass, StunMethod } from "../../server/stun/constants.ts";
import { ChannelNumber } from "../../server/stun/attributes/channel-number.ts";
import { Data } from "../../server/stun/attributes/data.ts";
import { PROTOCOL_UDP, RequestedTransport } from "../../server/stun/attributes/requested-transport.ts";
import { Lifetime } from "../../server/stun/attributes/lifetime.ts";
import { XorPeerAddress } from "../../server/stun/attributes/xor-peer-address.ts";
import { XorRelayedAddress } from "../../server/stun/attributes/xor-relayed-address.ts";
import { mintTurnCredentials } from "../../server/turn/credentials.ts";
import { channelDataHeader } from "../../server/turn/channel-data.ts";
import { TurnTestClient, attr, errorCodeOf } from "../integration/turn/support/turn-client.ts";

async function udpSocket(): Promise<Socket> {
  const s = createSocket({ type: "udp4", recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
  s.bind(0, "127.0.0.1");
  await once(s, "listening");
  return s;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Binding transactions per second with `sockets` clients keeping `window` requests in flight each. */
export async function bindingRate(port: number, seconds: number, sockets = 4, window = 32): Promise<{ rate: number; count: number }> {
  let answered = 0;
  let running = true;
  const clients = await Promise.all(Array.from({ length: sockets }, () => udpSocket()));
  const template = new StunMessageBuilder(StunMethod.binding, StunClass.request, randomBytes(12)).build();
  let counter = 0;
  const send = (s: Socket): void => {
    const m = Buffer.from(template);
    m.writeUInt32BE(counter++ >>> 0, 16);
    s.send(m, port, "127.0.0.1");
  };
  const recent = new Map<Socket, number>();
  for (const s of clients) {
    s.on("message", () => {
      answered++;
      recent.set(s, (recent.get(s) ?? 0) + 1);
      if (running) send(s);
    });
    for (let i = 0; i < window; i++) send(s);
  }
  // Top the window up for sockets whose requests were all lost (UDP).
  const refill = setInterval(() => {
    for (const s of clients) {
      if ((recent.get(s) ?? 0) === 0) for (let i = 0; i < window; i++) send(s);
      recent.set(s, 0);
    }
  }, 100);
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  running = false;
  const elapsed = (performance.now() - start) / 1000;
  clearInterval(refill);
  const rate = answered / elapsed;
  for (const s of clients) s.close();
  return { rate, count: answered };
}

/**
 * Delete the allocation (Refresh LIFETIME=0) before closing, as Chromium does: otherwise a later
 * socket that happens to get the same local port would find the old allocation (437 Allocation Mismatch).
 */
async function release(c: TurnTestClient): Promise<void> {
  try {
    await c.request(StunMethod.refresh, (b) => void b.add(Lifetime, 0));
  } finally {
    c.close();
  }
}

/** Allocate with REST credentials, permit the peer and optionally bind channel 0x4000. */
async function allocateTo(port: number, secret: string, userId: string, peer?: { address: string; port: number }, channel = false): Promise<TurnTestClient> {
  const c = await TurnTestClient.open({ address: "127.0.0.1", port });
  const { username, credential } = mintTurnCredentials({ secret, userId, ttlSeconds: 3600, now: Date.now() });
  const r = await c.login(username, credential, StunMethod.allocate, (b) => void b.add(RequestedTransport, PROTOCOL_UDP));
  if (errorCodeOf(r) !== undefined) throw new Error(`Allocate failed: ${String(errorCodeOf(r))}`);
  attr(r, XorRelayedAddress);
  if (peer) {
    const p = await c.request(StunMethod.createPermission, (b) => void b.add(XorPeerAddress, peer));
    if (errorCodeOf(p) !== undefined) throw new Error(`CreatePermission failed: ${String(errorCodeOf(p))}`);
    if (channel) {
      const cb = await c.request(StunMethod.channelBind, (b) => void b.add(ChannelNumber, 0x4000).add(XorPeerAddress, peer));
      if (errorCodeOf(cb) !== undefined) throw new Error(`ChannelBind failed: ${String(errorCodeOf(cb))}`);
    }
  }
  return c;
}

/**
 * Relayed throughput in MB/s, closed loop: the client keeps `window` packets of `size` bytes in
 * flight through the relay to an echoing peer and back (ChannelData both ways, or Send out and
 * Data indications back), so the figure is what the server sustains, not what a blast loses.
 * Counts payload bytes delivered back to the client per second (each crossed the relay twice).
 */
export async function relayRate(port: number, secret: string, mode: "channel" | "send", seconds: number, size = 1000, window = 64): Promise<{ mbps: number; lossPercent: number; packets: number }> {
  const peer = await udpSocket();
  peer.on("message", (m, from) => peer.send(m, from.port, from.address));
  const peerAddress = { address: "127.0.0.1", port: peer.address().port };
  const c = await allocateTo(port, secret, `relay-${mode}`, peerAddress, mode === "channel");
  c.socket.removeAllListeners("message");
  const payload = randomBytes(size);
  const packet =
    mode === "channel"
      ? Buffer.concat([channelDataHeader(0x4000, size), payload])
      : Buffer.from(new StunMessageBuilder(StunMethod.send, StunClass.indication, randomBytes(12)).add(XorPeerAddress, peerAddress).add(Data, payload).build());
  let sent = 0;
  let back = 0;
  let recent = 0;
  let running = true;
  const send = (): void => {
    c.socket.send(packet, port, "127.0.0.1");
    sent++;
  };
  c.socket.on("message", () => {
    back++;
    recent++;
    if (running) send();
  });
  for (let i = 0; i < window; i++) send();
  const refill = setInterval(() => {
    if (recent === 0) for (let i = 0; i < window; i++) send();
    recent = 0;
  }, 100);
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const delivered = back;
  const elapsed = (performance.now() - start) / 1000;
  running = false;
  clearInterval(refill);
  await tick();
  // The echo counter replaced the client's own listener; answer the Refresh by hand.
  c.socket.removeAllListeners("message");
  const refresh = c.build(StunMethod.refresh, (b) => void b.add(Lifetime, 0));
  const done = new Promise<void>((resolve) => {
    c.socket.on("message", (m) => {
      if (m[0] === 0x01) resolve();
    });
  });
  for (let i = 0; i < 10; i++) {
    c.socket.send(refresh, port, "127.0.0.1");
    if (await Promise.race([done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 200))])) break;
  }
  c.close();
  peer.close();
  // Each echoed packet crossed the relay twice (client -> peer, peer -> client).
  return { mbps: (delivered * size) / elapsed / 1e6, lossPercent: 100 * (1 - Math.min(1, back / sent)), packets: 2 * back };
}

/** CPU time (user + system, all threads) a process has used, in seconds (Linux /proc). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (CLK_TCK = 100)
}

/** Resident memory of a process in bytes (VmRSS), the same measure for Node and coturn. */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(pid)}/status`, "utf8"));
  return Number(m?.[1] ?? 0) * 1024;
}

/** RSS growth per allocation after creating `count` allocations (each from its own client socket). */
export async function memoryPerAllocation(port: number, secret: string, pid: number, count: number): Promise<number> {
  const before = rssOf(pid);
  const clients: TurnTestClient[] = [];
  for (let i = 0; i < count; i++) clients.push(await allocateTo(port, secret, `mem-${String(i)}`));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const after = rssOf(pid);
  for (const c of clients) await release(c);
  return (after - before) / count;
}
