/**
 * What every room registry promises (server/signaling/rooms.ts), written once and run against
 * each implementation: the memory one in tests/unit/signaling/rooms.test.ts, the Redis one in
 * tests/integration/signaling/redis-rooms.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RoomRegistry } from "../../server/signaling/rooms.ts";

export interface RoomStore {
  /**
   * A handle on the rooms. Each call may return another handle on the same rooms (for a shared
   * registry, as another process would see them); a single-process registry returns itself.
   */
  open(): Promise<RoomRegistry>;
  close(): Promise<void>;
}

export function roomRegistryContract(name: string, createStore: () => Promise<RoomStore>): void {
  describe(`${name} room registry (shared contract)`, () => {
    let store: RoomStore;
    let rooms: RoomRegistry;
    beforeEach(async () => {
      store = await createStore();
      rooms = await store.open();
    });
    afterEach(async () => {
      await store.close();
    });

    it("makes whoever waits alone impolite and the newcomer polite, each told of the other", async () => {
      expect(await rooms.join("room-a", "s1", "p1")).toEqual({ ok: true, member: { socketId: "s1", peerId: "p1", role: "impolite" }, other: undefined });
      expect(await rooms.join("room-a", "s2", "p2")).toEqual({
        ok: true,
        member: { socketId: "s2", peerId: "p2", role: "polite" },
        other: { socketId: "s1", peerId: "p1", role: "impolite" },
      });
    });

    it("refuses a third member with room-full and changes nothing", async () => {
      await rooms.join("room-a", "s1", "p1");
      await rooms.join("room-a", "s2", "p2");
      expect(await rooms.join("room-a", "s3", "p3")).toEqual({ ok: false, reason: "room-full" });
      expect(await rooms.roomOf("s3")).toBeUndefined();
      expect((await rooms.otherOf("s1"))?.peerId).toBe("p2");
      expect((await rooms.otherOf("s2"))?.peerId).toBe("p1");
    });

    it("keeps a socket in one room at most, even when it asks for the same room again", async () => {
      await rooms.join("room-a", "s1", "p1");
      expect(await rooms.join("room-b", "s1", "p9")).toEqual({ ok: false, reason: "already-in-room" });
      expect(await rooms.join("room-a", "s1", "p9")).toEqual({ ok: false, reason: "already-in-room" });
      expect(await rooms.memberOf("s1")).toEqual({ socketId: "s1", peerId: "p1", role: "impolite" });
      expect(await rooms.size()).toBe(1);
    });

    it("says who is where: roomOf, memberOf, otherOf, and nothing for a socket in no room", async () => {
      await rooms.join("room-a", "s1", "p1");
      expect(await rooms.roomOf("s1")).toBe("room-a");
      expect(await rooms.memberOf("s1")).toMatchObject({ peerId: "p1" });
      expect(await rooms.otherOf("s1")).toBeUndefined();
      await rooms.join("room-a", "s2", "p2");
      expect(await rooms.otherOf("s1")).toMatchObject({ socketId: "s2", peerId: "p2", role: "polite" });
      for (const ask of [rooms.roomOf("nobody"), rooms.memberOf("nobody"), rooms.otherOf("nobody"), rooms.leave("nobody")]) {
        expect(await ask).toBeUndefined();
      }
    });

    it("on leave, reports the room and who stays; a newcomer then takes the freed role", async () => {
      await rooms.join("room-a", "s1", "p1");
      await rooms.join("room-a", "s2", "p2");
      expect(await rooms.leave("s1")).toEqual({
        roomId: "room-a",
        member: { socketId: "s1", peerId: "p1", role: "impolite" },
        other: { socketId: "s2", peerId: "p2", role: "polite" },
      });
      expect(await rooms.leave("s1")).toBeUndefined();
      const third = await rooms.join("room-a", "s3", "p3");
      expect(third).toMatchObject({ ok: true, member: { role: "impolite" }, other: { peerId: "p2", role: "polite" } });
      expect((await rooms.otherOf("s2"))?.peerId).toBe("p3");
      // The socket that left may join again elsewhere.
      expect(await rooms.join("room-b", "s1", "p1")).toMatchObject({ ok: true });
    });

    it("keeps a room only while someone is in it", async () => {
      await rooms.join("room-a", "s1", "p1");
      await rooms.join("room-a", "s2", "p2");
      await rooms.join("room-b", "s3", "p3");
      expect(await rooms.size()).toBe(2);
      expect(await rooms.leave("s1")).toMatchObject({ other: { socketId: "s2" } });
      expect(await rooms.leave("s2")).toMatchObject({ roomId: "room-a", other: undefined });
      expect(await rooms.size()).toBe(1);
      await rooms.leave("s3");
      expect(await rooms.size()).toBe(0);
      // An emptied room starts afresh: its next member waits alone, impolite.
      expect(await rooms.join("room-a", "s4", "p4")).toMatchObject({ ok: true, member: { role: "impolite" }, other: undefined });
    });

    it("admits exactly two of many simultaneous joins, made through two handles, one of each role", async () => {
      const other = await store.open();
      const handles = [rooms, other];
      const outcomes = await Promise.all(Array.from({ length: 24 }, (_, i) => handles[i % 2]?.join("contested", `s${i}`, `p${i}`)));
      const admitted = outcomes.filter((outcome) => outcome?.ok === true);
      expect(admitted).toHaveLength(2);
      expect(outcomes.filter((outcome) => outcome?.ok === false && outcome.reason === "room-full")).toHaveLength(22);
      expect(new Set(admitted.map((outcome) => (outcome?.ok ? outcome.member.role : undefined)))).toEqual(new Set(["impolite", "polite"]));
      // Both handles see the same two members.
      const [first, second] = admitted.map((outcome) => (outcome?.ok ? outcome.member : undefined));
      expect(await other.otherOf(first?.socketId ?? "")).toEqual(second);
      expect(await rooms.otherOf(second?.socketId ?? "")).toEqual(first);
    });
  });
}
