/**
 * Every combination at once: the nine NATs of the mapping × filtering grid (RFC 4787 §4.1 × §5)
 * for peer A against the same nine for peer B, each cell the outcome of a full simulator run.
 * The lesson's server-rendered table and the island's grid both come from here, so what the page
 * says without JavaScript is what the simulator computes.
 */
import { DEPENDENCES, type FilterMemory, type NatBehaviour } from "./behaviours.ts";
import { DEFAULT_ROUNDS, runScenario, type Outcome } from "./scenario.ts";

/** The nine NATs in grid order: mapping outer (EIM, ADM, APDM), filtering inner (EIF, ADF, APDF). */
export const ALL_NATS: readonly NatBehaviour[] = DEPENDENCES.flatMap((mapping) => DEPENDENCES.map((filtering) => ({ mapping, filtering })));

export interface MatrixCell {
  readonly A: NatBehaviour;
  readonly B: NatBehaviour;
  readonly outcome: Outcome;
}

/** rows[i][j]: NAT A is ALL_NATS[i], NAT B is ALL_NATS[j]. */
export function outcomeMatrix(rounds = DEFAULT_ROUNDS, filterMemory: FilterMemory = "mapping"): readonly (readonly MatrixCell[])[] {
  return ALL_NATS.map((A) => ALL_NATS.map((B) => ({ A, B, outcome: runScenario(A, B, rounds, filterMemory).outcome })));
}

/** The grid's summary sentence, counted from the matrix. */
export function matrixTally(matrix: readonly (readonly MatrixCell[])[]): string {
  const cells = matrix.flat();
  const count = (verdict: CellVerdict): number => cells.filter((c) => cellVerdict(c.outcome) === verdict).length;
  return `Of the ${cells.length} combinations, ${count("direct")} connect with server-reflexive addresses, ${count("direct-prflx")} only through peer-reflexive ones, and ${count("relay")} need a relay.`;
}

/** "direct", "direct via prflx" or "relay": a cell in one word or three, for tables and tests. */
export type CellVerdict = "direct" | "direct-prflx" | "relay";

export function cellVerdict(outcome: Outcome): CellVerdict {
  if (!outcome.direct) return "relay";
  return outcome.viaPeerReflexive ? "direct-prflx" : "direct";
}
