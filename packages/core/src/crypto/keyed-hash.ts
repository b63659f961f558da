/**
 * Keyed hashing (HMAC-SHA-256) that records its key id, and constant-time comparison.
 *
 * One-time codes and app passwords are stored only as a keyed hash (STORE-01, STORE-02): a
 * dump of the store without the keyring reveals nothing, and brute-forcing a 6-digit code's
 * hash needs the server key. The key id travels with the digest so rotation keeps old digests
 * verifiable.
 *
 * @module
 */

import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import type { Keyring } from "../ports/keyring.js";
import { derivedKey, type KeyPurpose } from "./keys.js";

/** A stored keyed hash: the key id it was made under and the hex digest. */
export interface KeyedDigest {
  /** The keyring id of the master key. */
  readonly keyId: string;
  /** HMAC-SHA-256, 64 lowercase hex characters. */
  readonly digest: string;
}

/**
 * HMAC-SHA-256 of `parts` under the sub-key for `purpose`. The parts are length-prefixed before
 * hashing, so `["ab", "c"]` and `["a", "bc"]` never collide.
 *
 * @param keyId defaults to the keyring's current key.
 */
export function keyedHash(
  keyring: Keyring,
  purpose: KeyPurpose,
  parts: readonly string[],
  keyId: string = keyring.currentId,
): KeyedDigest {
  const mac = keyedState(derivedKey(keyring, keyId, purpose)).clone();
  mac.update(frame(parts));
  return { keyId, digest: bytesToHex(mac.digest()) };
}

type HmacState = ReturnType<typeof hmac.create>;
/** HMAC states with the key already absorbed: cloning one skips the key schedule per call. */
const states = new WeakMap<Uint8Array, HmacState>();

function keyedState(key: Uint8Array): HmacState {
  let state = states.get(key);
  if (!state) {
    state = hmac.create(sha256, key);
    states.set(key, state);
  }
  return state;
}

const encoder = new TextEncoder();

/** The parts as one buffer, each prefixed with its 4-byte big-endian UTF-8 length. */
function frame(parts: readonly string[]): Uint8Array {
  const encoded = parts.map((p) => encoder.encode(p));
  const out = new Uint8Array(encoded.reduce((n, b) => n + 4 + b.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const bytes of encoded) {
    view.setUint32(at, bytes.length);
    out.set(bytes, at + 4);
    at += 4 + bytes.length;
  }
  return out;
}

/**
 * Whether `parts` hash to `expected` under the key id recorded in `expected`, compared in
 * constant time. Throws `key_not_found` when that key has left the keyring.
 */
export function verifyKeyedHash(
  keyring: Keyring,
  purpose: KeyPurpose,
  parts: readonly string[],
  expected: KeyedDigest,
): boolean {
  const actual = keyedHash(keyring, purpose, parts, expected.keyId);
  return constantTimeEqualHex(actual.digest, expected.digest);
}

/**
 * Constant-time equality of two fixed-length byte strings (STORE-03). Differing lengths return
 * `false` at once: the length of a digest is public, never secret.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** {@link constantTimeEqual} of two hex digests; malformed hex compares unequal. */
export function constantTimeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length || !/^[0-9a-f]*$/.test(a) || !/^[0-9a-f]*$/.test(b)) return false;
  return constantTimeEqual(hexToBytes(a), hexToBytes(b));
}
