/**
 * The two NAT properties of RFC 4787, named as the RFC names them: mapping behaviour (§4.1) and
 * filtering behaviour (§5). Each takes one of three values, and the same three words describe
 * both: what the NAT looks at in the remote endpoint, nothing, its address, or its address and port.
 */

/** How much of the remote endpoint (Y:y) a NAT's decision depends on. */
export type Dependence = "endpoint-independent" | "address-dependent" | "address-and-port-dependent";

/** RFC 4787 §4.1: when the NAT reuses a mapping for a new destination. */
export type MappingBehaviour = Dependence;
/** RFC 4787 §5: which inbound packets the NAT lets through a mapping. */
export type FilteringBehaviour = Dependence;

export const DEPENDENCES: readonly Dependence[] = ["endpoint-independent", "address-dependent", "address-and-port-dependent"];

export interface NatBehaviour {
  mapping: MappingBehaviour;
  filtering: FilteringBehaviour;
}

/** The usual abbreviations: EIM, ADM, APDM for mapping; EIF, ADF, APDF for filtering. */
export function mappingShort(mapping: MappingBehaviour): string {
  return { "endpoint-independent": "EIM", "address-dependent": "ADM", "address-and-port-dependent": "APDM" }[mapping];
}

export function filteringShort(filtering: FilteringBehaviour): string {
  return { "endpoint-independent": "EIF", "address-dependent": "ADF", "address-and-port-dependent": "APDF" }[filtering];
}

/** "Endpoint-independent mapping", as RFC 4787 §4.1 spells the term. */
export function mappingName(mapping: MappingBehaviour): string {
  return `${capitalise(mapping)} mapping`;
}

/** "Address-dependent filtering", as RFC 4787 §5 spells the term. */
export function filteringName(filtering: FilteringBehaviour): string {
  return `${capitalise(filtering)} filtering`;
}

/** "EIM + APDF": a NAT's two behaviours in one short label. */
export function behaviourShort(nat: NatBehaviour): string {
  return `${mappingShort(nat.mapping)} + ${filteringShort(nat.filtering)}`;
}

/**
 * The RFC 3489 name of a combination, where it has one (RFC 4787 §3 retired them): the three
 * "cone" NATs share endpoint-independent mapping; "symmetric" had address-and-port-dependent
 * mapping and filtering.
 */
export function oldName(nat: NatBehaviour): string | undefined {
  if (nat.mapping === "endpoint-independent") {
    return { "endpoint-independent": "full cone", "address-dependent": "restricted cone", "address-and-port-dependent": "port restricted cone" }[nat.filtering];
  }
  if (nat.mapping === "address-and-port-dependent" && nat.filtering === "address-and-port-dependent") return "symmetric";
  return undefined;
}

/**
 * What a filter counts as "X:x has sent to Y:y" (RFC 4787 §5), in the two readings the RFC allows:
 * - "mapping": only what was sent through the mapping the packet arrives on, as connection-tracking
 *   NATs do and as the NAT MIB (RFC 7659) describes filtering, per port mapping.
 * - "socket": anything X:x has sent, through any of its mappings, as §5's own sentences read
 *   ("if X:x has not sent packets to Y:y previously").
 * They differ only where X:x has several mappings: with destination-dependent mapping.
 */
export type FilterMemory = "mapping" | "socket";

export const FILTER_MEMORIES: readonly FilterMemory[] = ["mapping", "socket"];

export function isFilterMemory(value: string): value is FilterMemory {
  return (FILTER_MEMORIES as readonly string[]).includes(value);
}

export function isDependence(value: string): value is Dependence {
  return (DEPENDENCES as readonly string[]).includes(value);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
