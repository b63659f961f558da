/**
 * `createMfa`: the SDK in one call.
 *
 * The configuration is validated once, here, with zod: every port the enabled features need is
 * checked, and every gap is reported in one error ("SMS delivery is enabled → an SMS sender is
 * required"). Defaults are applied in one place (the schemas) and the result is frozen.
 *
 * @module
 */

import { z } from "zod";
import { type ActionFlows, flowsOf, inUnit, type SharedDeps } from "./account/flows.js";
import { detachedUnit } from "./account/unit-of-work.js";
import {
  type AdminApi,
  createAdmin,
  type RegistrationRequirement,
  registrationRequirement,
} from "./admin/admin.js";
import type { AppPasswordOptions } from "./app-passwords/types.js";
import type { ChallengeApi, ChallengeResult } from "./challenge/challenge.js";
import type { CodeOptions } from "./codes/index.js";
import { guardSenders } from "./delivery/guarded-sender.js";
import { createMessageRenderer, type TemplateOverrides } from "./delivery/templates.js";
import type { EnrolmentEngine } from "./enrolment/engine.js";
import { createMessenger, type Senders } from "./enrolment/messenger.js";
import { isMfaError, MfaError } from "./errors.js";
import {
  createFactorRegistry,
  type FactorModule,
  type FactorRegistry,
  factorModuleIssues,
} from "./factors/registry.js";
import type { CheckFailure } from "./flows/check.js";
import type { Session } from "./flows/gate.js";
import { createImportApi, type ImportAdminApi, importedFactorsOf } from "./import/importer.js";
import { assertUserId } from "./keys.js";
import { createLimiter, type Limiter, type LimitsInput, resolveLimits } from "./limits/limits.js";
import { resolveWebAuthn, type WebAuthnOptions } from "./passkeys/webauthn-config.js";
import { type Policy, type PolicyInput, policySchemaFor } from "./policy/policy.js";
import { type Clock, type RandomSource, systemClock, webCryptoRandom } from "./ports/clock.js";
import { type EventSink, emitEvent, noEvents } from "./ports/events.js";
import { guardStore } from "./ports/guarded-store.js";
import type { Keyring } from "./ports/keyring.js";
import { allowAllSends, type SendRiskHook } from "./ports/risk.js";
import type { SmsSender, VoiceSender } from "./ports/senders.js";
import type { Store } from "./ports/store.js";
import {
  createDeliveryApi,
  type DeliveryApi,
  type DeliveryReportApi,
  deliveryReport,
} from "./receipts/delivery-receipts.js";
import { type RegistrationStore, registrationStore } from "./registration/registration.js";
import {
  type RevertInput,
  type RevertOptions,
  type RevertOutcome,
  resolveRevertOptions,
} from "./revert/change-reverts.js";
import { parseRevertToken } from "./revert/revert-token.js";
import { normaliseDomain } from "./rules/domain.js";
import type { SecurityInfoApi } from "./security-info/security-info.js";
import {
  passSessionPolicy,
  type TemporaryAccessPassAdminApi,
  type TemporaryAccessPassChallengeApi,
  type TemporaryAccessPassResult,
  temporaryAccessPassFlows,
} from "./temporary-access-pass/temporary-access-pass.js";
import type { TotpOptions } from "./totp/service.js";

/** Everything `createMfa` takes. */
export interface MfaConfig {
  /** Where all state lives (memory, SQLite, PostgreSQL, Redis). */
  readonly store: Store;
  /** Server keys for hashing codes and app passwords and sealing TOTP seeds. */
  readonly keyring: Keyring;
  /** The organisation: its name (the TOTP issuer, the app name in messages) and its own email domains. */
  readonly tenant: { readonly name: string; readonly domains: readonly string[] };
  /** What users must register. */
  readonly policy: PolicyInput;
  /** SMS, voice and email senders; each is required only when a feature needs it. */
  readonly senders?: Senders;
  /** Rate limits and the failure cap. */
  readonly limits?: LimitsInput;
  /** One-time code length, lifetime, attempts. */
  readonly codes?: CodeOptions;
  /** Authenticator-app options (the issuer is the tenant's name). */
  readonly totp?: Omit<TotpOptions, "issuer">;
  /** App-password format (the cap comes from the policy). */
  readonly appPasswords?: Omit<AppPasswordOptions, "cap">;
  /** Message template overrides per locale, and the WebOTP host for SMS. */
  readonly messages?: { readonly templates?: TemplateOverrides; readonly webOtpHost?: string };
  /** @default systemClock */
  readonly clock?: Clock;
  /** @default webCryptoRandom */
  readonly random?: RandomSource;
  /** Audit events. @default noEvents */
  readonly events?: EventSink;
  /** The app's risk check before each code is sent (SIM swap, bot score, spend). @default allow all */
  readonly beforeSend?: SendRiskHook;
  /** "This wasn't me" links on every factor-change notice. @default undefined (no links) */
  readonly revert?: RevertOptions;
  /** The relying party for passkeys: required when the policy offers `passkey`. */
  readonly webauthn?: WebAuthnOptions;
  /** Delivery receipts' consequences. @default no failover */
  readonly delivery?: DeliveryOptions;
  /**
   * Factor modules from outside core, each a new kind set up and checked by its own ceremony
   * (`setup: "ceremony"`): once given here, the policy may offer its kind and the wizard,
   * Security info, the sign-in challenge (`challenge.begin`/`verify` with `kind`), admin and
   * `required()` treat it as any factor, through the same gate (step-up, notice, event).
   * Declare its kind's types by merging into `FactorKinds`. See docs/architecture.md.
   * @default [] (the built-in kinds only)
   */
  readonly factors?: readonly FactorModule[];
}

/** What `createMfa` does with delivery receipts. */
export interface DeliveryOptions {
  /**
   * Send a challenge's next code through other senders when its message has no delivery
   * receipt `afterSeconds` after the send (or the provider reported it failed or undelivered),
   * once per challenge. It runs when the app reads the challenge (`enrolment.get`,
   * `challenge.status`): a page that polls drives it. Needs the providers' receipt webhooks
   * mounted, else every code fails over. @default none
   */
  readonly failover?: {
    /** Seconds without a delivery receipt before failing over, 10 to 600. */
    readonly afterSeconds: number;
    /** The senders to fail over to, per channel (at least one). */
    readonly senders: { readonly sms?: SmsSender; readonly voice?: VoiceSender };
  };
}

/** The SDK. */
export interface Mfa {
  /** The enrolment wizard: start, get, submit. */
  readonly enrolment: EnrolmentEngine;
  /** The user's own Security info page: list, add, replace, remove, name, prefer; app passwords. */
  readonly securityInfo: SecurityInfoApi;
  /** Sign-in checks of registered factors, app passwords and Temporary Access Passes. */
  readonly challenge: ChallengeApi & TemporaryAccessPassChallengeApi;
  /**
   * Administration: Temporary Access Passes, the migration import from another system, and the
   * delivery report.
   */
  readonly admin: AdminApi & TemporaryAccessPassAdminApi & ImportAdminApi & DeliveryReportApi;
  /**
   * Provider receipts (Twilio status callbacks, Vonage delivery receipts and call events), as the
   * adapters' webhook handlers hand them over after checking the provider's signature.
   */
  readonly delivery: DeliveryApi;
  /** The policy with every default applied. */
  readonly policy: Policy;
  /** Whether a user must register now (none / nudge / required). */
  required(userId: string, options?: { enabledAt?: number }): Promise<RegistrationRequirement>;
  /**
   * The limiter (conversion figures, FRAUD-06). The building blocks (codes, TOTP, app passwords)
   * are not on this object: their checks carry no failure cap of their own, so an app checks
   * factors through `challenge` and manages them through `securityInfo`.
   */
  readonly limiter: Limiter;
  readonly registrations: RegistrationStore;
  /**
   * "This wasn't me": undoes the change a notice's link names (no session: the link is the
   * proof), revokes every app password and remembered device and marks the account for review
   * (`required().underReview`, cleared by `admin.clearReview`). Works once per link.
   *
   * @throws {MfaError} `invalid_input` for a malformed token; `revert_link_invalid` for a forged,
   * tampered, expired, used or other user's one (nothing changed, nothing sent).
   */
  revertChange(input: RevertInput): Promise<RevertOutcome>;
}

const port = (methods: readonly string[]) =>
  z.custom<unknown>(
    (v) =>
      typeof v === "object" &&
      v !== null &&
      methods.every((m) => typeof (v as Record<string, unknown>)[m] === "function"),
    { message: `must implement ${methods.join(", ")}` },
  );

const configSchema = z.object({
  store: port(["get", "put", "take", "increment", "delete", "list"]),
  keyring: port(["key"]),
  tenant: z.object({
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[^:\p{Cc}]+$/u, "no colon or control characters (it is the TOTP issuer)"),
    domains: z.array(z.string().min(1).max(255)).max(1000),
  }),
  policy: z.unknown(),
  senders: z
    .object({
      sms: port(["send"]).optional(),
      voice: port(["send"]).optional(),
      email: port(["send"]).optional(),
    })
    .default({}),
  clock: port(["now"]).optional(),
  random: port(["bytes"]).optional(),
  events: port(["emit"]).optional(),
  beforeSend: z
    .custom<SendRiskHook>((v) => typeof v === "function", { message: "must be a function" })
    .optional(),
  delivery: z
    .object({
      failover: z
        .object({
          afterSeconds: z.number().int().min(10).max(600),
          senders: z
            .object({ sms: port(["send"]).optional(), voice: port(["send"]).optional() })
            .refine((v) => v.sms !== undefined || v.voice !== undefined, {
              message: "at least one of sms, voice",
            }),
        })
        .optional(),
    })
    .optional(),
});

/** Gaps between the features the policy enables and the senders given. */
function missingSenders(policy: Policy, senders: Senders, factors: FactorRegistry): string[] {
  const gaps: string[] = [];
  const deliveries = policy.phone?.deliveries ?? [];
  const phones = policy.mfa.methods.filter((m) => factors.module(m).setup === "code");
  const anyPhone = phones.length > 0 || policy.recovery.methods.includes("phone");
  if (anyPhone && deliveries.includes("sms") && !senders.sms)
    gaps.push("SMS delivery is enabled → senders.sms is required");
  // A phone that takes no texts (office, alternate) is always called.
  const callOnly = phones.some((m) => !factors.module(m).deliveries?.(["sms"]).includes("sms"));
  const voiceNeeded = anyPhone && (deliveries.includes("voice") || callOnly);
  if (voiceNeeded && !senders.voice)
    gaps.push("voice delivery or an office/alternate phone is enabled → senders.voice is required");
  if (policy.recovery.methods.includes("email") && !senders.email)
    gaps.push("the recovery email is enabled → senders.email is required");
  return gaps;
}

/** The `reason` a refusal carries in its data, as text. */
const reasonOf = (e: MfaError) => String(e.data.reason ?? "");

/** The user whose counter a send plan holds (`mfa:{<encoded id>}:rl:sends`), if any. */
function userOfPlan(plan: { readonly items: readonly { readonly key: string }[] }): string | null {
  for (const { key } of plan.items) {
    const match = /^mfa:\{(.*)\}:/.exec(key);
    if (match?.[1] !== undefined) return decodeURIComponent(match[1]);
  }
  return null;
}

/**
 * Creates the SDK.
 *
 * @example
 * ```ts
 * const mfa = createMfa({
 *   store: sqliteStore({ path: "mfa.db" }),
 *   keyring: createKeyring({ current: "k1", keys: { k1: process.env.MFA_KEY! } }),
 *   tenant: { name: "Contoso", domains: ["contoso.com"] },
 *   policy: seedPolicy(["GB"]),
 *   senders: { sms, voice, email },
 * });
 * const view = await mfa.enrolment.start({ userId, authenticatedAt: session.signedInAt });
 * ```
 */
export function createMfa(config: MfaConfig): Mfa {
  const issues: string[] = [];
  const parsed = configSchema.safeParse(config);
  if (!parsed.success) {
    for (const i of parsed.error.issues)
      issues.push(`${i.path.join(".") || "config"}: ${i.message}`);
  }
  // The factor modules first: the policy may name their kinds.
  const given: unknown = config?.factors ?? [];
  const moduleIssues = Array.isArray(given)
    ? factorModuleIssues(given)
    : ["factors: an array of factor modules"];
  issues.push(...moduleIssues);
  const factors = createFactorRegistry(
    moduleIssues.length === 0 ? (given as readonly FactorModule[]) : [],
  );
  const policyResult = policySchemaFor(factors).safeParse(config?.policy ?? {});
  if (!policyResult.success) {
    for (const i of policyResult.error.issues)
      issues.push(`policy.${i.path.join(".")}: ${i.message}`);
  }
  const revert = resolveRevertOptions(config?.revert);
  issues.push(...revert.issues);
  const senders: Senders = config?.senders ?? {};
  if (policyResult.success) issues.push(...missingSenders(policyResult.data, senders, factors));
  // Passkeys: the relying party is checked once, here, whenever it is given or needed.
  const webauthn =
    config?.webauthn !== undefined ||
    (policyResult.success && policyResult.data.mfa.methods.includes("passkey"))
      ? resolveWebAuthn(config?.webauthn)
      : null;
  if (webauthn && "issues" in webauthn) {
    if (config?.webauthn === undefined) issues.push("passkeys are offered → webauthn is required");
    else issues.push(...webauthn.issues);
  }
  let domains: string[] = [];
  try {
    domains = (config?.tenant?.domains ?? []).map((d) => normaliseDomain(d));
  } catch {
    issues.push("tenant.domains: each must be a valid domain name");
  }
  if (issues.length > 0 || !policyResult.success) {
    throw new MfaError("config_invalid", {
      message: `mfakit is configured incorrectly:\n- ${issues.join("\n- ")}`,
      data: { issues: issues.length },
    });
  }
  const policy = Object.freeze(policyResult.data);
  const { keyring } = config;
  // The store is wrapped once, here: every call is checked before it reaches the adapter, and
  // any failure that is not typed comes out as store_unavailable (adapters stay thin).
  const store = guardStore(config.store);
  const clock = config.clock ?? systemClock;
  const random = config.random ?? webCryptoRandom;
  const events = config.events ?? noEvents;
  const renderer = createMessageRenderer({
    ...config.messages,
    factorNames: factors.noticeNames,
  });
  // Each sender is wrapped once: a failure that is not typed, or no answer within the deadline,
  // is delivery_unavailable (REL-04/05), so every flow sees only outcomes it can show.
  const failover = config.delivery?.failover;
  const messenger = createMessenger({
    senders: guardSenders(senders),
    ...(failover ? { failover: guardSenders(failover.senders) } : {}),
    renderer,
    appName: config.tenant.name,
  });
  const shared: SharedDeps = {
    store,
    keyring,
    clock,
    random,
    events,
    policy,
    factors,
    limits: resolveLimits(config.limits ?? {}),
    ...(config.codes ? { codes: config.codes } : {}),
    totp: { ...config.totp, issuer: config.tenant.name },
    appPasswords: policy.appPasswords.enabled
      ? { ...config.appPasswords, cap: policy.appPasswords.cap }
      : null,
    messenger,
    beforeSend: config.beforeSend ?? allowAllSends,
    tenant: Object.freeze({ name: config.tenant.name, domains }),
    revert: revert.options,
    webauthn: webauthn && "settings" in webauthn ? webauthn.settings : null,
    failover: failover
      ? {
          afterMs: failover.afterSeconds * 1000,
          channels: (["sms", "voice"] as const).filter((c) => failover.senders[c] !== undefined),
        }
      : null,
  };
  // Options are checked now, once, rather than at the first user action (the spread makes
  // every flow, those an action would only make on first use too).
  void { ...flowsOf(shared, detachedUnit(store)) };

  /** Runs one user action in its unit of work (one read, at most one commit of the user's state). */
  const act = <T>(
    userId: unknown,
    action: (f: ActionFlows) => Promise<T>,
    retries?: number,
    deps: SharedDeps = shared,
  ) => {
    assertUserId(userId);
    return inUnit(deps, userId, action, retries);
  };
  const passes = (f: ActionFlows) => temporaryAccessPassFlows({ ...f, keyring, random });
  // A Temporary Access Pass session's wizard offers no app password (it registers factors only).
  const passShared: SharedDeps = { ...shared, policy: passSessionPolicy(policy) };
  /**
   * A registering action of a session: one opened with a Temporary Access Pass runs only while its
   * pass is live (checked in the same unit, so a revoke that committed first ends it).
   */
  const register = <T>(
    session: Session | undefined,
    action: (f: ActionFlows) => Promise<T>,
    retries?: number,
  ) =>
    session?.via === undefined
      ? act(userOf(session), action, retries)
      : act(
          userOf(session),
          async (f) => {
            await passes(f).vouch(session);
            return action(f);
          },
          retries,
          passShared,
        );
  /**
   * A check at sign-in: when this user's other checks keep committing first (a burst of
   * guesses), it waits its turn instead of running: nothing was compared, nothing is told.
   */
  const check = <R extends ChallengeResult | TemporaryAccessPassResult>(
    userId: unknown,
    action: (f: ActionFlows) => Promise<R>,
  ) =>
    act(userId, action).catch((e: unknown): R | CheckFailure => {
      if (!isMfaError(e, "store_conflict")) throw e;
      return { ok: false, reason: "factor_locked", retryAfterSeconds: 1 };
    });
  const userOf = (session: { userId?: unknown } | null | undefined) => session?.userId;
  /**
   * A refused passkey changed nothing (its unit was not committed): the refusal is audited here,
   * outside the unit. (A module's expected failure is a value, audited by the challenge.)
   */
  const rejectionAudited = <R>(
    input: { readonly userId?: unknown; readonly kind?: unknown } | null | undefined,
    outcome: Promise<R>,
  ) =>
    outcome.catch(async (e: unknown) => {
      const userId = input?.userId;
      if (typeof userId === "string") {
        const at = new Date(clock.now()).toISOString();
        if (isMfaError(e, "passkey_rejected"))
          await emitEvent(events, { type: "passkey.rejected", at, userId, reason: reasonOf(e) });
      }
      throw e;
    });

  const enrolment = Object.freeze<EnrolmentEngine>({
    start: (options) => register(options, (f) => f.engine.start(options)),
    get: (id, session) => register(session, (f) => f.engine.get(id, session)),
    // The engine commits itself (a lost race is its conflict view), so it never runs twice.
    submit: (id, input, session) =>
      register(session, (f) => f.engine.submit(id, input, session), 0),
  });

  const securityInfo = Object.freeze<SecurityInfoApi>({
    list: (session) => act(userOf(session), (f) => f.securityInfo.list(session)),
    add: (session, kind, options) =>
      register(session, (f) => f.securityInfo.add(session, kind, options)),
    replace: (session, id, options) =>
      act(userOf(session), (f) => f.securityInfo.replace(session, id, options)),
    remove: (session, id) => act(userOf(session), (f) => f.securityInfo.remove(session, id)),
    setPreferred: (session, id) =>
      act(userOf(session), (f) => f.securityInfo.setPreferred(session, id)),
    rename: (session, id, name) =>
      act(userOf(session), (f) => f.securityInfo.rename(session, id, name)),
    devices: Object.freeze<SecurityInfoApi["devices"]>({
      list: (session) => act(userOf(session), (f) => f.securityInfo.devices.list(session)),
      revoke: (session, id) =>
        act(userOf(session), (f) => f.securityInfo.devices.revoke(session, id)),
      revokeAll: (session) =>
        act(userOf(session), (f) => f.securityInfo.devices.revokeAll(session)),
    }),
    recoveryCodes: Object.freeze<SecurityInfoApi["recoveryCodes"]>({
      status: (session) =>
        act(userOf(session), (f) => f.securityInfo.recoveryCodes.status(session)),
      regenerate: (session) =>
        act(userOf(session), (f) => f.securityInfo.recoveryCodes.regenerate(session)),
    }),
    appPasswords: Object.freeze<SecurityInfoApi["appPasswords"]>({
      create: (session, name) =>
        act(userOf(session), (f) => f.securityInfo.appPasswords.create(session, name)),
      list: (session) => act(userOf(session), (f) => f.securityInfo.appPasswords.list(session)),
      revoke: (session, id) =>
        act(userOf(session), (f) => f.securityInfo.appPasswords.revoke(session, id)),
    }),
  });

  const challenge = Object.freeze<Mfa["challenge"]>({
    options: (userId) => act(userId, (f) => f.challenge.options(userId)),
    // start and resend commit before they send (state before send, REL-04), then send once.
    start: (input) => act(userOf(input), (f) => f.challenge.start(input), 0),
    resend: (input) => act(userOf(input), (f) => f.challenge.resend(input), 0),
    // A failover send commits its claim first: an action run again never sends twice.
    status: (input) => act(userOf(input), (f) => f.challenge.status(input)),
    verify: (input) =>
      input?.kind === undefined
        ? check(userOf(input), (f) => f.challenge.verify(input))
        : rejectionAudited(
            input,
            check(userOf(input), (f) => f.challenge.verify(input)),
          ),
    begin: (input) => act(userOf(input), (f) => f.challenge.begin(input)),
    verifyTotp: (input) => check(userOf(input), (f) => f.challenge.verifyTotp(input)),
    beginPasskey: (input) => act(userOf(input), (f) => f.challenge.beginPasskey(input)),
    verifyPasskey: (input) =>
      rejectionAudited(
        { ...input, kind: "passkey" },
        check(userOf(input), (f) => f.challenge.verifyPasskey(input)),
      ),
    recognizeDevice: (input) => act(userOf(input), (f) => f.challenge.recognizeDevice(input)),
    verifyAppPassword: (input) => check(userOf(input), (f) => f.challenge.verifyAppPassword(input)),
    verifyTemporaryAccessPass: (input) =>
      check(userOf(input), (f) => passes(f).challenge.verifyTemporaryAccessPass(input)),
    verifyRecoveryCode: (input) =>
      check(userOf(input), (f) => f.challenge.verifyRecoveryCode(input)),
  });

  const imports = createImportApi({ shared, act: (userId, action) => act(userId, action) });
  const admin = Object.freeze<Mfa["admin"]>({
    listMethods: (userId) => act(userId, (f) => f.admin.listMethods(userId)),
    removeMethod: (userId, which, by) =>
      act(userId, (f) => f.admin.removeMethod(userId, which, by)),
    requireReregistration: (userId) => act(userId, (f) => f.admin.requireReregistration(userId)),
    revokeAppPasswords: (userId) => act(userId, (f) => f.admin.revokeAppPasswords(userId)),
    clearFailures: (userId) => act(userId, (f) => f.admin.clearFailures(userId)),
    clearReview: (userId) => act(userId, (f) => f.admin.clearReview(userId)),
    resealSecrets: (userId) => act(userId, (f) => f.admin.resealSecrets(userId)),
    // Reads every user's document a page at a time: no user action writes a report index.
    registrationReport: () =>
      createAdmin(flowsOf(shared, detachedUnit(store))).registrationReport(),
    issueTemporaryAccessPass: (input) =>
      act(userOf(input), (f) => passes(f).admin.issueTemporaryAccessPass(input)),
    revokeTemporaryAccessPass: (userId) =>
      act(userId, (f) => passes(f).admin.revokeTemporaryAccessPass(userId)),
    temporaryAccessPass: (userId) =>
      act(userId, (f) => passes(f).admin.temporaryAccessPass(userId)),
    // Migration from another system: each user's rows are one unit of work.
    import: imports.import,
    importedFactors: imports.importedFactors,
    confirmImported: imports.confirmImported,
    // Reads the day's figures, keys of no user.
    deliveryReport: (options) => deliveryReport(store, clock, options),
  });

  // A receipt names a message; the index says whose challenge it is, then that user's unit.
  const delivery = createDeliveryApi({
    store,
    clock,
    apply: (applied) => act(applied.userId, (f) => f.deliveries.applyToChallenge(applied)),
  });

  const perUser =
    <A extends unknown[], R>(
      method: (f: ActionFlows) => (userId: string, ...args: A) => Promise<R>,
    ) =>
    (userId: string, ...args: A) =>
      act(userId, (f) => method(f)(userId, ...args));
  const limiterOf = (f: ActionFlows) => f.limiter;
  const global = createLimiter({ store, clock }, shared.limits);
  const limiter = Object.freeze<Limiter>({
    limits: global.limits,
    allowSend: (subject) => act(userOf(subject), (f) => f.limiter.allowSend(subject)),
    refundSend: (subject) => act(userOf(subject), (f) => f.limiter.refundSend(subject)),
    allowCheck: perUser((f) => limiterOf(f).allowCheck),
    reserveCheck: perUser((f) => limiterOf(f).reserveCheck),
    settleCheck: perUser((f) => limiterOf(f).settleCheck),
    clearFailures: perUser((f) => limiterOf(f).clearFailures),
    clearAllFailures: perUser((f) => limiterOf(f).clearAllFailures),
    listFailures: perUser((f) => limiterOf(f).listFailures),
    recordConversion: global.recordConversion,
    planSend: global.planSend,
    judgeSend: global.judgeSend,
    conversionItem: global.conversionItem,
    // The plan's own counter is in its user's document: refund it there.
    refund: (plan) => {
      const userId = userOfPlan(plan);
      return userId === null ? global.refund(plan) : act(userId, (f) => f.limiter.refund(plan));
    },
    conversion: global.conversion,
  });

  const registrations = Object.freeze<RegistrationStore>({
    get: (userId) => act(userId, (f) => f.registrations.get(userId)),
    update: (userId, change) => act(userId, (f) => f.registrations.update(userId, change)),
    summaries: (cursor) => registrationStore(store, factors).summaries(cursor),
  });

  return Object.freeze({
    enrolment,
    securityInfo,
    challenge,
    admin,
    delivery,
    policy,
    required: (userId: string, options: { enabledAt?: number } = {}) =>
      act(userId, async (f) =>
        registrationRequirement(
          policy,
          await f.registrations.get(userId),
          clock.now(),
          options.enabledAt,
          factors,
          (await importedFactorsOf(f, userId))
            .filter((i) => i.verifyAtNextUse && i.confirmedAt === null)
            .map((i) => i.id),
        ),
      ),
    limiter,
    registrations,
    // The token says whose document to open; everything else is checked inside that unit.
    revertChange: async (input: RevertInput) => {
      const token = (input as { token?: unknown } | null | undefined)?.token;
      return act(parseRevertToken(token).userId, (f) => f.revertChange(token));
    },
  });
}
