/**
 * Recovery codes: a set of one-time look-up secrets (NIST SP 800-63B §5.1.2) a user writes down
 * at enrolment and uses at sign-in when their phone or authenticator app is out of reach
 * (Auth0's and Kratos' recovery codes, GitHub's and Google's backup codes).
 *
 * - Each code has 50 bits (see `code-format.ts`) and is shown once, in the answer that made it.
 * - The user's document holds only a keyed hash (HMAC-SHA-256 under the keyring's `lookup-hmac`
 *   sub-key) of each, bound to the user and to its set, and when it was used (STORE-02).
 * - A code is single use: it is marked used in the action's unit of work, so the check and the
 *   mark are one compare-and-set of the document; of N parallel uses exactly one commits
 *   (LIFE-03, REL-01). A used code answers `replayed`, never a success.
 * - Making a new set replaces the old one whole: every earlier code stops working at once.
 *
 * Why a keyed fast hash and not a password hash below 112 bits (STORE-02's rule for unkeyed
 * hashes): the HMAC key lives in the keyring, apart from the store, as NIST SP 800-63B §5.1.1.2
 * describes for its keyed step, so a dump of the store alone cannot be searched offline; and a
 * check compares against up to 20 codes, which a password hash would make 20 slow hashes per
 * sign-in. Online guessing is throttled (RATE-05): 10 codes in 2^50 leave a guesser about one
 * chance in 10^14 per guess.
 *
 * @module
 */

import { constantTimeEqualHex, type KeyedDigest, keyedHash } from "../crypto/keyed-hash.js";
import { randomId } from "../crypto/random-string.js";
import { MfaError } from "../errors.js";
import { userKey } from "../keys.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { Keyring } from "../ports/keyring.js";
import type { Store } from "../ports/store.js";
import { displayRecoveryCode, newRecoveryCode } from "./code-format.js";

/** A user's recovery codes, as Security info shows them: never a code. */
export interface RecoveryCodesStatus {
  /** Whether the user holds a set at all (made and not revoked). */
  readonly active: boolean;
  /** Codes not used yet. */
  readonly remaining: number;
  /** Codes in the set when it was made. */
  readonly total: number;
  /** When the set was made (epoch ms), `null` without one. */
  readonly createdAt: number | null;
  /** `remaining` is at or below the policy's `recoveryCodes.fewLeft`: suggest a new set. */
  readonly fewLeft: boolean;
}

/** A new set: the codes are in this answer only, shown once, never again. */
export interface GeneratedRecoveryCodes {
  /** The codes as the user should write them down (`xxxxx-xxxxx`). */
  readonly codes: readonly string[];
  readonly createdAt: number;
}

/** What one use of a code gives: a value, never an exception. */
export type RecoveryCodeUse =
  | { readonly ok: true; readonly remaining: number }
  | { readonly ok: false; readonly reason: "code_mismatch" | "replayed" | "not_found" };

type Item = { readonly digest: string; readonly usedAt: number | null };
type CodeSet = {
  readonly v: 1;
  readonly setId: string;
  readonly keyId: string;
  readonly createdAt: number;
  readonly items: readonly Item[];
};

/** The key of a user's recovery codes inside their document. */
const keyOf = (userId: string) => userKey(userId, "recovery-codes");

/** Recovery codes over a store (in the SDK, the user's unit of work). */
export function recoveryCodes(deps: {
  store: Store;
  keyring: Keyring;
  clock: Clock;
  random: RandomSource;
}) {
  const { store, keyring, clock, random } = deps;
  const read = async (userId: string) => {
    const entry = await store.get<CodeSet & Record<string, never>>(keyOf(userId));
    return { set: (entry?.value as CodeSet | undefined) ?? null, version: entry?.version ?? null };
  };
  // The set id is hashed in: a code of an old set can never match a digest of a new one.
  const hashOf = (userId: string, setId: string, code: string, keyId?: string): KeyedDigest =>
    keyedHash(keyring, "lookup-hmac", [userId, setId, code], keyId);

  return {
    /**
     * Makes a new set of `count` codes for the user, replacing any earlier set whole (its codes
     * stop working in the same commit). The codes are in the answer only.
     */
    async generate(userId: string, count: number): Promise<GeneratedRecoveryCodes> {
      const { version } = await read(userId);
      const setId = randomId("rcs_", random);
      const codes = new Set<string>();
      // Duplicates are ~2^-50 likely; a Set keeps "count distinct codes" true regardless, and
      // the bound stops a random source that repeats itself from looping for ever.
      for (let draw = 0; codes.size < count; draw++) {
        if (draw > count * 4)
          throw new MfaError("internal", { message: "The random source repeats." });
        codes.add(newRecoveryCode(random));
      }
      const createdAt = clock.now();
      const keyId = keyring.currentId;
      const items = [...codes].map((code) => ({
        digest: hashOf(userId, setId, code, keyId).digest,
        usedAt: null,
      }));
      const set: CodeSet = { v: 1, setId, keyId, createdAt, items };
      const put = await store.put(keyOf(userId), set as never, { expectVersion: version });
      if (!put.ok) throw new MfaError("store_conflict", { data: { record: "recovery-codes" } });
      return { codes: [...codes].map(displayRecoveryCode), createdAt };
    },

    /**
     * Uses one code (in canonical form): marks it used and answers how many are left. Every
     * stored digest is compared, in constant time each, whatever matched first.
     */
    async use(userId: string, code: string): Promise<RecoveryCodeUse> {
      const { set, version } = await read(userId);
      if (!set || set.items.length === 0) return { ok: false, reason: "not_found" };
      const presented = hashOf(userId, set.setId, code, set.keyId).digest;
      let match = -1;
      set.items.forEach((item, i) => {
        if (constantTimeEqualHex(presented, item.digest)) match = i;
      });
      const found = set.items[match];
      if (!found) return { ok: false, reason: "code_mismatch" };
      if (found.usedAt !== null) return { ok: false, reason: "replayed" };
      const now = clock.now();
      const items = set.items.map((item, i) => (i === match ? { ...item, usedAt: now } : item));
      const put = await store.put(keyOf(userId), { ...set, items } as never, {
        expectVersion: version,
      });
      if (!put.ok) throw new MfaError("store_conflict", { data: { record: "recovery-codes" } });
      return { ok: true, remaining: items.filter((i) => i.usedAt === null).length };
    },

    /** The user's set as Security info shows it; `fewLeftAt` is the policy's threshold. */
    async status(userId: string, fewLeftAt: number): Promise<RecoveryCodesStatus> {
      const { set } = await read(userId);
      if (!set) return { active: false, remaining: 0, total: 0, createdAt: null, fewLeft: false };
      const remaining = set.items.filter((i) => i.usedAt === null).length;
      return {
        active: true,
        remaining,
        total: set.items.length,
        createdAt: set.createdAt,
        fewLeft: remaining <= fewLeftAt,
      };
    },

    /** Forgets the user's set; whether there was one. */
    async revokeAll(userId: string): Promise<boolean> {
      return store.delete(keyOf(userId));
    },
  };
}

/** The recovery-codes module of one action. */
export type RecoveryCodes = ReturnType<typeof recoveryCodes>;
