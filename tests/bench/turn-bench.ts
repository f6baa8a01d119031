// Benchmark: our STUN/TURN server against coturn on this machine, side by side, on loopback.
//   node_modules/.bin/node tests/bench/turn-bench.ts [seconds per measurement, default 3]
// Prints, for each figure, ours, coturn's and the ratio (ours / coturn; for memory, coturn / ours
// so that higher is better everywhere). Targets: Binding >= 0.5, relay >= 0.8.
// Both servers run as their own processes; the same Node load generator drives both.
import { fileURLToPath } from "node:url";
import { spawnLogged, startCoturn } from "../integration/turn/support/processes.ts";
import { bindingRate, memoryPerAllocation, relayRate } from "./turn-bench-load.ts";

const SECONDS = Number(process.argv[2] ?? 3);
const SECRET = "benchmark-secret-0123456789";
const REALM = "bench.example";
const ALLOCATIONS = 200;

interface Target {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

async function startOurs(): Promise<Target> {
  const script = fileURLToPath(new URL("./turn-bench-server.ts", import.meta.url));
  const p = spawnLogged(process.execPath, [script, SECRET, REALM]);
  const m = await p.waitFor(/PORT (\d+)/);
  return { name: "ours", port: Number(m[1]), pid: p.child.pid ?? 0, stop: () => p.stop() };
}

async function startTheirs(): Promise<Target> {
  const c = await startCoturn({ secret: SECRET, realm: REALM, extra: ["--no-software-attribute"] });
  return { name: "coturn", port: c.port, pid: c.process.child.pid ?? 0, stop: () => c.stop() };
}

interface Figures {
  binding: number;
  channel: { mbps: number; lossPercent: number };
  send: { mbps: number; lossPercent: number };
  memory: number;
}

async function measure(t: Target): Promise<Figures> {
  await bindingRate(t.port, 0.5); // warm-up (JIT, socket buffers)
  const binding = await bindingRate(t.port, SECONDS);
  await relayRate(t.port, SECRET, "channel", 0.5);
  const channel = await relayRate(t.port, SECRET, "channel", SECONDS);
  const send = await relayRate(t.port, SECRET, "send", SECONDS);
  const memory = await memoryPerAllocation(t.port, SECRET, t.pid, ALLOCATIONS);
  return { binding, channel, send, memory };
}

function row(label: string, ours: number, theirs: number, unit: string, higherIsBetter = true): string {
  const ratio = higherIsBetter ? ours / theirs : theirs / ours;
  const f = (n: number) => n.toFixed(n >= 100 ? 0 : 2).padStart(10);
  return `${label.padEnd(34)}${f(ours)}${f(theirs)}  ${unit.padEnd(8)}${ratio.toFixed(2).padStart(6)}`;
}

const results: Record<string, Figures> = {};
for (const start of [startOurs, startTheirs]) {
  const target = await start();
  try {
    results[target.name] = await measure(target);
  } finally {
    await target.stop();
  }
}
const ours = results["ours"];
const theirs = results["coturn"];
if (!ours || !theirs) throw new Error("a measurement is missing");
console.log(`TURN benchmark, loopback, ${String(SECONDS)} s per figure, ${String(ALLOCATIONS)} allocations for memory`);
console.log(`${"".padEnd(34)}${"ours".padStart(10)}${"coturn".padStart(10)}  ${"unit".padEnd(8)}${"ratio".padStart(6)}`);
console.log(row("STUN Binding transactions", ours.binding, theirs.binding, "tx/s"));
console.log(row("Relay ChannelData echo (1000 B)", ours.channel.mbps, theirs.channel.mbps, "MB/s"));
console.log(row("Relay Send/Data echo (1000 B)", ours.send.mbps, theirs.send.mbps, "MB/s"));
console.log(row("Memory per allocation (RSS)", ours.memory / 1024, theirs.memory / 1024, "KiB", false));
console.log(`lost in the closed loop (window refilled): ours channel ${ours.channel.lossPercent.toFixed(1)}% send ${ours.send.lossPercent.toFixed(1)}%; coturn channel ${theirs.channel.lossPercent.toFixed(1)}% send ${theirs.send.lossPercent.toFixed(1)}%`);
console.log(`targets: Binding ratio >= 0.5 ${ours.binding / theirs.binding >= 0.5 ? "MET" : "NOT MET"}; relay ratio >= 0.8 ${Math.min(ours.channel.mbps / theirs.channel.mbps, ours.send.mbps / theirs.send.mbps) >= 0.8 ? "MET" : "NOT MET"}`);
