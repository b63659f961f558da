/**
 * Per-purpose sub-keys derived from the keyring's master keys.
 *
 * HKDF-SHA-256 (RFC 5869) with a fixed `info` per purpose, so the key that hashes codes never
 * also encrypts TOTP seeds, and a leak of one derived key tells nothing of the others.
 *
 * @module
 */

import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { MfaError } from "../errors.js";
import type { Keyring } from "../ports/keyring.js";

/** What a derived key is for; each purpose gets its own key. */
export type KeyPurpose =
  | "code-hmac"
  | "app-password-hmac"
  | "totp-seal"
  | "lookup-hmac"
  | "device-hmac"
  | "tap-hmac"
  | "revert-hmac";

const cache = new WeakMap<Uint8Array, Map<KeyPurpose, Uint8Array>>();

/**
 * The 32-byte sub-key for `purpose` under master key `keyId`.
 * Throws `key_not_found` when the keyring no longer holds `keyId`.
 */
export function derivedKey(keyring: Keyring, keyId: string, purpose: KeyPurpose): Uint8Array {
  const master = keyring.key(keyId);
  if (!master) throw new MfaError("key_not_found", { data: { keyId } });
  let byPurpose = cache.get(master);
  if (!byPurpose) {
    byPurpose = new Map();
    cache.set(master, byPurpose);
  }
  let key = byPurpose.get(purpose);
  if (!key) {
    key = hkdf(sha256, master, undefined, utf8ToBytes(`mfakit/v1/${purpose}`), 32);
    byPurpose.set(purpose, key);
  }
  return key;
}
