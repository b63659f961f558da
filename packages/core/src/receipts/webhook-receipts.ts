/**
 * The parts every provider's receipt webhook shares: reading a bounded body, and handing a
 * verified receipt to `mfa.delivery` with the HTTP answer a provider expects.
 *
 * Handlers are Web-standard `(request: Request) => Promise<Response>`, so an app mounts them on
 * any server (Node's `http` through an adapter, Hono, Next.js route handlers, Bun, Deno). Each
 * adapter's handler checks its provider's signature on the raw body *before* it parses anything
 * or calls the SDK, and answers a bad or missing signature with 403 and no change.
 *
 * @module
 */

import { isMfaError } from "../errors.js";
import type { DeliveryReceipt, ReceiptOutcome } from "./delivery-log.js";

/** Where a webhook handler sends receipts: `mfa.delivery`. */
export interface ReceiptSink {
  /** As `mfa.delivery.receipt`. */
  receipt(input: DeliveryReceipt): Promise<ReceiptOutcome>;
}

/** A mounted webhook: one request in, one answer out. */
export type WebhookHandler = (request: Request) => Promise<Response>;

/** The largest webhook body read (REL-07): receipts are well under 4 KiB. */
export const MAX_WEBHOOK_BODY_BYTES = 65_536;

/** An empty answer with a status. */
export const webhookAnswer = (status: number): Response => new Response(null, { status });

/**
 * The request's body as text, read up to `maxBytes` (a larger one is refused with 413 before it
 * is all read); a `Response` to answer with when it is refused.
 */
export async function readWebhookBody(
  request: Request,
  maxBytes = MAX_WEBHOOK_BODY_BYTES,
): Promise<string | Response> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return webhookAnswer(413);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return webhookAnswer(413);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
}

/**
 * Hands a verified receipt to the SDK and answers the provider: 204 when it was taken (a
 * duplicate, an older status and a message the SDK never sent included: the provider has
 * nothing to retry, and an unknown id is not confirmed to anyone), 204 too for `null` (an event
 * that is no delivery status, e.g. a call's `transfer`), 400 for a malformed receipt, 503 when
 * the SDK could not record it (the store is down: providers that retry will).
 */
export async function deliverReceipt(
  sink: ReceiptSink,
  receipt: DeliveryReceipt | null,
): Promise<Response> {
  if (receipt === null) return webhookAnswer(204);
  try {
    await sink.receipt(receipt);
    return webhookAnswer(204);
  } catch (e) {
    return webhookAnswer(isMfaError(e, "invalid_input") ? 400 : 503);
  }
}
