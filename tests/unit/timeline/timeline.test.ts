import { describe, expect, it } from "vitest";
import {
  betterSync,
  estimateClockOffset,
  formatOffset,
  fromOtherTab,
  insertEvent,
  mergeTimelines,
  timelineEventSchema,
  type TimelineEvent,
} from "../../../src/shared/timeline/model.ts";
import { mermaidText, toSequenceDiagram } from "../../../src/shared/timeline/sequence-diagram.ts";
import { parseMermaid } from "../content/content-files.ts";

const ev = (at: number, side: TimelineEvent["side"], kind: TimelineEvent["kind"], label: string, extra: Partial<TimelineEvent> = {}): TimelineEvent => ({
  at,
  side,
  kind,
  label,
  ...extra,
});

describe("clock alignment", () => {
  it("assumes the server stamped halfway through the round trip", () => {
    // Sent at 1000 (our clock), server says 5050, ack back at 1100: server is 4000 ahead.
    expect(estimateClockOffset(1000, 5050, 1100)).toBe(4000);
  });

  it("keeps the estimate from the quickest round trip", () => {
    const first = betterSync(undefined, 0, 1000, 100);
    expect(first).toEqual({ offset: 950, roundTrip: 100 });
    expect(betterSync(first, 200, 1210, 220)).toEqual({ offset: 1000, roundTrip: 20 });
    expect(betterSync({ offset: 1000, roundTrip: 20 }, 300, 5000, 700)).toEqual({ offset: 1000, roundTrip: 20 });
  });
});

describe("ordering", () => {
  it("inserts in time order and keeps insertion order for equal times", () => {
    let events: TimelineEvent[] = [];
    events = insertEvent(events, ev(10, "local", "note", "b"));
    events = insertEvent(events, ev(5, "local", "note", "a"));
    events = insertEvent(events, ev(10, "remote", "note", "c"));
    events = insertEvent(events, ev(20, "local", "note", "d"));
    expect(events.map((e) => e.label)).toEqual(["a", "b", "c", "d"]);
  });

  it("merges this tab's and the other tab's events, flipping the other tab's sides", () => {
    const mine = [ev(1, "local", "join", "join"), ev(30, "local", "signal", "offer")];
    const theirs = fromOtherTab([ev(10, "local", "join", "join"), ev(40, "remote", "note", "seen")]);
    expect(theirs.map((e) => e.side)).toEqual(["remote", "local"]);
    const merged = mergeTimelines(mine, theirs);
    expect(merged.map((e) => `${e.at}:${e.side}`)).toEqual(["1:local", "10:remote", "30:local", "40:local"]);
  });

  it("merges long timelines in time order, events at the same time in list order", () => {
    const n = 2_000;
    const mine = Array.from({ length: n }, (_, i) => ev(i * 2, "local", "note", `m${i}`));
    const theirs = Array.from({ length: n }, (_, i) => ev(i * 2 + (i % 2), "remote", "note", `t${i}`));
    const merged = mergeTimelines(mine, theirs);
    expect(merged).toHaveLength(2 * n);
    for (let i = 1; i < merged.length; i++) expect((merged[i - 1]?.at ?? 0) <= (merged[i]?.at ?? 0)).toBe(true);
    // Same time: this tab's event (first list) comes first, as insertEvent would order them.
    expect(merged.slice(0, 3).map((e) => e.label)).toEqual(["m0", "t0", "m1"]);
  });

  it("formats times relative to the first event", () => {
    const first = ev(1000, "local", "join", "join");
    expect(formatOffset(ev(1012.34, "local", "note", "x"), first)).toBe("+12.3 ms");
    expect(formatOffset(first, undefined)).toBe("+0.0 ms");
  });

  it("validates events that arrive from the other tab", () => {
    expect(timelineEventSchema.safeParse(ev(1, "local", "note", "ok")).success).toBe(true);
    expect(timelineEventSchema.safeParse({ at: "1", side: "local", kind: "note", label: "x" }).success).toBe(false);
    expect(timelineEventSchema.safeParse({ ...ev(1, "local", "note", "x"), kind: "evil" }).success).toBe(false);
    expect(timelineEventSchema.safeParse({ ...ev(1, "local", "note", "x"), label: "x".repeat(500) }).success).toBe(false);
  });
});

describe("sequence diagram", () => {
  const session: TimelineEvent[] = [
    ev(0, "local", "join", "join room"),
    ev(5, "remote", "join", "join room"),
    ev(6, "local", "peer", "peer joined"),
    ev(10, "remote", "signal", "offer", { message: { direction: "sent", type: "offer", size: 1234 } }),
    ev(12, "local", "signal", "offer", { message: { direction: "received", type: "offer", size: 1234 } }),
    ev(13, "local", "state", "signalingState: have-remote-offer"),
    ev(14, "local", "candidate", "gathered host udp 192.0.2.1:54321"),
    ev(20, "local", "selected-pair", "selected pair host/host"),
    ev(21, "remote", "data-channel", "data channel open"),
  ];

  it("draws messages through the server, states as notes, and the selected pair between the tabs", async () => {
    const source = toSequenceDiagram(session);
    expect(source).toContain("participant S as Signaling server");
    expect(source).toContain("R->>S: offer, 1234 B (+10 ms)");
    expect(source).toContain("S->>L: offer, 1234 B (+12 ms)");
    expect(source).toContain("Note over L: signalingState#58; have-remote-offer (+13 ms)");
    expect(source).toContain("L-->>R: selected pair host/host (+20 ms)");
    expect(source).toContain("R-)L: data channel open (+21 ms)");
    expect(source).toMatch(/accTitle: .+\n {2}accDescr \{\n/u);
    await parseMermaid(source);
  });

  it("escapes hostile text so it cannot break out of its line", async () => {
    const hostile = [
      "x\nparticipant Z as Evil",
      "%%{init: {'theme':'forest'}}%%",
      "<img src=x onerror=alert(1)>",
      "a; Note over S: injected",
      "#35; end } accDescr { ",
      "ünïcödé ↔ 😀 `code` \"quotes\" 'single'",
    ];
    for (const text of hostile) {
      const escaped = mermaidText(text);
      expect(escaped).toMatch(/^[A-Za-z0-9 .,/()_+=#;-]+$/u);
      expect(escaped).not.toMatch(/[\n:<>%{}"'`]/u);
    }
    const source = toSequenceDiagram(hostile.map((label, i) => ev(i, i % 2 ? "local" : "remote", "error", label)));
    expect(source.split("\n").filter((l) => /^\s*participant /u.test(l))).toHaveLength(3);
    expect(source.split("\n")).toHaveLength(8 + hostile.length + 1);
    await parseMermaid(source);
  });

  it("caps the number of drawn steps and says how many were left out", async () => {
    const many = Array.from({ length: 40 }, (_, i) => ev(i, "local", "candidate", `candidate ${i}`));
    const source = toSequenceDiagram(many, { maxEvents: 10 });
    expect(source.match(/Note over L: candidate/gu)).toHaveLength(10);
    expect(source).toContain("Note over L,R: 30 more steps not drawn");
    await parseMermaid(source);
  });

  it("truncates very long text", () => {
    expect(mermaidText("a".repeat(500)).length).toBeLessThan(100);
    expect(mermaidText("   ")).toBe("-");
  });
});
