// Benchmark: our STUN/TURN server against coturn on this machine, side by side, on loopback.
//   node_modules/.bin/node tests/bench/turn-bench.ts [seconds per run, 1.5] [rounds, 5]
// Prints, for each figure, ours, coturn's and the ratio (ours / coturn; for memory, coturn / ours
// so that higher is better everywhere). Targets: Binding >= 0.5, relay >= 0.8.
// Both servers run as their own processes; the same Node load generator drives both.
import { fileURLToPath } from "node:url";
import { spawnLogged, startCoturn } from "../integration/turn/support/processes.ts";
import { cpus, loadavg } from "node:os";
import { bindingRate, cpuSecondsOf, memoryPerAllocation, relayRate } from "./turn-bench-load.ts";

const SECONDS = Number(process.argv[2] ?? 1.5);
const ROUNDS = Number(process.argv[3] ?? 5);
const SECRET = "benchmark-secret-0123456789";
const REALM = "bench.example";
const ALLOCATIONS = 500;

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

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

interface Sample {
  /** Throughput figure (tx/s or MB/s). */
  readonly value: number;
  /** Server CPU time per transaction or relayed packet, in microseconds: robust on a busy machine. */
  readonly cpuMicros: number;
}

/**
 * Both servers run the whole time; measurements alternate ours/coturn for ROUNDS rounds and the
 * median is kept, so load from other work on the machine hits both sides alike. The server's CPU
 * time per operation is recorded too: it does not depend on how busy the rest of the machine is.
 */
async function alternate(targets: readonly Target[], measure: (t: Target) => Promise<{ value: number; count: number }>): Promise<Sample[]> {
  const samples = targets.map(() => ({ values: [] as number[], cpu: [] as number[] }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, t] of targets.entries()) {
      const cpuBefore = cpuSecondsOf(t.pid);
      const { value, count } = await measure(t);
      samples[i]?.values.push(value);
      samples[i]?.cpu.push(((cpuSecondsOf(t.pid) - cpuBefore) * 1e6) / Math.max(1, count));
    }
  }
  return samples.map((s) => ({ value: median(s.values), cpuMicros: median(s.cpu) }));
}

function row(label: string, ours: number, theirs: number, unit: string, higherIsBetter = true): string {
  const ratio = higherIsBetter ? ours / theirs : theirs / ours;
  const f = (n: number) => n.toFixed(n >= 100 ? 0 : 2).padStart(10);
  return `${label.padEnd(40)}${f(ours)}${f(theirs)}  ${unit.padEnd(8)}${ratio.toFixed(2).padStart(6)}`;
}

const targets = [await startOurs(), await startTheirs()];
try {
  for (const t of targets) {
    await bindingRate(t.port, 0.5); // warm-up (JIT, socket buffers)
    await relayRate(t.port, SECRET, "channel", 0.5);
  }
  const none = { value: 0, cpuMicros: 0 };
  const [b = none, bc = none] = await alternate(targets, async (t) => {
    const r = await bindingRate(t.port, SECONDS);
    return { value: r.rate, count: r.count };
  });
  const [c = none, cc = none] = await alternate(targets, async (t) => {
    const r = await relayRate(t.port, SECRET, "channel", SECONDS);
    return { value: r.mbps, count: r.packets };
  });
  const [s = none, sc = none] = await alternate(targets, async (t) => {
    const r = await relayRate(t.port, SECRET, "send", SECONDS);
    return { value: r.mbps, count: r.packets };
  });
  const mOurs = targets[0] ? await memoryPerAllocation(targets[0].port, SECRET, targets[0].pid, ALLOCATIONS) : 0;
  const mTheirs = targets[1] ? await memoryPerAllocation(targets[1].port, SECRET, targets[1].pid, ALLOCATIONS) : 0;
  console.log(`TURN benchmark on loopback: median of ${String(ROUNDS)} alternating ${String(SECONDS)} s runs per figure; memory = RSS growth over ${String(ALLOCATIONS)} allocations`);
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${String(cpus().length)} CPUs`);
  console.log(`${"".padEnd(40)}${"ours".padStart(10)}${"coturn".padStart(10)}  ${"unit".padEnd(8)}${"ratio".padStart(6)}`);
  console.log(row("STUN Binding transactions", b.value, bc.value, "tx/s"));
  console.log(row("Relay ChannelData echo (1000 B)", c.value, cc.value, "MB/s"));
  console.log(row("Relay Send/Data echo (1000 B)", s.value, sc.value, "MB/s"));
  console.log(row("Server CPU per Binding", b.cpuMicros, bc.cpuMicros, "µs", false));
  console.log(row("Server CPU per relayed packet (channel)", c.cpuMicros, cc.cpuMicros, "µs", false));
  console.log(row("Server CPU per relayed packet (Send/Data)", s.cpuMicros, sc.cpuMicros, "µs", false));
  console.log(row("Memory per allocation (RSS)", mOurs / 1024, mTheirs / 1024, "KiB", false));
  console.log(`targets (throughput): Binding ratio >= 0.5 ${b.value / bc.value >= 0.5 ? "MET" : "NOT MET"}; relay ratio >= 0.8 ${Math.min(c.value / cc.value, s.value / sc.value) >= 0.8 ? "MET" : "NOT MET"}`);
} finally {
  for (const t of targets) await t.stop();
}
