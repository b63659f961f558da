/**
 * Voice calls through Vonage's Voice API with an inline NCCO.
 *
 * `POST https://api.nexmo.com/v1/calls` with a Bearer JWT (RS256, the application's private
 * key) and a JSON body `{ to: [{ type: "phone", number, dtmf_answer }], from, ncco }`
 * (https://developer.vonage.com/en/api/voice#createCall). Errors are RFC 7807 problem documents
 * (https://developer.vonage.com/en/api-errors).
 *
 * @module
 */

import {
  baseUrlProblems,
  type Clock,
  MfaError,
  systemClock,
  type VoiceSender,
} from "@mfakit/core/adapter";
import { applicationJwt, parsePrivateKey } from "./application-jwt.js";
import { renderNcco, talkLanguage, VONAGE_TALK_LANGUAGES } from "./ncco.js";
import {
  assertNoProblems,
  postWithTimeout,
  redactProviderText,
  type VonageAnswer,
  VonageApiError,
  type VonageTransportOptions,
  vonageError,
  vonageNumber,
} from "./vonage-http.js";

/** Options of {@link vonageVoice}. */
export interface VonageVoiceOptions extends VonageTransportOptions {
  /** The Voice application's ID (Dashboard → Applications). */
  readonly applicationId: string;
  /** The application's private key, PEM (the `private.key` the Dashboard generated). */
  readonly privateKey: string;
  /** The caller ID: a Vonage number linked to the application, E.164. */
  readonly from: string;
  /**
   * The Voice API's base URL; `https://` unless `allowInsecureBaseUrl` is set.
   * @default "https://api.nexmo.com"
   */
  readonly baseUrl?: string;
  /** Where Vonage posts call events (`event_url`); verify them with `verifyVonageSignature`. */
  readonly eventUrl?: string;
  /** Locale → talk `language` overrides, merged over {@link VONAGE_TALK_LANGUAGES}. */
  readonly languages?: Readonly<Record<string, string>>;
  /** Talk `style` (voice variant) for every language. @default Vonage's 0 */
  readonly style?: number;
  /** Premium (neural) voices, billed extra. @default false */
  readonly premium?: boolean;
  /** Seconds to wait after answer before dialling an extension (`p` = 0.5 s). @default 2 */
  readonly extensionDelaySeconds?: number;
  /** Lifetime of each request's JWT, in seconds. @default 300 */
  readonly jwtTtlSeconds?: number;
  /** The clock for JWT times. @default systemClock */
  readonly clock?: Clock;
}

/** Maps a non-2xx problem document to the core's error. */
function callError(answer: VonageAnswer): MfaError {
  const { status } = answer;
  const problem = (answer.body ?? {}) as {
    type?: unknown;
    title?: unknown;
    invalid_parameters?: { name?: unknown }[];
  };
  const type = typeof problem.type === "string" ? problem.type : undefined;
  const providerCode = type?.split("#")[1] ?? `http_${status}`;
  const cause = new VonageApiError(
    status,
    type,
    `Vonage Voice API answered HTTP ${status}${type ? ` (${type})` : ""}: ${redactProviderText(problem.title)}`,
  );
  const data = { providerCode, httpStatus: status };
  // An invalid destination is refused at once with 400 and the `to` parameter named; other
  // recipient failures arrive later as call events ("rejected", "failed", "unanswered").
  const badTo = (problem.invalid_parameters ?? []).some(
    (p) => typeof p.name === "string" && /^to\b/.test(p.name),
  );
  if (status === 400 && badTo) return vonageError("delivery_rejected", cause, data);
  if (status === 429 || status >= 500) return vonageError("delivery_unavailable", cause, data);
  return vonageError(
    "delivery_unavailable",
    cause,
    { ...data, misconfigured: true },
    status === 401
      ? "Vonage refused the application JWT: check applicationId and privateKey."
      : undefined,
  );
}

/**
 * A {@link VoiceSender} on Vonage's Voice API. The receipt's `messageId` is the call's `uuid`.
 * Vonage's Voice API takes no idempotency key; the core's failover sender keeps a retry from
 * calling twice.
 *
 * @throws MfaError `config_invalid` at construction (the private key is parsed once, here);
 *   `invalid_input` from `send` for an extension that is not digits, `*`, `#`, or a script over
 *   Vonage's limit (no call is placed).
 * @example
 * ```ts
 * const voice = vonageVoice({ applicationId: env.VONAGE_APPLICATION_ID,
 *   privateKey: await readFile("private.key", "utf8"), from: "+447700900000" });
 * ```
 */
export function vonageVoice(options: VonageVoiceOptions): VoiceSender {
  const delay = options.extensionDelaySeconds ?? 2;
  const privateKey = parsePrivateKey(options.privateKey ?? "");
  assertNoProblems([
    ...(options.applicationId ? [] : ["applicationId is required"]),
    ...(privateKey ? [] : ["privateKey must be the application's RSA private key in PEM"]),
    ...(/^\+?[1-9]\d{1,14}$/.test(options.from ?? "") ? [] : ["from must be an E.164 number"]),
    ...(delay >= 0 && delay <= 15 ? [] : ["extensionDelaySeconds must be 0 to 15"]),
    ...baseUrlProblems(options.baseUrl, options.allowInsecureBaseUrl),
  ]);
  const url = `${(options.baseUrl ?? "https://api.nexmo.com").replace(/\/+$/, "")}/v1/calls`;
  const languages = { ...VONAGE_TALK_LANGUAGES, ...options.languages };
  const clock = options.clock ?? systemClock;

  const sender: VoiceSender = {
    id: "vonage-voice",
    async send(message) {
      if (message.extension !== undefined && !/^[0-9*#]{1,32}$/.test(message.extension)) {
        throw new MfaError("invalid_input", {
          message: "An extension may only hold digits, * and #.",
          data: { field: "extension" },
        });
      }
      const ncco = renderNcco(message.segments, {
        language: talkLanguage(message.voiceLocale ?? message.locale, languages),
        ...(options.style !== undefined ? { style: options.style } : {}),
        ...(options.premium ? { premium: true } : {}),
      });
      const to = {
        type: "phone",
        number: vonageNumber(message.to),
        ...(message.extension
          ? { dtmf_answer: `${"p".repeat(Math.round(delay * 2))}${message.extension}` }
          : {}),
      };
      const body = {
        to: [to],
        from: { type: "phone", number: vonageNumber(options.from) },
        ncco,
        ...(options.eventUrl ? { event_url: [options.eventUrl], event_method: "POST" } : {}),
      };
      const jwt = applicationJwt({
        applicationId: options.applicationId,
        privateKey: privateKey as NonNullable<typeof privateKey>,
        nowMs: clock.now(),
        ttlSeconds: options.jwtTtlSeconds ?? 300,
      });
      const answer = await postWithTimeout(
        url,
        {
          headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        },
        options,
      );
      if (answer.status < 200 || answer.status >= 300) throw callError(answer);
      const uuid = (answer.body as { uuid?: unknown } | undefined)?.uuid;
      if (typeof uuid !== "string" || uuid === "") {
        const cause = new VonageApiError(
          answer.status,
          undefined,
          "Vonage answered without a uuid",
        );
        throw vonageError("delivery_unavailable", cause, { providerCode: "malformed_response" });
      }
      return { provider: "vonage", messageId: uuid };
    },
  };
  return Object.freeze(sender);
}
