/**
 * The SDK's one error class and its stable codes.
 *
 * Throws are for bad input, misuse and infrastructure failure; expected outcomes of a check
 * (wrong code, expired, locked) are result values (see {@link VerifyFailure}). Every error
 * carries a stable snake_case `code` that a UI maps to its own words, structured `data` with
 * no secret in it, and the underlying failure as `cause`.
 *
 * @module
 */

/**
 * Every error code the SDK throws, with the default English message a UI may show.
 * Codes are part of the public contract: they never change meaning once released.
 */
export const errorMessages = {
  invalid_input: "The input is not valid.",
  input_too_long: "The input is longer than allowed.",
  invalid_code_format: "Enter the code as digits only, exactly as you received it.",
  invalid_phone: "That phone number is not valid.",
  phone_type_not_allowed: "That kind of phone number can't be used here.",
  phone_extension_not_allowed: "Extensions are allowed only on office phones.",
  country_not_allowed: "Phone numbers from that country or region can't be used.",
  invalid_email: "That email address is not valid.",
  email_domain_not_allowed:
    "Use an email address outside your organisation, such as a personal address.",
  app_password_limit_reached: "You have reached the maximum number of app passwords.",
  app_password_not_found: "That app password does not exist.",
  factor_not_found: "That sign-in method does not exist.",
  factor_not_pending: "That authenticator app has already been set up or was cancelled.",
  challenge_not_found: "That verification request has ended. Ask for a new code.",
  resend_limit_reached: "Too many codes were sent. Try again later.",
  config_invalid: "The SDK is configured incorrectly.",
  key_not_found: "A server key needed for this data is missing from the keyring.",
  store_unavailable: "The data store could not be reached. Try again.",
  store_conflict: "Someone else changed this at the same time. Reload and try again.",
  store_invalid_operation: "The data store was asked to do something its data does not allow.",
  delivery_rejected: "The message could not be delivered to that destination.",
  delivery_unavailable: "The message service is unavailable. Try again or choose another way.",
  delivery_in_progress: "This message is already being sent. Try again in a moment.",
  idempotency_key_reused: "That request key was already used for a different request.",
  reauthentication_required: "Sign in again to change your security info.",
  enrolment_not_found: "That registration has ended or does not exist. Start again.",
  step_mismatch: "That answer is for another step. Reload to see where you are.",
  revert_link_invalid: "This link is not valid: it has expired, was already used or was changed.",
  passkey_rejected: "The passkey could not be verified. Try again, or use another method.",
  internal: "Something went wrong.",
} as const;

/** A stable, snake_case error code. */
export type MfaErrorCode = keyof typeof errorMessages;

/** Structured, secret-free details attached to an error (field names, limits, ids). */
export type MfaErrorData = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Options for {@link MfaError}. */
export interface MfaErrorOptions {
  /** Overrides the default message for the code. Never put a secret in it. */
  message?: string;
  /** Secret-free details: the field at fault, a limit, an id. */
  data?: MfaErrorData;
  /** The underlying failure (a driver or provider error). */
  cause?: unknown;
}

/**
 * The brand every {@link MfaError} carries, from the global symbol registry. A program can load
 * two copies of the core (its ESM build and its CJS build, through packages that reach it in
 * different module formats): each has its own class, so `instanceof` would miss an error thrown
 * by the other. The registry hands every copy the same symbol, so the brand is recognised by all.
 */
const MFA_ERROR_BRAND: unique symbol = Symbol.for("mfakit.MfaError") as never;

/** True when `e` carries the {@link MfaError} brand of any copy of the core. */
function isBranded(e: unknown): e is MfaError {
  return (
    typeof e === "object" &&
    e !== null &&
    (e as { [MFA_ERROR_BRAND]?: unknown })[MFA_ERROR_BRAND] === true
  );
}

/** `value instanceof ctor` as if `ctor` had no `Symbol.hasInstance` of its own. */
function ordinaryInstanceOf(ctor: unknown, value: unknown): boolean {
  return Function.prototype[Symbol.hasInstance].call(ctor, value);
}

/**
 * The one error class of the SDK.
 *
 * `instanceof MfaError` and {@link isMfaError} recognise an error from either module format
 * (ESM or CJS) of the core: both check a brand shared across copies, not the class identity.
 *
 * @example
 * ```ts
 * try { await mfa.rules.phone.parse(input, { use: "sms" }); }
 * catch (e) { if (isMfaError(e, "phone_type_not_allowed")) show(e.message); else throw e; }
 * ```
 */
export class MfaError extends Error {
  /** Stable machine-readable code. */
  readonly code: MfaErrorCode;
  /** Secret-free structured details. */
  readonly data: MfaErrorData;

  /**
   * `instanceof MfaError` checks the brand shared by every copy of the core (see
   * {@link isMfaError}); a subclass keeps the ordinary prototype check.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class right of `instanceof`
    return this === MfaError ? isBranded(value) : ordinaryInstanceOf(this, value);
  }

  constructor(code: MfaErrorCode, options: MfaErrorOptions = {}) {
    super(options.message ?? errorMessages[code], { cause: options.cause });
    this.name = "MfaError";
    this.code = code;
    this.data = Object.freeze({ ...options.data });
  }

  /** A plain, serialisable view (for logs and API responses); never includes `cause`. */
  toJSON(): { name: string; code: MfaErrorCode; message: string; data: MfaErrorData } {
    return { name: this.name, code: this.code, message: this.message, data: this.data };
  }
}

// On the prototype, not on each instance: no own property shows up in logs or serialisations.
Object.defineProperty(MfaError.prototype, MFA_ERROR_BRAND, { value: true });

/**
 * True when `e` is an {@link MfaError}, optionally with the given code. An error thrown by the
 * core's other module format (an adapter loaded as CJS by an ESM app) counts too.
 */
export function isMfaError(e: unknown, code?: MfaErrorCode): e is MfaError {
  return isBranded(e) && (code === undefined || e.code === code);
}

/** Why a check of a code, TOTP value or app password did not succeed. */
export type VerifyFailureReason =
  /** The value does not match. */
  | "code_mismatch"
  /** The challenge's lifetime has passed. */
  | "expired"
  /** Too many wrong attempts: the challenge (or factor) is dead. */
  | "locked"
  /** There is no such challenge or factor, or it was already used. */
  | "not_found"
  /** The TOTP time step was already accepted, or is older than the last accepted one. */
  | "replayed";

/** An expected, non-exceptional failure of a check. */
export interface VerifyFailure {
  readonly ok: false;
  readonly reason: VerifyFailureReason;
  /** Attempts left on this challenge, when the check counts attempts. */
  readonly attemptsLeft?: number;
}
