/**
 * Runs a callback when the browser is idle, or after `timeoutMs` at the latest:
 * requestIdleCallback where the browser has it (Chromium, Firefox). Safari has none; there the
 * callback runs on the next timer turn instead, so a missing API delays nothing and breaks nothing.
 */
type IdleScope = Partial<Pick<typeof globalThis, "requestIdleCallback">> & Pick<typeof globalThis, "setTimeout">;

export function whenIdle(callback: () => void, timeoutMs: number, scope: IdleScope = globalThis): void {
  if (typeof scope.requestIdleCallback === "function") scope.requestIdleCallback(() => callback(), { timeout: timeoutMs });
  else scope.setTimeout(callback, 0);
}
