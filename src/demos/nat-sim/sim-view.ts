/**
 * What the simulator island shows for a run, as plain data and text (no DOM), so the words the
 * reader sees are unit-tested: one packet-log row per step, the NAT tables' rows, the line read out
 * by the live region, and the cells of the outcome grid.
 */
import { behaviourShort, oldName, type FilterMemory, type NatBehaviour } from "./behaviours.ts";
import { formatAddress, sameAddress, type Mapping } from "./nat.ts";
import { ADDRESSES, type Hop } from "./network.ts";
import type { CandidateInfo, Outcome, PacketKind, ScenarioRun, Step } from "./scenario.ts";
import { cellVerdict, matrixTally, type CellVerdict, type MatrixCell } from "./outcome-matrix.ts";

const PACKET_NAMES: Record<PacketKind, string> = {
  "binding-request": "STUN Binding request",
  "binding-response": "STUN Binding response",
  check: "Connectivity check",
  "check-response": "Check response",
};

export interface LogRow {
  /** "1", "2", … for packets; "–" for the signaling step. */
  readonly number: string;
  readonly phase: string;
  /** What the packet is and who sent it to whom, e.g. "Connectivity check, A → B". */
  readonly packet: string;
  /** Source and destination as the sender wrote them. */
  readonly sent: string;
  /** What each NAT on the way did, in the order the packet met them: "NAT A, out: source becomes …". */
  readonly nats: readonly string[];
  readonly fate: "delivered" | "dropped" | "signaling";
  /** "Delivered to B." or "Dropped by NAT B." */
  readonly head: string;
  /** Why, then what the receiver learned. */
  readonly detail: string;
}

export function logRow(step: Step): LogRow {
  if (step.kind === "signaling") {
    return { number: "–", phase: step.phase, packet: "Candidates swapped", sent: "through the signaling server, not these NATs", nats: [], fate: "signaling", head: step.result, detail: step.notes.join(" ") };
  }
  const to = step.packet === "binding-request" ? "S" : step.packet === "binding-response" ? (step.sent.destination.ip === ADDRESSES.natA ? "A" : "B") : step.from === "A" ? "B" : "A";
  const dropped = step.hops.find((h) => !h.accepted);
  const fate = step.delivered ? "delivered" : "dropped";
  const head = step.delivered ? `Delivered to ${hostName(step.deliveredTo ?? "S")}.` : dropped ? `Dropped by NAT ${dropped.nat}.` : "Lost.";
  return {
    number: String(step.number),
    phase: step.phase,
    packet: `${PACKET_NAMES[step.packet]}, ${step.from} → ${to}`,
    sent: `${formatAddress(step.sent.source)} → ${formatAddress(step.sent.destination)}`,
    nats: step.hops.map(hopText),
    fate,
    head,
    detail: [step.reason, ...step.notes].join(" "),
  };
}

const hostName = (host: "A" | "B" | "S"): string => (host === "S" ? "the STUN server" : host);

/** A NAT's part in a packet's journey, in a few words. */
export function hopText(hop: Hop): string {
  const nat = `NAT ${hop.nat}`;
  if (hop.direction === "outbound") {
    return `${nat}, out: source becomes ${formatAddress(hop.after?.source ?? hop.before.source)} (${hop.createdMapping ? "new mapping" : "mapping reused"})`;
  }
  if (!hop.accepted) return `${nat}, in: dropped, ${hop.dropped === "no-mapping" ? "no mapping for that port" : "by the filter"}`;
  return `${nat}, in: destination becomes ${formatAddress(hop.after?.destination ?? hop.before.destination)}`;
}

export interface TableRow {
  readonly inside: string;
  readonly outside: string;
  readonly madeFor: string;
  readonly sentTo: string;
  /** Made by the step being shown. */
  readonly isNew: boolean;
}

/** The rows of one NAT's table after `step`, with the mappings `previous` did not have marked new. */
export function tableRows(mappings: readonly Mapping[], previous: readonly Mapping[]): TableRow[] {
  return mappings.map((m) => ({
    inside: formatAddress(m.internal),
    outside: formatAddress(m.external),
    madeFor: formatAddress(m.madeFor),
    sentTo: m.sentTo.map(formatAddress).join(", "),
    isNew: !previous.some((p) => sameAddress(p.external, m.external)),
  }));
}

/** "198.51.100.9:41000 (srflx), 198.51.100.9:41001 (prflx)", or a dash before signaling. */
export function knownCandidates(candidates: readonly CandidateInfo[]): string {
  return candidates.length === 0 ? "nothing yet" : candidates.map((c) => `${formatAddress(c.address)} (${c.type})`).join(", ");
}

/** The live region's line for the step just shown (1-based `shown` of `total`). */
export function stepSummary(run: ScenarioRun, shown: number): string {
  const total = run.steps.length;
  if (shown === 0) return `Ready: NAT A is ${describeNat(run.config.A)}, NAT B is ${describeNat(run.config.B)}. ${total} steps to go; press Next step.`;
  const step = run.steps[shown - 1];
  if (!step) return "";
  const head = step.kind === "packet" ? `Step ${shown} of ${total}, ${step.phase.toLowerCase()}: ${step.result}` : `Step ${shown} of ${total}: ${step.result}`;
  const tail = shown === total ? ` ${run.outcome.sentence}` : "";
  return `${[head, ...step.notes].join(" ")}${tail}`;
}

/** "EIM + APDF (once called port restricted cone)": the RFC 4787 pair, with its RFC 3489 name if it had one. */
export function describeNat(nat: NatBehaviour): string {
  const old = oldName(nat);
  return old ? `${behaviourShort(nat)} (once called ${old})` : behaviourShort(nat);
}

export const VERDICT_TEXT: Record<CellVerdict, string> = { direct: "direct", "direct-prflx": "direct (prflx)", relay: "relay" };

export function verdictText(outcome: Outcome): string {
  return VERDICT_TEXT[cellVerdict(outcome)];
}

/** The grid's note on what its filters count as sent (behaviours.ts FilterMemory). */
export const FILTER_MEMORY_TEXT: Record<FilterMemory, string> = {
  mapping: "Here a filter counts only what was sent through the mapping a packet arrives on.",
  socket: "Here a filter counts what the inside socket sent through any of its mappings.",
};

/** The grid's tally and the reading of filter memory it was computed with. */
export function gridTally(matrix: readonly (readonly MatrixCell[])[], memory: FilterMemory): string {
  return `${matrixTally(matrix)} ${FILTER_MEMORY_TEXT[memory]}`;
}
