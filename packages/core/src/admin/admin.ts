/**
 * Administration and the registration campaign: list and remove a user's methods, require
 * re-registration, revoke app passwords, clear failure counters, report on registrations, and
 * answer whether a user must (or may be nudged to) register now.
 *
 * Every change emits a typed audit event and, where the user has a channel registered before
 * the change, a secret-free notice (BIND-02).
 *
 * @module
 */

import type { AppPasswordInfo } from "../app-passwords/types.js";
import { MfaError } from "../errors.js";
import type {
  CeremonyKind,
  FactorKind,
  FactorRegistry,
  RegisteredFactor,
} from "../factors/registry.js";
import type { FlowDeps } from "../flow-deps.js";
import type { Actor } from "../flows/gate.js";
import type { MfaMethod, Policy } from "../policy/policy.js";
import { emitEvent } from "../ports/events.js";
import { dropRecoveryCodesWithoutMfa } from "../recovery-codes/recovery-code-flows.js";
import {
  emptyRegistration,
  type PhoneMethod,
  type Registration,
} from "../registration/registration.js";
import { maskEmail } from "../rules/email.js";
import { maskPhone } from "../rules/phone.js";
import type { TotpFactorInfo } from "../totp/service.js";

/** A user's methods, metadata only. */
export interface MethodList {
  readonly phones: ReadonlyArray<{
    readonly method: PhoneMethod;
    readonly display: string;
    readonly verifiedAt: number;
  }>;
  /** Active authenticator apps, with their consecutive failures as the limiter counts them. */
  readonly authenticators: ReadonlyArray<TotpFactorInfo & { readonly consecutiveFailures: number }>;
  /** Every factor the user holds, from the factor registry (the same list Security info shows). */
  readonly factors: readonly RegisteredFactor[];
  readonly recoveryEmail: { readonly display: string; readonly verifiedAt: number } | null;
  readonly recoveryPhoneVerifiedAt: number | null;
  readonly appPasswords: readonly AppPasswordInfo[];
  readonly reregistrationRequired: boolean;
}

/** Whether the user must register now. */
export interface RegistrationRequirement {
  /** `required`: block sign-in until done; `nudge`: offer, may be snoozed; `none`: nothing to do now. */
  readonly status: "none" | "nudge" | "required";
  readonly missingMfa: number;
  readonly missingRecovery: number;
  /** Re-confirmation of recovery info is due (PHONE-05). */
  readonly reconfirmDue: boolean;
  readonly snoozesLeft: number;
  /** A "this wasn't me" link undid a change and no admin has cleared it yet; the app decides what that blocks. */
  readonly underReview: boolean;
  /**
   * Imported factors marked "verify at next use" that the user has not proven yet (their ids, as
   * Security info lists them; see `admin.importedFactors`). The campaign asks the user to use each
   * once: an authenticator app or a phone confirms itself at its first accepted sign-in code, an
   * email or app password when the app calls `admin.confirmImported`. It does not change `status`.
   */
  readonly unconfirmedImports: readonly string[];
}

/** A method to remove. */
export type RemovableMethod =
  | { readonly method: PhoneMethod }
  | { readonly method: "authenticator-app" | CeremonyKind; readonly factorId: string }
  | { readonly method: "recovery-email" };

/** The admin API. */
export interface AdminApi {
  /** A user's methods (metadata only: no number in full, no secret). */
  listMethods(userId: string): Promise<MethodList>;
  /** Removes one method; `true` if it was there. */
  removeMethod(userId: string, which: RemovableMethod, by?: "user" | "admin"): Promise<boolean>;
  /** Clears the user's MFA methods and asks them to register again. */
  requireReregistration(userId: string): Promise<void>;
  /** Revokes all the user's app passwords; the number revoked. */
  revokeAppPasswords(userId: string): Promise<number>;
  /** Forgets every failure counter of the user (re-enables disabled factors, RATE-02). */
  clearFailures(userId: string): Promise<number>;
  /** Ends the review a "this wasn't me" revert asked for; `true` if the user was under review. */
  clearReview(userId: string): Promise<boolean>;
  /**
   * Re-seals the user's authenticator seeds under the keyring's current key (rotation,
   * STORE-05); the number that changed. Run it for every user after adding a new key.
   */
  resealSecrets(userId: string): Promise<number>;
  /** How many users have each method. */
  registrationReport(): Promise<{
    users: number;
    mfa: Record<MfaMethod, number>;
    recovery: Record<string, number>;
  }>;
}

/** What admin needs; `createMfa` builds it. */
export type AdminDeps = FlowDeps;

const DAY_MS = 86_400_000;

export { assertRecentAuth } from "../flows/gate.js";

/**
 * Whether a user must register now, under the policy's campaign rules. Missing MFA is required
 * once the grace period is over; inside it, and for missing recovery info or a due
 * re-confirmation, it is a nudge the user may snooze `maxSnoozes` times, then required (as
 * Entra's campaign does). What counts as held is the factor registry's one rule (`factors`: the
 * instance's, with its modules from outside core).
 */
export function registrationRequirement(
  policy: Policy,
  reg: Registration,
  now: number,
  enabledAt: number | undefined,
  factors: FactorRegistry,
  unconfirmedImports: readonly string[] = [],
): RegistrationRequirement {
  const missingMfa = Math.max(0, policy.mfa.required - factors.mfaSatisfied(policy, reg).length);
  const missingRecovery = Math.max(
    0,
    policy.recovery.required - factors.recoverySatisfied(policy, reg).length,
  );
  const reconfirmDue =
    policy.campaign.reconfirmDays > 0 &&
    reg.confirmedAt !== null &&
    now - reg.confirmedAt > policy.campaign.reconfirmDays * DAY_MS;
  const snoozesLeft = Math.max(0, policy.campaign.maxSnoozes - reg.snoozes);
  const snoozed = reg.snoozedUntil !== null && now < reg.snoozedUntil;
  const underReview = Boolean(reg.review);
  const base = {
    missingMfa,
    missingRecovery,
    reconfirmDue,
    snoozesLeft,
    underReview,
    unconfirmedImports,
  };
  if (reg.reregistrationRequired) return { ...base, status: "required" };
  const canSnooze = snoozesLeft > 0 && policy.campaign.snoozeDays > 0;
  if (missingMfa > 0) {
    const inGrace = enabledAt !== undefined && now < enabledAt + policy.campaign.graceDays * DAY_MS;
    if (!inGrace) return { ...base, status: "required" };
    if (snoozed) return { ...base, status: "none" };
    return { ...base, status: canSnooze ? "nudge" : "required" };
  }
  if (missingRecovery > 0 || reconfirmDue) {
    if (snoozed) return { ...base, status: "none" };
    return { ...base, status: canSnooze ? "nudge" : "required" };
  }
  return { ...base, status: "none" };
}

/** Builds the admin API. */
export function createAdmin(deps: AdminDeps): AdminApi {
  const { registrations, totp, limiter, gate } = deps;

  const devicesRevoked = (userId: string, by: "admin" | "password_change") =>
    emitEvent(deps.events, {
      type: "device.revoked",
      at: new Date(deps.clock.now()).toISOString(),
      userId,
      deviceId: "all",
      by,
    });

  /** Emits an admin action's audit event. */
  const audited = (
    userId: string,
    action:
      | "reregistration_required"
      | "app_passwords_revoked"
      | "failures_cleared"
      | "review_cleared",
  ) =>
    emitEvent(deps.events, {
      type: "admin.action",
      at: new Date(deps.clock.now()).toISOString(),
      userId,
      action,
    });

  return {
    async listMethods(userId) {
      const reg = await registrations.get(userId);
      const failures = async (key: string | null | undefined) =>
        key ? (await limiter.allowCheck(userId, key)).failures : 0;
      const authenticators = await Promise.all(
        (await totp.list({ userId }))
          .filter((f) => f.status === "active" && reg.authenticators.includes(f.factorId))
          .map(async (f) => ({
            ...f,
            // One counter per factor: the limiter's (RATE-02), the same one clearFailures clears.
            consecutiveFailures: await failures(`totp:${f.factorId}`),
          })),
      );
      return {
        phones: (
          Object.entries(reg.phones) as Array<
            [PhoneMethod, NonNullable<Registration["phones"][PhoneMethod]>]
          >
        ).map(([method, p]) => ({
          method,
          display: maskPhone(p.e164),
          verifiedAt: p.verifiedAt,
        })),
        authenticators,
        factors: deps.factors.factorsOf(reg),
        recoveryEmail: reg.recoveryEmail
          ? {
              display: maskEmail(reg.recoveryEmail.address),
              verifiedAt: reg.recoveryEmail.verifiedAt,
            }
          : null,
        recoveryPhoneVerifiedAt: reg.recoveryPhoneVerifiedAt,
        appPasswords: deps.appPasswords ? await deps.appPasswords.list({ userId }) : [],
        reregistrationRequired: reg.reregistrationRequired,
      };
    },

    async removeMethod(userId, which, by = "admin") {
      const kind = which.method === "recovery-email" ? "recovery-email" : which.method;
      const id = "factorId" in which ? which.factorId : kind;
      return removeFactor(deps, { userId, kind, id, by });
    },

    async requireReregistration(userId) {
      let before: Registration = emptyRegistration;
      const mfa = deps.factors.modules.filter((f) => f.role === "mfa");
      const after = await registrations.update(userId, (r) => {
        before = r;
        let next = r;
        for (const f of mfa)
          for (const held of f.list(next)) next = f.remove(next, held.id).registration;
        return { ...next, reregistrationRequired: true };
      });
      for (const { module, factor } of deps.factors.changes(before, after).removed)
        await module.forgetSecret?.(deps, userId, factor.id);
      await limiter.clearAllFailures(userId);
      // A factor reset forgets every remembered device: the next sign-in asks again.
      if ((await deps.devices.revokeAll(userId)) > 0) await devicesRevoked(userId, "admin");
      await notifyRemoved(deps, { userId, before, after, by: "admin" });
      await dropRecoveryCodesWithoutMfa(deps, { userId, before, after, by: "admin" });
      await audited(userId, "reregistration_required");
    },

    async revokeAppPasswords(userId) {
      if (!deps.appPasswords) return 0;
      const before = await registrations.get(userId);
      const n = await deps.appPasswords.revokeAll({ userId });
      if (n > 0) {
        await gate.changed({
          userId,
          change: "removed",
          factor: "app-password",
          method: "app-password",
          by: "admin",
          before,
        });
      }
      await audited(userId, "app_passwords_revoked");
      return n;
    },

    async clearFailures(userId) {
      const cleared = await limiter.clearAllFailures(userId);
      await audited(userId, "failures_cleared");
      return cleared;
    },

    async clearReview(userId) {
      let was = false;
      await registrations.update(userId, (r) => {
        was = Boolean(r.review);
        return was ? { ...r, review: null } : r;
      });
      if (was) await audited(userId, "review_cleared");
      return was;
    },

    async resealSecrets(userId) {
      let changed = 0;
      for (const factor of await totp.list({ userId }))
        if (await totp.reseal({ userId, factorId: factor.factorId })) changed++;
      return changed;
    },

    async registrationReport() {
      // One count per kind the registry knows, held or not: a report's columns are stable.
      const mfa = Object.fromEntries(deps.factors.mfaKinds.map((k) => [k, 0])) as Record<
        MfaMethod,
        number
      >;
      const recovery: Record<string, number> = { email: 0, phone: 0 };
      let users = 0;
      let cursor: string | undefined;
      do {
        const page = await registrations.summaries(cursor);
        for (const s of page.items) {
          users++;
          for (const m of s.methods) mfa[m] = (mfa[m] ?? 0) + 1;
          for (const m of s.recovery) recovery[m] = (recovery[m] ?? 0) + 1;
        }
        cursor = page.cursor ?? undefined;
      } while (cursor);
      return { users, mfa, recovery };
    },
  };
}

/** A factor to remove, and who removes it. */
export interface FactorRemoval {
  readonly userId: string;
  readonly kind: FactorKind;
  /** The factor's id (its kind for phones and recovery data, the factor id for apps). */
  readonly id: string;
  readonly by: Actor;
  /**
   * With a user's removal: refuse to leave fewer sign-in methods than the policy requires
   * (Security info's "not your last method").
   */
  readonly keepRequired?: boolean;
}

/**
 * Removes one factor, through its registry module, with its notice and event: the one removal
 * every entry point uses (Security info, admin). `true` if it was there.
 */
export async function removeFactor(deps: FlowDeps, removal: FactorRemoval): Promise<boolean> {
  const { userId, kind, id, by } = removal;
  const module = deps.factors.module(kind);
  let before: Registration = emptyRegistration;
  let removed = false;
  const after = await deps.registrations.update(userId, (r) => {
    before = r;
    const out = module.remove(r, id);
    removed = out.removed;
    if (
      out.removed &&
      removal.keepRequired &&
      module.role === "mfa" &&
      deps.factors.mfaSatisfied(deps.policy, out.registration).length < deps.policy.mfa.required
    ) {
      throw new MfaError("invalid_input", {
        message: "This is your last sign-in method: add another before you remove it.",
        data: { field: "id", reason: "last_method" },
      });
    }
    return out.registration;
  });
  // Its secret (an authenticator's sealed seed) goes with it, removed or already gone.
  await module.forgetSecret?.(deps, userId, id);
  if (!removed) return false;
  const failureKey = module.failureKey?.(before, id);
  if (failureKey) await deps.limiter.clearFailures(userId, failureKey);
  await notifyRemoved(deps, { userId, before, after, by });
  await dropRecoveryCodesWithoutMfa(deps, { userId, before, after, by });
  return true;
}

/**
 * Tells the user of every factor a change removed, read off the registry (removing the
 * authentication phone also removes the recovery phone it was: two notices, BIND-02).
 */
async function notifyRemoved(
  deps: FlowDeps,
  change: { userId: string; before: Registration; after: Registration; by: Actor },
): Promise<void> {
  for (const { module } of deps.factors.changes(change.before, change.after).removed) {
    await deps.gate.changed({
      userId: change.userId,
      change: "removed",
      factor: module.notice,
      method: module.kind,
      by: change.by,
      before: change.before,
    });
  }
}
