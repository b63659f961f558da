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
import {
  type AdminApi,
  createAdmin,
  type RegistrationRequirement,
  registrationRequirement,
} from "./admin/admin.js";
import { createAppPasswordService } from "./app-passwords/service.js";
import type { AppPasswordOptions } from "./app-passwords/types.js";
import { type ChallengeApi, createChallenge } from "./challenge/challenge.js";
import { type CodeOptions, createCodeService } from "./codes/index.js";
import { guardSenders } from "./delivery/guarded-sender.js";
import { createMessageRenderer, type TemplateOverrides } from "./delivery/templates.js";
import { createEnrolmentEngine, type EnrolmentEngine } from "./enrolment/engine.js";
import { createMessenger, type Senders } from "./enrolment/messenger.js";
import { MfaError } from "./errors.js";
import type { FlowDeps } from "./flow-deps.js";
import { createGate } from "./flows/gate.js";
import { createLimiter, type Limiter, type LimitsInput } from "./limits/limits.js";
import { type Policy, type PolicyInput, policySchema } from "./policy/policy.js";
import { type Clock, type RandomSource, systemClock, webCryptoRandom } from "./ports/clock.js";
import { type EventSink, noEvents } from "./ports/events.js";
import { guardStore } from "./ports/guarded-store.js";
import type { Keyring } from "./ports/keyring.js";
import { allowAllSends, type SendRiskHook } from "./ports/risk.js";
import type { Store } from "./ports/store.js";
import { type RegistrationStore, registrationStore } from "./registration/registration.js";
import { normaliseDomain } from "./rules/domain.js";
import { createSecurityInfo, type SecurityInfoApi } from "./security-info/security-info.js";
import { createTotpService, type TotpOptions } from "./totp/service.js";

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
}

/** The SDK. */
export interface Mfa {
  /** The enrolment wizard: start, get, submit. */
  readonly enrolment: EnrolmentEngine;
  /** The user's own Security info page: list, add, replace, remove, name, prefer; app passwords. */
  readonly securityInfo: SecurityInfoApi;
  /** Sign-in checks of registered factors and app passwords. */
  readonly challenge: ChallengeApi;
  /** Administration. */
  readonly admin: AdminApi;
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
});

/** Gaps between the features the policy enables and the senders given. */
function missingSenders(policy: Policy, senders: Senders): string[] {
  const gaps: string[] = [];
  const deliveries = policy.phone?.deliveries ?? [];
  const phones =
    policy.mfa.methods.some((m) => m !== "authenticator-app") ||
    policy.recovery.methods.includes("phone");
  if (phones && deliveries.includes("sms") && !senders.sms)
    gaps.push("SMS delivery is enabled → senders.sms is required");
  const voiceNeeded =
    phones &&
    (deliveries.includes("voice") ||
      policy.mfa.methods.some((m) => m === "office-phone" || m === "alternate-phone"));
  if (voiceNeeded && !senders.voice)
    gaps.push("voice delivery or an office/alternate phone is enabled → senders.voice is required");
  if (policy.recovery.methods.includes("email") && !senders.email)
    gaps.push("the recovery email is enabled → senders.email is required");
  return gaps;
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
  const policyResult = policySchema.safeParse(config?.policy ?? {});
  if (!policyResult.success) {
    for (const i of policyResult.error.issues)
      issues.push(`policy.${i.path.join(".")}: ${i.message}`);
  }
  const senders: Senders = config?.senders ?? {};
  if (policyResult.success) issues.push(...missingSenders(policyResult.data, senders));
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
  const base = { store, keyring, clock, random, events };

  const codes = createCodeService(base, config.codes);
  const totp = createTotpService(base, { ...config.totp, issuer: config.tenant.name });
  const appPasswords = policy.appPasswords.enabled
    ? createAppPasswordService(base, { ...config.appPasswords, cap: policy.appPasswords.cap })
    : null;
  const limiter = createLimiter({ store, clock }, config.limits);
  const registrations = registrationStore(store);
  const renderer = createMessageRenderer(config.messages ?? {});
  // Each sender is wrapped once: a failure that is not typed, or no answer within the deadline,
  // is delivery_unavailable (REL-04/05), so every flow sees only outcomes it can show.
  const messenger = createMessenger({
    senders: guardSenders(senders),
    renderer,
    appName: config.tenant.name,
  });
  const tenant = Object.freeze({ name: config.tenant.name, domains });
  const beforeSend = config.beforeSend ?? allowAllSends;
  const gate = createGate({ policy, clock, events, messenger });
  const shared: FlowDeps = {
    gate,
    beforeSend,
    codes,
    store,
    clock,
    events,
    policy,
    limiter,
    registrations,
    totp,
    appPasswords,
    messenger,
  };

  const engine = createEnrolmentEngine({ ...shared, tenant });
  const { start, get, submit } = engine;
  return Object.freeze({
    enrolment: Object.freeze({ start, get, submit }),
    securityInfo: createSecurityInfo({ ...shared, engine }),
    challenge: createChallenge(shared),
    admin: createAdmin(shared),
    policy,
    async required(userId: string, options: { enabledAt?: number } = {}) {
      return registrationRequirement(
        policy,
        await registrations.get(userId),
        clock.now(),
        options.enabledAt,
      );
    },
    limiter,
    registrations,
  });
}
