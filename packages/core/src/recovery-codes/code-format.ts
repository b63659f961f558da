/**
 * The recovery code's format: 10 symbols of Crockford's base32 alphabet (no `i`, `l`, `o`, `u`),
 * 5 bits each, so 50 bits per code, drawn without modulo bias (GEN-02), and shown in two groups of
 * five for reading and writing down (`7k3m9-q2xwd`).
 *
 * What a user types back is normalised before anything else happens: case, spaces and dashes
 * are dropped, and the letters Crockford reads as digits (`o` → `0`, `i`/`l` → `1`) are mapped,
 * so a code copied by hand from paper still works. Anything else (an emoji, a lone surrogate, a
 * non-string, 1 MB of text) is `invalid_input` or `input_too_long` for field `code`, before any
 * hashing, store access or attempt is spent (REL-07).
 *
 * @module
 * @see https://www.crockford.com/base32.html
 */

import { randomString } from "../crypto/random-string.js";
import { MfaError } from "../errors.js";
import type { RandomSource } from "../ports/clock.js";

/** Crockford's base32 alphabet in lower case: 32 symbols no reader confuses. */
export const RECOVERY_CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
/** Symbols in a recovery code: 10 × 5 bits = 50 bits. */
export const RECOVERY_CODE_LENGTH = 10;
/** Longest text accepted where a recovery code is typed (spaces and dashes included). */
export const MAX_RECOVERY_CODE_INPUT = 64;

const CANONICAL = /^[0-9a-hjkmnp-tv-z]{10}$/;
// ASCII whitespace, the hyphen-minus and the dashes a word processor puts in its place.
const SEPARATORS = /[\s\u2010-\u2015\u2212-]/g;

/** A new code in its canonical form (10 symbols, no dash). */
export function newRecoveryCode(random: RandomSource): string {
  return randomString(RECOVERY_CODE_LENGTH, RECOVERY_CODE_ALPHABET, random);
}

/** A canonical code as it is shown: `xxxxx-xxxxx`. */
export function displayRecoveryCode(canonical: string): string {
  return `${canonical.slice(0, 5)}-${canonical.slice(5)}`;
}

/**
 * The canonical form of what a user typed, or a typed error: `input_too_long` past
 * {@link MAX_RECOVERY_CODE_INPUT} characters (checked first, so a huge string costs one length
 * check), `invalid_input` for anything that is not 10 symbols of the alphabet once normalised.
 */
export function normaliseRecoveryCode(input: unknown): string {
  if (typeof input !== "string") {
    throw new MfaError("invalid_input", { data: { field: "code" } });
  }
  if (input.length > MAX_RECOVERY_CODE_INPUT) {
    throw new MfaError("input_too_long", {
      data: { field: "code", max: MAX_RECOVERY_CODE_INPUT },
    });
  }
  const folded = input
    .replace(SEPARATORS, "")
    .replace(/[A-Z]/g, (c) => c.toLowerCase())
    .replace(/o/g, "0")
    .replace(/[il]/g, "1");
  if (!CANONICAL.test(folded)) {
    throw new MfaError("invalid_input", {
      message: "A recovery code is 10 letters and digits, like 7k3m9-q2xwd.",
      data: { field: "code" },
    });
  }
  return folded;
}
