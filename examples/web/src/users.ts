/**
 * The example's own user directory: a stand-in for the app's real accounts and passwords.
 *
 * mfakit does not own passwords; the app does. This is the smallest honest version of that:
 * scrypt hashes (node:crypto, N = 2^14, OWASP's minimum), kept in the same Store, with a
 * "temporary password" flag that puts the app's own step "change-password" into the wizard.
 *
 * @module
 */

import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import type { JsonValue, Store } from "@mfakit/core";

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number },
) => Promise<Buffer>;

const SCRYPT = { N: 2 ** 14, r: 8, p: 1 } as const;

/** A demo account, as printed at start-up. */
export interface DemoAccount {
  readonly id: string;
  readonly displayName: string;
  readonly password: string;
  /** The user must change this password during enrolment. */
  readonly temporary: boolean;
  /** The app's own administrator role: may open the MFA admin area (`/admin`). */
  readonly admin?: boolean;
}

/** The demo accounts (tenant: Contoso, contoso.com). */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    id: "adele@contoso.com",
    displayName: "Adele Vance",
    password: "Temp-Contoso-2026",
    temporary: true,
  },
  {
    id: "alex@contoso.com",
    displayName: "Alex Wilber",
    password: "Alex-Contoso-2026",
    temporary: false,
  },
  {
    id: "megan@contoso.com",
    displayName: "Megan Bowen (administrator)",
    password: "Megan-Contoso-2026",
    temporary: false,
    admin: true,
  },
];

/** The shortest new password accepted (NIST SP 800-63B asks for at least 8; we ask 12). */
export const MIN_PASSWORD_LENGTH = 12;

interface UserRecord {
  readonly displayName: string;
  readonly salt: string;
  readonly hash: string;
  readonly temporary: boolean;
}

/** A signed-in user's public details. */
export interface UserInfo {
  readonly id: string;
  readonly displayName: string;
  readonly temporaryPassword: boolean;
}

/** The outcome of a password check. */
export type SignInResult =
  | { readonly ok: true; readonly user: UserInfo }
  /** Wrong email or password (the same answer for both). */
  | { readonly ok: false; readonly reason: "wrong" }
  /** Too many wrong passwords for this account lately; nothing was checked. */
  | { readonly ok: false; readonly reason: "throttled"; readonly retryAfterSeconds: number };

/** Wrong passwords allowed per account per window before sign-in pauses. */
export const MAX_PASSWORD_FAILURES = 10;
/** The window of {@link MAX_PASSWORD_FAILURES}, in seconds. */
export const PASSWORD_FAILURE_WINDOW_SECONDS = 15 * 60;

/** Why a password change was refused, by field. */
export type PasswordChangeResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly field: "current" | "password" | "confirm";
      readonly message: string;
    };

/** The directory. */
export interface UserDirectory {
  /** Adds the demo accounts that are not there yet. */
  seed(accounts?: readonly DemoAccount[]): Promise<void>;
  /**
   * Checks a password (same cost for unknown ids). Failures are counted per account in a fixed
   * window; past {@link MAX_PASSWORD_FAILURES} the check is refused without running, so a
   * password cannot be guessed at speed (the second factor is not the only defence).
   */
  verify(id: string, password: string): Promise<SignInResult>;
  get(id: string): Promise<UserInfo | null>;
  /** Changes a password after checking the current one; clears the temporary flag. */
  changePassword(
    id: string,
    current: string,
    next: string,
    confirm: string,
  ): Promise<PasswordChangeResult>;
}

const keyOf = (id: string) => `app:user:${encodeURIComponent(id.toLowerCase())}`;
const failuresKey = (id: string) => `app:password-failures:${encodeURIComponent(id.slice(0, 254))}`;

async function hashPassword(password: string, salt: Buffer): Promise<Buffer> {
  return scrypt(password.normalize("NFKC"), salt, 32, SCRYPT);
}

/** The user directory over `store`. */
export function userDirectory(store: Store): UserDirectory {
  // Checked against when the id is unknown, so a wrong id costs as much as a wrong password.
  const decoy = { salt: randomBytes(16), hash: randomBytes(32) };

  const record = async (id: string) => {
    if (typeof id !== "string" || id.length === 0 || id.length > 254) return null;
    const entry = await store.get<JsonValue>(keyOf(id));
    return entry ? { value: entry.value as unknown as UserRecord, version: entry.version } : null;
  };

  const matches = async (rec: UserRecord | null, password: string) => {
    if (typeof password !== "string" || password.length > 1024) return false;
    const salt = rec ? Buffer.from(rec.salt, "base64") : decoy.salt;
    const expected = rec ? Buffer.from(rec.hash, "base64") : decoy.hash;
    const actual = await hashPassword(password, salt);
    return timingSafeEqual(actual, expected) && rec !== null;
  };

  const write = async (
    id: string,
    displayName: string,
    password: string,
    temporary: boolean,
    expectVersion: number | null,
  ) => {
    const salt = randomBytes(16);
    const value: UserRecord = {
      displayName,
      salt: salt.toString("base64"),
      hash: (await hashPassword(password, salt)).toString("base64"),
      temporary,
    };
    return store.put(keyOf(id), value as unknown as JsonValue, { expectVersion });
  };

  return {
    async seed(accounts = DEMO_ACCOUNTS) {
      for (const a of accounts) {
        if (!(await record(a.id))) await write(a.id, a.displayName, a.password, a.temporary, null);
      }
    },
    async verify(input, password) {
      const id = input.trim().toLowerCase();
      const failures = failuresKey(id);
      const counted = await store.get<number>(failures);
      if (counted && counted.value >= MAX_PASSWORD_FAILURES)
        return {
          ok: false,
          reason: "throttled",
          retryAfterSeconds: PASSWORD_FAILURE_WINDOW_SECONDS,
        };
      const rec = await record(id);
      if (!(await matches(rec?.value ?? null, password)) || !rec) {
        await store.increment(failures, { ttlMs: PASSWORD_FAILURE_WINDOW_SECONDS * 1000 });
        return { ok: false, reason: "wrong" };
      }
      await store.delete(failures);
      return {
        ok: true,
        user: { id, displayName: rec.value.displayName, temporaryPassword: rec.value.temporary },
      };
    },
    async get(id) {
      const rec = await record(id);
      return rec
        ? { id, displayName: rec.value.displayName, temporaryPassword: rec.value.temporary }
        : null;
    },
    async changePassword(id, current, next, confirm) {
      const rec = await record(id);
      if (!rec || !(await matches(rec.value, current)))
        return { ok: false, field: "current", message: "Your current password is not correct." };
      if (typeof next !== "string" || next.length < MIN_PASSWORD_LENGTH || next.length > 256)
        return {
          ok: false,
          field: "password",
          message: `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`,
        };
      if (next === current)
        return {
          ok: false,
          field: "password",
          message: "Choose a password different from the temporary one.",
        };
      if (next !== confirm)
        return { ok: false, field: "confirm", message: "The two new passwords don't match." };
      const put = await write(id, rec.value.displayName, next, false, rec.version);
      if (!put.ok)
        return {
          ok: false,
          field: "current",
          message: "Your password was changed somewhere else. Try again.",
        };
      return { ok: true };
    },
  };
}
