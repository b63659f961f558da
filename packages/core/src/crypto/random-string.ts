/**
 * Unbiased random digits, letters and identifiers.
 *
 * Rejection sampling (GEN-02): a byte is used only when it falls below the largest multiple of
 * the alphabet size, so every symbol is exactly equally likely: no modulo bias.
 *
 * @module
 */

import { type RandomSource, webCryptoRandom } from "../ports/clock.js";
import { toBase64Url } from "./seal.js";

/** The ten ASCII digits. */
export const DIGITS = "0123456789";
/** The 26 lowercase ASCII letters. */
export const LOWERCASE = "abcdefghijklmnopqrstuvwxyz";

/**
 * `length` symbols drawn uniformly and independently from `alphabet` (2 to 256 distinct
 * characters).
 */
export function randomString(
  length: number,
  alphabet: string,
  random: RandomSource = webCryptoRandom,
): string {
  const n = alphabet.length;
  if (n < 2 || n > 256) throw new RangeError("alphabet must have 2 to 256 symbols");
  const limit = 256 - (256 % n); // bytes at or above this would bias the low symbols
  let out = "";
  while (out.length < length) {
    // Draw a little more than needed so one call usually suffices.
    const bytes = random.bytes(Math.ceil((length - out.length) * 1.25) + 4);
    for (const b of bytes) {
      if (b < limit) {
        out += alphabet[b % n];
        if (out.length === length) break;
      }
    }
  }
  return out;
}

/** `length` uniformly random ASCII digits, leading zeros included. */
export function randomDigits(length: number, random: RandomSource = webCryptoRandom): string {
  return randomString(length, DIGITS, random);
}

/** `length` uniformly random lowercase ASCII letters. */
export function randomLetters(length: number, random: RandomSource = webCryptoRandom): string {
  return randomString(length, LOWERCASE, random);
}

/**
 * An unguessable identifier: 128 random bits (GEN-05) as 22 base64url characters, with an
 * optional readable prefix such as `"ch_"`.
 */
export function randomId(prefix = "", random: RandomSource = webCryptoRandom): string {
  return prefix + toBase64Url(random.bytes(16));
}
