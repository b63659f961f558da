/**
 * The gate: the one door every state-changing action goes through (adding, confirming,
 * replacing or removing a factor; minting or revoking an app password), whichever entry point
 * it came from (the wizard, the sign-in challenge, Security info, admin).
 *
 * - Before: step-up (BIND-01). A user acting on their own factors must have authenticated within
 *   the policy's `reauthMaxAgeSeconds`; an admin action carries no user session and is audited
 *   as `by: "admin"`.
 * - After: the notice (BIND-02), to every channel the user had registered before the change
 *   other than the one just added, in the user's language, with no secret in it; and the audit
 *   event.
 *
 * @module
 */

import type { NoticeFactor } from "../delivery/templates.js";
import type { Messenger } from "../enrolment/messenger.js";
import { MfaError } from "../errors.js";
import type { Policy } from "../policy/policy.js";
import type { Clock } from "../ports/clock.js";
import { type EventSink, emitEvent, type MfaEvent } from "../ports/events.js";
import type { Registration } from "../registration/registration.js";

/** The app's authenticated session, as every user-facing API takes it. */
export interface Session {
  /** The signed-in user. */
  readonly userId: string;
  /** When the user last authenticated (epoch ms): older than the policy allows → step-up (BIND-01). */
  readonly authenticatedAt: number;
  /** The client's IP from a trusted proxy header, for per-IP limits (RATE-06). */
  readonly ip?: string;
  /**
   * How the user signed in, when that limits what the session may do. A session opened with a
   * Temporary Access Pass carries the `via` of `challenge.verifyTemporaryAccessPass`'s answer: it
   * may add and confirm factors (the wizard, `securityInfo.add`) while its pass is live, and
   * nothing else. Absent: a full sign-in.
   */
  readonly via?: PassSession;
}

/** A session opened with a Temporary Access Pass: which pass, so that revoking it ends the session. */
export interface PassSession {
  readonly method: "temporary-access-pass";
  readonly passId: string;
}

/**
 * What a gated action does, for the sessions that may do only some things: `register` is adding
 * or confirming a factor, the one thing a Temporary Access Pass session may do. Absent: anything
 * else (remove, replace, rename, app passwords, devices, …).
 */
export type GatedPurpose = "register";

/** Who made a change. */
export type Actor = "user" | "admin";

/** A change to tell the user about. */
export interface FactorChange {
  readonly userId: string;
  /** `used`: a one-time method (a Temporary Access Pass, a recovery code) signed the user in. */
  readonly change: "added" | "removed" | "used";
  /** How the notice names it. */
  readonly factor: NoticeFactor;
  /** The method or kind for the audit event (`authentication-phone`, `app-password`, …). */
  readonly method: string;
  readonly by: Actor;
  /** The registration before the change: notices go only to channels registered before it. */
  readonly before: Registration;
  /** A destination the change just added (E.164 or address): never notified about itself. */
  readonly added?: string;
  /** The language of the notice; the registration's own, else English. */
  readonly locale?: string;
  /** The audit event instead of `factor.added`/`factor.removed`; required with `used`. */
  readonly event?: MfaEvent;
  /**
   * The "this wasn't me" link each channel's notice carries (see `revert/`). The unit of work
   * sets it when it records the change; a change given with `links` is told with exactly those.
   */
  readonly links?: Readonly<Partial<Record<"sms" | "email", string>>>;
  /** With `used`: how many are left (in the event; in the notice when `fewLeft`). */
  readonly remaining?: number;
  /** With `used`: few are left, so the notice tells the user to make new ones. */
  readonly fewLeft?: boolean;
}

/** What the gate needs. */
export interface GateDeps {
  readonly policy: Policy;
  readonly clock: Clock;
  readonly events: EventSink;
  readonly messenger: Messenger;
}

/** The gate. */
export interface Gate {
  /**
   * Throws `reauthentication_required` unless `session` authenticated recently enough to change
   * factors (BIND-01), and `invalid_input` if it is not `userId`'s session. A Temporary Access
   * Pass session (`via`) is refused with `reauthentication_required` (`reason:
   * "temporary_access_pass"`) unless `purpose` is `register`; `createMfa` checks its pass is still
   * live before the action runs.
   */
  authorise(session: Session | undefined, userId?: string, purpose?: GatedPurpose): void;
  /** Sends the notice and the audit event of a change that was written. Never throws. */
  changed(change: FactorChange): Promise<void>;
}

/** Builds the gate. */
export function createGate(deps: GateDeps): Gate {
  const { policy, clock, messenger } = deps;
  const at = () => new Date(clock.now()).toISOString();
  return {
    authorise(session, userId, purpose) {
      if (!session || typeof session !== "object") {
        throw new MfaError("invalid_input", {
          message: "A session is required.",
          data: { field: "session" },
        });
      }
      if (userId !== undefined && session.userId !== userId) {
        throw new MfaError("invalid_input", { data: { field: "session.userId" } });
      }
      // A pass lets a user who lost every factor register new ones, and does nothing else.
      if (session.via !== undefined && purpose !== "register") {
        throw new MfaError("reauthentication_required", {
          message: "A Temporary Access Pass only lets you add sign-in methods. Sign in with one.",
          data: { maxAgeSeconds: policy.reauthMaxAgeSeconds, reason: "temporary_access_pass" },
        });
      }
      assertRecentAuth(policy, clock.now(), session.authenticatedAt);
    },

    async changed(change) {
      const { before, userId } = change;
      const locale = change.locale ?? before.locale ?? "en";
      const when = clock.now();
      for (const target of noticeTargets(change)) {
        const link = change.links?.[target.channel];
        // A notice that cannot be delivered must not undo the change: its outcome is audited.
        const outcome = await messenger
          .sendNotice({
            ...target,
            ...(link ? { link } : {}),
            locale,
            change: change.change,
            factor: change.factor,
            ...(change.fewLeft ? { remaining: change.remaining ?? 0 } : {}),
            idempotencyKey: `${userId}:notice:${change.change}:${change.method}:${when}:${target.channel}`,
          })
          .catch(() => ({ ok: false as const }));
        await emitEvent(deps.events, {
          type: "notice.sent",
          at: at(),
          userId,
          channel: target.channel,
          delivered: outcome.ok,
        });
      }
      await emitEvent(
        deps.events,
        change.event ??
          (change.change === "added"
            ? { type: "factor.added", at: at(), userId, method: change.method }
            : change.change === "used"
              ? {
                  type: "factor.used",
                  at: at(),
                  userId,
                  method: change.method,
                  ...(change.remaining !== undefined ? { remaining: change.remaining } : {}),
                }
              : {
                  type: "factor.removed",
                  at: at(),
                  userId,
                  method: change.method,
                  by: change.by,
                }),
      );
    },
  };
}

/**
 * Where a change's notice goes: every channel the user had registered before it, other than a
 * destination the change just added.
 */
export function noticeTargets(
  change: Pick<FactorChange, "before" | "added">,
): Array<{ channel: "sms" | "email"; to: string }> {
  const { before } = change;
  const targets: Array<{ channel: "sms" | "email"; to: string }> = [];
  if (before.recoveryEmail && before.recoveryEmail.address !== change.added)
    targets.push({ channel: "email", to: before.recoveryEmail.address });
  const phone = before.phones["authentication-phone"]?.e164;
  if (phone && phone !== change.added) targets.push({ channel: "sms", to: phone });
  return targets;
}

/** Throws unless `authenticatedAt` is recent enough to change factors (BIND-01). */
export function assertRecentAuth(policy: Policy, now: number, authenticatedAt: number): void {
  if (
    typeof authenticatedAt !== "number" ||
    !Number.isFinite(authenticatedAt) ||
    now - authenticatedAt > policy.reauthMaxAgeSeconds * 1000
  ) {
    throw new MfaError("reauthentication_required", {
      data: { maxAgeSeconds: policy.reauthMaxAgeSeconds },
    });
  }
}
