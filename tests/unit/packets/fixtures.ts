/**
 * Transaction records written by hand, field by field, the way server/turn/inspector.ts produces
 * them (src/shared/stun/transaction-record.ts). Every fixture is checked against the zod schema in
 * the tests, so a change to the record format shows up here.
 */
import type { AttributeRecord, RelayUsageRecord, StunMessageRecord } from "../../../src/shared/stun/transaction-record.ts";

const SERVER = { address: "192.0.2.10", port: 3478 };
const BROWSER = { address: "198.51.100.7", port: 50123 };

/**
 * RFC 5769 §2.2 "Sample IPv4 Response": Binding success response carrying SOFTWARE "test vector"
 * (padded with one 0x20 byte, as the RFC does), XOR-MAPPED-ADDRESS 192.0.2.1:32853,
 * MESSAGE-INTEGRITY and FINGERPRINT. 80 bytes.
 */
export const RFC5769_IPV4_RESPONSE: StunMessageRecord = {
  kind: "stun",
  time: 1_000,
  direction: "out",
  method: 0x001,
  methodName: "Binding",
  cls: 2,
  className: "success response",
  transactionId: "b7e7a701bc34d686fa87dfae",
  source: SERVER,
  destination: { address: "192.0.2.1", port: 32853 },
  attributes: [
    { type: 0x8022, name: "SOFTWARE", offset: 20, length: 11, value: "test vector" },
    { type: 0x0020, name: "XOR-MAPPED-ADDRESS", offset: 36, length: 8, value: { address: "192.0.2.1", port: 32853 } },
    { type: 0x0008, name: "MESSAGE-INTEGRITY", offset: 48, length: 20, value: "2b91f599fd9e90c38c7489f92af9ba53f06be7d7" },
    { type: 0x8028, name: "FINGERPRINT", offset: 72, length: 4, value: 0xc07d4c96 },
  ],
  rawHex: [
    "0101003c", // Response type and message length
    "2112a442", // Magic cookie
    "b7e7a701bc34d686fa87dfae", // Transaction ID
    "8022000b", // SOFTWARE attribute header
    "7465737420766563746f7220", // "test vector" + one byte of padding (0x20)
    "00200008", // XOR-MAPPED-ADDRESS attribute header
    "0001a147", // family IPv4, x-port
    "e112a643", // x-address
    "00080014", // MESSAGE-INTEGRITY attribute header
    "2b91f599fd9e90c38c7489f92af9ba53f06be7d7", // HMAC-SHA1
    "80280004", // FINGERPRINT attribute header
    "c07d4c96", // CRC-32
  ].join(""),
  byteLength: 80,
};

/** A Chromium-style Binding request: the bare 20-byte header, no attributes. */
export const BINDING_REQUEST: StunMessageRecord = {
  kind: "stun",
  time: 2_000,
  direction: "in",
  method: 0x001,
  methodName: "Binding",
  cls: 0,
  className: "request",
  transactionId: "4a6b5a2f7c1d0e9f8a7b6c5d",
  source: BROWSER,
  destination: SERVER,
  attributes: [],
  rawHex: "00010000" + "2112a442" + "4a6b5a2f7c1d0e9f8a7b6c5d",
  byteLength: 20,
};

/**
 * Its answer: XOR-MAPPED-ADDRESS 198.51.100.7:50123.
 *   x-port    = 50123 (0xc3cb) XOR 0x2112     = 0xe2d9
 *   x-address = c6 33 64 07 XOR 21 12 a4 42   = e7 21 c0 45
 */
export const BINDING_SUCCESS: StunMessageRecord = {
  ...BINDING_REQUEST,
  time: 2_001,
  direction: "out",
  cls: 2,
  className: "success response",
  source: SERVER,
  destination: BROWSER,
  attributes: [{ type: 0x0020, name: "XOR-MAPPED-ADDRESS", offset: 20, length: 8, value: { address: "198.51.100.7", port: 50123 } }],
  rawHex: "0101000c" + "2112a442" + "4a6b5a2f7c1d0e9f8a7b6c5d" + "00200008" + "0001e2d9" + "e721c045",
  byteLength: 32,
};

/**
 * Assembles a message from attributes given as [type, name, value-as-hex, decoded value], filling
 * in offsets, lengths, padding and the header the way RFC 8489 §5 and §14 lay them out.
 */
export function message(
  base: Pick<StunMessageRecord, "time" | "direction" | "method" | "methodName" | "cls" | "className" | "transactionId"> & Partial<StunMessageRecord>,
  attributes: readonly [number, string, string, AttributeRecord["value"]][],
): StunMessageRecord {
  let body = "";
  const records: AttributeRecord[] = [];
  for (const [type, name, valueHex, value] of attributes) {
    const length = valueHex.length / 2;
    records.push({ type, name, offset: 20 + body.length / 2, length, value });
    const padding = "00".repeat((4 - (length % 4)) % 4);
    body += type.toString(16).padStart(4, "0") + length.toString(16).padStart(4, "0") + valueHex + padding;
  }
  const typeField = ((base.method & 0xf80) << 2) | ((base.method & 0x070) << 1) | (base.method & 0x00f) | ((base.cls & 2) << 7) | ((base.cls & 1) << 4);
  const header = typeField.toString(16).padStart(4, "0") + (body.length / 2).toString(16).padStart(4, "0") + "2112a442" + base.transactionId;
  const inbound = base.direction === "in";
  return {
    kind: "stun",
    source: inbound ? BROWSER : SERVER,
    destination: inbound ? SERVER : BROWSER,
    ...base,
    attributes: records,
    rawHex: header + body,
    byteLength: (header.length + body.length) / 2,
  };
}

const USERNAME = "1767225600:s3ss10n";
const TID = (n: number): string => n.toString(16).padStart(24, "0");
const text = (s: string): string => Array.from(new TextEncoder().encode(s), (b) => b.toString(16).padStart(2, "0")).join("");

/** Chromium's allocation as the server records it: 401 challenge, signed retry, permission, channel. */
export function allocationRecords(client = BROWSER): StunMessageRecord[] {
  const dir = (direction: "in" | "out") =>
    direction === "in" ? { direction, source: client, destination: SERVER } : { direction, source: SERVER, destination: client };
  const req = { cls: 0, className: "request" } as const;
  const ok = { cls: 2, className: "success response" } as const;
  const err = { cls: 3, className: "error response" } as const;
  const allocate = { method: 0x003, methodName: "Allocate" } as const;
  return [
    message({ time: 10, ...dir("in"), ...allocate, ...req, transactionId: TID(1) }, [[0x0019, "REQUESTED-TRANSPORT", "11000000", 17]]),
    message({ time: 11, ...dir("out"), ...allocate, ...err, transactionId: TID(1), errorCode: 401 }, [
      [0x0009, "ERROR-CODE", "00000401" + text("Unauthorized"), { code: 401, reason: "Unauthorized" }],
      [0x0014, "REALM", text("example.org"), "example.org"],
      [0x0015, "NONCE", text("obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"), "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"],
    ]),
    message({ time: 20, ...dir("in"), ...allocate, ...req, transactionId: TID(2), username: USERNAME }, [
      [0x0019, "REQUESTED-TRANSPORT", "11000000", 17],
      [0x0006, "USERNAME", text(USERNAME), USERNAME],
      [0x0014, "REALM", text("example.org"), "example.org"],
      [0x0015, "NONCE", text("obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"), "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"],
      [0x0008, "MESSAGE-INTEGRITY", "00".repeat(20), "00".repeat(20)],
    ]),
    message({ time: 21, ...dir("out"), ...allocate, ...ok, transactionId: TID(2), username: USERNAME }, [
      // 192.0.2.10:49152 -> x-port 0xc000^0x2112 = 0xe112; x-address c0 00 02 0a ^ 21 12 a4 42 = e1 12 a6 48
      [0x0016, "XOR-RELAYED-ADDRESS", "0001e112e112a648", { address: "192.0.2.10", port: 49152 }],
      [0x0020, "XOR-MAPPED-ADDRESS", "0001e2d9e721c045", { address: "198.51.100.7", port: 50123 }],
      [0x000d, "LIFETIME", "00000258", 600],
    ]),
    message({ time: 30, ...dir("in"), method: 0x008, methodName: "CreatePermission", ...req, transactionId: TID(3), username: USERNAME }, [
      [0x0012, "XOR-PEER-ADDRESS", "0001e113e112a648", { address: "192.0.2.10", port: 49153 }],
    ]),
    message({ time: 31, ...dir("out"), method: 0x008, methodName: "CreatePermission", ...ok, transactionId: TID(3), username: USERNAME }, []),
    message({ time: 40, ...dir("in"), method: 0x009, methodName: "ChannelBind", ...req, transactionId: TID(4), username: USERNAME }, [
      [0x000c, "CHANNEL-NUMBER", "40000000", 0x4000],
      [0x0012, "XOR-PEER-ADDRESS", "0001e113e112a648", { address: "192.0.2.10", port: 49153 }],
    ]),
    message({ time: 41, ...dir("out"), method: 0x009, methodName: "ChannelBind", ...ok, transactionId: TID(4), username: USERNAME }, []),
  ];
}

export function usageRecord(time: number, bytesToPeer: number, bytesFromPeer: number, reason: RelayUsageRecord["reason"] = "periodic"): RelayUsageRecord {
  return {
    kind: "relay-usage",
    time,
    username: USERNAME,
    client: BROWSER,
    relayed: { address: "192.0.2.10", port: 49152 },
    reason,
    permissions: [{ peerAddress: "192.0.2.10", expiresAt: 300_000, bytesToPeer, packetsToPeer: bytesToPeer > 0 ? 2 : 0, bytesFromPeer, packetsFromPeer: bytesFromPeer > 0 ? 3 : 0 }],
    channels: [{ channelNumber: 0x4000, peer: { address: "192.0.2.10", port: 49153 }, expiresAt: 600_000, bytesToPeer, packetsToPeer: bytesToPeer > 0 ? 2 : 0, bytesFromPeer, packetsFromPeer: bytesFromPeer > 0 ? 3 : 0 }],
  };
}

/** list[i], failing the test with a reason when it is missing. */
export function nth<T>(list: readonly T[], i: number): T {
  const value = list[i];
  if (value === undefined) throw new Error(`expected an element at index ${String(i)} of ${String(list.length)}`);
  return value;
}
