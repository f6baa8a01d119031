/**
 * A NAT's behaviour named in RFC 4787's terms from what a peer measured through it
 * (`ProbeReport`), the way RFC 5780 §4.3 and §4.4 tell them apart:
 *
 * - Mapping (§4.1): one inside socket asked the reflector's main socket, its other port and its
 *   other address for its mapped address. The same external port for all three: endpoint-
 *   independent. The same toward both ports of one address but another toward the other address:
 *   address-dependent. A new one for each: address-and-port-dependent.
 * - Filtering (§5): a socket that sent only to the main socket got (or not) an answer from the other
 *   address: endpoint-independent; only from the other port: address-dependent; from neither:
 *   address-and-port-dependent.
 */
import type { NatBehaviour } from "../../../src/demos/nat-sim/behaviours.ts";
import type { ProbeReport } from "./wire.ts";

export function measuredBehaviour(report: ProbeReport, publicAddress: string): NatBehaviour {
  const { main, otherPort, otherAddress } = report.mapped;
  for (const mapped of [main, otherPort, otherAddress]) {
    if (mapped.ip !== publicAddress) throw new Error(`the reflector saw ${mapped.ip}, not the NAT's public address ${publicAddress}: is the NAT translating?`);
  }
  let mapping: NatBehaviour["mapping"];
  if (main.port === otherPort.port && main.port === otherAddress.port) mapping = "endpoint-independent";
  else if (main.port === otherPort.port) mapping = "address-dependent";
  else if (main.port !== otherAddress.port && otherPort.port !== otherAddress.port) mapping = "address-and-port-dependent";
  else throw new Error(`mapped ports ${String(main.port)}, ${String(otherPort.port)}, ${String(otherAddress.port)} fit no RFC 4787 mapping behaviour`);

  const { admitted } = report;
  if (admitted.otherAddress && !admitted.otherPort) throw new Error("the NAT let in another address but not another port of the same one: no RFC 4787 filtering behaviour");
  const filtering: NatBehaviour["filtering"] = admitted.otherAddress ? "endpoint-independent" : admitted.otherPort ? "address-dependent" : "address-and-port-dependent";
  return { mapping, filtering };
}
