import { describe, expect, it } from "vitest";
import { FrameScheduler, type FrameHost } from "../../../src/demos/two-tab/frame-scheduler.ts";

/** A hand-driven clock with animation frames and timers, so the test decides when each fires. */
function fakeHost() {
  let time = 0;
  let nextId = 1;
  const frames = new Map<number, () => void>();
  const timers = new Map<number, { at: number; callback: () => void }>();
  const host: FrameHost = {
    now: () => time,
    requestFrame: (callback) => {
      const id = nextId++;
      frames.set(id, callback);
      return id;
    },
    cancelFrame: (id) => void frames.delete(id),
    setTimer: (callback, ms) => {
      const id = nextId++;
      timers.set(id, { at: time + ms, callback });
      return id;
    },
    clearTimer: (id) => void timers.delete(id as number),
  };
  return {
    host,
    pendingFrames: () => frames.size,
    /** Runs the frames asked for so far (a display refresh). */
    frame(): void {
      const due = [...frames.values()];
      frames.clear();
      for (const callback of due) callback();
    },
    /** Moves the clock on, firing timers as they come due. */
    advance(ms: number): void {
      const end = time + ms;
      for (;;) {
        const next = [...timers.entries()].sort((a, b) => a[1].at - b[1].at).find(([, t]) => t.at <= end);
        if (!next) break;
        timers.delete(next[0]);
        time = next[1].at;
        next[1].callback();
      }
      time = end;
    },
  };
}

describe("the two-tab demo's frame scheduler", () => {
  it("draws on the next frame, once however many changes came before it, when no attempt is in flight", () => {
    const clock = fakeHost();
    let draws = 0;
    const frames = new FrameScheduler(() => (draws += 1), () => false, 250, clock.host);
    frames.schedule();
    frames.schedule();
    frames.schedule();
    expect(clock.pendingFrames()).toBe(1);
    clock.frame();
    expect(draws).toBe(1);
  });

  it("cancels a frame asked for just before an attempt started, and draws nothing in the attempt's first 250 ms", () => {
    const clock = fakeHost();
    let draws = 0;
    let inFlight = false;
    const frames = new FrameScheduler(() => (draws += 1), () => inFlight, 250, clock.host);
    frames.schedule(); // e.g. the ICE servers arrived
    inFlight = true; // the second peer is here
    frames.schedule();
    expect(clock.pendingFrames()).toBe(0);
    clock.frame();
    clock.advance(249);
    frames.schedule();
    clock.frame();
    expect(draws).toBe(0);
    clock.advance(1);
    expect(clock.pendingFrames()).toBe(1);
    clock.frame();
    expect(draws).toBe(1);
  });

  it("draws at most four times a second while the attempt lasts, and at once when it ends", () => {
    const clock = fakeHost();
    let draws = 0;
    let inFlight = true;
    const frames = new FrameScheduler(() => (draws += 1), () => inFlight, 250, clock.host);
    for (let ms = 0; ms < 1000; ms += 10) {
      frames.schedule();
      clock.advance(10);
      clock.frame();
    }
    expect(draws).toBe(4); // at 250, 500, 750 and 1000 ms, out of 100 changes
    inFlight = false;
    frames.schedule();
    clock.frame();
    expect(draws).toBe(5);
    frames.schedule();
    clock.frame();
    expect(draws).toBe(6);
  });
});
