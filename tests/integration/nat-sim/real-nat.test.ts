/**
 * The NAT simulator (src/demos/nat-sim/) against real Linux NATs. In a lab of network namespaces
 * (./two-nat-lab.ts), two peers behind two iptables MASQUERADE routers run the simulator's protocol
 * with real UDP sockets (./udp-peer.ts): learn their server-reflexive addresses from a reflector,
 * swap them, check each other in rounds. For each combination of plain MASQUERADE and MASQUERADE
 * --random:
 *
 * 1. each NAT's mapping and filtering behaviour is measured through it, not assumed;
 * 2. the real hole punch must end as runScenario(measured A, measured B) says: a direct path
 *    through the srflx candidates, one through a peer-reflexive candidate, or none (relay needed).
 *
 * Needs Linux and root (namespaces, iptables); anywhere else every test fails, saying why.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { behaviourShort, type NatBehaviour } from "../../../src/demos/nat-sim/behaviours.ts";
import { cellVerdict, type CellVerdict } from "../../../src/demos/nat-sim/outcome-matrix.ts";
import { DEFAULT_ROUNDS, runScenario } from "../../../src/demos/nat-sim/scenario.ts";
import { natLabUnavailableReason, type NatKind } from "../../e2e/nat/netns-lab.ts";
import { startPeer, startReflector, type PeerProcess } from "./lab-processes.ts";
import { measuredBehaviour } from "./measured-behaviour.ts";
import { createTwoNatLab, type Home, type TwoNatLab } from "./two-nat-lab.ts";
import type { PeerEvent } from "./wire.ts";

/** Between rounds of checks: each round stands for ICE's pacing of checks and retransmissions. */
const ROUND_MS = 100;

/**
 * What Linux conntrack is expected to measure as; the comparison with the model uses what was
 * measured, this only says when the kernel surprises us. Plain MASQUERADE keeps the inside port
 * for every destination when it is free (endpoint-independent mapping in effect); --random picks a
 * new random port for each new destination. Conntrack lets in only replies from the exact address
 * and port a connection was made to.
 */
const EXPECTED: Record<NatKind, NatBehaviour> = {
  masquerade: { mapping: "endpoint-independent", filtering: "address-and-port-dependent" },
  "masquerade-random": { mapping: "address-and-port-dependent", filtering: "address-and-port-dependent" },
};

const COMBINATIONS: [NatKind, NatKind][] = [
  ["masquerade", "masquerade"],
  ["masquerade", "masquerade-random"],
  ["masquerade-random", "masquerade-random"],
];

const unavailable = natLabUnavailableReason();
const label = (kind: NatKind): string => (kind === "masquerade" ? "MASQUERADE" : "MASQUERADE --random");

type Punched = Extract<PeerEvent, { event: "punched" }>;

/** The real run in the simulator's words: srflx pair, prflx pair or none. */
function realVerdict(A: Punched, B: Punched): CellVerdict {
  if (!A.valid || !B.valid) return "relay";
  return A.valid.remote.type === "prflx" || B.valid.remote.type === "prflx" ? "direct-prflx" : "direct";
}

describe.each(COMBINATIONS)("NAT A %s, NAT B %s", (kindA, kindB) => {
  let lab: TwoNatLab | undefined;
  const stops: (() => Promise<void>)[] = [];
  const peers: Partial<Record<"A" | "B", PeerProcess>> = {};
  const measured: Partial<Record<"A" | "B", NatBehaviour>> = {};

  // A set-up failure is kept and thrown by each test (vitest would report the tests of a failed
  // beforeAll as skipped): without the lab, these tests fail, saying why.
  let setupError: Error | undefined;
  beforeAll(async () => {
    try {
      if (unavailable) throw new Error(`the real-NAT lab cannot be built here: it ${unavailable}`);
      lab = createTwoNatLab(`rn${String(process.pid % 100000)}${String(COMBINATIONS.findIndex(([a, b]) => a === kindA && b === kindB))}`, { A: kindA, B: kindB });
      stops.push(await startReflector(lab));
      for (const side of ["A", "B"] as const) {
        const peer = await startPeer(lab[side].peer);
        peers[side] = peer;
        stops.push(() => peer.stop());
      }
    } catch (error) {
      setupError = error instanceof Error ? error : new Error(String(error));
    }
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    lab?.destroy();
  });

  const ready = (): { lab: TwoNatLab; A: PeerProcess; B: PeerProcess } => {
    if (setupError) throw setupError;
    if (!lab || !peers.A || !peers.B) throw new Error("the lab was not set up");
    return { lab, A: peers.A, B: peers.B };
  };

  it(`measures NAT A (${label(kindA)}) as ${behaviourShort(EXPECTED[kindA])} and NAT B (${label(kindB)}) as ${behaviourShort(EXPECTED[kindB])}`, async () => {
    const { lab, A, B } = ready();
    const measure = async (peer: PeerProcess, home: Home): Promise<NatBehaviour> => {
      const { report } = await peer.ask({ cmd: "probe", reflector: lab.reflector }, "probed");
      return measuredBehaviour(report, home.publicAddress);
    };
    measured.A = await measure(A, lab.A);
    measured.B = await measure(B, lab.B);
    expect({ A: behaviourShort(measured.A), B: behaviourShort(measured.B) }).toEqual({ A: behaviourShort(EXPECTED[kindA]), B: behaviourShort(EXPECTED[kindB]) });
  });

  it("hole-punches exactly as the simulator predicts for the measured behaviours", async () => {
    const { lab, A, B } = ready();
    if (!measured.A || !measured.B) throw new Error("the NATs were not measured (see the test above)");
    const predicted = runScenario(measured.A, measured.B).outcome;

    const srflxA = (await A.ask({ cmd: "stun", reflector: lab.reflector }, "srflx")).address;
    const srflxB = (await B.ask({ cmd: "stun", reflector: lab.reflector }, "srflx")).address;
    expect(srflxA.ip).toBe(lab.A.publicAddress);
    expect(srflxB.ip).toBe(lab.B.publicAddress);
    // Signaling: each learns the other's srflx candidate; both start checking at once.
    const [realA, realB] = await Promise.all([
      A.ask({ cmd: "punch", remote: srflxB, rounds: DEFAULT_ROUNDS, intervalMs: ROUND_MS }, "punched"),
      B.ask({ cmd: "punch", remote: srflxA, rounds: DEFAULT_ROUNDS, intervalMs: ROUND_MS }, "punched"),
    ]);

    const story = [
      `model (${behaviourShort(measured.A)} vs ${behaviourShort(measured.B)}): ${predicted.sentence}`,
      `real A (srflx ${srflxA.ip}:${String(srflxA.port)}): ${realA.log.join("; ")}`,
      `real B (srflx ${srflxB.ip}:${String(srflxB.port)}): ${realB.log.join("; ")}`,
    ].join("\n");
    expect(realVerdict(realA, realB), story).toBe(cellVerdict(predicted));
  });
});
