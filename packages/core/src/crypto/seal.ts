/**
 * Authenticated encryption of small secrets (TOTP seeds) with AES-256-GCM on Web Crypto.
 *
 * A random 96-bit IV per seal (STORE-04), the key id kept beside the ciphertext (STORE-05), and
 * associated data that names the secret's owner: a sealed seed moved to another user's or
 * factor's row fails to open, because the AAD no longer matches.
 *
 * @module
 */

import { MfaError } from "../errors.js";
import { type RandomSource, webCryptoRandom } from "../ports/clock.js";
import type { Keyring } from "../ports/keyring.js";
import { derivedKey } from "./keys.js";

/** A sealed secret as stored: JSON-safe. */
export interface Sealed {
  /** Format version. */
  readonly v: 1;
  /** The keyring id of the master key. */
  readonly keyId: string;
  /** 12-byte IV, base64url. */
  readonly iv: string;
  /** Ciphertext with the 16-byte GCM tag, base64url. */
  readonly ct: string;
}

/** Web Crypto's typings want ArrayBuffer-backed views; ours always are. */
const bufferSource = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;

const cryptoKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();

function aesKey(keyring: Keyring, keyId: string): Promise<CryptoKey> {
  const raw = derivedKey(keyring, keyId, "totp-seal");
  let key = cryptoKeys.get(raw);
  if (!key) {
    key = globalThis.crypto.subtle.importKey("raw", bufferSource(raw), "AES-GCM", false, [
      "encrypt",
      "decrypt",
    ]);
    cryptoKeys.set(raw, key);
  }
  return key;
}

/** Encrypts `plaintext` under the keyring's current key, bound to `associatedData`. */
export async function seal(
  keyring: Keyring,
  plaintext: Uint8Array,
  associatedData: string,
  random: RandomSource = webCryptoRandom,
): Promise<Sealed> {
  const keyId = keyring.currentId;
  const iv = random.bytes(12);
  const ct = await globalThis.crypto.subtle.encrypt(
    {
      name: "AES-GCM",
      iv: bufferSource(iv),
      additionalData: new TextEncoder().encode(associatedData),
    },
    await aesKey(keyring, keyId),
    bufferSource(plaintext),
  );
  return { v: 1, keyId, iv: toBase64Url(iv), ct: toBase64Url(new Uint8Array(ct)) };
}

/**
 * Decrypts a {@link Sealed} value under the key id it records. Throws `key_not_found` when that
 * key has left the keyring, and `invalid_input` when the ciphertext, its tag or the associated
 * data do not match (tampered, or moved to another owner).
 */
export async function open(
  keyring: Keyring,
  sealed: Sealed,
  associatedData: string,
): Promise<Uint8Array> {
  const key = await aesKey(keyring, sealed.keyId);
  try {
    const pt = await globalThis.crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: bufferSource(fromBase64Url(sealed.iv)),
        additionalData: new TextEncoder().encode(associatedData),
      },
      key,
      bufferSource(fromBase64Url(sealed.ct)),
    );
    return new Uint8Array(pt);
  } catch (cause) {
    throw new MfaError("invalid_input", {
      message: "A sealed secret failed to open: it was altered or belongs to another owner.",
      data: { keyId: sealed.keyId },
      cause,
    });
  }
}

/** Whether `sealed` was made under a key other than the keyring's current one. */
export function needsReseal(keyring: Keyring, sealed: Sealed): boolean {
  return sealed.keyId !== keyring.currentId;
}

/** Bytes to unpadded base64url. */
export function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Unpadded base64url to bytes. */
export function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, "="));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
