import { describe, expect, it } from "vitest";
import { xorWorkedExample, XOR_RELAYED_ADDRESS } from "../../../src/demos/packets/xor-example.ts";
import { matchSrflx } from "../../../src/demos/packets/srflx.ts";
import { allocationRecords, BINDING_REQUEST, BINDING_SUCCESS, message, RFC5769_IPV4_RESPONSE, nth } from "./fixtures.ts";

describe("xorWorkedExample", () => {
  it("works out RFC 5769 §2.2: 0xa147 ^ 0x2112 = 32853, e1 12 a6 43 ^ 21 12 a4 42 = 192.0.2.1", () => {
    const example = xorWorkedExample(RFC5769_IPV4_RESPONSE);
    expect(example).toMatchObject({
      attributeName: "XOR-MAPPED-ADDRESS",
      family: "IPv4",
      xPort: 0xa147,
      portKey: 0x2112,
      port: 32853,
      xAddressHex: "e112a643",
      keyHex: "2112a442",
      resultHex: "c0000201",
      address: "192.0.2.1",
      xPortRange: { start: 42, end: 44 },
      xAddressRange: { start: 44, end: 48 },
      matchesRecord: true,
    });
    expect(example?.addressSteps).toEqual([
      { value: 0xe1, key: 0x21, result: 0xc0 },
      { value: 0x12, key: 0x12, result: 0x00 },
      { value: 0xa6, key: 0xa4, result: 0x02 },
      { value: 0x43, key: 0x42, result: 0x01 },
    ]);
  });

  it("says when the record's decoded address disagrees with the bytes", () => {
    const lying = { ...BINDING_SUCCESS, attributes: [{ ...nth(BINDING_SUCCESS.attributes, 0), value: { address: "198.51.100.8", port: 50123 } }] };
    expect(xorWorkedExample(lying)?.matchesRecord).toBe(false);
  });

  it("is undefined without the attribute, and works for XOR-RELAYED-ADDRESS", () => {
    expect(xorWorkedExample(BINDING_REQUEST)).toBeUndefined();
    const granted = nth(allocationRecords(), 3);
    expect(xorWorkedExample(granted, XOR_RELAYED_ADDRESS)).toMatchObject({ address: "192.0.2.10", port: 49152, matchesRecord: true });
  });

  it("works out IPv6 with the transaction ID in the key (RFC 5769 §2.3)", () => {
    const v6 = message(
      { time: 1, direction: "out", method: 1, methodName: "Binding", cls: 2, className: "success response", transactionId: "b7e7a701bc34d686fa87dfae" },
      [[0x0020, "XOR-MAPPED-ADDRESS", "0002a147" + "0113a9faa5d3f179bc25f4b5bed2b9d9", { address: "2001:db8:1234:5678:11:2233:4455:6677", port: 32853 }]],
    );
    expect(xorWorkedExample(v6)).toMatchObject({ family: "IPv6", port: 32853, address: "2001:db8:1234:5678:11:2233:4455:6677", keyHex: "2112a442b7e7a701bc34d686fa87dfae", matchesRecord: true });
  });

  it("refuses an address attribute with a bad family, naming it", () => {
    const bad = message({ time: 1, direction: "out", method: 1, methodName: "Binding", cls: 2, className: "success response", transactionId: "b7e7a701bc34d686fa87dfae" }, [
      [0x0020, "XOR-MAPPED-ADDRESS", "0003a147e112a643", "0003a147e112a643"],
    ]);
    expect(() => xorWorkedExample(bad)).toThrow(/XOR-MAPPED-ADDRESS at byte 20 is not an IPv4 or IPv6 address \(family 0x03/);
  });
});

describe("matchSrflx: the candidate the browser made from XOR-MAPPED-ADDRESS", () => {
  const mapped = { address: "198.51.100.7", port: 50123 };
  it("finds the srflx candidate with the same address and port", () => {
    const lines = [
      "candidate:1 1 udp 2122260223 10.0.0.5 50123 typ host generation 0",
      "candidate:2 1 udp 1686052607 198.51.100.7 50123 typ srflx raddr 10.0.0.5 rport 50123 generation 0",
    ];
    expect(matchSrflx(lines, mapped)).toMatchObject({ kind: "srflx", line: lines[1], candidate: { relatedAddress: "10.0.0.5" } });
  });
  it("explains no srflx when the mapped address is the host address (no NAT in between)", () => {
    expect(matchSrflx(["candidate:1 1 udp 2122260223 198.51.100.7 50123 typ host", "garbage"], mapped)).toMatchObject({ kind: "same-as-host" });
    expect(matchSrflx(["candidate:2 1 udp 1686052607 198.51.100.7 50124 typ srflx raddr 0.0.0.0 rport 0"], mapped)).toMatchObject({ kind: "none" });
  });
});
