/**
 * The flows of one user action, built over that action's unit of work: the building blocks
 * (codes, TOTP, app passwords, the limiter, registrations) and the flows (the wizard, the
 * sign-in challenge, admin, Security info) all see the unit's Store, so everything they change
 * lands in one commit of the user's document (see `unit-of-work.ts`).
 *
 * Audit events and notices are queued on the unit and run after its commit: a lost commit
 * emits nothing, and nothing is announced before it is durable.
 *
 * @module
 */

import { createAdmin } from "../admin/admin.js";
import { createAppPasswordService } from "../app-passwords/service.js";
import type { AppPasswordOptions } from "../app-passwords/types.js";
import { createChallenge } from "../challenge/challenge.js";
import { type CodeOptions, createCodeService } from "../codes/index.js";
import { rememberedDevices } from "../devices/remembered-devices.js";
import { createEnrolmentEngine, type EngineInternals } from "../enrolment/engine.js";
import type { Messenger } from "../enrolment/messenger.js";
import { MfaError } from "../errors.js";
import type { FactorRegistry } from "../factors/registry.js";
import type { FlowDeps } from "../flow-deps.js";
import { createGate } from "../flows/gate.js";
import { createLimiter, type Limits } from "../limits/limits.js";
import type { WebAuthnSettings } from "../passkeys/webauthn-config.js";
import type { Policy } from "../policy/policy.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import { type EventSink, emitEvent } from "../ports/events.js";
import type { GuardedStore } from "../ports/guarded-store.js";
import type { Keyring } from "../ports/keyring.js";
import type { SendRiskHook } from "../ports/risk.js";
import type { FailoverSettings } from "../receipts/delivery-failover.js";
import { deliveryLog } from "../receipts/delivery-log.js";
import { recoveryCodes } from "../recovery-codes/recovery-codes.js";
import { registrationStore } from "../registration/registration.js";
import {
  type ResolvedRevertOptions,
  type RevertOutcome,
  revertChange,
  revertRecorder,
} from "../revert/change-reverts.js";
import { createSecurityInfo, type SecurityInfoApi } from "../security-info/security-info.js";
import { createTotpService, type TotpOptions } from "../totp/service.js";
import { openUnit, type UnitOfWork } from "./unit-of-work.js";

/** What every action's flows share: built once by `createMfa`. */
export interface SharedDeps {
  /** The store as `createMfa` guarded it: its batch methods are always there. */
  readonly store: GuardedStore;
  readonly keyring: Keyring;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly events: EventSink;
  readonly policy: Policy;
  /** The factor modules: the built-in ones and `createMfa`'s `factors`. */
  readonly factors: FactorRegistry;
  readonly limits: Limits;
  readonly codes?: CodeOptions;
  readonly totp: TotpOptions;
  readonly appPasswords: AppPasswordOptions | null;
  readonly messenger: Messenger;
  readonly beforeSend: SendRiskHook;
  readonly tenant: { readonly name: string; readonly domains: readonly string[] };
  /** "This wasn't me" links on notices; `null` when the app configured none. */
  readonly revert: ResolvedRevertOptions | null;
  /** The passkey ceremonies' settings, when passkeys are configured. */
  readonly webauthn?: WebAuthnSettings | null;
  /** When codes fail over to the failover senders; `null` or absent when none are configured. */
  readonly failover?: FailoverSettings | null;
}

/** One action's flows. */
export interface ActionFlows extends FlowDeps {
  readonly engine: EngineInternals;
  readonly challenge: ReturnType<typeof createChallenge>;
  readonly admin: ReturnType<typeof createAdmin>;
  readonly securityInfo: SecurityInfoApi;
  /** Checks a "this wasn't me" token and undoes its change (the link is the proof). */
  readonly revertChange: (token: unknown) => Promise<RevertOutcome>;
}

/** How many times an action that lost its commit to another runs again before giving up. */
export const ACTION_RETRIES = 8;

/**
 * Builds the flows of one unit of work. The enrolment engine, the challenge, admin and Security
 * info are made on first use; spreading the result (`{ ...flowsOf(...) }`) makes them all.
 */
export function flowsOf(shared: SharedDeps, unit: UnitOfWork): ActionFlows {
  const { store } = unit;
  const { keyring, clock, random, policy } = shared;
  // Events wait for the commit: only what became durable is audited.
  const events: EventSink = {
    emit: (event) => unit.afterCommit(() => emitEvent(shared.events, event)),
  };
  const base = { store, keyring, clock, random, events };
  const codes = createCodeService(base, shared.codes);
  const totp = createTotpService(base, shared.totp);
  const appPasswords = shared.appPasswords
    ? createAppPasswordService(base, shared.appPasswords)
    : null;
  const limiter = createLimiter({ store, clock }, shared.limits);
  const registrations = registrationStore(store, shared.factors);
  const realGate = createGate({
    policy,
    clock,
    events: shared.events,
    messenger: shared.messenger,
  });
  const reverts = revertRecorder(
    { store, registrations, keyring, clock, random, factors: shared.factors },
    shared.revert,
  );
  // Notices wait for the commit too: a change is told about once it has happened. Its undo
  // record ("this wasn't me") is written now, into the same commit as the change.
  const gate = {
    authorise: realGate.authorise,
    changed: async (change: Parameters<typeof realGate.changed>[0]) => {
      const told = await reverts.record(change);
      unit.afterCommit(() => realGate.changed(told));
    },
  };
  const deps: FlowDeps = {
    unit,
    devices: rememberedDevices({ store, keyring, clock, random }),
    recoveryCodes: recoveryCodes({ store, keyring, clock, random }),
    gate,
    beforeSend: shared.beforeSend,
    codes,
    store,
    clock,
    events,
    policy,
    factors: shared.factors,
    limiter,
    registrations,
    totp,
    appPasswords,
    messenger: shared.messenger,
    // A challenge's delivery record lives as long as the challenge can (every send's lifetime).
    deliveries: deliveryLog({
      unit,
      store,
      clock,
      challengeTtlMs: 2 * codes.options.ttlSeconds * codes.options.maxSends * 1000,
    }),
    failover: shared.failover ?? null,
    webauthn: shared.webauthn ? { settings: shared.webauthn, random, keyring } : null,
  };
  // The flows are made when an action first reaches for them: an action uses one or two of
  // them, and making all of them (some hundred closures) was a tenth of a TOTP check's time.
  let engine: EngineInternals | undefined;
  let challenge: ActionFlows["challenge"] | undefined;
  let admin: ActionFlows["admin"] | undefined;
  let securityInfo: SecurityInfoApi | undefined;
  return {
    ...deps,
    get engine() {
      engine ??= createEnrolmentEngine({ ...deps, tenant: shared.tenant });
      return engine;
    },
    get challenge() {
      challenge ??= createChallenge(deps);
      return challenge;
    },
    get admin() {
      admin ??= createAdmin(deps);
      return admin;
    },
    get securityInfo() {
      securityInfo ??= createSecurityInfo({ ...deps, engine: this.engine });
      return securityInfo;
    },
    revertChange: (token) => revertChange({ ...deps, keyring }, token),
  };
}

/**
 * Runs `action` in a unit of work of `userId` and commits it. If another action committed
 * first, the action runs again on what it wrote, up to `retries` times; then `store_conflict`.
 */
export async function inUnit<T>(
  shared: SharedDeps,
  userId: string,
  action: (flows: ActionFlows) => Promise<T>,
  retries = ACTION_RETRIES,
): Promise<T> {
  const unit = await openUnit(shared.store, shared.clock, userId);
  for (let round = 0; round <= retries; round++) {
    const result = await action(flowsOf(shared, unit));
    if (await unit.commit()) return result;
  }
  throw new MfaError("store_conflict", { data: { record: "account" } });
}
