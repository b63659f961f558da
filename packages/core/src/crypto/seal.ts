/**
 * Authenticated encryption of small secrets (TOTP seeds) with AES-256-GCM.
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

/** AES-256-GCM over raw key bytes; the output is the ciphertext followed by the 16-byte tag. */
interface AesGcm {
  encrypt(
    key: Uint8Array,
    iv: Uint8Array,
    aad: Uint8Array,
    plaintext: Uint8Array,
  ): Promise<Uint8Array>;
  /** Rejects when the tag does not verify. */
  decrypt(
    key: Uint8Array,
    iv: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
  ): Promise<Uint8Array>;
}

const cryptoKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();
const importKey = (raw: Uint8Array) => {
  let key = cryptoKeys.get(raw);
  if (!key) {
    key = globalThis.crypto.subtle.importKey("raw", bufferSource(raw), "AES-GCM", false, [
      "encrypt",
      "decrypt",
    ]);
    cryptoKeys.set(raw, key);
  }
  return key;
};

/** Web Crypto: every runtime the core supports (exported for the test that both paths agree). */
export const webCryptoAesGcm: AesGcm = {
  async encrypt(key, iv, aad, plaintext) {
    const params = { name: "AES-GCM", iv: bufferSource(iv), additionalData: bufferSource(aad) };
    return new Uint8Array(
      await globalThis.crypto.subtle.encrypt(params, await importKey(key), bufferSource(plaintext)),
    );
  },
  async decrypt(key, iv, aad, sealed) {
    const params = { name: "AES-GCM", iv: bufferSource(iv), additionalData: bufferSource(aad) };
    return new Uint8Array(
      await globalThis.crypto.subtle.decrypt(params, await importKey(key), bufferSource(sealed)),
    );
  },
};

/**
 * Node's synchronous cipher, when the runtime offers it through `process.getBuiltinModule`
 * (Node ≥ 20.16): the same bytes as Web Crypto, without a trip through the thread pool, which
 * is most of a TOTP check's time. Other runtimes use Web Crypto; nothing Node-only is imported.
 */
function nodeAesGcm(): AesGcm | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const node = proc?.getBuiltinModule?.("node:crypto") as typeof import("node:crypto") | undefined;
  if (!node?.createCipheriv) return null;
  return {
    async encrypt(key, iv, aad, plaintext) {
      const cipher = node.createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(aad);
      const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    },
    async decrypt(key, iv, aad, sealed) {
      if (sealed.length < 16) throw new Error("sealed value too short");
      const decipher = node.createDecipheriv("aes-256-gcm", key, iv);
      decipher.setAAD(aad);
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      const body = Buffer.concat([
        decipher.update(sealed.subarray(0, sealed.length - 16)),
        decipher.final(),
      ]);
      return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    },
  };
}

const aesGcm: AesGcm = nodeAesGcm() ?? webCryptoAesGcm;
const encoder = new TextEncoder();

/** Encrypts `plaintext` under the keyring's current key, bound to `associatedData`. */
export async function seal(
  keyring: Keyring,
  plaintext: Uint8Array,
  associatedData: string,
  random: RandomSource = webCryptoRandom,
): Promise<Sealed> {
  const keyId = keyring.currentId;
  const iv = random.bytes(12);
  const key = derivedKey(keyring, keyId, "totp-seal");
  const ct = await aesGcm.encrypt(key, iv, encoder.encode(associatedData), plaintext);
  return { v: 1, keyId, iv: toBase64Url(iv), ct: toBase64Url(ct) };
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
  const key = derivedKey(keyring, sealed.keyId, "totp-seal");
  try {
    return await aesGcm.decrypt(
      key,
      fromBase64Url(sealed.iv),
      encoder.encode(associatedData),
      fromBase64Url(sealed.ct),
    );
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
