import { describe, expect, it } from "vitest";
import { exportSession } from "../../../src/demos/two-tab/export.ts";
import { INSPECT_REPORT_FORMAT } from "../../../src/demos/inspect/export.ts";
import { MAX_SESSION_FILE_BYTES, readSessionFile, sessionFileSchema, sessionFileSizeError, type SessionFile, type SessionFileResult } from "../../../src/demos/two-tab/session-file.ts";
import { RESTART_REQUEST_TYPE } from "../../../src/demos/two-tab/ice-restart.ts";
import { STATS_HISTORY_LIMIT } from "../../../src/demos/two-tab/stats-history.ts";
import { annotateSdp } from "../../../src/shared/sdp/annotate.ts";
import { SESSION } from "./two-tab-session-fixture.ts";

const EXPORTED_AT = "2026-11-23T21:00:00.000Z";
const exported = (maskAddresses: boolean): string => exportSession(SESSION, { maskAddresses, exportedAt: EXPORTED_AT });

function session(result: SessionFileResult): SessionFile {
  if (!result.ok) throw new Error(`expected a session, got ${result.error.kind}: ${result.error.message}`);
  return result.session;
}

/** The error of a file built from the exported one, changed by `edit`. */
function errorOf(edit: (json: Record<string, unknown>) => unknown): { kind: string; message: string } {
  const json = JSON.parse(exported(false)) as Record<string, unknown>;
  const result = readSessionFile(JSON.stringify(edit(json) ?? json));
  if (result.ok) throw new Error("expected an error");
  return result.error;
}

describe("the session file schema and exportSession agree", () => {
  it("validates what exportSession writes, masked and unmasked", () => {
    for (const mask of [false, true]) {
      const parsed = sessionFileSchema.safeParse(JSON.parse(exported(mask)));
      expect(parsed.error?.issues ?? []).toEqual([]);
      expect(parsed.data?.masked).toBe(mask);
    }
  });
});

describe("a session recorded in Firefox", () => {
  it("keeps the counters Firefox does not report absent, and the fields it does not report marked", () => {
    const [pair] = SESSION.pairs;
    const [host, srflx, ...rest] = SESSION.candidates;
    if (!pair || !host || !srflx) throw new Error("the fixture has a pair and two local candidates");
    const firefoxPair = { ...pair };
    delete firefoxPair.requestsSent;
    delete firefoxPair.requestsReceived;
    delete firefoxPair.responsesSent;
    const firefoxSrflx = { ...srflx };
    delete firefoxSrflx.url;
    const json = exportSession({ ...SESSION, pairs: [firefoxPair], candidates: [host, { ...firefoxSrflx, notReported: ["url"] }, ...rest] }, { maskAddresses: false, exportedAt: EXPORTED_AT });
    const file = session(readSessionFile(json));
    expect(file.pairs[0]?.requestsSent).toBeUndefined();
    expect(file.pairs[0]?.responsesReceived).toBe(pair.responsesReceived);
    expect(file.candidates[1]?.notReported).toEqual(["url"]);
  });
});

describe("readSessionFile", () => {
  it("reads a masked export whose timeline text grew past the channel's limit by masking", () => {
    // Short addresses masked from the tenth on become a character longer (1.2.3.4 -> x.x.x.10):
    // a label cut to the 200-character limit when recorded is longer than that once masked.
    const addresses = Array.from({ length: 24 }, (_, n) => `1.2.${String(3 + Math.floor(n / 9))}.${String((n % 9) + 1)}`);
    const label = `${addresses.join(" ")} `.padEnd(200, "x");
    expect(label).toHaveLength(200);
    const [first, ...rest] = SESSION.timeline;
    if (!first) throw new Error("the fixture has a timeline");
    const json = exportSession({ ...SESSION, timeline: [{ ...first, label, detail: label.repeat(10) }, ...rest] }, { maskAddresses: true, exportedAt: EXPORTED_AT });
    const file = session(readSessionFile(json));
    expect(file.timeline[0]?.label.length).toBeGreaterThan(200);
    expect(file.timeline[0]?.label).toContain("x.x.x.24");
  });

  it("reads a pair end's TCP type and related address, and opens files saved before they were written", () => {
    const withFields = JSON.parse(exported(false)) as { pairs: { local: Record<string, unknown> }[] };
    const end = withFields.pairs[0]?.local;
    if (!end) throw new Error("the fixture has a pair");
    Object.assign(end, { tcpType: "passive", relatedAddress: "192.0.2.10", relatedPort: 50000 });
    expect(session(readSessionFile(JSON.stringify(withFields))).pairs[0]?.local).toMatchObject({ tcpType: "passive", relatedAddress: "192.0.2.10", relatedPort: 50000 });
    // The fixture's own pairs have neither, as every file saved before this field existed.
    expect(session(readSessionFile(exported(false))).pairs[0]?.local).not.toHaveProperty("tcpType");
    expect(errorOf((json) => Object.assign((json["pairs"] as { local: Record<string, unknown> }[])[0]?.local ?? {}, { relatedPort: 70000 }) && json).message).toContain("pairs[0].local.relatedPort");
  });

  it("keeps a run's note (who made an ICE restart's offer, how it ended), and opens files saved before runs had one", () => {
    const restart = { n: 2, kind: "ice-restart" as const, settings: "all candidates, trickle", connectMs: 64, startedAt: 5_000, note: "offered by the other tab; ended when the other tab's new pair carried data: this tab still sends on the old pair" };
    const json = exportSession({ ...SESSION, runs: [...SESSION.runs, restart] }, { maskAddresses: false, exportedAt: EXPORTED_AT });
    expect(session(readSessionFile(json)).runs[1]).toEqual(restart);
    expect(session(readSessionFile(exported(false))).runs[0]).not.toHaveProperty("note");
  });

  it("keeps why a run stopped before its last step, and refuses a reason longer than the demo writes", () => {
    const stopped = { n: 2, kind: "ice-restart" as const, settings: "all candidates, trickle", startedAt: 5_000, stopped: "replaced by run 3" };
    const json = exportSession({ ...SESSION, runs: [...SESSION.runs, stopped] }, { maskAddresses: false, exportedAt: EXPORTED_AT });
    expect(session(readSessionFile(json)).runs[1]).toEqual(stopped);
    const tooLong = readSessionFile(exportSession({ ...SESSION, runs: [{ ...stopped, stopped: "x".repeat(201) }] }, { maskAddresses: false, exportedAt: EXPORTED_AT }));
    expect(tooLong.ok).toBe(false);
  });

  it("keeps the DTLS transport's state, opens files saved before it was written, and refuses a state that does not exist", () => {
    const json = exportSession({ ...SESSION, dtlsState: "connected" }, { maskAddresses: true, exportedAt: EXPORTED_AT });
    expect(session(readSessionFile(json)).dtlsState).toBe("connected");
    expect(session(readSessionFile(exported(false)))).not.toHaveProperty("dtlsState");
    expect(readSessionFile(json.replace('"dtlsState": "connected"', '"dtlsState": "up"')).ok).toBe(false);
  });

  it("keeps the ICE restart request among the signaling messages, both ways, masked or not; files without one open as before", () => {
    const requests = [
      { side: "local", at: 5_000, kind: "signal", label: `${RESTART_REQUEST_TYPE} to the Firefox tab`, message: { direction: "sent", type: RESTART_REQUEST_TYPE, size: 2 } },
      { side: "remote", at: 5_004, kind: "signal", label: `${RESTART_REQUEST_TYPE} from the other tab`, message: { direction: "received", type: RESTART_REQUEST_TYPE, size: 2 } },
    ] as const;
    for (const maskAddresses of [false, true]) {
      const json = exportSession({ ...SESSION, timeline: [...SESSION.timeline, ...requests] }, { maskAddresses, exportedAt: EXPORTED_AT });
      expect(session(readSessionFile(json)).timeline.slice(-2)).toEqual(requests);
    }
    expect(session(readSessionFile(exported(false))).timeline.some((event) => event.message?.type === RESTART_REQUEST_TYPE)).toBe(false);
  });

  it("reads an unmasked export back as the demo had it", () => {
    const file = session(readSessionFile(exported(false)));
    expect(file).toMatchObject({ format: "webrtc-through-nats/two-tab-session", version: 1, exportedAt: EXPORTED_AT, masked: false, roomId: SESSION.roomId, role: "impolite", connectionState: "connected" });
    expect(file.localSdp).toBe(SESSION.localSdp);
    expect(file.candidates).toEqual(SESSION.candidates);
    // The pair priority travels as a decimal string and comes back as the same BigInt.
    expect(file.pairs[0]?.priority).toBe(SESSION.pairs[0]?.priority);
    expect(typeof file.pairs[0]?.priority).toBe("bigint");
    expect(file.selectedPair).toBe("P1");
    expect(file.why).toBe(SESSION.why);
    expect(file.runs).toEqual(SESSION.runs);
    expect(file.timeline).toEqual(SESSION.timeline);
  });

  it("reads a masked export, and its candidates still link to their SDP lines", () => {
    const text = exported(true);
    expect(text).not.toContain('"linkId"');
    const file = session(readSessionFile(text));
    expect(file.masked).toBe(true);
    expect(file.candidates.map((c) => c.address)).toEqual([expect.stringMatching(/^x\.x\.x\.\d+$/u), expect.stringMatching(/^x\.x\.x\.\d+$/u), expect.stringMatching(/^x:x::\d+$/u)]);
    // A masked file carries no link IDs: worked out again from the masked candidate, they match
    // the masked description's a=candidate lines (one masker, the same placeholder everywhere).
    for (const side of ["local", "remote"] as const) {
      const lines = new Set(annotateSdp((side === "local" ? file.localSdp : file.remoteSdp) ?? "").lines.flatMap((l) => (l.candidateId ? [l.candidateId] : [])));
      const ids = file.candidates.filter((c) => c.side === side).map((c) => c.linkId);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect(lines).toContain(id);
    }
  });

  it("ignores unknown extra fields, at the top and inside rows", () => {
    const file = session(
      readSessionFile(
        JSON.stringify({ ...(JSON.parse(exported(false)) as Record<string, unknown>), comment: "from a newer demo", candidates: SESSION.candidates.map((c) => ({ ...c, newColumn: 1 })) }),
      ),
    );
    expect(file).not.toHaveProperty("comment");
    expect(file.candidates[0]).not.toHaveProperty("newColumn");
  });

  it("does not let the file choose a candidate's link ID (it becomes an HTML id)", () => {
    const file = session(readSessionFile(JSON.stringify({ ...(JSON.parse(exported(false)) as Record<string, unknown>), candidates: SESSION.candidates.map((c) => ({ ...c, linkId: "main-content" })) })));
    expect(file.candidates.map((c) => c.linkId)).toEqual(SESSION.candidates.map((c) => c.linkId));
  });
});

describe("the stats history in a file", () => {
  it("reads back the samples and marks the demo wrote, masked or not: masking has nothing to change in them", () => {
    expect(SESSION.statsHistory?.samples.length).toBeGreaterThan(2);
    for (const mask of [false, true]) {
      const file = session(readSessionFile(exported(mask)));
      expect(file.statsHistory).toEqual(SESSION.statsHistory);
    }
  });

  it("opens a file saved before the demo kept a history (no statsHistory field)", () => {
    const json = JSON.parse(exported(false)) as Record<string, unknown>;
    delete json["statsHistory"];
    const file = session(readSessionFile(JSON.stringify(json)));
    expect(file.statsHistory).toBeUndefined();
    expect(file.runs).toEqual(SESSION.runs);
  });

  it("names the field of a bad value: a negative rate, an unknown mark, a time that is no date, too many samples", () => {
    const history = (json: Record<string, unknown>): { samples: Record<string, unknown>[]; marks: Record<string, unknown>[] } =>
      json["statsHistory"] as { samples: Record<string, unknown>[]; marks: Record<string, unknown>[] };
    const error = errorOf((json) => {
      const { samples, marks } = history(json);
      return { ...json, statsHistory: { samples: samples.map((s, i) => (i === 2 ? { ...s, receivedBytesPerSecond: -5 } : s)), marks: [{ ...marks[0], kind: "reboot" }] } };
    });
    expect(error.kind).toBe("invalid");
    expect(error.message).toContain("“statsHistory.samples[2].receivedBytesPerSecond”: Too small");
    expect(error.message).toContain("“statsHistory.marks[0].kind”");
    expect(errorOf((json) => ({ ...json, statsHistory: { ...history(json), samples: [{ at: 1e20 }] } })).message).toContain("“statsHistory.samples[0].at”: Too big");
    expect(errorOf((json) => ({ ...json, statsHistory: { ...history(json), samples: "none" } })).message).toBe(
      "This session file has missing or invalid fields: “statsHistory.samples”: expected array, found string.",
    );
    const tooMany = Array.from({ length: STATS_HISTORY_LIMIT + 1 }, (_, i) => ({ at: i * 1000 }));
    expect(errorOf((json) => ({ ...json, statsHistory: { marks: [], samples: tooMany } })).message).toContain("“statsHistory.samples”: Too big");
  });
});

describe("readSessionFile errors", () => {
  it("not JSON", () => {
    const result = readSessionFile("v=0\r\no=- 1 2 IN IP4 192.0.2.1");
    expect(result).toMatchObject({ ok: false, error: { kind: "not-json" } });
    expect(result.ok ? "" : result.error.message).toMatch(/^This is not JSON/u);
  });

  it("JSON that is not a session: another format, no format, not an object", () => {
    expect(errorOf((json) => ({ ...json, format: "chrome-webrtc-internals" }))).toEqual({
      kind: "wrong-format",
      message: "This JSON is not a two-tab session saved by the demo: its “format” is \"chrome-webrtc-internals\", where a session says “webrtc-through-nats/two-tab-session”.",
    });
    expect(errorOf((json) => ({ ...json, format: undefined }))).toMatchObject({ kind: "wrong-format", message: expect.stringContaining("it has no “format” field") as unknown });
    expect(errorOf(() => [1, 2])).toMatchObject({ kind: "wrong-format", message: expect.stringContaining("it is an array, not an object") as unknown });
  });

  it("a report the inspect page saved: says where it came from and that this page does not open it", () => {
    expect(errorOf(() => ({ format: INSPECT_REPORT_FORMAT, candidates: [] }))).toEqual({
      kind: "wrong-format",
      message: "This is a report from the inspect page (/inspect/), not a session from the two-tab demo. This page opens only files the two-tab demo saved; a report is plain JSON, to read in any text editor.",
    });
  });

  it("a version this page does not read", () => {
    expect(errorOf((json) => ({ ...json, version: 2 }))).toEqual({ kind: "unsupported-version", message: "This session file is version 2; this page reads version 1." });
    expect(errorOf((json) => ({ ...json, version: undefined }))).toEqual({ kind: "unsupported-version", message: "This session file is a file with no “version”; this page reads version 1." });
  });

  it("a missing field, named", () => {
    expect(errorOf((json) => ({ ...json, connectionState: undefined }))).toEqual({
      kind: "invalid",
      message: "This session file has missing or invalid fields: “connectionState”: missing (expected string).",
    });
  });

  it("invalid fields, named with their place in the file", () => {
    const error = errorOf((json) => {
      const candidates = json["candidates"] as Record<string, unknown>[];
      return { ...json, masked: "yes", candidates: [{ ...candidates[0], port: "50000" }, { ...candidates[1], type: "teredo" }] };
    });
    expect(error.kind).toBe("invalid");
    expect(error.message).toContain("“candidates[0].port”: expected number, found string");
    expect(error.message).toContain("“candidates[1].type”");
    expect(error.message).toContain("“masked”: expected boolean, found string");
  });

  it("a pair priority that is not a whole number", () => {
    const error = errorOf((json) => ({ ...json, pairs: (json["pairs"] as Record<string, unknown>[]).map((p) => ({ ...p, priority: "12e3" })) }));
    expect(error).toEqual({ kind: "invalid", message: "This session file has missing or invalid fields: “pairs[0].priority”: a pair priority is a whole number written as a string." });
  });

  it("lists at most three problems and counts the rest", () => {
    const error = errorOf((json) => ({ ...json, why: 1, runs: "none", stats: null, iceServers: [1], connectionState: false }));
    expect(error.message).toMatch(/; and 2 more\.$/u);
  });

  it("too large: checked before reading, and on pasted text before parsing", () => {
    expect(sessionFileSizeError(MAX_SESSION_FILE_BYTES)).toBeUndefined();
    expect(sessionFileSizeError(MAX_SESSION_FILE_BYTES + 1)).toEqual({
      kind: "too-large",
      message: "This file is 5.0 MB; a saved session is at most 5.0 MB (a real one is tens of kilobytes), so it was not read.",
    });
    expect(sessionFileSizeError(12 * 1024 * 1024)?.message).toMatch(/^This file is 12\.0 MB/u);
    // Not JSON either, but the size is what is reported: it was never parsed.
    expect(readSessionFile("x".repeat(MAX_SESSION_FILE_BYTES + 1))).toMatchObject({ ok: false, error: { kind: "too-large" } });
    // Counted in UTF-8 bytes: under the cap in characters, over it in bytes.
    expect(readSessionFile("é".repeat(MAX_SESSION_FILE_BYTES / 2 + 1))).toMatchObject({ ok: false, error: { kind: "too-large" } });
  });
});
