/**
 * When the two-tab demo may draw. Outside a connection attempt: on the next animation frame.
 * While an attempt is in flight: not before it has lasted `inFlightFrameMs`, then at most once per
 * `inFlightFrameMs`, and without even asking for a frame in between (a frame asked for just before
 * the attempt started is cancelled). Every frame costs style, layout and paint on the main thread
 * the negotiation needs, and on a good network the connection is made well within that time; the
 * reader sees every state in the timeline and the tables the moment it ends, and a slow attempt
 * still shows its progress a few times a second.
 *
 * The clock, frames and timers are passed in so that tests can drive them.
 */
export interface FrameHost {
  now(): number;
  requestFrame(callback: () => void): number;
  cancelFrame(handle: number): void;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const browserFrameHost: FrameHost = {
  now: () => performance.now(),
  requestFrame: (callback) => requestAnimationFrame(callback),
  cancelFrame: (handle) => cancelAnimationFrame(handle),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class FrameScheduler {
  private frame = 0;
  private timer: unknown;
  private lastDrawAt = -Infinity;
  private inFlightSince: number | undefined;

  private readonly draw: () => void;
  private readonly inFlight: () => boolean;
  private readonly inFlightFrameMs: number;
  private readonly host: FrameHost;

  constructor(draw: () => void, inFlight: () => boolean, inFlightFrameMs: number, host: FrameHost = browserFrameHost) {
    this.draw = draw;
    this.inFlight = inFlight;
    this.inFlightFrameMs = inFlightFrameMs;
    this.host = host;
  }

  /** Something changed: draw when allowed. */
  schedule(): void {
    const wait = this.delay();
    if (wait > 0) {
      if (this.frame !== 0) this.host.cancelFrame(this.frame);
      this.frame = 0;
      this.timer ??= this.host.setTimer(() => {
        this.timer = undefined;
        this.schedule();
      }, wait);
      return;
    }
    if (this.timer !== undefined) this.host.clearTimer(this.timer);
    this.timer = undefined;
    if (this.frame !== 0) return;
    this.frame = this.host.requestFrame(() => {
      this.frame = 0;
      this.lastDrawAt = this.host.now();
      this.draw();
    });
  }

  /** How long to hold the next draw back: 0 unless an attempt is in flight. */
  private delay(): number {
    if (!this.inFlight()) {
      this.inFlightSince = undefined;
      return 0;
    }
    const now = this.host.now();
    this.inFlightSince ??= now;
    return Math.max(this.lastDrawAt, this.inFlightSince) + this.inFlightFrameMs - now;
  }
}
