/**
 * One-time codes sent by SMS, voice call or email: issue, resend, verify, status, cancel.
 *
 * - **Generation** (GEN-01/02): `randomDigits` on the injected CSPRNG, rejection-sampled, so
 *   every digit is uniform and leading zeros occur.
 * - **Storage** (STORE-01/03): only an HMAC-SHA-256 under the keyring's `code-hmac` sub-key of
 *   `[challengeId, purpose, destination, code]`, compared in constant time. The plain code
 *   leaves this module once, in the return value of `issue`/`resend`, for the sender.
 * - **Binding** (LIFE-04): the record lives under the user's key and the digest covers the
 *   challenge, purpose and destination: the right digits are `not_found` for another user and
 *   a mismatch for another challenge, purpose or destination.
 * - **Lifetime** (LIFE-01/02): a code is valid for `ttlSeconds` (≤ 10 min) after it was sent,
 *   on the injected clock, strictly: at `expiresAt` exactly it is already expired.
 * - **Attempts** (RATE-01, REL-02): a per-challenge counter is incremented atomically *before*
 *   the digest is compared, so however many guesses race, at most `maxAttempts` of them are
 *   ever compared. The wrong guess that uses the last attempt answers `code_mismatch` with
 *   `attemptsLeft: 0` (as Twilio Verify does; it was compared, so callers count it as a failure
 *   of the factor, RATE-02); every check after it answers `locked` without any comparison.
 * - **Single use** (LIFE-03, REL-01): a match is consumed by a compare-and-set on the record's
 *   version; of any number of concurrent checks of the right code exactly one succeeds.
 *
 * **Resend policy (LIFE-07)** — OWASP's "generate a new OTP and overwrite the old record":
 * a resend draws a new code with a new lifetime and overwrites the record, so the previous code
 * is dead at once (checking it is a mismatch and costs an attempt). The attempt counter lives
 * under its own key and is never reset by a resend (RATE-03), so resending cannot buy extra
 * guesses. At most `maxSends` codes are sent per challenge. A resend is allowed until the
 * challenge is used, cancelled or locked, including for one more `ttlSeconds` after its code
 * expired (the record is kept that long so a check can answer `expired` rather than
 * `not_found`, and the user can ask for a fresh code).
 *
 * Store layout, per challenge:
 * - `userKey(userId, "code", challengeId)`: the record, TTL `2 × ttlSeconds` from each send;
 *   once used or cancelled it becomes a tombstone until that TTL ends, so the id cannot be
 *   reissued meanwhile.
 * - `userKey(userId, "code-attempts", challengeId)`: the attempt counter, TTL set when it is
 *   created and never extended: `maxSends × 2 × ttlSeconds` + 1 min, longer than the record can
 *   possibly live (each of at most `maxSends` sends gives the record `2 × ttlSeconds` more).
 *
 * Store round trips: issue 1 (2 with a caller-chosen id), verify at most 3 (read, count,
 * consume), resend 3, status 2, cancel 2.
 *
 * @module
 */

import { type KeyedDigest, keyedHash, verifyKeyedHash } from "../crypto/keyed-hash.js";
import { randomDigits, randomId } from "../crypto/random-string.js";
import { MfaError, type VerifyFailure } from "../errors.js";
import { assertUserId, userKey } from "../keys.js";
import { type Clock, type RandomSource, systemClock, webCryptoRandom } from "../ports/clock.js";
import { type EventSink, emitEvent, type MfaEvent, noEvents } from "../ports/events.js";
import type { Keyring } from "../ports/keyring.js";
import type { Store, StoreEntry } from "../ports/store.js";
import {
  assertChallengeId,
  assertCodeFormat,
  assertDestination,
  assertPurpose,
} from "./code-input.js";
import { type CodeOptions, resolveCodeOptions } from "./code-options.js";
import { maskDestination } from "./mask-destination.js";
import { pooledRandom } from "./pooled-random.js";

/** What the code service needs. */
export interface CodeServiceDeps {
  /** Where challenges and attempt counters live. */
  store: Store;
  /** Server keys for the codes' HMAC. */
  keyring: Keyring;
  /** Lifetimes run on this clock. @default systemClock */
  clock?: Clock;
  /** Source of the codes and challenge ids; must be a CSPRNG outside tests. @default webCryptoRandom */
  random?: RandomSource;
  /** Receives `code.issued`, `code.verified` and `code.failed`; never a code. @default noEvents */
  events?: EventSink;
}

/** Input of {@link CodeService.issue}. */
export interface IssueCodeInput {
  /** The user the code is for. */
  userId: string;
  /**
   * What the code completes, e.g. `"enrol:sms"`, `"signin:voice"`, `"recovery:email"`:
   * 1 to 64 characters of `[a-z0-9:._-]`. A code issued for one purpose never verifies for
   * another (LIFE-04).
   */
  purpose: string;
  /** Where the code goes: a canonical E.164 number or an email address, ≤ 320 characters. */
  destination: string;
  /**
   * The challenge id to use, 1 to 64 characters of `[A-Za-z0-9_-]`; must never have been used
   * before (`invalid_input` otherwise). Generated with `randomId("ch_")` (128 random bits,
   * GEN-05) when absent, which is what you want unless you need to know the id in advance.
   */
  challengeId?: string;
}

/** A code just drawn, to hand to the sender. */
export interface IssuedCode {
  /** The challenge the code belongs to; pass it back to `verify`, `resend`, `status`. */
  challengeId: string;
  /** The plain code. Hand it to the sender only: never log, store or return it to a client. */
  code: string;
  /** When the code stops being valid, epoch milliseconds. */
  expiresAt: number;
  /** Codes sent for this challenge so far, this one included. */
  sendCount: number;
  /** Wrong codes the challenge still accepts. */
  attemptsLeft: number;
}

/** What a UI shows about a challenge; no secret in it. */
export interface CodeStatus {
  challengeId: string;
  purpose: string;
  /** When the current code stops being valid, epoch milliseconds (it may be in the past). */
  expiresAt: number;
  /** Wrong codes the challenge still accepts; 0 means it is locked. */
  attemptsLeft: number;
  /** Codes sent so far. */
  sendCount: number;
  /** Resends still allowed; 0 once the limit is reached or the challenge is locked. */
  sendsLeft: number;
  /** When the current code was sent, epoch milliseconds. */
  lastSentAt: number;
}

/** The answer of {@link CodeService.verify}. */
export type CodeVerifyResult = { ok: true; challengeId: string } | VerifyFailure;

/** Identifies one challenge of one user. */
export interface ChallengeRef {
  userId: string;
  challengeId: string;
}

/** Input of {@link CodeService.verify}. */
export interface VerifyCodeInput extends ChallengeRef {
  /** The purpose the code was issued for. */
  purpose: string;
  /** The destination the code was sent to, in the same canonical form. */
  destination: string;
  /** What the user typed: exactly `length` ASCII digits, else `invalid_code_format` is thrown. */
  code: string;
}

/** One-time codes for SMS, voice and email. See the module comment for the guarantees. */
export interface CodeService {
  /** The options in force, defaults applied. */
  readonly options: Readonly<Required<CodeOptions>>;
  /**
   * Opens a challenge and draws its first code. Emits `code.issued`.
   * Throws `invalid_input` / `input_too_long` for a bad field, or `invalid_input` when a given
   * `challengeId` is already in use or was used before.
   */
  issue(input: IssueCodeInput): Promise<IssuedCode>;
  /**
   * Draws a new code for a challenge and kills the previous one (see "Resend policy" in the
   * module comment). The attempt counter carries over. Emits `code.issued` with `resend: true`.
   * Throws `challenge_not_found` when the challenge was used, cancelled, locked or has gone,
   * `resend_limit_reached` after `maxSends` codes.
   */
  resend(input: ChallengeRef): Promise<IssuedCode>;
  /**
   * Checks a code. Returns `{ ok: true }` once; afterwards the challenge is gone. Failures are
   * values: `code_mismatch` (with `attemptsLeft`, 0 for the wrong guess that used the last
   * attempt), `expired`, `locked` (no attempts were left: nothing was compared) and `not_found`
   * (unknown, used or cancelled). Throws `invalid_code_format` for anything but `length` ASCII digits, before
   * touching the store, so a typo costs no attempt. Emits `code.verified` or `code.failed`.
   */
  verify(input: VerifyCodeInput): Promise<CodeVerifyResult>;
  /** The challenge's state for a UI, or `null` when it was used, cancelled or has gone. */
  status(input: ChallengeRef): Promise<CodeStatus | null>;
  /** Ends a challenge: its code stops verifying and it can no longer be resent. Idempotent. */
  cancel(input: ChallengeRef): Promise<void>;
}

/** A challenge whose code can still be checked or resent. */
type LiveRecord = {
  readonly v: 1;
  readonly state: "live";
  readonly purpose: string;
  /** Kept to bind the next code on resend; it is the user's, not a secret. */
  readonly destination: string;
  readonly hash: { readonly keyId: string; readonly digest: string };
  readonly sentAt: number;
  readonly expiresAt: number;
  readonly sendCount: number;
};

/** A used or cancelled challenge: holds its id until the record's TTL ends. */
type ClosedRecord = { readonly v: 1; readonly state: "used" | "cancelled" };

type CodeRecord = LiveRecord | ClosedRecord;

/** How long the attempt counter outlives the longest possible challenge. */
const COUNTER_MARGIN_MS = 60_000;

function liveRecord(entry: StoreEntry | null): (StoreEntry & { value: LiveRecord }) | null {
  const value = entry?.value;
  if (typeof value === "object" && value !== null && "state" in value && value.state === "live") {
    return entry as StoreEntry & { value: LiveRecord };
  }
  return null;
}

/**
 * Creates the one-time-code service.
 *
 * Throws `config_invalid` when `store` or `keyring` is missing or an option is out of range.
 *
 * @example
 * ```ts
 * const codes = createCodeService({ store, keyring }, { ttlSeconds: 600 });
 * const { challengeId, code } = await codes.issue({
 *   userId, purpose: "enrol:sms", destination: "+447400123456",
 * });
 * await sms.send({ to: "+447400123456", text: `Your code is ${code}` });
 * // later, with what the user typed:
 * const result = await codes.verify({
 *   userId, challengeId, purpose: "enrol:sms", destination: "+447400123456", code: typed,
 * });
 * if (!result.ok) show(result.reason, result.attemptsLeft);
 * ```
 */
export function createCodeService(deps: CodeServiceDeps, options?: CodeOptions): CodeService {
  const missing = (["store", "keyring"] as const).filter((name) => !deps?.[name]);
  if (missing.length > 0) {
    throw new MfaError("config_invalid", {
      message: `The code service needs: ${missing.join(", ")}.`,
      data: { module: "codes", missing: missing.join(",") },
    });
  }
  const opts = resolveCodeOptions(options);
  const { store, keyring } = deps;
  const clock = deps.clock ?? systemClock;
  const random = pooledRandom(deps.random ?? webCryptoRandom);
  const events = deps.events ?? noEvents;

  const ttlMs = opts.ttlSeconds * 1000;
  // Kept after expiry for as long again, so that a late check says "expired" and a resend works.
  const recordTtlMs = 2 * ttlMs;
  const counterTtlMs = opts.maxSends * recordTtlMs + COUNTER_MARGIN_MS;
  // Every conflicting write is a send (at most maxSends) or ends the challenge, so a resend or
  // cancel that keeps losing compare-and-set races still finishes within this many rounds.
  const maxRounds = opts.maxSends + 2;

  const recordKey = (r: ChallengeRef) => userKey(r.userId, "code", r.challengeId);
  const attemptsKey = (r: ChallengeRef) => userKey(r.userId, "code-attempts", r.challengeId);
  const codeParts = (challengeId: string, purpose: string, destination: string, code: string) => [
    challengeId,
    purpose,
    destination,
    code,
  ];

  const attemptsUsed = async (ref: ChallengeRef): Promise<number> => {
    const entry = await store.get(attemptsKey(ref));
    return typeof entry?.value === "number" ? entry.value : 0;
  };

  /** Draws a code and the live record that holds only its digest. */
  const draw = (
    challengeId: string,
    purpose: string,
    destination: string,
    sendCount: number,
    now: number,
  ): { code: string; record: LiveRecord } => {
    const code = randomDigits(opts.length, random);
    const hash: KeyedDigest = keyedHash(
      keyring,
      "code-hmac",
      codeParts(challengeId, purpose, destination, code),
    );
    const record: LiveRecord = {
      v: 1,
      state: "live",
      purpose,
      destination,
      hash: { keyId: hash.keyId, digest: hash.digest },
      sentAt: now,
      expiresAt: now + ttlMs,
      sendCount,
    };
    return { code, record };
  };

  const at = (now: number) => new Date(now).toISOString();
  // Events are built only when someone listens: masking and dates are not free on a hot path.
  const emit = async (build: () => MfaEvent) => {
    if (events !== noEvents) await emitEvent(events, build());
  };

  const issued = async (
    ref: ChallengeRef,
    record: LiveRecord,
    resend: boolean,
  ): Promise<Omit<IssuedCode, "code" | "attemptsLeft">> => {
    await emit(() => ({
      type: "code.issued",
      at: at(record.sentAt),
      userId: ref.userId,
      challengeId: ref.challengeId,
      purpose: record.purpose,
      destination: maskDestination(record.destination),
      resend,
    }));
    return {
      challengeId: ref.challengeId,
      expiresAt: record.expiresAt,
      sendCount: record.sendCount,
    };
  };

  const fail = async (
    ref: ChallengeRef,
    reason: Extract<MfaEvent, { type: "code.failed" }>["reason"],
    attemptsLeft?: number,
  ): Promise<VerifyFailure> => {
    await emit(() => ({
      type: "code.failed",
      at: at(clock.now()),
      userId: ref.userId,
      challengeId: ref.challengeId,
      reason,
    }));
    return attemptsLeft === undefined ? { ok: false, reason } : { ok: false, reason, attemptsLeft };
  };

  const inUse = () =>
    new MfaError("invalid_input", {
      message: "That challenge id is already in use or was used before.",
      data: { field: "challengeId" },
    });

  const assertRef = (ref: ChallengeRef) => {
    assertUserId(ref.userId);
    assertChallengeId(ref.challengeId);
  };

  return Object.freeze({
    options: opts,

    async issue(input: IssueCodeInput): Promise<IssuedCode> {
      const { userId, purpose, destination } = input;
      assertUserId(userId);
      assertPurpose(purpose);
      assertDestination(destination);
      if (input.challengeId !== undefined) assertChallengeId(input.challengeId);
      const ref = { userId, challengeId: input.challengeId ?? randomId("ch_", random) };
      // A caller-chosen id may have been used before: its record may be gone while its attempt
      // counter lives on. Reusing it would inherit that counter with a TTL shorter than the new
      // challenge's life, so refuse. Generated ids (128 random bits) never repeat.
      if (input.challengeId !== undefined && (await store.get(attemptsKey(ref))) !== null) {
        throw inUse();
      }
      const { code, record } = draw(ref.challengeId, purpose, destination, 1, clock.now());
      const put = await store.put(recordKey(ref), record, {
        expectVersion: null,
        ttlMs: recordTtlMs,
      });
      if (!put.ok) throw inUse();
      return { ...(await issued(ref, record, false)), code, attemptsLeft: opts.maxAttempts };
    },

    async resend(ref: ChallengeRef): Promise<IssuedCode> {
      assertRef(ref);
      const notFound = () =>
        new MfaError("challenge_not_found", { data: { challengeId: ref.challengeId } });
      for (let round = 0; round < maxRounds; round++) {
        const entry = liveRecord(await store.get(recordKey(ref)));
        if (!entry) throw notFound();
        const used = await attemptsUsed(ref);
        if (used >= opts.maxAttempts) throw notFound();
        const current = entry.value;
        if (current.sendCount >= opts.maxSends) {
          throw new MfaError("resend_limit_reached", {
            data: { challengeId: ref.challengeId, maxSends: opts.maxSends },
          });
        }
        const { code, record } = draw(
          ref.challengeId,
          current.purpose,
          current.destination,
          current.sendCount + 1,
          clock.now(),
        );
        // Compare-and-set: of concurrent resends one wins per version and the others draw again
        // on the new record, so no send is lost and only the last code drawn is live.
        const put = await store.put(recordKey(ref), record, {
          expectVersion: entry.version,
          ttlMs: recordTtlMs,
        });
        if (put.ok) {
          return {
            ...(await issued(ref, record, true)),
            code,
            attemptsLeft: opts.maxAttempts - used,
          };
        }
      }
      throw new MfaError("store_conflict", { data: { challengeId: ref.challengeId } });
    },

    async verify(input: VerifyCodeInput): Promise<CodeVerifyResult> {
      const { purpose, destination, code } = input;
      const ref = { userId: input.userId, challengeId: input.challengeId };
      // Every check that can throw runs before the store is touched: no attempt, no state change.
      assertRef(ref);
      assertPurpose(purpose);
      assertDestination(destination);
      assertCodeFormat(code, opts.length);

      const entry = liveRecord(await store.get(recordKey(ref)));
      if (!entry) return fail(ref, "not_found");
      const record = entry.value;
      const now = clock.now();
      if (now >= record.expiresAt) return fail(ref, "expired");

      // Count first, compare second (REL-02): the counter is the gate, so concurrent guesses
      // beyond the cap never reach the digest.
      const attempts = await store.increment(attemptsKey(ref), { ttlMs: counterTtlMs });
      if (attempts > opts.maxAttempts) {
        // A concurrent check may have used the code meanwhile: "not_found" is then the truth.
        const again = liveRecord(await store.get(recordKey(ref)));
        return fail(ref, again ? "locked" : "not_found", 0);
      }
      const attemptsLeft = opts.maxAttempts - attempts;
      const wrong = () => fail(ref, "code_mismatch", attemptsLeft);

      const matches = verifyKeyedHash(
        keyring,
        "code-hmac",
        codeParts(ref.challengeId, purpose, destination, code),
        record.hash,
      );
      if (!matches) return wrong();

      // Consume: only the check that moves the record from the version it read to a tombstone
      // wins (LIFE-03, REL-01). The tombstone keeps the record's remaining TTL.
      const used: CodeRecord = { v: 1, state: "used" };
      const put = await store.put(recordKey(ref), used, {
        expectVersion: entry.version,
        ttlMs: Math.max(1, record.sentAt + recordTtlMs - now),
      });
      if (put.ok) {
        await emit(() => ({
          type: "code.verified",
          at: at(now),
          userId: ref.userId,
          challengeId: ref.challengeId,
        }));
        return { ok: true, challengeId: ref.challengeId };
      }
      // Lost the race: another check used the code (or it was cancelled), or a resend replaced
      // it, in which case these digits are the dead previous code.
      return liveRecord(put.current) ? wrong() : fail(ref, "not_found");
    },

    async status(ref: ChallengeRef): Promise<CodeStatus | null> {
      assertRef(ref);
      const entry = liveRecord(await store.get(recordKey(ref)));
      if (!entry) return null;
      const record = entry.value;
      const attemptsLeft = Math.max(0, opts.maxAttempts - (await attemptsUsed(ref)));
      return {
        challengeId: ref.challengeId,
        purpose: record.purpose,
        expiresAt: record.expiresAt,
        attemptsLeft,
        sendCount: record.sendCount,
        sendsLeft: attemptsLeft === 0 ? 0 : opts.maxSends - record.sendCount,
        lastSentAt: record.sentAt,
      };
    },

    async cancel(ref: ChallengeRef): Promise<void> {
      assertRef(ref);
      for (let round = 0; round < maxRounds; round++) {
        const entry = liveRecord(await store.get(recordKey(ref)));
        if (!entry) return;
        const cancelled: CodeRecord = { v: 1, state: "cancelled" };
        const put = await store.put(recordKey(ref), cancelled, {
          expectVersion: entry.version,
          ttlMs: Math.max(1, entry.value.sentAt + recordTtlMs - clock.now()),
        });
        if (put.ok) return;
      }
      throw new MfaError("store_conflict", { data: { challengeId: ref.challengeId } });
    },
  });
}
