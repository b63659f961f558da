/**
 * The public shape of the app-password service.
 *
 * @module
 */

import type { VerifyFailure } from "../errors.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { EventSink } from "../ports/events.js";
import type { Keyring } from "../ports/keyring.js";
import type { Store } from "../ports/store.js";
import type { AppPasswordFormat } from "./password-format.js";

/** Options of {@link createAppPasswordService}, validated once at construction. */
export interface AppPasswordOptions {
  /**
   * Most app passwords one user may hold at once (APP-02: Microsoft Entra allows 40). An integer
   * from 1 to 1000.
   * @default 40
   */
  cap?: number;
  /**
   * What new app passwords look like (see {@link AppPasswordFormat}). Passwords of either format
   * keep verifying whatever this is set to later.
   * @default "strong"
   */
  format?: AppPasswordFormat;
}

/** What the app-password service needs. */
export interface AppPasswordServiceDeps {
  /** Where the hashes, names and times live. */
  store: Store;
  /** Server keys for the keyed hash; keep every key id that app passwords were made under. */
  keyring: Keyring;
  /** @default systemClock */
  clock?: Clock;
  /** @default webCryptoRandom */
  random?: RandomSource;
  /** Receives `app_password.created`, `.used` and `.revoked`. @default noEvents */
  events?: EventSink;
}

/** What may be shown about an app password: never the password or its hash (APP-01). */
export interface AppPasswordInfo {
  /** Stable id, e.g. `"ap_3kTm…"`; use it to revoke. */
  id: string;
  /** The user's label for it, e.g. `"Outlook on my laptop"`. */
  name: string;
  /** When it was created, ms since the Unix epoch. */
  createdAt: number;
  /**
   * When it last verified, ms since the Unix epoch, or `null` if never. Accurate to one
   * minute: within a minute of the last recorded use, a sign-in does not write it again.
   */
  lastUsedAt: number | null;
}

/** A new app password, the only time its value exists outside the user's head (APP-01). */
export interface CreatedAppPassword extends AppPasswordInfo {
  /** The password in display form, groups of four: `"abcd efgh ijkl mnop qrst uvwx"`. */
  password: string;
}

/** The answer of {@link AppPasswordService.verify}. */
export type AppPasswordVerifyResult =
  | {
      ok: true;
      /** The app password that matched. */
      id: string;
      /** The user it belongs to. */
      userId: string;
    }
  | VerifyFailure;

/**
 * App passwords for legacy mail clients (IMAP, POP, SMTP AUTH, EAS) that cannot do MFA.
 *
 * An app password signs a user in to a legacy protocol and nothing else. It must never
 * authorise factor management or app-password management (APP-04): `verify` only says whose
 * password it is; asking for a second factor before `create`, `revoke` or `revokeAll` is the
 * caller's job.
 */
export interface AppPasswordService {
  /** The options in force, defaults applied. */
  readonly options: Readonly<Required<AppPasswordOptions>>;

  /**
   * Mints a new app password for `userId` and returns it, the one time it is shown.
   * `name` is trimmed and must then be 1 to 64 characters with no control characters.
   *
   * @throws MfaError `app_password_limit_reached` when the user already holds `cap` (nothing
   *   is written); `invalid_input` / `input_too_long` for a bad user id or name.
   */
  create(input: { userId: string; name: string }): Promise<CreatedAppPassword>;

  /**
   * Checks an app password typed into a legacy client. Whitespace anywhere and upper case are
   * forgiven; anything that is not 16 or 24 ASCII letters after that, and any input over 64
   * characters, is `{ ok: false, reason: "code_mismatch" }` without hashing anything. A wrong
   * password is a result, never a throw: the protocol server cannot tell an app password from a
   * primary password, so every string is a fair guess.
   *
   * Apply the caller's password rate limits around it (APP-05).
   *
   * @throws MfaError `invalid_input` when `password` is not a string or `userId` is invalid.
   */
  verify(input: { userId: string; password: string }): Promise<AppPasswordVerifyResult>;

  /** The user's app passwords, oldest first: metadata only. */
  list(input: { userId: string }): Promise<AppPasswordInfo[]>;

  /** Revokes one app password; the next `verify` with it fails. `false` if there was none. */
  revoke(input: { userId: string; id: string }): Promise<boolean>;

  /** Revokes all of the user's app passwords (APP-03 on a password change); returns how many. */
  revokeAll(input: { userId: string }): Promise<number>;
}
