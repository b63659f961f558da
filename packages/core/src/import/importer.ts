/**
 * `mfa.admin.import`: factors from another system, written as if the user had enrolled them.
 *
 * Every row is checked first with the enrolment rules (`rows.ts`), with no store call; the good
 * rows are grouped by user and each user's rows are one unit of work: one read of the user's
 * document, every factor bound through the factor registry (`factors.bind`), one compare-and-set.
 * So a user's import lands whole or not at all, and a user acting at the same moment only makes
 * the import run again on what they wrote (never lose their change or ours). Users are imported
 * a few at a time in parallel (`concurrency`), which is what makes large files fast.
 *
 * Idempotent: a row already imported (or a factor the user already holds with the same value) is
 * reported `unchanged` and writes nothing. TOTP seeds are recognised by a keyed fingerprint kept
 * with the import's mark — under the key id it was made with, so a rotated keyring still knows
 * them — never by the seed itself. Seeds are sealed by the TOTP module exactly as enrolled ones
 * (AES-256-GCM bound to user and factor, STORE-04). Nothing secret is in the report, the errors
 * or the audit event: rows are named by number, field and code.
 *
 * "Verify at next use": each imported factor carries a mark (source, when, and whether it must
 * be confirmed). An authenticator app counts as confirmed once a code from it has been accepted,
 * a phone once a sign-in code to it has been, an email or app password once the app says so
 * (`confirmImported`, after its own successful check). The registration campaign asks for the
 * rest: `mfa.required(userId).unconfirmedImports` lists them (see docs/migration.md).
 *
 * @module
 */

import type { ActionFlows, SharedDeps } from "../account/flows.js";
import {
  addToIndex,
  addToSlot,
  type IndexEntry,
  readIndex,
  slotKey,
} from "../app-passwords/records.js";
import { keyedHash } from "../crypto/keyed-hash.js";
import { randomId } from "../crypto/random-string.js";
import { MfaError } from "../errors.js";
import { userKey } from "../keys.js";
import { emitEvent } from "../ports/events.js";
import type { Registration } from "../registration/registration.js";
import { base32Encode } from "../totp/base32.js";
import {
  type CheckedRow,
  checkRow,
  type ImportErrorCode,
  type ImportRow,
  type ImportRowError,
  type ImportRowFlag,
} from "./rows.js";

/** Options of {@link ImportAdminApi.import}. */
export interface ImportOptions {
  /**
   * Where the rows came from, kept in each factor's mark (`"entra"`, `"okta"`, `"auth0"`,
   * `"csv"`): 1 to 32 letters, digits, `-` or `_`.
   * @default "import"
   */
  readonly source?: string;
  /**
   * Mark the imported factors "verify at next use" (see {@link ImportedFactor}).
   * @default true
   */
  readonly verifyAtNextUse?: boolean;
  /**
   * Import seeds of 80 to 127 bits with a `seed_below_128_bits` flag instead of refusing them
   * (GEN-03 asks for 128). Seeds under 80 bits are refused either way.
   * @default false
   */
  readonly allowShortSeeds?: boolean;
  /**
   * Users imported at the same time, each in its own unit of work (1 to 64).
   * @default 8
   */
  readonly concurrency?: number;
  /** Told after each user's rows are done: rows done of the total. */
  readonly onProgress?: (progress: { readonly done: number; readonly total: number }) => void;
}

/** What an import did. Numbers, row references and codes: never a secret or a full value. */
export interface ImportReport {
  /** Rows read. */
  readonly rows: number;
  /** Rows that wrote a factor. */
  readonly imported: number;
  /** Rows whose factor was already there (a re-run, or the user held the same value). */
  readonly unchanged: number;
  /** Rows refused: one entry each in `errors`. */
  readonly failed: number;
  /** Distinct users with at least one good row. */
  readonly users: number;
  /** Imported per kind of row. */
  readonly byKind: Readonly<Record<ImportRow["kind"], number>>;
  /** One per refused row, in row order. */
  readonly errors: readonly ImportRowError[];
  /** Imported rows the app should follow up (short seeds). */
  readonly flags: readonly ImportRowFlag[];
}

/** An imported factor a user still holds, with its mark. */
export interface ImportedFactor {
  /** The factor's id as Security info and admin list it (an app password's id for those). */
  readonly id: string;
  readonly kind: "authenticator-app" | "phone" | "recovery-email" | "app-password";
  readonly source: string;
  readonly importedAt: number;
  /** Whether the user should prove it before it is trusted alone. */
  readonly verifyAtNextUse: boolean;
  /** When it was confirmed (an accepted TOTP code, or `confirmImported`), else `null`. */
  readonly confirmedAt: number | null;
  /** A seed under 128 bits: ask the user to set the app up again. */
  readonly weakSeed: boolean;
}

/** The import part of the admin API. */
export interface ImportAdminApi {
  /**
   * Imports factors in the plain schema ({@link ImportRow}); `fromCsv`, `fromEntra`,
   * `fromOkta` and `fromAuth0` (`@mfakit/core/import`) turn other formats into it. Bad rows are
   * reported, good rows imported. Throws only for misuse (bad options) and infrastructure.
   */
  import(rows: readonly unknown[], options?: ImportOptions): Promise<ImportReport>;
  /** The user's imported factors they still hold, with their marks. */
  importedFactors(userId: string): Promise<ImportedFactor[]>;
  /**
   * Records that the user proved an imported factor (call it after a successful check of it);
   * `true` if it was waiting for that.
   */
  confirmImported(userId: string, id: string): Promise<boolean>;
}

/**
 * The imported factors `userId` still holds, with their marks, in the order Security info lists
 * them (app passwords last), read in the caller's unit.
 */
export async function importedFactorsOf(f: ActionFlows, userId: string): Promise<ImportedFactor[]> {
  const marks = await readMarks(f, userId);
  const reg = await f.registrations.get(userId);
  const held = f.factors.factorsOf(reg).map((factor) => factor.id);
  for (const ap of await readIndex(f.store, userId)) held.push(ap.id);
  const out: ImportedFactor[] = [];
  for (const id of held) {
    const m = Object.hasOwn(marks, id) ? marks[id] : undefined;
    if (!m) continue;
    // An authenticator app proves itself: any code accepted since the import confirms it.
    const used =
      m.kind === "authenticator-app" && m.confirmedAt === null
        ? ((await f.totp.get({ userId, factorId: id }))?.lastUsedAt ?? null)
        : null;
    out.push({
      id,
      kind: m.kind,
      source: m.source,
      importedAt: m.at,
      verifyAtNextUse: m.verify,
      confirmedAt: m.confirmedAt ?? used,
      weakSeed: m.weak === true,
    });
  }
  return out;
}

/** One imported factor's mark, in the user's document. */
type Mark = {
  readonly kind: ImportedFactor["kind"];
  readonly source: string;
  readonly at: number;
  readonly verify: boolean;
  readonly confirmedAt: number | null;
  readonly weak?: true;
  /** TOTP only: the seed's keyed fingerprint, to know it on a re-run. */
  readonly fp?: { readonly keyId: string; readonly digest: string };
};
type Marks = { readonly v: 1; readonly factors: Readonly<Record<string, Mark>> };

/** What a row did, once applied. */
type Applied = { row: CheckedRow; status: "imported" | "unchanged" } | { error: ImportRowError };

const SOURCE = /^[A-Za-z0-9_-]{1,32}$/;
const marksKey = (userId: string) => userKey(userId, "imported");

/** The user's import marks, by factor id (none: `{}`). */
async function readMarks(f: Pick<ActionFlows, "store">, userId: string) {
  return ((await f.store.get<Marks>(marksKey(userId)))?.value.factors ?? {}) as Record<
    string,
    Mark
  >;
}

/**
 * Marks imported factor `id` confirmed, in the caller's unit, if it was imported and not yet
 * confirmed: a successful check of it proves the user holds it. `false` when there was nothing to
 * confirm (most sign-ins: a factor that was never imported costs one read of the document).
 */
export async function confirmImportedMark(
  f: Pick<ActionFlows, "store" | "clock">,
  userId: string,
  id: string,
): Promise<boolean> {
  const marks = await readMarks(f, userId);
  const m = typeof id === "string" && Object.hasOwn(marks, id) ? marks[id] : undefined;
  if (!m || m.confirmedAt !== null) return false;
  await f.store.put(marksKey(userId), {
    v: 1,
    factors: { ...marks, [id]: { ...m, confirmedAt: f.clock.now() } },
  } as never);
  return true;
}

/** What {@link createImportApi} needs from `createMfa`. */
export interface ImportDeps {
  readonly shared: SharedDeps;
  /** Runs one action in the user's unit of work (and runs it again if another committed first). */
  readonly act: <T>(userId: string, action: (f: ActionFlows) => Promise<T>) => Promise<T>;
}

/** Builds the import API over `createMfa`'s shared parts. */
export function createImportApi(deps: ImportDeps): ImportAdminApi {
  const { shared, act } = deps;
  const { keyring, clock, policy } = shared;

  /** The seed's keyed fingerprint under `keyId` (the seed never leaves this function). */
  const fingerprint = (userId: string, secret: Uint8Array, keyId: string) =>
    keyedHash(keyring, "lookup-hmac", ["import-totp", userId, base32Encode(secret)], keyId);

  /** Applies one user's checked rows in `f`'s unit: the outcome of each, in order. */
  async function applyUser(
    f: ActionFlows,
    userId: string,
    rows: readonly CheckedRow[],
    mark: Omit<Mark, "kind" | "at" | "confirmedAt">,
  ): Promise<Applied[]> {
    const now = clock.now();
    const marks = await readMarks(f, userId);
    let reg: Registration = await f.registrations.get(userId);
    const out: Applied[] = [];
    const refused = (row: CheckedRow, field: string, code: ImportErrorCode) =>
      out.push({ error: { row: row.row, userId, field, code } });
    const done = (row: CheckedRow, imported: boolean) =>
      out.push({ row, status: imported ? "imported" : "unchanged" });
    let index: readonly IndexEntry[] | null = null;

    for (const row of rows) {
      if (row.kind === "totp") {
        const known = Object.entries(marks).find(
          ([id, m]) =>
            m.fp !== undefined &&
            reg.authenticators.includes(id) &&
            keyring.key(m.fp.keyId) !== undefined &&
            fingerprint(userId, row.secret, m.fp.keyId).digest === m.fp.digest,
        );
        if (known) {
          done(row, false);
          continue;
        }
        const factorId = randomId("totp_", shared.random);
        await f.totp.adopt({
          userId,
          factorId,
          secret: row.secret,
          label: row.label ?? "Authenticator app",
          algorithm: row.algorithm,
          digits: row.digits,
          periodSeconds: row.periodSeconds,
        });
        reg = shared.factors.bind(reg, { kind: "authenticator-app", factorId }, now);
        if (row.label) reg = { ...reg, names: { ...(reg.names ?? {}), [factorId]: row.label } };
        marks[factorId] = {
          ...mark,
          kind: "authenticator-app",
          at: now,
          confirmedAt: null,
          fp: fingerprint(userId, row.secret, keyring.currentId),
          ...(row.short ? { weak: true as const } : {}),
        };
        done(row, true);
      } else if (row.kind === "phone") {
        const held = reg.phones[row.method];
        if (held) {
          if (held.e164 === row.e164 && held.extension === row.extension) done(row, false);
          else refused(row, "phoneType", "already_registered");
          continue;
        }
        const { e164, country, extension, delivery } = row;
        reg = shared.factors.bind(
          reg,
          { kind: row.method, phone: { e164, country, extension, delivery } },
          now,
        );
        marks[row.method] = { ...mark, kind: "phone", at: now, confirmedAt: null };
        done(row, true);
      } else if (row.kind === "email") {
        const held = reg.recoveryEmail;
        if (held) {
          if (held.address === row.address) done(row, false);
          else refused(row, "address", "already_registered");
          continue;
        }
        reg = shared.factors.bind(reg, { kind: "recovery-email", address: row.address }, now);
        marks["recovery-email"] = { ...mark, kind: "recovery-email", at: now, confirmedAt: null };
        done(row, true);
      } else {
        const { appPassword } = row;
        index ??= await readIndex(f.store, userId);
        if (index.some((e) => e.slot === appPassword.slot && e.keyId === appPassword.keyId)) {
          done(row, false);
          continue;
        }
        const entry: IndexEntry = {
          id: randomId("ap_", shared.random),
          name: appPassword.name,
          createdAt: now,
          format: appPassword.format,
          keyId: appPassword.keyId,
          slot: appPassword.slot,
        };
        // Index first here: the whole user is one commit, so the order records.ts keeps for
        // crashes does not matter, and a full index must refuse before the slot is touched.
        if (!(await addToIndex(f.store, userId, entry, policy.appPasswords.cap))) {
          refused(row, "hash", "app_password_limit_reached");
          continue;
        }
        index = [...index, entry];
        await addToSlot(f.store, slotKey(userId, entry.slot), {
          id: entry.id,
          lastUsedAt: null,
          scrypt: appPassword.scrypt,
        });
        marks[entry.id] = { ...mark, kind: "app-password", at: now, confirmedAt: null };
        done(row, true);
      }
    }

    if (out.some((o) => "row" in o && o.status === "imported")) {
      const next = reg;
      await f.registrations.update(userId, () => next);
      await f.store.put(marksKey(userId), { v: 1, factors: marks } as never);
      await emitEvent(f.events, {
        type: "admin.action",
        at: new Date(now).toISOString(),
        userId,
        action: "factors_imported",
      });
    }
    return out;
  }

  return {
    async import(input, options = {}) {
      const source = options.source ?? "import";
      const concurrency = options.concurrency ?? 8;
      if (!Array.isArray(input)) throw new MfaError("invalid_input", { data: { field: "rows" } });
      if (!SOURCE.test(source)) throw new MfaError("invalid_input", { data: { field: "source" } });
      if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 64)
        throw new MfaError("invalid_input", { data: { field: "concurrency" } });
      const rules = {
        policy,
        tenantDomains: shared.tenant.domains,
        allowShortSeeds: options.allowShortSeeds ?? false,
        hasKey: (keyId: string) => keyring.key(keyId) !== undefined,
      };
      const errors: ImportRowError[] = [];
      const byUser = new Map<string, CheckedRow[]>();
      input.forEach((raw, i) => {
        const checked = checkRow(raw, i + 1, rules);
        if (!checked.ok) {
          errors.push(checked.error);
          return;
        }
        const list = byUser.get(checked.value.userId);
        if (list) list.push(checked.value);
        else byUser.set(checked.value.userId, [checked.value]);
      });

      const mark = { source, verify: options.verifyAtNextUse ?? true };
      const total = input.length;
      let done = errors.length;
      const byKind = { totp: 0, phone: 0, email: 0, "app-password": 0 };
      const flags: ImportRowFlag[] = [];
      let imported = 0;
      let unchanged = 0;
      const users = [...byUser.entries()];
      let next = 0;
      const worker = async () => {
        while (next < users.length) {
          const [userId, rows] = users[next++] as [string, CheckedRow[]];
          const applied = await act(userId, (f) => applyUser(f, userId, rows, mark));
          for (const a of applied) {
            if ("error" in a) {
              errors.push(a.error);
            } else if (a.status === "unchanged") {
              unchanged++;
            } else {
              imported++;
              byKind[a.row.kind]++;
              if (a.row.kind === "totp" && a.row.short)
                flags.push({ row: a.row.row, userId, code: "seed_below_128_bits" });
            }
          }
          for (const row of rows) if (row.kind === "totp") row.secret.fill(0);
          done += rows.length;
          options.onProgress?.({ done, total });
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, users.length) }, worker));
      errors.sort((a, b) => a.row - b.row);
      flags.sort((a, b) => a.row - b.row);
      return {
        rows: total,
        imported,
        unchanged,
        failed: errors.length,
        users: byUser.size,
        byKind,
        errors,
        flags,
      };
    },

    importedFactors: (userId) => act(userId, (f) => importedFactorsOf(f, userId)),

    confirmImported: (userId, id) => act(userId, (f) => confirmImportedMark(f, userId, id)),
  };
}
