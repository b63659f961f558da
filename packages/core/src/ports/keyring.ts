/**
 * The keyring port: server secrets with ids, so keys rotate without breaking stored data.
 *
 * One master key per id (≥ 256 bits). The core derives a separate sub-key per purpose with
 * HKDF-SHA-256, so one master key never serves two algorithms. New data is always written under
 * `currentId`; data under an older id still verifies or opens as long as that id stays in the
 * keyring (STORE-05). Keep the keyring apart from the store (env, KMS, HSM), never in it.
 *
 * @module
 */

import { MfaError, type MfaErrorData } from "../errors.js";

/** Server secrets by id. */
export interface Keyring {
  /** The id new data is written under. */
  readonly currentId: string;
  /** The master key with this id, or `undefined` if the keyring does not hold it. */
  key(id: string): Uint8Array | undefined;
}

/** Options of {@link createKeyring}. */
export interface KeyringOptions {
  /**
   * Master keys by id: raw bytes, or base64 / base64url strings of at least 32 bytes. A key may
   * be passed straight from the environment (`process.env.MFA_KEY`): when it is unset,
   * `createKeyring` says which key is missing and how to make one.
   */
  readonly keys: Readonly<Record<string, Uint8Array | string | undefined>>;
  /** The id new data is written under; must be one of `keys`. */
  readonly current: string;
}

/** Fewest bytes a master key may have: 256 bits, well over the 112 NIST asks of a pepper. */
export const MIN_KEY_BYTES = 32;

const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;

/**
 * A keyring from static keys.
 *
 * @example
 * ```ts
 * const keyring = createKeyring({
 *   current: "2026-11",
 *   keys: { "2026-11": process.env.MFA_KEY_2026_11!, "2025-11": process.env.MFA_KEY_2025_11! },
 * });
 * ```
 */
export function createKeyring(options: KeyringOptions): Keyring {
  const keys = new Map<string, Uint8Array>();
  for (const [id, raw] of Object.entries(options.keys)) {
    if (!KEY_ID.test(id)) {
      throw new MfaError("config_invalid", {
        message: "A key id is 1-32 letters, digits, '.', '_' or '-'.",
        data: { keyId: id },
      });
    }
    keys.set(id, keyBytes(id, raw));
  }
  if (!keys.has(options.current)) {
    throw new MfaError("config_invalid", {
      message: `The current key id "${options.current}" is not in the keyring.`,
      data: { keyId: options.current },
    });
  }
  return Object.freeze({
    currentId: options.current,
    key: (id: string) => keys.get(id),
  });
}

/** How to make a key, said by every message about a bad one. */
const MAKE_ONE = "Make one with `openssl rand -base64 32` and keep it outside the database.";

/**
 * The bytes of key `id`, or a `config_invalid` that names the key and says how to make one. The
 * messages never quote the value: a key that is merely mistyped is still a secret (STORE-06).
 */
function keyBytes(id: string, raw: Uint8Array | string | undefined): Uint8Array {
  const fail = (problem: string, data: MfaErrorData = {}) =>
    new MfaError("config_invalid", {
      message: `Key "${id}" (keys["${id}"]) ${problem}. ${MAKE_ONE}`,
      data: { keyId: id, minBytes: MIN_KEY_BYTES, ...data },
    });
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) {
    throw fail(
      "is missing: its value is empty or undefined. Is the environment variable it is read from (such as MFA_KEY) set?",
    );
  }
  const bytes = typeof raw === "string" ? decodeBase64(raw) : new Uint8Array(raw);
  if (bytes === null) throw fail("is not base64 or base64url");
  if (bytes.length < MIN_KEY_BYTES) {
    throw fail(`has ${bytes.length} bytes; a key needs at least ${MIN_KEY_BYTES} random bytes`, {
      bytes: bytes.length,
    });
  }
  return bytes;
}

/** Base64 or base64url (padding optional) to bytes; `null` when it is neither. */
function decodeBase64(text: string): Uint8Array | null {
  const b64 = text.trim().replace(/-/g, "+").replace(/_/g, "/");
  // A length of 4n+1 is not a whole number of bytes in any base64: `atob` would throw a bare
  // "Invalid character" that names nothing.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.replace(/=+$/, "").length % 4 === 1) return null;
  try {
    const bin = atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, "="));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
