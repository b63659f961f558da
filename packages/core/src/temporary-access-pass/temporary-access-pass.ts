/**
 * Temporary Access Pass (Entra's TAP): an administrator issues a time-boxed pass to a user who
 * has lost every factor (or has none yet); the user signs in with it to register new ones. It
 * counts as the step-up for registering and does nothing else.
 *
 * - Issued by `admin.issueTemporaryAccessPass`: 10 minutes to 30 days (the policy may narrow it),
 *   one-time (the default) or multi-use, shown once, kept only as a keyed hash (see
 *   `pass-record.ts`). A new pass replaces the old one; `admin.revokeTemporaryAccessPass` ends it.
 * - Used by `challenge.verifyTemporaryAccessPass`, through the check pipeline: wrong passes are
 *   throttled per client network and never disable anything, so a stranger cannot lock the owner
 *   out (RATE-08); a one-time pass is spent in the unit that accepts it (REL-01).
 * - The answer's `via` goes into the app's session. The gate accepts such a session only for
 *   adding and confirming factors ({@link GatedPurpose} `register`), and `createMfa` checks, in
 *   the same unit as the action, that its pass is still the user's and not expired: revoking or
 *   replacing the pass ends its sessions at once (BIND-08).
 * - Issued, used, expired and revoked are audit events (`tap.*`); issue and use send the user a
 *   secret-free notice on the channels they had (BIND-02). "Expired" is emitted once per pass,
 *   by the first use, issue or revoke that finds it past its expiry: nothing runs on a timer.
 *
 * @module
 */

import { MfaError } from "../errors.js";
import type { FlowDeps } from "../flow-deps.js";
import { type CheckFailure, checkFactor, networkFactorKey } from "../flows/check.js";
import type { GatedPurpose, PassSession, Session } from "../flows/gate.js";
import type { Policy } from "../policy/policy.js";
import type { RandomSource } from "../ports/clock.js";
import { emitEvent } from "../ports/events.js";
import type { Keyring } from "../ports/keyring.js";
import {
  assertPassId,
  MAX_PASS_LIFETIME_MINUTES,
  normalisePass,
  type PassRecord,
  type PassState,
  passRecords,
  passState,
} from "./pass-record.js";

/** What an admin asks for. */
export interface IssueTemporaryAccessPassInput {
  readonly userId: string;
  /**
   * How long it lasts from `startsAt`, in whole minutes, within the policy's
   * `temporaryAccessPass` bounds (Entra's: 10 to 43200).
   * @default policy.temporaryAccessPass.defaultLifetimeMinutes (60)
   */
  readonly lifetimeMinutes?: number;
  /** Spent by its first use; `false` lets it sign in again until it expires. @default true */
  readonly oneTime?: boolean;
  /** When it can first be used (epoch ms), up to 30 days ahead. @default now */
  readonly startsAt?: number;
}

/** A pass just issued: `pass` is in this answer only; give it to the user out of band. */
export interface IssuedTemporaryAccessPass {
  readonly id: string;
  /** 16 symbols of `23456789abcdefghjkmnpqrstuvwxyz` in groups of four (about 79 bits). */
  readonly pass: string;
  readonly startsAt: number;
  /** Fixed at issue (epoch ms). */
  readonly expiresAt: number;
  readonly oneTime: boolean;
}

/** A user's pass as an admin sees it: never the pass. */
export interface TemporaryAccessPassInfo {
  readonly id: string;
  readonly createdAt: number;
  readonly startsAt: number;
  readonly expiresAt: number;
  readonly oneTime: boolean;
  /** The last accepted use. */
  readonly usedAt: number | null;
  readonly state: PassState;
}

/** What a check of a pass answers (expected outcomes are values). */
export type TemporaryAccessPassResult =
  | {
      readonly ok: true;
      readonly method: "temporary-access-pass";
      /** When the pass, and every session opened with it, ends. */
      readonly expiresAt: number;
      /** Put this in the app's session as `via`: it limits the session to registering factors. */
      readonly via: PassSession;
    }
  | CheckFailure
  | { readonly ok: false; readonly reason: "not_yet_valid"; readonly startsAt: number };

/** The admin's part. */
export interface TemporaryAccessPassAdminApi {
  /** Issues a pass that replaces any other the user has; the pass is in the answer only. */
  issueTemporaryAccessPass(
    input: IssueTemporaryAccessPassInput,
  ): Promise<IssuedTemporaryAccessPass>;
  /** Ends the user's pass and every session opened with it; `true` if there was one. */
  revokeTemporaryAccessPass(userId: string): Promise<boolean>;
  /** The user's pass (metadata only), or `null`. */
  temporaryAccessPass(userId: string): Promise<TemporaryAccessPassInfo | null>;
}

/** The sign-in part. */
export interface TemporaryAccessPassChallengeApi {
  /**
   * Checks a pass. On success the app opens a session with `via` from the answer: it may register
   * factors (the wizard, `securityInfo.add`) and nothing else. Wrong passes are throttled per
   * client network (pass `ip`), never disabled: a stranger cannot lock the owner out (RATE-08).
   * A malformed pass is `invalid_input` (field `pass`), before anything is read.
   */
  verifyTemporaryAccessPass(input: {
    userId: string;
    pass: string;
    ip?: string;
  }): Promise<TemporaryAccessPassResult>;
}

/** What the pass flows need: one action's flows, and the keys and randomness to make a pass. */
export type PassDeps = FlowDeps & { readonly keyring: Keyring; readonly random: RandomSource };

/**
 * The policy a Temporary Access Pass session's wizard runs under: the app's, without the app
 * password the wizard would offer (a pass registers factors; it mints no other credential).
 */
export function passSessionPolicy(policy: Policy): Policy {
  return Object.freeze({
    ...policy,
    appPasswords: { ...policy.appPasswords, offerDuringEnrolment: false },
  });
}

/** What a Temporary Access Pass session may do through a wizard answer or `securityInfo.add`. */
export const PASS_PURPOSE: GatedPurpose = "register";

/** Builds the pass flows of one action. */
export function temporaryAccessPassFlows(deps: PassDeps) {
  const { clock, policy, registrations, gate } = deps;
  const records = passRecords(deps);
  const settings = policy.temporaryAccessPass;
  const iso = (ms: number) => new Date(ms).toISOString();

  const audit = (
    userId: string,
    event:
      | { type: "tap.expired"; passId: string }
      | { type: "tap.revoked"; passId: string; reason: "revoked" | "replaced" },
  ) => emitEvent(deps.events, { ...event, at: iso(clock.now()), userId });

  /** Audits an old pass that leaves: expired (once), or revoked / replaced while live. */
  const ended = async (userId: string, old: PassRecord, reason: "revoked" | "replaced") => {
    if (passState(old, clock.now()) !== "expired")
      await audit(userId, { type: "tap.revoked", passId: old.id, reason });
    else if (!old.expiryNoted) await audit(userId, { type: "tap.expired", passId: old.id });
  };

  const invalid = (field: string, message?: string, data: Record<string, number> = {}) =>
    new MfaError("invalid_input", { ...(message ? { message } : {}), data: { field, ...data } });

  const admin: TemporaryAccessPassAdminApi = {
    async issueTemporaryAccessPass(input) {
      if (!settings.enabled)
        throw invalid("temporaryAccessPass", "Temporary Access Passes are turned off.");
      const { userId } = input;
      const min = settings.minLifetimeMinutes;
      const max = settings.maxLifetimeMinutes;
      const lifetimeMinutes = input.lifetimeMinutes ?? settings.defaultLifetimeMinutes;
      if (!Number.isSafeInteger(lifetimeMinutes) || lifetimeMinutes < min || lifetimeMinutes > max)
        throw invalid("lifetimeMinutes", `A lifetime is ${min} to ${max} whole minutes.`, {
          min,
          max,
        });
      const oneTime = input.oneTime ?? true;
      if (typeof oneTime !== "boolean") throw invalid("oneTime");
      const now = clock.now();
      const startsAt = input.startsAt ?? now;
      // A little in the past is the admin's clock; far ahead is a mistake.
      if (
        !Number.isSafeInteger(startsAt) ||
        startsAt < now - 60_000 ||
        startsAt > now + MAX_PASS_LIFETIME_MINUTES * 60_000
      )
        throw invalid("startsAt", "A pass starts now or within 30 days.");
      const before = await registrations.get(userId);
      const { pass, record, replaced } = await records.issue(userId, {
        startsAt: Math.max(now, startsAt),
        lifetimeMinutes,
        oneTime,
      });
      if (replaced) await ended(userId, replaced, "replaced");
      await gate.changed({
        userId,
        change: "added",
        factor: "temporary-access-pass",
        method: "temporary-access-pass",
        by: "admin",
        before,
        event: {
          type: "tap.issued",
          at: iso(now),
          userId,
          passId: record.id,
          startsAt: iso(record.startsAt),
          expiresAt: iso(record.expiresAt),
          oneTime,
        },
      });
      return {
        id: record.id,
        pass,
        startsAt: record.startsAt,
        expiresAt: record.expiresAt,
        oneTime,
      };
    },

    async revokeTemporaryAccessPass(userId) {
      const old = await records.revoke(userId);
      if (old) await ended(userId, old, "revoked");
      return old !== null;
    },

    async temporaryAccessPass(userId) {
      const { record } = await records.read(userId);
      if (!record) return null;
      const { id, createdAt, startsAt, expiresAt, oneTime, usedAt } = record;
      return {
        id,
        createdAt,
        startsAt,
        expiresAt,
        oneTime,
        usedAt,
        state: passState(record, clock.now()),
      };
    },
  };

  const challenge: TemporaryAccessPassChallengeApi = {
    async verifyTemporaryAccessPass(input) {
      const pass = normalisePass(input.pass);
      if (!settings.enabled) return { ok: false, reason: "not_found" };
      const { userId } = input;
      // Throttled per client network when the IP is known (RATE-06): ipBucket refuses bad IPs.
      const factorKey = await networkFactorKey(deps.limiter, userId, "tap", input.ip);
      const { record, version } = await records.read(userId);
      let accepted: PassRecord | null = null;
      let early = false;
      const outcome = await checkFactor(deps, { userId, factorKey, mode: "throttle" }, async () => {
        // Only the holder of the right pass learns its state; with none, a guess is a mismatch.
        if (!record || !records.matches(userId, record, pass))
          return { ok: false, reason: "code_mismatch" };
        const state = passState(record, clock.now());
        if (state === "expired") return { ok: false, reason: "expired" };
        if (state === "used") return { ok: false, reason: "replayed" };
        if (state === "pending") {
          early = true;
          return { ok: false, reason: "not_found" };
        }
        accepted = record;
        return { ok: true };
      });
      const now = clock.now();
      if (!outcome.ok && outcome.reason === "expired" && record && !record.expiryNoted) {
        await records.update(userId, { ...record, expiryNoted: true }, version);
        await audit(userId, { type: "tap.expired", passId: record.id });
      }
      if (early && record) return { ok: false, reason: "not_yet_valid", startsAt: record.startsAt };
      const used = accepted as PassRecord | null;
      if (!outcome.ok || !used) return outcome.ok ? { ok: false, reason: "not_found" } : outcome;
      // Spent in this unit: of parallel uses of a one-time pass, one commits (REL-01).
      await records.update(userId, { ...used, usedAt: now }, version);
      await gate.changed({
        userId,
        change: "used",
        factor: "temporary-access-pass",
        method: "temporary-access-pass",
        by: "user",
        before: await registrations.get(userId),
        event: { type: "tap.used", at: iso(now), userId, passId: used.id },
      });
      return {
        ok: true,
        method: "temporary-access-pass",
        expiresAt: used.expiresAt,
        via: { method: "temporary-access-pass", passId: used.id },
      };
    },
  };

  return {
    admin,
    challenge,

    /**
     * Throws unless `session`, if opened with a pass, still has it: the user's pass, not revoked,
     * replaced or expired (`reauthentication_required`, `reason: "temporary_access_pass_ended"`),
     * and a well-formed `via` (`invalid_input`). A full sign-in passes untouched. Runs in the
     * action's unit, so a revoke that commits first is seen.
     */
    async vouch(session: Session | undefined): Promise<void> {
      const via: unknown = session?.via;
      if (via === undefined || !session) return;
      if (
        typeof via !== "object" ||
        via === null ||
        (via as { method?: unknown }).method !== "temporary-access-pass"
      )
        throw invalid("session.via");
      const passId = (via as { passId?: unknown }).passId;
      assertPassId(passId);
      const { record } = await records.read(session.userId);
      const state = record ? passState(record, clock.now()) : "expired";
      if (!settings.enabled || record?.id !== passId || state === "expired" || state === "pending")
        throw new MfaError("reauthentication_required", {
          message: "Your Temporary Access Pass has ended. Sign in again.",
          data: {
            maxAgeSeconds: policy.reauthMaxAgeSeconds,
            reason: "temporary_access_pass_ended",
          },
        });
    },
  };
}

/** The pass flows of one action. */
export type TemporaryAccessPassFlows = ReturnType<typeof temporaryAccessPassFlows>;
