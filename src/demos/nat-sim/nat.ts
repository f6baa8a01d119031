/**
 * One NAT, as RFC 4787 describes its UDP behaviour: a public address, a mapping behaviour (§4.1),
 * a filtering behaviour (§5) and the mapping table they act on. No DOM, no clock: mappings never
 * expire here (§4.3 says a real NAT keeps an idle UDP mapping at least two minutes, far longer
 * than a run of the simulator lasts).
 *
 * Every decision comes back with a reason in plain words naming the RFC's term, for the packet log.
 */
import { filteringName, mappingName, type FilterMemory, type NatBehaviour } from "./behaviours.ts";

/** An IP address and a port: RFC 4787's X:x (inside) or Y:y (outside). */
export interface TransportAddress {
  readonly ip: string;
  readonly port: number;
}

export const formatAddress = (address: TransportAddress): string => `${address.ip}:${address.port}`;
export const sameAddress = (a: TransportAddress, b: TransportAddress): boolean => a.ip === b.ip && a.port === b.port;

/** One row of the NAT table. */
export interface Mapping {
  /** The inside endpoint, X:x. */
  readonly internal: TransportAddress;
  /** What the outside sees instead, X':x'. */
  readonly external: TransportAddress;
  /** The destination whose packet created the mapping: what address-dependent and address-and-port-dependent mapping compare against. */
  readonly madeFor: TransportAddress;
  /** Remote endpoints the inside has sent to through this mapping, in order: what the filter remembers. */
  readonly sentTo: readonly TransportAddress[];
}

export interface Outbound {
  readonly mapping: Mapping;
  readonly created: boolean;
  /** The packet as it leaves the NAT: source rewritten to the mapping's external address. */
  readonly source: TransportAddress;
  readonly reason: string;
}

export type Inbound =
  | { readonly accepted: true; readonly mapping: Mapping; readonly destination: TransportAddress; readonly reason: string }
  | { readonly accepted: false; readonly rule: "no-mapping" | "filtering"; readonly mapping: Mapping | undefined; readonly reason: string };

export interface NatOptions {
  publicIp: string;
  behaviour: NatBehaviour;
  /** The first external port handed out; the next mappings get the ports after it, in order. */
  firstPort: number;
  /** What the filter counts as sent (behaviours.ts FilterMemory); per mapping unless said. */
  filterMemory?: FilterMemory;
}

export class Nat {
  readonly publicIp: string;
  readonly behaviour: NatBehaviour;
  readonly filterMemory: FilterMemory;
  #nextPort: number;
  #mappings: { internal: TransportAddress; external: TransportAddress; madeFor: TransportAddress; sentTo: TransportAddress[] }[] = [];

  constructor(options: NatOptions) {
    this.publicIp = options.publicIp;
    this.behaviour = options.behaviour;
    this.#nextPort = options.firstPort;
    this.filterMemory = options.filterMemory ?? "mapping";
  }

  /** The table as it is now, as plain copies (safe to keep as a snapshot). */
  get mappings(): readonly Mapping[] {
    return this.#mappings.map((m) => ({ internal: m.internal, external: m.external, madeFor: m.madeFor, sentTo: [...m.sentTo] }));
  }

  /**
   * A packet from inside (`source`, X:x) to outside (`destination`, Y:y): find the mapping the
   * mapping behaviour says to reuse, or create one, rewrite the source, and remember the
   * destination for the filter.
   */
  outbound(source: TransportAddress, destination: TransportAddress): Outbound {
    const { mapping: behaviour } = this.behaviour;
    const found = this.#mappings.find((m) => sameAddress(m.internal, source) && reuses(behaviour, m.madeFor, destination));
    const mapping = found ?? this.#create(source, destination);
    if (!mapping.sentTo.some((a) => sameAddress(a, destination))) mapping.sentTo.push(destination);
    const copy = { ...mapping, sentTo: [...mapping.sentTo] };
    const term = `${mappingName(behaviour)} (RFC 4787 §4.1)`;
    const ext = formatAddress(mapping.external);
    const inside = formatAddress(source);
    let reason: string;
    if (found) {
      reason =
        behaviour === "endpoint-independent"
          ? `${term}: ${inside} already has a mapping, so ${ext} is reused whatever the destination.`
          : behaviour === "address-dependent"
            ? `${term}: ${inside} has sent to ${destination.ip} before, so its mapping ${ext} is reused (any port at that address).`
            : `${term}: ${inside} has sent to ${formatAddress(destination)} before, so its mapping ${ext} is reused.`;
    } else {
      const first = !this.#mappings.some((m) => m !== mapping && sameAddress(m.internal, source));
      reason = first
        ? `${term}: ${inside} has no mapping yet, so the NAT creates one, ${ext}.`
        : behaviour === "address-dependent"
          ? `${term}: ${inside} has not sent to ${destination.ip} before, so it gets a new mapping, ${ext}.`
          : `${term}: ${inside} has not sent to ${formatAddress(destination)} before, so it gets a new mapping, ${ext}.`;
    }
    return { mapping: copy, created: !found, source: mapping.external, reason };
  }

  /**
   * A packet from outside (`source`, Y:y) to this NAT's address (`destination`): find the mapping
   * with that external port (none: nowhere to deliver it), then let the filtering behaviour decide
   * whether this sender may reach the inside. RFC 4787 §5:
   *
   * - Endpoint-independent: "The NAT forwards any packets destined to X:x."
   * - Address-dependent: "the NAT will filter out packets from Y:y destined for the internal
   *   endpoint X:x if X:x has not sent packets to Y previously (independently of the port used by Y)."
   * - Address and port-dependent: "… if X:x has not sent packets to Y:y previously."
   *
   * "Has sent to" is counted per mapping by default, as connection-tracking NATs do and as the NAT
   * MIB (RFC 7659) describes filtering, per port mapping: what X:x sent through another of its
   * mappings does not count. With filterMemory "socket" it counts (§5's sentences read that way).
   * It makes a difference only with destination-dependent mapping, where X:x has several mappings.
   */
  inbound(source: TransportAddress, destination: TransportAddress): Inbound {
    const found = this.#mappings.find((m) => sameAddress(m.external, destination));
    if (!found) {
      return {
        accepted: false,
        rule: "no-mapping",
        mapping: undefined,
        reason: `No mapping has external address ${formatAddress(destination)}, so the NAT cannot tell which inside host the packet is for: dropped.`,
      };
    }
    const mapping = { ...found, sentTo: [...found.sentTo] };
    const { filtering } = this.behaviour;
    const term = `${filteringName(filtering)} (RFC 4787 §5)`;
    const inside = formatAddress(found.internal);
    const from = formatAddress(source);
    if (filtering === "endpoint-independent") {
      return { accepted: true, mapping, destination: found.internal, reason: `${term}: mapping ${formatAddress(found.external)} lets in packets from anyone, so ${from} gets through to ${inside}.` };
    }
    const byAddress = filtering === "address-dependent";
    const perSocket = this.filterMemory === "socket";
    const sent = perSocket ? this.#mappings.filter((m) => sameAddress(m.internal, found.internal)).flatMap((m) => m.sentTo) : found.sentTo;
    const known = sent.some((a) => (byAddress ? a.ip === source.ip : sameAddress(a, source)));
    const whom = byAddress ? source.ip : from;
    const through = perSocket ? "through any of its mappings" : "through this mapping";
    if (known) {
      return { accepted: true, mapping, destination: found.internal, reason: `${term}: ${inside} has sent to ${whom} ${through}, so the packet from ${from} gets through.` };
    }
    return { accepted: false, rule: "filtering", mapping, reason: `${term}: ${inside} has not sent to ${whom} ${through}, so the packet from ${from} is dropped.` };
  }

  #create(internal: TransportAddress, madeFor: TransportAddress) {
    // Ports in order, so a run is reproducible. RFC 4787 §4.2 leaves the choice to the NAT, and
    // many pick them at random, which also defeats guessing the next one.
    const mapping = { internal, external: { ip: this.publicIp, port: this.#nextPort }, madeFor, sentTo: [] as TransportAddress[] };
    this.#nextPort += 1;
    this.#mappings.push(mapping);
    return mapping;
  }
}

/**
 * RFC 4787 §4.1: may a mapping made for `madeFor` carry a packet to `destination`?
 *
 * - Endpoint-independent: "The NAT reuses the port mapping for subsequent packets sent from the
 *   same internal IP address and port (X:x) to any external IP address and port."
 * - Address-dependent: "… to the same external IP address, regardless of the external port."
 * - Address and port-dependent: "… to the same external IP address and port while the mapping is
 *   still active."
 */
function reuses(behaviour: NatBehaviour["mapping"], madeFor: TransportAddress, destination: TransportAddress): boolean {
  switch (behaviour) {
    case "endpoint-independent":
      return true;
    case "address-dependent":
      return madeFor.ip === destination.ip;
    case "address-and-port-dependent":
      return sameAddress(madeFor, destination);
  }
}
