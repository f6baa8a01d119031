import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { createTurnServer, type TurnServer } from "../../../../server/turn/server.ts";
import type { TurnServerConfig } from "../../../../server/turn/config.ts";
import type { TransactionRecord } from "../../../../src/shared/stun/transaction-record.ts";

export const SECRET = "integration-test-secret-0123456789";
export const REALM = "test.example";

export interface Harness {
  readonly server: TurnServer;
  readonly address: { address: string; port: number };
  readonly clock: { now: number };
  readonly records: TransactionRecord[];
  readonly logs: string[];
}

export async function startServer(overrides: Partial<TurnServerConfig> = {}, withRecords = false): Promise<Harness> {
  const clock = { now: Date.now() };
  const records: TransactionRecord[] = [];
  const logs: string[] = [];
  const server = createTurnServer(
    { listenHost: "127.0.0.1", ports: [0, 0], realm: REALM, secret: SECRET, relayPortMin: 0, relayPortMax: 0, ...overrides },
    { clock: () => clock.now, log: (l) => logs.push(l), ...(withRecords ? { onTransaction: (r: TransactionRecord) => records.push(r) } : {}) },
  );
  await server.listen();
  const address = server.addresses()[0];
  if (!address) throw new Error("server has no address");
  return { server, address, clock, records, logs };
}

/** A UDP peer on loopback that echoes whatever it receives. */
export async function startEchoPeer(): Promise<{ socket: Socket; port: number; received: Buffer[] }> {
  const socket = createSocket("udp4");
  const received: Buffer[] = [];
  socket.on("message", (msg, from) => {
    received.push(msg);
    socket.send(msg, from.port, from.address);
  });
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  return { socket, port: socket.address().port, received };
}
