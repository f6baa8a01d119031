/**
 * One run of the simulator: two peers behind their NATs try to reach each other directly, the way
 * WebRTC does it.
 *
 * 1. STUN: each peer sends a Binding request to the STUN server and learns, from the response's
 *    XOR-MAPPED-ADDRESS, its server-reflexive address: the external address of the mapping its NAT
 *    made for that request (RFC 8489 §14.2).
 * 2. Signaling hands each peer the other's server-reflexive address (the srflx candidate).
 * 3. Connectivity checks, in rounds, as ICE does (RFC 8445 §7.2): each peer sends a STUN check to
 *    every remote candidate it knows; a peer that receives a check answers to the address the check
 *    came from (§7.3.1), and if that address is new to it, learns it as a peer-reflexive candidate
 *    (§7.3.1.3) to check in the next round. A check succeeds when its response comes back from the
 *    address the check went to (§7.2.5.2.1); a response from anywhere else fails it.
 *
 * The run stops when both peers have a succeeded check (each can reach the other directly), or
 * after the last round: then only a TURN relay can connect them.
 *
 * Simplifications: host candidates are left out (private addresses in two different homes cannot
 * reach each other), each round stands for ICE's retransmissions and triggered checks, and packets
 * are carried one at a time, A's and B's checks taking turns.
 */
import type { FilterMemory, NatBehaviour } from "./behaviours.ts";
import { formatAddress, sameAddress, type Mapping, type TransportAddress } from "./nat.ts";
import { ADDRESSES, Network, other, socketOf, type Hop, type Side } from "./network.ts";

/**
 * Rounds of checks before the run gives up: the slowest combination that connects at all needs
 * four, and a fifth shows nothing more happens (tests/unit/nat-sim/scenario.test.ts runs twelve).
 */
export const DEFAULT_ROUNDS = 5;

export type PacketKind = "binding-request" | "binding-response" | "check" | "check-response";

export interface CandidateInfo {
  readonly address: TransportAddress;
  /** srflx: learned from the STUN server (via signaling, for a remote one); prflx: learned from a check. */
  readonly type: "srflx" | "prflx";
}

export interface StepState {
  readonly tables: { readonly A: readonly Mapping[]; readonly B: readonly Mapping[] };
  /** What each peer knows of the other's addresses. */
  readonly remote: { readonly A: readonly CandidateInfo[]; readonly B: readonly CandidateInfo[] };
}

export interface PacketStep extends StepState {
  readonly kind: "packet";
  /** 1-based count of packets sent so far, this one included. */
  readonly number: number;
  readonly phase: string;
  readonly packet: PacketKind;
  readonly from: "A" | "B" | "S";
  /** The addresses the sender wrote on the packet. */
  readonly sent: { readonly source: TransportAddress; readonly destination: TransportAddress };
  readonly hops: readonly Hop[];
  readonly delivered: boolean;
  readonly deliveredTo: "A" | "B" | "S" | undefined;
  /** What happened to the packet, then why: `${headline} ${reason}`. */
  readonly result: string;
  /** What happened, in one sentence: "A's check to 198.51.100.9:41000 (srflx) was dropped." */
  readonly headline: string;
  /** Why, from the NAT (or the Internet) that decided its fate. */
  readonly reason: string;
  /** What the receiver learned or concluded from it. */
  readonly notes: readonly string[];
}

export interface SignalingStep extends StepState {
  readonly kind: "signaling";
  readonly phase: string;
  readonly result: string;
  readonly notes: readonly string[];
}

export type Step = PacketStep | SignalingStep;

/** A peer's succeeded check: its socket reaches `remote`, and the NAT showed the other side `mapped`. */
export interface ValidPair {
  readonly remote: CandidateInfo;
  /** The XOR-MAPPED-ADDRESS of the response: this peer's address as the other peer sees it. */
  readonly mapped: TransportAddress;
}

export type Outcome =
  | { readonly direct: true; readonly packets: number; readonly rounds: number; readonly pairs: { readonly A: ValidPair; readonly B: ValidPair }; readonly viaPeerReflexive: boolean; readonly sentence: string }
  | { readonly direct: false; readonly packets: number; readonly rounds: number; readonly sentence: string };

export interface ScenarioRun {
  readonly config: { readonly A: NatBehaviour; readonly B: NatBehaviour; readonly filterMemory: FilterMemory };
  readonly steps: readonly Step[];
  readonly outcome: Outcome;
}

interface PeerState {
  srflx: TransportAddress | undefined;
  remote: CandidateInfo[];
  /** Checks answered from the wrong address (RFC 8445 §7.2.5.2.1): not sent again. */
  failed: TransportAddress[];
  valid: ValidPair | undefined;
}

export function runScenario(A: NatBehaviour, B: NatBehaviour, rounds = DEFAULT_ROUNDS, filterMemory: FilterMemory = "mapping"): ScenarioRun {
  const net = new Network(A, B, filterMemory);
  const peers: Record<Side, PeerState> = {
    A: { srflx: undefined, remote: [], failed: [], valid: undefined },
    B: { srflx: undefined, remote: [], failed: [], valid: undefined },
  };
  const steps: Step[] = [];
  let packets = 0;
  const state = (): StepState => ({ tables: net.tables(), remote: { A: [...peers.A.remote], B: [...peers.B.remote] } });

  /** Sends one packet, logs it and returns where it arrived and the source the receiver saw. */
  const send = (phase: string, packet: PacketKind, from: "A" | "B" | "S", destination: TransportAddress, describe: (delivered: boolean) => string, learn: (arrivedFrom: TransportAddress) => string[]) => {
    packets += 1;
    const carried = net.send(from, destination);
    const notes = carried.arrived ? learn(carried.arrived.source) : [];
    const headline = describe(carried.deliveredTo !== undefined);
    steps.push({
      kind: "packet",
      number: packets,
      phase,
      packet,
      from,
      sent: { source: socketOf(from), destination },
      hops: carried.hops,
      delivered: carried.deliveredTo !== undefined,
      deliveredTo: carried.deliveredTo,
      result: `${headline} ${carried.reason}`,
      headline,
      reason: carried.reason,
      notes,
      ...state(),
    });
    return carried.arrived;
  };

  // Step 1: STUN. The server answers to the source it saw, which is the NAT's mapping.
  for (const side of ["A", "B"] as const) {
    const request = send("STUN", "binding-request", side, ADDRESSES.stun, (ok) => `${side}'s Binding request to the STUN server ${ok ? "arrived" : "was lost"}.`, () => []);
    if (!request) continue;
    const seen = request.source;
    send("STUN", "binding-response", "S", seen, (ok) => `The STUN server's response to ${formatAddress(seen)} ${ok ? `reached ${side}` : "was dropped"}.`, () => {
      peers[side].srflx = seen;
      return [`${side} learns its server-reflexive address ${formatAddress(seen)} from XOR-MAPPED-ADDRESS.`];
    });
  }

  // Step 2: signaling carries each srflx candidate to the other peer (over the signaling server, not through this UDP path).
  const told: string[] = [];
  for (const side of ["A", "B"] as const) {
    const srflx = peers[other(side)].srflx;
    if (srflx) {
      peers[side].remote.push({ address: srflx, type: "srflx" });
      told.push(`${side} learns ${other(side)}'s server-reflexive candidate ${formatAddress(srflx)}.`);
    }
  }
  steps.push({ kind: "signaling", phase: "Signaling", result: "The peers swap their server-reflexive candidates through the signaling server.", notes: told, ...state() });

  /** One check from `side` to `target` and, if it arrives, its answer to the source the check came from. */
  function check(phase: string, side: Side, target: CandidateInfo): void {
    const peer = other(side);
    const to = formatAddress(target.address);
    const arrived = send(phase, "check", side, target.address, (ok) => `${side}'s check to ${to} (${target.type}) ${ok ? `reached ${peer}` : "was dropped"}.`, (source) => {
      const known = peers[peer].remote.some((c) => sameAddress(c.address, source));
      if (known) return [];
      peers[peer].remote.push({ address: source, type: "prflx" });
      return [`The check came from ${formatAddress(source)}, an address ${peer} did not know: ${peer} learns it as a peer-reflexive candidate (RFC 8445 §7.3.1.3) and checks it next round.`];
    });
    if (!arrived) return;
    const answerTo = arrived.source;
    send(phase, "check-response", peer, answerTo, (ok) => `${peer}'s response to ${formatAddress(answerTo)} ${ok ? `reached ${side}` : "was dropped"}.`, (source) => {
      if (!sameAddress(source, target.address)) {
        peers[side].failed.push(target.address);
        return [`The response came from ${formatAddress(source)}, not ${to} where the check went: the addresses are not symmetric, so the check fails (RFC 8445 §7.2.5.2.1).`];
      }
      peers[side].valid = { remote: target, mapped: answerTo };
      const notes = [`${side}'s check succeeded: ${side} can reach ${peer} at ${to}.`];
      const srflx = peers[side].srflx;
      if (!srflx || !sameAddress(srflx, answerTo)) {
        notes.push(`The response says ${peer} saw ${side} as ${formatAddress(answerTo)}, not ${side}'s server-reflexive address: ${side} learns it as its own peer-reflexive candidate (RFC 8445 §7.2.5.3.1).`);
      }
      return notes;
    });
  }

  // Step 3: connectivity checks.
  let round = 0;
  const done = () => peers.A.valid !== undefined && peers.B.valid !== undefined;
  while (round < rounds && !done()) {
    round += 1;
    const phase = `Checks, round ${round}`;
    // A peer with a succeeded check sends no more (ICE would go on checking other pairs until it
    // nominates one; here the first path that works is the answer). Failed checks are not repeated.
    const queue = (side: Side) => (peers[side].valid ? [] : peers[side].remote.filter((c) => !peers[side].failed.some((f) => sameAddress(f, c.address))));
    const a = queue("A");
    const b = queue("B");
    const turns: [Side, CandidateInfo][] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const [fromA, fromB] = [a[i], b[i]];
      if (fromA) turns.push(["A", fromA]);
      if (fromB) turns.push(["B", fromB]);
    }
    for (const [side, target] of turns) {
      if (done()) break;
      if (!peers[side].valid) check(phase, side, target);
    }
  }

  return { config: { A, B, filterMemory }, steps, outcome: outcomeOf(peers, packets, round) };
}

function outcomeOf(peers: Record<Side, PeerState>, packets: number, rounds: number): Outcome {
  const { A, B } = { A: peers.A.valid, B: peers.B.valid };
  if (A && B) {
    const viaPeerReflexive = A.remote.type === "prflx" || B.remote.type === "prflx";
    const how = viaPeerReflexive ? ", found through a peer-reflexive candidate" : "";
    return {
      direct: true,
      packets,
      rounds,
      pairs: { A, B },
      viaPeerReflexive,
      sentence: `Direct path found after ${packets} packets (${rounds} ${rounds === 1 ? "round" : "rounds"} of checks)${how}: A sends to B at ${formatAddress(A.remote.address)}, B sends to A at ${formatAddress(B.remote.address)}.`,
    };
  }
  return { direct: false, packets, rounds, sentence: `No direct path after ${packets} packets (${rounds} rounds of checks): a TURN relay is needed.` };
}
