/**
 * HOTP (RFC 4226) and TOTP (RFC 6238) code generation: pure, synchronous, no state.
 *
 * Written on `@noble/hashes` rather than through otplib's option-normalising wrappers so that
 * the counter is 64-bit safe as RFC 6238 §4.2 demands (TOTP-02: `number` up to 2^53 or `bigint`
 * up to 2^64 − 1, encoded as 8 big-endian bytes without int32 overflow), the intermediate HMAC
 * is observable for the RFC 4226 vectors, and the verifier can key the HMAC once and reuse it
 * for every step of its window. otplib and Debian's `oathtool` check it in the tests.
 *
 * @module
 */

import { hmac } from "@noble/hashes/hmac.js";
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { MfaError } from "../errors.js";

/** The HMAC hash of a TOTP factor. SHA1 is the interoperable default; see TOTP-06. */
export type TotpAlgorithm = "SHA1" | "SHA256" | "SHA512";

/** The algorithms in the order the Key URI format lists them. */
export const TOTP_ALGORITHMS: readonly TotpAlgorithm[] = Object.freeze([
  "SHA1",
  "SHA256",
  "SHA512",
]);

const HASHES = { SHA1: sha1, SHA256: sha256, SHA512: sha512 } as const;

const MAX_COUNTER = 2n ** 64n - 1n;

/** 10^0 … 10^10: codes are 1 to 10 digits (RFC 4226 truncation yields at most 31 bits). */
const POWERS = Array.from({ length: 11 }, (_, i) => 10 ** i);

/** The counter as RFC 4226's 8-byte big-endian "moving factor". */
function counterBytes(counter: number | bigint): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  if (typeof counter === "bigint") {
    if (counter < 0n || counter > MAX_COUNTER) throw counterError();
    view.setBigUint64(0, counter);
  } else {
    if (!Number.isSafeInteger(counter) || counter < 0) throw counterError();
    // Two 32-bit halves: bitwise operators would truncate to int32 and break after 2038.
    view.setUint32(0, Math.floor(counter / 2 ** 32));
    view.setUint32(4, counter % 2 ** 32);
  }
  return out;
}

function counterError(): MfaError {
  return new MfaError("invalid_input", {
    message: "A HOTP counter is a non-negative integer below 2^64 (2^53 as a number).",
    data: { field: "counter" },
  });
}

function checkDigits(digits: number): number {
  if (!Number.isInteger(digits) || digits < 1 || digits > 10) {
    throw new MfaError("invalid_input", {
      message: "A code has 1 to 10 digits.",
      data: { field: "digits" },
    });
  }
  return digits;
}

/**
 * An HMAC keyed once with `secret`, cloned for each counter: verifying a ±1 window costs one key
 * schedule instead of three.
 */
export function keyedHotp(
  secret: Uint8Array,
  algorithm: TotpAlgorithm = "SHA1",
): (counter: number | bigint) => Uint8Array {
  const hash = HASHES[algorithm];
  if (!hash) {
    throw new MfaError("invalid_input", { data: { field: "algorithm" } });
  }
  const keyed = hmac.create(hash, secret);
  return (counter) => keyed.clone().update(counterBytes(counter)).digest();
}

/**
 * HMAC-`algorithm`(secret, counter): the intermediate value of RFC 4226 §5.3 step 1.
 *
 * @example bytesToHex(hotpHmac(seed, 0)) // "cc93cf18…e4b0" (RFC 4226 Appendix D)
 */
export function hotpHmac(
  secret: Uint8Array,
  counter: number | bigint,
  algorithm: TotpAlgorithm = "SHA1",
): Uint8Array {
  return keyedHotp(secret, algorithm)(counter);
}

/**
 * RFC 4226 §5.3 dynamic truncation: the 31-bit integer at the offset named by the low nibble of
 * the digest's last byte.
 */
export function dynamicTruncate(digest: Uint8Array): number {
  const offset = (digest[digest.length - 1] as number) & 0x0f;
  return (
    (((digest[offset] as number) & 0x7f) << 24) |
    ((digest[offset + 1] as number) << 16) |
    ((digest[offset + 2] as number) << 8) |
    (digest[offset + 3] as number)
  );
}

/** The truncated value mod 10^digits, left-padded with zeros. */
export function codeFromDigest(digest: Uint8Array, digits: number): string {
  return String(dynamicTruncate(digest) % (POWERS[digits] as number)).padStart(digits, "0");
}

/**
 * The HOTP value of `secret` at `counter` (RFC 4226).
 *
 * @param options.digits code length, 1 to 10. @default 6
 * @param options.algorithm @default "SHA1"
 * @example hotp(new TextEncoder().encode("12345678901234567890"), 0) // "755224"
 */
export function hotp(
  secret: Uint8Array,
  counter: number | bigint,
  options: { digits?: number; algorithm?: TotpAlgorithm } = {},
): string {
  const digits = checkDigits(options.digits ?? 6);
  return codeFromDigest(hotpHmac(secret, counter, options.algorithm), digits);
}

/**
 * The TOTP time step T = floor(epochSeconds / periodSeconds) with T0 = 0 (RFC 6238 §4.2).
 * Throws `invalid_input` for a negative or non-finite time or a period that is not a positive
 * integer.
 */
export function totpStep(epochSeconds: number, periodSeconds = 30): number {
  if (!Number.isFinite(epochSeconds) || epochSeconds < 0) {
    throw new MfaError("invalid_input", { data: { field: "epochSeconds" } });
  }
  if (!Number.isSafeInteger(periodSeconds) || periodSeconds < 1) {
    throw new MfaError("invalid_input", { data: { field: "periodSeconds" } });
  }
  return Math.floor(epochSeconds / periodSeconds);
}

/**
 * The TOTP value of `secret` at Unix time `epochSeconds` (RFC 6238): HOTP at
 * {@link totpStep}.
 *
 * @param options.digits @default 6
 * @param options.algorithm @default "SHA1"
 * @param options.periodSeconds @default 30
 * @example totpAt(seed, 59, { digits: 8 }) // "94287082" (RFC 6238 Appendix B)
 */
export function totpAt(
  secret: Uint8Array,
  epochSeconds: number,
  options: { digits?: number; algorithm?: TotpAlgorithm; periodSeconds?: number } = {},
): string {
  const { periodSeconds = 30, ...rest } = options;
  return hotp(secret, totpStep(epochSeconds, periodSeconds), rest);
}
