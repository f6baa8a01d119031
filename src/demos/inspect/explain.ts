/**
 * Sentences for the reader: what their addresses mean ("your browser is behind a NAT: ...") and
 * what each candidate reveals (the privacy panel). Pure text from the gathered rows.
 */
import type { CandidateTableRow } from "../../components/candidates/rows.ts";
import { classifyAddress, isBehindNatSpace, isLoopback, shortAddressName, type AddressClassification } from "../../shared/net/address-class.ts";

const ep = (address: string, port: number): string => (address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`);

export interface AddressNote {
  address: string;
  classification: AddressClassification;
  /** Which candidate types showed it. */
  seenAs: string[];
}

/** One entry per distinct address (candidate addresses and related addresses). */
export function addressNotes(rows: readonly CandidateTableRow[]): AddressNote[] {
  const notes = new Map<string, AddressNote>();
  const see = (address: string, as: string): void => {
    if (address === "0.0.0.0" || address === "::") return;
    const note = notes.get(address) ?? { address, classification: classifyAddress(address), seenAs: [] };
    if (!note.seenAs.includes(as)) note.seenAs.push(as);
    notes.set(address, note);
  };
  for (const r of rows) {
    see(r.parsed.address, `${r.type} address`);
    if (r.parsed.relatedAddress !== undefined) see(r.parsed.relatedAddress, `related address of ${r.type}`);
  }
  return [...notes.values()];
}

/** The "what it means for you" sentences. */
export function whatItMeans(rows: readonly CandidateTableRow[], policy: "all" | "relay"): string[] {
  const out: string[] = [];
  const hosts = rows.filter((r) => r.type === "host");
  const srflx = rows.filter((r) => r.type === "srflx");
  const relay = rows.filter((r) => r.type === "relay");
  if (rows.length === 0) return ["No candidates yet."];
  if (policy === "relay") {
    const first = relay[0];
    out.push(
      first
        ? `Relay-only: your browser offers only the TURN server's address ${ep(first.parsed.address, first.parsed.port)}; a peer would never learn your own address.`
        : "Relay-only: no relayed candidate, so a peer could not reach you at all with this setting.",
    );
    return out;
  }
  const mdns = hosts.filter((r) => r.addressClass.kind === "mdns");
  const realHosts = hosts.filter((r) => r.addressClass.kind !== "mdns");
  if (mdns.length > 0 && realHosts.length === 0) {
    out.push("Your browser hides your local address behind a random .local name (mDNS); web pages only see the real one after you allow the camera or microphone.");
  }
  const loop = realHosts.filter((r) => isLoopback(r.addressClass));
  const natted = realHosts.find((r) => isBehindNatSpace(r.addressClass));
  const pub = srflx.find((r) => r.addressClass.globallyReachable || r.addressClass.kind === "documentation" || r.addressClass.kind === "cgnat");
  if (natted && pub) {
    out.push(
      `Your browser is behind a NAT: your host address ${natted.parsed.address} is ${natted.addressClass.kind === "cgnat" ? "in shared carrier-grade NAT space" : "private"}` +
        ` (${natted.addressClass.range ?? natted.addressClass.rfc ?? ""}); the internet sees you as ${ep(pub.parsed.address, pub.parsed.port)}.`,
    );
  } else if (pub && srflx.length > 0) {
    out.push(`The STUN server sees you as ${ep(pub.parsed.address, pub.parsed.port)}; that is the address a peer on the internet would try.`);
  }
  const cg = srflx.find((r) => r.addressClass.kind === "cgnat");
  if (cg) out.push(`Even your "public" address ${cg.parsed.address} is in carrier-grade NAT space (RFC 6598): your provider adds a second NAT, which makes direct connections harder.`);
  if (srflx.length === 0 && realHosts.some((r) => r.addressClass.globallyReachable)) {
    out.push("Your device has a public address itself, so there is no NAT between you and the internet on that path (a firewall may still filter).");
  }
  if (srflx.length === 0 && !realHosts.some((r) => r.addressClass.globallyReachable)) {
    out.push(
      "No server-reflexive candidate: either the STUN server saw exactly the address your browser uses (no NAT between you, as when the server runs on your own machine or network; the browser then drops the duplicate), or it did not answer (the browser then reports a gathering error, usually 701).",
    );
  }
  if (loop.length > 0 && loop.length === realHosts.length) {
    out.push("Only loopback addresses (127.0.0.1 or ::1): this browser and the server run on the same computer, so nothing crosses a router. Open the deployed site to see your real network.");
  }
  const firstRelay = relay[0];
  if (firstRelay) out.push(`The TURN server gave you relayed address ${ep(firstRelay.parsed.address, firstRelay.parsed.port)}: if nothing direct works, a peer can reach you through it.`);
  else out.push("No relayed candidate: if the TURN server is unreachable or refuses your credentials, peers behind strict NATs cannot reach you.");
  return out;
}

/** What one candidate reveals to whoever receives it (the other peer, and the signaling server). */
export function reveals(row: CandidateTableRow): string {
  const p = row.parsed;
  switch (row.type) {
    case "host":
      return row.addressClass.kind === "mdns"
        ? `Nothing about your address: ${p.address} is a random name only devices on your own network can resolve.`
        : `Your device's own address ${p.address} (${shortAddressName(row.addressClass)}), which can identify your local network or, for IPv6, your device.`;
    case "srflx":
      return `Your public address ${p.address} as seen from the internet: it roughly locates you (provider, city).${p.relatedAddress && p.relatedAddress !== "0.0.0.0" ? ` Its related address ${p.relatedAddress} also reveals your local address.` : ""}`;
    case "prflx":
      return `An address of yours learnt from a connectivity check: ${p.address}.`;
    case "relay":
      // Chromium puts the address the TURN server saw (XOR-MAPPED-ADDRESS) in raddr; Firefox repeats
      // the relayed address there, and a hidden one reads 0.0.0.0: neither gives anything away.
      if (p.relatedAddress === undefined || p.relatedAddress === "0.0.0.0" || p.relatedAddress === "::") return `Only the TURN server's address ${p.address}.`;
      if (p.relatedAddress === p.address && p.relatedPort === p.port) {
        return `Only the TURN server's address ${p.address}: its related address repeats the relayed address, so your browser does not reveal the public address the TURN server saw (Firefox does this; Chromium puts that address there).`;
      }
      return `Only the TURN server's address ${p.address}; but its related address ${p.relatedAddress} is your public address as the TURN server saw it (browsers include it).`;
    default:
      return `Address ${p.address}.`;
  }
}

/** Candidate types in the order a reader meets them (RFC 8445 §5.1.1). */
const TYPE_ORDER = ["host", "srflx", "prflx", "relay"];

/** One line per candidate type: how the browser got it and what a peer could do with it. */
export function candidateTypeLine(type: string): string {
  switch (type) {
    case "host":
      return "An address of one of this device's own network interfaces; a peer on the same network can reach it directly.";
    case "srflx":
      return "Your address as a STUN server saw it from outside: the public mapping your NAT made for the host socket shown as its related address.";
    case "prflx":
      return "An address learnt during a connectivity check, when a peer's check arrived from an address nobody had announced.";
    case "relay":
      return "An address the TURN server allocated for you: packets sent there are relayed to you, so it works when nothing direct does.";
    default:
      return `A candidate type this page does not know (${type}).`;
  }
}

/** The distinct types among the rows, in RFC order (unknown types last, as they came). */
export function typesPresent(rows: readonly CandidateTableRow[]): string[] {
  const seen = [...new Set(rows.map((r) => r.type))];
  const rank = (t: string): number => (TYPE_ORDER.includes(t) ? TYPE_ORDER.indexOf(t) : TYPE_ORDER.length);
  return seen.sort((a, b) => rank(a) - rank(b));
}
