/**
 * The two-tab demo's signaling protocol, declared once and imported by the server
 * (server/signaling/) and the browser (src/demos/two-tab/). Signaling is only the postman: it
 * carries the offer, the answer and the ICE candidates between two browsers that cannot yet talk
 * to each other directly (RFC 8829 §3 leaves its transport to the application; this is ours).
 *
 * Rules the server enforces:
 * - a room holds at most two peers; the server, not the client, names each peer;
 * - everything a client sends is validated here (zod) before the server looks at it;
 * - a description, a candidate or a restart request goes only to the other member of the
 *   sender's room.
 */
import { z } from "../zod.ts";
import type { IceConfig } from "../ice-config.ts";

/**
 * Room IDs are unguessable: 16 random bytes (128 bits) encoded as base64url, 22 characters.
 * A client may ask for a room by ID (the link it was given); the ID must still carry at least
 * 96 bits, i.e. at least 16 base64url characters.
 */
export const ROOM_ID_BYTES = 16;
export const ROOM_ID_MIN_LENGTH = 16;
export const ROOM_ID_MAX_LENGTH = 64;
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/u;
export const ROOM_CAPACITY = 2;

/** An SDP with audio, video, a data channel and a dozen candidates is under 10 KB. */
export const MAX_SDP_LENGTH = 32 * 1024;
/** One a=candidate value is about 150 characters; 1 KiB leaves room for long mDNS/IPv6 forms. */
export const MAX_CANDIDATE_LENGTH = 1024;

export const roomIdSchema = z.string().regex(ROOM_ID_PATTERN, "a room ID is 16 to 64 characters of A-Z a-z 0-9 - _");

/** Encodes bytes as base64url without padding (RFC 4648 §5). No Node or DOM API needed. */
export function base64url(bytes: Uint8Array): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (b !== undefined) out += alphabet[(n >> 6) & 63];
    if (c !== undefined) out += alphabet[n & 63];
  }
  return out;
}

/** A fresh room ID from a source of random bytes (crypto.getRandomValues in both runtimes). */
export function newRoomId(randomBytes: (size: number) => Uint8Array): string {
  return base64url(randomBytes(ROOM_ID_BYTES));
}

export const joinRequestSchema = z.strictObject({
  /** Omit to have the server create a new room. */
  roomId: roomIdSchema.optional(),
});

export const sessionDescriptionSchema = z.strictObject({
  type: z.enum(["offer", "answer", "pranswer", "rollback"]),
  sdp: z.string().max(MAX_SDP_LENGTH),
});

export const iceCandidateSchema = z.strictObject({
  candidate: z.string().max(MAX_CANDIDATE_LENGTH),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1023).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

export const descriptionMessageSchema = z.strictObject({ description: sessionDescriptionSchema });
/** `candidate: null` is end-of-candidates (the peer calls addIceCandidate() with nothing). */
export const candidateMessageSchema = z.strictObject({ candidate: iceCandidateSchema.nullable() });

/**
 * Asks the other tab to make an ICE restart's offer (RFC 8445 §9): a Chromium tab asks a Firefox
 * tab, because a restart Chromium offers to Firefox fails (src/demos/two-tab/ice-restart.ts). It
 * carries nothing: who asks is stamped by the server. It goes through the server rather than the
 * data channel because a restart is for a connection that is failing, and then a message on the
 * channel may never arrive.
 */
export const restartRequestMessageSchema = z.strictObject({});

export type SessionDescriptionPayload = z.infer<typeof sessionDescriptionSchema>;
export type IceCandidatePayload = z.infer<typeof iceCandidateSchema>;
export type JoinRequest = z.infer<typeof joinRequestSchema>;
export type DescriptionMessage = z.infer<typeof descriptionMessageSchema>;
export type CandidateMessage = z.infer<typeof candidateMessageSchema>;
export type RestartRequestMessage = z.infer<typeof restartRequestMessageSchema>;

/**
 * Perfect negotiation (W3C WebRTC §10.7) needs one polite and one impolite peer. The server
 * decides: whoever is alone in the room is impolite, the newcomer polite.
 */
export type Role = "polite" | "impolite";

export const ERROR_CODES = [
  "invalid-message",
  "invalid-room",
  "room-full",
  "already-in-room",
  "not-in-room",
  "no-peer",
  "rate-limited",
  "unknown-event",
  "unavailable",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface SignalingError {
  code: ErrorCode;
  message: string;
}

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: SignalingError };

export interface JoinResult {
  roomId: string;
  /** This socket's peer ID, chosen by the server. */
  peerId: string;
  role: Role;
  /** The peer already in the room, if any. */
  peer: { peerId: string; role: Role } | null;
  /** Server clock (ms since the epoch) when the join was accepted, to align both timelines. */
  serverTime: number;
}

export interface RelayResult {
  /** Bytes the server relayed (UTF-8 JSON of the payload), for the timeline. */
  size: number;
  serverTime: number;
}

/** ice:config hands the page its ICE servers (schema in src/shared/ice-config.ts). */
export interface IceConfigResult {
  config: IceConfig;
}

export interface RelayedDescription {
  /** Stamped by the server: never taken from the message. */
  from: string;
  description: SessionDescriptionPayload;
  size: number;
  serverTime: number;
}

export interface RelayedCandidate {
  from: string;
  candidate: IceCandidatePayload | null;
  size: number;
  serverTime: number;
}

export interface RelayedRestartRequest {
  from: string;
  size: number;
  serverTime: number;
}

export interface ClientToServerEvents {
  "room:join": (request: JoinRequest, ack: (result: Ack<JoinResult>) => void) => void;
  "room:leave": (ack: (result: Ack) => void) => void;
  "signal:description": (message: DescriptionMessage, ack: (result: Ack<RelayResult>) => void) => void;
  "signal:candidate": (message: CandidateMessage, ack: (result: Ack<RelayResult>) => void) => void;
  "signal:restart-request": (message: RestartRequestMessage, ack: (result: Ack<RelayResult>) => void) => void;
  "ice:config": (ack: (result: Ack<IceConfigResult>) => void) => void;
}

export interface ServerToClientEvents {
  "peer:joined": (event: { peerId: string; role: Role; serverTime: number }) => void;
  "peer:left": (event: { peerId: string; reason: "left" | "disconnected"; serverTime: number }) => void;
  "room:full": (event: { roomId: string }) => void;
  "signal:description": (message: RelayedDescription) => void;
  "signal:candidate": (message: RelayedCandidate) => void;
  "signal:restart-request": (message: RelayedRestartRequest) => void;
  /** A refusal for a message sent without an acknowledgement callback. */
  error: (event: SignalingError & { event: string }) => void;
}

export const CLIENT_EVENTS: readonly (keyof ClientToServerEvents)[] = [
  "room:join",
  "room:leave",
  "signal:description",
  "signal:candidate",
  "signal:restart-request",
  "ice:config",
];

/** Size of a payload as the server counts it: UTF-8 bytes of its JSON. */
export function payloadSize(payload: unknown): number {
  return new TextEncoder().encode(JSON.stringify(payload) ?? "").length;
}
