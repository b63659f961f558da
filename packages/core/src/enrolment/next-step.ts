/**
 * Where an enrolment goes next: a pure function of the policy, the enrolment record and what the
 * user holds (the factor registry's one rule), so the seed's wizard is one policy among many and
 * every path computes the same step.
 *
 * The order: intro → app steps placed before MFA → MFA methods until `policy.mfa.required` → the
 * app password (if offered) → app steps after MFA → recovery until `policy.recovery.required` →
 * app steps after recovery → finish. A scoped enrolment (Security info's "add") is its kind's
 * step, then finish.
 *
 * @module
 */

import type { FactorRegistry } from "../factors/registry.js";
import type { Policy } from "../policy/policy.js";
import type { Registration } from "../registration/registration.js";
import type { EnrolmentRecord, EnrolmentScope, Step } from "./steps.js";

/** The app steps of `place` the app asked for and has not done. */
function appStepsDue(policy: Policy, rec: EnrolmentRecord, place: string) {
  return policy.appSteps.filter(
    (s) =>
      s.place === place && rec.pendingAppSteps.includes(s.id) && !rec.appStepsDone.includes(s.id),
  );
}

/** A scoped enrolment's step: its kind's first step until it was added, then finish. */
export function scopedStep(rec: EnrolmentRecord, scope: EnrolmentScope): Step {
  if (scope.kind === "recovery-email")
    return rec.recoveryAdded.includes("email") ? "finish" : "recovery-email";
  if (scope.kind === "recovery-phone")
    return rec.recoveryAdded.includes("phone") ? "finish" : "recovery-phone";
  return rec.added.includes(scope.kind) ? "finish" : "mfa-method";
}

/**
 * The step that follows from the policy, the registration and the record (`appPasswords`:
 * whether the SDK mints them; `factors`: the instance's registry).
 */
export function nextStepOf(
  policy: Policy,
  rec: EnrolmentRecord,
  reg: Registration,
  appPasswords: boolean,
  factors: FactorRegistry,
): { step: Step; appStepId: string | null } {
  if (rec.scope) return { step: scopedStep(rec, rec.scope), appStepId: null };
  if (!rec.introDone) return { step: "intro", appStepId: null };
  const before = appStepsDue(policy, rec, "before-mfa")[0];
  if (before) return { step: "app-step", appStepId: before.id };
  if (factors.mfaSatisfied(policy, reg).length < policy.mfa.required)
    return { step: "mfa-method", appStepId: null };
  // Recovery codes right after the first MFA method this enrolment added (as Auth0 offers them).
  const codes = policy.recoveryCodes;
  if (codes.enabled && codes.offerDuringEnrolment && rec.added.length > 0 && !rec.recoveryCodesDone)
    return { step: "recovery-codes", appStepId: null };
  if (
    appPasswords &&
    policy.appPasswords.enabled &&
    policy.appPasswords.offerDuringEnrolment &&
    !rec.appPasswordDone
  ) {
    return { step: "app-password", appStepId: null };
  }
  const after = appStepsDue(policy, rec, "after-mfa")[0];
  if (after) return { step: "app-step", appStepId: after.id };
  if (factors.recoverySatisfied(policy, reg).length < policy.recovery.required) {
    return {
      step: rec.recoveryIntroDone ? "recovery-method" : "recovery-intro",
      appStepId: null,
    };
  }
  const last = appStepsDue(policy, rec, "after-recovery")[0];
  if (last) return { step: "app-step", appStepId: last.id };
  return { step: "finish", appStepId: null };
}
