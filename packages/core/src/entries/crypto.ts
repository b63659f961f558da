/**
 * `@mfakit/core/crypto`: the crypto building blocks: keyed hashes with constant-time compares,
 * per-purpose derived keys, unbiased random strings, and sealing (authenticated encryption under
 * the keyring, with key rotation).
 *
 * @module crypto
 */

export {
  constantTimeEqual,
  constantTimeEqualHex,
  type KeyedDigest,
  keyedHash,
  verifyKeyedHash,
} from "../crypto/keyed-hash.js";
export { derivedKey, type KeyPurpose } from "../crypto/keys.js";
export {
  DIGITS,
  LOWERCASE,
  randomDigits,
  randomId,
  randomLetters,
  randomString,
} from "../crypto/random-string.js";
export {
  fromBase64Url,
  needsReseal,
  open,
  type Sealed,
  seal,
  toBase64Url,
} from "../crypto/seal.js";
