/**
 * The Temporary Access Pass record: Entra's time-boxed pass that an administrator gives a user who
 * has lost every factor (or has none yet), so they can sign in and register new ones.
 *
 * A user holds at most one pass, in their account document under `tap`. The document keeps only
 * a keyed hash of it (HMAC-SHA-256 under its own sub-key, bound to the user and the pass id), its
 * start and its expiry, both fixed at issue. A one-time pass is marked used by the unit that
 * accepts it, so of many parallel uses exactly one commits (REL-01). The record outlives its
 * expiry by {@link EXPIRED_PASS_RETENTION_MS}, so a late use is told "expired" (and the expiry
 * audited once) rather than "no such pass".
 *
 * @module
 */

import { type KeyedDigest, keyedHash, verifyKeyedHash } from "../crypto/keyed-hash.js";
import { randomId, randomString } from "../crypto/random-string.js";
import { MfaError } from "../errors.js";
import { userKey } from "../keys.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { Keyring } from "../ports/keyring.js";
import type { Store } from "../ports/store.js";

/**
 * The symbols of a pass: digits and lowercase letters without `0 o 1 i l`, which are misread
 * when a pass is read out over the phone or copied from a screen (31 symbols).
 */
export const PASS_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";

/** Symbols in a pass: 16 × log2(31) ≈ 79 bits, shown as four groups of four. */
export const PASS_LENGTH = 16;

/** Entra's shortest pass lifetime, in minutes. */
export const MIN_PASS_LIFETIME_MINUTES = 10;

/** Entra's longest pass lifetime (30 days), in minutes. */
export const MAX_PASS_LIFETIME_MINUTES = 43_200;

/** How long an expired pass's record is kept, so a late use is "expired", not "not found". */
export const EXPIRED_PASS_RETENTION_MS = 30 * 86_400_000;

/** The longest pass text looked at, before any normalising or hashing (REL-07). */
const MAX_PASS_INPUT = 64;
const PASS_ID = /^tap_[A-Za-z0-9_-]{22}$/;
const PASS_TEXT = new RegExp(`^[${PASS_ALPHABET}]{${PASS_LENGTH}}$`);

/** A user's pass as stored: never the pass itself. */
export interface PassRecord {
  readonly v: 1;
  readonly id: string;
  readonly hash: KeyedDigest;
  readonly createdAt: number;
  /** From when it can be used (epoch ms). */
  readonly startsAt: number;
  /** Until when (epoch ms, exclusive); fixed at issue, never extended by a use. */
  readonly expiresAt: number;
  readonly oneTime: boolean;
  /** The last accepted use; a one-time pass is spent once this is set. */
  readonly usedAt: number | null;
  /** Whether its expiry was audited (`tap.expired` is emitted once per pass). */
  readonly expiryNoted: boolean;
}

/** A pass's state at a moment. */
export type PassState = "pending" | "active" | "used" | "expired";

/** The state of `record` at `now`. */
export function passState(record: PassRecord, now: number): PassState {
  if (now >= record.expiresAt) return "expired";
  if (record.oneTime && record.usedAt !== null) return "used";
  return now < record.startsAt ? "pending" : "active";
}

/**
 * The canonical form of a typed pass: spaces and hyphens dropped, lowercase. `invalid_input`
 * (field `pass`) for anything that cannot be a pass (wrong type, too long, another alphabet,
 * emoji, lone surrogates), before any work is done with it.
 */
export function normalisePass(pass: unknown): string {
  if (typeof pass !== "string" || pass.length > MAX_PASS_INPUT) {
    throw new MfaError("invalid_input", { data: { field: "pass" } });
  }
  const canonical = pass.replace(/[\s-]/g, "").toLowerCase();
  if (!PASS_TEXT.test(canonical)) throw new MfaError("invalid_input", { data: { field: "pass" } });
  return canonical;
}

/** `invalid_input` (field `session.via.passId`) unless `id` is a pass id. */
export function assertPassId(id: unknown): asserts id is string {
  if (typeof id !== "string" || !PASS_ID.test(id)) {
    throw new MfaError("invalid_input", { data: { field: "session.via.passId" } });
  }
}

/** A pass as shown to the admin who issued it: `xxxx-xxxx-xxxx-xxxx`. */
const grouped = (pass: string) => pass.match(/.{4}/g)?.join("-") ?? pass;

/** The pass records of one store (in the SDK, the user's unit of work). */
export function passRecords(deps: {
  store: Store;
  keyring: Keyring;
  clock: Clock;
  random: RandomSource;
}) {
  const { store, keyring, clock, random } = deps;
  const key = (userId: string) => userKey(userId, "tap");
  const ttlOf = (record: PassRecord) =>
    Math.max(1, record.expiresAt + EXPIRED_PASS_RETENTION_MS - clock.now());
  const write = async (userId: string, record: PassRecord, version: number | null) => {
    const put = await store.put(key(userId), record as never, {
      expectVersion: version,
      ttlMs: ttlOf(record),
    });
    if (!put.ok) throw new MfaError("store_conflict", { data: { record: "tap" } });
  };

  return {
    /** The user's pass record (in any state), and its version. */
    async read(userId: string): Promise<{ record: PassRecord | null; version: number | null }> {
      const entry = await store.get<PassRecord & Record<string, never>>(key(userId));
      return {
        record: (entry?.value as PassRecord | undefined) ?? null,
        version: entry?.version ?? null,
      };
    },

    /** Issues a pass that replaces any other; the pass is in the answer only. */
    async issue(
      userId: string,
      options: { startsAt: number; lifetimeMinutes: number; oneTime: boolean },
    ): Promise<{ pass: string; record: PassRecord; replaced: PassRecord | null }> {
      const current = await this.read(userId);
      const id = randomId("tap_", random);
      const pass = randomString(PASS_LENGTH, PASS_ALPHABET, random);
      const record: PassRecord = {
        v: 1,
        id,
        hash: keyedHash(keyring, "tap-hmac", [userId, id, pass]),
        createdAt: clock.now(),
        startsAt: options.startsAt,
        expiresAt: options.startsAt + options.lifetimeMinutes * 60_000,
        oneTime: options.oneTime,
        usedAt: null,
        expiryNoted: false,
      };
      await write(userId, record, current.version);
      return { pass: grouped(pass), record, replaced: current.record };
    },

    /**
     * Whether `pass` (canonical) is the user's pass, compared in constant time. Only a matching
     * pass learns its state; with no pass, a guess is a mismatch like any other.
     */
    matches(userId: string, record: PassRecord | null, pass: string): boolean {
      return (
        record !== null &&
        verifyKeyedHash(keyring, "tap-hmac", [userId, record.id, pass], record.hash)
      );
    },

    /** Writes a changed record (a use, an expiry noted) in place. */
    async update(userId: string, record: PassRecord, version: number | null): Promise<void> {
      await write(userId, record, version);
    },

    /** Deletes the user's pass; the record that was there. */
    async revoke(userId: string): Promise<PassRecord | null> {
      const { record } = await this.read(userId);
      if (record) await store.delete(key(userId));
      return record;
    },
  };
}

/** The pass records of one action. */
export type PassRecords = ReturnType<typeof passRecords>;
