/**
 * Phone rules: which numbers may receive codes, in which canonical form.
 *
 * Every number is parsed and validated with libphonenumber's full ("max") metadata, turned into
 * E.164 (PHONE-01), and checked against what its use allows: SMS only to mobiles (PHONE-03),
 * voice also to fixed lines, an extension only on an office phone (PHONE-04). Cost-bearing and
 * virtual number types are refused (FRAUD-02, PSTN-02), and so are countries outside the
 * integrator's allow-list (FRAUD-01). All of it happens before any provider call, so a refused
 * number costs nothing.
 *
 * The type is checked on every parse and never stored (PHONE-02): numbering plans change, and
 * the pinned library version is what the tests classify.
 *
 * @module
 */

import {
  type CountryCode,
  isSupportedCountry,
  type PhoneNumber as ParsedNumber,
  ParseError,
  type PhoneNumberType,
  parseDigits,
  parsePhoneNumberFromString,
  parsePhoneNumberWithError,
} from "libphonenumber-js/max";
import { MfaError } from "../errors.js";

/** What a phone is for: receiving SMS codes, receiving voice calls, or an office line. */
export type PhoneUse = "sms" | "voice" | "office";

/** The libphonenumber types a number may have to be accepted for some use. */
export type AcceptedPhoneType = "MOBILE" | "FIXED_LINE_OR_MOBILE" | "FIXED_LINE";

/**
 * The number types each use accepts (PHONE-03). SMS goes only to mobiles, and to
 * `FIXED_LINE_OR_MOBILE` where the numbering plan cannot tell them apart (the NANP, for one);
 * a voice call may also ring a fixed line; an office phone follows the voice rules. Every other
 * type — `PREMIUM_RATE`, `SHARED_COST`, `TOLL_FREE`, `VOIP`, `PAGER`, `UAN`, `VOICEMAIL`,
 * `PERSONAL_NUMBER` and unknown — is refused for every use (FRAUD-02, PSTN-02).
 */
export const ALLOWED_PHONE_TYPES: Readonly<Record<PhoneUse, readonly AcceptedPhoneType[]>> =
  Object.freeze({
    sms: Object.freeze(["MOBILE", "FIXED_LINE_OR_MOBILE"] as const),
    voice: Object.freeze(["MOBILE", "FIXED_LINE_OR_MOBILE", "FIXED_LINE"] as const),
    office: Object.freeze(["MOBILE", "FIXED_LINE_OR_MOBILE", "FIXED_LINE"] as const),
  });

/** Longest phone number or extension input accepted, in UTF-16 code units (REL-07). */
export const MAX_PHONE_INPUT_LENGTH = 64;

/** Longest extension accepted, in digits (office phones only). */
export const MAX_EXTENSION_DIGITS = 10;

/** Per-call phone rules. */
export interface PhoneRules {
  /**
   * ISO 3166-1 alpha-2 codes of the countries numbers may belong to (FRAUD-01); case does not
   * matter. An empty list allows no country. Numbers of shared calling codes are told apart:
   * allowing `GB` does not allow Guernsey (`GG`), Jersey (`JE`) or the Isle of Man (`IM`).
   *
   * Left undefined, this function applies no country restriction: the deny-by-default
   * decision belongs to the engine's configuration, which always passes an explicit list.
   * Non-geographic numbers (+800, +870, +881, +882, +883 …) belong to no country and are
   * refused either way.
   * @default undefined (no country restriction at this level)
   */
  allowedCountries?: readonly string[];
}

/** What a user typed, and what the number is for. */
export interface ParsePhoneInput {
  /**
   * The number as typed: international (`"+44 7400 123456"`) or national with `country`
   * (`"07400 123456"`). Spaces, dashes, dots and brackets, Unicode digits (full-width,
   * Arabic-Indic) and invisible characters such as ZWSP are accepted (PHONE-06); an extension
   * may be written in the number (`"… ext. 123"`, `"… x123"`). A `tel:` URI with a global
   * number is accepted too (RFC 3966: `"tel:+1-201-555-0123;ext=12"`), strictly: ASCII digits
   * and the visual separators `-.()`, no parameter but `;ext=`, no local number
   * (`;phone-context=`). Other text is refused.
   */
  number: string;
  /** ISO 3166-1 alpha-2 code used for national input; case does not matter. */
  country?: string;
  /** What the number is for; decides which types and whether an extension is allowed. */
  use: PhoneUse;
  /** An extension, digits only, at most 10 (office phones only). An empty string means none. */
  extension?: string;
}

/** A number that passed the rules for its use. */
export interface PhoneNumber {
  /** Canonical E.164 (`+447400123456`), without the extension: compare, deduplicate and rate-limit on this. */
  e164: string;
  /** ISO 3166-1 alpha-2 region of the number (`"GB"`, `"GG"`, `"US"`). */
  country: string;
  /** Country calling code without the plus (`"44"`). */
  countryCallingCode: string;
  /** libphonenumber type at the time of parsing; check again rather than store it (PHONE-02). */
  type: AcceptedPhoneType;
  /** Extension digits (office phones only), or null. */
  extension: string | null;
  /** National format for display (`"07400 123456"`), without the extension. */
  national: string;
  /** International format for display (`"+44 7400 123456"`), without the extension. */
  international: string;
  /** Masked form for messages and lists (`"+44 ••• •••456"`); see {@link maskPhone}. */
  masked: string;
}

const USES: readonly PhoneUse[] = ["sms", "voice", "office"];
const ALPHA_2 = /^[A-Za-z]{2}$/;
const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * Parses a phone number and checks it against the rules for its use.
 *
 * Checks, in order: input sizes (REL-07), the country code's shape and the allow-list's entries
 * (a misconfiguration shows whatever the number), parsing and `isValid()`
 * (not just "possible", PHONE-02), the country allow-list (FRAUD-01), the extension (PHONE-04),
 * then the number type (PHONE-03, FRAUD-02, PSTN-02). Nothing is stored and nothing is sent.
 *
 * @throws {MfaError} `input_too_long` (number or extension over {@link MAX_PHONE_INPUT_LENGTH});
 *   `invalid_input` (`country` is not an ISO alpha-2 code, or `use` is unknown);
 *   `config_invalid` (an `allowedCountries` entry is not an ISO alpha-2 code);
 *   `invalid_phone` (unparseable, not a valid number, a malformed `tel:` URI or extension;
 *   `data.reason`, and `data.field`: `"number"` or `"extension"`, whichever holds the fault);
 *   `country_not_allowed` (`data.country`, `data.countryCallingCode`);
 *   `phone_extension_not_allowed` (an extension for SMS or voice);
 *   `phone_type_not_allowed` (`data.type`, `data.use`).
 *
 * @example
 * ```ts
 * parsePhone({ number: "07400 123456", country: "GB", use: "sms" }, { allowedCountries: ["GB"] });
 * // { e164: "+447400123456", country: "GB", type: "MOBILE", masked: "+44 ••• •••456", … }
 * ```
 */
export function parsePhone(input: ParsePhoneInput, rules: PhoneRules = {}): PhoneNumber {
  const { number, use } = input;
  boundedString(number, "number", false);
  boundedString(input.extension, "extension", true);
  if (!USES.includes(use)) {
    throw new MfaError("invalid_input", { data: { field: "use" } });
  }
  const defaultCountry = countryOption(input.country);
  const allowed = allowedCountrySet(rules.allowedCountries);

  const uri = TEL_SCHEME.test(number) ? telUri(number) : null;
  const parsed = parseNumber(uri?.number ?? number, defaultCountry);
  if (!parsed.isValid()) {
    throw invalidPhone("invalid");
  }

  const country = parsed.country;
  // A non-geographic number (international freephone, satellite, shared-cost networks) has
  // no country to allow; those ranges are favourite toll-fraud destinations.
  if (country === undefined || (allowed !== null && !allowed.has(country))) {
    throw new MfaError("country_not_allowed", {
      data: { country: country ?? null, countryCallingCode: parsed.countryCallingCode },
    });
  }

  const extension = mergedExtension(uri ? uri.extension : parsed.ext, input.extension);
  if (extension !== null && use !== "office") {
    throw new MfaError("phone_extension_not_allowed", { data: { use } });
  }

  const type = parsed.getType();
  if (!isAllowedType(type, use)) {
    throw new MfaError("phone_type_not_allowed", { data: { type: type ?? "UNKNOWN", use } });
  }

  // Display strings leave the extension out, so a UI can write it in its own language.
  const withoutExtension = { formatExtension: (formatted: string) => formatted };
  return {
    e164: parsed.number,
    country,
    countryCallingCode: parsed.countryCallingCode,
    type,
    extension,
    national: parsed.formatNational(withoutExtension),
    international: parsed.formatInternational(withoutExtension),
    masked: masked(parsed.countryCallingCode, parsed.nationalNumber),
  };
}

/**
 * Masks an E.164 number for messages, lists and logs: the calling code and at most the last
 * three digits show, the rest is a fixed pattern so the mask does not give away the length.
 *
 * @throws {MfaError} `invalid_phone` when `e164` is not E.164 with a known calling code.
 * @example maskPhone("+447400123456") // "+44 ••• •••456"
 */
export function maskPhone(e164: string): string {
  const known = typeof e164 === "string" ? maskedNumbers.get(e164) : undefined;
  if (known !== undefined) return known;
  const parsed =
    typeof e164 === "string" && E164.test(e164) ? parsePhoneNumberFromString(e164) : undefined;
  if (parsed === undefined) {
    throw new MfaError("invalid_phone", { data: { reason: "not_e164" } });
  }
  const mask = masked(parsed.countryCallingCode, parsed.nationalNumber);
  if (maskedNumbers.size >= MASKED_NUMBERS_KEPT) maskedNumbers.clear();
  maskedNumbers.set(e164, mask);
  return mask;
}

/**
 * Masks already made, by E.164 number. A stored number is masked wherever a factor is listed
 * (the wizard's every view, the registry's "which methods are held"), several times per action:
 * a libphonenumber parse each time was 6 % of a seed enrolment. A mask depends on the number
 * alone, and the map is emptied when full, so it holds at most this many numbers.
 */
const maskedNumbers = new Map<string, string>();
const MASKED_NUMBERS_KEPT = 1024;

function masked(countryCallingCode: string, nationalNumber: string): string {
  // Short national numbers (a few small territories have 4 to 5 digits) show fewer digits,
  // so that more is hidden than shown.
  const shown = Math.min(3, Math.floor(nationalNumber.length / 2));
  return `+${countryCallingCode} ••• •••${nationalNumber.slice(nationalNumber.length - shown)}`;
}

function boundedString(value: unknown, field: string, optional: boolean): void {
  if (optional && value === undefined) return;
  if (typeof value !== "string") {
    throw new MfaError("invalid_input", { data: { field } });
  }
  if (value.length > MAX_PHONE_INPUT_LENGTH) {
    throw new MfaError("input_too_long", { data: { field, max: MAX_PHONE_INPUT_LENGTH } });
  }
}

function countryOption(country: string | undefined): CountryCode | undefined {
  if (country === undefined) return undefined;
  const upper = typeof country === "string" && ALPHA_2.test(country) ? country.toUpperCase() : "";
  if (!isSupportedCountry(upper)) {
    throw new MfaError("invalid_input", { data: { field: "country" } });
  }
  return upper as CountryCode;
}

function allowedCountrySet(list: readonly string[] | undefined): ReadonlySet<string> | null {
  if (list === undefined) return null;
  const set = new Set<string>();
  for (const entry of list) {
    const upper = typeof entry === "string" && ALPHA_2.test(entry) ? entry.toUpperCase() : "";
    // A typo such as "UK" (GB's ISO code is "GB") would otherwise deny a country silently.
    if (!isSupportedCountry(upper)) {
      throw new MfaError("config_invalid", {
        message: `allowedCountries has an entry that is not an ISO 3166-1 alpha-2 code.`,
        data: { field: "allowedCountries", value: String(entry).slice(0, 8) },
      });
    }
    set.add(upper);
  }
  return set;
}

function parseNumber(number: string, defaultCountry: CountryCode | undefined): ParsedNumber {
  // libphonenumber-js lists U+FF0B FULLWIDTH PLUS SIGN as a plus but does not parse it in
  // front of a number; full-width digits after it are fine (PHONE-06).
  const text = number.replace(/\uFF0B/g, "+");
  try {
    // `extract: false`: the whole input must be the number, not text that contains one.
    return parsePhoneNumberWithError(text, { defaultCountry, extract: false });
  } catch (e) {
    // Whatever the parser throws, the input made it throw: a user's typing is never a crash.
    const reason = e instanceof ParseError ? e.message.toLowerCase() : "unparseable";
    throw invalidPhone(reason, "number", e);
  }
}

const TEL_SCHEME = /^tel:/i;
// RFC 3966 `1*phonedigit` with at least one DIGIT: ASCII digits and the visual separators.
const PHONEDIGITS = /^[\d().-]*\d[\d().-]*$/;
const VISUAL_SEPARATORS = /[().-]/g;

/**
 * A `tel:` URI's global number (`+` and digits) and extension (RFC 3966 §3, §5.1).
 *
 * Only the parts this SDK can act on are accepted. A local number (no `+`, or any
 * `;phone-context=`) is dialled relative to a context the server does not share, so its
 * E.164 form would be a guess. `;isub=` and other parameters change what is called in ways a
 * code delivery cannot honour; refusing them beats silently dropping them.
 */
function telUri(uri: string): { number: string; extension: string | undefined } {
  const [subscriber = "", ...params] = uri.slice("tel:".length).split(";");
  if (!subscriber.startsWith("+")) {
    throw invalidPhone(PHONEDIGITS.test(subscriber) ? "tel_local_number" : "tel_syntax");
  }
  if (!PHONEDIGITS.test(subscriber.slice(1))) throw invalidPhone("tel_syntax");
  let extension: string | undefined;
  for (const param of params) {
    const equals = param.indexOf("=");
    const value = equals < 0 ? undefined : param.slice(equals + 1);
    // Parameter names are case-insensitive (RFC 3966 §3).
    const lower = (equals < 0 ? param : param.slice(0, equals)).toLowerCase();
    if (lower === "phone-context") throw invalidPhone("tel_local_number");
    if (lower !== "ext" || extension !== undefined) throw invalidPhone("tel_parameter");
    if (value === undefined || !PHONEDIGITS.test(value)) throw invalidPhone("invalid_extension");
    extension = value.replace(VISUAL_SEPARATORS, "");
  }
  return { number: `+${subscriber.slice(1).replace(VISUAL_SEPARATORS, "")}`, extension };
}

/** `invalid_phone` naming the field at fault, so a form can mark it. */
function invalidPhone(
  reason: string,
  field: "number" | "extension" = "number",
  cause?: unknown,
): MfaError {
  const data =
    reason === "invalid_extension"
      ? { field, reason, max: MAX_EXTENSION_DIGITS }
      : { field, reason };
  return new MfaError("invalid_phone", { data, cause });
}

function mergedExtension(inNumber: string | undefined, field: string | undefined): string | null {
  const fromField =
    field === undefined || field.trim() === "" ? null : extensionDigits(field.trim(), "extension");
  const fromNumber =
    inNumber === undefined || inNumber === "" ? null : extensionDigits(inNumber, "number");
  if (fromField !== null && fromNumber !== null && fromField !== fromNumber) {
    throw invalidPhone("extension_mismatch", "extension");
  }
  return fromField ?? fromNumber;
}

function extensionDigits(raw: string, field: "number" | "extension"): string {
  // parseDigits maps Unicode decimal digits to ASCII and drops everything else, so a length
  // change means there was something other than a digit.
  const digits = parseDigits(raw);
  if (digits.length !== raw.length || digits.length > MAX_EXTENSION_DIGITS) {
    throw invalidPhone("invalid_extension", field);
  }
  return digits;
}

function isAllowedType(
  type: PhoneNumberType | undefined,
  use: PhoneUse,
): type is AcceptedPhoneType {
  return type !== undefined && (ALLOWED_PHONE_TYPES[use] as readonly string[]).includes(type);
}
