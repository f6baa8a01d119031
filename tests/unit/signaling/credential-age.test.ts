import { describe, expect, it } from "vitest";
import { credentialsAging, msUntilAging } from "../../../src/demos/two-tab/credential-age.ts";

describe("the age of a page's TURN credentials", () => {
  // Fetched at t = 1,000,000 ms with the default TURN_CREDENTIAL_TTL of one hour.
  const fetchedAt = 1_000_000;
  const expiresAt = fetchedAt + 3_600_000;

  it("counts as aging from three quarters of the lifetime, well before the server refuses them", () => {
    expect(credentialsAging(fetchedAt, expiresAt, fetchedAt)).toBe(false);
    expect(credentialsAging(fetchedAt, expiresAt, fetchedAt + 2_699_999)).toBe(false);
    expect(credentialsAging(fetchedAt, expiresAt, fetchedAt + 2_700_000)).toBe(true);
    expect(credentialsAging(fetchedAt, expiresAt, expiresAt + 1)).toBe(true);
  });

  it("says how long until then, never less than nothing", () => {
    expect(msUntilAging(fetchedAt, expiresAt, fetchedAt)).toBe(2_700_000);
    expect(msUntilAging(fetchedAt, expiresAt, fetchedAt + 2_000_000)).toBe(700_000);
    expect(msUntilAging(fetchedAt, expiresAt, expiresAt + 60_000)).toBe(0);
  });

  it("scales with the lifetime the operator chose (the shortest allowed is 60 s)", () => {
    expect(msUntilAging(0, 60_000, 0)).toBe(45_000);
    expect(credentialsAging(0, 60_000, 44_999)).toBe(false);
    expect(credentialsAging(0, 60_000, 45_000)).toBe(true);
  });
});
