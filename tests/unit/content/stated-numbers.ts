/**
 * Helpers for the tests that read a number out of a lesson or glossary entry and check it against
 * the code that defines it (numbers-stun-turn-ice, stun-turn-constants, glossary-numbers).
 */
import { expect } from "vitest";

/** The captures of `pattern` in `text`, or a failed expectation naming what was looked for. */
export function capture(text: string, pattern: RegExp, what: string): string[] {
  const match = pattern.exec(text);
  expect(match, `the text states ${what} (${String(pattern)})`).not.toBeNull();
  return match ? match.slice(1).map((group) => group ?? "") : [];
}

/** "0x4000" or "4000" as hexadecimal. */
export const hex = (text: string): number => Number.parseInt(text.replace(/^0x/iu, ""), 16);

/** "1,694,498,815" as a number. */
export const grouped = (digits: string): number => Number(digits.replace(/,/gu, ""));
