import { describe, expect, it } from "vitest";
import { allocationStories, describeStep } from "../../../src/demos/packets/allocation-sequence.ts";
import { firstBindingExchange, groupTransactions, latestUsage, totalUsage } from "../../../src/demos/packets/transactions.ts";
import { allocationRecords, BINDING_REQUEST, BINDING_SUCCESS, message, RFC5769_IPV4_RESPONSE, usageRecord, nth } from "./fixtures.ts";

describe("groupTransactions: request ↔ response by transaction ID", () => {
  it("pairs requests with responses in the order they started, even when delivered out of order", () => {
    const records = allocationRecords();
    const shuffled = [nth(records, 3), nth(records, 1), nth(records, 0), nth(records, 2), usageRecord(50, 10, 10)];
    const transactions = groupTransactions(shuffled);
    expect(transactions.map((t) => [t.methodName, t.outcome, t.errorCode, t.request?.time, t.response?.time])).toEqual([
      ["Allocate", "error", 401, 10, 11],
      ["Allocate", "success", undefined, 20, 21],
    ]);
    expect(transactions[0]?.client).toEqual({ address: "198.51.100.7", port: 50123 });
  });

  it("counts retransmissions and keeps a request with no answer pending", () => {
    const again = { ...BINDING_REQUEST, time: 2_500 };
    const [t] = groupTransactions([BINDING_REQUEST, again]);
    expect(t).toMatchObject({ requestCount: 2, outcome: "pending", request: BINDING_REQUEST, response: undefined });
  });

  it("keeps the same transaction ID from two browsers apart", () => {
    const other = { ...BINDING_REQUEST, source: { address: "198.51.100.99", port: 1 } };
    expect(groupTransactions([BINDING_REQUEST, other, BINDING_SUCCESS])).toHaveLength(2);
  });

  it("marks indications, which have no response", () => {
    const send = message({ time: 5, direction: "in", method: 6, methodName: "Send", cls: 1, className: "indication", transactionId: "00".repeat(12) }, []);
    expect(groupTransactions([send])[0]?.outcome).toBe("indication");
  });

  it("firstBindingExchange finds the first answered Binding", () => {
    expect(firstBindingExchange([...allocationRecords(), BINDING_REQUEST])).toBeUndefined();
    const exchange = firstBindingExchange([...allocationRecords(), BINDING_REQUEST, RFC5769_IPV4_RESPONSE, BINDING_SUCCESS]);
    expect(exchange?.request).toBe(BINDING_REQUEST);
    expect(exchange?.response).toBe(BINDING_SUCCESS);
  });
});

describe("relay usage", () => {
  it("takes the newest counters of each allocation and sums its permissions", () => {
    const usage = latestUsage([usageRecord(100, 300, 200), usageRecord(300, 900, 700, "deleted"), usageRecord(200, 600, 400)]);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ bytesToPeer: 900, bytesFromPeer: 700, reason: "deleted", permissions: 1, channels: 1 });
    const other = { ...usageRecord(150, 5, 6), relayed: { address: "192.0.2.10", port: 49153 } };
    expect(totalUsage(latestUsage([usageRecord(100, 300, 200), other]))).toEqual({ bytesToPeer: 305, packetsToPeer: 4, bytesFromPeer: 206, packetsFromPeer: 6 });
  });
});

describe("allocationStories: the TURN allocation as a sequence", () => {
  it("tells Chromium's allocation: 401 with REALM and NONCE, signed retry, success, permission, channel", () => {
    const [story] = allocationStories([...allocationRecords(), { ...BINDING_REQUEST, time: 5 }, { ...BINDING_SUCCESS, time: 6 }]);
    expect(story?.steps.map((s) => s.kind)).toEqual(["binding", "allocate-unauthenticated", "allocate-authenticated", "create-permission", "channel-bind"]);
    expect(story?.steps.map((s) => s.title)).toEqual([
      "Binding → success",
      "Allocate without credentials → error 401 Unauthorized",
      "Allocate with USERNAME and MESSAGE-INTEGRITY → success",
      "CreatePermission → success",
      "ChannelBind → success",
    ]);
    expect(story).toMatchObject({ sawChallenge: true, relayed: { address: "192.0.2.10", port: 49152 }, mapped: { address: "198.51.100.7", port: 50123 }, lifetimeSeconds: 600 });
    expect(story?.steps[1]?.details.join("\n")).toMatch(/REALM "example.org"[\s\S]*NONCE "obMat/);
    expect(story?.steps[2]?.details.join("\n")).toMatch(/XOR-RELAYED-ADDRESS 192\.0\.2\.10:49152[\s\S]*LIFETIME 600 s/);
    expect(story?.steps[4]?.details[0]).toMatch(/^Channel 0x4000 ↔ 192\.0\.2\.10:49153/);
  });

  it("one story per browser address; addresses that never allocated are left out", () => {
    const second = allocationRecords({ address: "198.51.100.7", port: 50999 }).map((r) => ({ ...r, time: r.time + 1 }));
    const stories = allocationStories([...allocationRecords(), ...second, { ...BINDING_REQUEST, source: { address: "203.0.113.1", port: 1 } }]);
    expect(stories.map((s) => s.client.port)).toEqual([50123, 50999]);
  });

  it("a UDP socket and a TCP connection with the same address and port are two stories (TURN over TCP)", () => {
    const overTcp = allocationRecords().map((r) => ({ ...r, time: r.time + 1, transport: "tcp" as const }));
    const stories = allocationStories([...allocationRecords(), ...overTcp]);
    expect(stories.map((s) => s.transport)).toEqual(["udp", "tcp"]);
    expect(stories.map((s) => s.steps.length)).toEqual([stories[0]?.steps.length, stories[0]?.steps.length]);
    expect(groupTransactions(overTcp).every((t) => t.transport === "tcp")).toBe(true);
  });

  it("describes refresh, delete and a stale nonce", () => {
    const refresh = (lifetime: number) => {
      const tid = lifetime.toString(16).padStart(24, "0");
      const ts = groupTransactions([
        message({ time: 1, direction: "in", method: 4, methodName: "Refresh", cls: 0, className: "request", transactionId: tid }, [[0x000d, "LIFETIME", lifetime.toString(16).padStart(8, "0"), lifetime]]),
        message({ time: 2, direction: "out", method: 4, methodName: "Refresh", cls: 2, className: "success response", transactionId: tid }, [[0x000d, "LIFETIME", lifetime.toString(16).padStart(8, "0"), lifetime]]),
      ]);
      return describeStep(nth(ts, 0));
    };
    expect(refresh(600)).toMatchObject({ kind: "refresh", title: "Refresh → success", details: ["Asks to keep the allocation; granted 600 s"] });
    expect(refresh(0)).toMatchObject({ kind: "delete", title: "Refresh (delete) → success" });
    const stale = groupTransactions([
      message({ time: 1, direction: "in", method: 3, methodName: "Allocate", cls: 0, className: "request", transactionId: "ab".repeat(12) }, [[0x0008, "MESSAGE-INTEGRITY", "00".repeat(20), "00".repeat(20)]]),
      message({ time: 2, direction: "out", method: 3, methodName: "Allocate", cls: 3, className: "error response", transactionId: "ab".repeat(12), errorCode: 438 }, [
        [0x0009, "ERROR-CODE", "00000426", { code: 438, reason: "Stale Nonce" }],
      ]),
    ]);
    expect(describeStep(nth(stale, 0))).toMatchObject({ kind: "allocate-refused", title: "Allocate with USERNAME and MESSAGE-INTEGRITY → error 438 Stale Nonce" });
  });
});
