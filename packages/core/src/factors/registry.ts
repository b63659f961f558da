/**
 * The factor registry: one module per kind of factor, and the only place that knows how each
 * kind is held in a user's {@link Registration}. The wizard, the sign-in challenge, Security info,
 * admin, the registration report and `required()` all read an instance's {@link FactorRegistry};
 * nothing else switches on method names, so a rule about factors (what counts for recovery, what
 * a removal also removes, what a notice calls it) is written once.
 *
 * A kind is declared twice, on purpose: as a type in {@link FactorKinds} (so `MfaMethod`,
 * `PhoneMethod`, bindings and views are derived, and a policy naming an unknown kind does not
 * compile) and as a {@link FactorModule} value. A module from outside core is given to
 * `createMfa({ factors: [module] })` and its kind added to {@link FactorKinds} by declaration
 * merging; no core file changes (see `docs/architecture.md`, "Adding a factor").
 *
 * @module
 */

import type { NoticeFactor } from "../delivery/templates.js";
import type { FlowDeps } from "../flow-deps.js";
import type { CheckFailure } from "../flows/check.js";
import {
  type PasskeyBinding,
  type PasskeySetupView,
  type PasskeySignIn,
  passkeyFactor,
} from "../passkeys/passkey-factor.js";
import type { Delivery, Policy, RecoveryMethod } from "../policy/policy.js";
import type { JsonValue } from "../ports/store.js";
import type { RegisteredPhone, Registration } from "../registration/registration.js";
import { maskEmail } from "../rules/email.js";
import { maskPhone } from "../rules/phone.js";

/**
 * Every kind of factor, as types: its role, how the wizard sets it up and, for a ceremony kind,
 * its binding, setup view and sign-in. The types the SDK's API uses (`MfaMethod`, `PhoneMethod`,
 * {@link Binding}, {@link CeremonySetupView}) are derived from it. A factor module from outside
 * core adds its entry by declaration merging.
 *
 * @example
 * ```ts
 * declare module "@mfakit/core" {
 *   interface FactorKinds {
 *     "hardware-token": {
 *       role: "mfa";
 *       setup: "ceremony";
 *       binding: { kind: "hardware-token"; serial: string };
 *       setupView: { kind: "hardware-token"; prompt: string };
 *       signIn: { challengeId: string; expiresInSeconds: number };
 *     };
 *   }
 * }
 * ```
 */
export interface FactorKinds {
  "authentication-phone": { role: "mfa"; setup: "code" };
  "office-phone": { role: "mfa"; setup: "code" };
  "alternate-phone": { role: "mfa"; setup: "code" };
  "authenticator-app": { role: "mfa"; setup: "totp" };
  passkey: {
    role: "mfa";
    setup: "ceremony";
    binding: PasskeyBinding;
    setupView: PasskeySetupView;
    signIn: PasskeySignIn;
  };
  "recovery-email": { role: "recovery" };
  "recovery-phone": { role: "recovery" };
}

/** Every kind of factor a user can hold (app passwords are listed apart: they are not factors). */
export type FactorKind = keyof FactorKinds & string;

/** The factor kinds whose {@link FactorKinds} entry matches `T` (a type-level filter). */
export type KindsWhere<T> = { [K in FactorKind]: FactorKinds[K] extends T ? K : never }[FactorKind];
/** One field of every ceremony kind's {@link FactorKinds} entry, as a union over the kinds. */
export type CeremonyField<F extends "binding" | "setupView" | "signIn"> = {
  [K in CeremonyKind]: FactorKinds[K] extends { [P in F]: infer V } ? V : never;
}[CeremonyKind];

/** The kinds that sign a user in (`role: "mfa"`): the policy's `mfa.methods`. */
export type MfaKind = KindsWhere<{ role: "mfa" }>;
/** The kinds set up by a code sent to a phone. */
export type PhoneKind = KindsWhere<{ setup: "code" }>;
/** The kinds set up and checked by a ceremony (a browser round trip, or a module's own check). */
export type CeremonyKind = KindsWhere<{ setup: "ceremony" }>;

/** One factor a user holds: metadata only, never a secret or a full number. */
export interface RegisteredFactor {
  /** Stable id: the method for phones and recovery data, the factor id for authenticator apps. */
  readonly id: string;
  readonly kind: FactorKind;
  /** Signs the user in (`mfa`) or resets a password (`recovery`). */
  readonly role: "mfa" | "recovery";
  /** What a UI shows: a masked phone or address, or the app's name. */
  readonly display: string;
  /** The name the user gave it, if any. */
  readonly name: string | null;
  /** When it was bound (BIND-03), if known. */
  readonly verifiedAt: number | null;
  /** Whether the user chose it as the method to be asked first at sign-in. */
  readonly preferred: boolean;
}

/** A confirmed binding of a factor: what the wizard proved the user holds (BIND-03). */
export type Binding =
  | {
      readonly kind: PhoneKind | "recovery-phone";
      readonly phone: Omit<RegisteredPhone, "verifiedAt">;
    }
  | { readonly kind: "recovery-email"; readonly address: string }
  | { readonly kind: "authenticator-app"; readonly factorId: string }
  | CeremonyField<"binding">;

/** What a factor-setup step shows, by the kind being set up (one member per ceremony kind). */
export type CeremonySetupView = CeremonyField<"setupView">;

/** A started sign-in ceremony, by kind (one member per ceremony kind). */
export type CeremonySignIn = CeremonyField<"signIn">;

/**
 * The hook of a factor set up and checked by a ceremony (a browser round trip rather than a
 * code): the wizard's `factor-setup` step and the sign-in challenge call it and know nothing of
 * the kind. Each call runs in the action's unit of work (`deps.store` is the user's document);
 * bad answers throw typed errors, so the unit is not committed and nothing changes.
 */
export interface FactorCeremony {
  /** Starts a setup: the state the wizard keeps on its pending step (JSON, no secret). */
  beginSetup(
    deps: FlowDeps,
    input: {
      readonly userId: string;
      readonly reg: Registration;
      readonly accountName: string;
      readonly name?: string | undefined;
    },
  ): Promise<JsonValue>;
  /** What the step shows for `state` (the same on every render: a reload works). */
  setupView(
    deps: FlowDeps,
    input: { readonly userId: string; readonly reg: Registration; readonly state: JsonValue },
  ): Promise<CeremonySetupView>;
  /**
   * Checks the user's answer against `state`: the binding to confirm, or an expected failure (the
   * step's notice). An answer that is not one is a typed error.
   */
  confirmSetup(
    deps: FlowDeps,
    input: {
      readonly userId: string;
      readonly reg: Registration;
      readonly state: JsonValue;
      readonly answer: unknown;
    },
  ): Promise<{ readonly ok: true; readonly binding: Binding } | CheckFailure>;
  /** Starts a sign-in: its challenge is written in the unit, with its TTL. */
  beginSignIn(
    deps: FlowDeps,
    input: { readonly userId: string; readonly reg: Registration },
  ): Promise<CeremonySignIn>;
  /**
   * Verifies a sign-in answer, consuming its challenge in the unit: the factor used, an expected
   * failure (a wrong code: a value, audited as `factor.rejected`), or a typed error for an answer
   * that is not one (then the unit is not committed and nothing changes).
   */
  verifySignIn(
    deps: FlowDeps,
    input: {
      readonly userId: string;
      readonly reg: Registration;
      readonly challengeId: unknown;
      readonly response: unknown;
    },
  ): Promise<{ readonly factorId: string } | CheckFailure>;
}

/** What every factor module implements. */
export interface FactorModule {
  readonly kind: FactorKind;
  readonly role: "mfa" | "recovery";
  /** How a notice names this kind (BIND-02): a built-in name, or the kind with {@link noticeName}. */
  readonly notice: NoticeFactor;
  /**
   * For a kind core's message strings do not name (a new module, in core or outside it): its name
   * in notices, per locale (`en` required; a locale without one falls back to it). So a new kind
   * needs no message-string edit.
   */
  readonly noticeName?: { readonly en: string } & Readonly<Record<string, string>>;
  /**
   * The audit events of a ceremony sign-in: `factor` (the default) emits `factor.verified` and
   * `factor.rejected` with the kind as `method`; `passkey` keeps passkeys' own names.
   */
  readonly signInEvents?: "factor" | "passkey";
  /**
   * What wrong sign-in answers cost (RATE-01, RATE-02, RATE-08), through the same check pipeline
   * as codes: `disable` (the default: a growing delay, then the kind is disabled until an admin
   * clears it), `throttle` (a delay, never disabled), or `none` — only for a kind whose answer a
   * stranger cannot guess at all (a passkey's signature needs its private key), where a cap would
   * only let a stranger lock the owner out.
   */
  readonly signInCap?: "disable" | "throttle" | "none";
  /** The user's factors of this kind. */
  list(reg: Registration): RegisteredFactor[];
  /** The registration without factor `id` of this kind, and whether it was there (pure). */
  remove(
    reg: Registration,
    id: string,
  ): { readonly registration: Registration; readonly removed: boolean };
  /** The limiter's key of factor `id`, for kinds that are checked at sign-in. */
  failureKey?(reg: Registration, id: string): string | null;
  /** The registration once a binding of this kind is confirmed at `now` (pure). */
  bind(reg: Registration, binding: Binding, now: number): Registration;
  /**
   * How the wizard proves the user holds it: a one-time `code` sent to a destination, or an
   * authenticator app's first `totp` code, or a `ceremony` (its {@link FactorCeremony}). Absent for
   * kinds added through another step.
   */
  readonly setup?: "code" | "totp" | "ceremony";
  /** For `setup: "ceremony"`: the setup and sign-in ceremonies. */
  readonly ceremony?: FactorCeremony;
  /** Resists phishing (bound to the site's origin): what `policy.mfa.phishingResistant` keeps. */
  readonly phishingResistant?: true;
  /** For phones: the deliveries, of those offered, a code may take to it. */
  deliveries?(offered: readonly Delivery[]): Delivery[];
  /** For phones: how its number is checked for a delivery (an office phone takes extensions). */
  phoneUse?(delivery: Delivery): "sms" | "voice" | "office";
  /**
   * The binding that would put factor `id` of `reg` back after a removal (a "this wasn't me"
   * revert), or `null`. Absent where the secret went with the factor (an authenticator app's
   * sealed seed is deleted on removal): such a factor cannot be restored, only added again.
   */
  restore?(reg: Registration, id: string): Binding | null;
  /** Where the factor's secret lives outside the registration, to delete with it. */
  forgetSecret?(
    deps: { totp: { remove(input: { userId: string; factorId: string }): Promise<boolean> } },
    userId: string,
    id: string,
  ): Promise<unknown>;
}

const base = (reg: Registration, id: string) => ({
  id,
  name: reg.names?.[id] ?? null,
  preferred: reg.preferred === id,
});

/** A registered phone as a binding carries it (the binding's time is set when it is bound). */
const withoutVerifiedAt = ({ verifiedAt: _, ...phone }: RegisteredPhone) => phone;

/** The registration without a name or preference left pointing at `id`. */
function forget(reg: Registration, id: string): Registration {
  const names = { ...(reg.names ?? {}) };
  delete names[id];
  return { ...reg, names, preferred: reg.preferred === id ? null : (reg.preferred ?? null) };
}

function phoneModule(
  kind: PhoneKind,
  notice: NoticeFactor,
  reach: { readonly textable: boolean; readonly office: boolean },
): FactorModule {
  return {
    kind,
    role: "mfa",
    notice,
    setup: "code",
    // Only the authentication phone takes texts; an office or alternate phone is called.
    deliveries: (offered) => offered.filter((d) => reach.textable || d === "voice"),
    phoneUse: (delivery) => (reach.office ? "office" : delivery),
    list(reg) {
      const phone = reg.phones[kind];
      if (!phone) return [];
      return [
        {
          ...base(reg, kind),
          kind,
          role: "mfa",
          display: maskPhone(phone.e164),
          verifiedAt: phone.verifiedAt,
        },
      ];
    },
    remove(reg, id) {
      if (id !== kind || !reg.phones[kind]) return { registration: reg, removed: false };
      const phones = { ...reg.phones };
      delete phones[kind];
      // The recovery phone is the authentication phone confirmed for password reset: it goes too.
      const recoveryPhoneVerifiedAt =
        kind === "authentication-phone" ? null : reg.recoveryPhoneVerifiedAt;
      return {
        registration: forget({ ...reg, phones, recoveryPhoneVerifiedAt }, id),
        removed: true,
      };
    },
    failureKey(reg, id) {
      const phone = id === kind ? reg.phones[kind] : undefined;
      return phone ? `phone:${phone.e164}` : null;
    },
    restore(reg, id) {
      const phone = id === kind ? reg.phones[kind] : undefined;
      return phone ? { kind, phone: withoutVerifiedAt(phone) } : null;
    },
    bind(reg, binding, now) {
      if (binding.kind !== kind) return reg;
      // A new number is a new authenticator (BIND-04): it replaces the method's old one.
      return { ...reg, phones: { ...reg.phones, [kind]: { ...binding.phone, verifiedAt: now } } };
    },
  };
}

const authenticatorApp: FactorModule = {
  kind: "authenticator-app",
  role: "mfa",
  notice: "authenticator-app",
  setup: "totp",
  forgetSecret: (deps, userId, id) => deps.totp.remove({ userId, factorId: id }),
  list(reg) {
    return reg.authenticators.map((factorId, i) => ({
      ...base(reg, factorId),
      kind: "authenticator-app" as const,
      role: "mfa" as const,
      display:
        reg.names?.[factorId] ??
        `Authenticator app${reg.authenticators.length > 1 ? ` ${i + 1}` : ""}`,
      verifiedAt: reg.authenticatorsAt?.[factorId] ?? null,
    }));
  },
  remove(reg, id) {
    if (!reg.authenticators.includes(id)) return { registration: reg, removed: false };
    const authenticatorsAt = { ...(reg.authenticatorsAt ?? {}) };
    delete authenticatorsAt[id];
    return {
      registration: forget(
        { ...reg, authenticators: reg.authenticators.filter((f) => f !== id), authenticatorsAt },
        id,
      ),
      removed: true,
    };
  },
  failureKey(reg, id) {
    return reg.authenticators.includes(id) ? `totp:${id}` : null;
  },
  bind(reg, binding, now) {
    if (binding.kind !== "authenticator-app") return reg;
    const { factorId } = binding;
    return {
      ...reg,
      authenticators: reg.authenticators.includes(factorId)
        ? reg.authenticators
        : [...reg.authenticators, factorId],
      authenticatorsAt: { ...(reg.authenticatorsAt ?? {}), [factorId]: now },
    };
  },
};

const recoveryEmail: FactorModule = {
  kind: "recovery-email",
  role: "recovery",
  notice: "recovery-email",
  list(reg) {
    const email = reg.recoveryEmail;
    if (!email) return [];
    return [
      {
        ...base(reg, "recovery-email"),
        kind: "recovery-email",
        role: "recovery",
        display: maskEmail(email.address),
        verifiedAt: email.verifiedAt,
      },
    ];
  },
  remove(reg, id) {
    if (id !== "recovery-email" || !reg.recoveryEmail) return { registration: reg, removed: false };
    return { registration: forget({ ...reg, recoveryEmail: null }, id), removed: true };
  },
  restore(reg, id) {
    return id === "recovery-email" && reg.recoveryEmail
      ? { kind: "recovery-email", address: reg.recoveryEmail.address }
      : null;
  },
  bind(reg, binding, now) {
    if (binding.kind !== "recovery-email") return reg;
    return { ...reg, recoveryEmail: { address: binding.address, verifiedAt: now } };
  },
};

const recoveryPhone: FactorModule = {
  kind: "recovery-phone",
  role: "recovery",
  notice: "recovery-phone",
  list(reg) {
    const phone = reg.phones["authentication-phone"];
    // Confirmed for password reset AND still the authentication phone: one rule for everyone.
    if (!phone || reg.recoveryPhoneVerifiedAt === null) return [];
    return [
      {
        ...base(reg, "recovery-phone"),
        kind: "recovery-phone",
        role: "recovery",
        display: maskPhone(phone.e164),
        verifiedAt: reg.recoveryPhoneVerifiedAt,
      },
    ];
  },
  remove(reg, id) {
    if (id !== "recovery-phone" || reg.recoveryPhoneVerifiedAt === null)
      return { registration: reg, removed: false };
    return { registration: forget({ ...reg, recoveryPhoneVerifiedAt: null }, id), removed: true };
  },
  restore(reg, id) {
    const phone = reg.phones["authentication-phone"];
    return id === "recovery-phone" && phone && reg.recoveryPhoneVerifiedAt !== null
      ? { kind: "recovery-phone", phone: withoutVerifiedAt(phone) }
      : null;
  },
  bind(reg, binding, now) {
    if (binding.kind !== "recovery-phone") return reg;
    // The recovery phone is the authentication phone confirmed for reset: a user without one
    // gets it as their authentication phone too (and is told so, as for any added factor).
    const phones = reg.phones["authentication-phone"]
      ? reg.phones
      : { ...reg.phones, "authentication-phone": { ...binding.phone, verifiedAt: now } };
    return { ...reg, phones, recoveryPhoneVerifiedAt: now };
  },
};

/** The modules core ships, in the order a UI lists them. */
const BUILT_IN: readonly FactorModule[] = [
  phoneModule("authentication-phone", "phone", { textable: true, office: false }),
  phoneModule("office-phone", "office-phone", { textable: false, office: true }),
  phoneModule("alternate-phone", "phone", { textable: false, office: false }),
  authenticatorApp,
  recoveryEmail,
  recoveryPhone,
  passkeyFactor,
];

/** A factor and the module that lists it. */
export interface FactorEntry {
  readonly module: FactorModule;
  readonly factor: RegisteredFactor;
}

/**
 * One instance's factor modules and every rule read off them. `createMfa` builds one from the
 * built-in modules and its `factors` option; the flows reach it as `deps.factors`.
 */
export interface FactorRegistry {
  /** Every module, built-in first, in the order a UI lists them. */
  readonly modules: readonly FactorModule[];
  /** Whether `kind` has a module here. */
  has(kind: string): kind is FactorKind;
  /** The module of a kind; a TypeError for a kind without one (a bug, not input). */
  module(kind: FactorKind): FactorModule;
  /** The ceremony of a kind set up by one (`setup: "ceremony"`); a TypeError for any other kind. */
  ceremonyOf(kind: FactorKind): FactorCeremony;
  /** Binds a confirmed factor through its module: the registration after it (pure). */
  bind(reg: Registration, binding: Binding, now: number): Registration;
  /** What changed between two registrations, factor by factor: what a notice tells (BIND-02). */
  changes(
    before: Registration,
    after: Registration,
  ): { added: FactorEntry[]; removed: FactorEntry[] };
  /** Every factor a user holds, in registry order. */
  factorsOf(reg: Registration): RegisteredFactor[];
  /** The MFA kinds a registration holds (any policy). */
  mfaMethodsHeld(reg: Registration): MfaKind[];
  /** The recovery methods a registration satisfies (any policy). */
  recoveryMethodsHeld(reg: Registration): RecoveryMethod[];
  /** The MFA kinds a registration holds that the policy offers. */
  mfaSatisfied(policy: Policy, reg: Registration): MfaKind[];
  /** The recovery methods a registration holds that the policy offers: one rule for everyone. */
  recoverySatisfied(policy: Policy, reg: Registration): RecoveryMethod[];
  /** The names of the kinds that sign in (`role: "mfa"`), in registry order. */
  readonly mfaKinds: readonly MfaKind[];
  /** Notice names of the kinds core's strings do not name, by kind (see `noticeName`). */
  readonly noticeNames: Readonly<Record<string, FactorModule["noticeName"] & object>>;
}

/** The recovery method a factor kind satisfies. */
const recoveryOf: Partial<Record<FactorKind, RecoveryMethod>> = {
  "recovery-email": "email",
  "recovery-phone": "phone",
  "authenticator-app": "authenticator-app",
};

/** A kind's name: what a policy, a view and a key may carry. */
const KIND_NAME = /^[a-z][a-z0-9-]{1,39}$/;

/**
 * What is wrong with modules given to `createMfa` (empty when nothing): every problem at once,
 * checked at construction (STYLE 7).
 */
export function factorModuleIssues(extra: readonly unknown[]): string[] {
  const issues: string[] = [];
  const seen = new Set(BUILT_IN.map((m) => m.kind as string));
  for (const [i, raw] of extra.entries()) {
    const m = raw as Partial<FactorModule> | null;
    const at = `factors[${i}]`;
    if (typeof m !== "object" || m === null) {
      issues.push(`${at}: a factor module object`);
      continue;
    }
    const kind = String(m.kind);
    if (!KIND_NAME.test(kind)) issues.push(`${at}.kind: lowercase letters, digits and dashes`);
    else if (seen.has(kind)) issues.push(`${at}.kind: "${kind}" is already registered`);
    seen.add(kind);
    // Recovery methods are the policy's fixed list (email, phone, app): a module signs in.
    if (m.role !== "mfa") issues.push(`${at}.role: "mfa"`);
    for (const fn of ["list", "remove", "bind"] as const)
      if (typeof m[fn] !== "function") issues.push(`${at}.${fn}: a function`);
    // A module from outside core is set up by its own ceremony: code and TOTP setups are core's.
    if (m.setup !== "ceremony" || typeof m.ceremony !== "object")
      issues.push(`${at}.setup: an MFA module from outside core is "ceremony", with its ceremony`);
    if (m.notice !== kind || typeof m.noticeName?.en !== "string")
      issues.push(`${at}.notice: its own kind, with noticeName.en`);
  }
  return issues;
}

/**
 * The registry of the built-in modules and `extra` (modules from outside core, checked with
 * {@link factorModuleIssues} first).
 */
export function createFactorRegistry(extra: readonly FactorModule[] = []): FactorRegistry {
  const modules: readonly FactorModule[] = Object.freeze([...BUILT_IN, ...extra]);
  const byKind = new Map<string, FactorModule>(modules.map((m) => [m.kind, m]));
  const module = (kind: FactorKind) => {
    const found = byKind.get(kind);
    if (!found) throw new TypeError(`unknown factor kind ${kind}`);
    return found;
  };
  const mfaMethodsHeld = (reg: Registration) =>
    modules.filter((f) => f.role === "mfa" && f.list(reg).length > 0).map((f) => f.kind as MfaKind);
  const recoveryMethodsHeld = (reg: Registration) => {
    const held = new Set<RecoveryMethod>();
    for (const f of modules) {
      const method = recoveryOf[f.kind];
      if (method && f.list(reg).length > 0) held.add(method);
    }
    return [...held];
  };
  const noticeNames: Record<string, FactorModule["noticeName"] & object> = {};
  for (const m of modules) if (m.noticeName) noticeNames[m.kind] = m.noticeName;
  return Object.freeze({
    modules,
    has: (kind: string): kind is FactorKind => byKind.has(kind),
    module,
    ceremonyOf(kind) {
      const ceremony = module(kind).ceremony;
      if (!ceremony) throw new TypeError(`${kind} has no ceremony`);
      return ceremony;
    },
    bind: (reg, binding, now) => module(binding.kind).bind(reg, binding, now),
    changes(before, after) {
      const added: FactorEntry[] = [];
      const removed: FactorEntry[] = [];
      for (const module of modules) {
        const was = module.list(before);
        const is = module.list(after);
        const key = (f: RegisteredFactor) => `${f.id}\u0000${f.verifiedAt}`;
        const wasKeys = new Set(was.map(key));
        const isKeys = new Set(is.map(key));
        for (const factor of is) if (!wasKeys.has(key(factor))) added.push({ module, factor });
        for (const factor of was)
          if (!isKeys.has(key(factor)) && !is.some((f) => f.id === factor.id))
            removed.push({ module, factor });
      }
      return { added, removed };
    },
    factorsOf: (reg) => modules.flatMap((f) => f.list(reg)),
    mfaMethodsHeld,
    recoveryMethodsHeld,
    mfaSatisfied(policy, reg) {
      const held = mfaMethodsHeld(reg);
      return policy.mfa.methods.filter((m) => held.includes(m));
    },
    recoverySatisfied(policy, reg) {
      const held = recoveryMethodsHeld(reg);
      return policy.recovery.methods.filter((m) => held.includes(m));
    },
    mfaKinds: Object.freeze(modules.filter((m) => m.role === "mfa").map((m) => m.kind as MfaKind)),
    noticeNames: Object.freeze(noticeNames),
  } satisfies FactorRegistry);
}

/** The registry of core's own modules: what the building blocks use outside `createMfa`. */
export const builtInFactors: FactorRegistry = createFactorRegistry();

/** Every built-in factor module, in the order a UI lists them. */
export const FACTORS: readonly FactorModule[] = builtInFactors.modules;

/** The module of a built-in kind. */
export const factorModule = (kind: FactorKind): FactorModule => builtInFactors.module(kind);

/** The ceremony of a built-in kind set up by one; a TypeError for any other kind. */
export const ceremonyOf = (kind: FactorKind): FactorCeremony => builtInFactors.ceremonyOf(kind);

/** Binds a confirmed built-in factor through its module (pure). */
export const bindFactor = (reg: Registration, binding: Binding, now: number): Registration =>
  builtInFactors.bind(reg, binding, now);

/** What changed between two registrations, over the built-in modules (BIND-02). */
export const factorChanges = (
  before: Registration,
  after: Registration,
): { added: FactorEntry[]; removed: FactorEntry[] } => builtInFactors.changes(before, after);

/** Every built-in factor a user holds, in registry order. */
export const factorsOf = (reg: Registration): RegisteredFactor[] => builtInFactors.factorsOf(reg);

/** The built-in MFA kinds a registration holds (any policy). */
export const mfaMethodsHeld = (reg: Registration): MfaKind[] => builtInFactors.mfaMethodsHeld(reg);

/** The recovery methods a registration satisfies (any policy). */
export const recoveryMethodsHeld = (reg: Registration): RecoveryMethod[] =>
  builtInFactors.recoveryMethodsHeld(reg);

/** The built-in MFA kinds a registration holds that the policy offers. */
export const mfaSatisfied = (policy: Policy, reg: Registration): MfaKind[] =>
  builtInFactors.mfaSatisfied(policy, reg);

/** The recovery methods a registration holds that the policy offers: one rule for everyone. */
export const recoverySatisfied = (policy: Policy, reg: Registration): RecoveryMethod[] =>
  builtInFactors.recoverySatisfied(policy, reg);
