/**
 * Why a demo could not show anything, in words a reader can act on. Pure: the page maps each
 * failure to a title and a message; tests check every kind has one.
 */
export type FailureKind = "unreachable" | "external-turn" | "no-server" | "refused" | "timeout" | "no-webrtc" | "webrtc";

export class DemoFailure extends Error {
  override name = "DemoFailure";
  readonly kind: FailureKind;
  constructor(kind: FailureKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

const TITLES: Readonly<Record<FailureKind, string>> = {
  unreachable: "This site's server could not be reached",
  "external-turn": "Nothing to inspect: this site uses an external TURN server",
  "no-server": "Nothing to inspect: this site runs no STUN/TURN server",
  refused: "The packet inspector refused this page",
  timeout: "Timed out",
  "no-webrtc": "This browser has no WebRTC",
  webrtc: "WebRTC failed",
};

const HINTS: Readonly<Record<FailureKind, string>> = {
  unreachable: "Check that the site's server is running (npm start) and reload the page.",
  "external-turn": "The operator pointed the site at another TURN server (such as coturn), so your packets never reach this site's own server and it cannot show them. The lesson text describes what you would see.",
  "no-server": "The built-in STUN/TURN server is not listening. Start the site with npm start to use it.",
  refused: "Reload the page to get fresh credentials, then try again.",
  timeout: "A firewall may block UDP to the server's STUN/TURN port, or the browser gave up. Try again, or try another network.",
  "no-webrtc": "Try a current version of Chrome, Firefox or Safari.",
  webrtc: "Try again; if it keeps failing, the browser console may say more.",
};

export interface FailureText {
  readonly kind: FailureKind;
  readonly title: string;
  readonly message: string;
  readonly hint: string;
}

export function describeFailure(error: unknown): FailureText {
  if (error instanceof DemoFailure) return { kind: error.kind, title: TITLES[error.kind], message: error.message, hint: HINTS[error.kind] };
  const message = error instanceof Error ? error.message : String(error);
  // fetchIceConfig's IceConfigError covers both "could not reach" and "refused by HTTP status".
  if (error instanceof Error && error.name === "IceConfigError") return { kind: "unreachable", title: TITLES.unreachable, message, hint: HINTS.unreachable };
  return { kind: "webrtc", title: TITLES.webrtc, message, hint: HINTS.webrtc };
}
