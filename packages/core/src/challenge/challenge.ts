import { assertCodeFormat } from "../codes/code-input.js";
import type { IssuedCode } from "../codes/code-service.js";
import { randomId } from "../crypto/random-string.js";
import type { DeviceToken } from "../devices/remembered-devices.js";
import { MfaError, type VerifyFailure } from "../errors.js";
import type { CeremonyKind, CeremonySignIn, FactorModule } from "../factors/registry.js";
import type { FlowDeps } from "../flow-deps.js";
import { type CheckFailure, checkFactor, networkFactorKey } from "../flows/check.js";
import {
  type CountedSend,
  clearSend,
  countSend,
  deliverCode,
  type SendRefusal,
  screenSend,
} from "../flows/send.js";
import { confirmImportedMark } from "../import/importer.js";
import { userKey } from "../keys.js";
import type { PasskeySignIn } from "../passkeys/passkey-factor.js";
import type { Delivery, MfaMethod } from "../policy/policy.js";
import { emitEvent } from "../ports/events.js";
import { failOverIfDue } from "../receipts/delivery-failover.js";
import type { DeliveryView } from "../receipts/delivery-status.js";
import {
  type RecoveryCodeSignIn,
  recoveryCodeOption,
  verifyRecoveryCode,
} from "../recovery-codes/recovery-code-flows.js";
import type { PhoneMethod } from "../registration/registration.js";
import { maskPhone, parsePhone } from "../rules/phone.js";

/** A factor the user can be challenged with now. */
export interface ChallengeOption {
  readonly method: MfaMethod | "recovery-code";
  /** Masked phone, or the authenticator's label. */
  readonly display: string;
  /** For phones: how a code can be delivered. */
  readonly deliveries: readonly Delivery[];
  /** For authenticator apps. */
  readonly factorId?: string;
}

/** Why a sign-in check or send failed (expected outcomes, not exceptions). */
export type ChallengeFailure = CheckFailure | SendFailure;

/** Why a sign-in send failed. */
export type SendFailure =
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
      /**
       * What the provider said about the code's message: `queued` until a receipt comes, then
       * `sent`, `delivered`, `failed` or `undelivered`; `null` when the sender gave no message
       * id. Poll {@link ChallengeApi.status} to follow it.
       */
      readonly delivery: DeliveryView | null;
    }
  | ChallengeFailure;

/** A started phone challenge as it stands: `start`'s answer, with the latest delivery status. */
export type ChallengeStatus =
  | Extract<ChallengeStarted, { ok: true }>
  | { readonly ok: false; readonly reason: "not_found" };

/** A check's result. */
export type ChallengeResult =
  | {
      readonly ok: true;
      readonly method: MfaMethod | "app-password";
      /**
       * The device remembered with this check (`remember` asked for it and the policy's
       * `rememberDeviceDays` allows): keep `token` in an HttpOnly cookie. In this answer only.
       */
      readonly device?: DeviceToken;
    }
  | RecoveryCodeSignIn
  | ChallengeFailure;

/** A started ceremony sign-in (a passkey's, or a factor module's). */
export type CeremonyChallengeStarted = { readonly ok: true } & CeremonySignIn;

/** A started passkey sign-in. */
export type PasskeyChallengeStarted = { readonly ok: true } & PasskeySignIn;

/** The answer to a started ceremony sign-in: {@link ChallengeApi.verify} with `kind`. */
export interface CeremonyAnswer {
  readonly userId: string;
  /** The kind whose ceremony was begun (`passkey`, or a factor module's kind). */
  readonly kind: CeremonyKind;
  readonly challengeId: string;
  /** What the browser or the user answered; the kind's module checks it. */
  readonly response: unknown;
  readonly remember?: RememberOption;
}

/** Asks a successful second-factor check to remember this device ("don't ask again"). */
export interface RememberOption {
  /** A name for Security info, e.g. from the user agent. @default "This device" */
  readonly name?: string;
}

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
  /**
   * The challenge's delivery as the provider's receipts report it, for a page that polls: show
   * "delivered", or with `delivery.offerAlternatives` "not delivered: call me instead / use
   * another method". With a failover configured (`createMfa`'s `delivery.failover`) and no
   * delivery receipt in time, this call sends the challenge's next code through the failover
   * senders, once per challenge (`delivery.failedOver`). `not_found` for a used, expired or
   * other user's challenge.
   */
  status(input: {
    userId: string;
    challengeId: string;
    ip?: string;
    locale?: string;
  }): Promise<ChallengeStatus>;
  /**
   * Checks the code of a phone challenge; with `kind`, the answer to a ceremony begun by
   * {@link ChallengeApi.begin} (its module checks it, consuming the challenge; a refused answer is
   * a typed error such as `factor_rejected` or `passkey_rejected`, and changes nothing).
   */
  verify(
    input:
      | {
          userId: string;
          challengeId: string;
          code: string;
          kind?: undefined;
          remember?: RememberOption;
        }
      | CeremonyAnswer,
  ): Promise<ChallengeResult>;
  /**
   * Starts a sign-in with a ceremony kind (`setup: "ceremony"`: a passkey, or a factor module given
   * to `createMfa`): its module writes the challenge; answer it with `verify({ kind, … })`.
   * `factor_not_found` when the policy does not offer the kind or the user holds none.
   */
  begin(input: { userId: string; kind: CeremonyKind }): Promise<CeremonyChallengeStarted>;
  /** Checks an authenticator-app code (the newest active app if `factorId` is omitted). */
  verifyTotp(input: {
    userId: string;
    code: string;
    factorId?: string;
    remember?: RememberOption;
  }): Promise<ChallengeResult>;
  /**
   * Starts a passkey sign-in: pass `options` to `navigator.credentials.get()` (the browser's JSON
   * form) and the answer to {@link ChallengeApi.verifyPasskey} within `expiresInSeconds`.
   * `factor_not_found` when the user holds no passkey or the policy does not offer them.
   */
  beginPasskey(input: { userId: string }): Promise<PasskeyChallengeStarted>;
  /**
   * Verifies a passkey's assertion (`PublicKeyCredential.toJSON()`, or its JSON text) for a
   * started challenge, which it consumes: of many uses of one challenge exactly one succeeds.
   * A wrong origin or RP id, a missing user verification, a counter that did not grow, another
   * user's credential is `passkey_rejected` (`data.reason`); a used or expired challenge is
   * `challenge_not_found`; malformed input is `invalid_input`. Then nothing has changed.
   */
  verifyPasskey(input: {
    userId: string;
    challengeId: string;
    response: unknown;
    remember?: RememberOption;
  }): Promise<ChallengeResult>;
  /**
   * Whether `token` (from `device` of a successful check) still remembers this user's device:
   * then the app may skip the second factor. `invalid_input` for something that is no token.
   */
  recognizeDevice(input: {
    userId: string;
    token: string;
  }): Promise<{ readonly ok: true; readonly deviceId: string } | { readonly ok: false }>;
  /**
   * Checks an app password for a legacy protocol (IMAP, SMTP, EAS). It proves only that: an
   * app password never authorises managing factors or app passwords (APP-04).
   */
  verifyAppPassword(input: {
    userId: string;
    password: string;
    /**
     * The client's IP (trusted proxy header only). Wrong passwords are throttled per network
     * (IPv6 /64) and never disabled: an app password has at least 75 bits, so the cap only slows a
     * guesser and its owner is never locked out for good by a stranger (RATE-05, RATE-08). Without
     * it, the throttle is the user's own: a stranger can then slow the owner for up to
     * `maxDelaySeconds`, so pass it.
     */
    ip?: string;
  }): Promise<ChallengeResult>;
  /**
   * Signs in with a recovery code (a backup of last resort; it never counts toward the policy's
   * MFA requirement). The code is used up; the answer says how many are left and whether that is
   * few. Typed as `xxxxx-xxxxx`, any case, with or without spaces and dashes; anything else is
   * `invalid_input` (field `code`) and costs no attempt.
   */
  verifyRecoveryCode(input: {
    userId: string;
    code: string;
    /**
     * The client's IP (trusted proxy header only). Wrong codes are throttled per network (IPv6
     * /64), never disabled: a stranger guessing codes slows only themselves and can never lock
     * the owner out of their last way in (RATE-08). Without it, the throttle is the user's own.
     */
    ip?: string;
  }): Promise<ChallengeResult>;
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

/** Rounds a sign-in send's commit may lose to this user's other actions before giving up. */
const DURABLE_ROUNDS = 8;

/** Builds the sign-in API. */
export function createChallenge(deps: ChallengeDeps): ChallengeApi {
  const { store, clock, limiter, registrations, codes, totp, policy, factors } = deps;
  const recordKey = (userId: string, id: string) => userKey(userId, "signin", id);

  /** The refusal a send screen gives, as the challenge reports it. */
  const refusedSend = (r: SendRefusal): SendFailure =>
    r.reason === "send_blocked"
      ? r
      : { ok: false, reason: "rate_limited", retryAfterSeconds: r.retryAfterSeconds };

  /** What a sign-in code's message is, but the code itself. */
  const codeOf = (userId: string, challengeId: string, rec: SigninRecord, locale: string) => ({
    userId,
    channel: rec.delivery,
    to: rec.e164,
    extension: rec.extension,
    locale,
    purpose: "signin" as const,
    ttlMinutes: Math.round(codes.options.ttlSeconds / 60),
    challengeId,
    country: rec.country,
  });

  /** The started challenge as it stands now. */
  const started = async (
    userId: string,
    challengeId: string,
    rec: SigninRecord,
    expiresAt: number,
  ): Promise<Extract<ChallengeStarted, { ok: true }>> => ({
    ok: true,
    challengeId,
    destination: maskPhone(rec.e164),
    channel: rec.delivery,
    expiresInSeconds: Math.max(0, Math.ceil((expiresAt - clock.now()) / 1000)),
    delivery: await deps.deliveries.view(userId, challengeId),
  });

  /** Sends an issued code; a provider failure is a value the caller shows (REL-04). */
  const send = async (
    userId: string,
    challengeId: string,
    rec: SigninRecord,
    issued: IssuedCode,
    locale: string,
  ): Promise<ChallengeStarted> => {
    const outcome = await deliverCode(deps, {
      ...codeOf(userId, challengeId, rec, locale),
      code: issued.code,
      sendCount: issued.sendCount,
    });
    if (!outcome.ok)
      return {
        ok: false,
        reason: "delivery_failed",
        retryable: outcome.error === "delivery_unavailable",
      };
    return started(userId, challengeId, rec, issued.expiresAt);
  };

  /**
   * Runs `write` and commits it; if another action of this user committed first, runs it again
   * on what that one wrote. What follows (the send) happens once, after the commit.
   */
  const durably = async <T>(write: () => Promise<T>): Promise<T> => {
    for (let round = 0; round <= DURABLE_ROUNDS; round++) {
      const result = await write();
      if (await deps.unit.commit()) return result;
    }
    throw new MfaError("store_conflict", { data: { record: "account" } });
  };

  /** Remembers the device after a successful check, if asked and the policy allows. */
  const remembered = async (input: {
    userId: string;
    remember?: RememberOption;
  }): Promise<{ device?: DeviceToken }> => {
    const days = policy.rememberDeviceDays;
    if (!input.remember || days === 0) return {};
    const device = await deps.devices.remember(input.userId, input.remember.name, days);
    await emitEvent(deps.events, {
      type: "device.remembered",
      at: new Date(clock.now()).toISOString(),
      userId: input.userId,
      deviceId: device.id,
    });
    return { device };
  };

  /** What a sign-in send is, for the limits and the app's risk hook. */
  const subjectOf = (userId: string, rec: SigninRecord, ip: string | undefined) => ({
    userId,
    channel: rec.delivery,
    destination: rec.e164,
    country: rec.country,
    ...(ip ? { ip } : {}),
    purpose: "signin" as const,
  });

  /** The module of a ceremony kind the policy offers; else `factor_not_found` (no echo of input). */
  const ceremonyModule = (
    kind: unknown,
  ): FactorModule & Required<Pick<FactorModule, "ceremony">> => {
    const known = typeof kind === "string" && factors.has(kind) ? factors.module(kind) : null;
    if (!known?.ceremony || !policy.mfa.methods.includes(known.kind as MfaMethod))
      throw new MfaError("factor_not_found", {
        data: known ? { method: known.kind } : { field: "kind" },
      });
    return known as FactorModule & Required<Pick<FactorModule, "ceremony">>;
  };

  /** Checks a ceremony's answer through its module; the success event by the module's naming. */
  const verifyCeremony = async (input: CeremonyAnswer): Promise<ChallengeResult> => {
    const module = ceremonyModule(input.kind);
    const reg = await registrations.get(input.userId);
    const answer = () =>
      module.ceremony.verifySignIn(deps, {
        userId: input.userId,
        reg,
        challengeId: input.challengeId,
        response: input.response,
      });
    const cap = module.signInCap ?? "disable";
    let outcome: Awaited<ReturnType<typeof answer>>;
    if (cap === "none") {
      outcome = await answer();
    } else {
      // Wrong answers go through the same pipeline as codes: reserved before, capped (RATE-02).
      let factorId: string | null = null;
      const checked = await checkFactor(
        deps,
        { userId: input.userId, factorKey: `${module.kind}:signin`, mode: cap },
        async () => {
          const r = await answer();
          if ("factorId" in r) {
            factorId = r.factorId;
            return { ok: true };
          }
          return isVerifyFailure(r) ? r : { ok: false, reason: "code_mismatch" };
        },
      );
      outcome = checked.ok && factorId !== null ? { factorId } : (checked as CheckFailure);
    }
    const at = new Date(clock.now()).toISOString();
    if (!("factorId" in outcome)) {
      await emitEvent(deps.events, {
        type: "factor.rejected",
        at,
        userId: input.userId,
        method: module.kind,
        reason: outcome.reason,
      });
      return outcome;
    }
    const { factorId } = outcome;
    await emitEvent(
      deps.events,
      module.signInEvents === "passkey"
        ? { type: "passkey.verified", at, userId: input.userId, factorId }
        : { type: "factor.verified", at, userId: input.userId, method: module.kind, factorId },
    );
    return { ok: true, method: module.kind as MfaMethod, ...(await remembered(input)) };
  };

  const begin: ChallengeApi["begin"] = async (input) => {
    const module = ceremonyModule(input?.kind);
    const reg = await registrations.get(input.userId);
    const started = await module.ceremony.beginSignIn(deps, { userId: input.userId, reg });
    return { ok: true, ...started };
  };

  // A resend replaces the code the user holds: it is screened before, so a refusal keeps it.
  const screen = (userId: string, rec: SigninRecord, ip: string | undefined) =>
    screenSend(deps, subjectOf(userId, rec, ip));

  return {
    async options(userId) {
      const reg = await registrations.get(userId);
      const out: ChallengeOption[] = [];
      for (const module of factors.modules) {
        if (module.role !== "mfa" || !policy.mfa.methods.includes(module.kind as MfaMethod))
          continue;
        for (const factor of module.list(reg)) {
          const key = module.failureKey?.(reg, factor.id);
          if (key && !(await limiter.allowCheck(userId, key)).ok) continue;
          const method = module.kind as MfaMethod;
          // A ceremony factor is one option ("use a passkey"): the browser picks the credential.
          if (module.setup === "ceremony") {
            if (out.some((o) => o.method === method)) continue;
            // A kind disabled by wrong answers is not offered (as a disabled code factor).
            const capped = (module.signInCap ?? "disable") !== "none";
            if (capped && !(await limiter.allowCheck(userId, `${module.kind}:signin`)).ok) continue;
            const held = module.list(reg);
            out.push({
              method,
              display: held.length === 1 ? factor.display : `${held.length} ${method}s`,
              deliveries: [],
            });
            continue;
          }
          out.push(
            module.setup === "totp"
              ? { method, display: factor.display, deliveries: [], factorId: factor.id }
              : {
                  method,
                  display: factor.display,
                  deliveries: module.deliveries?.(policy.phone?.deliveries ?? []) ?? [],
                },
          );
        }
      }
      // The last resort last: it is never preferred, and the sort below is stable.
      const backup = await recoveryCodeOption(deps, userId);
      if (backup) out.push(backup);
      // The user's preferred factor first (Security info's "default sign-in method").
      return out.sort((a, b) => Number(isPreferred(reg, b)) - Number(isPreferred(reg, a)));
    },

    async start(input) {
      const reg = await registrations.get(input.userId);
      const phone = reg.phones[input.method];
      if (!phone || !policy.mfa.methods.includes(input.method))
        throw new MfaError("factor_not_found", { data: { method: input.method } });
      // The deliveries this kind of phone takes: asked for, else how it was bound, else a call.
      const module = factors.module(input.method);
      const textable = module.deliveries?.(["sms"]).includes("sms") ?? false;
      const delivery: Delivery = textable ? (input.delivery ?? phone.delivery) : "voice";
      if (!policy.phone?.deliveries.includes(delivery))
        throw new MfaError("invalid_input", { data: { field: "delivery" } });
      // Re-classify the stored number now: types and allow-lists change (PHONE-02, FRAUD-01).
      parsePhone(
        {
          number: phone.e164,
          use: module.phoneUse?.(delivery) ?? delivery,
          extension: phone.extension ?? undefined,
        },
        { allowedCountries: policy.phone.allowedCountries },
      );
      const allowance = await limiter.allowCheck(input.userId, `phone:${phone.e164}`);
      if (!allowance.ok) {
        return allowance.reason === "disabled"
          ? { ok: false, reason: "factor_disabled" }
          : { ok: false, reason: "factor_locked", retryAfterSeconds: allowance.retryAfterSeconds };
      }
      const rec: SigninRecord = {
        method: input.method,
        e164: phone.e164,
        country: phone.country,
        extension: phone.extension,
        delivery,
      };
      const challengeId = randomId("ch_");
      const key = recordKey(input.userId, challengeId);
      // State before send (REL-04): the record, the hashed code and the send's limits are one
      // commit; the limits and the app's risk hook are judged after it, the provider called last.
      let counted: CountedSend | null = null;
      const issued = await durably(async () => {
        counted = countSend(deps, subjectOf(input.userId, rec, input.ip));
        await store.put(key, rec as never, {
          ttlMs: codes.options.ttlSeconds * codes.options.maxSends * 1000,
        });
        return codes.issue({
          userId: input.userId,
          challengeId,
          purpose: `signin:${delivery}`,
          destination: phone.e164,
        });
      });
      const refused = counted ? await clearSend(deps, counted) : null;
      if (refused) {
        // Nothing was sent: the challenge goes, and its code with it.
        await durably(async () => {
          await store.delete(key);
          await codes.cancel({ userId: input.userId, challengeId });
        });
        return refusedSend(refused);
      }
      return send(input.userId, challengeId, rec, issued, input.locale ?? reg.locale ?? "en");
    },

    async resend(input) {
      const entry = await store.get<SigninRecord & Record<string, never>>(
        recordKey(input.userId, input.challengeId),
      );
      if (!entry) return { ok: false, reason: "not_found" };
      const rec = entry.value as SigninRecord;
      const refused = await screen(input.userId, rec, input.ip);
      if (refused) return refusedSend(refused);
      const issued = await durably(() =>
        codes.resend({ userId: input.userId, challengeId: input.challengeId }),
      );
      return send(input.userId, input.challengeId, rec, issued, input.locale ?? "en");
    },

    async status(input) {
      const key = recordKey(input.userId, input.challengeId);
      const entry = await store.get<SigninRecord & Record<string, never>>(key);
      if (!entry) return { ok: false, reason: "not_found" };
      const rec = entry.value as SigninRecord;
      await failOverIfDue(deps, {
        subject: subjectOf(input.userId, rec, input.ip),
        code: codeOf(input.userId, input.challengeId, rec, input.locale ?? "en"),
      });
      const live = await codes.status({ userId: input.userId, challengeId: input.challengeId });
      if (!live) return { ok: false, reason: "not_found" };
      return started(input.userId, input.challengeId, rec, live.expiresAt);
    },

    async verify(input) {
      if (input.kind !== undefined) return verifyCeremony(input);
      const entry = await store.get<SigninRecord & Record<string, never>>(
        recordKey(input.userId, input.challengeId),
      );
      if (!entry) return { ok: false, reason: "not_found" };
      const rec = entry.value as SigninRecord;
      assertCodeFormat(input.code, codes.options.length);
      const outcome = await checkFactor(
        deps,
        { userId: input.userId, factorKey: `phone:${rec.e164}` },
        () =>
          codes.verify({
            userId: input.userId,
            challengeId: input.challengeId,
            purpose: `signin:${rec.delivery}`,
            destination: rec.e164,
            code: input.code,
          }),
      );
      if (!outcome.ok) return outcome;
      await store.delete(recordKey(input.userId, input.challengeId));
      // An imported phone is confirmed by its first accepted code (verify at next use).
      await confirmImportedMark(deps, input.userId, rec.method);
      // The day's "verified" figures (FRAUD-06; per provider for the delivery report) land in
      // the same commit as the check.
      deps.unit.countOnCommit([
        limiter.conversionItem("verified", rec.country),
        ...(await deps.deliveries.verifiedItems(input.userId, input.challengeId)),
      ]);
      return { ok: true, method: rec.method, ...(await remembered(input)) };
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
      // Either length here: a factor keeps the length it was made with (an imported one may
      // differ from the configured digits), and totp.verify checks it against the factor.
      assertCodeFormat(input.code, input.code?.length === 8 ? 8 : 6);
      const outcome = await checkFactor(
        deps,
        { userId: input.userId, factorKey: `totp:${factorId}` },
        () => totp.verify({ userId: input.userId, factorId, code: input.code }),
      );
      return outcome.ok
        ? { ok: true, method: "authenticator-app", ...(await remembered(input)) }
        : outcome;
    },

    begin,

    // The named passkey calls are the generic ones with the kind filled in.
    beginPasskey(input) {
      // The passkey module's ceremony answers with a passkey's sign-in.
      return begin({ ...input, kind: "passkey" }) as Promise<PasskeyChallengeStarted>;
    },

    verifyPasskey(input) {
      return verifyCeremony({ ...input, kind: "passkey" });
    },

    async recognizeDevice(input) {
      const device = await deps.devices.recognize(input.userId, input.token);
      return device ? { ok: true, deviceId: device.id } : { ok: false };
    },

    async verifyAppPassword(input) {
      const appPasswords = deps.appPasswords;
      if (!appPasswords) return { ok: false, reason: "not_found" };
      // Throttled, never disabled (RATE-08), per network when the IP is known: see the JSDoc.
      const factorKey = await networkFactorKey(
        limiter,
        input.userId,
        "app-password",
        input.ip || undefined,
      );
      const outcome = await checkFactor(
        deps,
        { userId: input.userId, factorKey, mode: "throttle" },
        async () =>
          (await appPasswords.verify({ userId: input.userId, password: input.password })).ok
            ? { ok: true }
            : { ok: false, reason: "code_mismatch" },
      );
      return outcome.ok ? { ok: true, method: "app-password" } : outcome;
    },

    verifyRecoveryCode(input) {
      return verifyRecoveryCode(deps, input);
    },
  };
}

const VERIFY_FAILURES: ReadonlySet<string> = new Set([
  "code_mismatch",
  "expired",
  "locked",
  "not_found",
  "replayed",
]);

/** Whether a module's failure is one the check pipeline settles as it is. */
function isVerifyFailure(r: CheckFailure): r is CheckFailure & VerifyFailure {
  return VERIFY_FAILURES.has(r.reason);
}

/** Whether an option is the user's preferred factor. */
function isPreferred(
  reg: { readonly preferred?: string | null },
  option: ChallengeOption,
): boolean {
  if (!reg.preferred) return false;
  return option.factorId !== undefined
    ? option.factorId === reg.preferred
    : option.method === reg.preferred;
}
