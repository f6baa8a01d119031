/**
 * Candidate pairs as getStats() reports them, with the pair priority worked out by the RFC 8445
 * §6.1.2.3 formula and a plain sentence saying why the selected pair won. Input is the stats
 * report as plain objects (`[...report.values()]`), so this runs and is tested without a browser.
 */
import { pairPriority } from "../../shared/ice/priority.ts";
import { hostPort } from "./candidates.ts";

export interface StatsEntry {
  id: string;
  type: string;
  [field: string]: unknown;
}

export interface PairCandidate {
  id: string;
  type: string;
  address?: string;
  port?: number;
  protocol?: string;
  priority?: number;
  url?: string;
  relayProtocol?: string;
  /** TCP candidates only (RFC 6544): active, passive or so. */
  tcpType?: string;
  /** A reflexive or relayed candidate's related address and port (its base, for a local srflx). */
  relatedAddress?: string;
  relatedPort?: number;
}

export interface PairRow {
  id: string;
  state: string;
  nominated: boolean;
  selected: boolean;
  local: PairCandidate;
  remote: PairCandidate;
  /** Pair priority by RFC 8445 §6.1.2.3, when both candidate priorities and the role are known. */
  priority?: bigint;
  /** Connectivity-check counters; undefined when the browser does not report one (see PAIR_COUNTERS). */
  requestsSent?: number;
  responsesReceived?: number;
  requestsReceived?: number;
  responsesSent?: number;
  rttMs?: number;
  bytesSent: number;
  bytesReceived: number;
}

export type IceRole = "controlling" | "controlled";

/**
 * The connectivity-check counters of RTCIceCandidatePairStats, in words. Firefox (ESR 153)
 * reports only responsesReceived: requestsSent, requestsReceived and responsesSent are missing
 * from its candidate-pair stats, so the page says so instead of counting zero.
 */
export const PAIR_COUNTERS = {
  requestsSent: "checks sent",
  responsesReceived: "answers received",
  requestsReceived: "checks received",
  responsesSent: "answers sent",
} as const;

export type PairCounter = keyof typeof PAIR_COUNTERS;

/** The counters no pair reports (so the browser does not report them at all), in table order. */
export function unreportedCounters(pairs: readonly { readonly [C in PairCounter]?: number | undefined }[]): PairCounter[] {
  if (pairs.length === 0) return [];
  return (Object.keys(PAIR_COUNTERS) as PairCounter[]).filter((counter) => pairs.every((p) => p[counter] === undefined));
}

export interface PairsView {
  pairs: PairRow[];
  selected: PairRow | undefined;
  role: IceRole | undefined;
}

const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

function candidate(entry: StatsEntry | undefined, id: string): PairCandidate {
  const c: PairCandidate = { id, type: str(entry?.["candidateType"]) ?? "?" };
  const address = str(entry?.["address"]) ?? str(entry?.["ip"]);
  const port = num(entry?.["port"]);
  const protocol = str(entry?.["protocol"]);
  const priority = num(entry?.["priority"]);
  const url = str(entry?.["url"]);
  const relayProtocol = str(entry?.["relayProtocol"]);
  const tcpType = str(entry?.["tcpType"]);
  const relatedAddress = str(entry?.["relatedAddress"]);
  const relatedPort = num(entry?.["relatedPort"]);
  if (address !== undefined) c.address = address;
  if (port !== undefined) c.port = port;
  if (protocol !== undefined) c.protocol = protocol;
  if (priority !== undefined) c.priority = priority;
  if (url !== undefined) c.url = url;
  if (relayProtocol !== undefined) c.relayProtocol = relayProtocol;
  if (tcpType !== undefined) c.tcpType = tcpType;
  if (relatedAddress !== undefined) c.relatedAddress = relatedAddress;
  if (relatedPort !== undefined) c.relatedPort = relatedPort;
  return c;
}

/**
 * G is the controlling agent's candidate priority, D the controlled agent's (RFC 8445 §6.1.2.3);
 * which of this tab's two candidates is which depends on this tab's role.
 */
export function pairPriorityFor(local: number, remote: number, role: IceRole): bigint {
  return role === "controlling" ? pairPriority(local, remote) : pairPriority(remote, local);
}

export function readPairs(stats: readonly StatsEntry[], fallbackRole?: IceRole): PairsView {
  const byId = new Map(stats.map((s) => [s.id, s]));
  const transport = stats.find((s) => s.type === "transport" && str(s["selectedCandidatePairId"]) !== undefined) ?? stats.find((s) => s.type === "transport");
  const statsRole = str(transport?.["iceRole"]);
  const role: IceRole | undefined = statsRole === "controlling" || statsRole === "controlled" ? statsRole : fallbackRole;
  const selectedId = str(transport?.["selectedCandidatePairId"]);

  const pairs = stats
    .filter((s) => s.type === "candidate-pair")
    .map((s): PairRow => {
      const localId = str(s["localCandidateId"]) ?? "";
      const remoteId = str(s["remoteCandidateId"]) ?? "";
      const local = candidate(byId.get(localId), localId);
      const remote = candidate(byId.get(remoteId), remoteId);
      const row: PairRow = {
        id: s.id,
        state: str(s["state"]) ?? "?",
        nominated: s["nominated"] === true,
        // Firefox marked the pair itself; everyone else names it on the transport.
        selected: selectedId !== undefined ? s.id === selectedId : s["selected"] === true,
        local,
        remote,
        bytesSent: num(s["bytesSent"]) ?? 0,
        bytesReceived: num(s["bytesReceived"]) ?? 0,
      };
      for (const counter of Object.keys(PAIR_COUNTERS) as PairCounter[]) {
        const value = num(s[counter]);
        if (value !== undefined) row[counter] = value;
      }
      const rtt = num(s["currentRoundTripTime"]);
      if (rtt !== undefined) row.rttMs = rtt * 1000;
      if (local.priority !== undefined && remote.priority !== undefined && role !== undefined) {
        row.priority = pairPriorityFor(local.priority, remote.priority, role);
      }
      return row;
    })
    .sort((a, b) => (a.priority !== undefined && b.priority !== undefined ? (b.priority > a.priority ? 1 : b.priority < a.priority ? -1 : 0) : 0));

  return { pairs, selected: pairs.find((p) => p.selected), role };
}

/** The transport's local ICE username fragment (RTCTransportStats), which an ICE restart changes. */
export function localUfrag(stats: readonly StatsEntry[]): string | undefined {
  const transport = stats.find((s) => s.type === "transport" && typeof s["iceLocalUsernameFragment"] === "string");
  return transport ? (transport["iceLocalUsernameFragment"] as string) : undefined;
}

/** The username fragment of the selected pair's local candidate (RTCIceCandidateStats), if reported. */
export function selectedPairUfrag(stats: readonly StatsEntry[], pairId: string): string | undefined {
  const pair = stats.find((s) => s.id === pairId);
  const local = pair ? stats.find((s) => s.id === pair["localCandidateId"]) : undefined;
  return typeof local?.["usernameFragment"] === "string" ? local["usernameFragment"] : undefined;
}

/** Candidate types in words, for running text. */
export const TYPE_WORDS: Readonly<Record<string, string>> = {
  host: "host",
  srflx: "server-reflexive",
  prflx: "peer-reflexive",
  relay: "relayed",
};

const describe = (c: PairCandidate): string => `${TYPE_WORDS[c.type] ?? c.type} ${c.address === undefined ? "(address hidden)" : hostPort(c.address, c.port)}`;

/** One or two plain sentences: what was selected and why, from this tab's point of view. */
export function whyItWon(view: PairsView, policy: "all" | "relay"): string {
  const { selected, pairs, role } = view;
  if (!selected) return "No pair has been selected yet: the connectivity checks are still running or have failed.";
  const path = `${describe(selected.local)} (this tab) ↔ ${describe(selected.remote)} (other tab)`;
  const viaRelay = selected.local.type === "relay" || selected.remote.type === "relay";
  const succeeded = pairs.filter((p) => p.state === "succeeded");
  const best = succeeded.find((p) => p.priority !== undefined);
  const parts = [`Selected: ${path}.`];
  if (policy === "relay") {
    parts.push("Relay-only mode allows only relayed candidates here, so every path goes through the TURN server.");
  }
  const who = role === "controlling" ? "this tab (the controlling agent)" : role === "controlled" ? "the other tab (the controlling agent)" : "the controlling agent";
  if (selected.priority !== undefined && best?.id === selected.id) {
    parts.push(
      `Of the ${succeeded.length} pair${succeeded.length === 1 ? "" : "s"} whose checks succeeded it has the highest pair priority (${selected.priority}), and ${who} nominated it.`,
    );
  } else if (selected.priority !== undefined && best?.priority !== undefined) {
    parts.push(
      `It is not the highest-priority pair that succeeded (${best.priority} vs ${selected.priority}): ${who} nominated the first good pair it found, and a nominated pair stays selected.`,
    );
  } else {
    parts.push(`Its connectivity checks succeeded and ${who} nominated it.`);
  }
  if (!viaRelay && selected.local.type === "host" && selected.remote.type === "host") {
    parts.push("Host candidates have the highest type preference (126): a direct path needs no server at all.");
  } else if (viaRelay && policy !== "relay") {
    parts.push("A relayed pair has the lowest type preference (0); it wins only when no direct path passed its checks.");
  }
  return parts.join(" ");
}
