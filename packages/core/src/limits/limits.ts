/**
 * Rate limits, the SMS-pumping guard and the consecutive-failure cap.
 *
 * Every counter lives in the Store, so every app instance shares them (RATE-03). Sends are
 * checked at several layers before any provider call (FRAUD-03): a cooldown per destination,
 * then fixed windows per destination, user, IP, number prefix, country and globally. Failed
 * checks of a factor are counted across challenges and resends; past `maxConsecutiveFailures`
 * the factor is disabled until it is bound again (RATE-02), and before that each failure past
 * `delayAfterFailures` adds a growing wait (RATE-04). Counters hang off the account and factor,
 * not only the IP (RATE-06); a lockout disables one factor, never the account, and a factor of
 * 64 bits or more (an app password) is only throttled, per client network and for a while, so
 * an attacker who knows a username cannot lock its owner out (RATE-08; see {@link LockoutMode}).
 * Each check is reserved before it runs ({@link Limiter.reserveCheck}), so a burst of parallel
 * guesses cannot skip the cap or the delay (REL-02). A send's counters are one batch, which the
 * SDK counts in the same commit as the user's document ({@link Limiter.planSend}).
 *
 * @module
 */

import { z } from "zod";
import { globalKey, userKey } from "../keys.js";
import type { Clock } from "../ports/clock.js";
import type { IncrementItem, Store } from "../ports/store.js";
import { destinationBucket, ipBucket } from "./buckets.js";

/** The zod schema of the limits; `z.input` is what an app writes. */
export const limitsSchema = z
  .object({
    /** Seconds between two codes to one destination (Okta: 30). */
    destinationCooldownSeconds: z.number().int().min(0).max(3600).default(30),
    /** Codes per destination per hour (Auth0: 10). */
    perDestinationPerHour: z.number().int().min(1).max(1000).default(10),
    /** Codes per user per hour, all destinations. */
    perUserPerHour: z.number().int().min(1).max(1000).default(20),
    /** Codes per client IP per hour. */
    perIpPerHour: z.number().int().min(1).max(100_000).default(30),
    /** Codes per number prefix (the E.164 number less its last 4 digits) per hour (FRAUD-03). */
    perPrefixPerHour: z.number().int().min(1).max(100_000).default(30),
    /** Codes per destination country per hour. */
    perCountryPerHour: z.number().int().min(1).max(10_000_000).default(1000),
    /** Codes per hour across everything: a spending cap's last line (FRAUD-04). */
    globalPerHour: z.number().int().min(1).max(10_000_000).default(10_000),
    /** Consecutive failures of one factor before it is disabled until re-bound (RATE-02: ≤ 100). */
    maxConsecutiveFailures: z.number().int().min(1).max(100).default(100),
    /** Failures after which each further failure adds a growing wait (RATE-04). */
    delayAfterFailures: z.number().int().min(1).max(100).default(10),
    /** The longest wait the progressive delay reaches, in seconds (NIST: up to an hour). */
    maxDelaySeconds: z.number().int().min(1).max(86_400).default(3600),
  })
  .prefault({});

const parsedLimits = new WeakSet<object>();

/** Parses limits once (defaults applied, frozen), so that building a limiter from them is free. */
export function resolveLimits(input: LimitsInput = {}): Limits {
  const limits = Object.freeze(limitsSchema.parse(input));
  parsedLimits.add(limits);
  return limits;
}

/** Limits as an app writes them. */
export type LimitsInput = z.input<typeof limitsSchema>;
/** Limits with defaults applied. */
export type Limits = z.output<typeof limitsSchema>;

/** The layer a send was refused at. */
export type LimitScope =
  | "cooldown"
  | "destination"
  | "user"
  | "ip"
  | "prefix"
  | "country"
  | "global";

/** Whether a send may go ahead. */
export type SendAllowance =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: "rate_limited";
      readonly scope: LimitScope;
      readonly retryAfterSeconds: number;
    };

/** Whether a factor may be checked now. */
export type FactorAllowance =
  | { readonly ok: true; readonly failures: number }
  | { readonly ok: false; readonly reason: "disabled"; readonly failures: number }
  | {
      readonly ok: false;
      readonly reason: "locked";
      readonly failures: number;
      readonly retryAfterSeconds: number;
    };

/**
 * What a failure cap does at its limit.
 * - `"disable"` (RATE-02): the factor is disabled until it is bound again or an admin clears it.
 *   For secrets below 64 bits (codes, TOTP), where NIST requires it.
 * - `"throttle"` (RATE-08): the counter lives for `maxDelaySeconds` after the last failure and the
 *   cap only locks until then. For secrets of 64 bits and more (app passwords, RATE-05), keyed by
 *   the client's network, so a stranger who knows a user id cannot lock the owner out for good.
 */
export type LockoutMode = "disable" | "throttle";

/** A check of a factor reserved before it runs, or why it may not run now. */
export type CheckReservation =
  | {
      readonly ok: true;
      /** This attempt's number among the consecutive failures, counting itself. */
      readonly attempt: number;
    }
  | Exclude<FactorAllowance, { ok: true }>;
/** What a send is about, for {@link Limiter.allowSend}. */
export interface SendSubject {
  readonly userId: string;
  /** Canonical destination: E.164 or a normalised email address. */
  readonly destination: string;
  /** ISO country of a phone destination; omitted for email. */
  readonly country?: string;
  /** The client's IP, taken by the app from a trusted proxy header only (RATE-06). */
  readonly ip?: string;
}

const HOUR_MS = 3_600_000;

/**
 * A store that counts in batches: every store `guardStore` returns (the adapters' factories and
 * `createMfa` guard theirs) and the SDK's unit of work.
 */
export type CountingStore = Store & Required<Pick<Store, "incrementMany">>;

/** Compare-and-set rounds a reservation tries before telling the caller to wait its turn. */
const RESERVE_ROUNDS = 16;

/**
 * A factor's consecutive failures, as stored: `n` failures (reserved checks count until they
 * settle), the time before which no check may run (the progressive delay, RATE-04), and when the
 * last one was reserved.
 */
type FailureRecord = { readonly n: number; readonly notBefore: number; readonly at: number };

/** Reads a stored failure record; anything else (absent, a legacy bare counter) reads as such. */
function failureRecord(value: unknown): FailureRecord {
  if (typeof value === "number") return { n: value, notBefore: 0, at: 0 };
  if (typeof value === "object" && value !== null && "n" in value) return value as FailureRecord;
  return { n: 0, notBefore: 0, at: 0 };
}

/** The limiter the engine and the challenge use. */
export interface Limiter {
  /** The limits in force. */
  readonly limits: Limits;
  /**
   * Checks and counts one send at every layer; call before the provider. Destinations and IPs
   * are counted per bucket (see `destinationBucket`, `ipBucket`). A refused send counts
   * nothing: whatever it counted before the layer that refused it is undone, so a send refused
   * for its IP or user does not use up its destination's quota.
   * @throws {MfaError} `invalid_input` (`data.field`: `"destination"` or `"ip"`) before any
   *   counter moves.
   */
  allowSend(subject: SendSubject): Promise<SendAllowance>;
  /**
   * Undoes what an allowed {@link Limiter.allowSend} of the same subject counted: every hourly
   * counter goes down by one (never below zero) and the destination's cooldown is released.
   * Call it at once when a send that was allowed does not happen for a reason the destination
   * cannot be blamed for — the app's `beforeSend` hook refused it — so that whoever fails the
   * bot check cannot stop a chosen number from receiving codes (FRAUD-03, FRAUD-05).
   *
   * Call it only after an allowed `allowSend`, once, and before the cooldown ends: the
   * cooldown claim names no send, so a refund after it lapsed could release a later send's.
   * @throws {MfaError} `invalid_input` as `allowSend` does.
   */
  refundSend(subject: SendSubject): Promise<void>;
  /**
   * The counters a send of `subject` moves and the limits on them, for a caller that counts them
   * in its own write (the unit of work); validates the destination and IP.
   */
  planSend(subject: SendSubject): SendPlan;
  /** Whether the counts a plan's items reached (in order) allow the send. */
  judgeSend(plan: SendPlan, counts: readonly number[]): SendAllowance;
  /** Takes back what a plan counted (a send refused after counting), never below zero. */
  refund(plan: SendPlan): Promise<void>;
  /** The counter of one verified (or sent) code for the day's figures of a country (FRAUD-06). */
  conversionItem(kind: "sent" | "verified", country: string): IncrementItem;
  /**
   * Whether a factor may be checked now (not disabled, not in a progressive delay). A read only,
   * for listing options: a check itself must {@link Limiter.reserveCheck}.
   */
  allowCheck(userId: string, factorKey: string): Promise<FactorAllowance>;
  /**
   * Reserves one check of a factor BEFORE it runs (REL-02): the attempt is counted as a failure
   * and the progressive delay for the next one is set, in one compare-and-set, so however many
   * checks race, no more than the cap are ever run and each waits its turn. Settle it with
   * {@link Limiter.settleCheck}.
   */
  reserveCheck(userId: string, factorKey: string, mode?: LockoutMode): Promise<CheckReservation>;
  /**
   * Settles a reserved check: `"success"` forgets the factor's failures, `"failure"` keeps the
   * one reserved, `"void"` gives it back (the check compared nothing: expired, replayed, gone).
   */
  settleCheck(
    userId: string,
    factorKey: string,
    outcome: "success" | "failure" | "void",
    mode?: LockoutMode,
  ): Promise<void>;
  /** Forgets a factor's failures (after a success, a re-bind, or an admin's reset). */
  clearFailures(userId: string, factorKey: string): Promise<void>;
  /** Forgets every failure counter of a user; the number of factors that had any. */
  clearAllFailures(userId: string): Promise<number>;
  /** Every factor of a user with a failure record, and what it allows now (for admin and tests). */
  listFailures(
    userId: string,
  ): Promise<Array<{ readonly factorKey: string; readonly allowance: FactorAllowance }>>;
  /** Counts a code sent / verified per country and day, so SMS pumping shows (FRAUD-06). */
  recordConversion(kind: "sent" | "verified", country: string): Promise<void>;
  /** Sent and verified counts per country for one UTC day (`YYYY-MM-DD`). */
  conversion(
    day: string,
    countries: readonly string[],
  ): Promise<Array<{ country: string; sent: number; verified: number }>>;
}

/**
 * The limiter over a store.
 *
 * @example
 * ```ts
 * const limiter = createLimiter({ store, clock }, { perDestinationPerHour: 5 });
 * const allowed = await limiter.allowSend({ userId, destination: "+447400123456", country: "GB", ip });
 * if (!allowed.ok) return show(`Try again in ${allowed.retryAfterSeconds} s`);
 * ```
 */
export function createLimiter(
  deps: { store: CountingStore; clock: Clock },
  input: LimitsInput = {},
): Limiter {
  // Limits parsed once (createMfa does, per instance) are not parsed again on every action.
  const limits = parsedLimits.has(input as object) ? (input as Limits) : resolveLimits(input);
  const { store, clock } = deps;
  const failKey = (userId: string, factorKey: string) => userKey(userId, "failures", factorKey);

  /** Seconds to wait after `failures` consecutive failures (0 before the threshold). */
  const delaySeconds = (failures: number) =>
    failures < limits.delayAfterFailures
      ? 0
      : Math.min(limits.maxDelaySeconds, 2 ** (failures - limits.delayAfterFailures));

  /**
   * A throttled counter forgets itself this long after its last failure (RATE-08): twice the
   * longest delay, so someone who waits out each delay still finds the count, and stays at one
   * guess per longest delay, while a quiet hour or two leaves nothing behind.
   */
  const throttleWindowMs = 2 * limits.maxDelaySeconds * 1000;

  /** The first limit a plan's counts break, as the refusal a caller shows; else ok. */
  const judge = (plan: SendPlan, counts: readonly number[]): SendAllowance => {
    const refused = plan.checks.find(([, index, max]) => (counts[index] ?? 0) > max);
    if (!refused) return { ok: true };
    const [scope] = refused;
    const retryAfterSeconds = scope === "cooldown" ? limits.destinationCooldownSeconds : 3600;
    return { ok: false, reason: "rate_limited", scope, retryAfterSeconds };
  };

  const readFailures = async (key: string) => {
    const entry = await store.get<FailureRecord & Record<string, never>>(key);
    return { entry, record: failureRecord(entry?.value) };
  };

  /** The allowance that follows from a failure record, at `now`. */
  const allowanceOf = (record: FailureRecord, mode: LockoutMode, now: number): FactorAllowance => {
    const failures = record.n;
    if (mode === "disable" && failures >= limits.maxConsecutiveFailures)
      return { ok: false, reason: "disabled", failures };
    if (now < record.notBefore) {
      const retryAfterSeconds = Math.max(1, Math.ceil((record.notBefore - now) / 1000));
      return { ok: false, reason: "locked", failures, retryAfterSeconds };
    }
    return { ok: true, failures };
  };

  return {
    limits,

    async allowSend(subject) {
      // Every counter of the send in one batch (one round trip, one commit where the store can),
      // the cooldown a counter too: a second send within it counts 2. A refusal takes the whole
      // batch back, so a refused send counts nothing anywhere.
      const plan = sendPlan(limits, subject, clock.now());
      const verdict = judge(plan, await countAll(store, plan.items, 1));
      if (!verdict.ok) await uncount(store, plan.items);
      return verdict;
    },

    planSend(subject) {
      return sendPlan(limits, subject, clock.now());
    },

    judgeSend: (plan, counts) => judge(plan, counts),

    async refund(plan) {
      await uncount(store, plan.items);
    },

    conversionItem(kind, country) {
      return { key: statsKey(kind, clock.now(), country), ttlMs: STATS_TTL_MS };
    },

    async refundSend(subject) {
      await uncount(store, sendPlan(limits, subject, clock.now()).items);
    },

    async allowCheck(userId, factorKey) {
      return allowanceOf(
        (await readFailures(failKey(userId, factorKey))).record,
        "disable",
        clock.now(),
      );
    },

    async reserveCheck(userId, factorKey, mode = "disable") {
      const key = failKey(userId, factorKey);
      let { entry, record } = await readFailures(key);
      for (let round = 0; round < RESERVE_ROUNDS; round++) {
        const now = clock.now();
        const allowance = allowanceOf(record, mode, now);
        if (!allowance.ok) return allowance;
        // A throttled factor at its cap waits out the longest delay instead of being disabled.
        const n =
          mode === "throttle"
            ? Math.min(record.n + 1, limits.maxConsecutiveFailures)
            : record.n + 1;
        const wait =
          mode === "throttle" && record.n + 1 >= limits.maxConsecutiveFailures
            ? limits.maxDelaySeconds
            : delaySeconds(n);
        const next: FailureRecord = { n, notBefore: now + wait * 1000, at: now };
        const put = await store.put(key, next, {
          expectVersion: entry?.version ?? null,
          ...(mode === "throttle" ? { ttlMs: throttleWindowMs } : {}),
        });
        if (put.ok) return { ok: true, attempt: n };
        entry = put.current as typeof entry;
        record = failureRecord(put.current?.value);
      }
      // Others are checking this factor right now: this one waits its turn rather than run.
      return { ok: false, reason: "locked", failures: record.n, retryAfterSeconds: 1 };
    },

    async settleCheck(userId, factorKey, outcome, mode = "disable") {
      const key = failKey(userId, factorKey);
      if (outcome === "failure") return;
      if (outcome === "success") {
        await store.delete(key);
        return;
      }
      // Give the reserved attempt back; the delay it set stays (a few seconds at most).
      let { entry, record } = await readFailures(key);
      for (let round = 0; round < RESERVE_ROUNDS && entry && record.n > 0; round++) {
        const put = await store.put(
          key,
          { ...record, n: record.n - 1 },
          {
            expectVersion: entry.version,
            ...(mode === "throttle" ? { ttlMs: throttleWindowMs } : {}),
          },
        );
        if (put.ok) return;
        entry = put.current as typeof entry;
        record = failureRecord(put.current?.value);
      }
    },

    async clearFailures(userId, factorKey) {
      await store.delete(failKey(userId, factorKey));
    },

    async listFailures(userId) {
      const prefix = failKey(userId, "");
      const out: Array<{ factorKey: string; allowance: FactorAllowance }> = [];
      let cursor: string | undefined;
      do {
        const page = await store.list(prefix, { limit: 500, cursor });
        for (const item of page.items) {
          const factorKey = item.key.slice(prefix.length);
          out.push({
            factorKey,
            allowance: allowanceOf(failureRecord(item.value), "disable", clock.now()),
          });
        }
        cursor = page.cursor ?? undefined;
      } while (cursor);
      return out;
    },

    async clearAllFailures(userId) {
      let cleared = 0;
      let cursor: string | undefined;
      do {
        const page = await store.list(failKey(userId, ""), { limit: 500, cursor });
        for (const item of page.items) if (await store.delete(item.key)) cleared++;
        cursor = page.cursor ?? undefined;
      } while (cursor);
      return cleared;
    },

    async recordConversion(kind, country) {
      const day = new Date(clock.now()).toISOString().slice(0, 10);
      await store.increment(globalKey("stats", kind, day, country), { ttlMs: STATS_TTL_MS });
    },

    async conversion(day, countries) {
      return Promise.all(
        countries.map(async (country) => ({
          country,
          sent: (await store.get<number>(globalKey("stats", "sent", day, country)))?.value ?? 0,
          verified:
            (await store.get<number>(globalKey("stats", "verified", day, country)))?.value ?? 0,
        })),
      );
    },
  };
}

/** A limit of a send: its scope, the index of its counter in the plan's items, its maximum. */
export type SendCheck = readonly [scope: LimitScope, index: number, max: number];

/** The counters a send moves ({@link Limiter.planSend}) and the limits on them. */
export interface SendPlan {
  readonly items: readonly IncrementItem[];
  readonly checks: readonly SendCheck[];
}

/** The key of a day's conversion figure (FRAUD-06). */
const statsKey = (kind: "sent" | "verified", now: number, country: string) =>
  globalKey("stats", kind, new Date(now).toISOString().slice(0, 10), country);

/** How long a day's conversion figures are kept. */
const STATS_TTL_MS = 90 * 24 * HOUR_MS;

/**
 * The counters of a send and the limits on them, keyed on buckets (FRAUD-03, RATE-06): the
 * cooldown per destination, the hourly windows (destination, user, IP, number prefix, country,
 * global) and, for a phone, the day's "sent" figure of its country (FRAUD-06). Validates the
 * destination and IP, so a bad subject throws before any counter moves.
 */
function sendPlan(limits: Limits, subject: SendSubject, now: number): SendPlan {
  const { userId, country } = subject;
  const destination = destinationBucket(subject.destination);
  const ip = subject.ip === undefined ? undefined : ipBucket(subject.ip);
  const items: IncrementItem[] = [];
  const checks: SendCheck[] = [];
  const limit = (scope: LimitScope, key: string, max: number, ttlMs: number) => {
    checks.push([scope, items.length, max]);
    items.push({ key, ttlMs });
  };
  if (limits.destinationCooldownSeconds > 0)
    limit(
      "cooldown",
      globalKey("rl", "cooldown", destination),
      1,
      limits.destinationCooldownSeconds * 1000,
    );
  limit("destination", globalKey("rl", "dest", destination), limits.perDestinationPerHour, HOUR_MS);
  limit("user", userKey(userId, "rl", "sends"), limits.perUserPerHour, HOUR_MS);
  if (ip !== undefined) limit("ip", globalKey("rl", "ip", ip), limits.perIpPerHour, HOUR_MS);
  if (/^\+\d{8,15}$/.test(destination))
    limit(
      "prefix",
      globalKey("rl", "prefix", destination.slice(0, -4)),
      limits.perPrefixPerHour,
      HOUR_MS,
    );
  if (country)
    limit("country", globalKey("rl", "country", country), limits.perCountryPerHour, HOUR_MS);
  limit("global", globalKey("rl", "global"), limits.globalPerHour, HOUR_MS);
  if (country) items.push({ key: statsKey("sent", now, country), ttlMs: STATS_TTL_MS });
  return { items, checks };
}

/** Adds `by` to every counter of `items` in one batch; their new values, in order. */
function countAll(
  store: CountingStore,
  items: readonly IncrementItem[],
  by: number,
): Promise<number[]> {
  return store.incrementMany(items.map((i) => ({ ...i, by })));
}

/** Takes one count off each counter of a send, never below zero. */
async function uncount(store: CountingStore, items: readonly IncrementItem[]): Promise<void> {
  // The TTL matters only if a window ended since the count: the decrement then creates a
  // counter, which must expire like any window rather than live forever…
  const after = await countAll(store, items, -1);
  // …and at -1 it would allow one send too many in that window: back to zero.
  const below = items.filter((_, i) => (after[i] ?? 0) < 0);
  if (below.length > 0) await countAll(store, below, 1);
}
