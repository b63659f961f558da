/**
 * Voice calls through Twilio's Calls API, with the script inline as TwiML.
 *
 * `POST /2010-04-01/Accounts/{AccountSid}/Calls.json` with `To`, `From`, `Twiml` and, for an
 * office phone's extension, `SendDigits` (https://www.twilio.com/docs/voice/api/call-resource).
 *
 * @module
 */

import { MfaError, type VoiceSender } from "@mfakit/core/adapter";
import {
  checkTwilioOptions,
  type TwilioClientOptions,
  twilioPoster,
  withStatusCallback,
} from "./twilio-api.js";
import { renderTwiml, sayLanguage, TWILIO_SAY_LANGUAGES } from "./twiml.js";

/** Options of {@link twilioVoice}. */
export interface TwilioVoiceOptions extends TwilioClientOptions {
  /** The caller ID: a Twilio number or a verified caller ID, in E.164. */
  readonly from: string;
  /**
   * `<Say voice>`, e.g. `"Polly.Amy"`; it must speak every language you send in.
   * @default Twilio's default voice for the language
   */
  readonly voice?: string;
  /**
   * Locale → `<Say language>` overrides, merged over the built-in table (lower-case keys, e.g.
   * `{ "de-ch": "de-DE" }`). @default {@link TWILIO_SAY_LANGUAGES}
   */
  readonly languages?: Readonly<Record<string, string>>;
  /**
   * Seconds to wait after the call connects before dialling an extension (each `w` in
   * `SendDigits` is half a second). @default 2
   */
  readonly extensionDelaySeconds?: number;
  /** Seconds to let the phone ring (`Timeout`). @default Twilio's 60 */
  readonly ringTimeoutSeconds?: number;
}

/**
 * A {@link VoiceSender} on Twilio. The receipt's `messageId` is the Call SID (`CA…`).
 *
 * @throws MfaError `config_invalid` at construction; `invalid_input` from `send` for an
 *   extension that is not digits, `*` and `#`, or a script over Twilio's 4000-character limit
 *   (no call is placed).
 * @example
 * ```ts
 * const voice = twilioVoice({ accountSid, authToken, from: "+14155550100", voice: "Polly.Amy" });
 * ```
 */
export function twilioVoice(options: TwilioVoiceOptions): VoiceSender {
  const delay = options.extensionDelaySeconds ?? 2;
  checkTwilioOptions(options, [
    ...(/^\+[1-9]\d{1,14}$/.test(options.from ?? "") ? [] : ["from must be an E.164 number"]),
    ...(delay >= 0 && delay <= 15 ? [] : ["extensionDelaySeconds must be 0 to 15"]),
  ]);
  const languages = { ...TWILIO_SAY_LANGUAGES, ...options.languages };
  const post = twilioPoster(options, "Calls");
  const sender: VoiceSender = {
    id: "twilio-voice",
    async send(message) {
      if (message.extension !== undefined && !/^[0-9*#]{1,32}$/.test(message.extension)) {
        throw new MfaError("invalid_input", {
          message: "An extension may only hold digits, * and #.",
          data: { field: "extension" },
        });
      }
      const twiml = renderTwiml(message.segments, {
        language: sayLanguage(message.voiceLocale ?? message.locale, languages),
        ...(options.voice ? { voice: options.voice } : {}),
      });
      const form = new URLSearchParams({ To: message.to, From: options.from, Twiml: twiml });
      if (message.extension) {
        form.set("SendDigits", `${"w".repeat(Math.round(delay * 2))}${message.extension}`);
      }
      if (options.ringTimeoutSeconds) form.set("Timeout", String(options.ringTimeoutSeconds));
      // By default Twilio reports only `completed`; ringing and answered tell the user more.
      if (options.statusCallbackUrl)
        for (const event of ["initiated", "ringing", "answered", "completed"])
          form.append("StatusCallbackEvent", event);
      const messageId = await post(withStatusCallback(form, options));
      return { provider: "twilio", messageId };
    },
  };
  return Object.freeze(sender);
}
