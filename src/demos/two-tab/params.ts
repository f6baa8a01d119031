/**
 * The demo's URL contract (kept stable for the acceptance tests): `/demo/?room=ID` joins room ID,
 * `&policy=relay` starts relay-only. Anything else in the query is ignored; a malformed room ID
 * is reported, not sent to the server.
 */
import { ROOM_ID_PATTERN } from "../../shared/signaling/protocol.ts";

export interface DemoParams {
  room: string | undefined;
  /** Set when ?room= was present but is not a valid room ID. */
  invalidRoom: boolean;
  policy: "all" | "relay";
}

export function parseDemoParams(search: string): DemoParams {
  const query = new URLSearchParams(search);
  const room = query.get("room") ?? undefined;
  const valid = room !== undefined && ROOM_ID_PATTERN.test(room);
  return {
    room: valid ? room : undefined,
    invalidRoom: room !== undefined && !valid,
    policy: query.get("policy") === "relay" ? "relay" : "all",
  };
}

/** The link a second tab or device opens to join this room (same page, same policy). */
export function roomLink(origin: string, pathname: string, room: string, policy: DemoParams["policy"]): string {
  const url = new URL(pathname, origin);
  url.searchParams.set("room", room);
  if (policy === "relay") url.searchParams.set("policy", "relay");
  return url.href;
}

/** This page with no room, so the server makes one; relay-only stays if the link asked for it. */
export function newRoomLink(pathname: string, policy: DemoParams["policy"]): string {
  return policy === "relay" ? `${pathname}?policy=relay` : pathname;
}
