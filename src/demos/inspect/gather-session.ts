/**
 * One gathering run folded into the pure session state (session.ts): every candidate, error and
 * gathering-state change becomes a new InspectState handed to onUpdate, and when gathering ends the
 * rows get the server URL / relay protocol that only getStats knows. Used by /inspect/ and by the
 * lesson embeds (DemoSlot "inspect-candidates", "address-classes"), so both show the same rows.
 */
import { gather, type GatherRun } from "./gather.ts";
import { addCandidate, addError, enrichFromStats, initialState, setGatheringState, type InspectState, type Policy } from "./session.ts";

/** How long the page waits for gathering to end before it reports what it has. */
export const GATHER_TIMEOUT_MS = 30_000;

export interface SessionRunOptions {
  iceServers: RTCIceServer[];
  policy: Policy;
  timeoutMs?: number;
  /** Called with every new state, synchronously, starting with "gathering". */
  onUpdate: (state: InspectState) => void;
}

export interface SessionRun {
  /** The final state: gatheringState "complete", with `problem` set if the deadline passed. */
  done: Promise<InspectState>;
  close(): void;
}

export function gatherSession(options: SessionRunOptions): SessionRun {
  const timeoutMs = options.timeoutMs ?? GATHER_TIMEOUT_MS;
  let state = setGatheringState(initialState(options.policy), "gathering", 0);
  const update = (next: InspectState): void => {
    state = next;
    options.onUpdate(next);
  };
  update(state);
  const run: GatherRun = gather({
    iceServers: options.iceServers,
    policy: options.policy,
    clock: () => performance.now(),
    timeoutMs,
    onCandidate: (c) => update(addCandidate(state, c)),
    onError: (e) => update(addError(state, e)),
    // "complete" is shown once the stats have filled in what the events left out (below), so
    // nothing on the page changes after it says gathering is over.
    onState: (s, atMs) => {
      if (s !== "complete") update(setGatheringState(state, s, atMs));
    },
  });
  const done = run.done.then((result) => {
    run.close();
    let next = enrichFromStats(state, result.stats);
    if (result.timedOut) next = { ...next, problem: `Gathering did not finish within ${timeoutMs / 1000} s.` };
    next = setGatheringState(next, "complete", result.elapsedMs);
    update(next);
    return next;
  });
  return { done, close: () => run.close() };
}

