/**
 * ICE candidate lines (RFC 8839 §5.1), as browsers hand them out in `RTCIceCandidate.candidate`
 * and in SDP `a=candidate:` lines:
 *
 *   candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP priority SP
 *                         connection-address SP port SP cand-type [SP rel-addr] [SP rel-port]
 *                         *(SP cand-extension)
 *
 * Chromium adds extensions (generation, ufrag, network-id, network-cost); Firefox writes the
 * transport in upper case and adds none. Both are parsed, and formatting gives the same text back.
 */

export type KnownCandidateType = "host" | "srflx" | "prflx" | "relay";

export interface CandidateExtension {
  name: string;
  value: string;
}

export interface ParsedCandidate {
  /** Same foundation = same type, base and server: ICE freezes/unfreezes them together (RFC 8445 §5.1.1.3). */
  foundation: string;
  /** 1 = RTP (the only one with rtcp-mux / BUNDLE), 2 = RTCP. */
  component: number;
  /** Transport as written ("udp" in Chromium, "UDP" in Firefox). */
  protocol: string;
  priority: number;
  /** An IP address, or a `<uuid>.local` mDNS name when the browser hides the host address. */
  address: string;
  port: number;
  /** "host" | "srflx" | "prflx" | "relay" (or an unknown future type, kept as written). */
  type: string;
  /** raddr: the base a reflexive/relayed candidate came from (may be 0.0.0.0 when hidden). */
  relatedAddress?: string;
  relatedPort?: number;
  /** TCP candidates only (RFC 6544): active | passive | so. */
  tcpType?: string;
  generation?: number;
  ufrag?: string;
  networkId?: number;
  networkCost?: number;
  /** Every name/value pair after the type, in the order written (raddr, rport, tcptype, ... included). */
  extensions: CandidateExtension[];
}

export class CandidateParseError extends Error {
  override name = "CandidateParseError";
  readonly input: string;
  /** 0-based character offset in the input where the bad token starts. */
  readonly position: number;
  /** Which field was being read ("port", "priority", ...). */
  readonly field: string;
  constructor(input: string, position: number, field: string, problem: string) {
    super(`Bad ICE candidate: ${problem} (field "${field}", character ${position + 1})`);
    this.input = input;
    this.position = position;
    this.field = field;
  }
}

interface Token {
  text: string;
  start: number;
}

function tokenize(input: string, from: number): Token[] {
  const tokens: Token[] = [];
  const re = /[^ ]+/gu;
  re.lastIndex = from;
  for (let m = re.exec(input); m; m = re.exec(input)) tokens.push({ text: m[0], start: m.index });
  return tokens;
}

const FOUNDATION = /^[A-Za-z0-9+/]{1,32}$/u;
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/u;
const ADDRESS = /^[A-Za-z0-9.:%_-]{1,255}$/u;

function integer(input: string, token: Token | undefined, field: string, max: number, min = 0): number {
  if (!token) throw new CandidateParseError(input, input.length, field, `missing ${field}`);
  if (!/^[0-9]{1,10}$/u.test(token.text)) throw new CandidateParseError(input, token.start, field, `${field} must be a number, found ${JSON.stringify(token.text)}`);
  const value = Number(token.text);
  if (value < min || value > max) throw new CandidateParseError(input, token.start, field, `${field} must be ${min}..${max}, found ${value}`);
  return value;
}

const PREFIX = /^(a=)?(candidate:)?/u;

/** Parses one candidate, with or without the "a=" and "candidate:" prefixes. */
export function parseCandidate(line: string): ParsedCandidate {
  if (typeof line !== "string") throw new CandidateParseError(String(line), 0, "line", "not a string");
  const input = line.replace(/[\r\n]+$/u, "");
  if (input.length > 4096) throw new CandidateParseError(input.slice(0, 64), 4096, "line", "longer than 4096 characters");
  const prefix = PREFIX.exec(input)?.[0] ?? "";
  const tokens = tokenize(input, prefix.length);
  const at = (i: number): Token | undefined => tokens[i];
  if (tokens.length === 0) throw new CandidateParseError(input, prefix.length, "foundation", "empty candidate");

  const foundationToken = at(0);
  if (!foundationToken || foundationToken.start !== prefix.length || !FOUNDATION.test(foundationToken.text)) {
    throw new CandidateParseError(input, foundationToken?.start ?? prefix.length, "foundation", "foundation must be 1-32 letters, digits, '+' or '/'");
  }
  const component = integer(input, at(1), "component", 256, 1);
  const transport = at(2);
  if (!transport || !TOKEN.test(transport.text)) throw new CandidateParseError(input, transport?.start ?? input.length, "transport", "missing or invalid transport (udp/tcp)");
  const priority = integer(input, at(3), "priority", 2 ** 32 - 1);
  const addressToken = at(4);
  if (!addressToken || !ADDRESS.test(addressToken.text)) throw new CandidateParseError(input, addressToken?.start ?? input.length, "address", "missing or invalid connection address");
  const port = integer(input, at(5), "port", 65535);
  const typ = at(6);
  if (!typ || typ.text !== "typ") throw new CandidateParseError(input, typ?.start ?? input.length, "typ", `expected "typ", found ${JSON.stringify(typ?.text ?? "end of line")}`);
  const typeToken = at(7);
  if (!typeToken || !TOKEN.test(typeToken.text)) throw new CandidateParseError(input, typeToken?.start ?? input.length, "type", "missing candidate type");

  const parsed: ParsedCandidate = {
    foundation: foundationToken.text,
    component,
    protocol: transport.text,
    priority,
    address: addressToken.text,
    port,
    type: typeToken.text,
    extensions: [],
  };
  for (let i = 8; i < tokens.length; i += 2) {
    const name = tokens[i] as Token;
    const value = tokens[i + 1];
    if (!value) throw new CandidateParseError(input, name.start, name.text, `extension ${JSON.stringify(name.text)} has no value`);
    if (!TOKEN.test(name.text)) throw new CandidateParseError(input, name.start, "extension", `invalid extension name ${JSON.stringify(name.text)}`);
    if (parsed.extensions.some((e) => e.name === name.text)) throw new CandidateParseError(input, name.start, name.text, `${name.text} appears twice`);
    parsed.extensions.push({ name: name.text, value: value.text });
    switch (name.text) {
      case "raddr":
        if (!ADDRESS.test(value.text)) throw new CandidateParseError(input, value.start, "raddr", "invalid related address");
        parsed.relatedAddress = value.text;
        break;
      case "rport":
        parsed.relatedPort = integer(input, value, "rport", 65535);
        break;
      case "tcptype":
        parsed.tcpType = value.text;
        break;
      case "generation":
        parsed.generation = integer(input, value, "generation", 2 ** 32 - 1);
        break;
      case "ufrag":
        parsed.ufrag = value.text;
        break;
      case "network-id":
        parsed.networkId = integer(input, value, "network-id", 2 ** 32 - 1);
        break;
      case "network-cost":
        parsed.networkCost = integer(input, value, "network-cost", 2 ** 32 - 1);
        break;
      default:
        break;
    }
  }
  return parsed;
}

const NAMED: readonly [string, keyof ParsedCandidate][] = [
  ["raddr", "relatedAddress"],
  ["rport", "relatedPort"],
  ["tcptype", "tcpType"],
  ["generation", "generation"],
  ["ufrag", "ufrag"],
  ["network-id", "networkId"],
  ["network-cost", "networkCost"],
];

export interface FormatOptions {
  /** "candidate:" (RTCIceCandidate.candidate, the default), "a=candidate:" (SDP) or "" (bare). */
  prefix?: "candidate:" | "a=candidate:" | "";
}

/**
 * Writes a candidate back as text. Extensions keep their original order; the named fields win over
 * the stored extension values, so a changed (e.g. masked) relatedAddress is what gets written.
 */
export function formatCandidate(c: ParsedCandidate, options: FormatOptions = {}): string {
  const named = new Map<string, string>();
  for (const [name, key] of NAMED) {
    const value = c[key];
    if (value !== undefined) named.set(name, String(value));
  }
  const tail: string[] = [];
  const written = new Set<string>();
  for (const ext of c.extensions) {
    const isNamed = NAMED.some(([name]) => name === ext.name);
    if (isNamed && !named.has(ext.name)) continue;
    tail.push(ext.name, named.get(ext.name) ?? ext.value);
    written.add(ext.name);
  }
  for (const [name, value] of named) if (!written.has(name)) tail.push(name, value);
  const prefix = options.prefix ?? "candidate:";
  return `${prefix}${[c.foundation, c.component, c.protocol, c.priority, c.address, c.port, "typ", c.type, ...tail].join(" ")}`;
}

/** Type guard for the four types RFC 8445 defines. */
export function isKnownCandidateType(type: string): type is KnownCandidateType {
  return type === "host" || type === "srflx" || type === "prflx" || type === "relay";
}
