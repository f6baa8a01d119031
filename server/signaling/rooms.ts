/**
 * The rooms of the two-tab demo: who is in which room, and in what role. Plain data, no sockets,
 * so the invariants are easy to see: at most ROOM_CAPACITY members, a socket in at most one room,
 * and a room exists only while someone is in it.
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

export interface RoomRegistry {
  join(roomId: string, socketId: string, peerId: string): JoinOutcome;
  /** Removes the socket from its room; returns the room and the member left behind, if any. */
  leave(socketId: string): { roomId: string; member: Member; other: Member | undefined } | undefined;
  roomOf(socketId: string): string | undefined;
  /** The other member of the socket's room. */
  otherOf(socketId: string): Member | undefined;
  memberOf(socketId: string): Member | undefined;
  readonly size: number;
}

export function createRoomRegistry(): RoomRegistry {
  const rooms = new Map<string, Member[]>();
  const roomBySocket = new Map<string, string>();

  const membersOf = (socketId: string): Member[] => {
    const roomId = roomBySocket.get(socketId);
    return roomId === undefined ? [] : (rooms.get(roomId) ?? []);
  };

  return {
    join(roomId, socketId, peerId) {
      if (roomBySocket.has(socketId)) return { ok: false, reason: "already-in-room" };
      const members = rooms.get(roomId) ?? [];
      if (members.length >= ROOM_CAPACITY) return { ok: false, reason: "room-full" };
      const other = members[0];
      // Whoever waits alone is impolite; the newcomer takes the remaining role, so a room that
      // loses a peer and gains another still has exactly one of each.
      const role: Role = other === undefined ? "impolite" : other.role === "impolite" ? "polite" : "impolite";
      const member: Member = { socketId, peerId, role };
      rooms.set(roomId, [...members, member]);
      roomBySocket.set(socketId, roomId);
      return { ok: true, member, other };
    },
    leave(socketId) {
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
    roomOf: (socketId) => roomBySocket.get(socketId),
    otherOf: (socketId) => membersOf(socketId).find((m) => m.socketId !== socketId),
    memberOf: (socketId) => membersOf(socketId).find((m) => m.socketId === socketId),
    get size() {
      return rooms.size;
    },
  };
}
