/**
 * The two-tab demo's timeline: every step either tab took, on one clock. Each tab stamps its own
 * events with its own clock plus an offset to the signaling server's clock (estimated from a
 * request/acknowledgement round trip), so events from both tabs, or from a phone and a laptop,
 * can be put in one order. The other tab's events arrive over the data channel.
 */
import { z } from "../zod.ts";

export const TIMELINE_KINDS = [
  "join",
  "peer",
  "signal",
  "state",
  "candidate",
  "selected-pair",
  "data-channel",
  "media",
  "error",
  "note",
] as const;

export const timelineEventSchema = z.strictObject({
  /** "local" = recorded by this tab, "remote" = recorded by the other tab. */
  side: z.enum(["local", "remote"]),
  /** Milliseconds on the signaling server's clock. */
  at: z.number().finite(),
  kind: z.enum(TIMELINE_KINDS),
  label: z.string().max(200),
  detail: z.string().max(2000).optional(),
  /** For signaling messages: which way it crossed the server, what it was and its size. */
  message: z
    .strictObject({
      direction: z.enum(["sent", "received"]),
      type: z.string().max(40),
      size: z.number().int().min(0),
    })
    .optional(),
});

export type TimelineEvent = z.infer<typeof timelineEventSchema>;
export type TimelineKind = TimelineEvent["kind"];

/**
 * Offset to add to this tab's clock to get the server's clock, from one round trip: the server
 * stamped `serverTime` somewhere between `sentAt` and `receivedAt` (NTP's assumption: halfway).
 */
export function estimateClockOffset(sentAt: number, serverTime: number, receivedAt: number): number {
  return serverTime - (sentAt + receivedAt) / 2;
}

/** Keeps the estimate from the quickest round trip: the one with the least uncertainty. */
export interface ClockSync {
  offset: number;
  roundTrip: number;
}

export function betterSync(current: ClockSync | undefined, sentAt: number, serverTime: number, receivedAt: number): ClockSync {
  const candidate = { offset: estimateClockOffset(sentAt, serverTime, receivedAt), roundTrip: receivedAt - sentAt };
  return current === undefined || candidate.roundTrip < current.roundTrip ? candidate : current;
}

/** Inserts in time order; events at the same time keep the order they were added in. */
export function insertEvent(events: readonly TimelineEvent[], event: TimelineEvent): TimelineEvent[] {
  let i = events.length;
  while (i > 0 && (events[i - 1]?.at ?? 0) > event.at) i -= 1;
  return [...events.slice(0, i), event, ...events.slice(i)];
}

/** The other tab's events, seen from this tab: its "local" is our "remote". */
export function fromOtherTab(events: readonly TimelineEvent[]): TimelineEvent[] {
  return events.map((e) => ({ ...e, side: e.side === "local" ? "remote" : "local" }));
}

/** One list in time order; events at the same time keep the order of the lists (the sort is stable). */
export function mergeTimelines(...lists: readonly (readonly TimelineEvent[])[]): TimelineEvent[] {
  // Inserting one by one copied the list for every event: quadratic, and a long-lived tab's
  // timeline grows by dozens of events per connection.
  return lists.flat().sort((a, b) => a.at - b.at);
}

/** Milliseconds since the first event, for display ("+12.3 ms"). */
export function formatOffset(event: TimelineEvent, first: TimelineEvent | undefined): string {
  const ms = first === undefined ? 0 : event.at - first.at;
  return `+${ms.toFixed(1)} ms`;
}
