/**
 * Why a demo could not show anything, in words a reader can act on. Pure: the page maps each
 * failure to a title and a message; tests check every kind has one.
 */
export type FailureKind = "unreachable" | "busy" | "external-turn" | "no-server" | "refused" | "timeout" | "no-webrtc" | "webrtc";

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
  busy: "Too many requests from your address",
  "external-turn": "Nothing to inspect: this site uses an external TURN server",
  "no-server": "Nothing to inspect: this site runs no STUN/TURN server",
  refused: "The packet inspector refused this page",
  timeout: "Timed out",
  "no-webrtc": "This browser has no WebRTC",
  webrtc: "WebRTC failed",
};

const HINTS: Readonly<Record<FailureKind, string>> = {
  unreachable: "Check that the site's server is running (npm start) and reload the page.",
  busy: "The server limits how often one address may ask for ICE servers, and everyone behind the same router shares an address. Wait the time it says, then press the button again.",
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
  // fetchIceConfig's IceConfigError covers "could not reach", "refused by HTTP status", and 429
  // (this address asked too often: waiting helps, restarting the server does not).
  if (error instanceof Error && error.name === "IceConfigError") {
    const kind = (error as Error & { status?: number }).status === 429 ? "busy" : "unreachable";
    return { kind, title: TITLES[kind], message, hint: HINTS[kind] };
  }
  return { kind: "webrtc", title: TITLES.webrtc, message, hint: HINTS.webrtc };
}
