/**
 * The sample offer in the SDP lesson is hand-written, so it is checked against the rules the lesson
 * teaches: the grammar of the lines it explains, ICE credential lengths (RFC 8839 §5.4), a SHA-256
 * fingerprint of 32 bytes (RFC 8122 §5), BUNDLE naming every mid (RFC 9143), every payload type of
 * the audio m-line defined by an rtpmap, and the prose quoting the same values as the sample.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LESSON_DIR, fencedBlocks, splitFrontmatter } from "./content-files.ts";

const { body } = splitFrontmatter(readFileSync(join(LESSON_DIR, "sdp.mdx"), "utf8"));
const blocks = fencedBlocks(body).filter((block) => block.lang === "text");
const offer = blocks.find((block) => block.content.startsWith("v=0"))?.content.split("\n") ?? [];
const audio = blocks.find((block) => block.content.startsWith("m=audio"))?.content.split("\n") ?? [];

function values(lines: string[], prefix: string): string[] {
  return lines.filter((line) => line.startsWith(prefix)).map((line) => line.slice(prefix.length));
}

const ICE_CHARS = /^[A-Za-z0-9+/]+$/u;

describe("the sample offer in the SDP lesson", () => {
  it("exists, with a session part and a data channel media section", () => {
    expect(offer.length).toBeGreaterThan(10);
    expect(audio.length).toBeGreaterThan(10);
  });

  it("has the session lines in the order RFC 8866 requires", () => {
    expect(offer.slice(0, 4).map((line) => line.slice(0, 2))).toEqual(["v=", "o=", "s=", "t="]);
    expect(offer[0]).toBe("v=0");
    expect(offer[1]).toMatch(/^o=- \d{1,19} \d+ IN IP4 \d+\.\d+\.\d+\.\d+$/u);
    expect(offer[3]).toBe("t=0 0");
  });

  it("uses ICE credentials of legal length and characters, the same in both sections", () => {
    for (const lines of [offer, audio]) {
      const [ufrag = ""] = values(lines, "a=ice-ufrag:");
      const [pwd = ""] = values(lines, "a=ice-pwd:");
      expect(ufrag).toMatch(ICE_CHARS);
      expect(pwd).toMatch(ICE_CHARS);
      expect(ufrag.length).toBeGreaterThanOrEqual(4);
      expect(pwd.length).toBeGreaterThanOrEqual(22);
    }
    expect(values(audio, "a=ice-ufrag:")).toEqual(values(offer, "a=ice-ufrag:"));
    expect(values(audio, "a=ice-pwd:")).toEqual(values(offer, "a=ice-pwd:"));
  });

  it("has a SHA-256 fingerprint of 32 bytes, the same in both sections, and setup actpass", () => {
    const [fingerprint = ""] = values(offer, "a=fingerprint:sha-256 ");
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/u);
    expect(values(audio, "a=fingerprint:sha-256 ")).toEqual([fingerprint]);
    expect(values(offer, "a=setup:")).toEqual(["actpass"]);
    expect(values(audio, "a=setup:")).toEqual(["actpass"]);
  });

  it("names in BUNDLE exactly the mids of its media sections", () => {
    const [group = ""] = values(offer, "a=group:BUNDLE ");
    expect(group.split(" ")).toEqual(values(offer, "a=mid:"));
    expect(body).toContain(`a=group:BUNDLE ${[...values(offer, "a=mid:"), ...values(audio, "a=mid:")].join(" ")}`);
  });

  it("describes the data channel as the lesson explains it", () => {
    expect(offer).toContain("m=application 9 UDP/DTLS/SCTP webrtc-datachannel");
    expect(offer).toContain("c=IN IP4 0.0.0.0");
    expect(offer).toContain("a=sctp-port:5000");
    expect(offer.filter((line) => line.startsWith("a=candidate"))).toEqual([]);
  });

  it("defines every payload type of the audio m-line, and parameters only for listed ones", () => {
    const payloadTypes = (audio[0] ?? "").split(" ").slice(3);
    expect(payloadTypes.length).toBeGreaterThan(0);
    const mapped = values(audio, "a=rtpmap:").map((value) => value.split(" ")[0]);
    expect(mapped).toEqual(payloadTypes);
    for (const prefix of ["a=fmtp:", "a=rtcp-fb:"]) {
      for (const value of values(audio, prefix)) expect(payloadTypes, `${prefix}${value}`).toContain(value.split(" ")[0]);
    }
  });

  it("quotes in the prose the same values the sample contains", () => {
    const prose = body.replace(/```[\s\S]*?```/gu, "");
    expect(prose).toContain(`a=ice-ufrag:${values(offer, "a=ice-ufrag:")[0] ?? "?"}`);
    expect(prose).toContain(`a=ice-pwd:${values(offer, "a=ice-pwd:")[0] ?? "?"}`);
    expect(prose).toContain(offer[1] ?? "?");
    expect(prose).toContain(audio[0] ?? "?");
    const [fingerprint = ""] = values(offer, "a=fingerprint:sha-256 ");
    expect(prose).toContain(`a=fingerprint:sha-256 ${fingerprint.slice(0, 5)}:...:${fingerprint.slice(-2)}`);
  });
});
