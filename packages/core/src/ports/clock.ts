/**
 * The clock and randomness ports, and their defaults.
 *
 * Injected so that tests are deterministic. The TOTP window and every lifetime are computed on
 * the server's clock only, never on a time a client sends (TOTP-05).
 *
 * @module
 */

/** Tells the time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The system clock. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** A source of cryptographically secure random bytes. */
export interface RandomSource {
  /** `length` bytes from a CSPRNG. */
  bytes(length: number): Uint8Array;
}

/** Web Crypto's CSPRNG (`crypto.getRandomValues`), in chunks of its 65,536-byte limit. */
export const webCryptoRandom: RandomSource = Object.freeze({
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 65_536) {
      globalThis.crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65_536)));
    }
    return out;
  },
});
