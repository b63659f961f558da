/**
 * `@mfakit/core/limits`: the rate limits and the failure cap, as a building block: per-user,
 * per-destination and per-IP send limits, and per-factor failure counting with a progressive
 * delay or lockout. `Mfa.limiter` is one of these, configured from `MfaConfig.limits`.
 *
 * @module limits
 */

export {
  destinationBucket,
  IPV6_BUCKET_PREFIX_BITS,
  ipBucket,
  MAX_IP_LENGTH,
} from "../limits/buckets.js";
export {
  type CheckReservation,
  type CountingStore,
  createLimiter,
  type FactorAllowance,
  type Limiter,
  type LimitScope,
  type Limits,
  type LimitsInput,
  type LockoutMode,
  resolveLimits,
  type SendAllowance,
  type SendCheck,
  type SendPlan,
  type SendSubject,
} from "../limits/limits.js";
