/**
 * Twilio's status callbacks fed back into the SDK: a Web-standard handler the app mounts at the
 * URL it gave the senders as `statusCallbackUrl`.
 *
 * Twilio posts a form for each status change of a message
 * (https://www.twilio.com/docs/messaging/guides/track-outbound-message-status: `MessageSid`,
 * `MessageStatus`, `ErrorCode`) and of a call
 * (https://www.twilio.com/docs/voice/api/call-resource#statuscallback: `CallSid`, `CallStatus`,
 * `ErrorCode`). The handler checks `X-Twilio-Signature` over the URL and the raw body first
 * (403 and nothing changed when it does not verify), maps the status, and calls
 * `mfa.delivery.receipt`.
 *
 * @module
 */

import {
  type DeliveryReceipt,
  type DeliveryStatus,
  deliverReceipt,
  type ReceiptSink,
  readWebhookBody,
  type WebhookHandler,
  webhookAnswer,
} from "@mfakit/core/adapter";
import { verifyTwilioSignature } from "./signature.js";

/** Options of {@link twilioStatusWebhook}. */
export interface TwilioStatusWebhookOptions {
  /** The account's Auth Token (Twilio signs webhooks with it; API keys cannot verify them). */
  readonly authToken: string;
  /** Where receipts go: the SDK's `mfa.delivery`. */
  readonly delivery: ReceiptSink;
  /**
   * The public URL Twilio posted to, as Twilio saw it (the signature covers it). Behind a proxy
   * the request's own URL has the internal host: give the `statusCallbackUrl` here, or a
   * function that rebuilds it from the request.
   * @default request.url
   */
  readonly url?: string | ((request: Request) => string);
}

/**
 * Twilio's message statuses (`MessageStatus`) as the SDK's. `read` (WhatsApp, RCS) is a
 * delivery; `canceled` (a scheduled message) never left: failed. `receiving`/`received` are
 * inbound and not ours.
 */
export const TWILIO_MESSAGE_STATUSES: ReadonlyMap<string, DeliveryStatus> = new Map([
  ["accepted", "queued"],
  ["scheduled", "queued"],
  ["queued", "queued"],
  ["sending", "sent"],
  ["sent", "sent"],
  ["delivered", "delivered"],
  ["read", "delivered"],
  ["undelivered", "undelivered"],
  ["failed", "failed"],
  ["canceled", "failed"],
]);

/**
 * Twilio's call statuses (`CallStatus`) as the SDK's: a call that rang is "sent"; one that was
 * answered is "delivered" (the script was read; `completed` only follows an answer); busy and
 * no answer are "undelivered" (the phone is reachable, nobody heard the code).
 */
export const TWILIO_CALL_STATUSES: ReadonlyMap<string, DeliveryStatus> = new Map([
  ["queued", "queued"],
  ["initiated", "queued"],
  ["ringing", "sent"],
  ["in-progress", "delivered"],
  ["answered", "delivered"],
  ["completed", "delivered"],
  ["busy", "undelivered"],
  ["no-answer", "undelivered"],
  ["failed", "failed"],
  ["canceled", "failed"],
]);

/** The receipt a verified status callback carries, or `null` when it is no delivery status. */
export function twilioReceiptOf(form: URLSearchParams): DeliveryReceipt | null {
  const call = form.get("CallSid") !== null && form.get("MessageSid") === null;
  const messageId = call ? form.get("CallSid") : form.get("MessageSid");
  const raw = call ? form.get("CallStatus") : (form.get("MessageStatus") ?? form.get("SmsStatus"));
  const status = (call ? TWILIO_CALL_STATUSES : TWILIO_MESSAGE_STATUSES).get(raw ?? "");
  if (!messageId || !status) return null;
  const errorCode = form.get("ErrorCode");
  return {
    provider: "twilio",
    messageId,
    status,
    errorCode: errorCode && status !== "delivered" ? errorCode : null,
  };
}

/**
 * A handler for Twilio's SMS and call status callbacks. Mount it where `statusCallbackUrl`
 * points (both senders may share it): POST only (405), a body up to 64 KiB (413), a valid
 * `X-Twilio-Signature` (403 otherwise, before anything is parsed or recorded), then 204.
 *
 * @example
 * ```ts
 * const onStatus = twilioStatusWebhook({ authToken: env.TWILIO_AUTH_TOKEN,
 *   delivery: mfa.delivery, url: "https://app.example.com/webhooks/twilio" });
 * app.post("/webhooks/twilio", (c) => onStatus(c.req.raw)); // Hono; any Request → Response server
 * ```
 */
export function twilioStatusWebhook(options: TwilioStatusWebhookOptions): WebhookHandler {
  const { authToken, delivery } = options;
  if (!authToken || typeof delivery?.receipt !== "function") {
    throw new TypeError("twilioStatusWebhook needs authToken and delivery (mfa.delivery)");
  }
  const urlOf = (request: Request) =>
    typeof options.url === "function" ? options.url(request) : (options.url ?? request.url);
  return async (request) => {
    if (request.method !== "POST") return webhookAnswer(405);
    const body = await readWebhookBody(request);
    if (typeof body !== "string") return body;
    const verified = verifyTwilioSignature({
      authToken,
      url: urlOf(request),
      rawBody: body,
      signature: request.headers.get("x-twilio-signature"),
    });
    if (!verified) return webhookAnswer(403);
    return deliverReceipt(delivery, twilioReceiptOf(new URLSearchParams(body)));
  };
}
