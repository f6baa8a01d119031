/**
 * A real NAT for tests, built from Linux network namespaces (ip netns), veth pairs and iptables:
 *
 *   ns <id>-cli  10.0.0.2/24 (eth0) ──► ns <id>-nat  lan0 10.0.0.1/24 │ wan0 203.0.113.2/24 ──► ns <id>-pub  203.0.113.10/24 (eth0)
 *   (Chromium)                          MASQUERADE [--random] out of wan0                          (the site + STUN/TURN)
 *
 * Only documentation addresses (RFC 5737 TEST-NET-3) and RFC 1918 space inside namespaces this lab
 * creates; nothing touches the root namespace's interfaces, routes or firewall (so browsers that other
 * tests run at the same time see no network change). Needs Linux and root.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export type NatKind = "masquerade" | "masquerade-random";

export interface NatLab {
  id: string;
  cli: string;
  nat: string;
  pub: string;
  serverAddress: string;
  natPublicAddress: string;
  clientAddress: string;
  /** Deletes the namespaces (and with them every interface and rule inside). Safe to call twice. */
  destroy(): void;
}

/** Why the lab cannot run here, or undefined when it can. */
export function natLabUnavailableReason(): string | undefined {
  if (process.platform !== "linux") return `needs Linux network namespaces (this is ${process.platform})`;
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return "needs root to create network namespaces and iptables rules (run as root, as .ci/run does)";
  for (const tool of ["/usr/sbin/ip", "/usr/sbin/iptables"]) {
    if (!existsSync(tool) && !existsSync(tool.replace("/usr/sbin", "/sbin"))) return `needs ${tool.split("/").pop()} (Debian: apt-get install iproute2 iptables)`;
  }
  return undefined;
}

/** Runs a lab command; a failure names the command and what it printed. */
function run(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed: ${e.stderr?.trim() || e.message}`, { cause: error });
  }
}

/** `ip …`, and `ip netns exec <ns> …`: shared with the two-NAT lab (tests/integration/nat-sim/). */
export const ip = (...args: string[]): string => run("ip", args);
export const inNs = (ns: string, ...args: string[]): string => run("ip", ["netns", "exec", ns, ...args]);

export function createNatLab(kind: NatKind, id = `insp${process.pid % 100000}`): NatLab {
  const cli = `${id}-cli`;
  const nat = `${id}-nat`;
  const pub = `${id}-pub`;
  const lab: NatLab = {
    id,
    cli,
    nat,
    pub,
    serverAddress: "203.0.113.10",
    natPublicAddress: "203.0.113.2",
    clientAddress: "10.0.0.2",
    destroy() {
      for (const ns of [cli, nat, pub]) {
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
    for (const ns of [cli, nat, pub]) {
      ip("netns", "add", ns);
      // The lab is IPv4 only. Without this, IPv6 link-local addresses appear (after duplicate
      // address detection) while Chromium loads the page, and it aborts loads with
      // ERR_NETWORK_CHANGED. These sysctls belong to the namespace, not to the host.
      inNs(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
      inNs(ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
      ip("-n", ns, "link", "set", "lo", "up");
    }
    // nat ↔ pub ("the internet"). Each veth pair is made inside the namespaces, never in the root
    // namespace: a new interface there is a network change for every browser other tests run.
    ip("-n", nat, "link", "add", "wan0", "type", "veth", "peer", "name", "eth0", "netns", pub);
    ip("-n", nat, "addr", "add", "203.0.113.2/24", "dev", "wan0");
    ip("-n", pub, "addr", "add", "203.0.113.10/24", "dev", "eth0");
    ip("-n", nat, "link", "set", "wan0", "up");
    ip("-n", pub, "link", "set", "eth0", "up");
    // cli ↔ nat (the home network)
    ip("-n", nat, "link", "add", "lan0", "type", "veth", "peer", "name", "eth0", "netns", cli);
    ip("-n", nat, "addr", "add", "10.0.0.1/24", "dev", "lan0");
    ip("-n", cli, "addr", "add", "10.0.0.2/24", "dev", "eth0");
    ip("-n", nat, "link", "set", "lan0", "up");
    ip("-n", cli, "link", "set", "eth0", "up");
    ip("-n", cli, "route", "add", "default", "via", "10.0.0.1");
    // The router: forward, and translate everything leaving wan0.
    inNs(nat, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    inNs(nat, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "wan0", "-j", "MASQUERADE", ...(kind === "masquerade-random" ? ["--random"] : []));
  } catch (error) {
    lab.destroy();
    throw error;
  }
  return lab;
}

/** The iptables NAT rules in the lab's router, for test messages. */
export function natRules(lab: NatLab): string {
  return inNs(lab.nat, "iptables", "-t", "nat", "-S", "POSTROUTING").trim();
}
