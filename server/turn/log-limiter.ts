// Lines a client can cause once per packet (a dropped packet, a failed authentication, a refused
// request) must not let anyone fill the disk or spend the CPU on logging at packet rate. Each kind
// gets at most `perWindow` lines per window; the rest are counted and summarised in one line
// ("... and K more") when the next window starts or at the next flush (the server's sweep).

export interface LimitedLog {
  /** Log `line` unless `kind` has used up its lines for this window. */
  (kind: string, line: string): void;
  /** Write the summaries of windows that have ended. */
  flush(): void;
}

/** `prefix` starts the summary lines, like the lines themselves ("turn", "limits"). */
export function createLimitedLog(log: (line: string) => void, clock: () => number, perWindow = 20, windowMs = 10_000, prefix = "turn"): LimitedLog {
  const windows = new Map<string, { startedAt: number; written: number; suppressed: number }>();
  const summarise = (kind: string, suppressed: number): void => {
    log(`${prefix}: ... and ${String(suppressed)} more "${kind}" line${suppressed === 1 ? "" : "s"} in the last ${String(windowMs / 1000)} s`);
  };
  const limited = ((kind: string, line: string): void => {
    const now = clock();
    let w = windows.get(kind);
    if (w && now - w.startedAt >= windowMs) {
      if (w.suppressed > 0) summarise(kind, w.suppressed);
      w = undefined;
    }
    if (!w) {
      w = { startedAt: now, written: 0, suppressed: 0 };
      windows.set(kind, w);
    }
    if (w.written < perWindow) {
      w.written++;
      log(line);
    } else {
      w.suppressed++;
    }
  }) as LimitedLog;
  limited.flush = () => {
    const now = clock();
    for (const [kind, w] of windows) {
      if (now - w.startedAt < windowMs) continue;
      if (w.suppressed > 0) summarise(kind, w.suppressed);
      windows.delete(kind);
    }
  };
  return limited;
}
