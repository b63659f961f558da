/**
 * Which app-password hashes an import accepts: only this SDK's own stored form.
 *
 * An app password is checked by looking up one slot named by a keyed hash of the typed letters
 * (see `app-passwords/password-hash.ts`): one HMAC and one read per guess, and a slow hash only
 * on the rare password in the guessed bucket. A foreign hash (bcrypt, PBKDF2, Argon2, another
 * system's scrypt) has no such slot: checking it would mean running a slow hash on every
 * imported password of the user for every guess, which turns guessing into a CPU and memory
 * flood (the reason the slots exist) — and the slot itself needs the letters, which no export
 * holds. So foreign hashes are refused with the scheme recognised as the reason, and the users
 * are asked to make new app passwords; a plain-text app password is refused too (it would put a
 * secret in the import file and its reports).
 *
 * What is accepted is a move between two stores of this SDK with the same keyring and the same
 * user ids: `$mfakit-ap1$<keyId>$h:<64 hex>` (a `"strong"` password, whose slot is its whole
 * stored form) or `$mfakit-ap1$<keyId>$b:<4 hex>$<N>,<r>,<p>$<salt>$<hash>` (a `"microsoft"`
 * one: its bucket and scrypt hash, at least the OWASP minimum cost).
 *
 * @module
 */

import type { AppPasswordFormat } from "../app-passwords/password-format.js";
import { APP_PASSWORD_SCRYPT, type ScryptHash } from "../app-passwords/password-hash.js";

/** An app password an import can write: its slot under a key of the keyring. */
export interface ImportedAppPassword {
  readonly format: AppPasswordFormat;
  readonly keyId: string;
  /** `h:<digest>` or `b:<bucket>`. */
  readonly slot: string;
  readonly scrypt: ScryptHash | null;
  readonly name: string;
}

const STRONG = /^\$mfakit-ap1\$([A-Za-z0-9_-]{1,64})\$(h:[0-9a-f]{64})$/;
const MICROSOFT =
  /^\$mfakit-ap1\$([A-Za-z0-9_-]{1,64})\$(b:[0-9a-f]{4})\$(\d{1,8}),(\d{1,3}),(\d{1,3})\$([A-Za-z0-9_-]{6,64})\$([A-Za-z0-9_-]{43})$/;

/** Foreign schemes, recognised only to say which one was refused. */
const FOREIGN: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\$2[abxy]?\$/, "bcrypt"],
  [/^\$argon2(id|i|d)\$/, "argon2"],
  [/^\$(pbkdf2|pbkdf2-sha\d+)\$|^pbkdf2_sha\d+\$/, "pbkdf2"],
  [/^\$(scrypt|7)\$/, "scrypt"],
  [/^\{(SSHA|SHA|SSHA256|SSHA512|CRYPT)\}/i, "ldap"],
];

/**
 * The app password a hash stands for, or why it cannot be verified safely: `bcrypt`, `argon2`,
 * `pbkdf2`, `scrypt`, `ldap` (foreign schemes), `unknown_format` (anything else, plain text
 * included), `key_not_in_keyring`, `weak_parameters` (scrypt under the OWASP minimum).
 */
export function parseAppPasswordHash(
  hash: string,
  hasKey: (keyId: string) => boolean,
): { ok: true; value: Omit<ImportedAppPassword, "name"> } | { ok: false; reason: string } {
  const strong = STRONG.exec(hash);
  const microsoft = strong ? null : MICROSOFT.exec(hash);
  const match = strong ?? microsoft;
  if (!match) {
    const foreign = FOREIGN.find(([pattern]) => pattern.test(hash));
    return { ok: false, reason: foreign?.[1] ?? "unknown_format" };
  }
  const keyId = match[1] as string;
  if (!hasKey(keyId)) return { ok: false, reason: "key_not_in_keyring" };
  if (strong) {
    return { ok: true, value: { format: "strong", keyId, slot: match[2] as string, scrypt: null } };
  }
  const [N, r, p] = [Number(match[3]), Number(match[4]), Number(match[5])];
  const min = APP_PASSWORD_SCRYPT;
  if (N < min.N || (N & (N - 1)) !== 0 || r < min.r || p < min.p) {
    return { ok: false, reason: "weak_parameters" };
  }
  const scrypt: ScryptHash = { N, r, p, salt: match[6] as string, hash: match[7] as string };
  return { ok: true, value: { format: "microsoft", keyId, slot: match[2] as string, scrypt } };
}
