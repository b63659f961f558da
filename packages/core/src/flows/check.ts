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
import { ipBucket } from "../limits/buckets.js";
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

/** Client networks a user's throttled secret keeps apart before the rest share one counter. */
export const MAX_THROTTLED_NETWORKS = 16;

/**
 * The limiter's key of a throttled secret (an app password, a recovery code, a Temporary Access
 * Pass) checked from `ip`: one counter per client network (IPv6 /64), so a stranger's wrong
 * guesses slow their own network and never the owner's (RATE-08). A user's document keeps at most
 * {@link MAX_THROTTLED_NETWORKS} of them per kind; guesses from further networks share
 * `<kind>:others` (throttled, never disabled), else a stranger with many addresses could grow the
 * document every action of that user reads without bound. Without an IP: the user's own counter.
 * `ipBucket` refuses what is not an IP (`invalid_input`, field `ip`).
 */
export async function networkFactorKey(
  limiter: Pick<Limiter, "listFailures">,
  userId: string,
  kind: string,
  ip: string | undefined,
): Promise<string> {
  if (ip === undefined) return kind;
  const own = `${kind}:${ipBucket(ip)}`;
  const held = (await limiter.listFailures(userId))
    .map((f) => f.factorKey)
    .filter((k) => k.startsWith(`${kind}:`) && k !== `${kind}:others`);
  return held.includes(own) || held.length < MAX_THROTTLED_NETWORKS ? own : `${kind}:others`;
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
