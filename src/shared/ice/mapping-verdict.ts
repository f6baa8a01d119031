/**
 * NAT mapping check (RFC 4787 §4.1): one local UDP socket asks two STUN servers (two ports, or two
 * addresses) "what address do you see me as?". If both see the same public IP:port, the NAT kept
 * one mapping for both destinations: endpoint-independent mapping (RFC 4787 REQ-1), which lets
 * hole punching work. Different ports mean the mapping depends on the destination (address- or
 * address-and-port-dependent, the old "symmetric NAT"): two such peers usually need a relay.
 *
 * Browser detail this logic relies on: Chromium gathers all STUN servers from ONE socket per
 * network interface and drops a server-reflexive candidate whose address it already has (libwebrtc
 * UDPPort::OnStunBindingRequestSucceeded, HasStunCandidateWithAddress) or that equals the socket's
 * own address. So "two servers answered but only one srflx" means "both saw the same mapping",
 * and "servers answered but no srflx at all" means "they saw the host address: no NAT". A server
 * that did not answer raises icecandidateerror (701). Firefox (nICEr) does the same: one socket
 * per interface, a redundant srflx pruned (tests/e2e/nat/inspect-nat-firefox.test.ts), but it
 * names no STUN server on a candidate, so there the mappings are told apart by their base alone.
 */
import { classifyAddress, isLoopback } from "../net/address-class.ts";

export type MappingVerdictKind = "no-nat" | "endpoint-independent" | "address-or-port-dependent" | "inconclusive";

export interface MappingServer {
  /** The stun: URL asked. */
  url: string;
  /** Whether an icecandidateerror arrived for this URL (the server did not answer). */
  failed: boolean;
}

export interface ReflexiveObservation {
  address: string;
  port: number;
  relatedAddress?: string | undefined;
  relatedPort?: number | undefined;
  /** The STUN URL that produced it, when the browser says so. */
  url?: string | undefined;
  protocol?: string | undefined;
}

export interface HostObservation {
  address: string;
  port: number;
  protocol?: string | undefined;
}

export interface MappingInput {
  servers: readonly MappingServer[];
  srflx: readonly ReflexiveObservation[];
  host: readonly HostObservation[];
  /** Gathering has finished (otherwise the verdict is provisional and says so). */
  complete: boolean;
}

export interface MappingVerdict {
  verdict: MappingVerdictKind;
  confidence: "high" | "medium" | "low";
  /** One or two sentences for the reader. */
  summary: string;
  /** What was observed, one fact per line. */
  evidence: string[];
  /** Limits of this measurement. */
  caveats: string[];
}

/** Why filtering behaviour cannot be measured from a web page (always shown with the verdict). */
export const FILTERING_CAVEAT =
  "Filtering (which outside addresses may send packets in through your NAT) cannot be measured from a browser: " +
  "it needs a STUN server that answers from a different address or port than the one asked (RFC 5780 CHANGE-REQUEST, OTHER-ADDRESS), " +
  "and a web page cannot send such requests or read raw STUN replies; it only sees the candidates the browser reports.";

export const ONE_HOST_CAVEAT =
  "Both STUN ports are on one server address. A NAT whose mapping depends only on the destination address (address-dependent mapping) " +
  "looks endpoint-independent here; only servers on two different IP addresses could tell them apart.";

export const ONE_MOMENT_CAVEAT =
  "This is one measurement at one moment from one network: another Wi-Fi, a mobile network or a VPN can behave differently, " +
  "and a NAT that usually keeps ports can still change them when the port is already taken.";

/** host of a stun:/turn: URL ("stun:[::1]:3478" → "::1"). */
export function hostOfIceUrl(url: string): string | undefined {
  const match = /^(?:stuns?|turns?):(\[[^\]]+\]|[^:?]+)(?::(\d+))?/iu.exec(url.trim());
  const host = match?.[1];
  if (host === undefined) return undefined;
  return host.startsWith("[") ? host.slice(1, -1) : host;
}

const HIDDEN_BASES = new Set(["0.0.0.0", "::", ""]);

function baseKey(s: ReflexiveObservation): string {
  if (s.relatedAddress === undefined || HIDDEN_BASES.has(s.relatedAddress)) return "hidden";
  return `${s.relatedAddress}:${s.relatedPort ?? "?"}`;
}

/**
 * Whether a STUN server counts as "did not answer" for the mapping check. Chromium reports an
 * icecandidateerror per local address: a 701 from an IPv6 or loopback address says nothing about the
 * socket that did reach the server. So an error counts only when it came from the base of a
 * server-reflexive candidate, from a hidden/unknown address, or when no srflx arrived at all.
 */
export function serverFailed(url: string, errors: readonly { url?: string | undefined; address?: string | null | undefined }[], srflx: readonly ReflexiveObservation[]): boolean {
  const mine = errors.filter((e) => e.url === url);
  if (mine.length === 0) return false;
  const bases = new Set(srflx.map((s) => s.relatedAddress).filter((a): a is string => a !== undefined && !HIDDEN_BASES.has(a)));
  if (bases.size === 0) return true;
  return mine.some((e) => e.address === undefined || e.address === null || HIDDEN_BASES.has(e.address) || bases.has(e.address));
}

const endpoint = (address: string, port: number | undefined): string => (address.includes(":") ? `[${address}]:${port ?? "?"}` : `${address}:${port ?? "?"}`);

export function mappingVerdict(input: MappingInput): MappingVerdict {
  const evidence: string[] = [];
  const caveats: string[] = [];
  const provisional = input.complete ? [] : ["Gathering has not finished yet; this verdict may change."];
  const urls = input.servers.map((s) => s.url);
  evidence.push(`STUN servers asked: ${urls.length === 0 ? "none" : urls.join(", ")}`);
  const answered = input.servers.filter((s) => !s.failed);
  const failed = input.servers.filter((s) => s.failed);
  for (const s of failed) evidence.push(`${s.url} did not answer (icecandidateerror)`);

  const hosts = input.servers.map((s) => hostOfIceUrl(s.url));
  const distinctHosts = new Set(hosts.filter((h): h is string => h !== undefined));
  const serversOnLoopback = hosts.length > 0 && hosts.every((h) => h !== undefined && isLoopback(classifyAddress(h)));

  if (serversOnLoopback) {
    return {
      verdict: "no-nat",
      confidence: "high",
      summary:
        "The STUN server runs on this same computer (loopback), so your browser reaches it without crossing any router: there is no NAT to measure. Open this page from the deployed site to measure your real network.",
      evidence,
      caveats: [...provisional, FILTERING_CAVEAT],
    };
  }
  if (input.servers.length < 2) {
    return {
      verdict: "inconclusive",
      confidence: "low",
      summary: "The check needs two STUN servers (two ports or two addresses); this server offers only one, so the mapping behaviour cannot be compared.",
      evidence,
      caveats: [...provisional, FILTERING_CAVEAT],
    };
  }
  if (answered.length === 0) {
    return {
      verdict: "inconclusive",
      confidence: "low",
      summary: "Neither STUN server answered, so nothing can be compared. UDP to the server may be blocked on your network.",
      evidence,
      caveats: [...provisional, FILTERING_CAVEAT],
    };
  }
  if (distinctHosts.size < 2) caveats.push(ONE_HOST_CAVEAT);
  caveats.push(ONE_MOMENT_CAVEAT);

  const udp = input.srflx.filter((s) => (s.protocol ?? "udp").toLowerCase() === "udp");
  for (const s of udp) {
    evidence.push(`server-reflexive ${endpoint(s.address, s.port)} from base ${s.relatedAddress === undefined ? "(not given)" : endpoint(s.relatedAddress, s.relatedPort)}${s.url ? ` via ${s.url}` : ""}`);
  }
  if (udp.length > 0 && udp.every((s) => s.url === undefined)) {
    evidence.push("The browser does not say which STUN server produced each server-reflexive candidate (Firefox reports no server URL), so the mappings are compared by the local socket they came from.");
  }
  const udpHosts = input.host.filter((h) => (h.protocol ?? "udp").toLowerCase() === "udp");

  // A reflexive address equal to its own base, or to a host candidate: nothing translated it.
  const untranslated = udp.find(
    (s) => (s.address === s.relatedAddress && s.port === s.relatedPort) || udpHosts.some((h) => h.address === s.address && h.port === s.port),
  );
  if (untranslated) {
    return {
      verdict: "no-nat",
      confidence: "high",
      summary: `The STUN server sees you at ${endpoint(untranslated.address, untranslated.port)}, the same address and port your browser uses itself: no NAT changed it.`,
      evidence,
      caveats: [...provisional, ...caveats, FILTERING_CAVEAT],
    };
  }

  if (udp.length === 0) {
    if (failed.length > 0 || udpHosts.length === 0) {
      return {
        verdict: "inconclusive",
        confidence: "low",
        summary: "No server-reflexive candidate arrived, and not every STUN server answered, so the mapping cannot be judged.",
        evidence,
        caveats: [...provisional, ...caveats, FILTERING_CAVEAT],
      };
    }
    evidence.push("Both STUN servers answered but the browser reported no server-reflexive candidate: it drops one that equals its own address.");
    return {
      verdict: "no-nat",
      confidence: "medium",
      summary: "Both STUN servers answered and saw exactly your own address (the browser dropped the identical server-reflexive candidate): no NAT is in the way.",
      evidence,
      caveats: [...provisional, ...caveats, FILTERING_CAVEAT],
    };
  }

  const groups = new Map<string, ReflexiveObservation[]>();
  for (const s of udp) groups.set(baseKey(s), [...(groups.get(baseKey(s)) ?? []), s]);
  if (groups.has("hidden")) {
    caveats.push("The browser hid the local base address (raddr 0.0.0.0), so candidates from different network interfaces cannot be told apart; with several interfaces, different mappings may be different paths, not one NAT.");
  }

  const dependent = [...groups.entries()].find(([, list]) => new Set(list.map((s) => endpoint(s.address, s.port))).size > 1);
  if (dependent) {
    const [base, list] = dependent;
    const mappings = [...new Set(list.map((s) => endpoint(s.address, s.port)))];
    const sameIp = new Set(list.map((s) => s.address)).size === 1;
    if (!sameIp) caveats.push("The two mappings have different public IP addresses: your provider may use a pool of addresses (several NATs or carrier-grade NAT).");
    return {
      verdict: "address-or-port-dependent",
      confidence: base === "hidden" ? "medium" : "high",
      summary: `One local socket${base === "hidden" ? "" : ` (${base})`} got different public mappings for the two STUN servers (${mappings.join(" and ")}): your NAT picks a new mapping per destination. Hole punching between two such NATs rarely works; expect a relay (TURN).`,
      evidence,
      caveats: [...provisional, ...caveats, FILTERING_CAVEAT],
    };
  }

  if (answered.length < 2) {
    return {
      verdict: "inconclusive",
      confidence: "low",
      summary: "Only one STUN server answered, so there is nothing to compare the mapping with.",
      evidence,
      caveats: [...provisional, ...caveats, FILTERING_CAVEAT],
    };
  }
  const first = udp[0] as ReflexiveObservation;
  const seenUrls = new Set(udp.map((s) => s.url).filter((u) => u !== undefined));
  const inferred = seenUrls.size < 2;
  if (inferred) evidence.push("Only one server-reflexive candidate per base although both servers answered: the browser merges identical mappings, so both saw the same one.");
  return {
    verdict: "endpoint-independent",
    confidence: distinctHosts.size >= 2 && !inferred ? "high" : "medium",
    summary: `Both STUN servers saw you at the same public address and port (${endpoint(first.address, first.port)}): your NAT keeps one mapping for all destinations (endpoint-independent mapping). That is what makes direct connections through NAT (hole punching) possible.`,
    evidence,
    caveats: [...provisional, ...caveats, FILTERING_CAVEAT],
  };
}
