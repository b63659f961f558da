/**
 * A user's registered methods: the record the engine reads to decide what is still missing,
 * the sign-in challenge reads to know what it can ask for, and the admin API reports on.
 *
 * One record per user, updated only by compare-and-set, so two app instances that add methods
 * at once never lose one. Phone numbers are kept canonical (E.164); their type and validity are
 * re-checked by libphonenumber whenever a number is used, never cached (PHONE-02). The secret
 * of an authenticator app lives sealed in the TOTP module's own record; this one holds only
 * its id. The registration report reads every user's document (`summaries`): no index for an
 * action to keep up to date.
 *
 * @module
 */

import { MfaError } from "../errors.js";
import { type FactorRegistry, mfaMethodsHeld, type PhoneKind } from "../factors/registry.js";
import { userKey } from "../keys.js";
import type { StoredPasskey } from "../passkeys/passkey-factor.js";
import type { Delivery, MfaMethod } from "../policy/policy.js";
import type { JsonValue, Store } from "../ports/store.js";

/** A registered phone. */
export interface RegisteredPhone {
  /** E.164. */
  readonly e164: string;
  /** ISO alpha-2 country. */
  readonly country: string;
  /** Office phones only. */
  readonly extension: string | null;
  /** How codes go to it by default. */
  readonly delivery: Delivery;
  /** When it was bound (BIND-03). */
  readonly verifiedAt: number;
}

/** The phone kinds a user can register: the registry's kinds set up by a code. */
export type PhoneMethod = PhoneKind;

/** Everything registered for one user (JSON-safe). */
export interface Registration {
  readonly phones: Readonly<Partial<Record<PhoneMethod, RegisteredPhone>>>;
  /** Active authenticator-app factor ids. */
  readonly authenticators: readonly string[];
  /** The recovery email: recovery data, never an MFA method (BIND-07). */
  readonly recoveryEmail: { readonly address: string; readonly verifiedAt: number } | null;
  /** When the authentication phone was last confirmed for password reset. */
  readonly recoveryPhoneVerifiedAt: number | null;
  /** Registration campaign: snoozes used and until when the current one lasts. */
  readonly snoozes: number;
  readonly snoozedUntil: number | null;
  /** When the user first completed a registration, and last confirmed it. */
  readonly registeredAt: number | null;
  readonly confirmedAt: number | null;
  /** Set by an admin: the user must register again before signing in. */
  readonly reregistrationRequired: boolean;
  /** When each authenticator app was bound (BIND-03), by factor id. */
  readonly authenticatorsAt?: Readonly<Record<string, number>>;
  /** Names the user gave factors, by factor id ("Work phone", "Pixel 9"). */
  readonly names?: Readonly<Record<string, string>>;
  /** The factor the user chose to be asked first at sign-in, by id. */
  readonly preferred?: string | null;
  /** The user's language (BCP 47), for notices sent when someone else acts (an admin). */
  readonly locale?: string;
  /**
   * Set when a "this wasn't me" link undid a change: the account awaits an admin's review (the
   * app decides what that blocks); cleared by `admin.clearReview`.
   */
  readonly review?: { readonly since: number; readonly reason: "change_reverted" } | null;
  /** Passkeys (public keys, counters, backup flags; no secret), oldest first. */
  readonly passkeys?: readonly StoredPasskey[];
  /**
   * What factor modules from outside core keep, by kind (JSON, no secret in the clear): their
   * own slot, so a new kind needs no field here.
   */
  readonly factorData?: Readonly<Record<string, JsonValue>>;
}

/** A registration with nothing in it. */
export const emptyRegistration: Registration = Object.freeze({
  phones: {},
  authenticators: [],
  recoveryEmail: null,
  recoveryPhoneVerifiedAt: null,
  snoozes: 0,
  snoozedUntil: null,
  registeredAt: null,
  confirmedAt: null,
  reregistrationRequired: false,
});

/** The MFA methods a registration holds (see the factor registry). */
export function mfaMethodsOf(reg: Registration): MfaMethod[] {
  return mfaMethodsHeld(reg);
}

/** Reads and updates registrations. */
export interface RegistrationStore {
  /** The user's registration (empty if none). */
  get(userId: string): Promise<Registration>;
  /**
   * Applies `change` to the current registration with compare-and-set, retrying on conflict
   * with the fresh record; `change` must be a pure function of its argument.
   */
  update(userId: string, change: (current: Registration) => Registration): Promise<Registration>;
  /** One page of the per-user summaries for reports. */
  summaries(cursor?: string): Promise<{
    items: Array<{ userId: string; methods: MfaMethod[]; recovery: string[] }>;
    cursor: string | null;
  }>;
}

const MAX_CAS_RETRIES = 20;

/**
 * A {@link RegistrationStore} over the Store port; the report's summaries read `factors` (an
 * instance's registry, with its modules from outside core).
 */
export function registrationStore(store: Store, factors: FactorRegistry): RegistrationStore {
  const key = (userId: string) => userKey(userId, "registration");

  const read = async (userId: string) => {
    const entry = await store.get<Registration & Record<string, never>>(key(userId));
    return {
      registration: entry ? (entry.value as Registration) : emptyRegistration,
      version: entry?.version ?? null,
    };
  };

  return {
    async get(userId) {
      return (await read(userId)).registration;
    },

    async update(userId, change) {
      for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
        const { registration, version } = await read(userId);
        const next = change(registration);
        const put = await store.put(key(userId), next as never, { expectVersion: version });
        if (put.ok) return next;
      }
      throw new MfaError("store_conflict", { data: { record: "registration" } });
    },

    async summaries(cursor) {
      // The report reads the users' documents themselves (no index for an action to keep up to
      // date) and what the registry says each holds: the same rule as required().
      const page = await store.list("mfa:{", { limit: 500, cursor });
      const items: Array<{ userId: string; methods: MfaMethod[]; recovery: string[] }> = [];
      for (const item of page.items) {
        const userId = userOfAccountKey(item.key);
        const slot = (item.value as { e?: Record<string, { v?: unknown }> } | null)?.e
          ?.registration;
        if (userId === null || !slot) continue;
        const reg = { ...emptyRegistration, ...(slot.v as Registration) };
        items.push({
          userId,
          methods: factors.mfaMethodsHeld(reg),
          recovery: factors.recoveryMethodsHeld(reg),
        });
      }
      return { items, cursor: page.cursor };
    },
  };
}

/** The user of an account document's key (`mfa:{<encoded id>}:account`), else `null`. */
function userOfAccountKey(key: string): string | null {
  const match = /^mfa:\{(.*)\}:account$/.exec(key);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}
