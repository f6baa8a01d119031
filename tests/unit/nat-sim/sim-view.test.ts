/**
 * The words the simulator island shows (sim-view.ts): packet-log rows, the NAT tables' rows, the
 * live region's line and the grid's cell text, for real runs of the model.
 */
import { describe, expect, it } from "vitest";
import type { NatBehaviour } from "../../../src/demos/nat-sim/behaviours.ts";
import { runScenario } from "../../../src/demos/nat-sim/scenario.ts";
import { Network } from "../../../src/demos/nat-sim/network.ts";
import { hopText, knownCandidates, logRow, stepSummary, tableRows, verdictText } from "../../../src/demos/nat-sim/sim-view.ts";

const EIM_APDF: NatBehaviour = { mapping: "endpoint-independent", filtering: "address-and-port-dependent" };
const APDM_APDF: NatBehaviour = { mapping: "address-and-port-dependent", filtering: "address-and-port-dependent" };
const run = runScenario(EIM_APDF, EIM_APDF);
const step = (i: number) => {
  const s = run.steps[i];
  if (!s) throw new Error(`no step ${i}`);
  return s;
};

describe("logRow", () => {
  it("names the packet, the addresses as sent, each NAT's part and the result", () => {
    expect(logRow(step(0))).toEqual({
      number: "1",
      phase: "STUN",
      packet: "STUN Binding request, A → S",
      sent: "192.168.1.23:50000 → 192.0.2.10:3478",
      nats: ["NAT A, out: source becomes 203.0.113.5:62000 (new mapping)"],
      fate: "delivered",
      head: "Delivered to the STUN server.",
      detail: "The server is on the public Internet: no NAT stands in front of it.",
    });
    expect(logRow(step(1))).toMatchObject({ packet: "STUN Binding response, S → A", nats: ["NAT A, in: destination becomes 192.168.1.23:50000"], head: "Delivered to A." });
    expect(logRow(step(1)).detail).toMatch(/A learns its server-reflexive address 203\.0\.113\.5:62000 from XOR-MAPPED-ADDRESS\.$/u);
    expect(logRow(step(3)).packet).toBe("STUN Binding response, S → B");
  });

  it("says which NAT dropped a packet and why", () => {
    const row = logRow(step(5));
    expect(row).toMatchObject({ number: "5", phase: "Checks, round 1", packet: "Connectivity check, A → B", fate: "dropped", head: "Dropped by NAT B." });
    expect(row.nats).toEqual(["NAT A, out: source becomes 203.0.113.5:62000 (mapping reused)", "NAT B, in: dropped, by the filter"]);
    expect(row.detail).toMatch(/^Address-and-port-dependent filtering \(RFC 4787 §5\)/u);
  });

  it("tells a packet to a port with no mapping from one the filter dropped", () => {
    const net = new Network(EIM_APDF, EIM_APDF);
    net.send("A", { ip: "192.0.2.10", port: 3478 });
    const nowhere = net.send("S", { ip: "203.0.113.5", port: 62099 });
    const stranger = net.send("B", { ip: "203.0.113.5", port: 62000 });
    expect(nowhere.hops.map(hopText)).toEqual(["NAT A, in: dropped, no mapping for that port"]);
    expect(stranger.hops.map(hopText)).toEqual(["NAT B, out: source becomes 198.51.100.9:41000 (new mapping)", "NAT A, in: dropped, by the filter"]);
    expect(nowhere.reason).toMatch(/^No mapping has external address 203\.0\.113\.5:62099/u);
  });

  it("shows signaling as a step that does not cross the NATs", () => {
    expect(logRow(step(4))).toMatchObject({ number: "–", fate: "signaling", nats: [], sent: "through the signaling server, not these NATs" });
  });
});

describe("tableRows and knownCandidates", () => {
  it("marks the mappings the step made as new", () => {
    const first = step(0);
    expect(tableRows(first.tables.A, [])).toEqual([{ inside: "192.168.1.23:50000", outside: "203.0.113.5:62000", madeFor: "192.0.2.10:3478", sentTo: "192.0.2.10:3478", isNew: true }]);
    expect(tableRows(step(5).tables.A, step(4).tables.A)).toEqual([
      { inside: "192.168.1.23:50000", outside: "203.0.113.5:62000", madeFor: "192.0.2.10:3478", sentTo: "192.0.2.10:3478, 198.51.100.9:41000", isNew: false },
    ]);
  });

  it("lists what a peer knows of the other, with the candidate type", () => {
    expect(knownCandidates([])).toBe("nothing yet");
    expect(knownCandidates(step(4).remote.A)).toBe("198.51.100.9:41000 (srflx)");
  });
});

describe("stepSummary", () => {
  it("reads out the choice before the first step, each step as it is shown, and the outcome after the last", () => {
    const total = run.steps.length;
    expect(stepSummary(run, 0)).toBe(`Ready: NAT A is EIM + APDF (once called port restricted cone), NAT B is EIM + APDF (once called port restricted cone). ${total} steps to go; press Next step.`);
    expect(stepSummary(run, 6)).toMatch(new RegExp(`^Step 6 of ${total}, checks, round 1: A's check to 198\\.51\\.100\\.9:41000 \\(srflx\\) was dropped\\. `, "u"));
    expect(stepSummary(run, 5)).toMatch(/^Step 5 of \d+: The peers swap their server-reflexive candidates/u);
    expect(stepSummary(run, total).endsWith(run.outcome.sentence)).toBe(true);
    expect(stepSummary(run, total - 1)).not.toContain(run.outcome.sentence);
  });
});

describe("verdictText", () => {
  it("has a word for each kind of outcome", () => {
    expect(verdictText(run.outcome)).toBe("direct");
    expect(verdictText(runScenario(APDM_APDF, EIM_APDF).outcome)).toBe("relay");
    expect(verdictText(runScenario(APDM_APDF, { mapping: "endpoint-independent", filtering: "address-dependent" }).outcome)).toBe("direct (prflx)");
  });
});
