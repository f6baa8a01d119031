/**
 * Chromium against the TURN servers: two RTCPeerConnections in one page, relay-only, connect a data
 * channel through our built-in server (reached over UDP, and over TCP), and the same through a real
 * coturn; then Firefox through our server. Proven with getStats() (selected pair relay/relay, relayProtocol udp or tcp), not with
 * candidate strings alone.
 */
import type { Browser } from "playwright-core";
import type { Browser as FirefoxBrowser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintTurnCredentials } from "../../server/turn/credentials.ts";
import { createTurnServer, type TurnServer } from "../../server/turn/server.ts";
import type { TransactionRecord } from "../../src/shared/stun/transaction-record.ts";
import { startCoturn, type Coturn } from "../integration/turn/support/processes.ts";
import { launchChromium } from "./support/browser.ts";
import { launchFirefox } from "./support/firefox.ts";

const SECRET = "e2e-turn-secret-0123456789abcdef";
const REALM = "e2e.example";

/**
 * Runs in the page (kept as plain JavaScript text so no compiler helper leaks into it).
 * Resolves with the gathered candidates, the echoed message and the selected pair's types.
 */
const CONNECT_THROUGH_RELAY = `async (iceServers) => {
  const config = { iceServers, iceTransportPolicy: "relay" };
  const a = new RTCPeerConnection(config);
  const b = new RTCPeerConnection(config);
  const candidates = { a: [], b: [] };
  const errors = [];
  for (const [pc, other, list] of [[a, b, candidates.a], [b, a, candidates.b]]) {
    pc.onicecandidate = (e) => { if (e.candidate) { list.push(e.candidate.candidate); other.addIceCandidate(e.candidate).catch((err) => errors.push(String(err))); } };
    pc.onicecandidateerror = (e) => errors.push(e.errorCode + " " + e.errorText + " " + e.url);
  }
  const timeout = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(what + " timed out; errors: " + errors.join("; "))), ms));
  const channel = a.createDataChannel("relay-test");
  b.ondatachannel = (event) => { event.channel.onmessage = (m) => event.channel.send("pong:" + m.data); };
  const opened = new Promise((resolve) => { channel.onopen = resolve; });
  const answered = new Promise((resolve) => { channel.onmessage = (m) => resolve(m.data); });
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  await Promise.race([opened, timeout(30000, "data channel open")]);
  channel.send("ping");
  const reply = await Promise.race([answered, timeout(10000, "echo")]);
  const stats = await a.getStats();
  let pair;
  stats.forEach((s) => { if (s.type === "transport" && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
  const local = pair && stats.get(pair.localCandidateId);
  const remote = pair && stats.get(pair.remoteCandidateId);
  a.close();
  b.close();
  return { candidates, reply, errors, local: local && { type: local.candidateType, relayProtocol: local.relayProtocol, address: local.address, url: local.url }, remote: remote && { type: remote.candidateType } };
}`;

interface RelayResult {
  candidates: { a: string[]; b: string[] };
  reply: string;
  errors: string[];
  local?: { type: string; relayProtocol?: string; address?: string; url?: string };
  remote?: { type: string };
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function connect(iceServers: RTCIceServer[]): Promise<RelayResult> {
  const page = await browser.newPage();
  try {
    return (await page.evaluate(`(${CONNECT_THROUGH_RELAY})(${JSON.stringify(iceServers)})`)) as RelayResult;
  } finally {
    await page.close();
  }
}

function credentials(userId: string) {
  const { username, credential } = mintTurnCredentials({ secret: SECRET, userId, ttlSeconds: 600, now: Date.now() });
  return { username, credential };
}

describe("Chromium relays a data channel through a TURN server (iceTransportPolicy: relay)", () => {
  let ours: TurnServer;
  const records: TransactionRecord[] = [];
  let coturn: Coturn;
  beforeAll(async () => {
    // No allowPrivatePeers: each browser's peer is the other's relay address on this same server,
    // which the deny list lets through as "our own relayed address".
    ours = createTurnServer({ listenHost: "127.0.0.1", ports: [0], realm: REALM, secret: SECRET, relayPortMin: 0, relayPortMax: 0 }, { onTransaction: (r) => records.push(r) });
    await ours.listen();
    coturn = await startCoturn({ secret: SECRET, realm: REALM });
  });
  afterAll(async () => {
    await ours?.close();
    await coturn?.stop();
  });

  it("through our built-in server", async () => {
    const port = ours.addresses()[0]?.port ?? 0;
    const result = await connect([{ urls: [`turn:127.0.0.1:${String(port)}?transport=udp`, `stun:127.0.0.1:${String(port)}`], ...credentials("chromium-ours") }]);
    expect(result.reply).toBe("pong:ping");
    expect(result.candidates.a.some((c) => / typ relay /.test(c))).toBe(true);
    expect(result.candidates.a.every((c) => / typ relay /.test(c))).toBe(true);
    expect(result.local).toMatchObject({ type: "relay", relayProtocol: "udp" });
    expect(result.remote).toMatchObject({ type: "relay" });
    // The server saw Chromium's 401 challenge, the authenticated retry, permissions and channels.
    const seen = new Set(records.flatMap((r) => (r.kind === "stun" ? [`${r.methodName} ${r.className}${r.errorCode ? ` ${String(r.errorCode)}` : ""}`] : [])));
    expect([...seen]).toEqual(expect.arrayContaining(["Allocate error response 401", "Allocate success response", "CreatePermission success response", "ChannelBind success response"]));
    expect(records.some((r) => r.kind === "relay-usage" && r.channels.some((c) => c.bytesToPeer > 0))).toBe(true);
  });

  it("through our built-in server reached over TCP only (turn:…?transport=tcp; RFC 8656 §3.1)", async () => {
    const tcp = ours.tcpAddress();
    expect(tcp).toBeDefined();
    const before = records.length;
    const result = await connect([{ urls: [`turn:127.0.0.1:${String(tcp?.port ?? 0)}?transport=tcp`], ...credentials("chromium-ours-tcp") }]);
    expect(result.reply).toBe("pong:ping");
    expect(result.candidates.a.length).toBeGreaterThan(0);
    expect(result.candidates.a.every((c) => / typ relay /.test(c))).toBe(true);
    // The relayed address itself is UDP; relayProtocol is how Chromium reached the TURN server.
    expect(result.candidates.a.every((c) => / udp /i.test(c))).toBe(true);
    expect(result.local).toMatchObject({ type: "relay", relayProtocol: "tcp" });
    expect(result.remote).toMatchObject({ type: "relay" });
    const mine = records.slice(before);
    const stun = mine.filter((r) => r.kind === "stun");
    expect(stun.length).toBeGreaterThan(0);
    expect(stun.every((r) => r.transport === "tcp")).toBe(true);
    const seen = new Set(stun.map((r) => `${r.methodName} ${r.className}${r.errorCode ? ` ${String(r.errorCode)}` : ""}`));
    expect([...seen]).toEqual(expect.arrayContaining(["Allocate error response 401", "Allocate success response", "CreatePermission success response", "ChannelBind success response"]));
    // Data flowed over the channel, i.e. as padded ChannelData on the TCP stream.
    expect(mine.some((r) => r.kind === "relay-usage" && r.transport === "tcp" && r.channels.some((c) => c.bytesToPeer > 0 && c.bytesFromPeer > 0))).toBe(true);
    expect(ours.stats()).toMatchObject({ tcpFramingErrors: 0, errors: 0 });
  });

  it("through a real coturn with the same credential scheme", async () => {
    const result = await connect([{ urls: [`turn:127.0.0.1:${String(coturn.port)}?transport=udp`], ...credentials("chromium-coturn") }]);
    expect(result.reply).toBe("pong:ping");
    expect(result.local).toMatchObject({ type: "relay", relayProtocol: "udp" });
    expect(result.remote).toMatchObject({ type: "relay" });
  });
});

/**
 * Firefox's TURN client (nICEr) relays everything in Send and Data indications and never binds a
 * channel, as the TURN lesson says: the same relay-only connection, seen from the server.
 */
describe("Firefox relays a data channel through our TURN server with Send indications, no channel", () => {
  let firefox: FirefoxBrowser;
  let server: TurnServer;
  const seenByServer: TransactionRecord[] = [];
  beforeAll(async () => {
    firefox = await launchFirefox();
    server = createTurnServer({ listenHost: "127.0.0.1", ports: [0], realm: REALM, secret: SECRET, relayPortMin: 0, relayPortMax: 0 }, { onTransaction: (r) => seenByServer.push(r) });
    await server.listen();
  });
  afterAll(async () => {
    await firefox?.close();
    await server?.close();
  });

  it("connects relay/relay; the server sees permissions and relayed data, and no ChannelBind", async () => {
    const page = await firefox.newPage();
    const port = server.addresses()[0]?.port ?? 0;
    const result = (await page.evaluate(`(${CONNECT_THROUGH_RELAY})(${JSON.stringify([{ urls: [`turn:127.0.0.1:${String(port)}?transport=udp`], ...credentials("firefox-ours") }])})`)) as RelayResult;
    await page.close();
    expect(result.reply).toBe("pong:ping");
    expect(result.local).toMatchObject({ type: "relay" });
    expect(result.remote).toMatchObject({ type: "relay" });
    const seen = new Set(seenByServer.flatMap((r) => (r.kind === "stun" ? [`${r.methodName} ${r.className}`] : [])));
    expect([...seen]).toEqual(expect.arrayContaining(["Allocate success response", "CreatePermission success response"]));
    expect([...seen].filter((s) => s.startsWith("ChannelBind"))).toEqual([]);
    // The allocation's usage record (sent when Firefox deletes it on close) shows the data crossed
    // under a permission, with no channel.
    await expect.poll(() => seenByServer.some((r) => r.kind === "relay-usage" && r.permissions.some((p) => p.bytesToPeer > 0)), { timeout: 10_000 }).toBe(true);
    expect(seenByServer.filter((r) => r.kind === "relay-usage").flatMap((r) => r.channels)).toEqual([]);
    expect(server.stats()).toMatchObject({ channels: 0, errors: 0 });
  });
});
