import { describe, expect, it } from "vitest";
import { isLoopbackHost, mediaUnavailableReason, otherDeviceHint } from "../../../src/demos/two-tab/other-device.ts";

describe("a room link another device can open", () => {
  it("knows the names and addresses that mean this computer", () => {
    for (const host of ["localhost", "LOCALHOST", "demo.localhost", "127.0.0.1", "127.1.2.3", "[::1]", "::1"]) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["192.168.1.23", "10.0.0.5", "learn.example.org", "localhost.example.org", "128.0.0.1", "[2001:db8::1]", "::"]) expect(isLoopbackHost(host), host).toBe(false);
  });

  it("explains what to do when the page was opened at a loopback name, with the page's own port", () => {
    const hint = otherDeviceHint("localhost", "4321");
    expect(hint).toContain("on a phone means the phone itself");
    expect(hint).toContain("HOST=0.0.0.0");
    expect(hint).toContain("http://192.168.1.23:4321/demo/");
    expect(otherDeviceHint("127.0.0.1", "")).toContain("http://192.168.1.23/demo/");
  });

  it("says nothing when the page was opened at an address other devices can use", () => {
    expect(otherDeviceHint("192.168.1.23", "4321")).toBeUndefined();
    expect(otherDeviceHint("learn.example.org", "")).toBeUndefined();
  });
});

describe("why the camera cannot be asked for", () => {
  it("names the secure-context rule and the page's origin on plain http away from localhost", () => {
    const reason = mediaUnavailableReason(false, false, "http://192.168.1.23:4321");
    expect(reason).toContain("secure pages: HTTPS, or http://localhost");
    expect(reason).toContain("http://192.168.1.23:4321");
    expect(reason).toContain("chat work without them");
  });
  it("says the browser has no media devices when the page is secure but they are missing, and nothing when all is well", () => {
    expect(mediaUnavailableReason(true, false, "https://learn.example.org")).toContain("offers no camera or microphone");
    expect(mediaUnavailableReason(true, true, "https://learn.example.org")).toBeUndefined();
  });
});
