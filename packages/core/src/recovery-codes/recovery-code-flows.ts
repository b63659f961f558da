/**
 * Recovery codes on every entry point: the sign-in check, Security info (status, a new set),
 * the wizard's step, and what a removal of the last MFA method does to them. Each goes through
 * the same parts as every other factor: `checkFactor` for the check, the gate for step-up before
 * and notice and event after.
 *
 * Decisions (docs/concepts.md, "Recovery codes"):
 * - A recovery code is a sign-in factor of last resort: it never counts toward the policy's
 *   `mfa.required` (as in Auth0 and Entra), and a set can only be made by a user who holds an
 *   MFA method.
 * - When the user's last MFA method goes (an admin removal, a re-registration), the set goes
 *   with it and the user is told: codes backing up nothing would be a single factor of their own.
 *
 * @module
 */

import { MfaError } from "../errors.js";
import type { FlowDeps } from "../flow-deps.js";
import { type CheckFailure, checkFactor, networkFactorKey } from "../flows/check.js";
import type { Actor, Session } from "../flows/gate.js";
import type { Registration } from "../registration/registration.js";
import { normaliseRecoveryCode } from "./code-format.js";
import type { GeneratedRecoveryCodes, RecoveryCodesStatus } from "./recovery-codes.js";

/** A successful sign-in with a recovery code. */
export interface RecoveryCodeSignIn {
  readonly ok: true;
  readonly method: "recovery-code";
  /** Unused codes left after this one. */
  readonly remaining: number;
  /** `remaining` is at or below the policy's `recoveryCodes.fewLeft`: tell the user to make new ones. */
  readonly fewLeft: boolean;
  /** Never set: a last-resort sign-in does not remember the device. */
  readonly device?: undefined;
}

/** Security info's recovery-codes section. */
export interface RecoveryCodesApi {
  /** How many are left and when the set was made; never a code. */
  status(session: Session): Promise<RecoveryCodesStatus>;
  /**
   * Makes a new set (step-up, BIND-01) and shows it once; every earlier code stops working.
   * Refused with `invalid_input` (`reason: "no_mfa_method"`) for a user with no MFA method: the
   * codes back one up.
   */
  regenerate(session: Session): Promise<GeneratedRecoveryCodes>;
}

/** The method name events and the challenge use. */
const METHOD = "recovery-code";

const notOffered = () =>
  new MfaError("invalid_input", {
    message: "Recovery codes are turned off.",
    data: { field: "recoveryCodes" },
  });

/**
 * Makes a set for the user and tells them (notice to the channels they had, `factor.added`): the
 * one way a set is made, from Security info and from the wizard.
 */
export async function issueRecoveryCodes(
  deps: FlowDeps,
  userId: string,
  locale?: string,
): Promise<GeneratedRecoveryCodes> {
  const before = await deps.registrations.get(userId);
  if (deps.factors.mfaMethodsHeld(before).length === 0) {
    throw new MfaError("invalid_input", {
      message: "Add a sign-in method before making recovery codes.",
      data: { field: "recoveryCodes", reason: "no_mfa_method" },
    });
  }
  const generated = await deps.recoveryCodes.generate(userId, deps.policy.recoveryCodes.count);
  await deps.gate.changed({
    userId,
    change: "added",
    factor: "recovery-codes",
    method: "recovery-codes",
    by: "user",
    before,
    ...(locale ? { locale } : {}),
  });
  return generated;
}

/**
 * Checks a recovery code at sign-in and uses it up.
 *
 * The code is normalised first (a typo costs no attempt). Wrong codes go through
 * `checkFactor` in throttle mode, per client network when `ip` is given: they slow the guesser
 * (progressive delay, RATE-04/05) and are never a lockout, so a stranger who knows a username
 * cannot lock its owner out of their last way in (RATE-08). A used code is `replayed` and costs
 * no attempt. A success sends the user a notice and emits `factor.used`.
 */
export async function verifyRecoveryCode(
  deps: FlowDeps,
  input: { userId: string; code: string; ip?: string },
): Promise<RecoveryCodeSignIn | CheckFailure> {
  const { policy, clock } = deps;
  if (!policy.recoveryCodes.enabled) return { ok: false, reason: "not_found" };
  const code = normaliseRecoveryCode(input.code);
  const factorKey = await networkFactorKey(
    deps.limiter,
    input.userId,
    METHOD,
    input.ip || undefined,
  );
  let remaining = 0;
  const outcome = await checkFactor(
    { limiter: deps.limiter, events: deps.events, clock },
    { userId: input.userId, factorKey, mode: "throttle" },
    async () => {
      const used = await deps.recoveryCodes.use(input.userId, code);
      if (!used.ok) return used;
      remaining = used.remaining;
      return { ok: true };
    },
  );
  if (!outcome.ok) return outcome;
  const fewLeft = remaining <= policy.recoveryCodes.fewLeft;
  await deps.gate.changed({
    userId: input.userId,
    change: "used",
    factor: "recovery-codes",
    method: METHOD,
    by: "user",
    before: await deps.registrations.get(input.userId),
    remaining,
    fewLeft,
  });
  return { ok: true, method: METHOD, remaining, fewLeft };
}

/** The challenge's option for recovery codes, when the user has some left. */
export async function recoveryCodeOption(
  deps: FlowDeps,
  userId: string,
): Promise<{ method: "recovery-code"; display: string; deliveries: [] } | null> {
  if (!deps.policy.recoveryCodes.enabled) return null;
  const status = await deps.recoveryCodes.status(userId, deps.policy.recoveryCodes.fewLeft);
  if (status.remaining === 0) return null;
  return { method: METHOD, display: `Recovery code (${status.remaining} left)`, deliveries: [] };
}

/** Builds Security info's recovery-codes section. */
export function createRecoveryCodesInfo(deps: FlowDeps): RecoveryCodesApi {
  const { policy, gate } = deps;
  return {
    async status(session) {
      if (!policy.recoveryCodes.enabled) throw notOffered();
      return deps.recoveryCodes.status(session.userId, policy.recoveryCodes.fewLeft);
    },
    async regenerate(session) {
      gate.authorise(session);
      if (!policy.recoveryCodes.enabled) throw notOffered();
      const reg = await deps.registrations.get(session.userId);
      return issueRecoveryCodes(deps, session.userId, reg.locale);
    },
  };
}

/**
 * After a change that removed MFA methods: when none is left, the recovery codes go too, with
 * a notice and a `factor.removed` event (see the module comment).
 */
export async function dropRecoveryCodesWithoutMfa(
  deps: FlowDeps,
  change: { userId: string; before: Registration; after: Registration; by: Actor },
): Promise<void> {
  if (deps.factors.mfaMethodsHeld(change.after).length > 0) return;
  if (!(await deps.recoveryCodes.revokeAll(change.userId))) return;
  await deps.gate.changed({
    userId: change.userId,
    change: "removed",
    factor: "recovery-codes",
    method: "recovery-codes",
    by: change.by,
    before: change.before,
  });
}
