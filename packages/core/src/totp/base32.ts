/**
 * Base32 (RFC 4648 §6), the encoding authenticator apps expect for TOTP secrets.
 *
 * Encoding is unpadded upper case, as the Key URI format asks ("the padding … should be
 * omitted"). Decoding is forgiving in the ways people copy secrets by hand (lower case, spaces
 * or hyphens between groups, trailing `=`) and strict about everything else.
 *
 * @module
 */

import { MfaError } from "../errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const VALUES = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));

/**
 * Bytes as unpadded RFC 4648 base32.
 *
 * @example base32Encode(new TextEncoder().encode("12345678901234567890"))
 * // "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
 */
export function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff; // at most 4 + 8 live bits
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * RFC 4648 base32 to bytes. Case-insensitive; spaces, hyphens and trailing `=` padding are
 * ignored. Throws `MfaError("invalid_input")` for any other character or an impossible length
 * (1, 3 or 6 characters left over in the last group of 8).
 */
export function base32Decode(text: string): Uint8Array {
  const clean = text.replace(/[\s-]/g, "").replace(/=+$/, "").toUpperCase();
  const rest = clean.length % 8;
  if (rest === 1 || rest === 3 || rest === 6) {
    throw new MfaError("invalid_input", {
      message: "That base32 text has an impossible length.",
      data: { field: "secret" },
    });
  }
  const out = new Uint8Array(Math.floor((clean.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let i = 0;
  for (const c of clean) {
    const value = VALUES.get(c);
    if (value === undefined) {
      throw new MfaError("invalid_input", {
        message: "Base32 uses only the letters A-Z and the digits 2-7.",
        data: { field: "secret" },
      });
    }
    buffer = ((buffer << 5) | value) & 0xfff; // at most 7 + 5 live bits
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[i++] = (buffer >>> bits) & 0xff;
    }
  }
  return out;
}
