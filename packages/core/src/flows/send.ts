/**
 * The send pipeline: every one-time code, wherever it is sent (the wizard, the sign-in challenge,
 * Security info), goes through the same order, so a limit or the app's risk check cannot be
 * skipped on a path beside the tested one:
 *
 * rules (the caller parsed the destination) → limits (FRAUD-03) → the app's risk hook (PSTN-03,
 * FRAUD-05) → the caller issues the code and writes its state (REL-04) → provider → outcome.
 *
 * A first send counts its limits IN the commit that writes the code's state ({@link countSend},
 * then {@link clearSend} after it), so it costs one durable commit; if a limit or the hook then
 * refuses it, the caller takes the state back and the counters are given back, before any
 * provider call. A resend, which replaces a code the user may still hold, screens first
 * ({@link screenSend}) so that a refused resend leaves that code alive.
 *
 * A send the risk hook refuses gives back what the limits counted: someone who never passes the
 * bot check must not be able to use up a chosen number's quota.
 *
 * @module
 */

import type { UnitOfWork } from "../account/unit-of-work.js";
import type { CodeDelivery, DeliveryOutcome, Messenger } from "../enrolment/messenger.js";
import type { Limiter, LimitScope, SendAllowance, SendPlan } from "../limits/limits.js";
import type { Clock } from "../ports/clock.js";
import { type EventSink, emitEvent } from "../ports/events.js";
import type { SendRiskContext, SendRiskHook } from "../ports/risk.js";
import type { DeliveryLog } from "../receipts/delivery-log.js";

/** Why a send was refused before any provider call. */
export type SendRefusal =
  | {
      readonly ok: false;
      readonly reason: "rate_limited";
      readonly scope: LimitScope | "challenge";
      readonly retryAfterSeconds: number;
    }
  | { readonly ok: false; readonly reason: "send_blocked" };

/** What the pipeline needs. */
export interface SendDeps {
  readonly limiter: Limiter;
  readonly beforeSend: SendRiskHook;
  readonly messenger: Messenger;
  readonly events: EventSink;
  readonly clock: Clock;
  /** Where an accepted message is recorded for its provider's receipts. */
  readonly deliveries: DeliveryLog;
}

/** A send about to happen. */
export interface SendSubject extends SendRiskContext {}

/**
 * Limits, then the risk hook: `null` when the send may go ahead (its limits are counted), else
 * the refusal to show. A hook that throws fails the send closed; what the limits counted is given
 * back either way.
 */
export async function screenSend(
  deps: SendDeps,
  subject: SendSubject,
): Promise<SendRefusal | null> {
  const limited = limitedOf(subject);
  const allowed = await deps.limiter.allowSend(limited);
  // A refused allowSend has already taken its counts back; a blocked send gives them back here.
  return judged(deps, subject, allowed, () =>
    allowed.ok ? deps.limiter.refundSend(limited) : Promise.resolve(),
  );
}

/** What the limiter sees of a send. */
const limitedOf = (subject: SendSubject) => ({
  userId: subject.userId,
  destination: subject.destination,
  country: subject.country,
  ip: subject.ip,
});

/**
 * The limits' verdict, then the app's risk hook: `null` when the send may go ahead, else the
 * refusal to show, with `giveBack` run (the counts returned) and the refusal audited. A hook that
 * throws fails the send closed, counts given back too.
 */
async function judged(
  deps: SendDeps,
  subject: SendSubject,
  verdict: SendAllowance,
  giveBack: () => Promise<void>,
): Promise<SendRefusal | null> {
  const at = () => new Date(deps.clock.now()).toISOString();
  if (!verdict.ok) {
    await giveBack();
    await emitEvent(deps.events, {
      type: "limit.tripped",
      at: at(),
      userId: subject.userId,
      scope: verdict.scope,
    });
    return {
      ok: false,
      reason: "rate_limited",
      scope: verdict.scope,
      retryAfterSeconds: verdict.retryAfterSeconds,
    };
  }
  let decision: Awaited<ReturnType<SendRiskHook>>;
  try {
    decision = await deps.beforeSend(subject);
  } catch (e) {
    await giveBack();
    throw e;
  }
  if (decision.allow) return null;
  await giveBack();
  await emitEvent(deps.events, {
    type: "send.blocked",
    at: at(),
    userId: subject.userId,
    reason: decision.reason,
  });
  return { ok: false, reason: "send_blocked" };
}

/** A send whose counters ride on the unit's next commit ({@link countSend}). */
export interface CountedSend {
  readonly subject: SendSubject;
  readonly plan: SendPlan;
  readonly counted: { readonly counts: readonly number[] | null };
}

/**
 * Plans a send's counters (validating the destination and IP) and queues them on the unit's next
 * commit, with the state the caller writes for it. Call {@link clearSend} after the commit.
 */
export function countSend(
  deps: SendDeps & { readonly unit: UnitOfWork },
  subject: SendSubject,
): CountedSend {
  const plan = deps.limiter.planSend(limitedOf(subject));
  return { subject, plan, counted: deps.unit.countOnCommit(plan.items) };
}

/**
 * After the commit that counted it: the limits the counts reached, then the app's risk hook.
 * `null` when the send may go ahead; else the refusal, its counts already given back (the caller
 * takes back the state it wrote). A hook that throws fails closed, counts given back too.
 */
export function clearSend(deps: SendDeps, send: CountedSend): Promise<SendRefusal | null> {
  const { subject, plan } = send;
  const verdict = deps.limiter.judgeSend(plan, send.counted.counts ?? []);
  return judged(deps, subject, verdict, () => deps.limiter.refund(plan));
}

/** A code to deliver, after its state was written. */
export interface CodeToDeliver extends Omit<CodeDelivery, "idempotencyKey"> {
  /** Whose challenge it is (the message index points receipts back to it). */
  readonly userId: string;
  readonly challengeId: string;
  /** The send's number within its challenge: with the id, the idempotency key (REL-03). */
  readonly sendCount: number;
  /** A phone's country, for the sent/verified figures (FRAUD-06). */
  readonly country?: string;
}

/**
 * Sends a code through the messenger; a provider failure is an outcome, not a throw (REL-04).
 * A phone message the provider accepted is logged for its receipts (the message index and the
 * challenge's delivery record, in a commit of its own: the send has happened).
 */
export async function deliverCode(deps: SendDeps, code: CodeToDeliver): Promise<DeliveryOutcome> {
  const outcome = await deps.messenger.sendCode({
    channel: code.channel,
    to: code.to,
    extension: code.extension ?? null,
    code: code.code,
    locale: code.locale,
    purpose: code.purpose,
    ttlMinutes: code.ttlMinutes,
    idempotencyKey: `${code.challengeId}:${code.sendCount}`,
    ...(code.route ? { route: code.route } : {}),
  });
  const receipt = outcome.ok ? outcome.receipt : undefined;
  if (receipt && receipt.reportsDelivery !== false && code.channel !== "email" && code.country) {
    try {
      await deps.deliveries.sent({
        userId: code.userId,
        challengeId: code.challengeId,
        channel: code.channel,
        country: code.country,
        receipt,
      });
    } catch {
      // The code went out: a store failure here only leaves its delivery status unknown (no
      // `delivery` in the view), never a sent code reported as a failure.
    }
  }
  // The day's "sent" figure was counted with the send's limits, in the same batch (FRAUD-06).
  return outcome;
}
