import { describe, expect, it } from "vitest";
import { NO_TRUSTED_PROXIES, parseTrustedProxies } from "../../../server/client-limits/client-address.ts";
import { createClientLimits, POLITE_REFUSALS, type ClientLimitSettings, type ClientLimitTuning } from "../../../server/client-limits/limits.ts";
import { limitRefusalSchema } from "../../../src/shared/client-limits.ts";

const settings: ClientLimitSettings = { trustProxy: NO_TRUSTED_PROXIES, iceConfigPerMinute: 2, socketsPerAddress: 2, newSocketsPerMinute: 3 };

function start(overrides: Partial<ClientLimitSettings> = {}, tuning: Partial<ClientLimitTuning> = { exemptLoopback: false }) {
  let now = 0;
  const logs: string[] = [];
  const limits = createClientLimits({ ...settings, ...overrides }, { clock: () => now, log: (line) => logs.push(line), tuning });
  const from = (remoteAddress: string, forwardedFor?: string) =>
    limits.identify({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor } });
  return { limits, from, logs, advance: (ms: number) => (now += ms) };
}

describe("createClientLimits", () => {
  it("counts IPv6 clients per /64 and IPv4 clients per address", () => {
    const { limits, from } = start();
    expect(from("2001:db8:1:2::1")).toMatchObject({ address: "2001:db8:1:2::1", group: "2001:db8:1:2::/64", exempt: false });
    expect(limits.iceConfig(from("2001:db8:1:2::1")).ok).toBe(true);
    expect(limits.iceConfig(from("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).ok).toBe(true);
    // The same /64, a third time: over 2 a minute.
    expect(limits.iceConfig(from("2001:db8:1:2::ffff")).ok).toBe(false);
    expect(limits.iceConfig(from("2001:db8:1:3::1")).ok).toBe(true);
    // A dual-stack socket's IPv4-mapped address is the IPv4 client.
    expect(from("::ffff:198.51.100.7").group).toBe("198.51.100.7");
  });

  it("refuses with a message for the reader and when to try again", () => {
    const { limits, from } = start();
    const client = from("198.51.100.7");
    limits.iceConfig(client);
    limits.iceConfig(client);
    const verdict = limits.iceConfig(client);
    if (verdict.ok) throw new Error("expected a refusal");
    expect(limitRefusalSchema.parse(verdict.refusal)).toEqual({
      code: "too-many-requests",
      message: "Too many requests for ICE servers from your address (the limit is 2 a minute, shared by every device behind the same router). Try again in 30 seconds.",
      retryAfterSeconds: 30,
    });
  });

  it("leaves loopback clients out by default, in every spelling", () => {
    const { limits, from } = start({}, {});
    for (const address of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) {
      const client = from(address);
      expect(client.exempt, address).toBe(true);
      for (let i = 0; i < 10; i++) expect(limits.iceConfig(client).ok).toBe(true);
      for (let i = 0; i < 10; i++) expect(limits.handshake(client).ok && limits.opened(client).ok).toBe(true);
    }
    expect(limits.sizes()).toEqual({ iceConfig: 0, newSockets: 0, openSockets: 0 });
  });

  it("holds a client behind a trusted loopback proxy to the limits (it is not loopback)", () => {
    const { limits, from } = start({ trustProxy: parseTrustedProxies("loopback") }, {});
    const client = from("127.0.0.1", "198.51.100.7");
    expect(client).toMatchObject({ address: "198.51.100.7", exempt: false });
    expect([limits.iceConfig(client).ok, limits.iceConfig(client).ok, limits.iceConfig(client).ok]).toEqual([true, true, false]);
    // Local tools talking to the server directly (no header) are still this machine.
    expect(from("127.0.0.1").exempt).toBe(true);
  });

  it("caps open connections, counts them down as they close, and forgets an address with none", () => {
    const { limits, from } = start();
    const client = from("198.51.100.7");
    expect(limits.opened(client).ok).toBe(true);
    expect(limits.opened(client).ok).toBe(true);
    const third = limits.opened(client);
    expect(third).toMatchObject({ ok: false, refusal: { code: "too-many-connections" } });
    expect(limits.opened(from("198.51.100.8")).ok).toBe(true);
    limits.closed(client);
    limits.closed(client);
    expect(limits.opened(client).ok).toBe(true);
    limits.closed(client);
    limits.closed(client);
    limits.closed(from("198.51.100.8"));
    expect(limits.sizes().openSockets).toBe(0);
  });

  it("limits new connections a minute, then drops the handshakes of a client that ignores refusals", () => {
    const { limits, from, advance } = start();
    const client = from("198.51.100.7");
    for (let i = 0; i < 3; i++) expect(limits.handshake(client).ok).toBe(true);
    expect(limits.handshake(client)).toMatchObject({ ok: false, refusal: { code: "too-many-new-connections", retryAfterSeconds: 20 } });
    advance(60_000);
    // Connections it holds open (refused ones included) up to the cap plus the polite refusals.
    for (let i = 0; i < settings.socketsPerAddress + POLITE_REFUSALS; i++) limits.opened(client);
    expect(limits.handshake(client)).toEqual({ ok: false, drop: "Too many connections from your address" });
    limits.closed(client);
    expect(limits.handshake(client).ok).toBe(true);
  });

  it("stays within maxTrackedAddresses however many addresses come", () => {
    const { limits, from, logs } = start({}, { exemptLoopback: false, maxTrackedAddresses: 50 });
    for (let i = 0; i < 5000; i++) {
      const client = from(`2001:db8:${(i >> 8).toString(16)}:${(i & 0xff).toString(16)}::1`);
      limits.iceConfig(client);
      limits.handshake(client);
    }
    expect(limits.sizes()).toEqual({ iceConfig: 50, newSockets: 50, openSockets: 0 });
    // Forgetting is logged, but only through the per-kind log limiter.
    expect(logs.filter((line) => line.includes("forgetting the least recent"))).toHaveLength(20);
  });

  it("writes at most 20 refusal lines of a kind per 10 s, then one summary", () => {
    const { limits, from, logs, advance } = start();
    const client = from("198.51.100.7");
    for (let i = 0; i < 1000; i++) limits.iceConfig(client);
    expect(logs.filter((line) => line.startsWith("limits: refused ICE servers to 198.51.100.7"))).toHaveLength(20);
    advance(10_000);
    limits.flushLog();
    expect(logs.at(-1)).toBe('limits: ... and 978 more "ice-config" lines in the last 10 s');
  });

  it("says once that X-Forwarded-For from a local peer is ignored, and how to trust it", () => {
    const { from, logs } = start({}, {});
    from("127.0.0.1", "198.51.100.7");
    from("127.0.0.1", "198.51.100.8");
    expect(logs).toEqual([
      "limits: ignoring X-Forwarded-For from 127.0.0.1, which TRUST_PROXY does not name. If 127.0.0.1 is a reverse proxy, every client behind it counts as 127.0.0.1 (and loopback is exempt from the per-address limits): set TRUST_PROXY=loopback.",
    ]);
    // From the internet (a company's forward proxy adds the header too): nothing to say.
    const internet = start({}, {});
    internet.from("198.51.100.7", "10.0.0.1");
    expect(internet.logs).toEqual([]);
  });

  it("reads only the header TRUST_PROXY_HEADER names when a request carries both", () => {
    const headers = { "x-forwarded-for": "198.51.100.7", forwarded: "for=203.0.113.1" };
    const identify = (header: "x-forwarded-for" | "forwarded") =>
      start({ trustProxy: parseTrustedProxies("loopback", header) }, {}).limits.identify({ socket: { remoteAddress: "127.0.0.1" }, headers }).address;
    // A proxy passes on the header it does not write as the client sent it: that one is never read.
    expect(identify("x-forwarded-for")).toBe("198.51.100.7");
    expect(identify("forwarded")).toBe("203.0.113.1");
  });

  it("says once that Forwarded from a local peer is ignored, and how to trust it", () => {
    const { limits, logs } = start({}, {});
    limits.identify({ socket: { remoteAddress: "10.0.0.5" }, headers: { forwarded: "for=198.51.100.7" } });
    limits.identify({ socket: { remoteAddress: "127.0.0.1" }, headers: { "x-forwarded-for": "198.51.100.7" } });
    expect(logs).toEqual([
      "limits: ignoring Forwarded from 10.0.0.5, which TRUST_PROXY does not name. If 10.0.0.5 is a reverse proxy, every client behind it counts as 10.0.0.5: set TRUST_PROXY=10.0.0.5 and TRUST_PROXY_HEADER=forwarded.",
    ]);
  });

  it("says once that a trusted proxy sends only the header this process does not read", () => {
    const viaXff = start({ trustProxy: parseTrustedProxies("loopback") }, {});
    const client = viaXff.limits.identify({ socket: { remoteAddress: "127.0.0.1" }, headers: { forwarded: "for=198.51.100.7" } });
    viaXff.limits.identify({ socket: { remoteAddress: "127.0.0.1" }, headers: { forwarded: "for=198.51.100.8" } });
    expect(client).toMatchObject({ address: "127.0.0.1", exempt: true });
    expect(viaXff.logs).toEqual([
      "limits: 127.0.0.1, a proxy TRUST_PROXY names, sent Forwarded but no X-Forwarded-For, so every client behind it counts as 127.0.0.1 (and loopback is exempt from the per-address limits). If it names its clients in Forwarded, set TRUST_PROXY_HEADER=forwarded.",
    ]);
    const viaForwarded = start({ trustProxy: parseTrustedProxies("10.0.0.0/8", "forwarded") }, {});
    viaForwarded.limits.identify({ socket: { remoteAddress: "10.0.0.5" }, headers: { "x-forwarded-for": "198.51.100.7" } });
    expect(viaForwarded.logs).toEqual([
      "limits: 10.0.0.5, a proxy TRUST_PROXY names, sent X-Forwarded-For but no Forwarded, so every client behind it counts as 10.0.0.5. If it names its clients in X-Forwarded-For, set TRUST_PROXY_HEADER=x-forwarded-for.",
    ]);
    // The README's nginx sample writes X-Forwarded-For on every request: a client's own Forwarded beside it is nothing to report.
    const behindNginx = start({ trustProxy: parseTrustedProxies("loopback") }, {});
    behindNginx.limits.identify({ socket: { remoteAddress: "127.0.0.1" }, headers: { "x-forwarded-for": "198.51.100.7", forwarded: "for=203.0.113.1" } });
    expect(behindNginx.logs).toEqual([]);
  });

  it("describes itself in one line for the start-up log", () => {
    expect(start({ trustProxy: parseTrustedProxies("loopback, 10.0.0.0/8") }, {}).limits.describe()).toBe(
      "limits: per client address (IPv6 per /64): 2 ICE server requests a minute, 2 socket.io connections at once, 3 new ones a minute; loopback clients exempt; X-Forwarded-For trusted from: loopback, 10.0.0.0/8",
    );
    expect(start({ trustProxy: parseTrustedProxies("loopback", "forwarded") }, {}).limits.describe()).toMatch(/; Forwarded trusted from: loopback$/u);
  });
});
