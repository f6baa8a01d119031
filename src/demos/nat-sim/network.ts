/**
 * The simulator's little Internet: peer A behind NAT A, peer B behind NAT B, and a STUN server on
 * the public side. It carries one UDP packet at a time, through the sender's NAT (outbound
 * translation), across the Internet to whichever NAT or server owns the destination address, and
 * through that NAT (inbound filtering), recording each decision.
 *
 * Addresses are documentation ranges (RFC 5737) for the public side and private ranges (RFC 1918)
 * inside, the same ones the NAT lesson's diagrams use.
 */
import type { FilterMemory, NatBehaviour } from "./behaviours.ts";
import { formatAddress, Nat, sameAddress, type Mapping, type TransportAddress } from "./nat.ts";

export type Host = "A" | "B" | "S";
export type Side = "A" | "B";

export const ADDRESSES = {
  /** Peer A's socket: the base of its candidates (RFC 8445 §5.1.1.1). */
  peerA: { ip: "192.168.1.23", port: 50000 },
  natA: "203.0.113.5",
  natAFirstPort: 62000,
  peerB: { ip: "10.0.0.44", port: 50000 },
  natB: "198.51.100.9",
  natBFirstPort: 41000,
  stun: { ip: "192.0.2.10", port: 3478 },
} as const;

export interface Endpoints {
  readonly source: TransportAddress;
  readonly destination: TransportAddress;
}

/** One NAT's decision about one packet. */
export interface Hop {
  readonly nat: Side;
  readonly direction: "outbound" | "inbound";
  readonly accepted: boolean;
  /** The packet's addresses as they reached the NAT. */
  readonly before: Endpoints;
  /** As they left it, when it was let through. */
  readonly after: Endpoints | undefined;
  /** Outbound only: whether the packet made a new mapping. */
  readonly createdMapping: boolean;
  /** Inbound and dropped only: no mapping for that port, or the filter said no. */
  readonly dropped?: "no-mapping" | "filtering";
  readonly reason: string;
}

export interface Carried {
  readonly hops: readonly Hop[];
  /** Who received it, or undefined when it was dropped. */
  readonly deliveredTo: Host | undefined;
  /** The addresses the receiver saw, when delivered. */
  readonly arrived: Endpoints | undefined;
  /** Why it ended where it did: the last hop's reason, or the routing problem. */
  readonly reason: string;
}

export class Network {
  readonly natA: Nat;
  readonly natB: Nat;

  constructor(a: NatBehaviour, b: NatBehaviour, filterMemory: FilterMemory = "mapping") {
    this.natA = new Nat({ publicIp: ADDRESSES.natA, behaviour: a, firstPort: ADDRESSES.natAFirstPort, filterMemory });
    this.natB = new Nat({ publicIp: ADDRESSES.natB, behaviour: b, firstPort: ADDRESSES.natBFirstPort, filterMemory });
  }

  nat(side: Side): Nat {
    return side === "A" ? this.natA : this.natB;
  }

  tables(): { A: readonly Mapping[]; B: readonly Mapping[] } {
    return { A: this.natA.mappings, B: this.natB.mappings };
  }

  /** Sends one UDP packet from `from`'s socket to `destination` and follows it to its end. */
  send(from: Host, destination: TransportAddress): Carried {
    const hops: Hop[] = [];
    let packet: Endpoints = { source: socketOf(from), destination };
    if (from !== "S") {
      const nat = this.nat(from);
      const out = nat.outbound(packet.source, packet.destination);
      const after = { source: out.source, destination };
      hops.push({ nat: from, direction: "outbound", accepted: true, before: packet, after, createdMapping: out.created, reason: out.reason });
      packet = after;
    }
    const owner = this.#ownerOf(packet.destination.ip);
    if (owner === undefined) {
      return { hops, deliveredTo: undefined, arrived: undefined, reason: `No host on the Internet has the address ${packet.destination.ip}: lost.` };
    }
    if (owner === "S") {
      if (!sameAddress(packet.destination, ADDRESSES.stun)) {
        return { hops, deliveredTo: undefined, arrived: undefined, reason: `The STUN server listens on ${formatAddress(ADDRESSES.stun)}, not ${formatAddress(packet.destination)}: lost.` };
      }
      return { hops, deliveredTo: "S", arrived: packet, reason: "The server is on the public Internet: no NAT stands in front of it." };
    }
    if (owner === from) {
      // Hairpinning (RFC 4787 §6): never needed here, since each NAT has only one peer behind it.
      return { hops, deliveredTo: undefined, arrived: undefined, reason: `NAT ${from} would have to hairpin the packet back inside (RFC 4787 §6), which this simulator does not model: lost.` };
    }
    const verdict = this.nat(owner).inbound(packet.source, packet.destination);
    if (!verdict.accepted) {
      hops.push({ nat: owner, direction: "inbound", accepted: false, before: packet, after: undefined, createdMapping: false, dropped: verdict.rule, reason: verdict.reason });
      return { hops, deliveredTo: undefined, arrived: undefined, reason: verdict.reason };
    }
    const after = { source: packet.source, destination: verdict.destination };
    hops.push({ nat: owner, direction: "inbound", accepted: true, before: packet, after, createdMapping: false, reason: verdict.reason });
    return { hops, deliveredTo: owner, arrived: after, reason: verdict.reason };
  }

  #ownerOf(ip: string): Host | undefined {
    if (ip === ADDRESSES.natA) return "A";
    if (ip === ADDRESSES.natB) return "B";
    if (ip === ADDRESSES.stun.ip) return "S";
    return undefined;
  }
}

export function socketOf(host: Host): TransportAddress {
  return host === "A" ? ADDRESSES.peerA : host === "B" ? ADDRESSES.peerB : ADDRESSES.stun;
}

export const other = (side: Side): Side => (side === "A" ? "B" : "A");
