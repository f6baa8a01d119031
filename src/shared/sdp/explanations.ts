/**
 * What each SDP line means, in plain words, for the lines browsers put in WebRTC offers and
 * answers (RFC 8866 for the fields, RFC 8829 JSEP for how WebRTC uses them, the attribute's own
 * RFC otherwise). Each entry takes the line's value so the explanation can quote the real numbers.
 */

export interface Explanation {
  kind: string;
  explanation: string;
  /** The RFC (and section) that defines the line, for "read more". */
  reference?: string;
}

type Explain = (value: string) => Explanation;

const DIRECTIONS: Record<string, string> = {
  sendrecv: "this side both sends and receives media on this section",
  sendonly: "this side only sends on this section",
  recvonly: "this side only receives on this section",
  inactive: "no media flows on this section in either direction",
};

export const FIELD_EXPLANATIONS: Record<string, Explain> = {
  v: () => ({ kind: "version", explanation: "SDP version. Always 0.", reference: "RFC 8866 §5.1" }),
  o: (value) => {
    const [user, sessionId, version, , , address] = value.split(/\s+/u);
    return {
      kind: "origin",
      explanation: `Origin: who made this description. Session ID ${sessionId ?? "?"} stays the same for the whole call; version ${version ?? "?"} goes up each time this side renegotiates. Browsers put a placeholder user (${user ?? "-"}) and address (${address ?? "?"}), not a real one.`,
      reference: "RFC 8866 §5.2",
    };
  },
  s: () => ({ kind: "session-name", explanation: 'Session name. WebRTC does not use it; browsers write "-".', reference: "RFC 8866 §5.3" }),
  t: () => ({ kind: "timing", explanation: "Start and stop time. 0 0 means the session is not bounded in time.", reference: "RFC 8866 §5.9" }),
  c: (value) => ({
    kind: "connection",
    explanation: `Connection address (${value}). With ICE this is only a placeholder: the real addresses are in the candidates.`,
    reference: "RFC 8866 §5.7",
  }),
  b: (value) => ({ kind: "bandwidth", explanation: `Bandwidth limit: ${value}.`, reference: "RFC 8866 §5.8" }),
  m: (value) => {
    const [media, port, proto, ...formats] = value.split(/\s+/u);
    const rejected = port === "0";
    const what = media === "application" ? "a data channel (SCTP over DTLS)" : `${media ?? "?"} media`;
    return {
      kind: "media",
      explanation: rejected
        ? `Media section for ${what}, rejected (port 0): nothing flows here.`
        : `Start of a media section: ${what} over ${proto ?? "?"}. Port ${port ?? "?"} is a placeholder; ICE finds the real path. Formats: ${formats.join(" ") || "none"}.`,
      reference: "RFC 8866 §5.14",
    };
  },
};

export const ATTRIBUTE_EXPLANATIONS: Record<string, Explain> = {
  group: (value) => ({
    kind: "bundle-group",
    explanation: value.startsWith("BUNDLE")
      ? `BUNDLE: the sections with mids ${value.slice(6).trim() || "(none)"} share one transport, so ICE only has to find one path.`
      : `Groups media sections: ${value}.`,
    reference: "RFC 9143",
  }),
  "extmap-allow-mixed": () => ({ kind: "extmap-allow-mixed", explanation: "RTP header extensions may use one-byte and two-byte forms in the same stream.", reference: "RFC 8285 §6" }),
  "msid-semantic": () => ({ kind: "msid-semantic", explanation: "Legacy line announcing media stream IDs (msid). Ignored by current browsers.", reference: "RFC 8830" }),
  "ice-ufrag": (value) => ({
    kind: "ice-ufrag",
    explanation: `ICE username fragment "${value}". Connectivity checks carry it so each side knows a check belongs to this session.`,
    reference: "RFC 8839 §5.4",
  }),
  "ice-pwd": () => ({
    kind: "ice-pwd",
    explanation: "ICE password. Connectivity checks are signed with it (STUN MESSAGE-INTEGRITY), which is why only the two peers can complete them.",
    reference: "RFC 8839 §5.4",
  }),
  "ice-options": (value) => ({
    kind: "ice-options",
    explanation: value.includes("trickle")
      ? "ice-options:trickle: this side sends candidates as it finds them instead of waiting for all of them."
      : `ICE options: ${value}.`,
    reference: "RFC 8840",
  }),
  "ice-lite": () => ({ kind: "ice-lite", explanation: "This side runs ICE lite: it only answers checks, never starts them.", reference: "RFC 8445 §2.5" }),
  fingerprint: (value) => ({
    kind: "fingerprint",
    explanation: `Hash (${value.split(" ")[0] ?? "?"}) of this side's DTLS certificate. The DTLS handshake must present exactly this certificate, which ties the encryption to this signaling exchange.`,
    reference: "RFC 8122 §5",
  }),
  setup: (value) => ({
    kind: "dtls-setup",
    explanation: `DTLS role: ${value}. "actpass" (in offers) lets the answerer choose; "active" starts the DTLS handshake, "passive" waits for it.`,
    reference: "RFC 8842 §5",
  }),
  mid: (value) => ({ kind: "mid", explanation: `Media ID "${value}": the name of this section. Candidates and BUNDLE refer to it.`, reference: "RFC 9143" }),
  "sctp-port": (value) => ({ kind: "sctp-port", explanation: `SCTP port ${value} inside the DTLS connection, for data channels (not a UDP port).`, reference: "RFC 8841 §5" }),
  "max-message-size": (value) => ({ kind: "max-message-size", explanation: `Largest data channel message this side accepts: ${value} bytes.`, reference: "RFC 8841 §6" }),
  sctpmap: () => ({ kind: "sctpmap", explanation: "Old-style SCTP mapping for data channels (pre-RFC 8841).", reference: "draft-ietf-mmusic-sctp-sdp-05" }),
  rtcp: (value) => ({ kind: "rtcp", explanation: `RTCP address ${value}; placeholder when rtcp-mux is used.`, reference: "RFC 3605" }),
  "rtcp-mux": () => ({ kind: "rtcp-mux", explanation: "RTP and RTCP share one port, so ICE needs one component per section.", reference: "RFC 8035" }),
  "rtcp-rsize": () => ({ kind: "rtcp-rsize", explanation: "Reduced-size RTCP packets are allowed.", reference: "RFC 5506" }),
  rtpmap: (value) => ({ kind: "rtpmap", explanation: `Payload type ${value.split(" ")[0] ?? "?"} means codec ${value.split(" ")[1] ?? "?"}.`, reference: "RFC 8866 §6.6" }),
  fmtp: (value) => ({ kind: "fmtp", explanation: `Codec parameters for payload type ${value.split(" ")[0] ?? "?"}.`, reference: "RFC 8866 §6.15" }),
  "rtcp-fb": (value) => ({ kind: "rtcp-fb", explanation: `RTCP feedback for payload type ${value.split(" ")[0] ?? "?"}: ${value.split(" ").slice(1).join(" ")}.`, reference: "RFC 4585" }),
  extmap: (value) => ({ kind: "extmap", explanation: `RTP header extension ${value.split(" ")[0] ?? "?"}: ${value.split(" ")[1] ?? "?"}.`, reference: "RFC 8285" }),
  ssrc: (value) => ({ kind: "ssrc", explanation: `Synchronisation source ${value.split(" ")[0] ?? "?"}: the ID of one RTP stream this side will send.`, reference: "RFC 5576" }),
  "ssrc-group": (value) => ({ kind: "ssrc-group", explanation: `Related RTP streams (${value.split(" ")[0] ?? "?"}), e.g. a video stream and its retransmissions.`, reference: "RFC 5576" }),
  msid: (value) => ({ kind: "msid", explanation: `Media stream and track IDs (${value}): tells the other side which stream this track belongs to.`, reference: "RFC 8830" }),
  "end-of-candidates": () => ({ kind: "end-of-candidates", explanation: "No more candidates will follow for this section.", reference: "RFC 8840 §4.1" }),
  rid: (value) => ({ kind: "rid", explanation: `Restriction ID ${value}: one simulcast layer.`, reference: "RFC 8851" }),
  simulcast: (value) => ({ kind: "simulcast", explanation: `Simulcast layers: ${value}.`, reference: "RFC 8853" }),
  "bundle-only": () => ({ kind: "bundle-only", explanation: "This section is used only inside the BUNDLE group.", reference: "RFC 9143" }),
};

for (const [direction, meaning] of Object.entries(DIRECTIONS)) {
  ATTRIBUTE_EXPLANATIONS[direction] = () => ({ kind: "direction", explanation: `Direction: ${meaning}.`, reference: "RFC 8866 §6.7" });
}
