/**
 * How one Store entry is kept in Redis: a single string `<version>:<json>`.
 *
 * One string per key (rather than a hash with `v` and `n` fields) is what lets the hot paths be
 * single native commands: `get` is `GET`, `take` is `GETDEL`, `delete` is `DEL`, all atomic
 * without a script, and the TTL is the key's own (`PX`), so value, version and expiry can never
 * drift apart. Only the writes that must compare first (`put`, `increment`) run a Lua script.
 *
 * @module
 */

import { type JsonValue, MfaError, type StoreEntry } from "@mfakit/core/adapter";

/** The stored form of `json` at `version`. */
export function encodeEntry(version: number, json: string): string {
  return `${version}:${json}`;
}

/**
 * Reads a stored string back into an entry (a fresh object every time, so callers may mutate
 * it). Throws `store_invalid_operation` for a value this adapter did not write.
 */
export function decodeEntry<T extends JsonValue>(raw: string, operation: string): StoreEntry<T> {
  const colon = raw.indexOf(":");
  const version = Number(raw.slice(0, colon));
  if (colon < 1 || !Number.isSafeInteger(version) || version < 1) throw foreignValue(operation);
  try {
    return { value: JSON.parse(raw.slice(colon + 1)) as T, version };
  } catch {
    throw foreignValue(operation);
  }
}

/** The error for a key that holds something this adapter did not write. */
export function foreignValue(operation: string, cause?: unknown): MfaError {
  return new MfaError("store_invalid_operation", {
    message: "The key holds a value this store did not write.",
    data: { operation },
    cause,
  });
}
