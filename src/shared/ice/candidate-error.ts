/**
 * Plain-language readings of `icecandidateerror` events. The codes 300-699 are STUN/TURN error
 * codes the server answered with (RFC 8489 §14.8, RFC 8656 §18 and the IANA STUN error code
 * registry); 701 is not a server code at all: W3C webrtc-pc §9.2 (RTCPeerConnectionIceErrorEvent)
 * says "If no host candidate can reach the server, errorCode will be set to the value 701 which is
 * outside the STUN error code range." Chromium fires 701 when a STUN/TURN request times out or the
 * server's name does not resolve (for example no IPv6 route to an IPv6-only name).
 */

export interface CandidateErrorInput {
  errorCode: number;
  errorText?: string | undefined;
  url?: string | undefined;
  /** The local address the browser tried from (may be empty or hidden). */
  address?: string | null | undefined;
  port?: number | null | undefined;
}

export interface CandidateErrorReading {
  code: number;
  /** Short name of the code, e.g. "Unauthorized". */
  title: string;
  /** What it means, in plain words, for the person reading the page. */
  meaning: string;
  /** What to try. */
  advice: string;
  /**
   * Whether this error stops the connection: "non-fatal" when other candidates were gathered
   * anyway (typical for 701), "fatal-for-server" when this server will give no candidate.
   */
  impact: "non-fatal" | "fatal-for-server";
}

interface Known {
  title: string;
  meaning: string;
  advice: string;
}

const KNOWN: Readonly<Record<number, Known>> = {
  300: { title: "Try Alternate", meaning: "The server asked the browser to use another server (ALTERNATE-SERVER).", advice: "Usually handled by the browser; if it keeps failing, use the alternate server's URL directly." },
  400: { title: "Bad Request", meaning: "The server could not understand the request.", advice: "Check that the URL really points to a STUN/TURN server and not to something else on that port." },
  401: {
    title: "Unauthorized",
    meaning: "The TURN server did not accept the username and credential. (Every allocation starts with a 401 challenge that the browser answers silently; you only see 401 when the answer was refused too.)",
    advice: "Check the username and password. With short-lived credentials, check that the secret matches the server's and that the clocks agree (the username carries the expiry time).",
  },
  403: { title: "Forbidden", meaning: "The server refused the request even though the credentials were accepted: its policy does not allow it (for example this user, or this peer address).", advice: "Ask the server's operator; look for denied-peer or user quota settings." },
  420: { title: "Unknown Attribute", meaning: "The server did not understand a required part of the request.", advice: "The server may be too old or not a TURN server." },
  437: { title: "Allocation Mismatch", meaning: "The server already has an allocation for this address and port, or none where one was expected.", advice: "Normally the browser retries with a new port; repeated 437 points to a server bug or a NAT that reuses ports too fast." },
  438: { title: "Stale Nonce", meaning: "The server's one-time value (nonce) expired; the browser should retry with the new one.", advice: "Harmless if a relay candidate still arrives; repeated 438 points to a server clock or nonce problem." },
  440: { title: "Address Family not Supported", meaning: "The server cannot relay over the requested IP version (IPv4 or IPv6).", advice: "Use a server that supports that family or ignore it if the other family works." },
  441: { title: "Wrong Credentials", meaning: "The credentials differ from the ones this allocation was created with.", advice: "Reload the page to start over with one set of credentials." },
  442: { title: "Unsupported Transport Protocol", meaning: "The server does not relay the transport the browser asked for.", advice: "Browsers ask for UDP relaying; the server must support it." },
  443: { title: "Peer Address Family Mismatch", meaning: "The peer's IP version does not match the relayed address's.", advice: "Mixing IPv4 and IPv6 peers through one allocation is not possible." },
  486: { title: "Allocation Quota Reached", meaning: "This user already has as many relay allocations as the server allows.", advice: "Close other tabs or calls using the same credentials, or raise the server's user quota." },
  487: { title: "Role Conflict", meaning: "Both ICE agents claimed the same role (controlling/controlled).", advice: "The agents resolve this themselves." },
  500: { title: "Server Error", meaning: "The server failed internally.", advice: "Try again later; check the server's log." },
  508: { title: "Insufficient Capacity", meaning: "The server has no relay ports or bandwidth left for a new allocation.", advice: "Try another TURN server or ask the operator to enlarge its relay port range." },
  701: {
    title: "No answer (not a server code)",
    meaning:
      "The browser got no response from this server from one of its local addresses: the request timed out, the server's name did not resolve, or that network path (often IPv6) does not lead there. This is the browser's own code, outside the STUN range.",
    advice: "If other candidates from this server arrived, ignore it. If none did: check the host name, the port, and that a firewall lets UDP through.",
  },
};

function byRange(code: number): Known {
  if (code >= 300 && code < 400) return { title: "Redirect", meaning: "The server pointed elsewhere.", advice: "Use the server it names." };
  if (code >= 400 && code < 500) return { title: "Request refused", meaning: "The server refused the request (a client-side problem: credentials, policy or format).", advice: "Check the URL and credentials." };
  if (code >= 500 && code < 600) return { title: "Server problem", meaning: "The server failed to handle the request.", advice: "Try again later or another server." };
  if (code >= 600 && code < 700) return { title: "Global failure", meaning: "The server says the request cannot succeed anywhere.", advice: "Use another server." };
  return { title: "Unknown code", meaning: "This code is not defined for STUN/TURN.", advice: "Look at the error text the browser gave." };
}

/**
 * Explains one icecandidateerror. `gatheredFromServer` says whether this server still produced a
 * candidate (from another local address), which makes the error non-fatal.
 */
export function readCandidateError(input: CandidateErrorInput, context: { gatheredFromServer: boolean }): CandidateErrorReading {
  const code = Number.isInteger(input.errorCode) ? input.errorCode : 0;
  const known = KNOWN[code] ?? byRange(code);
  const impact = context.gatheredFromServer || code === 438 || code === 300 ? "non-fatal" : "fatal-for-server";
  return { code, title: known.title, meaning: known.meaning, advice: known.advice, impact };
}

/** All codes with a specific reading (for the lesson table and the tests). */
export const EXPLAINED_CANDIDATE_ERROR_CODES: readonly number[] = Object.keys(KNOWN).map(Number);

/**
 * What an icecandidateerror says, for a log line: the browser's own text, or where it gives none
 * (Firefox leaves errorText empty) the code's name, so the line never ends on nothing.
 */
export function candidateErrorText(input: Pick<CandidateErrorInput, "errorCode" | "errorText">): string {
  if (input.errorText) return input.errorText;
  return `${readCandidateError(input, { gatheredFromServer: false }).title} (the browser gave no text)`;
}
