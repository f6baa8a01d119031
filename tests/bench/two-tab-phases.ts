/**
 * Where the two-tab demo's time goes: marks the steps of a connection in both tabs (an init
 * script wraps RTCPeerConnection, RTCDataChannel and WebSocket; the demo is not changed) and
 * reads them back on one clock (performance.timeOrigin + now(), the same across tabs of one
 * machine). Used by two-tab-bench.ts for a breakdown printed beside its figures.
 */
import type { BrowserContext, Page } from "playwright-core";

type Mark = [at: number, what: string];

/** Installs the marks in every page the context opens from now on. */
export async function installPhaseMarks(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const marks: [number, string][] = [];
    (window as unknown as { phaseMarks: [number, string][] }).phaseMarks = marks;
    const mark = (what: string): void => void marks.push([performance.timeOrigin + performance.now(), what]);
    const Original = window.RTCPeerConnection;
    class Marked extends Original {
      private readonly marked: boolean;
      constructor(config?: RTCConfiguration) {
        super(config);
        // The warm-up connection has no ICE servers; only the real one is marked.
        this.marked = (config?.iceServers?.length ?? 0) > 0;
        if (!this.marked) return;
        mark("pc created");
        this.addEventListener("iceconnectionstatechange", () => mark(`ice ${this.iceConnectionState}`));
        this.addEventListener("connectionstatechange", () => mark(`connection ${this.connectionState}`));
        this.addEventListener("datachannel", (event) => event.channel.addEventListener("open", () => mark("channel open")));
      }
      override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
        await super.setRemoteDescription(description);
        if (this.marked) mark(`${description.type ?? "?"} applied`);
      }
      override createDataChannel(label: string, options?: RTCDataChannelInit): RTCDataChannel {
        const channel = super.createDataChannel(label, options);
        if (this.marked) channel.addEventListener("open", () => mark("channel open"));
        return channel;
      }
    }
    window.RTCPeerConnection = Marked;
    // Descriptions crossing the signaling socket (socket.io's text frames name the event).
    const kindOf = (data: unknown): string | undefined =>
      typeof data === "string" && data.includes('"signal:description"') ? /"type":"(offer|answer)"/u.exec(data)?.[1] : undefined;
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: WebSocket, data: Parameters<WebSocket["send"]>[0]) {
      const kind = kindOf(data);
      if (kind) mark(`${kind} sent`);
      send.call(this, data);
    };
    const OriginalSocket = window.WebSocket;
    window.WebSocket = class extends OriginalSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener("message", (event: MessageEvent<unknown>) => {
          const kind = kindOf(event.data);
          if (kind) mark(`${kind} received`);
          // socket.io's acknowledgement of room:join when the other tab is already there.
          else if (typeof event.data === "string" && event.data.includes('"roomId"') && event.data.includes('"peer":{')) mark("joined");
        });
      }
    };
  });
}

export interface Step {
  label: string;
  tab: "new" | "waiting";
  what: string;
}

/**
 * The connection's critical path, in order. The waiting tab prepared its connection and offer
 * before the new tab arrived; it sends the offer when the server says a peer joined.
 */
export const STEPS: readonly Step[] = [
  { label: "offer sent (waiting tab)", tab: "waiting", what: "offer sent" },
  { label: "RTCPeerConnection (new tab)", tab: "new", what: "pc created" },
  { label: "offer received (new tab)", tab: "new", what: "offer received" },
  { label: "offer applied", tab: "new", what: "offer applied" },
  { label: "answer sent", tab: "new", what: "answer sent" },
  { label: "answer received (waiting tab)", tab: "waiting", what: "answer received" },
  { label: "answer applied", tab: "waiting", what: "answer applied" },
  { label: "ICE connected (new tab)", tab: "new", what: "ice connected" },
  { label: "DTLS connected", tab: "new", what: "connection connected" },
  { label: "data channel open", tab: "new", what: "channel open" },
];

async function take(page: Page): Promise<Mark[]> {
  return page.evaluate(() => {
    const marks = (window as unknown as { phaseMarks: [number, string][] }).phaseMarks;
    return marks.splice(0, marks.length);
  });
}

/**
 * Milliseconds from the new tab's arrival (its room:join acknowledged, where the demo's own run
 * starts) to each step's first occurrence, or undefined for a step not seen. Each run takes the
 * marks it reads, so a step of the waiting tab is this run's even if it came a moment before
 * the acknowledgement was read (the server tells the waiting tab first).
 */
export async function readPhases(newTab: Page, waitingTab: Page): Promise<(number | undefined)[]> {
  const marks = { new: await take(newTab), waiting: await take(waitingTab) };
  const start = marks.new.find(([, what]) => what === "joined")?.[0];
  if (start === undefined) return STEPS.map(() => undefined);
  return STEPS.map((step) => {
    const at = marks[step.tab].find(([, what]) => what === step.what)?.[0];
    return at === undefined ? undefined : at - start;
  });
}
