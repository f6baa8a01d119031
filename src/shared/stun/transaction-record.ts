// What the packet inspector receives from the STUN/TURN server: one record per decoded STUN
// request or response, and rolled-up byte counts for relayed data (per permission and per channel,
// never one record per relayed packet). JSON-serialisable; zod so the socket.io boundary can
// validate it and the type is written once.
import { z } from "../zod.ts";

export const EndpointSchema = z.object({
  address: z.string(),
  port: z.number().int().min(0).max(65535),
});
export type Endpoint = z.infer<typeof EndpointSchema>;

/**
 * How the client reached the server: "udp", or "tcp" for TURN over TCP (RFC 8656 §3.1; relaying to
 * peers is UDP either way). Optional so records written before TCP existed still parse: absent = udp.
 */
export const ClientTransportSchema = z.enum(["udp", "tcp"]);
export type ClientTransport = z.infer<typeof ClientTransportSchema>;

const AttributeValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.number()),
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
]);

export const AttributeRecordSchema = z.object({
  /** Attribute type code, e.g. 0x0020 for XOR-MAPPED-ADDRESS. */
  type: z.number().int().min(0).max(0xffff),
  name: z.string(),
  /** Offset of the attribute header from the start of the message, for highlighting the hex dump. */
  offset: z.number().int().min(0),
  /** Value length without padding. */
  length: z.number().int().min(0),
  value: AttributeValueSchema,
  /** Set when the value could not be decoded (the raw value is then in `value` as hex). */
  error: z.string().optional(),
});
export type AttributeRecord = z.infer<typeof AttributeRecordSchema>;

export const StunMessageRecordSchema = z.object({
  kind: z.literal("stun"),
  /** Milliseconds since the epoch (server clock). */
  time: z.number(),
  /** "in" = client to server, "out" = server to client. */
  direction: z.enum(["in", "out"]),
  method: z.number().int(),
  methodName: z.string(),
  cls: z.number().int().min(0).max(3),
  className: z.string(),
  /** 96-bit transaction ID as 24 lower-case hex digits. */
  transactionId: z.string().regex(/^[0-9a-f]{24}$/),
  source: EndpointSchema,
  destination: EndpointSchema,
  transport: ClientTransportSchema.optional(),
  attributes: z.array(AttributeRecordSchema),
  /** The whole message as lower-case hex. */
  rawHex: z.string(),
  byteLength: z.number().int().min(0),
  /** USERNAME of the request (or of the allocation it belongs to), when there is one. */
  username: z.string().optional(),
  /** ERROR-CODE number of an error response. */
  errorCode: z.number().int().optional(),
  /**
   * Set when the server cut the record short (more than 64 attributes, or the message or a value
   * longer than 2 KiB): `rawHex` and `attributes` then hold only the start of the message.
   */
  truncated: z.boolean().optional(),
});
export type StunMessageRecord = z.infer<typeof StunMessageRecordSchema>;

export const RelayCountersSchema = z.object({
  bytesToPeer: z.number().int().min(0),
  packetsToPeer: z.number().int().min(0),
  bytesFromPeer: z.number().int().min(0),
  packetsFromPeer: z.number().int().min(0),
});

export const RelayUsageRecordSchema = z.object({
  kind: z.literal("relay-usage"),
  time: z.number(),
  username: z.string(),
  client: EndpointSchema,
  transport: ClientTransportSchema.optional(),
  relayed: EndpointSchema,
  /**
   * Why this record was emitted: periodic while data flows, or the allocation ended: deleted by a
   * Refresh of LIFETIME 0, expired, or "closed" with the client's TCP connection (RFC 8656 §3.1).
   */
  reason: z.enum(["periodic", "deleted", "expired", "closed"]),
  permissions: z.array(RelayCountersSchema.extend({ peerAddress: z.string(), expiresAt: z.number() })),
  channels: z.array(RelayCountersSchema.extend({ channelNumber: z.number().int(), peer: EndpointSchema, expiresAt: z.number() })),
});
export type RelayUsageRecord = z.infer<typeof RelayUsageRecordSchema>;

export const TransactionRecordSchema = z.discriminatedUnion("kind", [StunMessageRecordSchema, RelayUsageRecordSchema]);
export type TransactionRecord = z.infer<typeof TransactionRecordSchema>;
