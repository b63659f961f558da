/**
 * Failover on silence: when no delivery receipt came within the configured time (or the
 * provider reported the message failed or undelivered), the challenge's next code goes out
 * through the failover senders, once.
 *
 * Why once, and why a new code: the plain code is never kept (only its keyed hash), so another
 * provider can only carry a new one, which replaces the first as any resend does (LIFE-07; the
 * attempt counter carries over, RATE-03). The challenge's delivery record is marked as failed
 * over in a commit of its own before anything is sent, so of any number of polls at once
 * exactly one sends, and a challenge never fails over a second time: the app's user can still
 * ask for a resend or a call, through the limits like any send. The failover send is screened
 * by the limits and the app's risk hook like every other (FRAUD-03, PSTN-03).
 *
 * It runs when a view is read (the wizard's `get`, `challenge.status`): a page that polls for the
 * delivery status drives it, and nothing runs in the background.
 *
 * @module
 */

import type { UnitOfWork } from "../account/unit-of-work.js";
import type { CodeService } from "../codes/code-service.js";
import type { DeliveryChannel } from "../delivery/failover-sender.js";
import { isMfaError } from "../errors.js";
import {
  type CodeToDeliver,
  deliverCode,
  type SendDeps,
  type SendSubject,
  screenSend,
} from "../flows/send.js";
import { notDelivered } from "./delivery-status.js";

/** When and through what a code fails over; `createMfa` resolves it from `delivery.failover`. */
export interface FailoverSettings {
  /** Fail over when no delivery receipt arrived this long after the send. */
  readonly afterMs: number;
  /** The channels with a failover sender. */
  readonly channels: readonly DeliveryChannel[];
}

/** What a failover needs: the send pipeline, the codes and the action's unit. */
export interface FailoverDeps extends SendDeps {
  readonly codes: CodeService;
  readonly unit: UnitOfWork;
  readonly failover: FailoverSettings | null;
}

/** A challenge that may fail over: what its sends are, for the limits and the messenger. */
export interface FailoverTarget {
  readonly subject: SendSubject;
  readonly code: Omit<CodeToDeliver, "code" | "sendCount" | "route">;
}

/** Rounds the resend's commit may lose to the user's other actions. */
const RESEND_ROUNDS = 8;

/**
 * Sends the challenge's next code through the failover senders if it is due (see the module
 * comment); `true` when a failover send was made (whatever the provider then answered).
 */
export async function failOverIfDue(deps: FailoverDeps, target: FailoverTarget): Promise<boolean> {
  const { failover, deliveries, codes, unit } = deps;
  const { userId, challengeId, channel } = target.code;
  if (!failover?.channels.includes(channel)) return false;
  const rec = await deliveries.record(userId, challengeId);
  if (!rec || rec.failedOver || rec.status === "delivered") return false;
  const silent = deps.clock.now() - rec.sentAt >= failover.afterMs;
  if (!silent && !notDelivered(rec.status)) return false;
  const live = await codes.status({ userId, challengeId });
  if (!live || live.attemptsLeft === 0 || live.sendsLeft === 0) return false;
  if (!(await deliveries.claimFailover(userId, challengeId))) return false;
  if (await screenSend(deps, target.subject)) {
    // A limit (the destination's cooldown, say) said not now: a later poll may try again.
    await deliveries.releaseFailover(userId, challengeId);
    return false;
  }
  let issued: Awaited<ReturnType<CodeService["resend"]>> | null = null;
  for (let round = 0; round <= RESEND_ROUNDS && issued === null; round++) {
    try {
      const next = await codes.resend({ userId, challengeId });
      if (await unit.commit()) issued = next;
    } catch (e) {
      // Used, cancelled or out of sends meanwhile: nothing to fail over.
      if (isMfaError(e, "challenge_not_found") || isMfaError(e, "resend_limit_reached"))
        return false;
      throw e;
    }
  }
  if (issued === null) return false;
  await deliverCode(deps, {
    ...target.code,
    code: issued.code,
    sendCount: issued.sendCount,
    route: "failover",
  });
  return true;
}
