/**
 * The `otpauth://` Key URI that authenticator apps scan (Google Authenticator wiki "Key Uri
 * Format"; TOTP-07).
 *
 * Built as `otpauth://totp/<Issuer>:<account>?secret=<base32>&issuer=<Issuer>`: the label
 * carries the issuer as a prefix *and* the `issuer` parameter repeats it, as the wiki
 * recommends, because older apps read only one of the two. Both parts are percent-encoded per
 * RFC 3986 (`encodeURIComponent`, so a space is `%20`, never `+`), the separating colon stays
 * literal, and the secret is unpadded base32. `algorithm`, `digits` and `period` are written
 * only when they differ from SHA1 / 6 / 30, which every app assumes: the URI and its QR code
 * stay small, and apps that ignore those parameters still get the right code.
 *
 * A colon inside the issuer or the account name is refused rather than encoded: the wiki says
 * neither "may themselves contain a colon", and apps decode `%3A` in the label back to `:` and
 * would then split the label in the wrong place.
 *
 * @module
 */

import { MfaError } from "../errors.js";
import { base32Decode, base32Encode } from "./base32.js";
import { TOTP_ALGORITHMS, type TotpAlgorithm } from "./hotp.js";

/** Longest issuer or account name accepted, in characters (keeps the QR code scannable). */
export const MAX_KEY_URI_LABEL_PART = 128;

/**
 * Throws `MfaError(code)` unless `value` is a label part a Key URI can carry: 1 to
 * {@link MAX_KEY_URI_LABEL_PART} characters, no colon, no control characters, not only spaces.
 */
export function assertKeyUriLabelPart(
  value: unknown,
  field: "issuer" | "accountName",
  code: "invalid_input" | "config_invalid" = "invalid_input",
): asserts value is string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new MfaError(code, { message: `The ${field} must not be empty.`, data: { field } });
  }
  if (value.length > MAX_KEY_URI_LABEL_PART) {
    throw new MfaError(code === "config_invalid" ? code : "input_too_long", {
      data: { field, max: MAX_KEY_URI_LABEL_PART },
    });
  }
  if (value.includes(":")) {
    throw new MfaError(code, {
      message: `The ${field} must not contain ':' (the Key URI label separator).`,
      data: { field },
    });
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new MfaError(code, {
      message: `The ${field} must not contain control characters.`,
      data: { field },
    });
  }
}

/** What {@link buildKeyUri} needs. */
export interface KeyUriInput {
  /** Who issues the factor, e.g. `"Contoso"`; shown by the app as the account's title. */
  issuer: string;
  /** The user's account, e.g. `"alice@contoso.com"`. */
  accountName: string;
  /** The secret as base32 (padding is stripped). */
  secret: string;
  /** @default "SHA1" */
  algorithm?: TotpAlgorithm;
  /** @default 6 */
  digits?: number;
  /** @default 30 */
  periodSeconds?: number;
}

/** What {@link parseKeyUri} reads from a Key URI. */
export interface ParsedKeyUri {
  /** `totp` or `hotp`. */
  type: "totp" | "hotp";
  /** The `issuer` parameter, else the label prefix, else `null`. */
  issuer: string | null;
  /** The account name (decoded). */
  accountName: string;
  /** The secret as unpadded upper-case base32. */
  secret: string;
  /** `algorithm`, default SHA1. */
  algorithm: TotpAlgorithm;
  /** `digits`, default 6. */
  digits: number;
  /** `period`, default 30 (meaningless for hotp). */
  periodSeconds: number;
  /** `counter` for hotp (required there); `null` for totp. */
  counter: number | null;
}

/**
 * A TOTP Key URI for an authenticator app. Throws `invalid_input` for an empty issuer or
 * account, one holding ':' or control characters, or a secret that is not base32.
 *
 * @example
 * buildKeyUri({ issuer: "ACME Co", accountName: "john.doe@email.com", secret: "HXDM…BOZ" })
 * // "otpauth://totp/ACME%20Co:john.doe%40email.com?secret=HXDM…BOZ&issuer=ACME%20Co"
 */
export function buildKeyUri(input: KeyUriInput): string {
  const { issuer, accountName, algorithm = "SHA1", digits = 6, periodSeconds = 30 } = input;
  assertKeyUriLabelPart(issuer, "issuer");
  assertKeyUriLabelPart(accountName, "accountName");
  // Round trip: validates the alphabet and normalises case, padding and spacing.
  const secret = base32Encode(base32Decode(input.secret));
  if (secret === "") {
    throw new MfaError("invalid_input", { data: { field: "secret" } });
  }
  if (!TOTP_ALGORITHMS.includes(algorithm)) {
    throw new MfaError("invalid_input", { data: { field: "algorithm" } });
  }
  if (digits !== 6 && digits !== 8) {
    throw new MfaError("invalid_input", {
      message: "Authenticator apps show 6 or 8 digits.",
      data: { field: "digits" },
    });
  }
  if (!Number.isSafeInteger(periodSeconds) || periodSeconds < 1) {
    throw new MfaError("invalid_input", { data: { field: "periodSeconds" } });
  }
  const enc = encodeURIComponent;
  let uri = `otpauth://totp/${enc(issuer)}:${enc(accountName)}?secret=${secret}&issuer=${enc(issuer)}`;
  if (algorithm !== "SHA1") uri += `&algorithm=${algorithm}`;
  if (digits !== 6) uri += `&digits=${digits}`;
  if (periodSeconds !== 30) uri += `&period=${periodSeconds}`;
  return uri;
}

function parseError(message: string, field: string): MfaError {
  return new MfaError("invalid_input", { message, data: { field } });
}

function decodePart(text: string, field: string): string {
  try {
    return decodeURIComponent(text);
  } catch (cause) {
    throw new MfaError("invalid_input", {
      message: "The Key URI has a malformed percent-encoding.",
      data: { field },
      cause,
    });
  }
}

/**
 * Reads an `otpauth://` Key URI, as an authenticator app would. The label's issuer prefix may be
 * separated by `:` or `%3A` and followed by spaces; the `issuer` parameter wins over the prefix
 * when both are present. Throws `invalid_input` for another scheme or type, a missing or
 * non-base32 secret, an unknown algorithm, digits other than 6 or 8, a non-positive period, or
 * an hotp URI without a counter.
 *
 * @example
 * parseKeyUri("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example")
 * // { type: "totp", issuer: "Example", accountName: "alice@google.com", secret: "JBSWY3DPEHPK3PXP", … }
 */
export function parseKeyUri(uri: string): ParsedKeyUri {
  const match = /^otpauth:\/\/(totp|hotp)\/([^?#]*)(?:\?([^#]*))?(?:#.*)?$/i.exec(uri);
  if (!match) throw parseError("Not an otpauth://totp or otpauth://hotp URI.", "uri");
  const type = (match[1] as string).toLowerCase() as "totp" | "hotp";
  const label = decodePart(match[2] as string, "label");
  const colon = label.indexOf(":");
  const prefix = colon === -1 ? null : label.slice(0, colon);
  const accountName = (colon === -1 ? label : label.slice(colon + 1)).replace(/^ +/, "");
  if (accountName === "") throw parseError("The Key URI has no account name.", "label");

  const params = new URLSearchParams(match[3] ?? "");
  const rawSecret = params.get("secret");
  if (!rawSecret) throw parseError("The Key URI has no secret.", "secret");
  const secret = base32Encode(base32Decode(rawSecret));
  if (secret === "") throw parseError("The Key URI has an empty secret.", "secret");

  const algorithm = (params.get("algorithm") ?? "SHA1").toUpperCase() as TotpAlgorithm;
  if (!TOTP_ALGORITHMS.includes(algorithm)) {
    throw parseError("The Key URI names an unknown algorithm.", "algorithm");
  }
  const digits = Number(params.get("digits") ?? "6");
  if (digits !== 6 && digits !== 8) throw parseError("Digits must be 6 or 8.", "digits");
  const periodSeconds = Number(params.get("period") ?? "30");
  if (!Number.isSafeInteger(periodSeconds) || periodSeconds < 1) {
    throw parseError("The period must be a positive whole number of seconds.", "period");
  }
  let counter: number | null = null;
  if (type === "hotp") {
    counter = Number(params.get("counter") ?? Number.NaN);
    if (!Number.isSafeInteger(counter) || counter < 0) {
      throw parseError("An hotp Key URI needs a non-negative counter.", "counter");
    }
  }
  const issuer = params.get("issuer") ?? prefix;
  return { type, issuer, accountName, secret, algorithm, digits, periodSeconds, counter };
}
