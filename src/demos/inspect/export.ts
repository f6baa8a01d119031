/**
 * The session as JSON, optionally with every address masked. Masking replaces each distinct address
 * by a stable placeholder that keeps its class ("private-1", "public-1") so the exported report
 * still tells the story without revealing where the reader is.
 */
import { formatCandidate } from "../../shared/ice/candidate.ts";
import { classifyAddress } from "../../shared/net/address-class.ts";
import type { MappingVerdict } from "../../shared/ice/mapping-verdict.ts";
import type { InspectState } from "./session.ts";

/** The `format` of the report this page downloads (not a two-tab session: /demo/session/ says so). */
export const INSPECT_REPORT_FORMAT = "webrtc-through-nats/inspect@1";

export interface ExportOptions {
  mask: boolean;
  userAgent?: string;
  startedAt: string;
  mapping?: MappingVerdict | undefined;
}

function masker(): (address: string) => string {
  const seen = new Map<string, string>();
  const counters = new Map<string, number>();
  return (address) => {
    if (address === "0.0.0.0" || address === "::") return address;
    const existing = seen.get(address);
    if (existing) return existing;
    const kind = classifyAddress(address).kind;
    const n = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, n);
    const placeholder = `${kind}-${n}`;
    seen.set(address, placeholder);
    return placeholder;
  };
}

export function exportSession(state: InspectState, options: ExportOptions): string {
  const mask = options.mask ? masker() : (a: string) => a;
  // Every address the session saw, numbered in order of appearance; replaced in free text longest
  // first so that "10.0.0.10" is not caught by "10.0.0.1".
  const seen = [
    ...new Set([...state.rows.flatMap((r) => [r.parsed.address, r.parsed.relatedAddress ?? ""]), ...state.errors.map((e) => e.address ?? "")]),
  ].filter((a) => a !== "" && a !== "0.0.0.0" && a !== "::");
  if (options.mask) for (const a of seen) mask(a);
  const known = [...seen].sort((a, b) => b.length - a.length);
  const maskText = (text: string): string => {
    if (!options.mask) return text;
    let out = text;
    for (const a of known) out = out.split(a).join(mask(a));
    return out;
  };
  const candidates = state.rows.map((r) => {
    const parsed = { ...r.parsed, address: mask(r.parsed.address) };
    if (r.parsed.relatedAddress !== undefined) parsed.relatedAddress = mask(r.parsed.relatedAddress);
    return {
      atMs: r.atMs,
      type: r.type,
      candidate: formatCandidate(parsed),
      addressClass: r.addressClass.kind,
      priority: r.parts,
      url: r.url === undefined ? null : maskText(r.url),
      relayProtocol: r.relayProtocol ?? null,
    };
  });
  const report = {
    format: INSPECT_REPORT_FORMAT,
    startedAt: options.startedAt,
    userAgent: options.userAgent ?? null,
    masked: options.mask,
    policy: state.policy,
    gatheringState: state.gatheringState,
    gatheringTimeMs: state.completedAtMs ?? null,
    candidates,
    errors: state.errors.map((e) => ({ atMs: e.atMs, errorCode: e.errorCode, errorText: maskText(e.errorText), url: maskText(e.url), address: e.address === null ? null : mask(e.address), reading: e.reading.title })),
    mapping: options.mapping ? { verdict: options.mapping.verdict, confidence: options.mapping.confidence, summary: maskText(options.mapping.summary), evidence: options.mapping.evidence.map(maskText) } : null,
  };
  return JSON.stringify(report, null, 2);
}
