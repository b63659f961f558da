/**
 * Views: what a UI shows at each step, rendered from the enrolment record, what the user holds
 * and the policy. A view carries no secret but the one-time display of a new app password or
 * authenticator secret, in the answer that made it (`shown`).
 *
 * @module
 */

import { registrationRequirement } from "../admin/admin.js";
import type { FlowDeps } from "../flow-deps.js";
import type { MfaMethod } from "../policy/policy.js";
import type { Registration } from "../registration/registration.js";
import { maskEmail } from "../rules/email.js";
import { maskPhone } from "../rules/phone.js";
import { lazyQr, type QrForm } from "../totp/qr.js";
import type {
  EnrolmentRecord,
  PendingCeremony,
  PendingEmail,
  PendingPhone,
  Step,
} from "./steps.js";
import type { EnrolmentSummary, EnrolmentView, ViewNotice } from "./views.js";

/** The one-time secrets a view may carry, only in the answer that made them. */
export interface Shown {
  /** The new app's secret and Key URI; its QR code is drawn from `uri` in `qr` form when read. */
  totp?: { secret: string; uri: string; qr: QrForm };
  appPassword?: string;
  recoveryCodes?: readonly string[];
}

const PHONE_RISK_NOTICE =
  "Text messages and calls can be intercepted or redirected (for example by SIM swap). " +
  "An authenticator app is safer.";

/**
 * Steps "back" skips: those that wait for a code (meaningless without their challenge), the
 * app password (shown once) and app steps (the app has done them; they cannot be undone here).
 */
const SKIPPED_BY_BACK: ReadonlySet<Step> = new Set([
  "verify-code",
  "authenticator-setup",
  "factor-setup",
  "app-password",
  "recovery-codes",
  "app-step",
]);

/** Whether "back" may land on `step`. */
export const revisitable = (step: Step): boolean => !SKIPPED_BY_BACK.has(step);

/** Builds the renderer over the flows' shared parts. */
export function createRenderer(deps: FlowDeps) {
  const { clock, policy, codes, totp, limiter, registrations } = deps;
  const now = () => clock.now();
  const { factors: registry } = deps;
  const enabledMfa = (reg: Registration) => registry.mfaSatisfied(policy, reg);
  const recoveryHeld = (reg: Registration) => registry.recoverySatisfied(policy, reg);

  const summary = async (
    userId: string,
    reg: Registration,
    rec: EnrolmentRecord,
  ): Promise<EnrolmentSummary> => {
    // What the registry lists, grouped as the finish screen shows it.
    const factors = registry.factorsOf(reg);
    const mfa = enabledMfa(reg).map((method) => {
      const held = factors.filter((f) => f.kind === method);
      return {
        method,
        display:
          method === "authenticator-app"
            ? `${held.length} authenticator app${held.length > 1 ? "s" : ""}`
            : (held[0]?.display ?? ""),
      };
    });
    const recoveryKind = { email: "recovery-email", phone: "recovery-phone" } as const;
    const recovery = recoveryHeld(reg).map((method) => ({
      method,
      display:
        method === "authenticator-app"
          ? "authenticator app"
          : (factors.find((f) => f.kind === recoveryKind[method])?.display ?? ""),
    }));
    const appPasswords = deps.appPasswords ? (await deps.appPasswords.list({ userId })).length : 0;
    return { mfa, recovery, appPasswords, addedNow: [...rec.added] };
  };

  const render = async (
    rec: EnrolmentRecord,
    version: number,
    notice: ViewNotice | null = null,
    shown: Shown = {},
  ): Promise<EnrolmentView> => {
    const base = {
      id: rec.id,
      version,
      locale: rec.locale,
      canGoBack: rec.status === "active" && rec.history.some(revisitable),
      notice,
    };
    const reg = await registrations.get(rec.userId);
    switch (rec.step) {
      case "intro": {
        const { status, snoozesLeft } = registrationRequirement(
          policy,
          reg,
          now(),
          rec.enabledAt ?? undefined,
          registry,
        );
        const requirement = status === "required" ? "required" : "nudge";
        return { ...base, step: "intro", requirement, snoozesLeft };
      }
      case "mfa-method": {
        const hasPhone = policy.mfa.methods.some((m) => registry.module(m).setup === "code");
        return {
          ...base,
          step: "mfa-method",
          methods: rec.scope ? [rec.scope.kind as MfaMethod] : policy.mfa.methods,
          deliveries: policy.phone?.deliveries ?? [],
          countries: policy.phone?.allowedCountries ?? [],
          phoneRiskNotice: hasPhone ? PHONE_RISK_NOTICE : null,
        };
      }
      case "verify-code": {
        const pending = rec.pending as PendingPhone | PendingEmail;
        const status = await codes.status({ userId: rec.userId, challengeId: pending.challengeId });
        const t = now();
        const cooldownMs = limiter.limits.destinationCooldownSeconds * 1000;
        const isPhone = pending.kind === "phone";
        return {
          ...base,
          step: "verify-code",
          channel: isPhone ? pending.delivery : "email",
          destination: isPhone ? maskPhone(pending.e164) : maskEmail(pending.address),
          expiresInSeconds: status ? Math.max(0, Math.ceil((status.expiresAt - t) / 1000)) : 0,
          resendInSeconds: status
            ? Math.max(0, Math.ceil((status.lastSentAt + cooldownMs - t) / 1000))
            : 0,
          attemptsLeft: status?.attemptsLeft ?? 0,
          sendsLeft: status?.sendsLeft ?? 0,
          canSwitchToVoice:
            isPhone &&
            pending.delivery === "sms" &&
            (policy.phone?.deliveries.includes("voice") ?? false),
          codeLength: codes.options.length,
          delivery: isPhone ? await deps.deliveries.view(rec.userId, pending.challengeId) : null,
        };
      }
      case "authenticator-setup": {
        // Getters, so the QR code is drawn only if the app reads it, and once however often it
        // does (an object literal's getters are enumerable: JSON.stringify and spreads get it).
        const qr = lazyQr(shown.totp?.uri ?? null, shown.totp?.qr ?? "none");
        return {
          ...base,
          step: "authenticator-setup",
          secret: shown.totp?.secret ?? null,
          uri: shown.totp?.uri ?? null,
          get qrSvg() {
            return qr.svg();
          },
          get qrText() {
            return qr.text();
          },
          codeLength: totp.options.digits,
        };
      }
      case "factor-setup": {
        const pending = rec.pending as PendingCeremony;
        const ceremony = registry.ceremonyOf(pending.factor);
        return {
          ...base,
          step: "factor-setup",
          kind: pending.factor,
          ceremony: await ceremony.setupView(deps, {
            userId: rec.userId,
            reg,
            state: pending.state,
          }),
        };
      }
      case "app-password":
        return {
          ...base,
          step: "app-password",
          password: shown.appPassword ?? null,
          name: appPasswordName(rec),
        };
      case "recovery-codes":
        return {
          ...base,
          step: "recovery-codes",
          codes: shown.recoveryCodes ?? null,
          count: policy.recoveryCodes.count,
        };
      case "app-step": {
        const def = policy.appSteps.find((s) => s.id === rec.appStepId);
        return { ...base, step: "app-step", stepId: rec.appStepId ?? "", title: def?.title ?? "" };
      }
      case "recovery-intro":
        return { ...base, step: "recovery-intro", required: policy.recovery.required };
      case "recovery-method": {
        const have = recoveryHeld(reg);
        return {
          ...base,
          step: "recovery-method",
          methods: policy.recovery.methods.filter((m) => !have.includes(m)),
        };
      }
      case "recovery-email":
        return { ...base, step: "recovery-email" };
      case "recovery-phone": {
        const phone = reg.phones["authentication-phone"];
        return {
          ...base,
          step: "recovery-phone",
          phone: phone ? maskPhone(phone.e164) : null,
          deliveries: policy.phone?.deliveries ?? [],
        };
      }
      case "finish":
      case "done":
        return { ...base, step: rec.step, summary: await summary(rec.userId, reg, rec) };
      case "cancelled":
        return { ...base, step: "cancelled" };
    }
  };

  const appPasswordName = (rec: EnrolmentRecord) =>
    `Mail app (${new Date(rec.createdAt).toISOString().slice(0, 10)})`;

  return { render, appPasswordName };
}
