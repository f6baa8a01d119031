import { describe, expect, it } from "vitest";
import { candidateErrorText, EXPLAINED_CANDIDATE_ERROR_CODES, readCandidateError } from "../../../src/shared/ice/candidate-error.ts";

describe("readCandidateError", () => {
  it("explains the codes users meet most", () => {
    expect(EXPLAINED_CANDIDATE_ERROR_CODES).toEqual(expect.arrayContaining([300, 400, 401, 403, 437, 438, 486, 500, 508, 701]));
    expect(readCandidateError({ errorCode: 401 }, { gatheredFromServer: false })).toMatchObject({ title: "Unauthorized", impact: "fatal-for-server" });
    expect(readCandidateError({ errorCode: 401 }, { gatheredFromServer: false }).advice).toMatch(/secret|clock/u);
    expect(readCandidateError({ errorCode: 403 }, { gatheredFromServer: false }).title).toBe("Forbidden");
    expect(readCandidateError({ errorCode: 437 }, { gatheredFromServer: false }).title).toBe("Allocation Mismatch");
    expect(readCandidateError({ errorCode: 486 }, { gatheredFromServer: false }).title).toBe("Allocation Quota Reached");
    expect(readCandidateError({ errorCode: 508 }, { gatheredFromServer: false }).title).toBe("Insufficient Capacity");
  });

  it("701 is the browser's own 'no answer' code and non-fatal when candidates still arrived", () => {
    const r = readCandidateError({ errorCode: 701, errorText: "STUN binding request timed out." }, { gatheredFromServer: true });
    expect(r.title).toMatch(/not a server code/u);
    expect(r.meaning).toMatch(/outside the STUN range/u);
    expect(r.impact).toBe("non-fatal");
    expect(readCandidateError({ errorCode: 701 }, { gatheredFromServer: false }).impact).toBe("fatal-for-server");
  });

  it("438 Stale Nonce is a retry, not a failure", () => {
    expect(readCandidateError({ errorCode: 438 }, { gatheredFromServer: false }).impact).toBe("non-fatal");
  });

  it.each([
    [399, "Redirect"],
    [499, "Request refused"],
    [599, "Server problem"],
    [699, "Global failure"],
    [42, "Unknown code"],
    [Number.NaN, "Unknown code"],
  ])("falls back to the class of code %d", (code, title) => {
    const r = readCandidateError({ errorCode: code }, { gatheredFromServer: false });
    expect(r.title).toBe(title);
  });
});

describe("candidateErrorText", () => {
  it("is the browser's text, or the code's name where the browser gives none (Firefox)", () => {
    expect(candidateErrorText({ errorCode: 486, errorText: "TURN allocate error." })).toBe("TURN allocate error.");
    expect(candidateErrorText({ errorCode: 486, errorText: "" })).toBe("Allocation Quota Reached (the browser gave no text)");
    expect(candidateErrorText({ errorCode: 999 })).toBe("Unknown code (the browser gave no text)");
  });
});
