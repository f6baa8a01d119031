import { afterEach, describe, expect, it, vi } from "vitest";
import { whenIdle } from "../../../src/lib/idle.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("whenIdle", () => {
  it("uses requestIdleCallback with the deadline where the browser has it (Chromium, Firefox)", () => {
    const requestIdleCallback = vi.fn((run: IdleRequestCallback, _options?: IdleRequestOptions) => {
      run({ didTimeout: false, timeRemaining: () => 10 });
      return 1;
    });
    const callback = vi.fn();
    whenIdle(callback, 300, { requestIdleCallback, setTimeout });
    expect(requestIdleCallback).toHaveBeenCalledWith(expect.any(Function), { timeout: 300 });
    expect(callback).toHaveBeenCalledOnce();
  });

  it("falls back to a timer where it is missing (Safari), instead of throwing", () => {
    vi.useFakeTimers();
    const callback = vi.fn();
    expect(() => whenIdle(callback, 300, { setTimeout })).not.toThrow();
    expect(callback).not.toHaveBeenCalled();
    vi.runAllTimers();
    expect(callback).toHaveBeenCalledOnce();
  });
});
