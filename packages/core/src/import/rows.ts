/**
 * The plain import schema, and the check of one row against the same rules as enrolment.
 *
 * A row is one factor of one user, as another system held it. Checking a row touches no store:
 * every refusal is a value naming the row, the field and a stable code, never the field's value
 * (a seed, a number or an address stays out of reports and logs, STORE-06). The enrolment rules
 * are the enrolment modules themselves, called the same way: `parsePhone` with the policy's
 * allowed countries and the use the kind of phone has, `parseRecoveryEmail` with the tenant's
 * domains, and the seed length rule of GEN-03.
 *
 * @module
 */

import { isMfaError, type MfaError, type MfaErrorCode } from "../errors.js";
import { factorModule } from "../factors/registry.js";
import { assertUserId } from "../keys.js";
import type { Delivery, Policy } from "../policy/policy.js";
import type { PhoneMethod } from "../registration/registration.js";
import { parseRecoveryEmail } from "../rules/email.js";
import { parsePhone } from "../rules/phone.js";
import { base32Decode } from "../totp/base32.js";
import { TOTP_ALGORITHMS, type TotpAlgorithm } from "../totp/hotp.js";
import { type ImportedAppPassword, parseAppPasswordHash } from "./app-password-hash.js";

/** A TOTP seed: the authenticator app the user already has. */
export interface TotpImportRow {
  readonly userId: string;
  readonly kind: "totp";
  /** The seed as base32 (RFC 4648; case, spaces and padding forgiven). */
  readonly secret: string;
  /** @default "SHA1" */
  readonly algorithm?: string;
  /** @default 6 */
  readonly digits?: number | string;
  /** @default 30 */
  readonly periodSeconds?: number | string;
  /** What the app showed the user; shown in lists. @default "Authenticator app" */
  readonly label?: string;
}

/** A phone, with its Entra-style type. */
export interface PhoneImportRow {
  readonly userId: string;
  readonly kind: "phone";
  /** `authentication` (mobile: texts and calls), `office` (calls, may have an extension), `alternate` (calls). */
  readonly phoneType: string;
  /** E.164 or international form, or a `tel:` URI, as enrolment accepts it. */
  readonly number: string;
  /** Office phones only. */
  readonly extension?: string;
  /** How codes go to an authentication phone. @default "sms" when the policy offers it */
  readonly delivery?: string;
}

/** A recovery email (recovery data, never a sign-in method: BIND-07). */
export interface EmailImportRow {
  readonly userId: string;
  readonly kind: "email";
  readonly address: string;
}

/** An app password, as a hash this SDK can verify (see `app-password-hash.ts`). */
export interface AppPasswordImportRow {
  readonly userId: string;
  readonly kind: "app-password";
  /** The stored form; only the `$mfakit-ap1$…` scheme is accepted. */
  readonly hash: string;
  /** @default "Imported app password" */
  readonly name?: string;
}

/** One row of the plain schema: one factor of one user. */
export type ImportRow = (TotpImportRow | PhoneImportRow | EmailImportRow | AppPasswordImportRow) & {
  /** The row's number in the source file, for reports. @default its position, from 1 */
  readonly row?: number;
};

/**
 * Why a row was refused: an enrolment rule's code (`invalid_phone`, `country_not_allowed`,
 * `phone_type_not_allowed`, `phone_extension_not_allowed`, `invalid_email`,
 * `email_domain_not_allowed`, `invalid_input`, `input_too_long`, `app_password_limit_reached`)
 * or one of the import's own.
 */
export type ImportErrorCode =
  | MfaErrorCode
  /** Not a kind this schema knows. */
  | "unknown_kind"
  /** Not authentication, office or alternate. */
  | "unknown_phone_type"
  /** The policy does not offer this kind of factor. */
  | "method_not_offered"
  /** Not base32, or longer than any HMAC key needs. */
  | "invalid_seed"
  /** Under 128 bits (GEN-03), or under 80 bits even when short seeds are flagged. */
  | "seed_too_short"
  /** A parameter this SDK cannot verify (digits, period, algorithm, delivery). */
  | "unsupported_parameter"
  /** The source did not export the secret (Entra and Okta never return TOTP seeds). */
  | "secret_not_exported"
  /** The user already holds a different factor of this kind (an import never replaces one). */
  | "already_registered"
  /** A hash format that cannot be verified safely (see `app-password-hash.ts`). */
  | "app_password_unverifiable";

/** A refused row: where, which field, why. Never the field's value. */
export interface ImportRowError {
  /** The row's number in the source. */
  readonly row: number;
  /** The user, when the row named a valid one. */
  readonly userId: string | null;
  /** The field at fault, in the plain schema's names (`secret`, `number`, `address`, …). */
  readonly field: string;
  readonly code: ImportErrorCode;
  /** A finer reason where the rule gives one (`tel_local_number`, `at_sign`, …). */
  readonly reason?: string;
}

/** A row imported with a warning the app should act on. */
export interface ImportRowFlag {
  readonly row: number;
  readonly userId: string;
  /** `seed_below_128_bits`: imported because `allowShortSeeds` is on; ask the user to re-enrol. */
  readonly code: "seed_below_128_bits";
}

/** The bits below which a seed is refused (GEN-03: RFC 4226 R6 MUST). */
export const MIN_SEED_BITS = 128;
/**
 * The floor even with `allowShortSeeds`: 80 bits, the length Google Authenticator's examples
 * and many older systems used. Below it a seed is refused whatever the options say.
 */
export const MIN_FLAGGED_SEED_BITS = 80;
/** Longest seed accepted: 64 bytes, the SHA-512 output length (RFC 6238 §5.1). */
const MAX_SEED_BYTES = 64;
/**
 * Longest value of any field, in UTF-16 code units, checked before any rule runs (REL-07): a
 * megabyte in one cell costs one length test. The rules' own, tighter limits apply after.
 */
export const MAX_IMPORT_FIELD_LENGTH = 1024;

/** What checking a row needs: the policy and the tenant, as `createMfa` resolved them. */
export interface RowRules {
  readonly policy: Policy;
  readonly tenantDomains: readonly string[];
  readonly allowShortSeeds: boolean;
  /** Whether the keyring holds a key id (an app password's slot was computed under it). */
  readonly hasKey: (keyId: string) => boolean;
}

/** A row that passed: what applying it writes. */
export type CheckedRow = { readonly row: number; readonly userId: string } & (
  | {
      readonly kind: "totp";
      readonly secret: Uint8Array;
      readonly algorithm: TotpAlgorithm;
      readonly digits: 6 | 8;
      readonly periodSeconds: 30 | 60;
      /** The name the source gave it, if any. */
      readonly label: string | null;
      readonly short: boolean;
    }
  | {
      readonly kind: "phone";
      readonly method: PhoneMethod;
      readonly e164: string;
      readonly country: string;
      readonly extension: string | null;
      readonly delivery: Delivery;
    }
  | { readonly kind: "email"; readonly address: string }
  | { readonly kind: "app-password"; readonly appPassword: ImportedAppPassword }
);

const PHONE_TYPES: Readonly<Record<string, PhoneMethod>> = {
  authentication: "authentication-phone",
  office: "office-phone",
  alternate: "alternate-phone",
};

/** A refusal while checking a row: the field and code it is reported under. */
class RowRefusal {
  constructor(
    readonly field: string,
    readonly code: ImportErrorCode,
    readonly reason?: string,
  ) {}
}

const refuse = (field: string, code: ImportErrorCode, reason?: string): never => {
  throw new RowRefusal(field, code, reason);
};

// With the `u` flag, \p{Cs} matches only a surrogate that is not half of a pair.
const LONE_SURROGATE = /\p{Cs}/u;

/** Every string field bounded and well-formed before any rule reads it (REL-07). */
function assertFieldsBounded(row: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(row)) {
    if (typeof value !== "string") continue;
    if (value.length > MAX_IMPORT_FIELD_LENGTH) refuse(field, "input_too_long");
    if (LONE_SURROGATE.test(value)) refuse(field, "invalid_input", "lone_surrogate");
  }
}

/** An optional string field: absent, or a string. */
function optionalString(row: Record<string, unknown>, field: string): string | undefined {
  const value = row[field];
  if (value === undefined || value === null || value === "") return undefined;
  return typeof value === "string" ? value : refuse(field, "invalid_input");
}

function requiredString(row: Record<string, unknown>, field: string): string {
  return optionalString(row, field) ?? refuse(field, "invalid_input", "missing");
}

/** An optional whole number that a CSV cell may carry as text. */
function optionalInteger(row: Record<string, unknown>, field: string): number | undefined {
  const value = row[field];
  if (value === undefined || value === null || value === "") return undefined;
  const n = typeof value === "string" && /^\d{1,4}$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) ? n : refuse(field, "invalid_input");
}

/** Runs an enrolment rule; its typed error becomes a refusal of `field` (or the rule's own). */
function underRule<T>(
  field: string,
  rule: () => T,
  fieldOf?: (e: MfaError) => string,
  code?: ImportErrorCode,
): T {
  try {
    return rule();
  } catch (e) {
    if (!isMfaError(e)) throw e;
    const reason = typeof e.data.reason === "string" ? e.data.reason : undefined;
    return refuse(fieldOf ? fieldOf(e) : field, code ?? e.code, reason);
  }
}

function checkTotp(row: Record<string, unknown>, rules: RowRules) {
  if (!rules.policy.mfa.methods.includes("authenticator-app")) refuse("kind", "method_not_offered");
  const text = optionalString(row, "secret");
  if (text === undefined) return refuse("secret", "secret_not_exported");
  const secret = underRule(
    "secret",
    () => base32Decode(text),
    () => "secret",
    "invalid_seed",
  );
  if (secret.length === 0 || secret.length > MAX_SEED_BYTES) refuse("secret", "invalid_seed");
  const bits = secret.length * 8;
  const short = bits < MIN_SEED_BITS;
  if (short && (!rules.allowShortSeeds || bits < MIN_FLAGGED_SEED_BITS))
    refuse("secret", "seed_too_short");
  const algorithm = (optionalString(row, "algorithm") ?? "SHA1").toUpperCase().replace("-", "");
  if (!TOTP_ALGORITHMS.includes(algorithm as TotpAlgorithm))
    refuse("algorithm", "unsupported_parameter");
  const digits = optionalInteger(row, "digits") ?? 6;
  if (digits !== 6 && digits !== 8) refuse("digits", "unsupported_parameter");
  const periodSeconds = optionalInteger(row, "periodSeconds") ?? 30;
  if (periodSeconds !== 30 && periodSeconds !== 60)
    refuse("periodSeconds", "unsupported_parameter");
  const label = optionalString(row, "label")?.trim() || null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (label && (label.length > 64 || /[\u0000-\u001f\u007f-\u009f]/.test(label)))
    refuse("label", "invalid_input");
  return {
    kind: "totp" as const,
    secret,
    algorithm: algorithm as TotpAlgorithm,
    digits: digits as 6 | 8,
    periodSeconds: periodSeconds as 30 | 60,
    label,
    short,
  };
}

function checkPhone(row: Record<string, unknown>, rules: RowRules) {
  const type = requiredString(row, "phoneType");
  const method = PHONE_TYPES[type.toLowerCase()] ?? refuse("phoneType", "unknown_phone_type");
  const { policy } = rules;
  if (!policy.phone || !policy.mfa.methods.includes(method))
    refuse("phoneType", "method_not_offered");
  const offered = policy.phone?.deliveries ?? [];
  const module = factorModule(method);
  const reachable = module.deliveries?.(offered) ?? [];
  const asked = optionalString(row, "delivery")?.toLowerCase();
  // As the wizard does: texts where the kind takes them and the policy offers them, else a call.
  const delivery = (asked ?? (reachable.includes("sms") ? "sms" : "voice")) as Delivery;
  if (!reachable.includes(delivery)) refuse("delivery", "unsupported_parameter");
  const number = requiredString(row, "number");
  const extension = optionalString(row, "extension");
  const parsed = underRule(
    "number",
    () =>
      parsePhone(
        { number, use: module.phoneUse?.(delivery) ?? delivery, extension },
        { allowedCountries: policy.phone?.allowedCountries ?? [] },
      ),
    // The rule names the field it faults, except for an extension where none is allowed.
    (e) =>
      e.data.field === "extension" || e.code === "phone_extension_not_allowed"
        ? "extension"
        : "number",
  );
  return {
    kind: "phone" as const,
    method,
    e164: parsed.e164,
    country: parsed.country,
    extension: parsed.extension,
    delivery,
  };
}

function checkEmail(row: Record<string, unknown>, rules: RowRules) {
  if (!rules.policy.recovery.methods.includes("email")) refuse("kind", "method_not_offered");
  const input = requiredString(row, "address");
  const email = underRule("address", () =>
    parseRecoveryEmail(input, { tenantDomains: rules.tenantDomains }),
  );
  return { kind: "email" as const, address: email.address };
}

function checkAppPassword(row: Record<string, unknown>, rules: RowRules) {
  if (!rules.policy.appPasswords.enabled) refuse("kind", "method_not_offered");
  const hash = requiredString(row, "hash");
  const name = (optionalString(row, "name") ?? "Imported app password").trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (name.length === 0 || name.length > 64 || /[\u0000-\u001f\u007f-\u009f]/.test(name))
    refuse("name", "invalid_input");
  const parsed = parseAppPasswordHash(hash, rules.hasKey);
  if (!parsed.ok) return refuse("hash", "app_password_unverifiable", parsed.reason);
  return { kind: "app-password" as const, appPassword: { ...parsed.value, name } };
}

const CHECKS = {
  totp: checkTotp,
  phone: checkPhone,
  email: checkEmail,
  "app-password": checkAppPassword,
} as const;

/**
 * Checks one row against the enrolment rules: the factor to write, or why not. Pure: no store,
 * no clock. `position` is the row's place in the input, from 1, used when the row has no `row`.
 */
export function checkRow(
  input: unknown,
  position: number,
  rules: RowRules,
): { ok: true; value: CheckedRow } | { ok: false; error: ImportRowError } {
  const record =
    typeof input === "object" && input !== null && !Array.isArray(input)
      ? (input as Record<string, unknown>)
      : null;
  const given = record?.row;
  const row = typeof given === "number" && Number.isSafeInteger(given) ? given : position;
  let userId: string | null = null;
  try {
    if (!record) return refuse("row", "invalid_input");
    assertFieldsBounded(record);
    underRule("userId", () => assertUserId(record.userId));
    userId = record.userId as string;
    const kind = requiredString(record, "kind");
    const check = Object.hasOwn(CHECKS, kind)
      ? CHECKS[kind as keyof typeof CHECKS]
      : refuse("kind", "unknown_kind");
    return { ok: true, value: { row, userId, ...check(record, rules) } };
  } catch (e) {
    if (!(e instanceof RowRefusal)) throw e;
    const error: ImportRowError = {
      row,
      userId,
      field: e.field,
      code: e.code,
      ...(e.reason ? { reason: e.reason } : {}),
    };
    return { ok: false, error };
  }
}
