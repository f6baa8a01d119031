/**
 * Numbers glossary entries state that the site's code also defines: candidate type preferences and
 * a worked priority against src/shared/ice/priority.ts (RFC 8445 §5.1.2.1, §5.1.2.2), and the TURN
 * channel number range and the first bytes it gives ChannelData against server/stun and
 * server/turn (RFC 8656 §12). An entry that drifts from the code, or code that drifts from the
 * entry, fails here. The lessons' own numbers are checked in numbers-stun-turn-ice.test.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GLOSSARY_DIR } from "./content-files.ts";
import { capture, grouped, hex } from "./stated-numbers.ts";
import { RECOMMENDED_TYPE_PREFERENCE, candidatePriority } from "../../../src/shared/ice/priority.ts";
import { MAX_CHANNEL_NUMBER, MIN_CHANNEL_NUMBER } from "../../../server/stun/attributes/channel-number.ts";
import { classifyPacket } from "../../../server/turn/channel-data.ts";

const glossary = (slug: string): string => readFileSync(join(GLOSSARY_DIR, `${slug}.md`), "utf8");



describe("glossary: candidate priority", () => {
  const text = glossary("candidate-priority");

  it("gives the recommended type preferences RECOMMENDED_TYPE_PREFERENCE holds", () => {
    const [host = "", prflx = "", srflx = "", relay = ""] = capture(
      text,
      /type preferences are (\d+) for host, (\d+) for peer-reflexive, (\d+) for server-reflexive\s+and (\d+) for relayed/u,
      "the four type preferences",
    );
    expect({ host: Number(host), prflx: Number(prflx), srflx: Number(srflx), relay: Number(relay) }).toEqual(RECOMMENDED_TYPE_PREFERENCE);
  });

  it("works out a host priority as candidatePriority does, within the RFC's range", () => {
    const [localPreference = "", priority = ""] = capture(text, /A host\s+candidate with local preference (\d+) gets ([\d,]+)\./u, "the worked host priority");
    expect(grouped(priority)).toBe(candidatePriority(RECOMMENDED_TYPE_PREFERENCE.host, Number(localPreference), 1));
    const [exponent = ""] = capture(text, /from 1 to 2\^(\d+) − 1/u, "the priority range");
    expect(grouped(priority)).toBeLessThanOrEqual(2 ** Number(exponent) - 1);
    expect(candidatePriority(126, 65535, 1)).toBeLessThanOrEqual(2 ** Number(exponent) - 1);
  });
});

describe("glossary: TURN channels", () => {
  const text = glossary("turn-channel");

  it("gives the channel number range server/stun accepts", () => {
    const [low = "", high = ""] = capture(text, /a number from (0x[0-9A-F]{4}) to (0x[0-9A-F]{4})/u, "the channel number range");
    expect([hex(low), hex(high)]).toEqual([MIN_CHANNEL_NUMBER, MAX_CHANNEL_NUMBER]);
  });

  it("gives the first bytes the demultiplexer reads as ChannelData", () => {
    const [first = "", last = ""] = capture(text, /starts with a byte from (\d+) to\s+(\d+)/u, "the first-byte range");
    expect([Number(first), Number(last)]).toEqual([MIN_CHANNEL_NUMBER >> 8, MAX_CHANNEL_NUMBER >> 8]);
    expect(classifyPacket(Number(first))).toBe("channel-data");
    expect(classifyPacket(Number(last))).toBe("channel-data");
    expect(classifyPacket(Number(first) - 1)).not.toBe("channel-data");
    expect(classifyPacket(Number(last) + 1)).not.toBe("channel-data");
  });
});
