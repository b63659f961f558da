/**
 * App passwords for legacy mail clients: minted by the system, shown once, stored as a keyed
 * hash (or salted scrypt below 112 bits), found in O(1), capped per user, revocable at once.
 *
 * @module
 */

export {
  APP_PASSWORD_LENGTH,
  type AppPasswordFormat,
  displayAppPassword,
  MAX_APP_PASSWORD_INPUT_LENGTH,
  type NormalisedAppPassword,
  normaliseAppPassword,
} from "./password-format.js";
export { APP_PASSWORD_SCRYPT } from "./password-hash.js";
export {
  createAppPasswordService,
  DEFAULT_APP_PASSWORD_CAP,
  MAX_APP_PASSWORD_CAP,
  MAX_APP_PASSWORD_NAME_LENGTH,
} from "./service.js";
export type {
  AppPasswordInfo,
  AppPasswordOptions,
  AppPasswordService,
  AppPasswordServiceDeps,
  AppPasswordVerifyResult,
  CreatedAppPassword,
} from "./types.js";
