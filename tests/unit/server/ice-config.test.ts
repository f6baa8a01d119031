import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../server/config.ts";
import { buildIceConfig } from "../../../server/ice-config.ts";

const mint = ({ userId }: { userId: string }) => ({ username: `1:${userId}`, credential: "c" });

describe("buildIceConfig (built-in server)", () => {
  it("lists TURN over UDP and, when TCP listens, TURN over TCP in one entry with one credential", () => {
    const config = loadConfig({ TURN_SECRET: "0123456789abcdef0123" });
    const ice = buildIceConfig(config, { mint, clock: () => 0, turnPorts: () => [3478, 3479], turnTcpPort: () => 3478 }, "127.0.0.1:4321");
    expect(ice.iceServers.map((s) => s.urls)).toEqual([["stun:127.0.0.1:3478"], ["turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"]]);
    expect(ice.iceServers[1]?.username).toBe(`1:${ice.sessionId}`);
  });

  it("lists only the UDP URL when TCP is off", () => {
    const config = loadConfig({ TURN_SECRET: "0123456789abcdef0123", TURN_TCP: "false" });
    const ice = buildIceConfig(config, { mint, clock: () => 0, turnPorts: () => [3478, 3479], turnTcpPort: () => undefined }, "127.0.0.1:4321");
    expect(ice.iceServers[1]?.urls).toEqual(["turn:127.0.0.1:3478?transport=udp"]);
  });
});
