/**
 * TwiML for a code call: one `<Say>` per say-segment in the user's language, one `<Pause>` per
 * pause (https://www.twilio.com/docs/voice/twiml/say, https://www.twilio.com/docs/voice/twiml/pause).
 *
 * The core already spells the code digit by digit with pauses and repeats it; this module only
 * renders that script faithfully and safely: every text and attribute is XML-escaped, so no
 * template or input can add TwiML verbs (a `<Dial>` smuggled into a call would be toll fraud).
 *
 * @module
 */

import { MfaError, type VoiceSegment } from "@mfakit/core/adapter";
import { negotiateLocale } from "@mfakit/core/delivery";

/**
 * Languages `<Say>` speaks, keyed by lower-case BCP 47 tag or bare language. A locale is looked
 * up whole (`en-gb`), then by its language (`en`).
 */
export const TWILIO_SAY_LANGUAGES: Readonly<Record<string, string>> = {
  en: "en-US",
  "en-us": "en-US",
  "en-gb": "en-GB",
  "en-au": "en-AU",
  "en-in": "en-IN",
  // Regions without a voice of their own here: the nearest accent rather than American.
  "en-ie": "en-GB",
  "en-za": "en-GB",
  "en-nz": "en-AU",
  de: "de-DE",
  "de-at": "de-AT",
  fr: "fr-FR",
  "fr-ca": "fr-CA",
  es: "es-ES",
  "es-mx": "es-MX",
  "es-us": "es-US",
  it: "it-IT",
  pt: "pt-PT",
  "pt-br": "pt-BR",
  nl: "nl-NL",
  da: "da-DK",
  sv: "sv-SE",
  nb: "nb-NO",
  pl: "pl-PL",
  ja: "ja-JP",
};

/** Twilio's limit on the `Twiml` parameter of a call, in characters. */
export const TWIML_MAX_LENGTH = 4000;

/** The `<Say language>` for a locale: exact tag, then its language, then `fallback`. */
export function sayLanguage(
  locale: string,
  languages: Readonly<Record<string, string>> = TWILIO_SAY_LANGUAGES,
  fallback = "en-US",
): string {
  // The core's RFC 4647 lookup (de-CH-1996 → de-CH → de), bounded input included.
  const tag = negotiateLocale(locale, Object.keys(languages), "");
  return languages[tag] ?? fallback;
}

/** Characters XML 1.0 does not allow at all (they would make the document invalid). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing the control characters XML forbids is the point.
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes text for XML content and attribute values. */
export function xmlEscape(text: string): string {
  return text
    .replace(XML_FORBIDDEN, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Options of {@link renderTwiml}. */
export interface TwimlOptions {
  /** The `<Say language>` value. */
  readonly language: string;
  /** The `<Say voice>` value, e.g. `"Polly.Joanna"`; omitted when not set. */
  readonly voice?: string;
}

/**
 * Renders the script. Pauses become `<Pause length>` in whole seconds (Twilio's unit), at least 1.
 *
 * @throws MfaError `invalid_input` when the result exceeds {@link TWIML_MAX_LENGTH}.
 */
export function renderTwiml(segments: readonly VoiceSegment[], options: TwimlOptions): string {
  const attributes = `language="${xmlEscape(options.language)}"${
    options.voice ? ` voice="${xmlEscape(options.voice)}"` : ""
  }`;
  const verbs = segments.map((segment) => {
    if (segment.kind === "say") return `<Say ${attributes}>${xmlEscape(segment.text)}</Say>`;
    if (!(segment.seconds > 0)) return "";
    return `<Pause length="${Math.max(1, Math.round(segment.seconds))}"/>`;
  });
  const twiml = `<?xml version="1.0" encoding="UTF-8"?><Response>${verbs.join("")}</Response>`;
  if (twiml.length > TWIML_MAX_LENGTH) {
    throw new MfaError("invalid_input", {
      message: "The voice script is longer than Twilio accepts.",
      data: { field: "segments", maxLength: TWIML_MAX_LENGTH, length: twiml.length },
    });
  }
  return twiml;
}
