/**
 * How an app password is found and checked without ever being stored.
 *
 * Every password has a lookup slot named by a keyed hash, `HMAC(app-password key, [userId,
 * letters])`, so a verification reads one store entry instead of scanning a user's passwords:
 *
 * - `"strong"` (≥ 112 bits): the slot is the full 256-bit digest, and that digest is the whole
 *   stored form (STORE-02 allows one pass of a keyed hash from 112 bits up). Finding the slot is
 *   the match; the only timing a store lookup can reveal is whether a digest exists, which is
 *   useless without the server key (STORE-03).
 * - `"microsoft"` (75.2 bits): too weak for a fast hash, so the password is stored with scrypt
 *   at the OWASP minimum (N=2^17, r=8, p=1) and a random 128-bit salt. A salted hash cannot be
 *   looked up, so the slot is only a 16-bit *bucket*: the first two bytes of the HMAC. A
 *   verification runs scrypt only on the passwords in its bucket (with the cap of 40, almost
 *   always one at most), not on all 40. A wrong guess usually lands in an empty bucket and costs
 *   no scrypt at all, so guessing cannot be turned into a memory and CPU flood. That a guess
 *   hit an occupied bucket shows in the response time; it tells an online attacker 16 keyed bits
 *   they cannot aim for without the server key, and leaves ≥ 59 bits per password to guess
 *   online, behind the rate limits APP-05 asks for.
 *
 * @module
 */

import { scryptAsync } from "@noble/hashes/scrypt.js";
import { constantTimeEqual, keyedHash } from "../crypto/keyed-hash.js";
import { fromBase64Url, toBase64Url } from "../crypto/seal.js";
import type { RandomSource } from "../ports/clock.js";
import type { Keyring } from "../ports/keyring.js";
import type { AppPasswordFormat } from "./password-format.js";

/**
 * scrypt cost of new `"microsoft"` passwords: the OWASP Password Storage Cheat Sheet minimum.
 * Each record keeps the parameters it was made with, so raising them later leaves old records
 * verifiable.
 */
export const APP_PASSWORD_SCRYPT = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

/** Salt length: 128 bits, four times the 32-bit minimum of ASVS 6.5.2. */
const SALT_BYTES = 16;
/** Derived-key length. */
const HASH_BYTES = 32;
/** Hex characters of the HMAC kept as a `"microsoft"` bucket: 16 bits. */
const BUCKET_HEX = 4;

/** A stored scrypt hash with everything needed to recompute it. JSON-safe. */
export type ScryptHash = {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  /** base64url. */
  readonly salt: string;
  /** base64url. */
  readonly hash: string;
};

/**
 * The lookup slot of `letters` for `userId` under master key `keyId`: `"h:<64 hex>"` for a
 * strong password, `"b:<4 hex>"` (a bucket) for a `"microsoft"` one.
 */
export function lookupSlot(
  keyring: Keyring,
  keyId: string,
  userId: string,
  letters: string,
  format: AppPasswordFormat,
): string {
  const { digest } = keyedHash(keyring, "app-password-hmac", [userId, letters], keyId);
  return format === "strong" ? `h:${digest}` : `b:${digest.slice(0, BUCKET_HEX)}`;
}

/** The scrypt hash of `letters` with a fresh salt. */
export async function scryptHash(letters: string, random: RandomSource): Promise<ScryptHash> {
  const { N, r, p } = APP_PASSWORD_SCRYPT;
  const salt = random.bytes(SALT_BYTES);
  const hash = await scryptAsync(letters, salt, { N, r, p, dkLen: HASH_BYTES });
  return { N, r, p, salt: toBase64Url(salt), hash: toBase64Url(hash) };
}

/** Whether `letters` matches `stored`, compared in constant time (STORE-03). */
export async function scryptMatches(letters: string, stored: ScryptHash): Promise<boolean> {
  const expected = fromBase64Url(stored.hash);
  const actual = await scryptAsync(letters, fromBase64Url(stored.salt), {
    N: stored.N,
    r: stored.r,
    p: stored.p,
    dkLen: expected.length,
  });
  return constantTimeEqual(actual, expected);
}
