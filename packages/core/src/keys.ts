/**
 * How the core names its store keys.
 *
 * Every key of one user starts with `mfa:{<userId>}:`. The braces are a Redis Cluster hash
 * tag, so all of a user's keys live in one slot; the user id is percent-encoded so that no id
 * can forge another user's prefix (`alice}:x` cannot list or shadow `alice`'s keys).
 *
 * @module
 */

import { MfaError } from "./errors.js";

/** Longest user id accepted, in UTF-16 code units (REL-07). */
export const MAX_USER_ID_LENGTH = 256;

// With the `u` flag, \p{Cs} matches only a surrogate that is not half of a pair: such an id
// cannot be percent-encoded into a key (`encodeURIComponent` throws a URIError) nor stored as
// UTF-8, so it is refused up front, as a typed error, before any work is done under it.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Throws `invalid_input` unless `userId` is 1 to 256 UTF-16 code units of well-formed Unicode
 * (no lone surrogate) with no control characters; `input_too_long` past 256.
 */
export function assertUserId(userId: unknown): asserts userId is string {
  const malformed = () =>
    new MfaError("invalid_input", {
      message: "A user id is a non-empty, well-formed string with no control characters.",
      data: { field: "userId" },
    });
  if (typeof userId !== "string" || userId.length === 0) throw malformed();
  // The length first, so that an oversized id costs no scan (REL-07).
  if (userId.length > MAX_USER_ID_LENGTH) {
    throw new MfaError("input_too_long", { data: { field: "userId", max: MAX_USER_ID_LENGTH } });
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\u0000-\u001f\u007f]/.test(userId) || LONE_SURROGATE.test(userId)) throw malformed();
}

/** The prefix of every key of `userId`: `mfa:{<encoded id>}:`. */
export function userPrefix(userId: string): string {
  assertUserId(userId);
  return `mfa:{${encodeURIComponent(userId)}}:`;
}

/**
 * A key of `userId`'s: `mfa:{<encoded id>}:<part>:<part>…`. Parts are the core's own names and
 * ids (never raw user input), so they are joined as they are.
 *
 * @example userKey("alice", "code", "ch_x") // "mfa:{alice}:code:ch_x"
 */
export function userKey(userId: string, ...parts: string[]): string {
  return userPrefix(userId) + parts.join(":");
}

/** A key that belongs to no user (global counters, idempotency records): `mfa:<part>:…`. */
export function globalKey(...parts: string[]): string {
  return `mfa:${parts.join(":")}`;
}
