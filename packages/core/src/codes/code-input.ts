/**
 * Checks of what callers pass to the code service, run before any store access or hashing.
 *
 * Every field has a maximum length (REL-07), so an oversized value costs a length check and
 * nothing more. A code is a string of ASCII digits of exactly the configured length and is
 * never coerced to a number: `"0x1E240"`, `"1.23456e5"`, `"+123456"`, `" 123456"` and
 * full-width `"１２３４５６"` all name 123456 to `Number()` but are not codes.
 *
 * @module
 */

import { MfaError } from "../errors.js";

/** Longest purpose accepted, e.g. `"enrol:sms"`. */
export const MAX_PURPOSE_LENGTH = 64;
/** Longest destination accepted: an E.164 number or an email address. */
export const MAX_DESTINATION_LENGTH = 320;
/** Longest challenge id accepted (generated ids are 25 characters). */
export const MAX_CHALLENGE_ID_LENGTH = 64;

const PURPOSE = /^[a-z0-9:._-]+$/;
const CHALLENGE_ID = /^[A-Za-z0-9_-]+$/;
const ASCII_DIGITS = /^[0-9]+$/;
const E164 = /^\+[1-9][0-9]{1,14}$/;
// Canonical address as the rules module writes it: one "@", no spaces or control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
const EMAIL = /^[^\s@\u0000-\u001f\u007f]+@[^\s@\u0000-\u001f\u007f]+$/;

/**
 * Throws `invalid_input` when `value` is not a non-empty string, `input_too_long` when it is
 * longer than `max` (checked before `accepts` runs), and `invalid_input` with `shape` as the
 * message when `accepts` refuses it.
 */
function assertField(
  value: unknown,
  field: string,
  max: number,
  accepts: (value: string) => boolean,
  shape: string,
): asserts value is string {
  if (typeof value !== "string" || value.length === 0) {
    throw new MfaError("invalid_input", { data: { field } });
  }
  if (value.length > max) throw new MfaError("input_too_long", { data: { field, max } });
  if (!accepts(value)) throw new MfaError("invalid_input", { message: shape, data: { field } });
}

/**
 * Throws `invalid_code_format` unless `code` is a string of exactly `length` ASCII digits.
 * The length is checked first, so a megabyte of input is refused in constant time.
 *
 * @example
 * ```ts
 * assertCodeFormat("012345", 6); // passes: leading zeros are part of the code
 * assertCodeFormat("0x1E24", 6); // throws MfaError("invalid_code_format")
 * ```
 */
export function assertCodeFormat(code: unknown, length: number): asserts code is string {
  if (typeof code !== "string" || code.length !== length || !ASCII_DIGITS.test(code)) {
    throw new MfaError("invalid_code_format", { data: { field: "code", length } });
  }
}

/** Throws unless `purpose` is 1 to 64 characters of `[a-z0-9:._-]`, such as `"enrol:sms"`. */
export function assertPurpose(purpose: unknown): asserts purpose is string {
  assertField(
    purpose,
    "purpose",
    MAX_PURPOSE_LENGTH,
    (v) => PURPOSE.test(v),
    "A purpose is lowercase letters, digits, ':', '.', '_' or '-'.",
  );
}

/**
 * Throws unless `destination` is a canonical E.164 number (`+447400123456`) or an email address
 * of at most 320 characters. Canonical form matters: the code is bound to these exact
 * characters (LIFE-04), so `+44 7400 123456` would never match.
 */
export function assertDestination(destination: unknown): asserts destination is string {
  assertField(
    destination,
    "destination",
    MAX_DESTINATION_LENGTH,
    (v) => E164.test(v) || EMAIL.test(v),
    "A destination is an E.164 phone number or an email address.",
  );
}

/**
 * Throws unless `challengeId` is 1 to 64 characters of `[A-Za-z0-9_-]`: the alphabet of
 * `randomId("ch_")`, and nothing that could step outside its store key.
 */
export function assertChallengeId(challengeId: unknown): asserts challengeId is string {
  assertField(
    challengeId,
    "challengeId",
    MAX_CHALLENGE_ID_LENGTH,
    (v) => CHALLENGE_ID.test(v),
    "A challenge id is letters, digits, '_' or '-'.",
  );
}
