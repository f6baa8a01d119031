/**
 * The signaling lesson describes this site's own protocol, so its event names and limits are checked
 * against src/shared/signaling/protocol.ts, the file both the browser and the server import.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LESSON_DIR, ROOT } from "./content-files.ts";

const lesson = readFileSync(join(LESSON_DIR, "signaling.mdx"), "utf8");

describe("the signaling lesson matches the shared protocol", () => {
  it("names only events that the protocol declares", async () => {
    const protocol = readFileSync(join(ROOT, "src/shared/signaling/protocol.ts"), "utf8");
    const named = new Set([...lesson.matchAll(/\b((?:room|signal|peer|ice):[a-z]+(?:-[a-z]+)*)\b/gu)].map((match) => match[1] ?? ""));
    expect(named.size).toBeGreaterThanOrEqual(5);
    const declared = new Set([...protocol.matchAll(/"((?:room|signal|peer|ice):[a-z]+(?:-[a-z]+)*)"/gu)].map((match) => match[1] ?? ""));
    expect([...named].filter((name) => !declared.has(name))).toEqual([]);
    const mod = (await import(join(ROOT, "src/shared/signaling/protocol.ts"))) as { CLIENT_EVENTS: readonly string[] };
    for (const name of ["room:join", "signal:description", "signal:candidate"]) expect(mod.CLIENT_EVENTS).toContain(name);
  });

  it("states the limits and room ID size the protocol enforces", async () => {
    const mod = (await import(join(ROOT, "src/shared/signaling/protocol.ts"))) as {
      MAX_SDP_LENGTH: number;
      MAX_CANDIDATE_LENGTH: number;
      ROOM_ID_BYTES: number;
      ROOM_CAPACITY: number;
    };
    expect(lesson).toContain(`at most ${mod.MAX_SDP_LENGTH / 1024} KiB`);
    expect(lesson).toContain(`(at most ${mod.MAX_CANDIDATE_LENGTH / 1024} KiB)`);
    expect(lesson).toContain(`(${mod.ROOM_ID_BYTES * 8} random bits)`);
    expect(mod.ROOM_CAPACITY).toBe(2);
  });
});
