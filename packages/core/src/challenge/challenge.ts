import type { IssuedCode } from "../codes/code-service.js";
import { randomId } from "../crypto/random-string.js";
import { MfaError } from "../errors.js";
import type { FlowDeps } from "../flow-deps.js";
import { userKey } from "../keys.js";
import type { FactorAllowance } from "../limits/limits.js";
import type { Delivery, MfaMethod } from "../policy/policy.js";
import { emitEvent } from "../ports/events.js";
import type { PhoneMethod } from "../registration/registration.js";
import { maskPhone, parsePhone } from "../rules/phone.js";

/** A factor the user can be challenged with now. */
export interface ChallengeOption {
  readonly method: MfaMethod;
  /** Masked phone, or the authenticator's label. */
  readonly display: string;
  /** For phones: how a code can be delivered. */
  readonly deliveries: readonly Delivery[];
  /** For authenticator apps. */
  readonly factorId?: string;
}

/** Why a sign-in check failed (expected outcomes, not exceptions). */
export type ChallengeFailure =
  | { readonly ok: false; readonly reason: "code_mismatch"; readonly attemptsLeft: number }
  | {
      readonly ok: false;
      readonly reason: "expired" | "locked" | "not_found" | "replayed" | "factor_disabled";
    }
  | { readonly ok: false; readonly reason: "factor_locked"; readonly retryAfterSeconds: number }
  | { readonly ok: false; readonly reason: "rate_limited"; readonly retryAfterSeconds: number }
  | { readonly ok: false; readonly reason: "send_blocked" }
  | { readonly ok: false; readonly reason: "delivery_failed"; readonly retryable: boolean };

/** A started phone challenge. */
export type ChallengeStarted =
  | {
      readonly ok: true;
      readonly challengeId: string;
      readonly destination: string;
      readonly channel: Delivery;
      readonly expiresInSeconds: number;
    }
  | ChallengeFailure;

/** A check's result. */
export type ChallengeResult =
  | { readonly ok: true; readonly method: MfaMethod | "app-password" }
  | ChallengeFailure;

/** The sign-in API. */
export interface ChallengeApi {
  /** Factors the user can use now (disabled ones left out). */
  options(userId: string): Promise<ChallengeOption[]>;
  /** Sends a code to a registered phone. */
  start(input: {
    userId: string;
    method: PhoneMethod;
    delivery?: Delivery;
    ip?: string;
    locale?: string;
  }): Promise<ChallengeStarted>;
  /** Sends a new code for a started challenge (the old one dies; counters stay). */
  resend(input: {
    userId: string;
    challengeId: string;
    ip?: string;
    locale?: string;
  }): Promise<ChallengeStarted>;
  /** Checks the code of a phone challenge. */
  verify(input: { userId: string; challengeId: string; code: string }): Promise<ChallengeResult>;
  /** Checks an authenticator-app code (the newest active app if `factorId` is omitted). */
  verifyTotp(input: { userId: string; code: string; factorId?: string }): Promise<ChallengeResult>;
  /**
   * Checks an app password for a legacy protocol (IMAP, SMTP, EAS). It proves only that: an
   * app password never authorises managing factors or app passwords (APP-04).
   */
  verifyAppPassword(input: { userId: string; password: string }): Promise<ChallengeResult>;
}

/** What the challenge needs; `createMfa` builds it. */
export type ChallengeDeps = FlowDeps;

interface SigninRecord {
  readonly method: PhoneMethod;
  readonly e164: string;
  readonly country: string;
  readonly extension: string | null;
  readonly delivery: Delivery;
}

const refused = (a: Exclude<FactorAllowance, { ok: true }>): ChallengeFailure =>
  a.reason === "disabled"
    ? { ok: false, reason: "factor_disabled" }
    : { ok: false, reason: "factor_locked", retryAfterSeconds: a.retryAfterSeconds };

/** Builds the sign-in API. */
export function createChallenge(deps: ChallengeDeps): ChallengeApi {
  const { store, clock, limiter, registrations, codes, totp, messenger, policy } = deps;
  const recordKey = (userId: string, id: string) => userKey(userId, "signin", id);
  const at = () => new Date(clock.now()).toISOString();

  /** Counts a failure and answers what the user sees. */
  const failed = async (
    userId: string,
    factorKey: string,
    failure: ChallengeFailure,
  ): Promise<ChallengeFailure> => {
    if (failure.reason !== "code_mismatch") return failure;
    const after = await limiter.recordFailure(userId, factorKey);
    if (!after.ok && after.reason === "disabled") {
      await emitEvent(deps.events, {
        type: "factor.disabled",
        at: at(),
        userId,
        factor: factorKey.split(":")[0] ?? "",
      });
      return { ok: false, reason: "factor_disabled" };
    }
    return failure;
  };

  /** Limits, then the app's risk hook, before any provider call (FRAUD-03, PSTN-03). */
  const screenSend = async (
    userId: string,
    destination: string,
    country: string,
    channel: Delivery,
    ip: string | undefined,
  ): Promise<ChallengeFailure | null> => {
    const allowed = await limiter.allowSend({ userId, destination, country, ip });
    if (!allowed.ok)
      return { ok: false, reason: "rate_limited", retryAfterSeconds: allowed.retryAfterSeconds };
    const decision = await deps.beforeSend({
      userId,
      channel,
      destination,
      country,
      ...(ip ? { ip } : {}),
      purpose: "signin",
    });
    if (decision.allow) return null;
    await emitEvent(deps.events, {
      type: "send.blocked",
      at: at(),
      userId,
      reason: decision.reason,
    });
    return { ok: false, reason: "send_blocked" };
  };

  /** Sends an issued code; a provider failure is a value the caller shows (REL-04). */
  const send = async (
    challengeId: string,
    rec: SigninRecord,
    issued: IssuedCode,
    locale: string,
  ): Promise<ChallengeStarted> => {
    const { code, sendCount, expiresAt } = issued;
    const outcome = await messenger.sendCode({
      channel: rec.delivery,
      to: rec.e164,
      extension: rec.extension,
      code,
      locale,
      purpose: "signin",
      ttlMinutes: Math.round(codes.options.ttlSeconds / 60),
      idempotencyKey: `${challengeId}:${sendCount}`,
    });
    if (!outcome.ok)
      return {
        ok: false,
        reason: "delivery_failed",
        retryable: outcome.error === "delivery_unavailable",
      };
    await limiter.recordConversion("sent", rec.country);
    return {
      ok: true,
      challengeId,
      destination: maskPhone(rec.e164),
      channel: rec.delivery,
      expiresInSeconds: Math.ceil((expiresAt - clock.now()) / 1000),
    };
  };

  return {
    async options(userId) {
      const reg = await registrations.get(userId);
      const out: ChallengeOption[] = [];
      for (const [method, phone] of Object.entries(reg.phones) as Array<
        [PhoneMethod, NonNullable<(typeof reg.phones)[PhoneMethod]>]
      >) {
        if (!policy.mfa.methods.includes(method)) continue;
        if (!(await limiter.allowCheck(userId, `phone:${phone.e164}`)).ok) continue;
        const deliveries = (policy.phone?.deliveries ?? []).filter(
          (d) => method === "authentication-phone" || d === "voice",
        );
        out.push({ method, display: maskPhone(phone.e164), deliveries });
      }
      if (policy.mfa.methods.includes("authenticator-app")) {
        for (const factorId of reg.authenticators) {
          if (!(await limiter.allowCheck(userId, `totp:${factorId}`)).ok) continue;
          out.push({
            method: "authenticator-app",
            display: "Authenticator app",
            deliveries: [],
            factorId,
          });
        }
      }
      return out;
    },

    async start(input) {
      const reg = await registrations.get(input.userId);
      const phone = reg.phones[input.method];
      if (!phone || !policy.mfa.methods.includes(input.method))
        throw new MfaError("factor_not_found", { data: { method: input.method } });
      const delivery =
        input.method === "authentication-phone" ? (input.delivery ?? phone.delivery) : "voice";
      if (!policy.phone?.deliveries.includes(delivery))
        throw new MfaError("invalid_input", { data: { field: "delivery" } });
      // Re-classify the stored number now: types and allow-lists change (PHONE-02, FRAUD-01).
      parsePhone(
        {
          number: phone.e164,
          use: input.method === "office-phone" ? "office" : delivery,
          extension: phone.extension ?? undefined,
        },
        { allowedCountries: policy.phone.allowedCountries },
      );
      const allowance = await limiter.allowCheck(input.userId, `phone:${phone.e164}`);
      if (!allowance.ok) return refused(allowance);
      const screened = await screenSend(
        input.userId,
        phone.e164,
        phone.country,
        delivery,
        input.ip,
      );
      if (screened) return screened;
      const rec: SigninRecord = {
        method: input.method,
        e164: phone.e164,
        country: phone.country,
        extension: phone.extension,
        delivery,
      };
      const challengeId = randomId("ch_");
      // State before send (REL-04): the record and the hashed code exist before the provider call.
      await store.put(recordKey(input.userId, challengeId), rec as never, {
        ttlMs: codes.options.ttlSeconds * codes.options.maxSends * 1000,
      });
      const issued = await codes.issue({
        userId: input.userId,
        challengeId,
        purpose: `signin:${delivery}`,
        destination: phone.e164,
      });
      return send(challengeId, rec, issued, input.locale ?? "en");
    },

    async resend(input) {
      const entry = await store.get<SigninRecord & Record<string, never>>(
        recordKey(input.userId, input.challengeId),
      );
      if (!entry) return { ok: false, reason: "not_found" };
      const rec = entry.value as SigninRecord;
      const screened = await screenSend(
        input.userId,
        rec.e164,
        rec.country,
        rec.delivery,
        input.ip,
      );
      if (screened) return screened;
      const issued = await codes.resend({ userId: input.userId, challengeId: input.challengeId });
      return send(input.challengeId, rec, issued, input.locale ?? "en");
    },

    async verify(input) {
      const entry = await store.get<SigninRecord & Record<string, never>>(
        recordKey(input.userId, input.challengeId),
      );
      if (!entry) return { ok: false, reason: "not_found" };
      const rec = entry.value as SigninRecord;
      const factorKey = `phone:${rec.e164}`;
      const allowance = await limiter.allowCheck(input.userId, factorKey);
      if (!allowance.ok) return refused(allowance);
      const result = await codes.verify({
        userId: input.userId,
        challengeId: input.challengeId,
        purpose: `signin:${rec.delivery}`,
        destination: rec.e164,
        code: input.code,
      });
      if (!result.ok) {
        return failed(
          input.userId,
          factorKey,
          result.reason === "code_mismatch"
            ? { ok: false, reason: "code_mismatch", attemptsLeft: result.attemptsLeft ?? 0 }
            : {
                ok: false,
                reason:
                  result.reason === "locked"
                    ? "locked"
                    : result.reason === "expired"
                      ? "expired"
                      : "not_found",
              },
        );
      }
      await store.delete(recordKey(input.userId, input.challengeId));
      await limiter.clearFailures(input.userId, factorKey);
      await limiter.recordConversion("verified", rec.country);
      return { ok: true, method: rec.method };
    },

    async verifyTotp(input) {
      const reg = await registrations.get(input.userId);
      const factorId = input.factorId ?? reg.authenticators[reg.authenticators.length - 1];
      if (
        !factorId ||
        !reg.authenticators.includes(factorId) ||
        !policy.mfa.methods.includes("authenticator-app")
      ) {
        return { ok: false, reason: "not_found" };
      }
      const factorKey = `totp:${factorId}`;
      const allowance = await limiter.allowCheck(input.userId, factorKey);
      if (!allowance.ok) return refused(allowance);
      const result = await totp.verify({ userId: input.userId, factorId, code: input.code });
      if (!result.ok) {
        return failed(
          input.userId,
          factorKey,
          result.reason === "code_mismatch"
            ? {
                ok: false,
                reason: "code_mismatch",
                attemptsLeft: Math.max(
                  0,
                  limiter.limits.maxConsecutiveFailures - allowance.failures - 1,
                ),
              }
            : { ok: false, reason: result.reason === "replayed" ? "replayed" : "not_found" },
        );
      }
      await limiter.clearFailures(input.userId, factorKey);
      return { ok: true, method: "authenticator-app" };
    },

    async verifyAppPassword(input) {
      if (!deps.appPasswords) return { ok: false, reason: "not_found" };
      const factorKey = "app-password";
      const allowance = await limiter.allowCheck(input.userId, factorKey);
      if (!allowance.ok) return refused(allowance);
      const result = await deps.appPasswords.verify({
        userId: input.userId,
        password: input.password,
      });
      if (!result.ok) {
        return failed(input.userId, factorKey, {
          ok: false,
          reason: "code_mismatch",
          attemptsLeft: Math.max(0, limiter.limits.maxConsecutiveFailures - allowance.failures - 1),
        });
      }
      await limiter.clearFailures(input.userId, factorKey);
      return { ok: true, method: "app-password" };
    },
  };
}
