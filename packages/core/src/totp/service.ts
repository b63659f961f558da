/**
 * Authenticator-app (TOTP) factors: enrolment, confirmation and verification.
 *
 * Security choices, each tied to SECURITY.md:
 * - 160-bit secrets from the injected CSPRNG, one per factor (GEN-03); shown once, by
 *   {@link TotpService.begin}, and never again (TOTP-06).
 * - Stored only sealed with AES-256-GCM (STORE-04) under the keyring's current key, the key id
 *   beside it (STORE-05), with associated data naming the factor's parameters, its id and its
 *   user: a sealed seed copied into another user's or factor's record fails to open, and a
 *   record whose `digits` or `algorithm` were edited in the store no longer opens either.
 * - A factor is active only after its first code is confirmed (TOTP-06); an unconfirmed
 *   enrolment expires after `pendingTtlSeconds` and dies after 5 wrong codes (RATE-01).
 * - Time comes from the injected clock only (TOTP-05); ±`window` steps are accepted (TOTP-03).
 * - Replay (TOTP-04, LIFE-03): a code is accepted only for a step above the last accepted one,
 *   and the record is updated with a compare-and-set, so of any number of concurrent checks of
 *   one valid code exactly one succeeds. Refused reuse is logged (LOG-02).
 * - Every window step's code is computed and compared in constant time, whichever matches, so
 *   the response time does not tell which step a near-miss hit.
 *
 * @module
 */

import { assertCodeFormat } from "../codes/code-input.js";
import { constantTimeEqual } from "../crypto/keyed-hash.js";
import { randomId } from "../crypto/random-string.js";
import { needsReseal, open, type Sealed, seal } from "../crypto/seal.js";
import { MfaError, type VerifyFailure, type VerifyFailureReason } from "../errors.js";
import { userKey } from "../keys.js";
import { type Clock, type RandomSource, systemClock, webCryptoRandom } from "../ports/clock.js";
import { type EventSink, emitEvent, type MfaEvent, noEvents } from "../ports/events.js";
import type { Keyring } from "../ports/keyring.js";
import type { Store, StoreEntry } from "../ports/store.js";
import { base32Encode } from "./base32.js";
import { codeFromDigest, keyedHotp, TOTP_ALGORITHMS, type TotpAlgorithm } from "./hotp.js";
import { assertKeyUriLabelPart, buildKeyUri } from "./key-uri.js";
import { qrSvg, qrText } from "./qr.js";

/** Options of {@link createTotpService}. */
export interface TotpOptions {
  /**
   * Who issues the factor, e.g. `"Contoso"`: the title the app shows. No `':'` (Key URI rules).
   */
  issuer: string;
  /**
   * Time steps accepted on either side of the current one. The default of 1 follows RFC 6238
   * §5.2 (one step of network delay) and Twilio's default skew; 0 is ASVS 5.0 6.5.5's literal
   * 30-second lifetime; 2 is the cap (TOTP-03).
   * @default 1
   */
  window?: 0 | 1 | 2;
  /** Code length. @default 6 */
  digits?: 6 | 8;
  /** Time step. @default 30 */
  periodSeconds?: 30 | 60;
  /** HMAC hash. SHA1 is what every authenticator app supports. @default "SHA1" */
  algorithm?: TotpAlgorithm;
  /** How long an unconfirmed enrolment lives, in seconds (60 to 86,400). @default 900 */
  pendingTtlSeconds?: number;
}

/** What {@link createTotpService} needs. */
export interface TotpServiceDeps {
  /** Where factors live. */
  store: Store;
  /** The keys seeds are sealed under. */
  keyring: Keyring;
  /** The only source of time (TOTP-05). @default systemClock */
  clock?: Clock;
  /** Secrets, ids and IVs come from here. @default webCryptoRandom */
  random?: RandomSource;
  /** Audit events. @default noEvents */
  events?: EventSink;
}

/** What {@link TotpService.begin} returns: everything the user needs to add the account. */
export interface TotpEnrolment {
  /** The new factor's id. */
  factorId: string;
  /** The secret as unpadded base32, for manual entry. Shown once: never stored in the clear. */
  secret: string;
  /** The `otpauth://` Key URI. */
  uri: string;
  /** The Key URI as an SVG QR code. */
  qrSvg: string;
  /** The Key URI as a QR code in Unicode block art, for terminals. */
  qrText: string;
  /** When the enrolment expires unless confirmed, epoch milliseconds. */
  expiresAt: number;
}

/** A factor's metadata: never its secret. */
export interface TotpFactorInfo {
  /** The factor's id. */
  factorId: string;
  /** `pending` until the first code is confirmed. */
  status: "pending" | "active";
  /** When {@link TotpService.begin} made it, epoch milliseconds. */
  createdAt: number;
  /** When it was confirmed, epoch milliseconds. */
  activatedAt: number | null;
  /** When a code last verified, epoch milliseconds. */
  lastUsedAt: number | null;
  /** The account name shown in the app. */
  label: string;
  /**
   * Wrong codes since the last success: for a pending factor, wrong confirmations (5 end the
   * enrolment); for an active one, consecutive failed verifications (RATE-02's counter).
   */
  consecutiveFailures: number;
  /** When a pending enrolment expires, epoch milliseconds; `null` once active. */
  expiresAt: number | null;
}

/** The outcome of checking a code: the accepted time step, or why not. */
export type TotpVerifyResult =
  | { readonly ok: true; readonly factorId: string; readonly step: number }
  | VerifyFailure;

/** Authenticator-app factors of users. */
export interface TotpService {
  /** The options in force, defaults applied. */
  readonly options: Readonly<Required<TotpOptions>>;
  /**
   * Starts an enrolment: a new secret, its Key URI and QR code, and a pending factor. Passing
   * the `factorId` of a pending enrolment restarts it with a new secret (and a fresh attempt
   * budget); an active factor's id throws `factor_not_pending`.
   */
  begin(input: { userId: string; accountName: string; factorId?: string }): Promise<TotpEnrolment>;
  /**
   * Activates a pending factor with its first code. Fails with `expired`, `locked` (after 5
   * wrong codes, with `attemptsLeft: 0`), `code_mismatch` (with `attemptsLeft`) or `not_found`;
   * throws `factor_not_pending` if the factor is already active.
   */
  confirm(input: { userId: string; factorId: string; code: string }): Promise<TotpVerifyResult>;
  /**
   * Checks a code of an active factor. Fails with `code_mismatch`, `replayed` (this step or an
   * older one was already accepted) or `not_found` (no such active factor).
   */
  verify(input: { userId: string; factorId: string; code: string }): Promise<TotpVerifyResult>;
  /** A factor's metadata, or `null` (absent, or a pending enrolment that expired). */
  get(input: { userId: string; factorId: string }): Promise<TotpFactorInfo | null>;
  /** All of a user's live factors, oldest first. */
  list(input: { userId: string }): Promise<TotpFactorInfo[]>;
  /** Deletes a factor (pending or active); `true` if it existed. */
  remove(input: { userId: string; factorId: string }): Promise<boolean>;
  /**
   * Re-encrypts a factor's seed under the keyring's current key (rotation, STORE-05); `true` if
   * it changed, `false` if it was already current or does not exist.
   */
  reseal(input: { userId: string; factorId: string }): Promise<boolean>;
}

/** Wrong codes that end a pending enrolment (RATE-01). */
export const TOTP_MAX_CONFIRM_ATTEMPTS = 5;

/** Bytes of a new secret: 160 bits, the SHA-1 output length (RFC 4226 R6, GEN-03). */
export const TOTP_SECRET_BYTES = 20;

/**
 * An expired pending record stays in the store this much longer, so that `confirm` can answer
 * `expired` (start again) rather than `not_found`. It can never be confirmed in that time.
 */
const EXPIRED_PENDING_GRACE_MS = 60 * 60 * 1000;

/** Compare-and-set rounds before giving up with `store_conflict` (one winner per round). */
const MAX_ROUNDS = 64;

const FACTOR_ID = /^[A-Za-z0-9_-]{1,64}$/;

const utf8 = new TextEncoder();

/** A factor as stored, under `userKey(userId, "totp", factorId)`. */
type TotpRecord = {
  v: 1;
  status: "pending" | "active";
  label: string;
  algorithm: TotpAlgorithm;
  digits: 6 | 8;
  periodSeconds: number;
  seed: { v: 1; keyId: string; iv: string; ct: string };
  createdAt: number;
  expiresAt: number | null;
  activatedAt: number | null;
  lastUsedAt: number | null;
  /** The last accepted time step; only later steps are accepted (TOTP-04). */
  lastStep: number | null;
  /** Wrong codes since the last success (see {@link TotpFactorInfo.consecutiveFailures}). */
  failures: number;
};

const DEFAULTS = {
  window: 1,
  digits: 6,
  periodSeconds: 30,
  algorithm: "SHA1",
  pendingTtlSeconds: 900,
} as const;

/** Applies defaults and reports every invalid option in one `config_invalid` error. */
function resolveOptions(options: TotpOptions): Readonly<Required<TotpOptions>> {
  const resolved = { ...DEFAULTS, ...options };
  const bad: string[] = [];
  try {
    assertKeyUriLabelPart(resolved.issuer, "issuer", "config_invalid");
  } catch {
    bad.push("issuer (1-128 characters, no ':' or control characters)");
  }
  if (![0, 1, 2].includes(resolved.window)) bad.push("window (0, 1 or 2)");
  if (resolved.digits !== 6 && resolved.digits !== 8) bad.push("digits (6 or 8)");
  if (resolved.periodSeconds !== 30 && resolved.periodSeconds !== 60) {
    bad.push("periodSeconds (30 or 60)");
  }
  if (!TOTP_ALGORITHMS.includes(resolved.algorithm)) bad.push("algorithm (SHA1, SHA256, SHA512)");
  const ttl = resolved.pendingTtlSeconds;
  if (!Number.isSafeInteger(ttl) || ttl < 60 || ttl > 86_400) {
    bad.push("pendingTtlSeconds (60 to 86400)");
  }
  if (bad.length > 0) {
    throw new MfaError("config_invalid", {
      message: `Invalid TOTP options: ${bad.join("; ")}.`,
      data: { module: "totp", fields: bad.map((b) => b.split(" ")[0]).join(",") },
    });
  }
  return Object.freeze(resolved);
}

function assertFactorId(factorId: unknown): asserts factorId is string {
  if (typeof factorId !== "string" || !FACTOR_ID.test(factorId)) {
    throw new MfaError("invalid_input", {
      message: "A factor id is 1-64 letters, digits, '_' or '-'.",
      data: { field: "factorId" },
    });
  }
}

/**
 * The AEAD associated data of a seed. The factor id has no ':' (see {@link assertFactorId}) and
 * the user id comes last, so the string parses one way only, whatever the user id holds.
 */
function associatedData(
  userId: string,
  factorId: string,
  params: Pick<TotpRecord, "algorithm" | "digits" | "periodSeconds">,
): string {
  const { algorithm, digits, periodSeconds } = params;
  return `mfakit:totp:v1:${algorithm}:${digits}:${periodSeconds}:${factorId}:${userId}`;
}

/** The store TTL a record is written with: pending ones expire (plus grace), active never. */
function ttlOf(record: TotpRecord, now: number): number | undefined {
  if (record.status === "active" || record.expiresAt === null) return undefined;
  return Math.max(1, record.expiresAt + EXPIRED_PENDING_GRACE_MS - now);
}

function infoOf(factorId: string, record: TotpRecord): TotpFactorInfo {
  return {
    factorId,
    status: record.status,
    createdAt: record.createdAt,
    activatedAt: record.activatedAt,
    lastUsedAt: record.lastUsedAt,
    label: record.label,
    consecutiveFailures: record.failures,
    expiresAt: record.expiresAt,
  };
}

function isLive(record: TotpRecord, now: number): boolean {
  return record.status === "active" || record.expiresAt === null || now < record.expiresAt;
}

/**
 * The TOTP service.
 *
 * @example
 * ```ts
 * const totp = createTotpService({ store, keyring }, { issuer: "Contoso" });
 * const { factorId, qrSvg } = await totp.begin({ userId, accountName: "alice@contoso.com" });
 * // show qrSvg; the user scans it and types the code the app shows
 * const r = await totp.confirm({ userId, factorId, code: "492039" });
 * if (!r.ok) showError(r.reason, r.attemptsLeft);
 * ```
 */
export function createTotpService(deps: TotpServiceDeps, options: TotpOptions): TotpService {
  const { store, keyring } = deps;
  if (!store || !keyring) {
    throw new MfaError("config_invalid", {
      message: "The TOTP service needs a store and a keyring.",
      data: { module: "totp" },
    });
  }
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? webCryptoRandom;
  const events = deps.events ?? noEvents;
  const resolved = resolveOptions(options);

  const keyOf = (userId: string, factorId: string) => {
    assertFactorId(factorId);
    return userKey(userId, "totp", factorId);
  };
  const emit = (event: MfaEvent) => emitEvent(events, event);
  const at = (now: number) => new Date(now).toISOString();

  async function fail(
    userId: string,
    factorId: string,
    reason: VerifyFailureReason,
    now: number,
    attemptsLeft?: number,
  ): Promise<VerifyFailure> {
    if (reason === "code_mismatch" || reason === "replayed" || reason === "not_found") {
      await emit({ type: "totp.failed", at: at(now), userId, factorId, reason });
    }
    return attemptsLeft === undefined ? { ok: false, reason } : { ok: false, reason, attemptsLeft };
  }

  /**
   * The steps in the window around now whose code equals `code`. Every step is computed and
   * compared, match or not, and the opened seed is wiped before returning.
   */
  async function matchingSteps(
    userId: string,
    factorId: string,
    record: TotpRecord,
    code: string,
    now: number,
  ): Promise<number[]> {
    const seed = await open(keyring, record.seed, associatedData(userId, factorId, record));
    try {
      const mac = keyedHotp(seed, record.algorithm);
      const current = Math.floor(now / 1000 / record.periodSeconds);
      const given = utf8.encode(code);
      const steps: number[] = [];
      for (let step = current - resolved.window; step <= current + resolved.window; step++) {
        if (step < 0) continue;
        const expected = utf8.encode(codeFromDigest(mac(step), record.digits));
        if (constantTimeEqual(expected, given)) steps.push(step);
      }
      return steps;
    } finally {
      seed.fill(0);
    }
  }

  /** confirm() and verify(): one compare-and-set loop, see the module comment. */
  async function check(
    mode: "confirm" | "verify",
    input: { userId: string; factorId: string; code: string },
  ): Promise<TotpVerifyResult> {
    const { userId, factorId, code } = input;
    // A factor keeps the length it was enrolled with, so before its record is read (no work
    // for malformed input) a code may have either allowed length; its own is checked after.
    assertCodeFormat(code, typeof code === "string" && code.length === 8 ? 8 : 6);
    const key = keyOf(userId, factorId);
    // Matches depend on the seed and the time only; a lost compare-and-set re-reads the record
    // but reuses them while the sealed seed is unchanged.
    let cachedCt: string | null = null;
    let steps: number[] = [];
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const entry: StoreEntry<TotpRecord> | null = await store.get<TotpRecord>(key);
      const now = clock.now();
      const record = entry?.value;
      if (!entry || !record || (mode === "verify" && record.status !== "active")) {
        return fail(userId, factorId, "not_found", now);
      }
      if (mode === "confirm") {
        if (record.status !== "pending") {
          throw new MfaError("factor_not_pending", { data: { factorId } });
        }
        if (!isLive(record, now)) return fail(userId, factorId, "expired", now);
        if (record.failures >= TOTP_MAX_CONFIRM_ATTEMPTS) {
          return fail(userId, factorId, "locked", now, 0);
        }
      }
      assertCodeFormat(code, record.digits);
      if (cachedCt !== record.seed.ct) {
        steps = await matchingSteps(userId, factorId, record, code, now);
        cachedCt = record.seed.ct;
      }
      const last = record.lastStep ?? -1;
      const fresh = steps.filter((s) => s > last);

      if (steps.length > 0 && fresh.length === 0) {
        // A valid code for a step already used, or older than one used: refused and logged
        // (LOG-02). Not counted as a failure: it proves the code, not a guess.
        return fail(userId, factorId, "replayed", now);
      }
      if (fresh.length === 0) {
        const next: TotpRecord = { ...record, failures: record.failures + 1 };
        const put = await store.put(key, next, {
          expectVersion: entry.version,
          ttlMs: ttlOf(next, now),
        });
        if (!put.ok) continue;
        const left =
          mode === "confirm" ? Math.max(0, TOTP_MAX_CONFIRM_ATTEMPTS - next.failures) : undefined;
        return fail(userId, factorId, "code_mismatch", now, left);
      }

      const step = Math.max(...fresh);
      const next: TotpRecord =
        mode === "confirm"
          ? {
              ...record,
              status: "active",
              activatedAt: now,
              expiresAt: null,
              lastUsedAt: now,
              lastStep: step,
              failures: 0,
            }
          : { ...record, lastUsedAt: now, lastStep: step, failures: 0 };
      const put = await store.put(key, next, { expectVersion: entry.version });
      if (!put.ok) continue;
      await emit({
        type: mode === "confirm" ? "totp.activated" : "totp.verified",
        at: at(now),
        userId,
        factorId,
      });
      return { ok: true, factorId, step };
    }
    throw new MfaError("store_conflict", { data: { factorId } });
  }

  return Object.freeze({
    options: resolved,

    async begin(input: { userId: string; accountName: string; factorId?: string }) {
      const { userId, accountName } = input;
      assertKeyUriLabelPart(accountName, "accountName");
      const factorId = input.factorId ?? randomId("totp_", random);
      const key = keyOf(userId, factorId);

      let expectVersion: number | null = null;
      if (input.factorId !== undefined) {
        const existing = await store.get<TotpRecord>(key);
        if (existing?.value.status === "active") {
          throw new MfaError("factor_not_pending", { data: { factorId } });
        }
        expectVersion = existing?.version ?? null;
      }

      const now = clock.now();
      const secret = random.bytes(TOTP_SECRET_BYTES);
      const expiresAt = now + resolved.pendingTtlSeconds * 1000;
      const draft: Omit<TotpRecord, "seed"> = {
        v: 1,
        status: "pending",
        label: accountName,
        algorithm: resolved.algorithm,
        digits: resolved.digits,
        periodSeconds: resolved.periodSeconds,
        createdAt: now,
        expiresAt,
        activatedAt: null,
        lastUsedAt: null,
        lastStep: null,
        failures: 0,
      };
      const sealed: Sealed = await seal(
        keyring,
        secret,
        associatedData(userId, factorId, draft),
        random,
      );
      const record: TotpRecord = { ...draft, seed: { ...sealed } };
      const put = await store.put(key, record, { expectVersion, ttlMs: ttlOf(record, now) });
      if (!put.ok) throw new MfaError("store_conflict", { data: { factorId } });

      const base32 = base32Encode(secret);
      secret.fill(0);
      const uri = buildKeyUri({
        issuer: resolved.issuer,
        accountName,
        secret: base32,
        algorithm: resolved.algorithm,
        digits: resolved.digits,
        periodSeconds: resolved.periodSeconds,
      });
      await emit({ type: "totp.enrolment_started", at: at(now), userId, factorId });
      return { factorId, secret: base32, uri, qrSvg: qrSvg(uri), qrText: qrText(uri), expiresAt };
    },

    confirm: (input) => check("confirm", input),
    verify: (input) => check("verify", input),

    async get({ userId, factorId }) {
      const entry = await store.get<TotpRecord>(keyOf(userId, factorId));
      if (!entry || !isLive(entry.value, clock.now())) return null;
      return infoOf(factorId, entry.value);
    },

    async list({ userId }) {
      const prefix = userKey(userId, "totp", "");
      const now = clock.now();
      const out: TotpFactorInfo[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list(prefix, cursor === undefined ? {} : { cursor });
        for (const item of page.items) {
          const record = item.value as TotpRecord;
          if (isLive(record, now)) out.push(infoOf(item.key.slice(prefix.length), record));
        }
        cursor = page.cursor ?? undefined;
      } while (cursor !== undefined);
      return out.sort((a, b) => a.createdAt - b.createdAt);
    },

    remove: ({ userId, factorId }) => store.delete(keyOf(userId, factorId)),

    async reseal({ userId, factorId }) {
      const key = keyOf(userId, factorId);
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const entry = await store.get<TotpRecord>(key);
        if (!entry || !needsReseal(keyring, entry.value.seed)) return false;
        const record = entry.value;
        const aad = associatedData(userId, factorId, record);
        const seed = await open(keyring, record.seed, aad);
        const next: TotpRecord = {
          ...record,
          seed: { ...(await seal(keyring, seed, aad, random)) },
        };
        seed.fill(0);
        const put = await store.put(key, next, {
          expectVersion: entry.version,
          ttlMs: ttlOf(next, clock.now()),
        });
        if (put.ok) return true;
      }
      throw new MfaError("store_conflict", { data: { factorId } });
    },
  } satisfies TotpService);
}
