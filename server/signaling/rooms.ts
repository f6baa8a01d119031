/**
 * The rooms of the two-tab demo: who is in which room, and in what role. The invariants are the
 * same wherever the rooms live: at most ROOM_CAPACITY members, a socket in at most one room, the
 * member who waits alone is impolite and a newcomer takes the remaining role, and a room exists
 * only while someone is in it.
 *
 * Two registries keep them: the one below, in this process's memory (one signaling process), and
 * createRedisRoomRegistry in redis-rooms.ts, shared by several processes through Redis. Both
 * answer with promises so the signaling server has one code path for either.
 */
import { ROOM_CAPACITY, type Role } from "../../src/shared/signaling/protocol.ts";

export interface Member {
  socketId: string;
  peerId: string;
  role: Role;
}

export type JoinOutcome =
  | { ok: true; member: Member; other: Member | undefined }
  | { ok: false; reason: "room-full" | "already-in-room" };

/** A member that went out of a room, and the member it left behind, if any. */
export interface Departure {
  roomId: string;
  member: Member;
  other: Member | undefined;
}

export interface RoomRegistry {
  join(roomId: string, socketId: string, peerId: string): Promise<JoinOutcome>;
  /**
   * Removes the socket from its room; resolves with the room and the member left behind, if any.
   * With `disconnected` (the socket is gone for good), a registry that cannot reach its store now
   * keeps trying by itself and announces the departure through onLost once it succeeds.
   */
  leave(socketId: string, options?: { disconnected?: boolean }): Promise<Departure | undefined>;
  roomOf(socketId: string): Promise<string | undefined>;
  /** The other member of the socket's room. */
  otherOf(socketId: string): Promise<Member | undefined>;
  memberOf(socketId: string): Promise<Member | undefined>;
  /** How many rooms exist (have at least one member). */
  size(): Promise<number>;
  /**
   * Calls `listener` for each member the registry removed by itself rather than through leave():
   * the process holding its socket crashed, or is shutting down. Only a shared registry ever does
   * that: in one process a socket cannot vanish without its `disconnect` event, which leaves the
   * room the usual way.
   */
  onLost(listener: (departure: Departure) => void): void;
}

/** The role a newcomer takes, given who is already waiting in the room (if anyone). */
export function roleFor(other: Member | undefined): Role {
  // Whoever waits alone is impolite; the newcomer takes the remaining role, so a room that
  // loses a peer and gains another still has exactly one of each.
  return other === undefined ? "impolite" : other.role === "impolite" ? "polite" : "impolite";
}

/** Rooms in this process's memory: right for one signaling process, which is the default. */
export function createMemoryRoomRegistry(): RoomRegistry {
  const rooms = new Map<string, Member[]>();
  const roomBySocket = new Map<string, string>();

  const membersOf = (socketId: string): Member[] => {
    const roomId = roomBySocket.get(socketId);
    return roomId === undefined ? [] : (rooms.get(roomId) ?? []);
  };

  // The work is synchronous, so each call is atomic; `async` only wraps the answers in promises.
  return {
    async join(roomId, socketId, peerId) {
      if (roomBySocket.has(socketId)) return { ok: false, reason: "already-in-room" };
      const members = rooms.get(roomId) ?? [];
      if (members.length >= ROOM_CAPACITY) return { ok: false, reason: "room-full" };
      const other = members[0];
      const member: Member = { socketId, peerId, role: roleFor(other) };
      rooms.set(roomId, [...members, member]);
      roomBySocket.set(socketId, roomId);
      return { ok: true, member, other };
    },
    async leave(socketId) {
      const roomId = roomBySocket.get(socketId);
      if (roomId === undefined) return undefined;
      roomBySocket.delete(socketId);
      const members = rooms.get(roomId) ?? [];
      const member = members.find((m) => m.socketId === socketId);
      const rest = members.filter((m) => m.socketId !== socketId);
      if (rest.length === 0) rooms.delete(roomId);
      else rooms.set(roomId, rest);
      return member ? { roomId, member, other: rest[0] } : undefined;
    },
    roomOf: async (socketId) => roomBySocket.get(socketId),
    otherOf: async (socketId) => membersOf(socketId).find((m) => m.socketId !== socketId),
    memberOf: async (socketId) => membersOf(socketId).find((m) => m.socketId === socketId),
    size: async () => rooms.size,
    onLost: () => undefined,
  };
}
