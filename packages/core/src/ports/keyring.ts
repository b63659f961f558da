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

import { MfaError } from "../errors.js";

/** Server secrets by id. */
export interface Keyring {
  /** The id new data is written under. */
  readonly currentId: string;
  /** The master key with this id, or `undefined` if the keyring does not hold it. */
  key(id: string): Uint8Array | undefined;
}

/** Options of {@link createKeyring}. */
export interface KeyringOptions {
  /** Master keys by id: raw bytes, or base64 / base64url strings of at least 32 bytes. */
  readonly keys: Readonly<Record<string, Uint8Array | string>>;
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
    const bytes = typeof raw === "string" ? decodeBase64(raw) : new Uint8Array(raw);
    if (bytes.length < MIN_KEY_BYTES) {
      throw new MfaError("config_invalid", {
        message: `Key "${id}" must be at least ${MIN_KEY_BYTES} bytes.`,
        data: { keyId: id, minBytes: MIN_KEY_BYTES },
      });
    }
    keys.set(id, bytes);
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

function decodeBase64(text: string): Uint8Array {
  const b64 = text.trim().replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) {
    throw new MfaError("config_invalid", { message: "A key string must be base64 or base64url." });
  }
  const bin = atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, "="));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
