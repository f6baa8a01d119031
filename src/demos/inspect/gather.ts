/**
 * One gathering run: a lone RTCPeerConnection (no remote peer) with a data channel, so the browser
 * gathers candidates for one m-line, exactly as it would at the start of a call. No DOM: the
 * element passes callbacks; the page, the mapping check and the server tester all use this.
 */

export interface GatheredCandidate {
  raw: string;
  url?: string | undefined;
  relayProtocol?: string | undefined;
  atMs: number;
}

export interface GatherError {
  atMs: number;
  errorCode: number;
  errorText: string;
  url: string;
  address: string | null;
  port: number | null;
}

export interface StatsCandidate {
  address?: string | undefined;
  port?: number | undefined;
  url?: string | undefined;
  relayProtocol?: string | undefined;
  candidateType?: string | undefined;
}

export interface GatherOptions {
  iceServers: RTCIceServer[];
  policy: "all" | "relay";
  /** Milliseconds, monotonic (performance.now in the page). */
  clock: () => number;
  /** Stop waiting after this long and report timedOut (the browser may keep trying). */
  timeoutMs: number;
  onCandidate?: (c: GatheredCandidate) => void;
  onError?: (e: GatherError) => void;
  onState?: (state: RTCIceGatheringState, atMs: number) => void;
  /** Injected for tests; defaults to the browser's RTCPeerConnection. */
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
}

export interface GatherResult {
  candidates: GatheredCandidate[];
  errors: GatherError[];
  timedOut: boolean;
  elapsedMs: number;
  stats: StatsCandidate[];
}

export interface GatherRun {
  done: Promise<GatherResult>;
  close(): void;
}

export function gather(options: GatherOptions): GatherRun {
  const start = options.clock();
  const at = (): number => Math.max(0, options.clock() - start);
  const pc = (options.createPeerConnection ?? ((c) => new RTCPeerConnection(c)))({ iceServers: options.iceServers, iceTransportPolicy: options.policy });
  const candidates: GatheredCandidate[] = [];
  const errors: GatherError[] = [];
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const done = new Promise<GatherResult>((resolve) => {
    const finish = async (timedOut: boolean): Promise<void> => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      const elapsedMs = at();
      let stats: StatsCandidate[] = [];
      try {
        if (!closed) {
          const report = await pc.getStats();
          report.forEach((s: { type?: string } & StatsCandidate) => {
            if (s.type === "local-candidate") stats.push({ address: s.address, port: s.port, url: s.url, relayProtocol: s.relayProtocol, candidateType: s.candidateType });
          });
        }
      } catch {
        stats = [];
      }
      resolve({ candidates, errors, timedOut, elapsedMs, stats });
    };
    pc.addEventListener("icecandidate", (event: RTCPeerConnectionIceEvent) => {
      const c = event.candidate;
      if (!c || c.candidate === "") return;
      // RTCIceCandidate.url/relayProtocol are newer additions; event.url is Chromium's older spelling.
      const extra = c as RTCIceCandidate & { url?: string | null; relayProtocol?: string | null };
      const eventUrl = (event as RTCPeerConnectionIceEvent & { url?: string | null }).url;
      const item: GatheredCandidate = { raw: c.candidate, atMs: at(), url: extra.url ?? eventUrl ?? undefined, relayProtocol: extra.relayProtocol ?? undefined };
      candidates.push(item);
      options.onCandidate?.(item);
    });
    pc.addEventListener("icecandidateerror", (event: Event) => {
      const e = event as RTCPeerConnectionIceErrorEvent;
      const item: GatherError = { atMs: at(), errorCode: e.errorCode, errorText: e.errorText, url: e.url, address: e.address ?? null, port: e.port ?? null };
      errors.push(item);
      options.onError?.(item);
    });
    pc.addEventListener("icegatheringstatechange", () => {
      options.onState?.(pc.iceGatheringState, at());
      if (pc.iceGatheringState === "complete") void finish(false);
    });
    timer = setTimeout(() => void finish(true), options.timeoutMs);
    pc.createDataChannel("inspect");
    pc.setLocalDescription().catch((error: unknown) => {
      errors.push({ atMs: at(), errorCode: 0, errorText: error instanceof Error ? error.message : String(error), url: "", address: null, port: null });
      void finish(false);
    });
  });
  return {
    done,
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      pc.close();
    },
  };
}
