import { describe, expect, it } from "vitest";
import { TurnServerConfigSchema, resolveTurnServerConfig } from "../../../server/turn/config.ts";

const base = { realm: "example.org", secret: "0123456789abcdef" };

describe("TurnServerConfigSchema", () => {
  it("fills safe defaults: two ports, private peers refused, RFC lifetimes", () => {
    const c = resolveTurnServerConfig(base);
    expect(c.ports).toEqual([3478, 3479]);
    expect(c.allowPrivatePeers).toBe(false);
    expect(c.lifetimes).toEqual({ allocationDefault: 600, allocationMax: 3600, permission: 300, channel: 600, nonce: 600 });
    expect(c.quotas.allocationsPerUser).toBeGreaterThan(0);
    expect(c.software).toBeUndefined();
  });
  it.each([
    [{ secret: "short" }, /secret/],
    [{ listenHost: "localhost" }, /listenHost: must be an IPv4 or IPv6 address/],
    [{ relayPortMin: 50000, relayPortMax: 40000 }, /relayPortMin/],
    [{ relayPortMin: 0, relayPortMax: 40000 }, /both relay port bounds/],
    [{ listenHost: "0.0.0.0" }, /relayAddress/],
    [{ ports: [3478, 3478] }, /distinct/],
    [{ ports: [] }, /ports/],
    [{ externalAddress: "example.com" }, /externalAddress/],
    [{ realm: "" }, /realm/],
  ])("refuses %j with a clear message", (override, message) => {
    expect(() => resolveTurnServerConfig({ ...base, ...override })).toThrow(message);
  });
  it("is reusable by env parsing (safeParse works on the exported schema)", () => {
    expect(TurnServerConfigSchema.safeParse({ ...base, ports: [0, 0], relayPortMin: 0, relayPortMax: 0 }).success).toBe(true);
  });
});
