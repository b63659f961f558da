/**
 * Vonage's delivery receipts (SMS API) and call events (Voice API) fed back into the SDK:
 * Web-standard handlers the app mounts where the senders' `statusCallbackUrl` and `eventUrl`
 * point.
 *
 * - SMS delivery receipts (https://developer.vonage.com/en/messaging/sms/guides/delivery-receipts)
 *   come as a GET query, a form POST or a JSON POST (the Dashboard's choice), signed with `sig`
 *   when the account has signed messages on: the handler refuses unsigned ones, since anyone
 *   could post those.
 * - Call events (https://developer.vonage.com/en/voice/voice-api/webhook-reference#event-webhook)
 *   are JSON POSTs signed with a JWT in `Authorization` whose `payload_hash` covers the body.
 *
 * Each handler checks the signature first (403 and nothing changed when it does not verify),
 * maps the status, and calls `mfa.delivery.receipt`.
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
import { type VonageSignatureMethod, verifyVonageSmsSignature } from "./signed-sms-webhook.js";
import { verifyVonageSignature } from "./signed-webhook.js";

/** Options shared by both handlers. */
export interface VonageWebhookOptions {
  /** The signature secret (Dashboard → API settings → Signature secret), not the API secret. */
  readonly signatureSecret: string;
  /** Where receipts go: the SDK's `mfa.delivery`. */
  readonly delivery: ReceiptSink;
  /** Refuse a signature older (or newer) than this many seconds. @default 300 */
  readonly maxAgeSeconds?: number;
  /** Current time in ms since the epoch, for the signature's age. @default Date.now() */
  readonly now?: () => number;
}

/** Options of {@link vonageSmsReceiptWebhook}. */
export interface VonageSmsReceiptWebhookOptions extends VonageWebhookOptions {
  /** The signing method chosen in the Dashboard next to the secret. */
  readonly method: VonageSignatureMethod;
}

/** Options of {@link vonageCallEventWebhook}. */
export type VonageCallEventWebhookOptions = VonageWebhookOptions;

/**
 * The SMS API's receipt statuses as the SDK's: `accepted` and `buffered` are on their way;
 * `expired` (the handset never came back in range) is undelivered; `unknown` says nothing.
 */
export const VONAGE_SMS_STATUSES: ReadonlyMap<string, DeliveryStatus> = new Map([
  ["accepted", "sent"],
  ["buffered", "sent"],
  ["delivered", "delivered"],
  ["expired", "undelivered"],
  ["failed", "failed"],
  ["rejected", "failed"],
]);

/**
 * The Voice API's call statuses as the SDK's: ringing is "sent", answered (or completed, which
 * follows an answer) "delivered"; busy, timeout, unanswered and a refused call "undelivered".
 */
export const VONAGE_CALL_STATUSES: ReadonlyMap<string, DeliveryStatus> = new Map([
  ["started", "queued"],
  ["ringing", "sent"],
  ["answered", "delivered"],
  ["completed", "delivered"],
  ["busy", "undelivered"],
  ["timeout", "undelivered"],
  ["unanswered", "undelivered"],
  ["rejected", "undelivered"],
  ["failed", "failed"],
  ["cancelled", "failed"],
]);

const checkOptions = (name: string, options: VonageWebhookOptions) => {
  if (!options.signatureSecret || typeof options.delivery?.receipt !== "function") {
    throw new TypeError(`${name} needs signatureSecret and delivery (mfa.delivery)`);
  }
};

/** The parameters of a delivery receipt, however the Dashboard has it sent; `null` if unreadable. */
function receiptParams(request: Request, body: string): Record<string, string> | null {
  if (request.method === "GET") return Object.fromEntries(new URL(request.url).searchParams);
  if ((request.headers.get("content-type") ?? "").includes("json")) {
    try {
      const value: unknown = JSON.parse(body);
      if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
      const flat: Record<string, string> = {};
      for (const [name, v] of Object.entries(value)) {
        if (typeof v === "string" || typeof v === "number") flat[name] = String(v);
        else if (v !== null) return null; // nested values are not signed
      }
      return flat;
    } catch {
      return null;
    }
  }
  // A repeated name cannot be signed: keep it out rather than picking one.
  const form = new URLSearchParams(body);
  const flat: Record<string, string> = {};
  for (const [name, value] of form) {
    if (Object.hasOwn(flat, name)) return null;
    flat[name] = value;
  }
  return flat;
}

/**
 * A handler for the SMS API's delivery receipts (GET, form POST or JSON POST). A receipt needs a
 * valid `sig` for `method` and a fresh `timestamp` (403 otherwise, nothing recorded); then 204.
 *
 * @example
 * ```ts
 * const onReceipt = vonageSmsReceiptWebhook({ signatureSecret: env.VONAGE_SIGNATURE_SECRET,
 *   method: "sha256hmac", delivery: mfa.delivery });
 * app.all("/webhooks/vonage/dlr", (c) => onReceipt(c.req.raw));
 * ```
 */
export function vonageSmsReceiptWebhook(options: VonageSmsReceiptWebhookOptions): WebhookHandler {
  checkOptions("vonageSmsReceiptWebhook", options);
  return async (request) => {
    if (request.method !== "GET" && request.method !== "POST") return webhookAnswer(405);
    const body = request.method === "POST" ? await readWebhookBody(request) : "";
    if (typeof body !== "string") return body;
    const params = receiptParams(request, body);
    if (params === null) return webhookAnswer(403);
    const verified = verifyVonageSmsSignature({
      signatureSecret: options.signatureSecret,
      method: options.method,
      params,
      ...(options.maxAgeSeconds !== undefined ? { maxAgeSeconds: options.maxAgeSeconds } : {}),
      ...(options.now ? { nowMs: options.now() } : {}),
    });
    if (!verified) return webhookAnswer(403);
    const status = VONAGE_SMS_STATUSES.get(params.status ?? "");
    const messageId = params.messageId;
    const errorCode = params["err-code"];
    const receipt: DeliveryReceipt | null =
      status && messageId
        ? {
            provider: "vonage",
            messageId,
            status,
            // "0" is Vonage's "no error".
            errorCode: errorCode && errorCode !== "0" && status !== "delivered" ? errorCode : null,
          }
        : null;
    return deliverReceipt(options.delivery, receipt);
  };
}

/**
 * A handler for the Voice API's call events (JSON POST with a signed JWT whose `payload_hash`
 * covers the body: 403 otherwise, nothing recorded); then 204. Events that are no call status
 * (`transfer`, `input`, …) are answered 204 and ignored.
 *
 * @example
 * ```ts
 * const onEvent = vonageCallEventWebhook({ signatureSecret: env.VONAGE_SIGNATURE_SECRET,
 *   delivery: mfa.delivery });
 * app.post("/webhooks/vonage/events", (c) => onEvent(c.req.raw));
 * ```
 */
export function vonageCallEventWebhook(options: VonageCallEventWebhookOptions): WebhookHandler {
  checkOptions("vonageCallEventWebhook", options);
  return async (request) => {
    if (request.method !== "POST") return webhookAnswer(405);
    const body = await readWebhookBody(request);
    if (typeof body !== "string") return body;
    const verified = verifyVonageSignature({
      signatureSecret: options.signatureSecret,
      authorization: request.headers.get("authorization"),
      rawBody: body,
      ...(options.maxAgeSeconds !== undefined ? { maxAgeSeconds: options.maxAgeSeconds } : {}),
      ...(options.now ? { nowMs: options.now() } : {}),
    });
    if (!verified) return webhookAnswer(403);
    let event: { uuid?: unknown; status?: unknown } | null = null;
    try {
      event = JSON.parse(body) as { uuid?: unknown; status?: unknown };
    } catch {
      return webhookAnswer(400);
    }
    const status = VONAGE_CALL_STATUSES.get(typeof event?.status === "string" ? event.status : "");
    const uuid = typeof event?.uuid === "string" ? event.uuid : "";
    return deliverReceipt(
      options.delivery,
      status && uuid ? { provider: "vonage", messageId: uuid, status, errorCode: null } : null,
    );
  };
}
