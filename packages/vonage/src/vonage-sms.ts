/**
 * SMS through Vonage's SMS API.
 *
 * `POST https://rest.nexmo.com/sms/json`, form-encoded `api_key`, `api_secret`, `from`, `to`
 * (E.164 without `+`), `text`, and `type=unicode` when the text is not GSM-7
 * (https://developer.vonage.com/en/api/sms). The API answers HTTP 200 even for most failures:
 * the outcome is `messages[i].status`, `"0"` for success
 * (https://developer.vonage.com/en/api-errors/sms).
 *
 * @module
 */

import { baseUrlProblems, type SmsSender } from "@mfakit/core/adapter";
import { smsSegments } from "@mfakit/core/delivery";
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

/** Options of {@link vonageSms}. */
export interface VonageSmsOptions extends VonageTransportOptions {
  /** The account's API key (Dashboard → API settings). */
  readonly apiKey: string;
  /** The account's API secret. */
  readonly apiSecret: string;
  /** A Vonage number (E.164, with or without `+`) or an alphanumeric sender ID (≤ 11 characters). */
  readonly from: string;
  /**
   * The SMS API's base URL; `https://` unless `allowInsecureBaseUrl` is set.
   * @default "https://rest.nexmo.com"
   */
  readonly baseUrl?: string;
  /** Where Vonage posts delivery receipts (`callback`); @default the account's setting */
  readonly statusCallbackUrl?: string;
}

/**
 * SMS API status codes that mean "not this recipient": an unrecognised number prefix, a barred
 * or de-activated number. Every other non-zero status is about our account or request (or is
 * transient) and fails over.
 */
export const VONAGE_SMS_REJECTED: ReadonlyMap<string, string> = new Map([
  ["6", "invalid message: unrecognised number prefix"],
  ["7", "number barred"],
  ["33", "number de-activated"],
]);

/** Statuses that are transient: retry (throttled, internal error, too many binds). */
const TRANSIENT = new Set(["1", "5", "10"]);

/** The longest `client-ref` Vonage accepts. */
const CLIENT_REF_MAX = 40;

interface SmsApiMessage {
  readonly status?: string;
  readonly "message-id"?: string;
  readonly "error-text"?: string;
}

/** Maps the SMS API's answer to a message id, or throws the core's error. */
function outcome(answer: VonageAnswer): string {
  const { status } = answer;
  const messages = (answer.body as { messages?: SmsApiMessage[] } | undefined)?.messages;
  if (status < 200 || status >= 300 || !Array.isArray(messages) || messages.length === 0) {
    const cause = new VonageApiError(status, undefined, `Vonage SMS API answered HTTP ${status}`);
    const misconfigured = status > 0 && status < 500 && status !== 429;
    throw vonageError("delivery_unavailable", cause, {
      providerCode: `http_${status}`,
      httpStatus: status,
      ...(misconfigured ? { misconfigured } : {}),
    });
  }
  // A long text is sent as several parts; the send succeeded only if every part was accepted.
  const failed = messages.find((m) => m.status !== "0");
  const id = messages[0]?.["message-id"];
  if (!failed && typeof id === "string" && id !== "") return id;
  if (!failed) {
    const cause = new VonageApiError(status, "0", "Vonage accepted the SMS without a message-id");
    throw vonageError("delivery_unavailable", cause, { providerCode: "malformed_response" });
  }
  const code = String(failed.status);
  const cause = new VonageApiError(
    status,
    code,
    `Vonage SMS API status ${code}: ${redactProviderText(failed["error-text"])}`,
  );
  if (VONAGE_SMS_REJECTED.has(code)) {
    throw vonageError("delivery_rejected", cause, { providerCode: code });
  }
  if (TRANSIENT.has(code)) throw vonageError("delivery_unavailable", cause, { providerCode: code });
  throw vonageError(
    "delivery_unavailable",
    cause,
    { providerCode: code, misconfigured: true },
    code === "4"
      ? "Vonage refused the credentials (status 4): check apiKey and apiSecret."
      : undefined,
  );
}

/**
 * An {@link SmsSender} on Vonage's SMS API. The receipt's `messageId` is the first part's
 * `message-id`. The idempotency key goes out as `client-ref` (when ≤ 40 characters), which
 * Vonage echoes in delivery receipts; Vonage offers no server-side deduplication, so the core's
 * failover sender is what keeps a retry from sending twice.
 *
 * @throws MfaError `config_invalid` at construction when options are missing.
 * @example
 * ```ts
 * const sms = vonageSms({ apiKey: env.VONAGE_API_KEY, apiSecret: env.VONAGE_API_SECRET, from: "Contoso" });
 * ```
 */
export function vonageSms(options: VonageSmsOptions): SmsSender {
  const problems: string[] = [];
  if (!options.apiKey) problems.push("apiKey is required");
  if (!options.apiSecret) problems.push("apiSecret is required");
  if (!/^(\+?[1-9]\d{1,14}|[A-Za-z0-9 ]{1,11})$/.test(options.from ?? "")) {
    problems.push("from must be a number or an alphanumeric sender ID of at most 11 characters");
  }
  assertNoProblems([
    ...problems,
    ...baseUrlProblems(options.baseUrl, options.allowInsecureBaseUrl),
  ]);
  const url = `${(options.baseUrl ?? "https://rest.nexmo.com").replace(/\/+$/, "")}/sms/json`;
  const from = /^\+\d+$/.test(options.from) ? vonageNumber(options.from) : options.from;

  const sender: SmsSender = {
    id: "vonage-sms",
    async send(message) {
      const form = new URLSearchParams({
        api_key: options.apiKey,
        api_secret: options.apiSecret,
        from,
        to: vonageNumber(message.to),
        text: message.text,
      });
      // Without type=unicode, Vonage sends GSM-7 and anything outside it arrives garbled.
      if (smsSegments(message.text).encoding === "UCS-2") form.set("type", "unicode");
      if (message.idempotencyKey.length <= CLIENT_REF_MAX) {
        form.set("client-ref", message.idempotencyKey);
      }
      if (options.statusCallbackUrl) form.set("callback", options.statusCallbackUrl);
      const answer = await postWithTimeout(
        url,
        {
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: form.toString(),
        },
        options,
      );
      return { provider: "vonage", messageId: outcome(answer) };
    },
  };
  return Object.freeze(sender);
}
