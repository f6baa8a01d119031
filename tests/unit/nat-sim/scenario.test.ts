/**
 * The two-peer scenario against the outcomes RFC 4787's behaviours imply, reasoned out here (not
 * read off the model): which combinations of NAT A and NAT B let ICE-style checks find a direct
 * path, and which need a TURN relay.
 *
 * The reasoning, in four rules (srflx: the address the STUN server saw; prflx: one learned from a check):
 * 1. Both endpoint-independent mapping (EIM): each srflx is the address the peer will see, so the
 *    checks meet. A strict filter drops only the first check; the other side's check opens it.
 * 2. EIM + EIF or ADF against a destination-dependent mapping (ADM, APDM): that side's check to our
 *    srflx comes from a new port but the same address, so our filter lets it in; we learn the new
 *    port as a prflx and our checks to it succeed.
 * 3. EIM + APDF against ADM or APDM: the other side's new port is never one we sent to, so nothing of
 *    theirs gets in and we never learn it. Relay.
 * 4. Both destination-dependent: every check leaves by a new mapping. Both APDM never works (each
 *    answer goes out on yet another new port). With ADM, one new port serves every port at the peer's
 *    address, so some combinations with lenient filtering converge on prflx addresses.
 */
import { describe, expect, it } from "vitest";
import { behaviourShort, type NatBehaviour } from "../../../src/demos/nat-sim/behaviours.ts";
import { ALL_NATS, cellVerdict, matrixTally, outcomeMatrix, type CellVerdict } from "../../../src/demos/nat-sim/outcome-matrix.ts";
import { runScenario, type PacketStep } from "../../../src/demos/nat-sim/scenario.ts";

const nat = (short: string): NatBehaviour => {
  const found = ALL_NATS.find((n) => behaviourShort(n) === short);
  if (!found) throw new Error(`no NAT ${short}`);
  return found;
};

describe("named combinations (rows: NAT A | NAT B | outcome | why)", () => {
  it.each([
    ["EIM + EIF", "EIM + EIF", "direct", "rule 1: both srflx are right and nothing is filtered; the first checks succeed"],
    ["EIM + APDF", "EIM + APDF", "direct", "rule 1: A's first check is dropped by B's filter, B's check opens A's, A's next check gets in"],
    ["EIM + ADF", "EIM + APDF", "direct", "rule 1"],
    ["APDM + APDF", "APDM + APDF", "relay", "rule 4: the RFC 3489 symmetric NAT on both sides"],
    ["APDM + EIF", "APDM + EIF", "relay", "rule 4: even with open filters, every answer leaves from another new port"],
    ["APDM + APDF", "EIM + APDF", "relay", "rule 3"],
    ["APDM + EIF", "EIM + APDF", "relay", "rule 3: A's lenient filter cannot help B learn A's new port"],
    ["APDM + APDF", "EIM + ADF", "direct-prflx", "rule 2: B lets in A's check from A's new port once B has sent to A's address"],
    ["APDM + ADF", "EIM + EIF", "direct-prflx", "rule 2"],
    ["ADM + APDF", "EIM + ADF", "direct-prflx", "rule 2"],
    ["ADM + APDF", "EIM + APDF", "relay", "rule 3"],
    ["ADM + EIF", "ADM + EIF", "direct-prflx", "rule 4: each side's one new port toward the other is learned as a prflx"],
    ["ADM + ADF", "ADM + ADF", "relay", "rule 4: each srflx mapping only ever sent to the STUN server, so both filters drop every first check"],
  ] as [string, string, CellVerdict, string][])("%s vs %s: %s (%s)", (a, b, expected) => {
    expect(cellVerdict(runScenario(nat(a), nat(b)).outcome)).toBe(expected);
  });
});

describe("the full 9 × 9 outcome matrix", () => {
  // Rows NAT A, columns NAT B, both in ALL_NATS order. D: direct with srflx; P: direct through a prflx; -: relay.
  // The first three rows and columns are rules 1-3; the lower right 6 × 6 block is rule 4.
  const EXPECTED = `
               EIM+EIF EIM+ADF EIM+APDF ADM+EIF ADM+ADF ADM+APDF APDM+EIF APDM+ADF APDM+APDF
    EIM+EIF    D       D       D        P       P       P        P        P        P
    EIM+ADF    D       D       D        P       P       P        P        P        P
    EIM+APDF   D       D       D        -       -       -        -        -        -
    ADM+EIF    P       P       -        P       P       -        P        P        -
    ADM+ADF    P       P       -        P       -       -        P        -        -
    ADM+APDF   P       P       -        -       -       -        -        -        -
    APDM+EIF   P       P       -        P       P       -        -        -        -
    APDM+ADF   P       P       -        P       -       -        -        -        -
    APDM+APDF  P       P       -        -       -       -        -        -        -`;
  const symbol: Record<CellVerdict, string> = { direct: "D", "direct-prflx": "P", relay: "-" };
  const matrix = outcomeMatrix();

  it("matches the table", () => {
    const lines = EXPECTED.trim().split("\n").slice(1);
    const expected = lines.map((line) => line.trim().split(/\s+/u).slice(1));
    expect(matrix.map((row) => row.map((cell) => symbol[cellVerdict(cell.outcome)]))).toEqual(expected);
    expect(lines.map((line) => line.trim().split(/\s+/u)[0])).toEqual(ALL_NATS.map((n) => behaviourShort(n).replaceAll(" ", "")));
  });

  it("is symmetric: swapping A and B never changes whether they connect, nor whether a prflx was needed", () => {
    ALL_NATS.forEach((a, i) => {
      ALL_NATS.forEach((b, j) => {
        const ab = matrix[i]?.[j]?.outcome;
        const ba = matrix[j]?.[i]?.outcome;
        expect(ab && ba, "both cells exist").toBeTruthy();
        expect(ab && cellVerdict(ab), `${behaviourShort(a)} vs ${behaviourShort(b)}`).toBe(ba && cellVerdict(ba));
      });
    });
  });

  it("does not change with more rounds of checks: five are enough", () => {
    const longer = outcomeMatrix(12);
    expect(longer.map((row) => row.map((c) => cellVerdict(c.outcome)))).toEqual(matrix.map((row) => row.map((c) => cellVerdict(c.outcome))));
    expect(Math.max(...matrix.flat().flatMap((c) => (c.outcome.direct ? [c.outcome.rounds] : [])))).toBe(4);
  });
});

describe("the matrix when filters remember per inside socket", () => {
  const changed = (): string[] => {
    const perMapping = outcomeMatrix().flat();
    return outcomeMatrix(undefined, "socket")
      .flat()
      .flatMap((cell, i) => {
        const before = perMapping[i];
        return before && cellVerdict(before.outcome) !== cellVerdict(cell.outcome) ? [`${behaviourShort(cell.A)} | ${behaviourShort(cell.B)}: ${cellVerdict(before.outcome)} -> ${cellVerdict(cell.outcome)}`] : [];
      });
  };

  it("connects three more combinations, each through a peer-reflexive candidate, and changes nothing else", () => {
    expect(changed()).toEqual(["ADM + ADF | ADM + ADF: relay -> direct-prflx", "ADM + ADF | APDM + ADF: relay -> direct-prflx", "APDM + ADF | ADM + ADF: relay -> direct-prflx"]);
  });

  it("says so in the grid's tally", () => {
    expect(matrixTally(outcomeMatrix())).toBe("Of the 81 combinations, 9 connect with server-reflexive addresses, 33 only through peer-reflexive ones, and 39 need a relay.");
    expect(matrixTally(outcomeMatrix(undefined, "socket"))).toBe("Of the 81 combinations, 9 connect with server-reflexive addresses, 36 only through peer-reflexive ones, and 36 need a relay.");
  });

  it("ADM + ADF on both sides: a check from the other NAT's new mapping gets in because the socket sent to that address through another mapping", () => {
    const adf = { mapping: "address-dependent", filtering: "address-dependent" } as const;
    const run = runScenario(adf, adf, undefined, "socket");
    expect(run.config.filterMemory).toBe("socket");
    expect(run.outcome.direct).toBe(true);
    const reasons = run.steps.flatMap((step) => (step.kind === "packet" ? [step.reason] : []));
    expect(reasons.some((reason) => reason.includes("through any of its mappings, so the packet from"))).toBe(true);
    expect(runScenario(adf, adf).outcome.direct).toBe(false);
  });
});

describe("one run, packet by packet", () => {
  it("EIM + APDF on both sides: STUN, signaling, a dropped first check, then checks both ways", () => {
    const run = runScenario(nat("EIM + APDF"), nat("EIM + APDF"));
    const packets = run.steps.filter((s): s is PacketStep => s.kind === "packet");
    expect(packets.map((p) => [p.number, p.packet, p.from, p.delivered])).toEqual([
      [1, "binding-request", "A", true],
      [2, "binding-response", "S", true],
      [3, "binding-request", "B", true],
      [4, "binding-response", "S", true],
      [5, "check", "A", false],
      [6, "check", "B", true],
      [7, "check-response", "A", true],
      [8, "check", "A", true],
      [9, "check-response", "B", true],
    ]);
    expect(run.steps[4]).toMatchObject({ kind: "signaling", remote: { A: [{ address: { ip: "198.51.100.9", port: 41000 }, type: "srflx" }], B: [{ address: { ip: "203.0.113.5", port: 62000 }, type: "srflx" }] } });
    const dropped = packets[4];
    if (!dropped) throw new Error("no fifth packet");
    expect(dropped.sent).toEqual({ source: { ip: "192.168.1.23", port: 50000 }, destination: { ip: "198.51.100.9", port: 41000 } });
    expect(dropped.hops.map((h) => [h.nat, h.direction, h.accepted])).toEqual([
      ["A", "outbound", true],
      ["B", "inbound", false],
    ]);
    expect(dropped.hops[0]?.after?.source).toEqual({ ip: "203.0.113.5", port: 62000 });
    expect(dropped.result).toContain("Address-and-port-dependent filtering (RFC 4787 §5): 10.0.0.44:50000 has not sent to 203.0.113.5:62000 through this mapping");
    expect(run.outcome).toMatchObject({ direct: true, packets: 9, rounds: 2, viaPeerReflexive: false });
    expect(run.outcome.sentence).toBe("Direct path found after 9 packets (2 rounds of checks): A sends to B at 198.51.100.9:41000, B sends to A at 203.0.113.5:62000.");
    // Endpoint-independent mapping: one mapping per NAT, which has sent to the STUN server and the peer.
    const last = run.steps.at(-1);
    if (!last) throw new Error("no steps");
    expect(last.tables.A.map((m) => [m.external.port, m.sentTo.length])).toEqual([[62000, 2]]);
    expect(last.tables.B.map((m) => [m.external.port, m.sentTo.length])).toEqual([[41000, 2]]);
  });

  it("APDM + APDF vs EIM + ADF: the check from A's new port is learned as a peer-reflexive candidate", () => {
    const run = runScenario(nat("APDM + APDF"), nat("EIM + ADF"));
    const notes = run.steps.flatMap((s) => s.notes);
    expect(notes).toContain("The check came from 203.0.113.5:62001, an address B did not know: B learns it as a peer-reflexive candidate (RFC 8445 §7.3.1.3) and checks it next round.");
    expect(notes.some((n) => n.startsWith("The response says B saw A as 203.0.113.5:62001") && n.includes("§7.2.5.3.1"))).toBe(true);
    expect(run.outcome.direct && run.outcome.pairs.B.remote).toEqual({ address: { ip: "203.0.113.5", port: 62001 }, type: "prflx" });
    // NAT A made one mapping for the STUN server and one for B's srflx.
    expect(run.steps.at(-1)?.tables.A.map((m) => m.madeFor)).toEqual([
      { ip: "192.0.2.10", port: 3478 },
      { ip: "198.51.100.9", port: 41000 },
    ]);
  });

  it("APDM + EIF on both sides: answers from unexpected ports fail the checks, and the run ends with a relay", () => {
    const run = runScenario(nat("APDM + EIF"), nat("APDM + EIF"));
    const packets = run.steps.filter((s): s is PacketStep => s.kind === "packet");
    expect(packets.some((p) => p.notes.some((n) => /not symmetric, so the check fails \(RFC 8445 §7\.2\.5\.2\.1\)/u.test(n)))).toBe(true);
    expect(run.outcome).toMatchObject({ direct: false, rounds: 5, packets: packets.length });
    expect(run.outcome.sentence).toMatch(/^No direct path after \d+ packets \(5 rounds of checks\): a TURN relay is needed\.$/u);
  });

  it("logs both dropped and delivered packets when a strict NAT meets a symmetric one", () => {
    const run = runScenario(nat("APDM + APDF"), nat("EIM + APDF"));
    const packets = run.steps.filter((s): s is PacketStep => s.kind === "packet");
    expect(packets.some((p) => p.delivered)).toBe(true);
    expect(packets.some((p) => !p.delivered)).toBe(true);
    expect(run.outcome.direct).toBe(false);
  });
});
