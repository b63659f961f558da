/**
 * `@mfakit/core/limits`: the rate limits and the failure cap, as a building block: per-user,
 * per-destination and per-IP send limits, and per-factor failure counting with a progressive
 * delay or lockout. `Mfa.limiter` is one of these, configured from `MfaConfig.limits`.
 *
 * @module limits
 */

export {
  type CheckReservation,
  createLimiter,
  type FactorAllowance,
  type Limiter,
  type LimitScope,
  type Limits,
  type LimitsInput,
  type LockoutMode,
  type SendAllowance,
  type SendSubject,
} from "../limits/limits.js";
