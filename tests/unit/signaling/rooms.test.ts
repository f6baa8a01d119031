/**
 * The in-memory room registry (one signaling process) against the contract every registry keeps.
 */
import { createMemoryRoomRegistry } from "../../../server/signaling/rooms.ts";
import { roomRegistryContract } from "../../support/room-registry-contract.ts";

roomRegistryContract("memory", async () => {
  // One process, one memory: every handle is the same registry.
  const rooms = createMemoryRoomRegistry();
  return { open: async () => rooms, close: async () => undefined };
});
