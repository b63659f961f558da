/**
 * The NCCO for a code call: one `talk` action whose text is SSML, the say-segments escaped and
 * each pause a `<break>` (https://developer.vonage.com/en/voice/voice-api/ncco-reference#talk,
 * https://developer.vonage.com/en/voice/voice-api/guides/customizing-tts).
 *
 * The core already spells the code digit by digit and repeats it; this renders that script
 * faithfully. Every text is XML-escaped, so nothing in a template can add SSML.
 *
 * @module
 */

import { MfaError, type VoiceSegment } from "@mfakit/core/adapter";
import { negotiateLocale } from "@mfakit/core/delivery";

/**
 * Languages `talk` speaks, keyed by lower-case BCP 47 tag or bare language. A locale is looked
 * up whole (`en-gb`), then by its language (`en`).
 */
export const VONAGE_TALK_LANGUAGES: Readonly<Record<string, string>> = {
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

/** Vonage's limit on a talk action's text, in characters without SSML tags. */
export const TALK_TEXT_MAX_LENGTH = 1500;

/** The talk `language` for a locale: exact tag, then its language, then `en-US`. */
export function talkLanguage(
  locale: string,
  languages: Readonly<Record<string, string>> = VONAGE_TALK_LANGUAGES,
): string {
  // The core's RFC 4647 lookup (de-CH-1996 → de-CH → de), bounded input included.
  const tag = negotiateLocale(locale, Object.keys(languages), "");
  return languages[tag] ?? "en-US";
}

/** Escapes text for SSML (XML) content. */
export function ssmlEscape(text: string): string {
  return [...text]
    .filter((ch) => {
      // XML 1.0 forbids most C0 control characters: drop them rather than send invalid SSML.
      const c = ch.codePointAt(0) ?? 0;
      return c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
    })
    .join("")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** A talk action. */
export interface TalkAction {
  readonly action: "talk";
  readonly text: string;
  readonly language: string;
  readonly style?: number;
  readonly premium?: boolean;
}

/** Options of {@link renderNcco}. */
export interface NccoOptions {
  readonly language: string;
  /** Vonage's voice style index for the language. @default Vonage's 0 */
  readonly style?: number;
  /** Use the premium (neural) voices. @default false */
  readonly premium?: boolean;
}

/**
 * Renders the script as one talk action. Pauses become `<break time="…ms"/>`.
 *
 * @throws MfaError `invalid_input` when the spoken text exceeds {@link TALK_TEXT_MAX_LENGTH}.
 */
export function renderNcco(segments: readonly VoiceSegment[], options: NccoOptions): TalkAction[] {
  let spokenLength = 0;
  const parts = segments.map((segment) => {
    if (segment.kind === "say") {
      spokenLength += segment.text.length + 1;
      return ssmlEscape(segment.text);
    }
    if (!(segment.seconds > 0)) return "";
    return `<break time="${Math.round(Math.min(segment.seconds, 10) * 1000)}ms"/>`;
  });
  if (spokenLength > TALK_TEXT_MAX_LENGTH) {
    throw new MfaError("invalid_input", {
      message: "The voice script is longer than Vonage accepts.",
      data: { field: "segments", maxLength: TALK_TEXT_MAX_LENGTH, length: spokenLength },
    });
  }
  const talk: TalkAction = {
    action: "talk",
    text: `<speak>${parts.join(" ")}</speak>`,
    language: options.language,
    ...(options.style !== undefined ? { style: options.style } : {}),
    ...(options.premium ? { premium: true } : {}),
  };
  return [talk];
}
