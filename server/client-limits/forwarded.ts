/**
 * The `for=` nodes of an RFC 7239 `Forwarded` header, read from the right: what each proxy on the
 * way says about the node that sent it the request.
 *
 * RFC 7239 §4: "The first element in this list holds information added by the first proxy that
 * implements and uses this header field, and each subsequent element holds information added by
 * each subsequent proxy."
 *
 *     Forwarded         = 1#forwarded-element
 *     forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] )
 *     forwarded-pair    = token "=" value
 *     value             = token / quoted-string
 *
 * §6: node = nodename [ ":" node-port ]; nodename = IPv4address / "[" IPv6address "]" / "unknown"
 * / obfnode, where an obfuscated node starts with "_". As ":" and "[]" are not token characters,
 * an IPv6 address, or any node with a port, is written as a quoted-string (§6.1). §7.1: one list
 * may be split over several header fields, which HTTP joins with commas.
 *
 * Why from the right, and by hand: the elements a trusted proxy appended are the right-most ones,
 * and everything left of them was written by whoever sent the request, who may have written
 * anything, including an unterminated quoted-string meant to swallow the proxy's element when read
 * from the left. Here an element's extent is found from its right end (a closing quote is matched
 * to the nearest unescaped opening quote to its left), so reading the right-most elements never
 * depends on a character to their left.
 */
import { parseIPv4, parseIPv6 } from "../../src/shared/stun/ip-bytes.ts";

/**
 * What one element says of the node it forwarded for. Only an `address` is usable; the others end
 * a walk from the right (client-address.ts):
 * - `unknown`: §6.2, the proxy does not know who sent it the request;
 * - `obfuscated`: §6.3, an identifier a proxy made up to hide the address ("_hidden");
 * - `missing`: the element has no `for` parameter (§5: every parameter is optional);
 * - `malformed`: not what a proxy following RFC 7239 writes (bad syntax, a parameter twice, an
 *   IPv6 address without brackets, an address with a zone, an element too long).
 */
export type ForwardedNode =
  | { readonly kind: "address"; /** Without brackets or port: "192.0.2.43", "2001:db8:cafe::17". */ readonly address: string }
  | { readonly kind: "unknown" | "obfuscated" | "missing" | "malformed" };

/** Longest element read: `for`, `by`, `proto` and a long `host` fit well within it. */
const MAX_ELEMENT_LENGTH = 512;

/** RFC 7230 §3.2.6 tchar. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/u;
const OBFUSCATED = /^_[A-Za-z0-9._-]+$/u;

/**
 * The elements of a Forwarded value from the right, at most `max`, as raw text. A quoted-string
 * is skipped whole (a comma inside it separates nothing); one whose opening quote is missing ends
 * the list with everything left of it as one (malformed) element. Empty elements (", ,") are
 * skipped, as RFC 7230 §7 asks of list recipients, but count towards `max`.
 */
function* elementsFromTheRight(header: string, max: number): Generator<string> {
  let end = header.length;
  let i = end - 1;
  for (let read = 0; read < max; read++) {
    while (i >= 0 && header[i] !== ",") {
      if (header[i] === '"') {
        const open = openingQuote(header, i);
        if (open === undefined) {
          yield header.slice(0, end).trim();
          return;
        }
        i = open;
      }
      i--;
    }
    const element = header.slice(i + 1, end).trim();
    if (element !== "") yield element;
    if (i < 0) return;
    end = i;
    i--;
  }
}

/**
 * The quote that opens the quoted-string closed at `close`: the nearest `"` to its left that is not
 * a quoted-pair (RFC 7230 §3.2.6), i.e. not preceded by an odd number of backslashes.
 */
function openingQuote(text: string, close: number): number | undefined {
  for (let i = close - 1; i >= 0; i--) {
    if (text[i] !== '"') continue;
    let backslashes = 0;
    while (i - backslashes - 1 >= 0 && text[i - backslashes - 1] === "\\") backslashes++;
    if (backslashes % 2 === 0) return i;
  }
  return undefined;
}

/** Splits at `separator` outside quoted-strings, left to right (within one element, whose extent is known). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** RFC 7230 §3.2.6: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE. */
const QUOTED_STRING = /^"((?:[\t\x20\x21\x23-\x5b\x5d-\x7e]|\\[\t\x20-\x7e])*)"$/u;

/** An element's pairs (names lower-cased, quoted values unescaped), or undefined when it is not well-formed. */
function pairsOf(element: string): Map<string, string> | undefined {
  if (element.length > MAX_ELEMENT_LENGTH) return undefined;
  const pairs = new Map<string, string>();
  for (const part of splitOutsideQuotes(element, ";")) {
    // forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] ): a pair may be empty.
    const text = part.trim();
    if (text === "") continue;
    const equals = text.indexOf("=");
    const name = text.slice(0, Math.max(equals, 0)).toLowerCase();
    const raw = text.slice(equals + 1);
    const value = raw.startsWith('"') ? QUOTED_STRING.exec(raw)?.[1]?.replace(/\\(.)/gu, "$1") : TOKEN.test(raw) ? raw : undefined;
    // "Each parameter MUST NOT occur more than once per field-value."
    if (!TOKEN.test(name) || value === undefined || pairs.has(name)) return undefined;
    pairs.set(name, value);
  }
  return pairs;
}

/** A `for` value (§6): node = nodename [ ":" node-port ], the port a number or obfuscated. */
function nodeOf(value: string): ForwardedNode {
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/u.exec(value);
  const colon = value.lastIndexOf(":");
  const [name, port] = bracketed ? [bracketed[1] ?? "", bracketed[2]] : colon === -1 ? [value, undefined] : [value.slice(0, colon), value.slice(colon + 1)];
  if (port !== undefined && !/^\d{1,5}$/u.test(port) && !OBFUSCATED.test(port)) return { kind: "malformed" };
  // "[" IPv6address "]": RFC 3986's IPv6address has no zone ("%eth0").
  if (bracketed) return !name.includes("%") && parseIPv6(name) ? { kind: "address", address: name } : { kind: "malformed" };
  if (name.toLowerCase() === "unknown") return { kind: "unknown" };
  if (OBFUSCATED.test(name)) return { kind: "obfuscated" };
  // An IPv6 address without brackets lands here too, split at its last colon: malformed.
  return parseIPv4(name) ? { kind: "address", address: name } : { kind: "malformed" };
}

/**
 * The `for=` node of each element of a Forwarded value (or of several Forwarded headers, in the
 * order received), from the right, at most `max` elements.
 */
export function* forwardedForFromTheRight(header: string | readonly string[], max: number): Generator<ForwardedNode> {
  const text = typeof header === "string" ? header : header.join(",");
  for (const element of elementsFromTheRight(text, max)) {
    const pairs = pairsOf(element);
    const value = pairs?.get("for");
    yield pairs === undefined ? { kind: "malformed" } : value === undefined ? { kind: "missing" } : nodeOf(value);
  }
}
