/**
 * Whether the code's text or call arrived, as the provider's receipts say (`DeliveryView`):
 * "delivered", or "not delivered — call me instead / use another method". Shown on the
 * wizard's code page and the sign-in challenge's, in a polite live region, so a change the
 * script fetches is read out without moving focus. Without JavaScript a reload shows the latest.
 *
 * @module
 */

import type { DeliveryView } from "@mfakit/core";
import { html } from "hono/html";
import type { Html } from "../html.js";
import type { Messages } from "../messages/catalogue.js";

/** What the page and its poll say about a delivery. */
export interface DeliveryNews {
  /** The sentence, in the page's language. */
  readonly text: string;
  /**
   * `pending` (queued or sent, no receipt yet), `delivered`, or `not-delivered` (failed or
   * undelivered: show the other ways, call me instead or another method). The script asks
   * again until `delivered`: after a failure a failover or a late delivery report may follow.
   */
  readonly kind: "pending" | "delivered" | "not-delivered";
}

/**
 * The sentence for a delivery by `channel`, or `null` when there is nothing to say (email, a
 * sender without message ids).
 */
export function deliveryNews(
  t: Messages,
  delivery: DeliveryView | null,
  channel: "sms" | "voice" | "email",
): DeliveryNews | null {
  if (!delivery || channel === "email") return null;
  const kind = delivery.offerAlternatives
    ? "not-delivered"
    : delivery.status === "delivered"
      ? "delivered"
      : "pending";
  const state = {
    pending: t.deliveryPending,
    delivered: t.deliveryDelivered,
    "not-delivered": channel === "voice" ? t.deliveryCallNotDelivered : t.deliveryNotDelivered,
  }[kind];
  // A failover sent a new code another way: say so, or the user waits for the first one.
  return { text: delivery.failedOver ? `${t.deliveryFailedOver} ${state}` : state, kind };
}

/**
 * The live region with the delivery's sentence; `pollUrl` is where the script asks again
 * (`{ delivery: DeliveryNews | null }`) until it is delivered.
 */
export function deliveryStatus(
  t: Messages,
  delivery: DeliveryView | null,
  channel: "sms" | "voice" | "email",
  pollUrl: string,
): Html {
  const news = deliveryNews(t, delivery, channel);
  if (!news) return html``;
  return html`<p id="delivery-status" class="delivery ${news.kind}" role="status" aria-live="polite"${
    news.kind === "delivered" ? "" : html` data-poll="${pollUrl}"`
  }>${news.text}</p>`;
}
