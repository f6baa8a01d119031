// Our TURN server in its own process for the benchmark (as in production: not sharing a thread
// with the load generator). Prints "PORT <n>" once listening.
import { createTurnServer } from "../../server/turn/server.ts";

const secret = process.argv[2] ?? "";
const realm = process.argv[3] ?? "bench.example";
const server = createTurnServer({
  listenHost: "127.0.0.1",
  ports: [0],
  realm,
  secret,
  relayPortMin: 0,
  relayPortMax: 0,
  allowPrivatePeers: true,
  quotas: { allocationsPerUser: 100_000, allocationsTotal: 100_000 },
});
await server.listen();
console.log(`PORT ${String(server.addresses()[0]?.port)}`);
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => {
  void server.close().then(() => process.exit(0));
});
