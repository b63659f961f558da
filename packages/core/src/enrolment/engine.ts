/**
 * The enrolment flow engine: `start` gives a view, `submit` takes a step's input and gives the
 * next view.
 *
 * The next step is computed from the policy, what the user already has and where this enrolment
 * is, so the seed's wizard is one policy among many. The enrolment is a persisted, versioned
 * record in the user's document: it survives a reload, a device switch, a provider outage and a
 * second app instance. A submit runs in the action's unit of work and commits once (record,
 * code, binding, counters together), so of two tabs submitting at once one wins and the other
 * gets the current view with a `conflict` notice.
 *
 * Order of work in a submit, so that bad input changes nothing and costs nothing: parse the
 * input (zod) → check it (phone and email rules) → step-up → the transition, committed with the
 * send's counters → the limits and the app's risk hook judged (a refusal takes it all back) →
 * the provider → a failed delivery recorded. A provider failure leaves the state saved; the user
 * retries or switches channel (REL-04).
 *
 * @module
 */

import { registrationRequirement, removeFactor } from "../admin/admin.js";
import { assertCodeFormat } from "../codes/code-input.js";
import { randomId } from "../crypto/random-string.js";
import type { CodePurpose, NoticeFactor } from "../delivery/templates.js";
import { isMfaError, MfaError } from "../errors.js";
import type { Binding } from "../factors/registry.js";
import type { FlowDeps } from "../flow-deps.js";
import { checkFactor, noticeOf } from "../flows/check.js";
import type { Session } from "../flows/gate.js";
import { clearSend, countSend, deliverCode, type SendRefusal, screenSend } from "../flows/send.js";
import { userKey } from "../keys.js";
import type { Delivery, MfaMethod } from "../policy/policy.js";
import { type EventSink, emitEvent } from "../ports/events.js";
import { failOverIfDue } from "../receipts/delivery-failover.js";
import { issueRecoveryCodes } from "../recovery-codes/recovery-code-flows.js";
import { emptyRegistration, type Registration } from "../registration/registration.js";
import { parseRecoveryEmail } from "../rules/email.js";
import { parsePhone } from "../rules/phone.js";
import { accountLabel } from "../totp/key-uri.js";
import type { DeliveryOutcome } from "./messenger.js";
import { nextStepOf, scopedStep } from "./next-step.js";
import { createRenderer, revisitable, type Shown } from "./render.js";
import {
  type EnrolmentRecord,
  type EnrolmentScope,
  type InputStep,
  inputFault,
  type PendingCeremony,
  type PendingEmail,
  type PendingPhone,
  type SubmitInput,
  stepInputs,
} from "./steps.js";
import type { EnrolmentView, ViewNotice } from "./views.js";

/**
 * Who is submitting: the app's authenticated session. An enrolment of another user is "not
 * found"; every answer that can bind a factor or mint a secret needs a recent sign-in (BIND-01).
 */
export type EnrolmentSession = Session;

/** Options of {@link EnrolmentEngine.start}. */
export interface StartOptions extends EnrolmentSession {
  /** BCP 47 language for messages and views. @default "en" */
  readonly locale?: string;
  /** App steps this user must do (e.g. `["change-password"]` for a temporary password). */
  readonly appSteps?: readonly string[];
  /** When MFA was enabled for this user (epoch ms): starts the campaign's grace period. */
  readonly enabledAt?: number;
  /**
   * The form of the authenticator app's QR code in the views: an SVG for a web page, Unicode block
   * text for a terminal, or none (the app draws it from `uri`). Drawn when the view's field is
   * first read, so an app that never reads it pays nothing. @default "svg"
   */
  readonly qr?: "svg" | "text" | "none";
  /** The account label an authenticator app shows (e.g. the email). @default userId */
  readonly accountName?: string;
}

/** What the engine needs; `createMfa` builds it. */
export interface EngineDeps extends FlowDeps {
  readonly tenant: { readonly name: string; readonly domains: readonly string[] };
}

/** The enrolment API. */
export interface EnrolmentEngine {
  /** Starts an enrolment for the user, or resumes the one they have open (any device). */
  start(options: StartOptions): Promise<EnrolmentView>;
  /** The current view of an enrolment (no one-time secrets). */
  get(id: string, session: EnrolmentSession): Promise<EnrolmentView>;
  /** Answers the current step; returns the next view. Throws `MfaError` on bad input. */
  submit(id: string, input: SubmitInput, session: EnrolmentSession): Promise<EnrolmentView>;
}

/** The engine as `createMfa` holds it: the public API and what Security info builds on. */
export interface EngineInternals extends EnrolmentEngine {
  /** Starts an enrolment of one factor kind (Security info's "add" and "replace"). */
  startScoped(options: StartOptions, scope: EnrolmentScope): Promise<EnrolmentView>;
}

/** What a transition's after-work gives back. */
interface AfterWork {
  readonly record: EnrolmentRecord | null;
  readonly shown?: Shown;
  readonly notice?: ViewNotice | null;
}

/** A transition's result: the record to write and what to show. */
interface Transition {
  readonly record: EnrolmentRecord;
  readonly notice?: ViewNotice | null;
  readonly shown?: Shown;
  /**
   * Runs after the record was written (sends, minting): a record change to write too, if any, and
   * what to show. Work that makes something (a code sent, a password minted) runs here, after
   * the compare-and-set was won, so a losing tab makes nothing.
   */
  readonly after?: (rec: EnrolmentRecord) => Promise<AfterWork | EnrolmentRecord | null>;
  /** Another writer moved the enrolment on: show its current view with a conflict notice. */
  readonly stale?: true;
}

/**
 * Answers that change nothing a step-up protects: moving around the wizard and postponing it.
 * Every other answer is gated.
 */
const NO_STEP_UP: ReadonlySet<string> = new Set(["back", "cancel", "snooze", "different-method"]);

/** Throws `invalid_input` unless the policy offers `value` (a method or a delivery). */
function assertOffered<T>(
  offered: readonly T[] | undefined,
  value: T,
  field: "method" | "delivery",
): void {
  if (!offered?.includes(value)) {
    throw new MfaError("invalid_input", {
      message: `That ${field} is not offered.`,
      data: { field },
    });
  }
}

/** Where a code of the enrolment goes, as the limits and the risk hook see it. */
type SendTarget =
  | {
      kind: "phone";
      e164: string;
      country: string;
      delivery: Delivery;
      purpose: "mfa" | "recovery";
    }
  | { kind: "email"; address: string };

/** Builds the engine. */
export function createEnrolmentEngine(deps: EngineDeps): EngineInternals {
  const { store, clock, policy, codes, totp, limiter, registrations } = deps;
  const key = (userId: string, id: string) => userKey(userId, "enrolment", id);
  const currentKey = (userId: string) => userKey(userId, "enrolment-current");
  const now = () => clock.now();
  const emit = (event: Parameters<EventSink["emit"]>[0]) => emitEvent(deps.events, event);
  const at = () => new Date(now()).toISOString();

  // ---------------------------------------------------------------- reading

  const load = async (id: string, userId: string) => {
    if (typeof id !== "string" || !/^enr_[A-Za-z0-9_-]{22}$/.test(id)) {
      throw new MfaError("enrolment_not_found", { data: { field: "id" } });
    }
    const entry = await store.get<EnrolmentRecord & Record<string, never>>(key(userId, id));
    if (!entry) throw new MfaError("enrolment_not_found");
    return { record: entry.value as EnrolmentRecord, version: entry.version };
  };

  const nextStep = (rec: EnrolmentRecord, reg: Registration) =>
    nextStepOf(policy, rec, reg, deps.appPasswords !== null, deps.factors);
  const { render, appPasswordName } = createRenderer(deps);

  // ---------------------------------------------------------------- writing

  /**
   * Mints the enrolment's app password in the same commit as the move to its step: a losing tab
   * or a crash leaves no password nobody saw. A user already at the cap is told so and the step
   * is passed over: the wizard can always finish (APP-02).
   */
  const mintAppPassword = async (rec: EnrolmentRecord): Promise<Transition> => {
    const service = deps.appPasswords;
    if (!service) return { record: rec };
    try {
      const before = await registrations.get(rec.userId);
      const created = await service.create({ userId: rec.userId, name: appPasswordName(rec) });
      await deps.gate.changed({
        userId: rec.userId,
        change: "added",
        factor: "app-password",
        method: "app-password",
        by: "user",
        before,
        locale: rec.locale,
      });
      return {
        record: { ...rec, appPasswordId: created.id },
        shown: { appPassword: created.password },
      };
    } catch (e) {
      if (!isMfaError(e, "app_password_limit_reached")) throw e;
      const passed = await advance(rec, { appPasswordDone: true });
      return {
        ...passed,
        notice: { code: "app_password_limit_reached", cap: Number(e.data.cap ?? 0) },
      };
    }
  };

  /** Makes and shows the recovery codes in the commit of the move to their step (like the app password). */
  const mintRecoveryCodes = async (rec: EnrolmentRecord): Promise<Transition> => {
    const made = await issueRecoveryCodes(deps, rec.userId, rec.locale);
    return {
      record: { ...rec, recoveryCodesAt: made.createdAt },
      shown: { recoveryCodes: made.codes },
    };
  };

  /** Moves to the computed next step, minting the app password if that is where it lands. */
  const advance = async (
    rec: EnrolmentRecord,
    extra: Partial<EnrolmentRecord> = {},
    known?: Registration,
  ): Promise<Transition> => {
    let moved = { ...rec, ...extra, pending: null } as EnrolmentRecord;
    let reg = known ?? (await registrations.get(rec.userId));
    const scope = moved.scope;
    if (scope?.replaces && !scope.replaced && scopedStep(moved, scope) === "finish") {
      // Replace (Security info): the old factor goes once the new one is bound, not before. A
      // phone or recovery address of the same kind was already overwritten by the new one.
      if (scope.replaces !== scope.kind) {
        await removeFactor(deps, {
          userId: rec.userId,
          kind: scope.kind,
          id: scope.replaces,
          by: "user",
        });
        reg = await registrations.get(rec.userId);
      }
      moved = { ...moved, scope: { ...scope, replaced: true } };
    }
    const next = nextStep(moved, reg);
    const history =
      next.step === rec.step && next.appStepId === rec.appStepId
        ? rec.history
        : [...rec.history, rec.step];
    const record: EnrolmentRecord = {
      ...moved,
      step: next.step,
      appStepId: next.appStepId,
      history,
    };
    if (next.step === "app-password" && !record.appPasswordId && deps.appPasswords) {
      return mintAppPassword(record);
    }
    if (next.step === "recovery-codes" && !record.recoveryCodesAt) return mintRecoveryCodes(record);
    return { record };
  };

  const codePurpose = (pending: PendingPhone | PendingEmail): CodePurpose =>
    pending.kind === "email"
      ? "recovery-email"
      : pending.purpose === "recovery"
        ? "recovery-phone"
        : "enrol";

  const storePurpose = (pending: PendingPhone | PendingEmail) =>
    pending.kind === "email" ? "enrol:email" : `enrol:${pending.purpose}:${pending.delivery}`;

  const destinationOf = (
    pending: { kind: "phone"; e164: string } | { kind: "email"; address: string },
  ) => (pending.kind === "email" ? pending.address : pending.e164);

  /** What a challenge's code message is, but the code itself. */
  const codeMessage = (rec: EnrolmentRecord, pending: PendingPhone | PendingEmail) => ({
    userId: rec.userId,
    channel: pending.kind === "email" ? ("email" as const) : pending.delivery,
    to: destinationOf(pending),
    extension: pending.kind === "phone" ? pending.extension : null,
    locale: rec.locale,
    purpose: codePurpose(pending),
    ttlMinutes: Math.round(codes.options.ttlSeconds / 60),
    challengeId: pending.challengeId,
    ...(pending.kind === "phone" ? { country: pending.country } : {}),
  });

  /** Sends the code of a challenge; the outcome is recorded on the pending step. */
  const sendCode = (
    rec: EnrolmentRecord,
    pending: PendingPhone | PendingEmail,
    code: string,
    sendCount: number,
  ): Promise<DeliveryOutcome> =>
    deliverCode(deps, { ...codeMessage(rec, pending), code, sendCount });

  const deliveryNotice = (outcome: DeliveryOutcome): ViewNotice | null =>
    outcome.ok
      ? null
      : { code: "delivery_failed", retryable: outcome.error === "delivery_unavailable" };

  /**
   * The record with a send's outcome, or `null` when there is nothing to write: a delivered code
   * needs no second commit (the step already says "sent"); only a failure, or the first success
   * after one, is recorded (REL-04).
   */
  const withDelivery = (rec: EnrolmentRecord, outcome: DeliveryOutcome): EnrolmentRecord | null => {
    const pending = rec.pending as PendingPhone | PendingEmail;
    if (outcome.ok && pending.delivered !== false) return null;
    return {
      ...rec,
      pending: {
        ...pending,
        delivered: outcome.ok,
        deliveryError: outcome.ok ? null : outcome.error,
      },
    };
  };

  /**
   * The send pipeline's screen (limits, then the app's risk hook): a refusal is a transition that
   * changes nothing and costs no provider call.
   */
  const refuseSend = async (
    rec: EnrolmentRecord,
    session: EnrolmentSession,
    pending: SendTarget,
  ): Promise<Transition | null> => {
    const refused = await screenSend(deps, sendSubject(rec, session, pending));
    return refused ? { record: rec, notice: refusalNotice(refused) } : null;
  };

  /** What a send of the enrolment is, for the limits and the app's risk hook. */
  const sendSubject = (rec: EnrolmentRecord, session: EnrolmentSession, pending: SendTarget) => ({
    userId: rec.userId,
    channel: pending.kind === "phone" ? pending.delivery : ("email" as const),
    destination: destinationOf(pending),
    ...(pending.kind === "phone" ? { country: pending.country } : {}),
    ...(session.ip ? { ip: session.ip } : {}),
    purpose:
      pending.kind === "phone" && pending.purpose === "mfa"
        ? ("enrol" as const)
        : ("recovery" as const),
  });

  /**
   * Issues a code, puts the enrolment on `verify-code`, and counts the send's limits, all in one
   * commit (state before send, REL-04); after it, the limits and the app's risk hook are judged
   * and only then the provider called. A refusal takes it all back: the step, the code, the counts.
   */
  const beginCode = async (
    rec: EnrolmentRecord,
    session: EnrolmentSession,
    pending:
      | Omit<PendingPhone, "challengeId" | "delivered" | "deliveryError">
      | Omit<PendingEmail, "challengeId" | "delivered" | "deliveryError">,
  ): Promise<Transition> => {
    const counted = countSend(deps, sendSubject(rec, session, pending));
    const destination = destinationOf(pending);
    const full = { ...pending, challengeId: "", delivered: null, deliveryError: null } as
      | PendingPhone
      | PendingEmail;
    const issued = await codes.issue({
      userId: rec.userId,
      purpose: storePurpose(full),
      destination,
    });
    const withChallenge = { ...full, challengeId: issued.challengeId } as
      | PendingPhone
      | PendingEmail;
    return {
      record: {
        ...rec,
        step: "verify-code",
        pending: withChallenge,
        history: rec.step === "verify-code" ? rec.history : [...rec.history, rec.step],
      },
      after: async (written) => {
        const refused = await clearSend(deps, counted);
        if (refused) {
          // Nothing was sent: the code dies and the enrolment is where it was.
          await codes.cancel({ userId: rec.userId, challengeId: issued.challengeId });
          return { record: { ...rec }, notice: refusalNotice(refused) };
        }
        return withDelivery(
          written,
          await sendCode(written, withChallenge, issued.code, issued.sendCount),
        );
      },
    };
  };

  /** The notice of a refused send. */
  const refusalNotice = (refused: SendRefusal): ViewNotice =>
    refused.reason === "send_blocked"
      ? { code: "send_blocked" }
      : {
          code: "rate_limited",
          scope: refused.scope,
          retryAfterSeconds: refused.retryAfterSeconds,
        };

  /** Resends (optionally switching to voice): a new code kills the old, counters stay (LIFE-07). */
  const resend = async (
    rec: EnrolmentRecord,
    session: EnrolmentSession,
    toVoice: boolean,
  ): Promise<Transition> => {
    let pending = rec.pending as PendingPhone | PendingEmail;
    if (toVoice) {
      if (pending.kind !== "phone" || !policy.phone?.deliveries.includes("voice")) {
        throw new MfaError("invalid_input", {
          message: "A call is not available for this code.",
          data: { field: "action" },
        });
      }
      pending = { ...pending, delivery: "voice" };
    }
    const refused = await refuseSend(rec, session, pending);
    if (refused) return refused;
    const current = toVoice
      ? null
      : await codes.status({ userId: rec.userId, challengeId: pending.challengeId });
    if (current && current.attemptsLeft > 0 && current.expiresAt > now()) {
      if (current.sendsLeft === 0) {
        const retryAfterSeconds = Math.ceil((current.expiresAt - now()) / 1000);
        return {
          record: rec,
          notice: { code: "rate_limited", scope: "challenge", retryAfterSeconds },
        };
      }
      const issued = await codes.resend({ userId: rec.userId, challengeId: pending.challengeId });
      return {
        record: rec,
        after: async (written) =>
          withDelivery(written, await sendCode(written, pending, issued.code, issued.sendCount)),
      };
    }
    // A new channel is a new binding, and a dead challenge (expired, locked) cannot be resent:
    // start a fresh challenge; the old code stops working and the factor's failures still count.
    await codes.cancel({ userId: rec.userId, challengeId: pending.challengeId });
    const issued = await codes.issue({
      userId: rec.userId,
      purpose: storePurpose(pending),
      destination: destinationOf(pending),
    });
    const next = { ...pending, challengeId: issued.challengeId };
    return {
      record: { ...rec, pending: next },
      after: async (written) =>
        withDelivery(written, await sendCode(written, next, issued.code, issued.sendCount)),
    };
  };

  /** The gate's after-work for a factor this enrolment added (BIND-02 notice, event). */
  const notify = (
    before: Registration,
    rec: EnrolmentRecord,
    factor: NoticeFactor,
    method: string,
    added?: string,
  ) =>
    deps.gate.changed({
      userId: rec.userId,
      change: "added",
      factor,
      method,
      by: "user",
      before,
      locale: rec.locale,
      ...(added ? { added } : {}),
    });

  const verifyCode = async (rec: EnrolmentRecord, code: string): Promise<Transition> => {
    const pending = rec.pending as PendingPhone | PendingEmail;
    const factorKey =
      pending.kind === "email" ? `email:${pending.address}` : `phone:${pending.e164}`;
    // A typo costs no attempt: the format is checked before the attempt is reserved.
    assertCodeFormat(code, codes.options.length);
    const outcome = await checkFactor(deps, { userId: rec.userId, factorKey }, () =>
      codes.verify({
        userId: rec.userId,
        challengeId: pending.challengeId,
        purpose: storePurpose(pending),
        destination: destinationOf(pending),
        code,
      }),
    );
    if (!outcome.ok) return { record: rec, notice: noticeOf(outcome) };
    if (pending.kind === "email") {
      return confirmBinding(
        rec,
        { kind: "recovery-email", address: pending.address },
        { recoveryAdded: [...rec.recoveryAdded, "email"] },
      );
    }
    // The day's "verified" figures (FRAUD-06; per provider for the delivery report) land in
    // the same commit as the binding.
    deps.unit.countOnCommit([
      limiter.conversionItem("verified", pending.country),
      ...(await deps.deliveries.verifiedItems(rec.userId, pending.challengeId)),
    ]);
    const phone = {
      e164: pending.e164,
      country: pending.country,
      extension: pending.extension,
      delivery: pending.delivery,
    };
    const verifiedPhones = { ...rec.verifiedPhones, [pending.e164]: now() };
    return pending.purpose === "recovery"
      ? confirmBinding(
          rec,
          { kind: "recovery-phone", phone },
          { verifiedPhones, recoveryAdded: [...rec.recoveryAdded, "phone"] },
        )
      : confirmBinding(
          rec,
          { kind: pending.method, phone },
          { verifiedPhones, added: [...rec.added, pending.method] },
        );
  };

  /**
   * Binds a confirmed factor through its registry module, tells the user of every factor that
   * change added (a recovery phone the user did not have also becomes their authentication
   * phone: two notices, BIND-02/04), and moves the wizard on.
   */
  const confirmBinding = async (
    rec: EnrolmentRecord,
    binding: Binding,
    progress: Partial<EnrolmentRecord>,
  ): Promise<Transition> => {
    const t = now();
    // The registration just before this change: notices go only to what it held.
    let before: Registration = emptyRegistration;
    const after = await registrations.update(rec.userId, (r) => {
      before = r;
      return { ...deps.factors.bind(r, binding, t), locale: rec.locale };
    });
    const destination =
      "phone" in binding ? binding.phone.e164 : "address" in binding ? binding.address : undefined;
    for (const { module } of deps.factors.changes(before, after).added)
      await notify(before, rec, module.notice, module.kind, destination);
    return advance(rec, progress, after);
  };

  const beginTotp = async (
    rec: EnrolmentRecord,
    purpose: "mfa" | "recovery",
  ): Promise<Transition> => {
    // The label an authenticator app shows: any string made safe (no ':', whole characters).
    const accountName = accountLabel(rec.accountName ?? rec.userId);
    // No QR code here: the view draws it from the URI, in the form the app asked for, only if
    // the app reads it (drawing is most of a setup's CPU; see render.ts).
    const enrolment = await totp.begin({ userId: rec.userId, accountName, qr: "none" });
    return {
      record: {
        ...rec,
        step: "authenticator-setup",
        pending: { kind: "totp", purpose, factorId: enrolment.factorId },
        history: rec.step === "authenticator-setup" ? rec.history : [...rec.history, rec.step],
      },
      shown: {
        totp: { secret: enrolment.secret, uri: enrolment.uri, qr: rec.qr ?? "svg" },
      },
    };
  };

  const confirmTotp = async (rec: EnrolmentRecord, code: string): Promise<Transition> => {
    const pending = rec.pending as Extract<EnrolmentRecord["pending"], { kind: "totp" }>;
    assertCodeFormat(code, totp.options.digits);
    let stale = false;
    const outcome = await checkFactor(
      deps,
      { userId: rec.userId, factorKey: `totp:${pending.factorId}` },
      () =>
        totp
          .confirm({ userId: rec.userId, factorId: pending.factorId, code })
          .catch((e: unknown) => {
            // Another tab confirmed this app first: not an error, just an old view.
            if (!isMfaError(e, "factor_not_pending")) throw e;
            stale = true;
            return { ok: false, reason: "not_found" } as const;
          }),
    );
    if (stale) return { record: rec, stale: true };
    if (!outcome.ok) return { record: rec, notice: noticeOf(outcome) };
    return confirmBinding(
      rec,
      { kind: "authenticator-app", factorId: pending.factorId },
      pending.purpose === "recovery"
        ? { recoveryAdded: [...rec.recoveryAdded, "authenticator-app"] }
        : { added: [...rec.added, "authenticator-app"] },
    );
  };

  /**
   * Begins a ceremony factor's setup (a passkey): its module makes the state the step keeps; the
   * view asks the module what the browser needs. Nothing is bound before the answer.
   */
  const beginCeremony = async (
    rec: EnrolmentRecord,
    factor: MfaMethod,
    name: string | undefined,
  ): Promise<Transition> => {
    const ceremony = deps.factors.ceremonyOf(factor);
    const state = await ceremony.beginSetup(deps, {
      userId: rec.userId,
      reg: await registrations.get(rec.userId),
      accountName: rec.accountName ?? rec.userId,
      name,
    });
    return {
      record: {
        ...rec,
        step: "factor-setup",
        pending: { kind: "ceremony", purpose: "mfa", factor, state },
        history: rec.step === "factor-setup" ? rec.history : [...rec.history, rec.step],
      },
    };
  };

  /**
   * Checks a ceremony's answer through its module and binds what it proved. The pending state
   * (the challenge) is cleared by the same commit that binds, so the answer counts once.
   */
  const confirmCeremony = async (
    rec: EnrolmentRecord,
    pending: PendingCeremony,
    answer: unknown,
  ): Promise<Transition> => {
    const outcome = await deps.factors.ceremonyOf(pending.factor).confirmSetup(deps, {
      userId: rec.userId,
      reg: await registrations.get(rec.userId),
      state: pending.state,
      answer,
    });
    if (!outcome.ok) return { record: rec, notice: noticeOf(outcome) };
    return confirmBinding(rec, outcome.binding, { added: [...rec.added, pending.factor] });
  };

  /**
   * "Not now", from the intro or the recovery intro: allowed only while the campaign says
   * nudge, and counted, so registration is forced after `maxSnoozes` (as Entra does).
   */
  const snooze = async (rec: EnrolmentRecord): Promise<Transition> => {
    const until = now() + policy.campaign.snoozeDays * 86_400_000;
    // Checked inside the compare-and-set, so two tabs cannot both spend the last snooze.
    await registrations.update(rec.userId, (r) => {
      const { status, snoozesLeft } = registrationRequirement(
        policy,
        r,
        now(),
        rec.enabledAt ?? undefined,
        deps.factors,
      );
      if (status === "required" || snoozesLeft === 0 || policy.campaign.snoozeDays === 0) {
        throw new MfaError("invalid_input", {
          message: "Registration can't be postponed any more.",
          data: { field: "action" },
        });
      }
      return { ...r, snoozes: r.snoozes + 1, snoozedUntil: until };
    });
    return { record: { ...rec, status: "cancelled", step: "cancelled" } };
  };

  /** Drops whatever the current step had in flight (a code challenge, an unconfirmed app). */
  const dropPending = async (rec: EnrolmentRecord) => {
    const p = rec.pending;
    if (!p) return;
    if (p.kind === "totp") await totp.remove({ userId: rec.userId, factorId: p.factorId });
    // A ceremony's state is on the step itself: it goes with it.
    else if (p.kind !== "ceremony")
      await codes.cancel({ userId: rec.userId, challengeId: p.challengeId });
  };

  const phoneFrom = (
    input: { country?: string | undefined; number: string; extension?: string | undefined },
    use: "sms" | "voice" | "office",
  ) =>
    parsePhone(
      { number: input.number, country: input.country, use, extension: input.extension },
      { allowedCountries: policy.phone?.allowedCountries ?? [] },
    );

  /** The transition for one parsed input at the record's step. */
  const transition = async (
    rec: EnrolmentRecord,
    input: ReturnType<(typeof stepInputs)[InputStep]["parse"]>,
    session: EnrolmentSession,
  ): Promise<Transition> => {
    if ("action" in input && input.action === "cancel") {
      await dropPending(rec);
      return { record: { ...rec, status: "cancelled", step: "cancelled", pending: null } };
    }
    if ("action" in input && input.action === "back") {
      const history = [...rec.history];
      let previous = history.pop();
      while (previous !== undefined && !revisitable(previous)) previous = history.pop();
      if (!previous) {
        throw new MfaError("invalid_input", {
          message: "There is no step to go back to.",
          data: { field: "action" },
        });
      }
      await dropPending(rec);
      return { record: { ...rec, step: previous, pending: null, history } };
    }
    switch (input.step) {
      case "intro": {
        if (input.action === "snooze") return snooze(rec);
        return advance(rec, { introDone: true });
      }
      case "mfa-method": {
        if (!("method" in input)) break;
        assertOffered(
          rec.scope ? policy.mfa.methods.filter((m) => m === rec.scope?.kind) : policy.mfa.methods,
          input.method,
          "method",
        );
        const module = deps.factors.module(input.method);
        if (module.setup === "ceremony")
          return beginCeremony(rec, input.method, "name" in input ? input.name : undefined);
        if (module.setup === "totp" || !("number" in input)) return beginTotp(rec, "mfa");
        // A phone that takes texts gets the delivery asked for; the others are called.
        const reachable = module.deliveries?.(policy.phone?.deliveries ?? []) ?? [];
        const textable = module.deliveries?.(["sms"]).includes("sms") ?? false;
        const delivery: Delivery = textable && "delivery" in input ? input.delivery : "voice";
        assertOffered(reachable, delivery, "delivery");
        const use = module.phoneUse?.(delivery) ?? delivery;
        const phone = phoneFrom(input, use);
        return beginCode(rec, session, {
          kind: "phone",
          purpose: "mfa",
          method: input.method,
          e164: phone.e164,
          country: phone.country,
          extension: phone.extension,
          delivery,
        });
      }
      case "verify-code": {
        if ("code" in input) return verifyCode(rec, input.code);
        if (input.action === "resend" || input.action === "switch-to-voice")
          return resend(rec, session, input.action === "switch-to-voice");
        await dropPending(rec);
        const back =
          (rec.pending as PendingPhone | PendingEmail).kind === "phone" &&
          (rec.pending as PendingPhone).purpose === "mfa"
            ? "mfa-method"
            : "recovery-method";
        return { record: { ...rec, step: back, pending: null } };
      }
      case "authenticator-setup": {
        if ("code" in input) return confirmTotp(rec, input.code);
        const purpose = (rec.pending as { purpose: "mfa" | "recovery" }).purpose;
        await dropPending(rec);
        if (input.action === "restart") return beginTotp({ ...rec, pending: null }, purpose);
        return {
          record: {
            ...rec,
            step: purpose === "mfa" ? "mfa-method" : "recovery-method",
            pending: null,
          },
        };
      }
      case "factor-setup": {
        const pending = rec.pending as PendingCeremony;
        if ("answer" in input) return confirmCeremony(rec, pending, input.answer);
        if (input.action === "restart") {
          const { name } = pending.state as { name?: string | null };
          return beginCeremony({ ...rec, pending: null }, pending.factor, name ?? undefined);
        }
        return { record: { ...rec, step: "mfa-method", pending: null } };
      }
      case "app-password": {
        if (input.action === "new-password" && deps.appPasswords) {
          // The password shown may never have reached the user (a reload, another device, an
          // answer lost after its commit): the one nobody may have seen goes, a new one is
          // minted and shown, in one commit (APP-01: none lives unseen).
          if (rec.appPasswordId)
            await deps.appPasswords.revoke({ userId: rec.userId, id: rec.appPasswordId });
          return mintAppPassword({ ...rec, appPasswordId: null });
        }
        return advance(rec, { appPasswordDone: true });
      }
      case "recovery-codes": {
        // Codes shown may never have reached the user (a reload, another device): a new set
        // replaces the unseen one in one commit, and is shown.
        if (input.action === "new-codes") return mintRecoveryCodes(rec);
        return advance(rec, { recoveryCodesDone: true });
      }
      case "app-step": {
        if (!("stepId" in input) || input.stepId !== rec.appStepId) {
          throw new MfaError("step_mismatch", { data: { expected: rec.appStepId ?? "" } });
        }
        const step = policy.appSteps.find((s) => s.id === input.stepId);
        if (step?.changesPassword && (await deps.devices.revokeAll(rec.userId)) > 0) {
          // A new password also forgets the devices remembered under the old one.
          await emit({
            type: "device.revoked",
            at: at(),
            userId: rec.userId,
            deviceId: "all",
            by: "password_change",
          });
        }
        if (
          step?.changesPassword &&
          policy.appPasswords.revokeOnPasswordChange &&
          deps.appPasswords
        ) {
          // APP-03: a new password revokes the app passwords minted before it (Google's rule);
          // the one shown in this enrolment was minted for the new password and stays.
          const keep = rec.appPasswordId;
          for (const ap of await deps.appPasswords.list({ userId: rec.userId })) {
            if (ap.id !== keep) await deps.appPasswords.revoke({ userId: rec.userId, id: ap.id });
          }
        }
        return advance(rec, { appStepsDone: [...rec.appStepsDone, input.stepId] });
      }
      case "recovery-intro":
        if (input.action === "snooze") return snooze(rec);
        return advance(rec, { recoveryIntroDone: true });
      case "recovery-method": {
        if (!("method" in input)) break;
        assertOffered(policy.recovery.methods, input.method, "method");
        if (input.method === "authenticator-app") return beginTotp(rec, "recovery");
        return {
          record: {
            ...rec,
            step: input.method === "email" ? "recovery-email" : "recovery-phone",
            history: [...rec.history, rec.step],
          },
        };
      }
      case "recovery-email": {
        if (!("email" in input)) break;
        const email = parseRecoveryEmail(input.email, { tenantDomains: deps.tenant.domains });
        return beginCode(rec, session, { kind: "email", address: email.address });
      }
      case "recovery-phone": {
        if (!("delivery" in input)) break;
        assertOffered(policy.phone?.deliveries, input.delivery, "delivery");
        const reg = await registrations.get(rec.userId);
        const registered = reg.phones["authentication-phone"];
        let target: { e164: string; country: string };
        if (input.number !== undefined) {
          const parsed = phoneFrom(
            { number: input.number, country: input.country },
            input.delivery,
          );
          if (registered && parsed.e164 !== registered.e164) {
            throw new MfaError("invalid_input", {
              message: "Confirm your authentication phone.",
              data: { field: "number" },
            });
          }
          target = parsed;
        } else if (registered) {
          // Re-check the stored number's type now: numbers and metadata change (PHONE-02).
          target = phoneFrom({ number: registered.e164 }, input.delivery);
        } else {
          throw new MfaError("invalid_input", {
            message: "Enter a phone number.",
            data: { field: "number" },
          });
        }
        const verifiedAt = rec.verifiedPhones[target.e164];
        const window = policy.recovery.phoneReverifyAfterSeconds * 1000;
        if (verifiedAt !== undefined && window > 0 && now() - verifiedAt <= window) {
          await registrations.update(rec.userId, (r) => ({ ...r, recoveryPhoneVerifiedAt: now() }));
          return advance(rec, { recoveryAdded: [...rec.recoveryAdded, "phone"] });
        }
        return beginCode(rec, session, {
          kind: "phone",
          purpose: "recovery",
          method: "authentication-phone",
          e164: target.e164,
          country: target.country,
          extension: null,
          delivery: input.delivery,
        });
      }
      case "finish": {
        const t = now();
        await registrations.update(rec.userId, (r) => ({
          ...r,
          registeredAt: r.registeredAt ?? t,
          confirmedAt: t,
          reregistrationRequired: false,
          snoozedUntil: null,
        }));
        await emit({
          type: "enrolment.finished",
          at: at(),
          userId: rec.userId,
          enrolmentId: rec.id,
        });
        return { record: { ...rec, status: "finished", step: "done" } };
      }
    }
    throw new MfaError("invalid_input", { data: { field: "action" } });
  };

  /** The current view with a `conflict` notice: another tab or instance moved the enrolment. */
  const conflict = async (rec: EnrolmentRecord) => {
    const fresh = await load(rec.id, rec.userId);
    return render(fresh.record, fresh.version, { code: "conflict" });
  };

  /**
   * Writes a transition into the unit of work and commits it: the record, and everything the
   * transition changed on the way (a code consumed, a factor bound, an attempt counted), land
   * together or not at all. A lost commit is the conflict view. Then the after-work (a send, so
   * that state is durable before the provider call, REL-04) and the outcome it records.
   */
  const commit = async (
    rec: EnrolmentRecord,
    version: number,
    t: Transition,
  ): Promise<EnrolmentView> => {
    if (t.stale) return conflict(rec);
    const ttlMs = Math.max(1000, rec.expiresAt - now());
    let written = rec;
    let writtenVersion = version;
    if (t.record !== rec) {
      const put = await store.put(key(rec.userId, rec.id), t.record as never, {
        expectVersion: version,
        ttlMs,
      });
      if (!put.ok) return conflict(rec);
      written = t.record;
      writtenVersion = put.version;
      // A scoped enrolment (Security info) never held the wizard's pointer: it leaves it alone.
      if (t.record.status !== "active" && !rec.scope) await store.delete(currentKey(rec.userId));
    }
    if (!(await deps.unit.commit())) return conflict(rec);
    let shown = t.shown;
    let notice = t.notice ?? null;
    if (t.after) {
      const result = await t.after(written);
      const work: AfterWork | null =
        result === null ? null : "id" in result ? { record: result } : result;
      if (work?.record) {
        const again = await store.put(key(rec.userId, rec.id), work.record as never, {
          expectVersion: writtenVersion,
          ttlMs,
        });
        // The outcome is recorded if nobody moved the enrolment meanwhile; shown either way.
        if (again.ok && (await deps.unit.commit())) {
          written = work.record;
          writtenVersion = again.version;
        } else {
          written = work.record;
        }
      }
      if (work?.shown) shown = work.shown;
      if (work?.notice) notice = work.notice;
    }
    const pending = written.pending;
    const delivery =
      pending && "delivered" in pending && pending.delivered === false
        ? deliveryNotice({ ok: false, error: pending.deliveryError ?? "delivery_unavailable" })
        : null;
    return render(written, writtenVersion, notice ?? delivery, shown);
  };

  /** Writes a new enrolment (the wizard's, or Security info's scoped one) and shows its first step. */
  const create = async (options: StartOptions, scope: EnrolmentScope | null) => {
    const { userId } = options;
    const locale = options.locale ?? "en";
    if (typeof locale !== "string" || !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/.test(locale)) {
      throw new MfaError("invalid_input", { data: { field: "locale" } });
    }
    if (options.qr !== undefined && !["svg", "text", "none"].includes(options.qr)) {
      throw new MfaError("invalid_input", { data: { field: "qr" } });
    }
    const known = new Set(policy.appSteps.map((s) => s.id));
    for (const s of options.appSteps ?? []) {
      if (!known.has(s))
        throw new MfaError("invalid_input", {
          message: `Unknown app step "${s}".`,
          data: { field: "appSteps" },
        });
    }
    const t = now();
    const draft: EnrolmentRecord = {
      id: randomId("enr_"),
      userId,
      locale,
      status: "active",
      step: "intro",
      appStepId: null,
      pending: null,
      history: [],
      introDone: scope !== null,
      recoveryIntroDone: scope !== null,
      pendingAppSteps: scope ? [] : [...(options.appSteps ?? [])],
      enabledAt: options.enabledAt ?? null,
      accountName: options.accountName ?? null,
      ...(options.qr && options.qr !== "svg" ? { qr: options.qr } : {}),
      appStepsDone: [],
      appPasswordId: null,
      appPasswordDone: scope !== null,
      added: [],
      recoveryAdded: [],
      verifiedPhones: {},
      createdAt: t,
      expiresAt: t + policy.enrolmentTtlSeconds * 1000,
      scope,
    };
    const base: EnrolmentRecord = scope ? { ...draft, step: scopedStep(draft, scope) } : draft;
    const ttlMs = policy.enrolmentTtlSeconds * 1000;
    const put = await store.put(key(userId, base.id), base as never, {
      expectVersion: null,
      ttlMs,
    });
    if (!put.ok) throw new MfaError("store_conflict");
    // Security info's enrolments leave the wizard's own (the one start() resumes) alone.
    if (!scope) await store.put(currentKey(userId), base.id, { ttlMs });
    await emit({ type: "enrolment.started", at: at(), userId, enrolmentId: base.id });
    return render(base, put.version);
  };

  return {
    async start(options) {
      const { userId } = options;
      const pointer = await store.get<string>(currentKey(userId));
      if (pointer) {
        const entry = await store.get<EnrolmentRecord & Record<string, never>>(
          key(userId, pointer.value),
        );
        if (entry && (entry.value as EnrolmentRecord).status === "active") {
          return render(entry.value as EnrolmentRecord, entry.version);
        }
      }
      return create(options, null);
    },

    startScoped(options, scope) {
      return create(options, scope);
    },

    async get(id, session) {
      const { record, version } = await load(id, session.userId);
      const pending = record.pending;
      // A page polling the code step drives the failover when no delivery receipt came in time.
      if (record.status === "active" && record.step === "verify-code" && pending?.kind === "phone")
        await failOverIfDue(deps, {
          subject: sendSubject(record, session, pending),
          code: codeMessage(record, pending),
        });
      return render(record, version);
    },

    async submit(id, input, session) {
      const { record, version } = await load(id, session.userId);
      if (record.status !== "active")
        throw new MfaError("enrolment_not_found", { data: { status: record.status } });
      const claimed = (input as { step?: unknown } | null)?.step;
      if (claimed !== record.step) {
        // A stale tab answered a step this enrolment has left: show where it is now.
        if (typeof claimed === "string" && claimed in stepInputs)
          return render(record, version, { code: "conflict" });
        throw new MfaError("invalid_input", { data: { field: "step" } });
      }
      const schema = stepInputs[record.step as InputStep];
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        const fault = inputFault(parsed.error.issues);
        throw new MfaError("invalid_input", {
          message: fault.message,
          data: { field: fault.field, step: record.step },
        });
      }
      // Step-up, on the path every answer takes (BIND-01): anything but moving around the
      // wizard or postponing it can bind a factor, send a code or mint a secret.
      const data = parsed.data as { action?: string };
      // A Temporary Access Pass session may add and confirm, not replace or mint a password.
      const registers = !record.scope?.replaces && record.step !== "app-password";
      if (!(data.action && NO_STEP_UP.has(data.action)))
        deps.gate.authorise(session, record.userId, registers ? "register" : undefined);
      const t = await transition(record, parsed.data, session);
      return commit(record, version, t);
    },
  };
}
