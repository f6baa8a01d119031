import { describe, expect, it } from "vitest";
import { addressGroup } from "../../../server/turn/address-group.ts";

describe("addressGroup: what per-address limits count", () => {
  it("an IPv4 address is itself", () => {
    expect(addressGroup("203.0.113.7")).toBe("203.0.113.7");
    expect(addressGroup("203.0.113.8")).not.toBe(addressGroup("203.0.113.7"));
  });
  it("every IPv6 address of one /64 is one client, in any spelling", () => {
    const group = addressGroup("2001:db8:1:2::1");
    expect(group).toBe("2001:db8:1:2::/64");
    expect(addressGroup("2001:db8:1:2:ffff:ffff:ffff:ffff")).toBe(group);
    expect(addressGroup("2001:0DB8:0001:0002:0:0:0:9")).toBe(group);
    expect(addressGroup("2001:db8:1:3::1")).not.toBe(group);
  });
  it("an IPv4-mapped address is its IPv4 client", () => {
    expect(addressGroup("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });
  it("loopback ::1 is the ::/64 group", () => {
    expect(addressGroup("::1")).toBe("::/64");
  });
});
