/**
 * `@mfakit/core/app-passwords`: app passwords for clients that cannot do MFA (Microsoft 365's
 * format), as a building block: mint (shown once, stored hashed with scrypt), list, verify,
 * revoke, with a per-user cap.
 *
 * @module app-passwords
 */

export {
  APP_PASSWORD_LENGTH,
  APP_PASSWORD_SCRYPT,
  type AppPasswordFormat,
  type AppPasswordInfo,
  type AppPasswordOptions,
  type AppPasswordService,
  type AppPasswordServiceDeps,
  type AppPasswordVerifyResult,
  type CreatedAppPassword,
  createAppPasswordService,
  DEFAULT_APP_PASSWORD_CAP,
  displayAppPassword,
  MAX_APP_PASSWORD_CAP,
  MAX_APP_PASSWORD_INPUT_LENGTH,
  MAX_APP_PASSWORD_NAME_LENGTH,
  type NormalisedAppPassword,
  normaliseAppPassword,
} from "../app-passwords/index.js";
