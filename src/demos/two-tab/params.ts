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

/** True for names and addresses that mean "this computer": another device cannot open them. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/gu, "");
  return host === "localhost" || host.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/u.test(host) || host === "::1";
}

/**
 * What to tell a reader whose room link a phone could not open, or undefined when it can (as far
 * as this page can tell). `port` is the page's port ("" for the default).
 */
export function otherDeviceHint(hostname: string, port: string): string | undefined {
  if (!isLoopbackHost(hostname)) return undefined;
  const portPart = port === "" ? "" : `:${port}`;
  return (
    `This link names ${hostname}, which on a phone means the phone itself. To join from another device, start the server with ` +
    `HOST=0.0.0.0 and open this page at your computer's address on the network (for example http://192.168.1.23${portPart}/demo/). ` +
    "A second tab on this computer can use the link as it is."
  );
}

/** Why the camera cannot be asked for on this page, or undefined when it can. */
export function mediaUnavailableReason(secureContext: boolean, hasMediaDevices: boolean, origin: string): string | undefined {
  if (!secureContext) {
    return `Browsers offer the camera and microphone only to secure pages: HTTPS, or http://localhost on the computer itself. This page is ${origin}. The data channel and chat work without them.`;
  }
  if (!hasMediaDevices) return "This browser offers no camera or microphone to web pages. The data channel and chat work without them.";
  return undefined;
}
