/**
 * The plain-JSON messages of the real-NAT check (./real-nat.test.ts), validated wherever they are
 * read: UDP datagrams between the peers and the reflector, and the lines a peer process exchanges
 * with the test over stdin/stdout. Stand-ins for STUN: a "bind" is a Binding request, "bound" its
 * response carrying the address the reflector saw (XOR-MAPPED-ADDRESS), "check" and "check-ok" an
 * ICE connectivity check and its response (RFC 8445 §7.2, §7.3).
 */
import { z } from "zod";

export const transportAddress = z.object({ ip: z.string(), port: z.number().int().min(1).max(65535) });
export type Address = z.infer<typeof transportAddress>;

/**
 * Which of its sockets the reflector answers from, as RFC 5780's CHANGE-REQUEST asks: the one the
 * request came to, another port on the same address, or another address. The last two show what a
 * NAT's filter lets in that the inside never sent to (RFC 4787 §5, RFC 5780 §4.4).
 */
export const replyFrom = z.enum(["same", "other-port", "other-address"]);
export type ReplyFrom = z.infer<typeof replyFrom>;

export const datagram = z.discriminatedUnion("t", [
  z.object({ t: z.literal("bind"), id: z.string(), reply: replyFrom }),
  z.object({ t: z.literal("bound"), id: z.string(), mapped: transportAddress, from: replyFrom }),
  z.object({ t: z.literal("check"), id: z.string() }),
  z.object({ t: z.literal("check-ok"), id: z.string(), mapped: transportAddress }),
]);
export type Datagram = z.infer<typeof datagram>;

export const encode = (message: Datagram): Buffer => Buffer.from(JSON.stringify(message));

/** A datagram as data, or undefined for anything that is not one of ours. */
export function decode(bytes: Buffer): Datagram | undefined {
  try {
    const parsed = datagram.safeParse(JSON.parse(bytes.toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The reflector's sockets: the address and port a peer asks, and the two it can answer from instead. */
export const reflectorSockets = z.object({ main: transportAddress, otherPort: transportAddress, otherAddress: transportAddress });
export type ReflectorSockets = z.infer<typeof reflectorSockets>;

// Test → peer process, one JSON object per line on stdin.
export const peerCommand = z.discriminatedUnion("cmd", [
  /** Measure this side's NAT from fresh sockets (./udp-peer.ts says how). */
  z.object({ cmd: z.literal("probe"), reflector: reflectorSockets }),
  /** Learn the server-reflexive address of the peer's one ICE socket. */
  z.object({ cmd: z.literal("stun"), reflector: reflectorSockets }),
  /** Signaling has delivered the other peer's srflx candidate: check it, in rounds. */
  z.object({ cmd: z.literal("punch"), remote: transportAddress, rounds: z.number().int().positive(), intervalMs: z.number().int().positive() }),
]);
export type PeerCommand = z.infer<typeof peerCommand>;

export const candidate = z.object({ address: transportAddress, type: z.enum(["srflx", "prflx"]) });
export type Candidate = z.infer<typeof candidate>;

/** What a peer measured of its NAT: the raw observations, not yet named in RFC 4787's terms. */
export const probeReport = z.object({
  /** The mapped address one socket got toward the reflector's main socket, its other port, its other address. */
  mapped: z.object({ main: transportAddress, otherPort: transportAddress, otherAddress: transportAddress }),
  /** Whether an answer from another port / another address got through to a socket that sent only to the main one. */
  admitted: z.object({ otherPort: z.boolean(), otherAddress: z.boolean() }),
});
export type ProbeReport = z.infer<typeof probeReport>;

// Peer process → test, one JSON object per line on stdout.
export const peerEvent = z.discriminatedUnion("event", [
  z.object({ event: z.literal("ready") }),
  z.object({ event: z.literal("probed"), report: probeReport }),
  z.object({ event: z.literal("srflx"), address: transportAddress }),
  z.object({
    event: z.literal("punched"),
    /** The succeeded check, if any: the remote candidate it went to and the address the other side saw. */
    valid: z.object({ remote: candidate, mapped: transportAddress }).nullable(),
    remote: z.array(candidate),
    failed: z.array(transportAddress),
    /** Checks sent and check answers received, for the failure message. */
    log: z.array(z.string()),
  }),
  z.object({ event: z.literal("error"), message: z.string() }),
]);
export type PeerEvent = z.infer<typeof peerEvent>;
