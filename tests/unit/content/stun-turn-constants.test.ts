/**
 * Constants the STUN and TURN lessons (and their glossary entries) state, checked against the code the
 * built-in server runs: TURN lifetimes against TurnLifetimesSchema's defaults (RFC 8656 §7.2, §9, §12),
 * STUN codes and sizes against server/stun (RFC 8489 §5, §14), and the order of the trailing
 * attributes against what StunMessageBuilder writes. A lesson that drifts from the RFC value, or code
 * that does, fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GLOSSARY_DIR, LESSON_DIR, splitFrontmatter } from "./content-files.ts";
import { capture, hex } from "./stated-numbers.ts";
import { TurnLifetimesSchema } from "../../../server/turn/config.ts";
import { ATTRIBUTE_NAMES, AttributeType, HEADER_LENGTH, StunClass, StunMethod, isComprehensionRequired } from "../../../server/stun/constants.ts";
import { decodeStunMessage, encodeMessageType } from "../../../server/stun/message.ts";
import { StunMessageBuilder } from "../../../server/stun/builder.ts";
import { Username } from "../../../server/stun/attributes/username.ts";
import { MESSAGE_INTEGRITY_LENGTH } from "../../../server/stun/attributes/message-integrity.ts";
import { FINGERPRINT_XOR } from "../../../server/stun/attributes/fingerprint.ts";
import { MAGIC_COOKIE } from "../../../src/shared/stun/xor.ts";

const lesson = (slug: string): string => splitFrontmatter(readFileSync(join(LESSON_DIR, `${slug}.mdx`), "utf8")).body;
const glossary = (slug: string): string => readFileSync(join(GLOSSARY_DIR, `${slug}.md`), "utf8");



describe("TURN lifetimes match the server's defaults", () => {
  const lifetimes = TurnLifetimesSchema.parse({});
  const turn = lesson("turn");

  it("states the allocation's default lifetime and the server's cap", () => {
    const [minutes = ""] = capture(turn, /By default an allocation lasts (\d+) minutes/u, "the default allocation lifetime");
    expect(Number(minutes) * 60).toBe(lifetimes.allocationDefault);
    for (const [, seconds = ""] of turn.matchAll(/LIFETIME (\d+)/gu)) {
      if (seconds !== "0") expect(Number(seconds), "LIFETIME in the diagram").toBe(lifetimes.allocationDefault);
    }
    const [cap = ""] = capture(turn, /coturn's default cap, and this site's, is (\d+) seconds/u, "the lifetime cap");
    expect(Number(cap)).toBe(lifetimes.allocationMax);
    const [glossaryMinutes = ""] = capture(glossary("turn-allocation"), /It lasts (\d+) minutes\s+by default/u, "the default lifetime");
    expect(Number(glossaryMinutes) * 60).toBe(lifetimes.allocationDefault);
  });

  it("states the permission lifetime, in seconds and in minutes", () => {
    const [seconds = ""] = capture(turn, /A permission lasts exactly (\d+) seconds/u, "the permission lifetime");
    expect(Number(seconds)).toBe(lifetimes.permission);
    const [minutes = ""] = capture(turn, /before the (\d+) minutes are up/u, "the permission lifetime in minutes");
    expect(Number(minutes) * 60).toBe(lifetimes.permission);
    const [glossarySeconds = ""] = capture(glossary("turn-permission"), /it lasts (\d+) seconds unless refreshed/u, "the permission lifetime");
    expect(Number(glossarySeconds)).toBe(lifetimes.permission);
  });

  it("states the channel binding lifetime", () => {
    const [minutes = ""] = capture(turn, /A binding lasts (\d+) minutes/u, "the channel lifetime");
    expect(Number(minutes) * 60).toBe(lifetimes.channel);
    const [glossaryMinutes = ""] = capture(glossary("turn-channel"), /A binding lasts (\d+) minutes/u, "the channel lifetime");
    expect(Number(glossaryMinutes) * 60).toBe(lifetimes.channel);
  });
});

describe("STUN codes and sizes match server/stun", () => {
  const stun = lesson("stun");

  it("gives the header size, the cookie and the transaction ID size", () => {
    const [size = ""] = capture(stun, /Every STUN message starts with the same (\d+)-byte header/u, "the header size");
    expect(Number(size)).toBe(HEADER_LENGTH);
    const [cookie = ""] = capture(stun, /\[magic cookie\]\([^)]+\) \| always (0x[0-9A-F]{8}) \|/u, "the magic cookie row");
    expect(hex(cookie)).toBe(MAGIC_COOKIE);
    const [bits = ""] = capture(stun, /\| (\d+) random bits chosen by the client \|/u, "the transaction ID size");
    expect(Number(bits)).toBe((HEADER_LENGTH - 8) * 8);
    for (const slug of ["magic-cookie", "xor-mapped-address"]) expect(glossary(slug), slug).toContain(`0x${MAGIC_COOKIE.toString(16).toUpperCase()}`);
    expect(glossary("xor-mapped-address")).toContain(`0x${(MAGIC_COOKIE >>> 16).toString(16)}`);
  });

  it("gives the first bytes a STUN message can have (every method the server knows, every class)", () => {
    const [low = "", high = ""] = capture(stun, /A first byte from (\d+) to (\d+) can only\s+be STUN/u, "the STUN first-byte range");
    for (const method of Object.values(StunMethod)) {
      for (const cls of Object.values(StunClass)) {
        const first = encodeMessageType(method, cls) >> 8;
        expect(first, `method ${String(method)} class ${String(cls)}`).toBeGreaterThanOrEqual(Number(low));
        expect(first, `method ${String(method)} class ${String(cls)}`).toBeLessThanOrEqual(Number(high));
      }
    }
  });

  it("gives XOR-MAPPED-ADDRESS its type code and the comprehension-required boundary", () => {
    const [type = ""] = capture(stun, /\(type (0x[0-9A-F]{4}), \[RFC 8489 §14\.2\]/u, "the XOR-MAPPED-ADDRESS type");
    expect(hex(type)).toBe(AttributeType.XOR_MAPPED_ADDRESS);
    const [boundary = ""] = capture(stun, /Attribute types below (0x[0-9A-F]{4}) are \*comprehension-required\*/u, "the boundary");
    expect(isComprehensionRequired(hex(boundary) - 1)).toBe(true);
    expect(isComprehensionRequired(hex(boundary))).toBe(false);
    const [requiredLow = "", requiredHigh = "", optionalLow = "", optionalHigh = ""] = capture(
      glossary("stun-attribute"),
      /Types (0x[0-9A-F]{4})-(0x[0-9A-F]{4}) are comprehension-required[\s\S]*Types (0x[0-9A-F]{4})-(0x[0-9A-F]{4}) are comprehension-optional/u,
      "the two ranges",
    );
    expect([hex(requiredLow), hex(requiredHigh), hex(optionalLow), hex(optionalHigh)]).toEqual([0, hex(boundary) - 1, hex(boundary), 0xffff]);
  });

  it("works out the padded size of a 5-byte USERNAME as the codec writes it", () => {
    const [value = "", field = "", header = "", padded = "", total = ""] = capture(
      stun,
      /a (\d+)-byte USERNAME has length (\d+) and occupies (\d+) \+ (\d+) = (\d+)\s+bytes/u,
      "the padding example",
    );
    const bytes = new StunMessageBuilder(StunMethod.binding, StunClass.request, new Uint8Array(12)).add(Username, "x".repeat(Number(value))).build();
    expect(bytes.length - HEADER_LENGTH).toBe(Number(total));
    expect(Number(header) + Number(padded)).toBe(Number(total));
    expect((bytes[HEADER_LENGTH + 2] ?? 0) * 256 + (bytes[HEADER_LENGTH + 3] ?? 0)).toBe(Number(field));
  });

  it("names the trailing attributes in the order the builder writes them, with their sizes and constant", () => {
    const [first = "", last = ""] = capture(stun, /come last when present, in this order: ([A-Z-]+), then ([A-Z-]+)/u, "the order of the last two attributes");
    const bytes = new StunMessageBuilder(StunMethod.binding, StunClass.request, new Uint8Array(12))
      .add(Username, "abcd:efgh")
      .build({ integrityKey: new Uint8Array(16), fingerprint: true });
    const decoded = decodeStunMessage(bytes);
    expect(decoded.ok).toBe(true);
    const names = decoded.ok ? decoded.message.attributes.map((a) => ATTRIBUTE_NAMES[a.type]) : [];
    expect(names.slice(-2)).toEqual([first, last]);
    const [integrity = ""] = capture(stun, /MESSAGE-INTEGRITY\]\([^)]+\) is an HMAC-SHA1 over the message up to that point,\s+(\d+) bytes/u, "the MESSAGE-INTEGRITY size");
    expect(Number(integrity)).toBe(MESSAGE_INTEGRITY_LENGTH);
    const [xor = ""] = capture(stun, /FINGERPRINT is a CRC-32 of the message up to that point, XOR-ed with (0x[0-9A-F]{8})/u, "the FINGERPRINT constant");
    expect(hex(xor)).toBe(FINGERPRINT_XOR);
    expect(glossary("stun-fingerprint")).toContain(xor);
  });
});
