/**
 * The options of one-time codes, their defaults and their limits.
 *
 * Validated once, when the service is created: every out-of-range option is reported in one
 * `config_invalid` error, and the limits cannot be weakened past what SECURITY.md allows
 * (a lifetime over 10 minutes, LIFE-01/02; more than 10 attempts, RATE-01).
 *
 * @module
 */

import { MfaError } from "../errors.js";

/** Options of {@link createCodeService}. */
export interface CodeOptions {
  /**
   * Digits per code, 4 to 10. Six digits carry 19.93 bits, the entropy NIST and ASVS accept for
   * an out-of-band code (GEN-01); fewer is for tests and legacy devices only.
   * @default 6
   */
  length?: number;
  /**
   * How long a code stays valid after it is sent, 30 to 600 seconds. Never over 10 minutes
   * (LIFE-01, LIFE-02).
   * @default 300
   */
  ttlSeconds?: number;
  /**
   * Wrong codes a challenge accepts before it is dead, 1 to 10 (RATE-01: Twilio Verify and the
   * SECURITY.md default are 5). The count survives resends (RATE-03).
   * @default 5
   */
  maxAttempts?: number;
  /**
   * Codes sent per challenge, the first send included, 1 to 10 (Twilio Verify: 5).
   * @default 5
   */
  maxSends?: number;
}

/** The defaults, one place. */
export const defaultCodeOptions: Readonly<Required<CodeOptions>> = Object.freeze({
  length: 6,
  ttlSeconds: 300,
  maxAttempts: 5,
  maxSends: 5,
});

/** The inclusive range each option must be in. */
export const codeOptionLimits: Readonly<Record<keyof CodeOptions, readonly [number, number]>> =
  Object.freeze({
    length: [4, 10],
    ttlSeconds: [30, 600],
    maxAttempts: [1, 10],
    maxSends: [1, 10],
  });

/**
 * `options` with defaults applied, frozen. Throws `config_invalid` naming every option that is
 * not an integer in its range.
 */
export function resolveCodeOptions(options: CodeOptions = {}): Readonly<Required<CodeOptions>> {
  const resolved = { ...defaultCodeOptions };
  const problems: string[] = [];
  const fields: string[] = [];
  for (const name of Object.keys(codeOptionLimits) as (keyof CodeOptions)[]) {
    const value: unknown = options[name];
    if (value === undefined) continue;
    const [min, max] = codeOptionLimits[name];
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}`);
      fields.push(name);
      continue;
    }
    resolved[name] = value;
  }
  if (problems.length > 0) {
    throw new MfaError("config_invalid", {
      message: `Invalid code options: ${problems.join("; ")}.`,
      data: { module: "codes", fields: fields.join(",") },
    });
  }
  return Object.freeze(resolved);
}
