/**
 * The check pipeline: every check of a factor, wherever it happens (the wizard's verify-code and
 * authenticator-setup steps, the sign-in challenge, TOTP and app passwords at sign-in), runs
 * through {@link checkFactor}, so the failure cap and the progressive delay hold on every path:
 *
 * attempt reserved atomically (REL-02) → compare → outcome → failures cleared, kept or given back.
 *
 * One {@link CheckOutcome} comes out; the wizard's notice ({@link noticeOf}) and the challenge's
 * result are both read off it, so they cannot disagree.
 *
 * @module
 */

import type { ViewNotice } from "../enrolment/views.js";
import type { VerifyFailure } from "../errors.js";
import type { Limiter, LockoutMode } from "../limits/limits.js";
import type { Clock } from "../ports/clock.js";
import { type EventSink, emitEvent } from "../ports/events.js";

/** The outcome of one check of a factor: an expected value, never an exception. */
export type CheckOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: "code_mismatch"; readonly attemptsLeft: number }
  | {
      readonly ok: false;
      readonly reason: "expired" | "locked" | "not_found" | "replayed" | "factor_disabled";
    }
  | { readonly ok: false; readonly reason: "factor_locked"; readonly retryAfterSeconds: number };

/** A failed {@link CheckOutcome}. */
export type CheckFailure = Exclude<CheckOutcome, { ok: true }>;

/** What the pipeline needs. */
export interface CheckDeps {
  readonly limiter: Limiter;
  readonly events: EventSink;
  readonly clock: Clock;
}

/** The factor being checked. */
export interface CheckSubject {
  readonly userId: string;
  /** The limiter's key of the factor, e.g. `phone:+447400123456`, `totp:<id>`. */
  readonly factorKey: string;
  /** What the cap does at its limit. @default "disable" */
  readonly mode?: LockoutMode;
}

/**
 * Runs `compare` at most once, only after the attempt was reserved, and settles the reservation
 * by what it says: a success clears the factor's failures, a mismatch keeps the one reserved
 * (and disables the factor when it was the last allowed, RATE-02), anything that compared
 * nothing (expired, replayed, gone) gives it back. If `compare` throws, the attempt is given back
 * and the error goes on.
 */
export async function checkFactor(
  deps: CheckDeps,
  subject: CheckSubject,
  compare: () => Promise<{ readonly ok: true } | VerifyFailure>,
): Promise<CheckOutcome> {
  const { limiter } = deps;
  const { userId, factorKey, mode = "disable" } = subject;
  const reserved = await limiter.reserveCheck(userId, factorKey, mode);
  if (!reserved.ok) {
    return reserved.reason === "disabled"
      ? { ok: false, reason: "factor_disabled" }
      : { ok: false, reason: "factor_locked", retryAfterSeconds: reserved.retryAfterSeconds };
  }
  let result: { readonly ok: true } | VerifyFailure;
  try {
    result = await compare();
  } catch (e) {
    await limiter.settleCheck(userId, factorKey, "void", mode).catch(() => undefined);
    throw e;
  }
  if (result.ok) {
    await limiter.settleCheck(userId, factorKey, "success", mode);
    return { ok: true };
  }
  if (result.reason !== "code_mismatch") {
    await limiter.settleCheck(userId, factorKey, "void", mode);
    return { ok: false, reason: result.reason };
  }
  const cap = limiter.limits.maxConsecutiveFailures;
  if (mode === "disable" && reserved.attempt >= cap) {
    await emitEvent(deps.events, {
      type: "factor.disabled",
      at: new Date(deps.clock.now()).toISOString(),
      userId,
      factor: factorKey.split(":")[0] ?? "",
    });
    return { ok: false, reason: "factor_disabled" };
  }
  // A per-challenge count (codes: RATE-01) is the tighter bound when there is one.
  const attemptsLeft = Math.min(
    result.attemptsLeft ?? Number.POSITIVE_INFINITY,
    Math.max(0, cap - reserved.attempt),
  );
  return { ok: false, reason: "code_mismatch", attemptsLeft };
}

/** The wizard's notice for a failed check. */
export function noticeOf(failure: CheckFailure): ViewNotice {
  switch (failure.reason) {
    case "code_mismatch":
      return { code: "code_mismatch", attemptsLeft: failure.attemptsLeft };
    case "factor_locked":
      return { code: "factor_locked", retryAfterSeconds: failure.retryAfterSeconds };
    case "factor_disabled":
      return { code: "factor_disabled" };
    case "replayed":
      return { code: "code_replayed" };
    case "locked":
      return { code: "code_locked" };
    case "expired":
    case "not_found":
      return { code: "code_expired" };
  }
}
