/**
 * What a provider said happened to one message, and the order those statuses come in.
 *
 * Receipts arrive late, twice, and out of order (a carrier's "sent" after its "delivered" is
 * common), so a message's status only ever moves forward on {@link DELIVERY_STATUS_RANK}: a
 * duplicate or an older status changes nothing. `delivered` outranks the failures: a handset's
 * delivery report is evidence the code arrived, whatever a carrier said before it. The two
 * failures rank equal: whichever came first stays.
 *
 * @module
 */

/** A message's delivery status, as the wizard, the challenge and the admin report show it. */
export type DeliveryStatus = "queued" | "sent" | "delivered" | "failed" | "undelivered";

/** Every {@link DeliveryStatus}, in the order a message normally goes through them. */
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = Object.freeze([
  "queued",
  "sent",
  "delivered",
  "failed",
  "undelivered",
]);

/** How far along each status is: a receipt moves a message only to a higher rank. */
export const DELIVERY_STATUS_RANK: Readonly<Record<DeliveryStatus, number>> = Object.freeze({
  queued: 0,
  sent: 1,
  failed: 2,
  undelivered: 2,
  delivered: 3,
});

/** Whether a receipt saying `next` moves a message that is at `current`. */
export const advances = (current: DeliveryStatus, next: DeliveryStatus): boolean =>
  DELIVERY_STATUS_RANK[next] > DELIVERY_STATUS_RANK[current];

/** Whether the provider has given up on the message (the user should be offered another way). */
export const notDelivered = (status: DeliveryStatus): boolean =>
  status === "failed" || status === "undelivered";

/** What a view shows of the code's delivery: the wizard's `verify-code` step, a sign-in challenge. */
export interface DeliveryView {
  /** What the provider last said about the latest code's message. */
  readonly status: DeliveryStatus;
  /** The provider's error code with `failed` / `undelivered` (e.g. Twilio's `30003`), else `null`. */
  readonly errorCode: string | null;
  /**
   * The provider said the message did not arrive: offer "call me instead / use another method".
   * The code the user holds is still valid; a call or another method is their choice.
   */
  readonly offerAlternatives: boolean;
  /** Whether the latest code went out through the failover provider (no delivery in time). */
  readonly failedOver: boolean;
}
