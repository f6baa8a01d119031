/**
 * The session as a JSON download, optionally with IP addresses masked so it can be shared. A
 * masked address keeps its identity inside the file (the same address always becomes the same
 * placeholder, so the reader can still see that a srflx candidate's raddr is a host candidate)
 * but not its value. 0.0.0.0 and loopback are kept: they say nothing about anyone.
 */
import { SESSION_FILE_FORMAT, SESSION_FILE_VERSION, type SessionBody, type SessionFileInput } from "./session-file.ts";

const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/gu;
/** IPv6 in candidates and stats: hex groups with at least two colons (no SDP fingerprints reach this: see maskSdp). */
const IPV6 = /(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/giu;
const MDNS = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.local\b/giu;
const KEEP = new Set(["0.0.0.0", "127.0.0.1", "::", "::1"]);

export interface Masker {
  text(value: string): string;
  sdp(value: string): string;
}

export function createMasker(): Masker {
  const seen = new Map<string, string>();
  const replace = (address: string, make: (n: number) => string): string => {
    if (KEEP.has(address.toLowerCase())) return address;
    const key = address.toLowerCase();
    let masked = seen.get(key);
    if (masked === undefined) {
      masked = make(seen.size + 1);
      seen.set(key, masked);
    }
    return masked;
  };
  const text = (value: string): string =>
    value
      .replace(MDNS, (m) => replace(m, (n) => `masked-${n}.local`))
      .replace(IPV4, (m) => replace(m, (n) => `x.x.x.${n}`))
      // Clock times (21:12:53) look like IPv6 too; a real address has "::", a hex letter or 8 groups.
      .replace(IPV6, (m) => (/::|[a-f]/iu.test(m) || m.split(":").length === 8 ? replace(m, (n) => `x:x::${n}`) : m));
  return {
    text,
    // Only the lines that carry addresses: a=fingerprint's hex pairs must stay as they are.
    sdp: (value) =>
      value
        .split(/(\r?\n)/u)
        .map((line) => (/^(?:a=candidate|c=|o=|a=rtcp:)/u.test(line) ? text(line) : line))
        .join(""),
  };
}

/** Deep-copies plain data, masking addresses in every string (SDP strings line by line). */
export function maskDeep(value: unknown, masker: Masker): unknown {
  if (typeof value === "string") return value.includes("\n") && value.startsWith("v=0") ? masker.sdp(value) : masker.text(value);
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, masker));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskDeep(item, masker)]));
  }
  return value;
}

/** The file's text; its shape is session-file.ts's schema, which the viewer reads it with. */
export function exportSession(session: SessionBody, options: { maskAddresses: boolean; exportedAt: string }): string {
  const data: SessionFileInput = { format: SESSION_FILE_FORMAT, version: SESSION_FILE_VERSION, exportedAt: options.exportedAt, masked: options.maskAddresses, ...session };
  // A link ID is a hash of the candidate, address included: left out of a masked file (a reader
  // works it out again from the masked candidate, see session-file.ts).
  if (options.maskAddresses) data.candidates = data.candidates.map(({ linkId: _linkId, ...rest }) => rest);
  return JSON.stringify(options.maskAddresses ? maskDeep(data, createMasker()) : data, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}
