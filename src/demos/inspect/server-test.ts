/**
 * The ICE server tester's pure parts: reading the URL the reader typed (RFC 7064 stun:/stuns:,
 * RFC 7065 turn:/turns:), and turning what one gathering run produced into a verdict with evidence.
 */
import { parseCandidate } from "../../shared/ice/candidate.ts";
import { readCandidateError } from "../../shared/ice/candidate-error.ts";

export interface IceUrl {
  scheme: "stun" | "stuns" | "turn" | "turns";
  host: string;
  port: number;
  transport?: "udp" | "tcp";
  url: string;
}

export type IceUrlResult = { ok: true; value: IceUrl } | { ok: false; error: string };

const URL_RE = /^(stuns?|turns?):(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?(?:\?transport=(udp|tcp))?$/u;

export function parseIceUrl(text: string): IceUrlResult {
  const url = text.trim();
  if (url === "") return { ok: false, error: "Enter a URL such as turn:turn.example.org:3478?transport=udp or stun:stun.example.org:3478." };
  if (url.length > 512) return { ok: false, error: "That URL is too long." };
  const m = URL_RE.exec(url);
  if (!m) {
    if (!/^(stuns?|turns?):/u.test(url)) return { ok: false, error: "The URL must start with stun:, stuns:, turn: or turns: (no // after the colon)." };
    return { ok: false, error: "Write it as scheme:host[:port][?transport=udp|tcp], e.g. turn:203.0.113.10:3478?transport=udp." };
  }
  const scheme = m[1] as IceUrl["scheme"];
  if (m[4] !== undefined && scheme.startsWith("stun")) return { ok: false, error: "stun: URLs take no ?transport= part (RFC 7064)." };
  const secure = scheme.endsWith("s");
  const port = m[3] === undefined ? (secure ? 5349 : 3478) : Number(m[3]);
  if (port < 1 || port > 65535) return { ok: false, error: "The port must be 1-65535." };
  const value: IceUrl = { scheme, host: (m[2] ?? "").replace(/^\[|\]$/gu, ""), port, url };
  if (m[4] !== undefined) value.transport = m[4] as "udp" | "tcp";
  return { ok: true, value };
}

export type ServerVerdictKind = "reachable" | "authentication-failed" | "no-relay-candidate" | "timed-out" | "error";

export interface ServerTestObservation {
  url: IceUrl;
  policy: "all" | "relay";
  /** Candidate strings gathered in this run (only this server was configured). */
  candidates: readonly string[];
  errors: readonly { errorCode: number; errorText?: string | undefined; address?: string | null | undefined }[];
  /** Our own deadline passed before gathering completed. */
  timedOut: boolean;
  elapsedMs: number;
}

export interface ServerVerdict {
  verdict: ServerVerdictKind;
  /** Human text of the verdict, e.g. "authentication failed". */
  label: string;
  evidence: string[];
}

export const VERDICT_LABEL: Readonly<Record<ServerVerdictKind, string>> = {
  reachable: "reachable",
  "authentication-failed": "authentication failed",
  "no-relay-candidate": "no relay candidate",
  "timed-out": "timed out",
  error: "error",
};

function typesOf(candidates: readonly string[]): { type: string; text: string }[] {
  const out: { type: string; text: string }[] = [];
  for (const raw of candidates) {
    try {
      const c = parseCandidate(raw);
      out.push({ type: c.type, text: `${c.type} ${c.protocol} ${c.address}:${c.port}${c.relatedAddress ? ` (related ${c.relatedAddress}:${c.relatedPort ?? "?"})` : ""}` });
    } catch {
      // A candidate the parser does not read is shown raw by the page; it does not decide the verdict.
    }
  }
  return out;
}

export function serverVerdict(o: ServerTestObservation): ServerVerdict {
  const seconds = (o.elapsedMs / 1000).toFixed(1);
  const evidence: string[] = [`Asked ${o.url.url} with policy "${o.policy}" for ${seconds} s.`];
  const got = typesOf(o.candidates);
  for (const c of got) evidence.push(`Candidate: ${c.text}`);
  const relayed = got.filter((c) => c.type === "relay");
  const reflexive = got.filter((c) => c.type === "srflx");
  for (const e of o.errors) {
    const reading = readCandidateError(e, { gatheredFromServer: relayed.length + reflexive.length > 0 });
    evidence.push(`icecandidateerror ${e.errorCode} ${reading.title}${e.errorText ? ` ("${e.errorText}")` : ""}${e.address ? ` from local address ${e.address}` : ""}: ${reading.meaning}`);
  }
  const isTurn = o.url.scheme.startsWith("turn");
  const done = (verdict: ServerVerdictKind): ServerVerdict => ({ verdict, label: VERDICT_LABEL[verdict], evidence });

  if (isTurn && relayed.length > 0) {
    evidence.push(`The TURN server allocated ${relayed.length === 1 ? "a relayed address" : `${relayed.length} relayed addresses`}: credentials accepted, relaying available.`);
    return done("reachable");
  }
  if (!isTurn && reflexive.length > 0) {
    evidence.push("The STUN server answered with your public address (server-reflexive candidate).");
    return done("reachable");
  }
  const codes = new Set(o.errors.map((e) => e.errorCode));
  if (isTurn && (codes.has(401) || codes.has(441))) {
    evidence.push("The server rejected the credentials after its challenge: check username and password (or the shared secret and the clock).");
    return done("authentication-failed");
  }
  const serverCodes = [...codes].filter((c) => c >= 300 && c < 700);
  if (serverCodes.length > 0) {
    evidence.push(`The server answered with error ${serverCodes.join(", ")}, so it is reachable but refused the request.`);
    return done(isTurn ? "no-relay-candidate" : "error");
  }
  if (o.timedOut || codes.has(701) || (o.errors.length > 0 && got.length === 0)) {
    evidence.push("No answer from the server: wrong host or port, nothing listening, or UDP blocked on the way.");
    return done("timed-out");
  }
  if (isTurn) {
    evidence.push(reflexive.length > 0 ? "The server answered STUN but gave no relayed address." : "Gathering finished without any relayed candidate and without an error.");
    return done("no-relay-candidate");
  }
  evidence.push("Gathering finished without an error but without a server-reflexive candidate: the server saw the same address your browser uses (no NAT), and the browser drops such duplicates.");
  return done("reachable");
}

/**
 * The browser would not even make a connection with this server: the RTCPeerConnection
 * constructor threw. Firefox refuses ICE servers on the ports it blocks for the web (9, 25, 110
 * and others: its network.security.ports.banned list), where Chromium tries them.
 */
export function refusedVerdict(url: IceUrl, message: string): ServerVerdict {
  const evidence = [`Your browser refused to use ${url.url} before sending anything: “${message}”.`];
  if (/\bport\b/iu.test(message)) {
    evidence.push(`Firefox does not let pages use some ports, ${url.port} among them (like 25 or 110), for ICE servers as for any web request. A STUN/TURN server usually listens on 3478, or 5349 for stuns: and turns:.`);
  }
  return { verdict: "error", label: VERDICT_LABEL.error, evidence };
}
