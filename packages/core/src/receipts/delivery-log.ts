/**
 * The delivery log: which provider message carries which challenge's code, what the provider
 * last said about it, and the day's figures per provider and country.
 *
 * Two records per message:
 *
 * - **The message index**, a key of no user: `mfa:delivery:msg:<ref>`, where `ref` is a SHA-256
 *   of the provider's name and its message id. It holds whose challenge the message belongs to.
 *   It is written by the SDK after the provider accepted the message, never from a receipt, so
 *   a receipt can only name a message, not a user or a challenge: a forged or guessed id finds
 *   no entry (or the one user that message really went to), and nothing in a receipt can point
 *   it at another user's document. Webhook handlers check the provider's signature before any
 *   of this runs.
 * - **The challenge's delivery**, in the user's document (`delivery:<challengeId>`): the latest
 *   message's ref and status, what the wizard and the sign-in challenge show. A resend replaces
 *   it; a late receipt for the replaced message then matches no longer and changes no view.
 *
 * Both are written after the provider accepted the message, with the day's `sent` figure, in ONE
 * commit (the document's `putAndCount`, the index as its extra put): a send by SMS or voice is
 * two commits, the claim before the provider call (REL-04) and this one after it.
 *
 * Both only move forward ({@link advances}), so duplicates and out-of-order receipts are harmless.
 *
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { UnitOfWork } from "../account/unit-of-work.js";
import { MfaError } from "../errors.js";
import { globalKey, userKey } from "../keys.js";
import type { Clock } from "../ports/clock.js";
import type { SendReceipt } from "../ports/senders.js";
import type { IncrementItem, Store } from "../ports/store.js";
import {
  advances,
  DELIVERY_STATUSES,
  type DeliveryStatus,
  type DeliveryView,
  notDelivered,
} from "./delivery-status.js";

/** A channel whose messages get receipts. */
export type ReceiptChannel = "sms" | "voice";

/** The message index entry (a key of no user). */
interface MessageEntry {
  readonly userId: string;
  readonly challengeId: string;
  readonly provider: string;
  readonly country: string;
  /** The day of the send (UTC, `YYYY-MM-DD`): every figure of the message counts on it. */
  readonly day: string;
  readonly status: DeliveryStatus;
  readonly errorCode: string | null;
}

/** The latest message of a challenge, in the user's document. */
export interface ChallengeDelivery {
  /** {@link messageRef} of the provider and its message id. */
  readonly ref: string;
  readonly provider: string;
  readonly channel: ReceiptChannel;
  readonly country: string;
  readonly day: string;
  readonly status: DeliveryStatus;
  readonly errorCode: string | null;
  /** When the provider accepted it (epoch ms, the SDK's clock). */
  readonly sentAt: number;
  /** When the last receipt said something new (epoch ms, as the provider reported it). */
  readonly updatedAt: number;
  /** The challenge has failed over once: it never does again. */
  readonly failedOver: boolean;
}

/** A receipt from a provider, as a webhook handler hands it to `mfa.delivery.receipt`. */
export interface DeliveryReceipt {
  /** The provider's name as its sender's receipt gives it: `"twilio"`, `"vonage"`. */
  readonly provider: string;
  /** The provider's id of the message or call (Twilio's `MessageSid`/`CallSid`, Vonage's `messageId`/`uuid`). */
  readonly messageId: string;
  readonly status: DeliveryStatus;
  /** The provider's error code with a failure (Twilio `ErrorCode`, Vonage `err-code`). @default null */
  readonly errorCode?: string | null;
  /** When it happened, epoch ms, as the provider says. @default now */
  readonly at?: number;
}

/** What `mfa.delivery.receipt` did with a receipt. */
export type ReceiptOutcome =
  /** `changed`: the status moved forward; `false` for a duplicate or an older status. */
  | { readonly ok: true; readonly changed: boolean; readonly status: DeliveryStatus }
  /** No message the SDK sent has this provider and id (forged, another system's, expired). */
  | { readonly ok: false; readonly reason: "unknown_message" };

/** The figures of one provider and country on one day. */
export type DeliveryMetric = "sent" | "delivered" | "failed" | "undelivered" | "verified";

/** The metrics, in the report's order. */
export const DELIVERY_METRICS: readonly DeliveryMetric[] = Object.freeze([
  "sent",
  "delivered",
  "failed",
  "undelivered",
  "verified",
]);

/** How long the message index is kept: carriers report up to 72 hours late. */
export const MESSAGE_INDEX_TTL_MS = 3 * 24 * 3_600_000;

/** How long a day's delivery figures are kept (as the FRAUD-06 conversion figures). */
export const DELIVERY_FIGURES_TTL_MS = 90 * 24 * 3_600_000;

/** Lost compare-and-set rounds on the message index before giving up. */
const INDEX_ROUNDS = 8;

/** The index's name for a provider's message: its id never becomes part of a key as given. */
export const messageRef = (provider: string, messageId: string): string =>
  bytesToHex(sha256(utf8ToBytes(`${provider}\u0000${messageId}`)).subarray(0, 16));

const indexKey = (ref: string) => globalKey("delivery", "msg", ref);

/** A challenge's delivery record in its user's document. */
export const deliveryKey = (userId: string, challengeId: string): string =>
  userKey(userId, "delivery", challengeId);

/** A day's figure of one provider and country. */
export const figureKey = (day: string, provider: string, country: string, metric: DeliveryMetric) =>
  globalKey("stats", "delivery", day, provider, country, metric);

/** The provider and country pairs that have figures on a day (the report's rows). */
export const figurePairsKey = (day: string): string => globalKey("stats", "delivery-pairs", day);

/** The UTC day of an epoch-ms time. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const PROVIDER = /^[a-z0-9][a-z0-9-]{0,31}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
const MESSAGE_ID = /^[^\u0000-\u001f\u007f]{1,256}$/;
const ERROR_CODE = /^[A-Za-z0-9._-]{1,32}$/;

/** A receipt whose fields were checked. */
export interface CheckedReceipt {
  readonly provider: string;
  readonly messageId: string;
  readonly status: DeliveryStatus;
  readonly errorCode: string | null;
  readonly at: number | null;
}

/** Checks a receipt's fields (REL-07: bounded before any work); `invalid_input` names the field. */
export function checkedReceipt(input: unknown): CheckedReceipt {
  const r = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  const bad = (field: string) =>
    new MfaError("invalid_input", { message: "The receipt is not valid.", data: { field } });
  if (typeof r.provider !== "string" || !PROVIDER.test(r.provider)) throw bad("provider");
  if (typeof r.messageId !== "string" || !MESSAGE_ID.test(r.messageId)) throw bad("messageId");
  if (!DELIVERY_STATUSES.includes(r.status as DeliveryStatus)) throw bad("status");
  const errorCode = r.errorCode ?? null;
  if (errorCode !== null && (typeof errorCode !== "string" || !ERROR_CODE.test(errorCode)))
    throw bad("errorCode");
  const at = r.at ?? null;
  if (at !== null && !(typeof at === "number" && Number.isSafeInteger(at) && at >= 0))
    throw bad("at");
  return {
    provider: r.provider,
    messageId: r.messageId,
    status: r.status as DeliveryStatus,
    errorCode: errorCode as string | null,
    at: at as number | null,
  };
}

/** What the delivery log needs: the action's unit (its store) and the clock. */
export interface DeliveryLogDeps {
  readonly unit: UnitOfWork;
  readonly store: Store;
  readonly clock: Clock;
  /** How long a challenge's delivery record lives: as long as its challenge can. */
  readonly challengeTtlMs: number;
}

/** A message the provider accepted for a challenge. */
export interface SentMessage {
  readonly userId: string;
  readonly challengeId: string;
  readonly channel: ReceiptChannel;
  readonly country: string;
  readonly receipt: SendReceipt;
}

/** Rounds a delivery record's own commit may lose to the user's other actions. */
const RECORD_ROUNDS = 8;

/** The delivery log over one action's unit of work. */
export interface DeliveryLog {
  /**
   * Records a message the provider accepted: the index entry, the day's `sent` figure, and the
   * challenge's delivery, in one commit (here, after the send: nothing may roll it back). The
   * first send of a provider and country on a day then names the pair for the report.
   */
  sent(message: SentMessage): Promise<void>;
  /** A challenge's delivery record, or `null` (nothing sent, email, or expired). */
  record(userId: string, challengeId: string): Promise<ChallengeDelivery | null>;
  /** The view of a challenge's delivery, or `null` when there is none. */
  view(userId: string, challengeId: string): Promise<DeliveryView | null>;
  /** Moves a challenge's delivery forward by a receipt the index matched; whether it changed. */
  applyToChallenge(entry: AppliedReceipt): Promise<boolean>;
  /** The figure a successful check of the challenge adds (`verified` for its provider). */
  verifiedItems(userId: string, challengeId: string): Promise<IncrementItem[]>;
  /**
   * Marks the challenge as failed over, in its own commit: `true` for the one caller that did
   * (of any number polling at once), `false` when it already had or has no record.
   */
  claimFailover(userId: string, challengeId: string): Promise<boolean>;
  /** Gives a claim back when the failover send was refused before any provider call. */
  releaseFailover(userId: string, challengeId: string): Promise<void>;
}

/** A receipt the message index accepted: whose challenge, and the message's status now. */
export interface AppliedReceipt {
  readonly userId: string;
  readonly challengeId: string;
  readonly ref: string;
  readonly status: DeliveryStatus;
  readonly errorCode: string | null;
  readonly at: number;
}

const figureItem = (
  day: string,
  provider: string,
  country: string,
  metric: DeliveryMetric,
  by = 1,
): IncrementItem => ({
  key: figureKey(day, provider, country, metric),
  ttlMs: DELIVERY_FIGURES_TTL_MS,
  ...(by === 1 ? {} : { by }),
});

/** Builds the delivery log of one unit of work. */
export function deliveryLog(deps: DeliveryLogDeps): DeliveryLog {
  const { store, unit, clock } = deps;

  /** Runs `write` and commits; on a lost commit, again on what won (the unit reloaded it). */
  const committed = async (write: () => Promise<boolean>): Promise<boolean> => {
    for (let round = 0; round <= RECORD_ROUNDS; round++) {
      const wrote = await write();
      if (await unit.commit()) return wrote;
    }
    throw new MfaError("store_conflict", { data: { record: "account" } });
  };

  const record = async (userId: string, challengeId: string) =>
    ((await store.get(deliveryKey(userId, challengeId)))?.value ??
      null) as ChallengeDelivery | null;

  /** Sets the record's failover mark in its own commit; `true` when this call changed it. */
  const markFailover = (userId: string, challengeId: string, failedOver: boolean) =>
    committed(async () => {
      const rec = await record(userId, challengeId);
      if (!rec || rec.failedOver === failedOver) return false;
      await store.put(deliveryKey(userId, challengeId), { ...rec, failedOver } as never, {
        ttlMs: deps.challengeTtlMs,
      });
      return true;
    });

  return {
    async sent(message) {
      const now = clock.now();
      const day = dayOf(now);
      const { provider, messageId } = message.receipt;
      const ref = messageRef(provider, messageId);
      const entry: MessageEntry = {
        userId: message.userId,
        challengeId: message.challengeId,
        provider,
        country: message.country,
        day,
        status: "queued",
        errorCode: null,
      };
      let counted: { readonly counts: readonly number[] | null } | undefined;
      await committed(async () => {
        // The index and the day's "sent" figure ride on the record's commit: one round trip,
        // one commit, so a receipt that finds the index finds the record too (they land at
        // once), and a lost commit leaves no index pointing at a record that is not there.
        counted = unit.countOnCommit([figureItem(day, provider, message.country, "sent")]);
        unit.putOnCommit({
          key: indexKey(ref),
          value: entry as never,
          options: { ttlMs: MESSAGE_INDEX_TTL_MS },
        });
        const previous = await record(message.userId, message.challengeId);
        const next: ChallengeDelivery = {
          ref,
          provider,
          channel: message.channel,
          country: message.country,
          day,
          status: "queued",
          errorCode: null,
          sentAt: now,
          updatedAt: now,
          failedOver: previous?.failedOver ?? false,
        };
        await store.put(deliveryKey(message.userId, message.challengeId), next as never, {
          ttlMs: deps.challengeTtlMs,
        });
        return true;
      });
      // Only the send whose commit created the day's figure of its pair names the pair: a
      // read and a write once per pair and day instead of a read on every send. Should this
      // process end between the commit and here, the pair's first receipt names it (see
      // applyToIndex), so the report loses no row that has a final status.
      if (counted?.counts?.[0] === 1) await namePair(store, day, provider, message.country);
    },

    record,

    async view(userId, challengeId) {
      const rec = await record(userId, challengeId);
      return rec && viewOf(rec);
    },

    async applyToChallenge(applied) {
      const rec = await record(applied.userId, applied.challengeId);
      // Another message of the challenge (one a resend replaced) no longer speaks for it.
      if (!rec || rec.ref !== applied.ref || !advances(rec.status, applied.status)) return false;
      const next: ChallengeDelivery = {
        ...rec,
        status: applied.status,
        errorCode: applied.errorCode,
        updatedAt: applied.at,
      };
      await store.put(deliveryKey(applied.userId, applied.challengeId), next as never, {
        ttlMs: deps.challengeTtlMs,
      });
      return true;
    },

    async verifiedItems(userId, challengeId) {
      const rec = await record(userId, challengeId);
      return rec ? [figureItem(rec.day, rec.provider, rec.country, "verified")] : [];
    },

    claimFailover: (userId, challengeId) => markFailover(userId, challengeId, true),

    async releaseFailover(userId, challengeId) {
      await markFailover(userId, challengeId, false);
    },
  };
}

/** What a view shows of a challenge's delivery record. */
export const viewOf = (rec: ChallengeDelivery): DeliveryView => ({
  status: rec.status,
  errorCode: rec.errorCode,
  offerAlternatives: notDelivered(rec.status),
  failedOver: rec.failedOver,
});

/**
 * Names the provider and country among the day's pairs (the report's rows) unless they are
 * there: a read, and a compare-and-set the first time.
 */
async function namePair(
  store: Store,
  day: string,
  provider: string,
  country: string,
): Promise<void> {
  const pair = `${provider} ${country}`;
  for (let round = 0; round < INDEX_ROUNDS; round++) {
    const pairs = await store.get<string[]>(figurePairsKey(day));
    if (pairs?.value.includes(pair)) break;
    const put = await store.put(figurePairsKey(day), [...(pairs?.value ?? []), pair], {
      expectVersion: pairs?.version ?? null,
      ttlMs: DELIVERY_FIGURES_TTL_MS,
    });
    if (put.ok) break;
  }
}

/**
 * Moves the message index by a receipt: `null` for a message the SDK never sent (or whose entry
 * has expired); else the applied receipt and whether the status moved. Figures follow the
 * message's final status: counted once, and moved (failed → delivered) when a late delivery
 * report outranks a failure.
 */
export async function applyToIndex(
  store: Store,
  clock: Clock,
  receipt: CheckedReceipt,
): Promise<{ applied: AppliedReceipt; changed: boolean } | null> {
  const ref = messageRef(receipt.provider, receipt.messageId);
  for (let round = 0; round < INDEX_ROUNDS; round++) {
    const current = await store.get<MessageEntry & Record<string, never>>(indexKey(ref));
    if (!current) return null;
    const entry = current.value as MessageEntry;
    const applied: AppliedReceipt = {
      userId: entry.userId,
      challengeId: entry.challengeId,
      ref,
      status: entry.status,
      errorCode: entry.errorCode,
      at: receipt.at ?? clock.now(),
    };
    if (!advances(entry.status, receipt.status)) return { applied, changed: false };
    const next: MessageEntry = { ...entry, status: receipt.status, errorCode: receipt.errorCode };
    const put = await store.put(indexKey(ref), next as never, {
      expectVersion: current.version,
      ttlMs: MESSAGE_INDEX_TTL_MS,
    });
    if (!put.ok) continue;
    const moved: IncrementItem[] = [];
    const { day, provider, country } = entry;
    // Final statuses are figures ("sent" is counted at the send); a late delivery moves one.
    if (receipt.status === "delivered" || notDelivered(receipt.status))
      moved.push(figureItem(day, provider, country, receipt.status as DeliveryMetric));
    if (notDelivered(entry.status))
      moved.push(figureItem(day, provider, country, entry.status as DeliveryMetric, -1));
    // Named here too (a read per receipt that moves a figure): the backstop for a pair whose
    // sender ended before naming it (see DeliveryLog.sent).
    await namePair(store, day, provider, country);
    for (const item of moved) await store.increment(item.key, item);
    return {
      applied: { ...applied, status: receipt.status, errorCode: receipt.errorCode },
      changed: true,
    };
  }
  throw new MfaError("store_conflict", { data: { record: "delivery" } });
}
