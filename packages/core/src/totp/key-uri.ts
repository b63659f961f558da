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

/**
 * Longest issuer or account name accepted, in characters (Unicode code points, so an emoji
 * counts once): keeps the QR code scannable.
 */
export const MAX_KEY_URI_LABEL_PART = 128;

/**
 * Longest Key URI, in characters: what one QR code holds (version 40, error correction M, byte
 * mode, ISO/IEC 18004 table 7). A longer URI cannot be drawn at all. The TOTP service refuses an
 * issuer that would leave too little room, so every accepted account name fits.
 */
export const MAX_KEY_URI_LENGTH = 2331;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
const CONTROL = /[\u0000-\u001f\u007f]/;
// With the `u` flag, \p{Cs} matches only a surrogate that is not half of a pair:
// `encodeURIComponent` throws a URIError on one, and UTF-8 cannot carry it.
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether `value` has more than `max` characters (code points); counts no further than that. */
function exceeds(value: string, max: number): boolean {
  // A code point is one or two code units, so the unit count alone decides most cases.
  if (value.length <= max) return false;
  if (value.length > 2 * max) return true;
  let points = 0;
  for (const _ of value) if (++points > max) return true;
  return false;
}

/**
 * Throws `MfaError(code)` unless `value` is a label part a Key URI can carry: 1 to
 * {@link MAX_KEY_URI_LABEL_PART} characters, well-formed Unicode (no lone surrogate), no colon,
 * no control characters, not only spaces. Too long is `input_too_long` (or `config_invalid`),
 * checked first so that an oversized value costs no further work (REL-07).
 */
export function assertKeyUriLabelPart(
  value: unknown,
  field: "issuer" | "accountName",
  code: "invalid_input" | "config_invalid" = "invalid_input",
): asserts value is string {
  if (typeof value === "string" && exceeds(value, MAX_KEY_URI_LABEL_PART)) {
    throw new MfaError(code === "config_invalid" ? code : "input_too_long", {
      data: { field, max: MAX_KEY_URI_LABEL_PART },
    });
  }
  if (typeof value !== "string" || value.trim() === "") {
    throw new MfaError(code, { message: `The ${field} must not be empty.`, data: { field } });
  }
  if (LONE_SURROGATE.test(value)) {
    throw new MfaError(code, {
      message: `The ${field} must be well-formed Unicode (no lone surrogate).`,
      data: { field },
    });
  }
  if (value.includes(":")) {
    throw new MfaError(code, {
      message: `The ${field} must not contain ':' (the Key URI label separator).`,
      data: { field },
    });
  }
  if (CONTROL.test(value)) {
    throw new MfaError(code, {
      message: `The ${field} must not contain control characters.`,
      data: { field },
    });
  }
}

/** What {@link accountLabel} returns for a name with nothing showable in it. */
const FALLBACK_LABEL = "account";

/**
 * Makes any string an account name that {@link assertKeyUriLabelPart} accepts, for labels
 * derived from data the user did not type for this purpose (an e-mail address, a phone number,
 * a user id): the first {@link MAX_KEY_URI_LABEL_PART} characters, counted in code points so
 * that an emoji is never cut in half; `':'` becomes `'_'`, a lone surrogate becomes U+FFFD and a
 * control character a space; surrounding spaces are trimmed, and a name left blank becomes
 * `"account"`. Reads at most 128 characters of `raw`, whatever its length.
 *
 * @example
 * accountLabel("alice:admin@contoso.com") // "alice_admin@contoso.com"
 * accountLabel(`${"a".repeat(127)}😀b`) // "aaa…a😀" (128 characters, the emoji whole)
 */
export function accountLabel(raw: string): string {
  let label = "";
  let points = 0;
  for (const char of String(raw)) {
    if (++points > MAX_KEY_URI_LABEL_PART) break;
    if (char === ":") label += "_";
    else if (LONE_SURROGATE.test(char)) label += "\ufffd";
    else if (CONTROL.test(char)) label += " ";
    else label += char;
  }
  label = label.trim();
  return label === "" ? FALLBACK_LABEL : label;
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
 * account, one holding ':', control characters or a lone surrogate, or a secret that is not
 * base32; `input_too_long` for a part over {@link MAX_KEY_URI_LABEL_PART} characters or a URI
 * over {@link MAX_KEY_URI_LENGTH} (it would not fit a QR code).
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
  if (uri.length > MAX_KEY_URI_LENGTH) {
    throw new MfaError("input_too_long", { data: { field: "uri", max: MAX_KEY_URI_LENGTH } });
  }
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
