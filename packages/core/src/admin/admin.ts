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
import type { FlowDeps } from "../flow-deps.js";
import { userKey } from "../keys.js";
import type { MfaMethod, Policy, RecoveryMethod } from "../policy/policy.js";
import { emitEvent } from "../ports/events.js";
import { mfaMethodsOf, type PhoneMethod, type Registration } from "../registration/registration.js";
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
  readonly authenticators: readonly TotpFactorInfo[];
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
}

/** A method to remove. */
export type RemovableMethod =
  | { readonly method: PhoneMethod }
  | { readonly method: "authenticator-app"; readonly factorId: string }
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

/**
 * Whether a user must register now, under the policy's campaign rules: missing MFA is
 * required once the grace period is over; missing recovery info or a due re-confirmation is a
 * nudge the user may snooze `maxSnoozes` times, then required (as Entra's campaign does).
 */
export function registrationRequirement(
  policy: Policy,
  reg: Registration,
  now: number,
  enabledAt?: number,
): RegistrationRequirement {
  const mfa = mfaMethodsOf(reg).filter((m) => policy.mfa.methods.includes(m)).length;
  const recovery = policy.recovery.methods.filter((m: RecoveryMethod) =>
    m === "email"
      ? reg.recoveryEmail !== null
      : m === "phone"
        ? reg.recoveryPhoneVerifiedAt !== null
        : reg.authenticators.length > 0,
  ).length;
  const missingMfa = Math.max(0, policy.mfa.required - mfa);
  const missingRecovery = Math.max(0, policy.recovery.required - recovery);
  const reconfirmDue =
    policy.campaign.reconfirmDays > 0 &&
    reg.confirmedAt !== null &&
    now - reg.confirmedAt > policy.campaign.reconfirmDays * DAY_MS;
  const snoozesLeft = Math.max(0, policy.campaign.maxSnoozes - reg.snoozes);
  const snoozed = reg.snoozedUntil !== null && now < reg.snoozedUntil;
  const base = { missingMfa, missingRecovery, reconfirmDue, snoozesLeft };
  if (reg.reregistrationRequired) return { ...base, status: "required" };
  if (missingMfa > 0) {
    const inGrace = enabledAt !== undefined && now < enabledAt + policy.campaign.graceDays * DAY_MS;
    if (!inGrace) return { ...base, status: "required" };
    return { ...base, status: snoozed ? "none" : "nudge" };
  }
  if (missingRecovery > 0 || reconfirmDue) {
    if (snoozed) return { ...base, status: "none" };
    const canSnooze = snoozesLeft > 0 && policy.campaign.snoozeDays > 0;
    return { ...base, status: canSnooze ? "nudge" : "required" };
  }
  return { ...base, status: "none" };
}

/** Builds the admin API. */
export function createAdmin(deps: AdminDeps): AdminApi {
  const { store, clock, registrations, totp, messenger } = deps;
  const at = () => new Date(clock.now()).toISOString();

  const notifyRemoved = async (
    before: Registration,
    userId: string,
    factor: "phone" | "office-phone" | "authenticator-app" | "recovery-email",
  ) => {
    const email = before.recoveryEmail?.address;
    const phone = before.phones["authentication-phone"]?.e164;
    const target = email
      ? { channel: "email" as const, to: email }
      : phone
        ? { channel: "sms" as const, to: phone }
        : null;
    if (!target) return;
    await messenger.sendNotice({
      ...target,
      locale: "en",
      change: "removed",
      factor,
      idempotencyKey: `${userId}:removed:${factor}:${clock.now()}`,
    });
  };

  return {
    async listMethods(userId) {
      const reg = await registrations.get(userId);
      const authenticators = (await totp.list({ userId })).filter((f) => f.status === "active");
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
      const before = await registrations.get(userId);
      let removed = false;
      await registrations.update(userId, (r) => {
        if (which.method === "recovery-email") {
          removed = r.recoveryEmail !== null;
          return { ...r, recoveryEmail: null };
        }
        if (which.method === "authenticator-app") {
          removed = r.authenticators.includes(which.factorId);
          return { ...r, authenticators: r.authenticators.filter((f) => f !== which.factorId) };
        }
        removed = r.phones[which.method] !== undefined;
        const phones = { ...r.phones };
        delete phones[which.method];
        return {
          ...r,
          phones,
          recoveryPhoneVerifiedAt:
            which.method === "authentication-phone" ? null : r.recoveryPhoneVerifiedAt,
        };
      });
      if (which.method === "authenticator-app")
        await totp.remove({ userId, factorId: which.factorId });
      if (!removed) return false;
      const factor =
        which.method === "recovery-email" ||
        which.method === "authenticator-app" ||
        which.method === "office-phone"
          ? which.method
          : "phone";
      await notifyRemoved(before, userId, factor);
      await emitEvent(deps.events, {
        type: "factor.removed",
        at: at(),
        userId,
        method: which.method,
        by,
      });
      return true;
    },

    async requireReregistration(userId) {
      const reg = await registrations.get(userId);
      for (const factorId of reg.authenticators) await totp.remove({ userId, factorId });
      await registrations.update(userId, (r) => ({
        ...r,
        phones: {},
        authenticators: [],
        reregistrationRequired: true,
      }));
      await this.clearFailures(userId);
      await emitEvent(deps.events, {
        type: "admin.action",
        at: at(),
        userId,
        action: "reregistration_required",
      });
    },

    async revokeAppPasswords(userId) {
      if (!deps.appPasswords) return 0;
      const n = await deps.appPasswords.revokeAll({ userId });
      await emitEvent(deps.events, {
        type: "admin.action",
        at: at(),
        userId,
        action: "app_passwords_revoked",
      });
      return n;
    },

    async clearFailures(userId) {
      let cleared = 0;
      for (const prefix of [userKey(userId, "failures", ""), userKey(userId, "failures-at", "")]) {
        let cursor: string | undefined;
        do {
          const page = await store.list(prefix, { limit: 500, cursor });
          for (const item of page.items)
            if (await store.delete(item.key)) cleared += prefix.includes("failures-at") ? 0 : 1;
          cursor = page.cursor ?? undefined;
        } while (cursor);
      }
      await emitEvent(deps.events, {
        type: "admin.action",
        at: at(),
        userId,
        action: "failures_cleared",
      });
      return cleared;
    },

    async registrationReport() {
      const mfa: Record<MfaMethod, number> = {
        "authentication-phone": 0,
        "office-phone": 0,
        "alternate-phone": 0,
        "authenticator-app": 0,
      };
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

/** Throws unless `session` authenticated recently enough to change factors (BIND-01). */
export function assertRecentAuth(policy: Policy, now: number, authenticatedAt: number): void {
  if (
    !Number.isFinite(authenticatedAt) ||
    now - authenticatedAt > policy.reauthMaxAgeSeconds * 1000
  ) {
    throw new MfaError("reauthentication_required", {
      data: { maxAgeSeconds: policy.reauthMaxAgeSeconds },
    });
  }
}
