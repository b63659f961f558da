/**
 * The token of a "this wasn't me" link: `<user>.<id>.<mac>`.
 *
 * - `user`: the user id, UTF-8 in base64url. The link needs no session (it is the proof), so the
 *   token must say whose document to open; it is an identifier, not a secret.
 * - `id`: 128 random bits (GEN-05), the key of the change's record in that user's document.
 * - `mac`: HMAC-SHA-256 of (user, id) under the keyring's `revert-hmac` sub-key, truncated to
 *   128 bits (NIST SP 800-107 allows truncation to ≥ 64 bits for MACs; 128 keeps a forgery at
 *   2^-128 per try). The record stores only a keyed hash of the whole token (STORE-01), never the
 *   token, so a copy of the store cannot be turned into working links.
 *
 * A tampered user part names another document, where the id has no record and the MAC (bound to
 * the user) fails: a token works for one user and one change only. The token is short enough for
 * an SMS link: 46 characters plus 4/3 of the user id's UTF-8 length.
 *
 * @module
 */

import { hexToBytes } from "@noble/hashes/utils.js";
import { constantTimeEqual, keyedHash } from "../crypto/keyed-hash.js";
import { fromBase64Url, toBase64Url } from "../crypto/seal.js";
import { MfaError } from "../errors.js";
import { assertUserId, MAX_USER_ID_LENGTH } from "../keys.js";
import type { RandomSource } from "../ports/clock.js";
import type { Keyring } from "../ports/keyring.js";

/** The longest token: a 256-unit user id takes at most 768 UTF-8 bytes, 1024 in base64url. */
export const MAX_REVERT_TOKEN_LENGTH = Math.ceil((MAX_USER_ID_LENGTH * 3 * 4) / 3) + 46;

const SHAPE = /^([A-Za-z0-9_-]{2,1024})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A token as read from a link, before it is checked against its record. */
export interface ParsedRevertToken {
  readonly userId: string;
  readonly id: string;
  readonly mac: string;
}

/** The 128-bit MAC of (user, id) under key `keyId`, base64url. */
function macOf(keyring: Keyring, keyId: string, userId: string, id: string): string {
  const { digest } = keyedHash(keyring, "revert-hmac", ["link", userId, id], keyId);
  return toBase64Url(hexToBytes(digest.slice(0, 32)));
}

/** A new token for a change of `userId`'s, under the keyring's current key. */
export function mintRevertToken(
  keyring: Keyring,
  random: RandomSource,
  userId: string,
): { readonly token: string; readonly id: string } {
  const id = toBase64Url(random.bytes(16));
  const user = toBase64Url(utf8.encode(userId));
  return { token: `${user}.${id}.${macOf(keyring, keyring.currentId, userId, id)}`, id };
}

/**
 * Reads a token's parts. Anything that is not a well-formed token (a wrong type, a 1 MB string,
 * a user part that is not UTF-8 or not a valid user id) is `invalid_input` on field `token`,
 * before anything is read or written.
 */
export function parseRevertToken(token: unknown): ParsedRevertToken {
  const malformed = () => new MfaError("invalid_input", { data: { field: "token" } });
  if (typeof token !== "string") throw malformed();
  // The length first: an oversized string costs no regular-expression scan (REL-07).
  if (token.length > MAX_REVERT_TOKEN_LENGTH) {
    throw new MfaError("input_too_long", {
      data: { field: "token", max: MAX_REVERT_TOKEN_LENGTH },
    });
  }
  const match = SHAPE.exec(token);
  if (!match) throw malformed();
  const [, user = "", id = "", mac = ""] = match;
  let userId: string;
  try {
    userId = strictUtf8.decode(fromBase64Url(user));
    assertUserId(userId);
  } catch {
    throw malformed();
  }
  return { userId, id, mac };
}

/** Whether the token's MAC is the one key `keyId` makes for its user and id (constant time). */
export function revertMacValid(
  keyring: Keyring,
  keyId: string,
  parsed: ParsedRevertToken,
): boolean {
  const expected = macOf(keyring, keyId, parsed.userId, parsed.id);
  return constantTimeEqual(utf8.encode(expected), utf8.encode(parsed.mac));
}
