/**
 * Waiting for something the server or the browser will tell us about, event-driven: the condition
 * is checked again each time `changed()` is called (a record arrived, a candidate was gathered),
 * and gives up after a deadline with a message that names what was awaited.
 */
import { DemoFailure } from "./failures.ts";

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class ChangeSignal {
  readonly #waiters = new Set<() => void>();
  readonly #timers: Timers;
  constructor(timers: Timers = realTimers) {
    this.#timers = timers;
  }

  changed(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /** Resolves with the first non-undefined result of `check`, or rejects after `timeoutMs`. */
  until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const first = check();
      if (first !== undefined) return resolve(first);
      const waiter = (): void => {
        let result: T | undefined;
        try {
          result = check();
        } catch (error) {
          finish();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (result === undefined) return;
        finish();
        resolve(result);
      };
      const timer = this.#timers.setTimeout(() => {
        finish();
        reject(new DemoFailure("timeout", `Timed out after ${String(Math.round(timeoutMs / 1000))} s waiting for ${what}.`));
      }, timeoutMs);
      const finish = (): void => {
        this.#timers.clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      this.#waiters.add(waiter);
    });
  }
}
