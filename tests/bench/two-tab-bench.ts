/**
 * Benchmark (a script, not a test): how long the two-tab demo takes from the second tab's arrival
 * in the room (its room:join acknowledged) to the data channel opening, beside the floor measured
 * in the same run and browser: two RTCPeerConnections in one page, connected directly, with the
 * same ICE servers. Prints both medians and their ratio (target: at most 1.3).
 *
 * Then, in separate runs with both tabs instrumented (two-tab-phases.ts), where the demo's time
 * goes: the median moment of each step of the connection, from the new tab's RTCPeerConnection.
 *
 * It also prints references that share the demo's shape (a fresh tab that warms WebRTC up and
 * connects once it is idle after loading, to a long-lived tab): two bare pages signaling over a
 * BroadcastChannel, and two bare pages signaling through this server. They show what the two-tab
 * shape costs by itself on this machine, apart from anything the demo does. A last reference takes
 * the demo's exact steps (offer prepared while waiting, pooled answerer) with a bare client.
 *
 *   node_modules/.bin/node tests/bench/two-tab-bench.ts [runs=25]
 *
 * Needs the built site (npm run build) and Chromium (see tests/e2e/support/browser.ts).
 */
import type { Page } from "playwright-core";
import { launchChromium } from "../e2e/support/browser.ts";
import { startServerProcess } from "../support/server-process.ts";
import { installPhaseMarks, readPhases, STEPS } from "./two-tab-phases.ts";

const RUNS = Math.max(20, Number(process.argv[2] ?? 25) || 25);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

/**
 * The floor: two peer connections in one page, candidates and descriptions handed over in memory.
 * `whenIdle`: first wait, as the demo's second tab does before it joins, for the page to finish
 * loading and go idle.
 */
async function floorRun(page: Page, whenIdle = false): Promise<number> {
  return page.evaluate(async (idle) => {
    const config = (await (await fetch("/api/ice-config", { cache: "no-store" })).json()) as { iceServers: RTCIceServer[] };
    if (idle) {
      if (document.readyState !== "complete") await new Promise((loaded) => window.addEventListener("load", loaded, { once: true }));
      await new Promise((done) => requestIdleCallback(done, { timeout: 300 }));
    }
    const start = performance.now();
    const a = new RTCPeerConnection({ iceServers: config.iceServers });
    const b = new RTCPeerConnection({ iceServers: config.iceServers });
    a.onicecandidate = (e) => void b.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
    b.onicecandidate = (e) => void a.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
    const channel = a.createDataChannel("chat");
    const open = new Promise<number>((resolve) => channel.addEventListener("open", () => resolve(performance.now() - start)));
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription as RTCSessionDescription);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription as RTCSessionDescription);
    const ms = await open;
    a.close();
    b.close();
    return ms;
  }, whenIdle);
}

/**
 * A second reference, for the notes rather than the target: the two-tab shape without this demo.
 * A long-lived page answers and a fresh page offers each run (as the demo's second tab does, with
 * WebRTC warmed up first), signaling over a BroadcastChannel (browser-internal, no server, no UI).
 * The gap between it and the one-page floor is what two renderer processes cost on this machine.
 */
async function installTwoPageAnswerer(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const config = (await (await fetch("/api/ice-config", { cache: "no-store" })).json()) as { iceServers: RTCIceServer[] };
    const channel = new BroadcastChannel("two-page-floor");
    let pc: RTCPeerConnection | undefined;
    let chain = Promise.resolve();
    channel.onmessage = ({ data }: MessageEvent<{ offer?: RTCSessionDescriptionInit; candidate?: RTCIceCandidateInit | null; from?: string }>) => {
      chain = chain.then(async () => {
        if (data.offer) {
          pc?.close();
          const current = new RTCPeerConnection({ iceServers: config.iceServers });
          pc = current;
          current.onicecandidate = (e) => channel.postMessage({ from: "answerer", candidate: e.candidate?.toJSON() ?? null });
          await current.setRemoteDescription(data.offer);
          await current.setLocalDescription();
          channel.postMessage({ answer: { type: "answer", sdp: current.localDescription?.sdp } });
        } else if (data.from === "offerer" && data.candidate !== undefined) {
          await pc?.addIceCandidate(data.candidate ?? undefined).catch(() => undefined);
        }
      });
    };
  });
}

async function twoPageRun(offerer: Page): Promise<number> {
  return offerer.evaluate(async () => {
    const config = (await (await fetch("/api/ice-config", { cache: "no-store" })).json()) as { iceServers: RTCIceServer[] };
    // Warm WebRTC up and wait for the page to be idle, as the demo does before it joins.
    const warm = new RTCPeerConnection();
    warm.createDataChannel("warm-up");
    await warm.createOffer();
    warm.close();
    await new Promise((done) => requestIdleCallback(done, { timeout: 300 }));
    const start = performance.now();
    const channel = new BroadcastChannel("two-page-floor");
    const pc = new RTCPeerConnection({ iceServers: config.iceServers });
    let chain = Promise.resolve();
    channel.onmessage = ({ data }: MessageEvent<{ answer?: RTCSessionDescriptionInit; candidate?: RTCIceCandidateInit | null; from?: string }>) => {
      chain = chain.then(async () => {
        if (data.answer) await pc.setRemoteDescription(data.answer);
        else if (data.from === "answerer" && data.candidate !== undefined) await pc.addIceCandidate(data.candidate ?? undefined).catch(() => undefined);
      });
    };
    pc.onicecandidate = (e) => channel.postMessage({ from: "offerer", candidate: e.candidate?.toJSON() ?? null });
    const dc = pc.createDataChannel("chat");
    const open = new Promise<number>((resolve) => dc.addEventListener("open", () => resolve(performance.now() - start)));
    await pc.setLocalDescription();
    channel.postMessage({ offer: { type: "offer", sdp: pc.localDescription?.sdp } });
    const ms = await open;
    pc.close();
    channel.close();
    return ms;
  });
}

/**
 * A third reference: the same two-page shape, signaling through this server (socket.io, the demo's
 * protocol) but with a bare client: a few lines of the socket.io wire format over a WebSocket,
 * no demo UI, no timeline. Between this and the two-page figure is the server hop; between this
 * and the two-tab figure is the demo's own client code.
 */
async function installBareSignaling(page: Page): Promise<void> {
  await page.evaluate(async () => {
    type Handler = (payload: Record<string, unknown>) => void;
    const handlers = new Map<string, Handler>();
    const acks = new Map<number, (payload: Record<string, unknown>) => void>();
    let nextAck = 1;
    const ws = new WebSocket(`${location.origin.replace(/^http/u, "ws")}/socket.io/?EIO=4&transport=websocket`);
    await new Promise<void>((connected, fail) => {
      ws.onerror = () => fail(new Error("WebSocket failed"));
      ws.onmessage = ({ data }: MessageEvent<string>) => {
        if (data === "2") return ws.send("3"); // engine.io ping
        if (data.startsWith("0")) return ws.send("40"); // engine.io open: connect to the main namespace
        if (data.startsWith("40")) return connected();
        const ack = /^43(\d+)(.*)$/su.exec(data);
        if (ack) {
          const [payload] = JSON.parse(ack[2] ?? "[]") as [Record<string, unknown>];
          acks.get(Number(ack[1]))?.(payload);
          acks.delete(Number(ack[1]));
          return;
        }
        if (data.startsWith("42")) {
          const [event, payload] = JSON.parse(data.slice(2)) as [string, Record<string, unknown>];
          handlers.get(event)?.(payload);
        }
        return undefined;
      };
    });
    (window as unknown as { bare: unknown }).bare = {
      emit(event: string, payload: unknown): Promise<Record<string, unknown>> {
        const id = nextAck++;
        ws.send(`42${String(id)}${JSON.stringify([event, payload])}`);
        return new Promise((done) => acks.set(id, done));
      },
      on(event: string, handler: Handler): void {
        handlers.set(event, handler);
      },
    };
  });
}

interface Bare {
  emit(event: string, payload: unknown): Promise<Record<string, unknown>>;
  on(event: string, handler: (payload: Record<string, unknown>) => void): void;
}

/** The long-lived page of the bare reference: creates a room and answers every newcomer. Returns the room ID. */
async function installBareAnswerer(page: Page): Promise<string> {
  await installBareSignaling(page);
  return page.evaluate(async () => {
    const bare = (window as unknown as { bare: Bare }).bare;
    const config = (await (await fetch("/api/ice-config", { cache: "no-store" })).json()) as { iceServers: RTCIceServer[] };
    let pc: RTCPeerConnection | undefined;
    let chain = Promise.resolve();
    bare.on("peer:joined", () => {
      pc?.close();
      const current = new RTCPeerConnection({ iceServers: config.iceServers });
      pc = current;
      current.onicecandidate = (e) => void bare.emit("signal:candidate", { candidate: e.candidate ? { candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex } : null });
    });
    bare.on("signal:description", (m) => {
      chain = chain.then(async () => {
        if (!pc) return;
        await pc.setRemoteDescription(m["description"] as RTCSessionDescriptionInit);
        await pc.setLocalDescription();
        void bare.emit("signal:description", { description: { type: "answer", sdp: pc.localDescription?.sdp } });
      });
    });
    bare.on("signal:candidate", (m) => {
      chain = chain.then(() => pc?.addIceCandidate((m["candidate"] as RTCIceCandidateInit | null) ?? undefined).catch(() => undefined));
    });
    const joined = await bare.emit("room:join", {});
    return joined["roomId"] as string;
  });
}

async function bareRun(offerer: Page, roomId: string): Promise<number> {
  await installBareSignaling(offerer);
  return offerer.evaluate(async (room) => {
    const bare = (window as unknown as { bare: Bare }).bare;
    const config = (await (await fetch("/api/ice-config", { cache: "no-store" })).json()) as { iceServers: RTCIceServer[] };
    const warm = new RTCPeerConnection();
    warm.createDataChannel("warm-up");
    await warm.createOffer();
    warm.close();
    await new Promise((done) => requestIdleCallback(done, { timeout: 300 }));
    let chain = Promise.resolve();
    const made: { pc?: RTCPeerConnection } = {}; // made after the join, used by handlers set before it
    bare.on("signal:description", (m) => {
      chain = chain.then(() => made.pc?.setRemoteDescription(m["description"] as RTCSessionDescriptionInit));
    });
    bare.on("signal:candidate", (m) => {
      chain = chain.then(() => made.pc?.addIceCandidate((m["candidate"] as RTCIceCandidateInit | null) ?? undefined).catch(() => undefined));
    });
    await bare.emit("room:join", { roomId: room });
    const start = performance.now(); // as the demo: from the join's acknowledgement
    const current = new RTCPeerConnection({ iceServers: config.iceServers });
    made.pc = current;
    current.onicecandidate = (e) => void bare.emit("signal:candidate", { candidate: e.candidate ? { candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex } : null });
    const dc = current.createDataChannel("chat");
    const open = new Promise<number>((resolve) => dc.addEventListener("open", () => resolve(performance.now() - start)));
    await current.setLocalDescription();
    void bare.emit("signal:description", { description: { type: "offer", sdp: current.localDescription?.sdp } });
    const ms = await open;
    current.close();
    return ms;
  }, roomId);
}

/**
 * A fourth reference, the demo's own shape with a bare client: the long-lived page prepares its
 * connection, data channel (negotiated, as the demo's) and offer, and gathers, before anyone
 * arrives; a fresh page (WebRTC warmed up, idle, a pooled connection ready, as the demo's) joins,
 * receives that offer through this server, answers and trickles. Same steps as the demo, none of
 * its code: the figure any client of this shape reaches on this machine.
 */
async function installBarePreparedWaiter(page: Page): Promise<string> {
  await installBareSignaling(page);
  return page.evaluate(async () => {
    const bare = (window as unknown as { bare: Bare }).bare;
    const config = (await (await fetch("/api/ice-config", { cache: "no-store" })).json()) as { iceServers: RTCIceServer[] };
    let pc: RTCPeerConnection | undefined;
    let chain = Promise.resolve();
    const prepare = async (): Promise<void> => {
      pc?.close();
      const current = new RTCPeerConnection({ iceServers: config.iceServers });
      pc = current;
      current.createDataChannel("chat", { negotiated: true, id: 0 });
      await current.setLocalDescription();
      await new Promise<void>((gathered) => {
        if (current.iceGatheringState === "complete") return gathered();
        current.addEventListener("icegatheringstatechange", () => current.iceGatheringState === "complete" && gathered());
        return undefined;
      });
    };
    let prepared = Promise.resolve();
    let left = 0;
    // The offer goes out once it is prepared (a newcomer arriving sooner waits for it).
    bare.on("peer:joined", () => void prepared.then(() => bare.emit("signal:description", { description: { type: "offer", sdp: pc?.localDescription?.sdp } })));
    bare.on("peer:left", () => {
      left += 1;
      prepared = chain = chain.then(prepare);
    });
    bare.on("signal:description", (m) => {
      chain = chain.then(() => pc?.setRemoteDescription(m["description"] as RTCSessionDescriptionInit));
    });
    bare.on("signal:candidate", (m) => {
      chain = chain.then(() => pc?.addIceCandidate((m["candidate"] as RTCIceCandidateInit | null) ?? undefined).catch(() => undefined));
    });
    // Resolves once the newcomer of run `runs` has left and the next offer is prepared.
    (window as unknown as { ready: (runs: number) => Promise<void> }).ready = async (runs) => {
      while (left < runs) await new Promise((wait) => setTimeout(wait, 20));
      await prepared;
    };
    prepared = prepare();
    await prepared;
    const joined = await bare.emit("room:join", {});
    return joined["roomId"] as string;
  });
}

async function barePreparedRun(newcomer: Page, waiter: Page, roomId: string, runsBefore: number): Promise<number> {
  await waiter.evaluate((runs) => (window as unknown as { ready: (runs: number) => Promise<void> }).ready(runs), runsBefore);
  await installBareSignaling(newcomer);
  return newcomer.evaluate(async (room) => {
    const bare = (window as unknown as { bare: Bare }).bare;
    const config = (await (await fetch("/api/ice-config", { cache: "no-store" })).json()) as { iceServers: RTCIceServer[] };
    const warm = new RTCPeerConnection();
    warm.createDataChannel("warm-up");
    await warm.createOffer();
    warm.close();
    const pc = new RTCPeerConnection({ iceServers: config.iceServers, iceCandidatePoolSize: 1 });
    await new Promise((done) => requestIdleCallback(done, { timeout: 300 }));
    let chain = Promise.resolve();
    const dc = pc.createDataChannel("chat", { negotiated: true, id: 0 });
    pc.onicecandidate = (e) => void bare.emit("signal:candidate", { candidate: e.candidate ? { candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex } : null });
    bare.on("signal:description", (m) => {
      chain = chain.then(async () => {
        await pc.setRemoteDescription(m["description"] as RTCSessionDescriptionInit);
        await pc.setLocalDescription();
        void bare.emit("signal:description", { description: { type: "answer", sdp: pc.localDescription?.sdp } });
      });
    });
    bare.on("signal:candidate", (m) => {
      chain = chain.then(() => pc.addIceCandidate((m["candidate"] as RTCIceCandidateInit | null) ?? undefined).catch(() => undefined));
    });
    let start = 0;
    const open = new Promise<number>((resolve, fail) => {
      dc.addEventListener("open", () => resolve(performance.now() - start));
      setTimeout(() => fail(new Error("bare prepared reference: no data channel within 20 s")), 20_000);
    });
    await bare.emit("room:join", { roomId: room });
    start = performance.now(); // as the demo: from the join's acknowledgement
    const ms = await open;
    pc.close();
    return ms;
  }, roomId);
}

/** Waits in the page (no polling over the DevTools protocol) for the demo's first run to show its data-channel time. */
async function channelMs(page: Page): Promise<number> {
  const text = await page.evaluate(
    () =>
      new Promise<string>((done, fail) => {
        const cell = (): string => document.querySelector("[data-testid=runs] tr td:last-child")?.textContent ?? "";
        const check = (): boolean => {
          if (!/\d+ ms\s*$/u.test(cell())) return false;
          observer.disconnect();
          clearTimeout(timer);
          done(cell());
          return true;
        };
        const observer = new MutationObserver(() => void check());
        const timer = setTimeout(() => {
          observer.disconnect();
          fail(new Error(`no data channel within 20 s (runs: ${cell() || "none"})`));
        }, 20_000);
        if (!check()) observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      }),
  );
  return Number(/(\d+) ms/u.exec(text)?.[1]);
}

const settle = (): Promise<void> => new Promise((done) => setTimeout(done, 300));

async function main(): Promise<void> {
  // As `npm start` runs it, in its own process, so driving Chromium does not share its event loop.
  const server = await startServerProcess({ HOST: "127.0.0.1", PORT: "0", TURN_PORT: "0", TURN_ALT_PORT: "0" });
  const browser = await launchChromium();
  try {
    // Two tabs of one browser profile, as a reader has them: one context for every page
    // (Playwright's browser.newPage() would give each page a profile of its own).
    const context = await browser.newContext();
    const floorPage = await context.newPage();
    await floorPage.goto(server.url);
    const first = await context.newPage();
    await first.goto(new URL("/demo/", server.url).href);
    await first.waitForFunction(() => (document.querySelector<HTMLInputElement>("[data-testid=room-link]")?.value ?? "").includes("room="));
    const link = await first.getByTestId("room-link").inputValue();

    const answerer = await context.newPage();
    await answerer.goto(server.url);
    await installTwoPageAnswerer(answerer);

    const bareAnswerer = await context.newPage();
    await bareAnswerer.goto(server.url);
    const bareRoom = await installBareAnswerer(bareAnswerer);

    const preparedWaiter = await context.newPage();
    await preparedWaiter.goto(server.url);
    const preparedRoom = await installBarePreparedWaiter(preparedWaiter);

    const twoTab: number[] = [];
    const twoPage: number[] = [];
    const bare: number[] = [];
    const barePrepared: number[] = [];
    const freshFloor: number[] = [];
    const fromNavigation: number[] = [];
    const floor: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      floor.push(await floorRun(floorPage));
      // The second tab is always a fresh page; so is this floor variant (first WebRTC use in a
      // page), which also waits for the page to load and go idle, as the demo's tab does.
      const fresh = await context.newPage();
      await fresh.goto(server.url);
      freshFloor.push(await floorRun(fresh, true));
      await fresh.close();
      await settle();
      const offerer = await context.newPage();
      await offerer.goto(server.url);
      twoPage.push(await twoPageRun(offerer));
      await offerer.close();
      await settle();
      const bareOfferer = await context.newPage();
      await bareOfferer.goto(server.url);
      bare.push(await bareRun(bareOfferer, bareRoom));
      await bareOfferer.close();
      await settle();
      const newcomer = await context.newPage();
      await newcomer.goto(server.url);
      barePrepared.push(await barePreparedRun(newcomer, preparedWaiter, preparedRoom, run));
      await newcomer.close();
      await settle();
      const second = await context.newPage();
      const navStart = Date.now();
      await second.goto(link);
      // The demo measures its own runs: from room:join acknowledged (with the first tab present)
      // to the data channel's open event, on the page's monotonic clock.
      twoTab.push(await channelMs(second));
      fromNavigation.push(Date.now() - navStart);
      await second.close();
      await first.waitForFunction(() => document.querySelector("[data-testid=demo-status]")?.textContent?.includes("left") ?? false);
      await settle();
    }
    const twoTabMedian = median(twoTab);
    const floorMedian = median(floor);
    console.log(`runs: ${RUNS}`);
    console.log(`two-tab (second tab's arrival -> data channel open): median ${twoTabMedian.toFixed(1)} ms  [${twoTab.join(", ")}]`);
    console.log(`floor (two RTCPeerConnections in one page, same ICE servers): median ${floorMedian.toFixed(1)} ms  [${floor.map((v) => v.toFixed(0)).join(", ")}]`);
    console.log(`ratio two-tab / floor: ${(twoTabMedian / floorMedian).toFixed(2)} (target <= 1.3)`);
    const freshMedian = median(freshFloor);
    console.log(`floor in a fresh page each run, once it is idle after loading: median ${freshMedian.toFixed(1)} ms  [${freshFloor.map((v) => v.toFixed(0)).join(", ")}]; ratio two-tab / fresh floor: ${(twoTabMedian / freshMedian).toFixed(2)}`);
    const twoPageMedian = median(twoPage);
    console.log(`two pages, no server and no demo UI (BroadcastChannel signaling, fresh warmed-up offerer): median ${twoPageMedian.toFixed(1)} ms  [${twoPage.map((v) => v.toFixed(0)).join(", ")}]; ratio two-tab / two pages: ${(twoTabMedian / twoPageMedian).toFixed(2)}`);
    const bareMedian = median(bare);
    console.log(`two pages through this server, bare client, no demo UI: median ${bareMedian.toFixed(1)} ms  [${bare.map((v) => v.toFixed(0)).join(", ")}]; ratio two-tab / bare: ${(twoTabMedian / bareMedian).toFixed(2)}`);
    const preparedMedian = median(barePrepared);
    console.log(`the demo's shape with a bare client (offer prepared while waiting, through this server, no demo UI): median ${preparedMedian.toFixed(1)} ms  [${barePrepared.map((v) => v.toFixed(0)).join(", ")}]; its ratio to the floor: ${(preparedMedian / floorMedian).toFixed(2)}; two-tab / it: ${(twoTabMedian / preparedMedian).toFixed(2)}`);
    console.log(`for reference, second tab's navigation start -> open seen by the test: median ${median(fromNavigation).toFixed(0)} ms (includes page load and polling)`);

    // Where the time goes, in runs of their own (the marks add a little work to every step).
    const marked = await browser.newContext();
    await installPhaseMarks(marked);
    const waiting = await marked.newPage();
    await waiting.goto(new URL("/demo/", server.url).href);
    await waiting.waitForFunction(() => (document.querySelector<HTMLInputElement>("[data-testid=room-link]")?.value ?? "").includes("room="));
    const markedLink = await waiting.getByTestId("room-link").inputValue();
    const phases: (number | undefined)[][] = [];
    for (let run = 0; run < Math.min(RUNS, 15); run += 1) {
      const newTab = await marked.newPage();
      await newTab.goto(markedLink);
      await channelMs(newTab);
      phases.push(await readPhases(newTab, waiting));
      await newTab.close();
      await waiting.waitForFunction(() => document.querySelector("[data-testid=demo-status]")?.textContent?.includes("left") ?? false);
      await settle();
    }
    console.log(`the demo's critical path, ${String(phases.length)} instrumented runs (median ms from the new tab's arrival):`);
    let previous = 0;
    STEPS.forEach((step, index) => {
      const seen = phases.map((run) => run[index]).filter((ms): ms is number => ms !== undefined);
      const at = median(seen);
      console.log(`  ${step.label.padEnd(32)} ${at.toFixed(1).padStart(6)}  (+${(at - previous).toFixed(1)})${seen.length < phases.length ? `  [seen in ${String(seen.length)} runs]` : ""}`);
      previous = at;
    });
    await marked.close();
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
