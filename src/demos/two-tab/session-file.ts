/**
 * The file the two-tab demo's "Download the session as JSON" writes and the saved session viewer
 * (/demo/session/) opens: format "webrtc-through-nats/two-tab-session", version 1.
 *
 * One schema serves both sides: export.ts is typed by what the schema accepts, the viewer parses
 * with it, so writer and reader cannot drift apart. Readers share these files (a phone-laptop
 * session sent to a friend, a bug report), so to the viewer a file is untrusted input: every field
 * is checked here, unknown extra fields are dropped, and an error says which field is wrong.
 */
import { z } from "../../shared/zod.ts";
import { candidateLinkId } from "../../shared/sdp/candidate-link.ts";
import { INSPECT_REPORT_FORMAT } from "../inspect/export.ts";
import { timelineEventSchema } from "../../shared/timeline/model.ts";
import { statsHistorySchema } from "./stats-history.ts";

export const SESSION_FILE_FORMAT = "webrtc-through-nats/two-tab-session";
export const SESSION_FILE_VERSION = 1;
/** A real session is tens of kilobytes; anything past this is not one, and is not read at all. */
export const MAX_SESSION_FILE_BYTES = 5 * 1024 * 1024;

const count = z.number().int().min(0);
/** How much longer than the channel's limits a timeline text may be in a file (see `timeline`). */
const MAX_MASKED_TEXT = 2;
const port = z.number().int().min(0).max(65535);

const experimentsSchema = z.object({
  relayOnly: z.boolean(),
  dropHost: z.boolean(),
  dropSrflx: z.boolean(),
  trickle: z.boolean(),
});

/**
 * A candidate table row (candidates.ts CandidateRow). The link ID is worked out again from the
 * candidate itself: a masked file leaves it out, and an ID becomes an HTML id on the page, so
 * the file does not get to choose it.
 */
const candidateSchema = z
  .object({
    linkId: z.string().optional(),
    side: z.enum(["local", "remote"]),
    type: z.enum(["host", "srflx", "prflx", "relay"]),
    protocol: z.string(),
    address: z.string(),
    port,
    relatedAddress: z.string().optional(),
    relatedPort: port.optional(),
    foundation: z.string(),
    component: z.number().int(),
    priority: z.number(),
    typePreference: z.number(),
    localPreference: z.number(),
    componentId: z.number(),
    tcpType: z.string().optional(),
    url: z.string().optional(),
    relayProtocol: z.string().optional(),
    /** Server fields the browser's own stats left out (Firefox: every URL). */
    notReported: z.array(z.enum(["url", "relayProtocol"])).optional(),
    atMs: z.number().optional(),
    sent: z.boolean().optional(),
    source: z.enum(["trickle", "sdp", "stats"]),
    raw: z.string(),
  })
  .transform((row) => ({ ...row, linkId: candidateLinkId(row.raw) ?? "cand-unknown" }));

/**
 * One end of a candidate pair as getStats() reported it (pairs.ts PairCandidate). The TCP type
 * and related address came later (the pair matrix needs them for candidates only the stats
 * show): optional, so files saved before still open.
 */
const pairCandidateSchema = z.object({
  id: z.string(),
  type: z.string(),
  address: z.string().optional(),
  port: port.optional(),
  protocol: z.string().optional(),
  priority: z.number().optional(),
  url: z.string().optional(),
  relayProtocol: z.string().optional(),
  tcpType: z.string().optional(),
  relatedAddress: z.string().optional(),
  relatedPort: port.optional(),
});

/**
 * RFC 8445 §6.1.2.3 pair priorities reach 2^64 - 1, past a JSON number's exact range: a BigInt
 * in the page, a decimal string in the file.
 */
const PAIR_PRIORITY_ERROR = "a pair priority is a whole number written as a string";
const pairPrioritySchema = z.union([z.bigint(), z.string().regex(/^\d{1,20}$/u).transform((digits) => BigInt(digits))], { error: PAIR_PRIORITY_ERROR });

const pairSchema = z.object({
  id: z.string(),
  state: z.string(),
  nominated: z.boolean(),
  selected: z.boolean(),
  local: pairCandidateSchema,
  remote: pairCandidateSchema,
  priority: pairPrioritySchema.optional(),
  // Absent when the browser does not report them (Firefox: all but responsesReceived).
  requestsSent: count.optional(),
  responsesReceived: count.optional(),
  requestsReceived: count.optional(),
  responsesSent: count.optional(),
  rttMs: z.number().optional(),
  bytesSent: count,
  bytesReceived: count,
});

const runSchema = z.object({
  n: z.number().int().min(1),
  kind: z.enum(["connect", "ice-restart"]),
  settings: z.string(),
  connectMs: z.number().optional(),
  channelMs: z.number().optional(),
  startedAt: z.number(),
  /** Who made an ICE restart's offer, and how it ended, where that needs saying (absent in older files). */
  note: z.string().max(300).optional(),
  /** Why the run ended before its last step (absent in older files, and when it did not). */
  stopped: z.string().max(200).optional(),
});

/** A getStats() entry: only what every entry has is checked; the rest is kept as it came. */
const statsEntrySchema = z.looseObject({ id: z.string(), type: z.string() });

/** What the demo records of a session (session.ts exportJson). */
export const sessionBodySchema = z.object({
  roomId: z.string().optional(),
  /** Perfect-negotiation role, chosen by the signaling server. */
  role: z.enum(["polite", "impolite"]).optional(),
  experiments: experimentsSchema,
  iceServers: z.array(z.string()),
  connectionState: z.string(),
  /** The DTLS transport's state when the file was saved (absent in older files, and before there was one). */
  dtlsState: z.enum(["new", "connecting", "connected", "closed", "failed"]).optional(),
  localSdp: z.string().optional(),
  remoteSdp: z.string().optional(),
  candidates: z.array(candidateSchema),
  pairs: z.array(pairSchema),
  /** The stats ID of the selected pair, one of `pairs`. */
  selectedPair: z.string().optional(),
  /** The demo's sentence on why the selected pair won. */
  why: z.string(),
  runs: z.array(runSchema),
  // The channel between tabs takes exactly these fields; a file may carry more (ignored). Masking
  // can lengthen an address by a character or two (1.1.1.1 -> x.x.x.10), so a label or detail
  // at the channel's limit may be a little over it in a masked file.
  timeline: z.array(
    z.object({ ...timelineEventSchema.shape, label: z.string().max(MAX_MASKED_TEXT * 200), detail: z.string().max(MAX_MASKED_TEXT * 2000).optional() }),
  ),
  stats: z.array(statsEntrySchema),
  /**
   * The live stats graphs' samples and marks (stats-history.ts). Optional: files saved before the
   * demo kept a history open without one. Numbers and words only, so masking leaves it as it is.
   */
  statsHistory: statsHistorySchema.optional(),
});

export const sessionFileSchema = sessionBodySchema.extend({
  format: z.literal(SESSION_FILE_FORMAT),
  version: z.literal(SESSION_FILE_VERSION),
  exportedAt: z.string(),
  masked: z.boolean(),
});

/** What the demo hands to exportSession. */
export type SessionBody = z.input<typeof sessionBodySchema>;
/** The whole file as written (before JSON: pair priorities still BigInts). */
export type SessionFileInput = z.input<typeof sessionFileSchema>;
/** A file as the viewer has it after parsing. */
export type SessionFile = z.output<typeof sessionFileSchema>;
/** Rows as the panels draw them (panels.ts): the demo's own rows fit these types too. */
export type SavedCandidate = SessionFile["candidates"][number];
export type SavedPair = SessionFile["pairs"][number];
export type SavedRun = SessionFile["runs"][number];

export type SessionFileErrorKind = "too-large" | "not-json" | "wrong-format" | "unsupported-version" | "invalid";

export interface SessionFileError {
  kind: SessionFileErrorKind;
  /** One or two sentences for the reader. */
  message: string;
}

export type SessionFileResult = { ok: true; session: SessionFile } | { ok: false; error: SessionFileError };

const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** The size check, done on a File's size before reading it, and on pasted text. */
export function sessionFileSizeError(bytes: number): SessionFileError | undefined {
  if (bytes <= MAX_SESSION_FILE_BYTES) return undefined;
  return {
    kind: "too-large",
    message: `This file is ${megabytes(bytes)}; a saved session is at most ${megabytes(MAX_SESSION_FILE_BYTES)} (a real one is tens of kilobytes), so it was not read.`,
  };
}

function utf8Length(text: string): number {
  // Each UTF-16 unit is one to three UTF-8 bytes: only text near the cap needs counting.
  if (text.length > MAX_SESSION_FILE_BYTES || text.length * 3 <= MAX_SESSION_FILE_BYTES) return text.length;
  return new TextEncoder().encode(text).length;
}

/** A value from the file, quoted and shortened for a message. */
function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** ["candidates", 0, "raw"] → "candidates[0].raw" */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out === "" ? String(key) : `${out}.${String(key)}`), "");
}

const MAX_LISTED_ISSUES = 3;

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => `“${fieldPath(issue.path)}”: ${issue.message}`);
  const more = issues.length - listed.length;
  return `This session file has missing or invalid fields: ${listed.join("; ")}${more > 0 ? `; and ${more} more` : ""}.`;
}

/**
 * Reads a saved session from the text of a file (or pasted JSON). Checked in the order a reader
 * can act on: size, JSON at all, the right kind of file, a version this page reads, then every field.
 */
export function readSessionFile(text: string): SessionFileResult {
  const tooLarge = sessionFileSizeError(utf8Length(text));
  if (tooLarge) return { ok: false, error: tooLarge };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { kind: "not-json", message: `This is not JSON, so not a saved session (${reason}).` } };
  }
  const header = data !== null && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  // The inspect page also offers a JSON download: a reader who saved one may well bring it here.
  if (header?.["format"] === INSPECT_REPORT_FORMAT) {
    return {
      ok: false,
      error: {
        kind: "wrong-format",
        message: "This is a report from the inspect page (/inspect/), not a session from the two-tab demo. This page opens only files the two-tab demo saved; a report is plain JSON, to read in any text editor.",
      },
    };
  }
  if (header?.["format"] !== SESSION_FILE_FORMAT) {
    const found = header === undefined ? `it is ${Array.isArray(data) ? "an array" : quote(data)}, not an object` : "format" in header ? `its “format” is ${quote(header["format"])}` : "it has no “format” field";
    return { ok: false, error: { kind: "wrong-format", message: `This JSON is not a two-tab session saved by the demo: ${found}, where a session says “${SESSION_FILE_FORMAT}”.` } };
  }
  if (header["version"] !== SESSION_FILE_VERSION) {
    const found = "version" in header ? `version ${quote(header["version"])}` : "a file with no “version”";
    return { ok: false, error: { kind: "unsupported-version", message: `This session file is ${found}; this page reads version ${SESSION_FILE_VERSION}.` } };
  }
  const parsed = sessionFileSchema.safeParse(data, {
    error: (issue) => {
      if (issue.code !== "invalid_type") return undefined;
      const found = issue.input === null ? "null" : Array.isArray(issue.input) ? "an array" : typeof issue.input;
      return issue.input === undefined ? `missing (expected ${issue.expected})` : `expected ${issue.expected}, found ${found}`;
    },
  });
  if (!parsed.success) return { ok: false, error: { kind: "invalid", message: describeIssues(parsed.error.issues) } };
  return { ok: true, session: parsed.data };
}
