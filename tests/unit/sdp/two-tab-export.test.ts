import { describe, expect, it } from "vitest";
import { createMasker, exportSession } from "../../../src/demos/two-tab/export.ts";
import { FINGERPRINT, SESSION } from "./two-tab-session-fixture.ts";

describe("IP masking", () => {
  it("masks IPv4, IPv6 and mDNS names consistently, keeps 0.0.0.0 and loopback", () => {
    const m = createMasker();
    expect(m.text("host 192.0.2.10:5000 srflx 203.0.113.7 raddr 192.0.2.10")).toBe("host x.x.x.1:5000 srflx x.x.x.2 raddr x.x.x.1");
    expect(m.text("2001:db8::1 and fe80::1%eth0 and 0.0.0.0 and 127.0.0.1 and ::1")).toBe("x:x::3 and x:x::4%eth0 and 0.0.0.0 and 127.0.0.1 and ::1");
    expect(m.text("4c1b2a3e-1111-2222-3333-444455556666.local")).toBe("masked-5.local");
    expect(m.text("at 21:12:53 and version 1.2.3")).toBe("at 21:12:53 and version 1.2.3");
    expect(m.text("[2001:db8::1]:5000 ↔ [fd00::2]:40037")).toBe("[x:x::3]:5000 ↔ [x:x::6]:40037");
  });

  it("masks only address-bearing SDP lines, so fingerprints survive", () => {
    const m = createMasker();
    const sdp = ["v=0", "o=- 1 2 IN IP4 192.0.2.10", FINGERPRINT, "c=IN IP4 203.0.113.7", "a=candidate:1 1 udp 1 2001:db8::5 9 typ host", ""].join("\r\n");
    const masked = m.sdp(sdp);
    expect(masked).toContain(FINGERPRINT);
    expect(masked).not.toMatch(/192\.0\.2\.10|203\.0\.113\.7|2001:db8/u);
    expect(masked.split("\r\n")).toHaveLength(sdp.split("\r\n").length);
  });
});

describe("exportSession", () => {
  const session = SESSION;

  it("writes JSON with BigInt pair priorities as strings", () => {
    const json = JSON.parse(exportSession(session, { maskAddresses: false, exportedAt: "2026-11-23T21:00:00.000Z" })) as Record<string, unknown>;
    expect(json).toMatchObject({ format: "webrtc-through-nats/two-tab-session", version: 1, masked: false, pairs: [{ priority: String(SESSION.pairs[0]?.priority) }] });
    expect(JSON.stringify(json)).toContain("192.0.2.10");
  });

  it("leaves no address behind when masking, and the same address gets the same mask everywhere", () => {
    const text = exportSession(session, { maskAddresses: true, exportedAt: "2026-11-23T21:00:00.000Z" });
    expect(text).not.toMatch(/192\.0\.2\.10|203\.0\.113\.7|2001:db8/u);
    expect(text).toContain(FINGERPRINT);
    expect(text).toContain("2026-11-23T21:00:00.000Z");
    const json = JSON.parse(text) as { candidates: { address: string }[]; timeline: { detail?: string }[] };
    expect(json.timeline.at(-1)?.detail).toContain(json.candidates[0]?.address);
  });
});
