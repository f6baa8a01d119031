import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, siteOrigins, withoutPassword } from "../../../server/config.ts";

describe("loadConfig", () => {
  it("uses the documented defaults", () => {
    const config = loadConfig({});
    expect(config.host).toBe("127.0.0.1");
    expect(config.port).toBe(4321);
    expect(config.turn.ports).toEqual([3478, 3479]);
    expect(config.turn.tcp).toBe(true);
    expect(config.turn.mode).toBe("builtin");
    expect(config.turn.secretGenerated).toBe(true);
    expect(config.turn.secret.length).toBeGreaterThanOrEqual(32);
    expect(config.limits).toEqual({ trustProxy: { blocks: [], description: "none", header: "x-forwarded-for" }, iceConfigPerMinute: 60, socketsPerAddress: 100, newSocketsPerMinute: 120 });
  });

  it("generates a different secret on every start when none is configured", () => {
    expect(loadConfig({}).turn.secret).not.toBe(loadConfig({}).turn.secret);
  });

  it.each([
    [{ PORT: "abc" }, 'Invalid PORT "abc": PORT must be an integer from 0 to 65535'],
    [{ PORT: "70000" }, 'Invalid PORT "70000": PORT must be an integer from 0 to 65535'],
    [{ PORT: "-1" }, 'Invalid PORT "-1"'],
    [{ TURN_PORT: "1.5" }, 'Invalid TURN_PORT "1.5"'],
    [{ HOST: "not a host!" }, 'Invalid HOST "not a host!"'],
    [{ TURN_SECRET: "short" }, "Invalid TURN_SECRET (5 characters): TURN_SECRET must be at least 16 characters"],
    [{ TURN_URLS: "http://example.org" }, "Invalid TURN_URLS"],
    [{ ALLOWED_ORIGINS: "https://example.org/path" }, "Invalid ALLOWED_ORIGINS"],
    [{ TURN_TCP: "auto" }, 'Invalid TURN_TCP "auto": TURN_TCP must be true or false'],
    [{ TURN_ALLOW_PRIVATE_PEERS: "maybe" }, 'Invalid TURN_ALLOW_PRIVATE_PEERS "maybe": TURN_ALLOW_PRIVATE_PEERS must be true, false or auto'],
    [{ TURN_RELAY_PORT_MIN: "60000", TURN_RELAY_PORT_MAX: "50000" }, 'Invalid TURN_RELAY_PORT_MIN "60000": must not be above TURN_RELAY_PORT_MAX'],
    [{ TURN_PORT: "5000", TURN_ALT_PORT: "5000" }, 'Invalid TURN_ALT_PORT "5000": must differ from TURN_PORT'],
    [{ TURN_CREDENTIAL_TTL: "5" }, 'Invalid TURN_CREDENTIAL_TTL "5"'],
    [{ REDIS_URL: "localhost:6379" }, 'Invalid REDIS_URL "localhost:6379": REDIS_URL must be a redis:// or rediss:// URL'],
    [{ REDIS_URL: "http://127.0.0.1:6379" }, 'Invalid REDIS_URL "http://127.0.0.1:6379"'],
    [{ REDIS_URL: "redis://127.0.0.1:6379" }, "TURN_SECRET is required with REDIS_URL"],
    [{ TRUST_PROXY: "yes" }, 'Invalid TRUST_PROXY "yes": "yes" is not loopback, an IP address or a CIDR block like 10.0.0.0/8'],
    [{ TRUST_PROXY: "loopback, 10.0.0.1/8" }, 'Invalid TRUST_PROXY "loopback, 10.0.0.1/8": "10.0.0.1/8" has address bits set past its prefix; did you mean 10.0.0.0/8?'],
    [{ TRUST_PROXY: "0.0.0.0/0" }, "would trust every address"],
    [{ TRUST_PROXY: "loopback", TRUST_PROXY_HEADER: "x-real-ip" }, 'Invalid TRUST_PROXY_HEADER "x-real-ip": TRUST_PROXY_HEADER must be x-forwarded-for or forwarded'],
    [{ TRUST_PROXY_HEADER: "forwarded" }, "TRUST_PROXY_HEADER needs TRUST_PROXY"],
    [{ LIMIT_ICE_CONFIG_PER_MINUTE: "0" }, 'Invalid LIMIT_ICE_CONFIG_PER_MINUTE "0": LIMIT_ICE_CONFIG_PER_MINUTE must be a whole number from 1 to 1000000'],
    [{ LIMIT_SOCKETS_PER_ADDRESS: "ten" }, 'Invalid LIMIT_SOCKETS_PER_ADDRESS "ten": LIMIT_SOCKETS_PER_ADDRESS must be a whole number'],
    [{ LIMIT_NEW_SOCKETS_PER_MINUTE: "1.5" }, 'Invalid LIMIT_NEW_SOCKETS_PER_MINUTE "1.5"'],
    [{ LIMIT_NEW_SOCKETS_PER_MINUTE: "99999999999" }, 'Invalid LIMIT_NEW_SOCKETS_PER_MINUTE "99999999999"'],
  ])("refuses %j with a one-line message", (env, message) => {
    let thrown: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const text = (thrown as Error).message;
    expect(text).toContain(message);
    expect(text).not.toContain("\n");
  });

  it("reads TRUST_PROXY and the per-address limits", () => {
    const config = loadConfig({ TRUST_PROXY: "loopback,192.0.2.10", LIMIT_ICE_CONFIG_PER_MINUTE: "5", LIMIT_SOCKETS_PER_ADDRESS: "7", LIMIT_NEW_SOCKETS_PER_MINUTE: "9" });
    expect(config.limits.trustProxy.description).toBe("loopback, 192.0.2.10");
    expect(config.limits.trustProxy.blocks).toHaveLength(3);
    expect(config.limits).toMatchObject({ iceConfigPerMinute: 5, socketsPerAddress: 7, newSocketsPerMinute: 9 });
    expect(config.limits.trustProxy.header).toBe("x-forwarded-for");
  });

  it("reads the header the trusted proxies write from TRUST_PROXY_HEADER (any case)", () => {
    expect(loadConfig({ TRUST_PROXY: "loopback", TRUST_PROXY_HEADER: "Forwarded" }).limits.trustProxy).toMatchObject({ description: "loopback", header: "forwarded" });
    expect(loadConfig({ TRUST_PROXY: "loopback", TRUST_PROXY_HEADER: "X-Forwarded-For" }).limits.trustProxy.header).toBe("x-forwarded-for");
  });

  it("turns TURN over TCP off with TURN_TCP=false", () => {
    expect(loadConfig({ TURN_TCP: "false" }).turn.tcp).toBe(false);
    expect(loadConfig({ TURN_TCP: "on" }).turn.tcp).toBe(true);
  });

  it("allows relaying to private peers automatically only on a loopback bind", () => {
    expect(loadConfig({ HOST: "127.0.0.1" }).turn.allowPrivatePeers).toBe(true);
    expect(loadConfig({ HOST: "0.0.0.0" }).turn.allowPrivatePeers).toBe(false);
    expect(loadConfig({ HOST: "0.0.0.0", TURN_ALLOW_PRIVATE_PEERS: "true" }).turn.allowPrivatePeers).toBe(true);
    expect(loadConfig({ HOST: "127.0.0.1", TURN_ALLOW_PRIVATE_PEERS: "false" }).turn.allowPrivatePeers).toBe(false);
  });

  it("does not allow private peers automatically when the TURN server shows a non-loopback address", () => {
    expect(loadConfig({ HOST: "127.0.0.1", TURN_RELAY_ADDRESS: "127.0.0.2" }).turn.allowPrivatePeers).toBe(true);
    expect(loadConfig({ HOST: "127.0.0.1", TURN_RELAY_ADDRESS: "198.51.100.7" }).turn.allowPrivatePeers).toBe(false);
    expect(loadConfig({ HOST: "127.0.0.1", TURN_EXTERNAL_ADDRESS: "203.0.113.7" }).turn.allowPrivatePeers).toBe(false);
    expect(loadConfig({ HOST: "127.0.0.1", TURN_EXTERNAL_ADDRESS: "203.0.113.7", TURN_ALLOW_PRIVATE_PEERS: "true" }).turn.allowPrivatePeers).toBe(true);
  });

  it("keeps rooms in memory unless REDIS_URL is set, and never echoes a Redis password", () => {
    expect(loadConfig({}).redisUrl).toBeUndefined();
    const secret = { TURN_SECRET: "0123456789abcdef0123" };
    expect(loadConfig({ ...secret, REDIS_URL: "rediss://app:pw@redis.example.org:6380/2" }).redisUrl).toBe("rediss://app:pw@redis.example.org:6380/2");
    expect(() => loadConfig({ ...secret, REDIS_URL: "redis//app:hunter2@host" })).toThrow('Invalid REDIS_URL "redis//app:***@host"');
    expect(withoutPassword("redis://:pw@127.0.0.1:6379")).toBe("redis://:***@127.0.0.1:6379");
    expect(withoutPassword("redis://token@127.0.0.1")).toBe("redis://***@127.0.0.1");
    // A password holding '@' (valid: the URL parser splits at the last '@') is masked whole.
    expect(withoutPassword("redis://user:p@ss@host:6379/0")).toBe("redis://user:***@host:6379/0");
    expect(withoutPassword("rediss://:a@b@c@redis.example.org")).toBe("rediss://:***@redis.example.org");
    expect(withoutPassword("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
    expect(() => loadConfig({ ...secret, REDIS_URL: "redis//app:p@ss@host" })).toThrow('Invalid REDIS_URL "redis//app:***@host"');
  });

  it("never prints TURN_SECRET in a config error, only what is wrong with it", () => {
    let message = "";
    try {
      loadConfig({ TURN_SECRET: "coturn-secret" });
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toMatch(/TURN_SECRET \(13 characters\)/);
    expect(message).not.toContain("coturn-secret");
    expect(withoutPassword("redis://127.0.0.1:6379/0")).toBe("redis://127.0.0.1:6379/0");
  });

  it("switches to external TURN servers when TURN_URLS is set", () => {
    const config = loadConfig({ TURN_URLS: "stun:turn.example.org:3478, turn:turn.example.org:3478?transport=udp", TURN_SECRET: "0123456789abcdef0123" });
    expect(config.turn.mode).toBe("external");
    expect(config.turn.externalUrls).toEqual(["stun:turn.example.org:3478", "turn:turn.example.org:3478?transport=udp"]);
  });
});

describe("siteOrigins", () => {
  it("allows the site's own loopback origins on the real port, and nothing else by default", () => {
    const origins = siteOrigins(loadConfig({}), 5555);
    expect(origins).toContain("http://localhost:5555");
    expect(origins).toContain("http://127.0.0.1:5555");
    expect(origins).not.toContain("http://localhost:4321");
    expect(origins.some((o) => o.includes("*"))).toBe(false);
  });

  it("adds interface addresses when bound to every interface, and configured origins", () => {
    const config = loadConfig({ HOST: "0.0.0.0", ALLOWED_ORIGINS: "https://webrtc.example.org", PUBLIC_URL: "https://learn.example.org" });
    const origins = siteOrigins(config, 4321, ["192.0.2.10", "2001:db8::1"]);
    expect(origins).toEqual(expect.arrayContaining(["http://192.0.2.10:4321", "http://[2001:db8::1]:4321", "https://webrtc.example.org", "https://learn.example.org"]));
  });
});
