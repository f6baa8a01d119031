/**
 * Pure pieces behind the lesson embeds and /inspect/: the mapping run read into mapping-verdict's
 * input (moved out of inspect-element.ts), the one-line type explanations and the counts line.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CANDIDATE_COLUMNS, candidateTableRow, type CandidateTableRow } from "../../../src/components/candidates/rows.ts";
import { candidateTypeLine, typesPresent } from "../../../src/demos/inspect/explain.ts";
import { toMappingInput } from "../../../src/demos/inspect/mapping-check.ts";
import { countsText } from "../../../src/demos/inspect/session.ts";
import { mappingVerdict } from "../../../src/shared/ice/mapping-verdict.ts";
import { fixture } from "../../fixtures/candidates/read-fixtures.ts";

const HOST = fixture("chromium", "host-ipv4-udp");
const SRFLX = fixture("chromium", "srflx");
const RELAY = fixture("chromium", "relay-udp");
const A = "stun:198.51.100.5:3478";
const B = "stun:198.51.100.5:3479";

const at = (raw: string, url?: string) => ({ raw, atMs: 1, url });
const row = (raw: string): CandidateTableRow => {
  const r = candidateTableRow({ raw, atMs: 0 });
  if (!r.ok) throw new Error(r.error);
  return r.row;
};
const error = (url: string, address: string | null) => ({ atMs: 5, errorCode: 701, errorText: "STUN binding request timed out.", url, address, port: address === null ? null : 54321 });

describe("toMappingInput", () => {
  it("keeps srflx with their base and server URL, host addresses, and skips unreadable candidates", () => {
    const input = toMappingInput([A, B], { candidates: [at(HOST), at(SRFLX, A), at("not a candidate")], errors: [], timedOut: false });
    expect(input.srflx).toEqual([{ address: "203.0.113.7", port: 61234, relatedAddress: "192.168.1.23", relatedPort: 54321, url: A, protocol: "udp" }]);
    expect(input.host).toEqual([{ address: "192.168.1.23", port: 54321, protocol: "udp" }]);
    expect(input.servers).toEqual([
      { url: A, failed: false },
      { url: B, failed: false },
    ]);
    expect(input.complete).toBe(true);
    // One srflx for two answering servers: Chromium dropped the duplicate, so both saw the same mapping.
    expect(mappingVerdict(input).verdict).toBe("endpoint-independent");
  });

  it("marks a server failed when its 701 came from the srflx base, not from another local address", () => {
    const input = toMappingInput([A, B], { candidates: [at(HOST), at(SRFLX, A)], errors: [error(B, "192.168.1.23"), error(A, "fd00::2")], timedOut: true });
    expect(input.servers).toEqual([
      { url: A, failed: false },
      { url: B, failed: true },
    ]);
    expect(input.complete).toBe(false);
  });

  it("with no srflx at all, any error counts as the server not answering", () => {
    const input = toMappingInput([A], { candidates: [at(HOST)], errors: [error(A, "fd00::2")], timedOut: false });
    expect(input.servers).toEqual([{ url: A, failed: true }]);
  });

  it("ignores relayed candidates (they say nothing about the NAT's mapping)", () => {
    const input = toMappingInput([A, B], { candidates: [at(RELAY)], errors: [], timedOut: false });
    expect(input.srflx).toEqual([]);
    expect(input.host).toEqual([]);
  });
});

describe("candidate type lines", () => {
  it("has a distinct sentence for each RFC 8445 type and names an unknown one", () => {
    const lines = ["host", "srflx", "prflx", "relay"].map(candidateTypeLine);
    expect(new Set(lines).size).toBe(4);
    expect(candidateTypeLine("relay")).toMatch(/TURN server allocated/u);
    expect(candidateTypeLine("srflx")).toMatch(/STUN server/u);
    expect(candidateTypeLine("weird")).toMatch(/does not know \(weird\)/u);
  });

  it("lists the types present once each, in RFC order", () => {
    expect(typesPresent([row(RELAY), row(HOST), row(SRFLX), row(HOST)])).toEqual(["host", "srflx", "relay"]);
    expect(typesPresent([])).toEqual([]);
  });
});

describe("countsText", () => {
  it("reads counts in insertion order, or says there were none", () => {
    expect(countsText({ host: 2, relay: 1 })).toBe("2 host, 1 relay");
    expect(countsText({})).toBe("no candidates");
  });
});

describe("the ICE embed's compact table (embeds.css)", () => {
  it("hides exactly the columns a lesson reader does not need, by their CANDIDATE_COLUMNS position", () => {
    const css = readFileSync(new URL("../../../src/demos/inspect/embeds.css", import.meta.url), "utf8");
    const hidden = [...css.matchAll(/\.ie-compact tr > :nth-child\((\d+)\)/gu)].map((m) => CANDIDATE_COLUMNS[Number(m[1]) - 1]);
    expect(hidden).toEqual(["Time (s)", "Related port", "Foundation", "Component", "Relay protocol"]);
    const shown = CANDIDATE_COLUMNS.filter((c) => !hidden.includes(c));
    expect(shown).toEqual(["Type", "Protocol", "Address", "Port", "Related address", "Type pref.", "Local pref.", "Component ID", "Server URL"]);
  });
});
