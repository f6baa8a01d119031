/**
 * Annotates a real SDP offer or answer line by line: what kind of line it is, what it means in
 * plain words, which section it belongs to (the session part, or media section N in the order of
 * the m= lines, the same N as a candidate's sdpMLineIndex), and for a=candidate lines the link ID
 * of the candidate's row in the candidate table. Media sections are grouped so the page can fold them.
 */
import { parseCandidate } from "../ice/candidate.ts";
import { splitPriority } from "../ice/priority.ts";
import { candidateLinkId } from "./candidate-link.ts";
import { ATTRIBUTE_EXPLANATIONS, FIELD_EXPLANATIONS } from "./explanations.ts";

export interface AnnotatedLine {
  /** 1-based line number in the description. */
  number: number;
  text: string;
  kind: string;
  explanation: string;
  reference?: string;
  /** "session" for lines before the first m=, otherwise the media section index (0-based). */
  section: "session" | number;
  /** For a=candidate lines: the ID shared with the candidate table row. */
  candidateId?: string;
}

export interface SdpSection {
  section: "session" | number;
  /** One-line summary for the folded view, e.g. "0 · application (data channel) · mid 0". */
  summary: string;
  media?: string;
  mid?: string;
  direction?: string;
  /** Port 0 in the m= line: the answerer refused this section. */
  rejected: boolean;
  candidateCount: number;
  lines: AnnotatedLine[];
}

export interface AnnotatedSdp {
  sections: SdpSection[];
  lines: AnnotatedLine[];
}

function explainCandidate(value: string): { kind: string; explanation: string; reference: string; candidateId?: string } {
  const candidateId = candidateLinkId(value);
  try {
    const c = parseCandidate(value);
    const split = splitPriority(c.priority);
    const related =
      c.relatedAddress !== undefined && c.relatedAddress !== null
        ? ` It was derived from ${c.relatedAddress}:${String(c.relatedPort ?? "?")} (raddr/rport).`
        : "";
    const typeWords: Record<string, string> = {
      host: "an address of this device's own network interface",
      srflx: "this device's address as a STUN server saw it from outside the NAT (server reflexive)",
      prflx: "an address learnt from a connectivity check (peer reflexive)",
      relay: "an address on a TURN server that relays traffic (relayed)",
    };
    return {
      kind: "candidate",
      explanation:
        `ICE candidate (${c.type}): ${typeWords[c.type] ?? c.type}, ${c.protocol.toUpperCase()} ${c.address}:${c.port}, component ${c.component}, foundation ${c.foundation}.` +
        ` Priority ${c.priority} = 2^24×${split.typePreference} (type preference) + 2^8×${split.localPreference} (local preference) + (256 − ${split.componentId}).${related}`,
      reference: "RFC 8839 §5.1, RFC 8445 §5.1.2.1",
      ...(candidateId ? { candidateId } : {}),
    };
  } catch (error) {
    return {
      kind: "candidate",
      explanation: `ICE candidate line this page could not parse: ${error instanceof Error ? error.message : String(error)}`,
      reference: "RFC 8839 §5.1",
      ...(candidateId ? { candidateId } : {}),
    };
  }
}

function annotateLine(text: string): Omit<AnnotatedLine, "number" | "section"> {
  const match = /^([a-z])=(.*)$/u.exec(text);
  if (!match) return { text, kind: "unknown", explanation: "Not an SDP line (SDP lines look like x=value)." };
  const [, field = "", value = ""] = match;
  if (field !== "a") {
    const explain = FIELD_EXPLANATIONS[field];
    return explain ? { text, ...explain(value) } : { text, kind: `field-${field}`, explanation: `The "${field}=" field, not used by WebRTC.` };
  }
  const colon = value.indexOf(":");
  const name = colon === -1 ? value : value.slice(0, colon);
  const attributeValue = colon === -1 ? "" : value.slice(colon + 1);
  if (name === "candidate") return { text, ...explainCandidate(value) };
  const explain = Object.hasOwn(ATTRIBUTE_EXPLANATIONS, name) ? ATTRIBUTE_EXPLANATIONS[name] : undefined;
  return explain
    ? { text, ...explain(attributeValue) }
    : { text, kind: "attribute", explanation: `Attribute "${name}"; this page has no explanation for it yet.` };
}

function summarise(section: SdpSection): string {
  if (section.section === "session") return "Session: applies to every media section";
  const media = section.media === "application" ? "application (data channel)" : (section.media ?? "?");
  const parts = [`${section.section} · ${media}`];
  if (section.mid !== undefined) parts.push(`mid ${section.mid}`);
  if (section.direction !== undefined) parts.push(section.direction);
  if (section.rejected) parts.push("rejected");
  parts.push(`${section.candidateCount} candidate${section.candidateCount === 1 ? "" : "s"}`);
  return parts.join(" · ");
}

export function annotateSdp(sdp: string): AnnotatedSdp {
  const sections: SdpSection[] = [];
  let current: SdpSection = { section: "session", summary: "", rejected: false, candidateCount: 0, lines: [] };
  sections.push(current);
  let mediaIndex = -1;
  const rawLines = sdp.split(/\r?\n/u);
  if (rawLines[rawLines.length - 1] === "") rawLines.pop();

  rawLines.forEach((text, i) => {
    if (text.startsWith("m=")) {
      mediaIndex += 1;
      const [media, port] = text.slice(2).split(/\s+/u);
      current = { section: mediaIndex, summary: "", rejected: port === "0", candidateCount: 0, lines: [] };
      if (media !== undefined) current.media = media;
      sections.push(current);
    }
    const line: AnnotatedLine = { number: i + 1, section: current.section, ...annotateLine(text) };
    if (line.kind === "mid") current.mid = text.slice("a=mid:".length);
    if (line.kind === "direction") current.direction = text.slice(2);
    if (line.kind === "candidate") current.candidateCount += 1;
    current.lines.push(line);
  });
  for (const section of sections) section.summary = summarise(section);
  return { sections, lines: sections.flatMap((s) => s.lines) };
}
