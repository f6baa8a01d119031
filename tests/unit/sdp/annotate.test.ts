import { describe, expect, it } from "vitest";
import { annotateSdp } from "../../../src/shared/sdp/annotate.ts";
import { candidateLinkId } from "../../../src/shared/sdp/candidate-link.ts";

/** An answer as Chromium writes it for a data channel plus audio (addresses from RFC 5737). */
const SDP = [
  "v=0",
  "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0 1",
  "a=extmap-allow-mixed",
  "a=msid-semantic: WMS",
  "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
  "c=IN IP4 0.0.0.0",
  "a=candidate:1467250027 1 udp 2122260223 192.0.2.10 46243 typ host generation 0 network-id 1",
  "a=candidate:842163049 1 udp 1686052607 203.0.113.7 61234 typ srflx raddr 192.0.2.10 rport 46243 generation 0",
  "a=ice-ufrag:Xk3p",
  "a=ice-pwd:4ZcEwlzSgM8A1fmPbQyJhJ0S",
  "a=ice-options:trickle",
  "a=fingerprint:sha-256 6B:8B:5A:CD:E2:12:4C:98:B7:AB:36:0B:4D:B1:23:CE:70:2C:42:58:5E:39:A3:6A:9A:0E:DE:90:59:91:E1:DA",
  "a=setup:actpass",
  "a=mid:0",
  "a=sctp-port:5000",
  "a=max-message-size:262144",
  "m=audio 0 UDP/TLS/RTP/SAVPF 111",
  "c=IN IP4 0.0.0.0",
  "a=mid:1",
  "a=inactive",
  "a=rtpmap:111 opus/48000/2",
  "a=x-made-up:1",
  "",
].join("\r\n");

describe("annotateSdp", () => {
  const annotated = annotateSdp(SDP);

  it("keeps every line, numbered from 1, in order", () => {
    expect(annotated.lines.map((l) => l.text)).toEqual(SDP.split("\r\n").slice(0, -1));
    expect(annotated.lines.map((l) => l.number)).toEqual(annotated.lines.map((_, i) => i + 1));
  });

  it("groups the session part and one section per m= line, indexed like sdpMLineIndex", () => {
    expect(annotated.sections.map((s) => s.section)).toEqual(["session", 0, 1]);
    expect(annotated.sections[0]?.lines.every((l) => l.section === "session")).toBe(true);
    expect(annotated.sections[1]?.lines[0]?.text).toBe("m=application 9 UDP/DTLS/SCTP webrtc-datachannel");
    expect(annotated.sections[1]).toMatchObject({ media: "application", mid: "0", rejected: false, candidateCount: 2 });
    expect(annotated.sections[2]).toMatchObject({ media: "audio", mid: "1", direction: "inactive", rejected: true, candidateCount: 0 });
    expect(annotated.sections[1]?.summary).toBe("0 · application (data channel) · mid 0 · 2 candidates");
    expect(annotated.sections[2]?.summary).toContain("rejected");
  });

  it("explains lines in plain words with the real values", () => {
    const byText = (prefix: string) => annotated.lines.find((l) => l.text.startsWith(prefix));
    expect(byText("v=")?.kind).toBe("version");
    expect(byText("o=")?.explanation).toContain("version 2");
    expect(byText("a=group")?.explanation).toContain("0 1");
    expect(byText("a=ice-ufrag")?.explanation).toContain('"Xk3p"');
    expect(byText("a=setup")?.explanation).toContain("actpass");
    expect(byText("a=fingerprint")?.explanation).toContain("sha-256");
    expect(byText("a=sctp-port")?.explanation).toContain("not a UDP port");
    expect(byText("a=inactive")?.kind).toBe("direction");
    expect(byText("m=audio 0")?.explanation).toContain("rejected");
    expect(byText("a=x-made-up")?.kind).toBe("attribute");
    expect(annotated.lines.every((l) => l.explanation.length > 0)).toBe(true);
  });

  it("explains candidates with their priority split and links them to the candidate table", () => {
    const [host, srflx] = annotated.lines.filter((l) => l.kind === "candidate");
    // 2122260223 = 126·2^24 + 32542·2^8 + (256 − 1)   (RFC 8445 §5.1.2.1)
    expect(host?.explanation).toContain("2^24×126");
    expect(host?.explanation).toContain("2^8×32542");
    expect(host?.explanation).toContain("(256 − 1)");
    expect(host?.explanation).toContain("192.0.2.10:46243");
    expect(srflx?.explanation).toContain("server reflexive");
    expect(srflx?.explanation).toContain("192.0.2.10:46243 (raddr/rport)");
    expect(host?.candidateId).toBe(candidateLinkId("candidate:1467250027 1 udp 2122260223 192.0.2.10 46243 typ host"));
    expect(host?.candidateId).not.toBe(srflx?.candidateId);
  });

  it("copes with garbage: bad candidates, non-SDP lines, LF line ends, empty input", () => {
    const odd = annotateSdp("v=0\nhello\na=candidate:broken\nm=video");
    expect(odd.lines.map((l) => l.kind)).toEqual(["version", "unknown", "candidate", "media"]);
    expect(odd.lines[2]?.explanation).toContain("could not parse");
    expect(annotateSdp("").lines).toEqual([]);
    expect(annotateSdp("a=__proto__:x\na=constructor").lines.map((l) => l.kind)).toEqual(["attribute", "attribute"]);
  });
});

describe("candidateLinkId", () => {
  it("is the same for a trickled candidate and its a= line with other extensions", () => {
    const trickled = "candidate:842163049 1 udp 1686052607 203.0.113.7 61234 typ srflx raddr 192.0.2.10 rport 46243 generation 0 ufrag Xk3p network-cost 999";
    const inSdp = "a=candidate:842163049 1 UDP 1686052607 203.0.113.7 61234 typ srflx raddr 192.0.2.10 rport 46243 generation 0";
    expect(candidateLinkId(trickled)).toBe(candidateLinkId(inSdp));
    expect(candidateLinkId(trickled)).toMatch(/^cand-[0-9a-f]{8}$/u);
  });

  it("differs when any mandatory field differs, and is undefined for non-candidates", () => {
    const base = "candidate:1 1 udp 2122260223 192.0.2.10 46243 typ host";
    expect(candidateLinkId(base)).not.toBe(candidateLinkId(base.replace("46243", "46244")));
    expect(candidateLinkId("candidate:1 1 udp")).toBeUndefined();
    expect(candidateLinkId("")).toBeUndefined();
  });
});
