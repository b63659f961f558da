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
 *   enrolment expires after `pendingTtlSeconds` and dies after 5 wrong codes (RATE-01). A
 *   confirmation first spends one of those 5 attempts with a compare-and-set and only then opens
 *   the seed, so however many run at once, no more than 5 codes are ever compared (REL-02).
 * - An active factor keeps no failure count: the cap on its consecutive failures (RATE-02) is
 *   the core's limiter's alone, one counter that an admin can clear. A wrong code writes
 *   nothing here.
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
import { assertKeyUriLabelPart, buildKeyUri, MAX_KEY_URI_LABEL_PART } from "./key-uri.js";
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

/**
 * Which QR code {@link TotpService.begin} draws: `"svg"` for a web page, `"text"` (Unicode
 * blocks) for a terminal, `"none"` when the caller draws its own from `uri` or needs none.
 */
export type TotpQrForm = "svg" | "text" | "none";

/** What {@link TotpService.begin} takes. */
export interface TotpBeginInput<Q extends TotpQrForm = "svg"> {
  /** The user who adds the app. */
  userId: string;
  /**
   * The account name the app shows, checked by {@link assertKeyUriLabelPart}; `accountLabel`
   * (same module) makes one from any string.
   */
  accountName: string;
  /** A pending enrolment's id, to restart it with a new secret. */
  factorId?: string;
  /**
   * The QR code to draw, only that one: drawing is most of `begin`'s time.
   * @default "svg"
   */
  qr?: Q;
}

/** The QR code field that {@link TotpEnrolment} has for a {@link TotpQrForm}. */
export type TotpQrCode<Q extends TotpQrForm> = Q extends "svg"
  ? {
      /** The Key URI as an SVG QR code. Holds the secret: treat it like the secret. */
      readonly qrSvg: string;
    }
  : Q extends "text"
    ? {
        /** The Key URI as a QR code in Unicode block art, for terminals. Holds the secret. */
        readonly qrText: string;
      }
    : unknown;

/**
 * What {@link TotpService.begin} returns: everything the user needs to add the account, with
 * the QR code asked for (`qrSvg` by default, `qrText` for `qr: "text"`, neither for `"none"`).
 */
export type TotpEnrolment<Q extends TotpQrForm = "svg"> = {
  /** The new factor's id. */
  readonly factorId: string;
  /** The secret as unpadded base32, for manual entry. Shown once: never stored in the clear. */
  readonly secret: string;
  /** The `otpauth://` Key URI. */
  readonly uri: string;
  /** When the enrolment expires unless confirmed, epoch milliseconds. */
  readonly expiresAt: number;
} & TotpQrCode<Q>;

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
   * For a pending enrolment, the wrong codes it may still take before it ends (of
   * {@link TOTP_MAX_CONFIRM_ATTEMPTS}); `null` once active, where the core's limiter alone
   * counts failures (RATE-02).
   */
  confirmAttemptsLeft: number | null;
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
   * Starts an enrolment: a new secret, its Key URI, the QR code asked for, and a pending
   * factor. Passing the `factorId` of a pending enrolment restarts it with a new secret (and a
   * fresh attempt budget); an active factor's id throws `factor_not_pending`. Every input is
   * checked before anything is stored: a refused one (`invalid_input`, `input_too_long`)
   * leaves no record behind.
   */
  begin<Q extends TotpQrForm = "svg">(input: TotpBeginInput<Q>): Promise<TotpEnrolment<Q>>;
  /**
   * Activates a pending factor with its first code. Fails with `expired`, `locked` (after 5
   * wrong codes, or while 5 confirmations are in flight, with `attemptsLeft: 0`),
   * `code_mismatch` (with `attemptsLeft`) or `not_found`; throws `factor_not_pending` if the
   * factor is already active.
   */
  confirm(input: { userId: string; factorId: string; code: string }): Promise<TotpVerifyResult>;
  /**
   * Checks a code of an active factor. Fails with `code_mismatch`, `replayed` (this step or an
   * older one was already accepted) or `not_found` (no such active factor). Counts nothing:
   * capping failures (RATE-02) is the caller's, e.g. the core's limiter.
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
  /**
   * Stores a seed brought from another system (a migration import) as an active factor, sealed
   * exactly like an enrolled one and never shown again. The caller has checked the seed's length
   * (GEN-03); the parameters must be ones this service verifies (6 or 8 digits, 30 or 60 s, a
   * {@link TOTP_ALGORITHMS} hash), else `invalid_input` naming the field. `false`, writing
   * nothing, when a factor with this id already exists (an import run again).
   */
  adopt(input: AdoptedSeed): Promise<boolean>;
}

/** A seed from another system, for {@link TotpService.adopt}. */
export interface AdoptedSeed {
  readonly userId: string;
  readonly factorId: string;
  /** The raw seed; the caller wipes it after. */
  readonly secret: Uint8Array;
  /** The account name the app showed. */
  readonly label: string;
  readonly algorithm: TotpAlgorithm;
  readonly digits: number;
  readonly periodSeconds: number;
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
  /**
   * Pending only: confirmations spent, wrong or in flight (RATE-01). Dropped on activation;
   * records written before this rule may still carry it on an active factor, where it is
   * ignored.
   */
  failures?: number;
};

/** What confirm and verify take. */
type CodeInput = { userId: string; factorId: string; code: string };

/** The QR forms {@link TotpService.begin} draws. */
const QR_FORMS: readonly TotpQrForm[] = ["svg", "text", "none"];

/**
 * The longest account name's Key URI part: 128 four-byte characters, each 12 characters once
 * percent-encoded. An issuer whose Key URI cannot also hold this one would make some account
 * names fail at `begin`, so it is refused at construction instead.
 */
const LONGEST_ACCOUNT = String.fromCodePoint(0x10000).repeat(MAX_KEY_URI_LABEL_PART);

const DEFAULTS = {
  window: 1,
  digits: 6,
  periodSeconds: 30,
  algorithm: "SHA1",
  pendingTtlSeconds: 900,
} as const;

/**
 * Options already resolved, by the object passed in: `createMfa` builds a service per action
 * from one options object, and checking the issuer builds a worst-case Key URI each time.
 */
const resolvedOptions = new WeakMap<TotpOptions, Readonly<Required<TotpOptions>>>();

/** Applies defaults and reports every invalid option in one `config_invalid` error. */
function resolveOptions(options: TotpOptions): Readonly<Required<TotpOptions>> {
  const known = typeof options === "object" && options !== null && resolvedOptions.get(options);
  if (known) return known;
  const resolved = { ...DEFAULTS, ...options };
  const bad: string[] = [];
  try {
    assertKeyUriLabelPart(resolved.issuer, "issuer", "config_invalid");
    // The longest parameters too, whatever is configured: the check is about the issuer.
    buildKeyUri({
      issuer: resolved.issuer,
      accountName: LONGEST_ACCOUNT,
      secret: "A".repeat(Math.ceil((TOTP_SECRET_BYTES * 8) / 5)),
      algorithm: "SHA512",
      digits: 8,
      periodSeconds: 60,
    });
  } catch {
    bad.push("issuer (1-128 characters, no ':' or control characters, short enough for a QR code)");
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
  const frozen = Object.freeze(resolved);
  if (typeof options === "object" && options !== null) resolvedOptions.set(options, frozen);
  return frozen;
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
    confirmAttemptsLeft:
      record.status === "pending"
        ? Math.max(0, TOTP_MAX_CONFIRM_ATTEMPTS - (record.failures ?? 0))
        : null,
    expiresAt: record.expiresAt,
  };
}

function isLive(record: TotpRecord, now: number): boolean {
  return record.status === "active" || record.expiresAt === null || now < record.expiresAt;
}

/**
 * The pending entry a confirmation may act on, or why there is none (`not_found`, `expired`);
 * throws `factor_not_pending` for an active factor.
 */
function pendingEntry(
  entry: StoreEntry<TotpRecord> | null,
  factorId: string,
  now: number,
): StoreEntry<TotpRecord> | "not_found" | "expired" {
  if (!entry?.value) return "not_found";
  if (entry.value.status !== "pending") {
    throw new MfaError("factor_not_pending", { data: { factorId } });
  }
  return isLive(entry.value, now) ? entry : "expired";
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

  /**
   * The store key of a code check, after the checks that need no store: a code may have either
   * allowed length here (a factor keeps the length it was enrolled with, checked once its
   * record is read), so malformed input costs no read.
   */
  function checkedKey(input: CodeInput): string {
    const { code } = input;
    assertCodeFormat(code, typeof code === "string" && code.length === 8 ? 8 : 6);
    return keyOf(input.userId, input.factorId);
  }

  /** A record without the pending-only attempt count, for writing it as active. */
  function withoutAttempts(record: TotpRecord): TotpRecord {
    const { failures: _, ...rest } = record;
    return rest;
  }

  /** verify(): a compare-and-set loop over the replay guard (see the module comment). */
  async function verifyCode(input: CodeInput): Promise<TotpVerifyResult> {
    const { userId, factorId, code } = input;
    const key = checkedKey(input);
    // Matches depend on the seed and the time only; a lost compare-and-set re-reads the record
    // but reuses them while the sealed seed is unchanged.
    let cachedCt: string | null = null;
    let steps: number[] = [];
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const entry: StoreEntry<TotpRecord> | null = await store.get<TotpRecord>(key);
      const now = clock.now();
      const record = entry?.value;
      if (!entry || !record || record.status !== "active") {
        return fail(userId, factorId, "not_found", now);
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
        // (LOG-02). It proves the code, not a guess.
        return fail(userId, factorId, "replayed", now);
      }
      // Nothing to write: the failure cap of an active factor is the limiter's (RATE-02).
      if (fresh.length === 0) return fail(userId, factorId, "code_mismatch", now);

      const step = Math.max(...fresh);
      const next: TotpRecord = { ...withoutAttempts(record), lastUsedAt: now, lastStep: step };
      const put = await store.put(key, next, { expectVersion: entry.version });
      if (!put.ok) continue;
      await emit({ type: "totp.verified", at: at(now), userId, factorId });
      return { ok: true, factorId, step };
    }
    throw new MfaError("store_conflict", { data: { factorId } });
  }

  /**
   * confirm(): spends one of the enrolment's attempts with a compare-and-set, and only then
   * opens the seed and compares (REL-02): of any number of concurrent confirmations, at most
   * {@link TOTP_MAX_CONFIRM_ATTEMPTS} ever compare a code; the others are answered `locked`.
   */
  async function confirmCode(input: CodeInput): Promise<TotpVerifyResult> {
    const { userId, factorId, code } = input;
    const key = checkedKey(input);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = clock.now();
      const entry = pendingEntry(await store.get<TotpRecord>(key), factorId, now);
      if (typeof entry === "string") return fail(userId, factorId, entry, now);
      const record = entry.value;
      const spent = record.failures ?? 0;
      if (spent >= TOTP_MAX_CONFIRM_ATTEMPTS) return fail(userId, factorId, "locked", now, 0);
      assertCodeFormat(code, record.digits);

      const reserved: TotpRecord = { ...record, failures: spent + 1 };
      const put = await store.put(key, reserved, {
        expectVersion: entry.version,
        ttlMs: ttlOf(reserved, now),
      });
      if (!put.ok) continue;
      // A pending record has no accepted step yet, so any match is fresh.
      const steps = await matchingSteps(userId, factorId, record, code, now);
      if (steps.length === 0) {
        const left = Math.max(0, TOTP_MAX_CONFIRM_ATTEMPTS - spent - 1);
        return fail(userId, factorId, "code_mismatch", now, left);
      }
      return activate(
        { userId, factorId, key },
        { value: reserved, version: put.version },
        Math.max(...steps),
      );
    }
    throw new MfaError("store_conflict", { data: { factorId } });
  }

  /**
   * Activates a pending factor whose code matched at `step`. Its attempt is already spent, so a
   * concurrent confirmation that spends another in between only makes it write again; one that
   * activated it first, a restart with a new secret, a removal or expiry in between win.
   */
  async function activate(
    factor: { userId: string; factorId: string; key: string },
    entry: StoreEntry<TotpRecord>,
    step: number,
  ): Promise<TotpVerifyResult> {
    const { userId, factorId, key } = factor;
    const matchedCt = entry.value.seed.ct;
    let current: StoreEntry<TotpRecord> | null = entry;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = clock.now();
      const live = pendingEntry(current, factorId, now);
      if (typeof live === "string") return fail(userId, factorId, live, now);
      const record = live.value;
      if (record.seed.ct !== matchedCt) {
        // Restarted meanwhile: the code was for the secret that was replaced.
        const left = Math.max(0, TOTP_MAX_CONFIRM_ATTEMPTS - (record.failures ?? 0));
        return fail(userId, factorId, "code_mismatch", now, left);
      }
      const next: TotpRecord = {
        ...withoutAttempts(record),
        status: "active",
        activatedAt: now,
        expiresAt: null,
        lastUsedAt: now,
        lastStep: step,
      };
      const put = await store.put(key, next, { expectVersion: live.version });
      if (put.ok) {
        await emit({ type: "totp.activated", at: at(now), userId, factorId });
        return { ok: true, factorId, step };
      }
      current = await store.get<TotpRecord>(key);
    }
    throw new MfaError("store_conflict", { data: { factorId } });
  }

  return Object.freeze({
    options: resolved,

    async begin<Q extends TotpQrForm = "svg">(input: TotpBeginInput<Q>) {
      const { userId, accountName } = input;
      const qr: TotpQrForm = input.qr ?? "svg";
      // Everything that can refuse the input runs before the store is written, so a refused
      // begin leaves no pending record behind (and a retry no second one).
      assertKeyUriLabelPart(accountName, "accountName");
      if (!QR_FORMS.includes(qr)) {
        throw new MfaError("invalid_input", {
          message: 'qr is "svg", "text" or "none".',
          data: { field: "qr" },
        });
      }
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
      const base32 = base32Encode(secret);
      const uri = buildKeyUri({
        issuer: resolved.issuer,
        accountName,
        secret: base32,
        algorithm: resolved.algorithm,
        digits: resolved.digits,
        periodSeconds: resolved.periodSeconds,
      });
      const code =
        qr === "svg" ? { qrSvg: qrSvg(uri) } : qr === "text" ? { qrText: qrText(uri) } : {};

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
      secret.fill(0);
      const record: TotpRecord = { ...draft, seed: { ...sealed } };
      const put = await store.put(key, record, { expectVersion, ttlMs: ttlOf(record, now) });
      if (!put.ok) throw new MfaError("store_conflict", { data: { factorId } });

      await emit({ type: "totp.enrolment_started", at: at(now), userId, factorId });
      return { factorId, secret: base32, uri, expiresAt, ...code } as TotpEnrolment<Q>;
    },

    confirm: confirmCode,
    verify: verifyCode,

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

    async adopt(input) {
      const { userId, factorId, secret, label, algorithm, digits, periodSeconds } = input;
      const key = keyOf(userId, factorId);
      const bad = (field: string) => new MfaError("invalid_input", { data: { field } });
      if (!TOTP_ALGORITHMS.includes(algorithm)) throw bad("algorithm");
      if (digits !== 6 && digits !== 8) throw bad("digits");
      if (periodSeconds !== 30 && periodSeconds !== 60) throw bad("periodSeconds");
      if (await store.get<TotpRecord>(key)) return false;
      const now = clock.now();
      // Active from the start, with no accepted step yet: the user's next code is its first.
      const draft: Omit<TotpRecord, "seed"> = {
        v: 1,
        status: "active",
        label,
        algorithm,
        digits,
        periodSeconds,
        createdAt: now,
        expiresAt: null,
        activatedAt: now,
        lastUsedAt: null,
        lastStep: null,
      };
      const sealed = await seal(keyring, secret, associatedData(userId, factorId, draft), random);
      const put = await store.put(key, { ...draft, seed: { ...sealed } }, { expectVersion: null });
      return put.ok;
    },

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
