/**
 * The demo's experiments: settings for a tab's next connection that show what each kind of
 * candidate is for (RFC 8445 §5.1.1): relay only, host or server-reflexive candidates dropped
 * before they are sent, trickle ICE off.
 */
export interface Experiments {
  relayOnly: boolean;
  dropHost: boolean;
  dropSrflx: boolean;
  trickle: boolean;
}

/** "all candidates, trickle" or "relay-only, no trickle, host dropped": a run's settings in words. */
export function experimentsLabel(e: Experiments): string {
  const parts = [e.relayOnly ? "relay-only" : "all candidates", e.trickle ? "trickle" : "no trickle"];
  if (e.dropHost) parts.push("host dropped");
  if (e.dropSrflx) parts.push("srflx dropped");
  return parts.join(", ");
}
