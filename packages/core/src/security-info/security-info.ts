/**
 * Security info: the user's own page of sign-in and recovery methods, as an SDK API (Entra's
 * "Security info", Okta's "Security methods").
 *
 * Everything here acts for the signed-in user of the app's session and goes through the gate:
 * step-up before any change (BIND-01), a notice to the channels registered before it and an
 * audit event after (BIND-02). Adding or replacing a method is an enrolment scoped to that one
 * method, run by the same engine as the wizard, so its codes, limits and checks are the wizard's.
 * An app password never authorises any of it (APP-04): the session is the app's, from a full
 * sign-in.
 *
 * @module
 */

import {
  type RegistrationRequirement,
  registrationRequirement,
  removeFactor,
} from "../admin/admin.js";
import type { AppPasswordInfo, CreatedAppPassword } from "../app-passwords/types.js";
import type { RememberedDevice } from "../devices/remembered-devices.js";
import type { EngineInternals, StartOptions } from "../enrolment/engine.js";
import type { EnrolmentView } from "../enrolment/views.js";
import { MfaError } from "../errors.js";
import type { FactorKind, RegisteredFactor } from "../factors/registry.js";
import type { FlowDeps } from "../flow-deps.js";
import type { Session } from "../flows/gate.js";
import type { MfaMethod } from "../policy/policy.js";
import { emitEvent } from "../ports/events.js";
import {
  createRecoveryCodesInfo,
  type RecoveryCodesApi,
} from "../recovery-codes/recovery-code-flows.js";

/** What Security info shows. */
export interface SecurityInfo {
  /** Every factor the user holds (metadata only: masked numbers, names, dates). */
  readonly factors: readonly RegisteredFactor[];
  /** App passwords (name, created, last used; never the password). */
  readonly appPasswords: readonly AppPasswordInfo[];
  /** The kinds of method the policy lets the user add. */
  readonly canAdd: readonly FactorKind[];
  /** Whether app passwords may be created. */
  readonly canCreateAppPasswords: boolean;
  /** Whether the user still has to register something (as `mfa.required()` says). */
  readonly requirement: RegistrationRequirement;
}

/** Options of {@link SecurityInfoApi.add}. */
export interface AddMethodOptions {
  /** BCP 47 language of the views and messages. @default the user's, else "en" */
  readonly locale?: string;
  /** The label an authenticator app shows (e.g. the user's email). @default userId */
  readonly accountName?: string;
}

/** The Security info API. */
export interface SecurityInfoApi {
  /** What the user holds and may add. */
  list(session: Session): Promise<SecurityInfo>;
  /**
   * Starts adding a method: an enrolment scoped to `kind`; answer its views with
   * `mfa.enrolment.submit` as in the wizard. Several authenticator apps may be added.
   */
  add(session: Session, kind: FactorKind, options?: AddMethodOptions): Promise<EnrolmentView>;
  /**
   * Starts replacing factor `id` with a new one of its kind: the old one is removed only once
   * the new one is confirmed, so a user is never left without it half-way.
   */
  replace(session: Session, id: string, options?: AddMethodOptions): Promise<EnrolmentView>;
  /**
   * Removes factor `id`. Refused with `invalid_input` (`reason: "last_method"`) when it would
   * leave fewer sign-in methods than the policy requires: add another first.
   */
  remove(session: Session, id: string): Promise<boolean>;
  /** Chooses the sign-in method asked for first (`null` for none). */
  setPreferred(session: Session, id: string | null): Promise<void>;
  /** Names a factor ("Work phone", "Pixel 9"); 1 to 64 characters, no control characters. */
  rename(session: Session, id: string, name: string): Promise<void>;
  /** Devices the user asked not to be asked again on ("remember this device"). */
  readonly devices: {
    list(session: Session): Promise<RememberedDevice[]>;
    /** Forgets one device: its next sign-in asks for a second factor again. */
    revoke(session: Session, id: string): Promise<boolean>;
    /** Forgets every device; how many there were. */
    revokeAll(session: Session): Promise<number>;
  };
  /** Recovery codes: how many are left, and a new set (shown once). */
  readonly recoveryCodes: RecoveryCodesApi;
  /** App passwords for legacy mail clients (APP-01 … APP-06). */
  readonly appPasswords: {
    /** Mints one; the password is in the answer, once, and never again. */
    create(session: Session, name: string): Promise<CreatedAppPassword>;
    list(session: Session): Promise<AppPasswordInfo[]>;
    /** Revokes one at once (BIND-08); `true` if it existed. */
    revoke(session: Session, id: string): Promise<boolean>;
  };
}

const MAX_NAME = 64;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Builds Security info over the engine and the flows' shared parts. */
export function createSecurityInfo(
  deps: FlowDeps & { readonly engine: EngineInternals },
): SecurityInfoApi {
  const { registrations, policy, gate, engine } = deps;

  /** The user's factor `id`, or `factor_not_found`. */
  const held = async (userId: string, id: unknown): Promise<RegisteredFactor> => {
    if (typeof id !== "string" || id.length === 0 || id.length > 128) {
      throw new MfaError("invalid_input", { data: { field: "id" } });
    }
    const found = deps.factors.factorsOf(await registrations.get(userId)).find((f) => f.id === id);
    if (!found) throw new MfaError("factor_not_found", { data: { field: "id" } });
    return found;
  };

  const canAdd = (): FactorKind[] => [
    ...policy.mfa.methods,
    ...(policy.recovery.methods.includes("email") ? (["recovery-email"] as const) : []),
    ...(policy.recovery.methods.includes("phone") ? (["recovery-phone"] as const) : []),
  ];

  const scoped = async (
    session: Session,
    kind: FactorKind,
    replaces: string | null,
    options: AddMethodOptions,
  ) => {
    // Adding is what a Temporary Access Pass session may do; replace() is refused before this.
    gate.authorise(session, undefined, "register");
    if (!canAdd().includes(kind)) {
      throw new MfaError("invalid_input", {
        message: "That method is not offered.",
        data: { field: "kind" },
      });
    }
    const reg = await registrations.get(session.userId);
    const start: StartOptions = {
      ...session,
      locale: options.locale ?? reg.locale ?? "en",
      ...(options.accountName !== undefined ? { accountName: options.accountName } : {}),
    };
    return engine.startScoped(start, { kind: kind as MfaMethod, replaces });
  };

  const appPasswordsOf = () => {
    if (!deps.appPasswords) {
      throw new MfaError("invalid_input", {
        message: "App passwords are turned off.",
        data: { field: "appPasswords" },
      });
    }
    return deps.appPasswords;
  };

  const deviceRevoked = (userId: string, deviceId: string) =>
    emitEvent(deps.events, {
      type: "device.revoked",
      at: new Date(deps.clock.now()).toISOString(),
      userId,
      deviceId,
      by: "user",
    });

  return {
    async list(session) {
      const reg = await registrations.get(session.userId);
      return {
        factors: deps.factors.factorsOf(reg),
        appPasswords: deps.appPasswords
          ? await deps.appPasswords.list({ userId: session.userId })
          : [],
        canAdd: canAdd(),
        canCreateAppPasswords: deps.appPasswords !== null,
        requirement: registrationRequirement(
          policy,
          reg,
          deps.clock.now(),
          undefined,
          deps.factors,
        ),
      };
    },

    add(session, kind, options = {}) {
      return scoped(session, kind, null, options);
    },

    async replace(session, id, options = {}) {
      gate.authorise(session);
      const factor = await held(session.userId, id);
      return scoped(session, factor.kind, factor.id, options);
    },

    async remove(session, id) {
      gate.authorise(session);
      const factor = await held(session.userId, id);
      return removeFactor(deps, {
        userId: session.userId,
        kind: factor.kind,
        id: factor.id,
        by: "user",
        keepRequired: true,
      });
    },

    async setPreferred(session, id) {
      gate.authorise(session);
      if (id !== null) {
        const factor = await held(session.userId, id);
        if (factor.role !== "mfa") {
          throw new MfaError("invalid_input", {
            message: "Only a sign-in method can be preferred.",
            data: { field: "id" },
          });
        }
      }
      await registrations.update(session.userId, (r) => ({ ...r, preferred: id }));
    },

    async rename(session, id, name) {
      gate.authorise(session);
      await held(session.userId, id);
      const trimmed = typeof name === "string" ? name.trim() : "";
      if (
        trimmed.length === 0 ||
        [...trimmed].length > MAX_NAME ||
        CONTROL.test(trimmed) ||
        !isWellFormed(trimmed)
      ) {
        throw new MfaError("invalid_input", {
          message: `A name is 1 to ${MAX_NAME} characters, with no control characters.`,
          data: { field: "name" },
        });
      }
      await registrations.update(session.userId, (r) => ({
        ...r,
        names: { ...(r.names ?? {}), [id]: trimmed },
      }));
    },

    devices: {
      list(session) {
        return deps.devices.list(session.userId);
      },
      async revoke(session, id) {
        gate.authorise(session);
        const revoked = await deps.devices.revoke(session.userId, id);
        if (revoked) await deviceRevoked(session.userId, id);
        return revoked;
      },
      async revokeAll(session) {
        gate.authorise(session);
        const n = await deps.devices.revokeAll(session.userId);
        if (n > 0) await deviceRevoked(session.userId, "all");
        return n;
      },
    },

    recoveryCodes: createRecoveryCodesInfo(deps),

    appPasswords: {
      async create(session, name) {
        gate.authorise(session);
        const service = appPasswordsOf();
        const before = await registrations.get(session.userId);
        const created = await service.create({ userId: session.userId, name });
        await gate.changed({
          userId: session.userId,
          change: "added",
          factor: "app-password",
          method: "app-password",
          by: "user",
          before,
        });
        return created;
      },

      list(session) {
        return appPasswordsOf().list({ userId: session.userId });
      },

      async revoke(session, id) {
        gate.authorise(session);
        const service = appPasswordsOf();
        const before = await registrations.get(session.userId);
        const revoked = await service.revoke({ userId: session.userId, id });
        if (revoked) {
          await gate.changed({
            userId: session.userId,
            change: "removed",
            factor: "app-password",
            method: "app-password",
            by: "user",
            before,
          });
        }
        return revoked;
      },
    },
  };
}

/** Whether `s` is well-formed UTF-16 (no lone surrogates). */
function isWellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}
