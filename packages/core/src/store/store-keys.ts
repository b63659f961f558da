/**
 * Store keys for adapters: which keys a backend can keep exactly, and the key range a prefix
 * covers (so a listing is an index range scan, not a LIKE).
 *
 * Used by the SQL adapters (@mfakit/sqlite, @mfakit/postgres); any adapter may use them.
 *
 * @module
 */

import { MfaError } from "../errors.js";

/** Longest key, in UTF-8 bytes (the Store port's limit). */
export const MAX_STORE_KEY_BYTES = 512;

// A lone surrogate cannot be encoded as UTF-8: the driver would silently turn it into U+FFFD and
// two different keys would share one row. NUL is refused so a key means the same in every
// backend (PostgreSQL text cannot hold it).
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what we refuse
const UNENCODABLE = /[\p{Cs}\u0000]/u;

/**
 * Returns `key` if a store can keep it exactly, as itself; else throws `invalid_input` (not a
 * string, a lone surrogate, NUL) or `input_too_long` (over {@link MAX_STORE_KEY_BYTES}). `field`
 * names the argument in the error's data.
 */
export function assertStoreKey(key: unknown, field: "key" | "prefix" | "cursor"): string {
  if (typeof key !== "string" || UNENCODABLE.test(key)) {
    throw new MfaError("invalid_input", {
      message: "A store key is a well-formed string with no NUL character.",
      data: { field },
    });
  }
  if (utf8Length(key) > MAX_STORE_KEY_BYTES) {
    throw new MfaError("input_too_long", { data: { field, max: MAX_STORE_KEY_BYTES } });
  }
  return key;
}

/**
 * The smallest string above every string that starts with `prefix`, in code point order (the
 * order of UTF-8 bytes, which both SQLite's BINARY and PostgreSQL's "C" collation use), or
 * `null` when there is none (empty prefix, or one made only of U+10FFFF).
 *
 * With it a prefix listing is the index range `key >= prefix AND key < upper`: no LIKE, so `%`
 * and `_` in a prefix need no escaping and the scan stops at the prefix's end.
 */
export function prefixUpperBound(prefix: string): string | null {
  // Fast path: the last character is in the BMP below the surrogates (always so for the core's
  // ASCII keys): increment it in place.
  const last = prefix.charCodeAt(prefix.length - 1);
  if (last < 0xd7ff) return prefix.slice(0, -1) + String.fromCharCode(last + 1);
  const points = Array.from(prefix, (c) => c.codePointAt(0) ?? 0);
  while (points.length > 0) {
    const last = points.pop() ?? 0;
    if (last < 0x10ffff) {
      // Skip the surrogate block: it holds no characters a key can contain.
      points.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return null;
}

/** The UTF-8 length of a well-formed string, without encoding it. */
function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4; // a surrogate pair: one code point of four bytes
      i++;
    } else bytes += 3;
  }
  return bytes;
}
