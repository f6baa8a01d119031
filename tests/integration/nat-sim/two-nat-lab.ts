/**
 * Two homes, each behind its own real Linux NAT, and a piece of "Internet" between them, built from
 * network namespaces, veth pairs and iptables (in the style of tests/e2e/nat/netns-lab.ts, which
 * has one home):
 *
 *   <id>-pa 192.168.1.2 ── lan0 192.168.1.1 <id>-na wan0 203.0.113.5  ──┐
 *   (peer A)                 MASQUERADE [--random] out of wan0            │  <id>-net: routes between its two links;
 *                                                                         ├─ the reflector on 192.0.2.10 and
 *   <id>-pb 10.0.0.2    ── lan0 10.0.0.1    <id>-nb wan0 198.51.100.9 ──┘  192.0.2.11 (on its loopback)
 *   (peer B)                 MASQUERADE [--random] out of wan0
 *
 * Each router also drops what arrives on wan0 for the router itself unasked (`INPUT -i wan0
 * --ctstate NEW -j DROP`), as a home router's firewall does. Without it, Linux behaves in a way the
 * simulator does not model: a first check that the NAT's filter refuses is delivered to the router
 * itself, and conntrack keeps an entry for it (203.0.113.5:50000 → 198.51.100.9:50000, unreplied).
 * When the peer behind that router then sends to 203.0.113.5:50000, MASQUERADE cannot reuse port
 * 50000 (the reply tuple is taken) and picks another, so the mapping is not endpoint-independent
 * after all and two plain MASQUERADE routers never connect. Dropped in INPUT, the packet's conntrack
 * entry is never confirmed and nothing is remembered. `routerFirewall: false` builds the bare routers.
 *
 * The addresses are the simulator's (src/demos/nat-sim/network.ts): RFC 1918 inside, documentation
 * ranges (RFC 5737) outside. Nothing touches the root namespace. Needs Linux and root, as
 * natLabUnavailableReason says.
 */
import { inNs, ip, type NatKind } from "../../e2e/nat/netns-lab.ts";
import type { ReflectorSockets } from "./wire.ts";

export interface Home {
  /** The peer's namespace and its one address. */
  readonly peer: string;
  readonly peerAddress: string;
  /** The router's namespace and the public address it translates to. */
  readonly nat: string;
  readonly publicAddress: string;
  readonly kind: NatKind;
}

export interface TwoNatLab {
  readonly A: Home;
  readonly B: Home;
  /** The public namespace, where the reflector runs. */
  readonly internet: string;
  readonly reflector: ReflectorSockets;
  /** Deletes every namespace (and with them each interface and rule inside). Safe to call twice. */
  destroy(): void;
}

/** `id` must be unique to this process and short (it prefixes namespace names): include process.pid. */
export function createTwoNatLab(id: string, kinds: { A: NatKind; B: NatKind }, { routerFirewall = true } = {}): TwoNatLab {
  const internet = `${id}-net`;
  const A: Home = { peer: `${id}-pa`, peerAddress: "192.168.1.2", nat: `${id}-na`, publicAddress: "203.0.113.5", kind: kinds.A };
  const B: Home = { peer: `${id}-pb`, peerAddress: "10.0.0.2", nat: `${id}-nb`, publicAddress: "198.51.100.9", kind: kinds.B };
  const lab: TwoNatLab = {
    A,
    B,
    internet,
    reflector: { main: { ip: "192.0.2.10", port: 3478 }, otherPort: { ip: "192.0.2.10", port: 3479 }, otherAddress: { ip: "192.0.2.11", port: 3478 } },
    destroy() {
      for (const ns of [A.peer, A.nat, B.peer, B.nat, internet]) {
        try {
          ip("netns", "del", ns);
        } catch {
          // Not created (a failed set-up) or already deleted.
        }
      }
    },
  };
  lab.destroy();
  try {
    for (const ns of [A.peer, A.nat, B.peer, B.nat, internet]) {
      ip("netns", "add", ns);
      inNs(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
      ip("-n", ns, "link", "set", "lo", "up");
    }
    inNs(internet, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    ip("-n", internet, "addr", "add", "192.0.2.10/32", "dev", "lo");
    ip("-n", internet, "addr", "add", "192.0.2.11/32", "dev", "lo");
    for (const [home, lan, link] of [
      [A, "192.168.1", "203.0.113"],
      [B, "10.0.0", "198.51.100"],
    ] as const) {
      // The router's Internet side: a link to the public namespace, which is its default gateway.
      // veth pairs are made inside the namespaces, never in the root one.
      const toHome = home === A ? "ethA" : "ethB";
      ip("-n", home.nat, "link", "add", "wan0", "type", "veth", "peer", "name", toHome, "netns", internet);
      ip("-n", home.nat, "addr", "add", `${home.publicAddress}/24`, "dev", "wan0");
      ip("-n", internet, "addr", "add", `${link}.1/24`, "dev", toHome);
      ip("-n", home.nat, "link", "set", "wan0", "up");
      ip("-n", internet, "link", "set", toHome, "up");
      ip("-n", home.nat, "route", "add", "default", "via", `${link}.1`);
      // The home network.
      ip("-n", home.nat, "link", "add", "lan0", "type", "veth", "peer", "name", "eth0", "netns", home.peer);
      ip("-n", home.nat, "addr", "add", `${lan}.1/24`, "dev", "lan0");
      ip("-n", home.peer, "addr", "add", `${home.peerAddress}/24`, "dev", "eth0");
      ip("-n", home.nat, "link", "set", "lan0", "up");
      ip("-n", home.peer, "link", "set", "eth0", "up");
      ip("-n", home.peer, "route", "add", "default", "via", `${lan}.1`);
      // The router: forward, and translate everything leaving wan0.
      inNs(home.nat, "sysctl", "-qw", "net.ipv4.ip_forward=1");
      inNs(home.nat, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "wan0", "-j", "MASQUERADE", ...(home.kind === "masquerade-random" ? ["--random"] : []));
      if (routerFirewall) inNs(home.nat, "iptables", "-A", "INPUT", "-i", "wan0", "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP");
    }
  } catch (error) {
    lab.destroy();
    throw error;
  }
  return lab;
}
