/**
 * `mfa.delivery`: provider receipts fed back into the SDK, and `mfa.admin.deliveryReport`.
 *
 * A receipt names a provider's message, nothing else. The SDK finds the message in its own
 * index (written when the provider accepted it), moves the message's status forward, and then,
 * in that message's user's unit of work, the challenge's delivery record if the message is
 * still the challenge's latest. See `delivery-log.ts` for why a forged id cannot reach another
 * user. Webhook handlers (`@mfakit/twilio`'s `twilioStatusWebhook`, `@mfakit/vonage`'s
 * `vonageSmsReceiptWebhook` and `vonageCallEventWebhook`) check the provider's signature first
 * and then call {@link DeliveryApi.receipt}.
 *
 * @module
 */

import { MfaError } from "../errors.js";
import type { Clock } from "../ports/clock.js";
import type { Store } from "../ports/store.js";
import {
  type AppliedReceipt,
  applyToIndex,
  checkedReceipt,
  DELIVERY_METRICS,
  type DeliveryMetric,
  type DeliveryReceipt,
  dayOf,
  figureKey,
  figurePairsKey,
  type ReceiptOutcome,
} from "./delivery-log.js";

/** Receipts from the providers' webhooks. */
export interface DeliveryApi {
  /**
   * Records what a provider said about a message the SDK sent. Duplicates and older statuses
   * change nothing (`changed: false`); a message the SDK never sent is `unknown_message`, and
   * nothing changes. Call it only with a receipt whose signature was checked.
   *
   * @throws {MfaError} `invalid_input` (`data.field`) for a malformed receipt.
   * @example
   * ```ts
   * await mfa.delivery.receipt({ provider: "twilio", messageId: "SM…", status: "delivered" });
   * ```
   */
  receipt(input: DeliveryReceipt): Promise<ReceiptOutcome>;
}

/** Builds {@link DeliveryApi}; `apply` runs the challenge's part in its user's unit of work. */
export function createDeliveryApi(deps: {
  readonly store: Store;
  readonly clock: Clock;
  readonly apply: (applied: AppliedReceipt) => Promise<unknown>;
}): DeliveryApi {
  return Object.freeze<DeliveryApi>({
    async receipt(input) {
      const receipt = checkedReceipt(input);
      const moved = await applyToIndex(deps.store, deps.clock, receipt);
      if (!moved) return { ok: false, reason: "unknown_message" };
      // The challenge's record is updated whenever the index moved (or a retry of a receipt
      // whose first try stopped between the two): it moves only forward, so running it again
      // is harmless.
      await deps.apply(moved.applied);
      return { ok: true, changed: moved.changed, status: moved.applied.status };
    },
  });
}

/** One row of the delivery report: a provider and country on one day. */
export interface DeliveryReportRow {
  /** The UTC day the messages were sent (`YYYY-MM-DD`); later receipts count on it. */
  readonly day: string;
  /** The provider's name, as its receipts give it (`twilio`, `vonage`). */
  readonly provider: string;
  /** ISO 3166-1 alpha-2 country of the destinations. */
  readonly country: string;
  /** Messages the provider accepted. */
  readonly sent: number;
  /** Messages with a delivery receipt. */
  readonly delivered: number;
  /** Messages the provider reported failed (not sent to the carrier). */
  readonly failed: number;
  /** Messages the carrier could not deliver (unreachable, busy, no answer). */
  readonly undelivered: number;
  /** Challenges whose latest message came through this provider and whose code was entered. */
  readonly verified: number;
  /** `delivered ÷ sent`, or `null` with nothing sent. */
  readonly deliveryRate: number | null;
  /** `verified ÷ sent` (FRAUD-06: pumped codes are sent, even delivered, but never entered). */
  readonly conversionRate: number | null;
}

/** Which days {@link deliveryReport} covers. */
export interface DeliveryReportOptions {
  /** First day, `YYYY-MM-DD` (UTC). @default `to` */
  readonly from?: string;
  /** Last day, `YYYY-MM-DD` (UTC). @default today */
  readonly to?: string;
}

/** The admin's delivery report (on `mfa.admin`). */
export interface DeliveryReportApi {
  /**
   * Delivery and conversion figures per day, provider and country (see {@link deliveryReport}):
   * how many codes each provider took, how many it reported delivered, failed or undelivered,
   * and how many were entered. A provider or country whose delivery rate drops, or whose codes
   * are delivered but never entered (SMS pumping, FRAUD-06), stands out here.
   *
   * @throws {MfaError} `invalid_input` for a malformed or too long range.
   * @example
   * ```ts
   * const rows = await mfa.admin.deliveryReport({ from: "2026-11-01", to: "2026-11-30" });
   * ```
   */
  deliveryReport(options?: DeliveryReportOptions): Promise<DeliveryReportRow[]>;
}

/** The longest range of one report, in days (figures are kept 90). */
export const MAX_REPORT_DAYS = 92;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Delivery and conversion figures per day, provider and country, for `from`…`to` (UTC days):
 * rows ordered by day, provider, country. Reads a handful of keys per row; no user's document.
 *
 * @throws {MfaError} `invalid_input` for a day that is not `YYYY-MM-DD`, `from` after `to`, or a
 * range over {@link MAX_REPORT_DAYS}.
 */
export async function deliveryReport(
  store: Store,
  clock: Clock,
  options: DeliveryReportOptions = {},
): Promise<DeliveryReportRow[]> {
  const to = options.to ?? dayOf(clock.now());
  const from = options.from ?? to;
  const start = parseDay(from, "from");
  const end = parseDay(to, "to");
  const days = Math.round((end - start) / 86_400_000) + 1;
  if (days < 1 || days > MAX_REPORT_DAYS)
    throw new MfaError("invalid_input", {
      message: `A report covers 1 to ${MAX_REPORT_DAYS} days, from ≤ to.`,
      data: { field: "from" },
    });
  const rows: DeliveryReportRow[] = [];
  for (let i = 0; i < days; i++) {
    const day = dayOf(start + i * 86_400_000);
    const pairs = ((await store.get<string[]>(figurePairsKey(day)))?.value ?? []).slice().sort();
    for (const pair of pairs) {
      const [provider = "", country = ""] = pair.split(" ");
      const figures = {} as Record<DeliveryMetric, number>;
      for (const metric of DELIVERY_METRICS) {
        const entry = await store.get<number>(figureKey(day, provider, country, metric));
        figures[metric] = entry?.value ?? 0;
      }
      const rate = (n: number) => (figures.sent === 0 ? null : n / figures.sent);
      rows.push({
        day,
        provider,
        country,
        ...figures,
        deliveryRate: rate(figures.delivered),
        conversionRate: rate(figures.verified),
      });
    }
  }
  return rows;
}

function parseDay(day: unknown, field: string): number {
  const ms = typeof day === "string" && DAY.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms) || dayOf(ms) !== day)
    throw new MfaError("invalid_input", { message: "A day is YYYY-MM-DD.", data: { field } });
  return ms;
}
