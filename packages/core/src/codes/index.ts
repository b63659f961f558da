/**
 * One-time codes for SMS, voice and email: the `codes` module's public surface.
 *
 * @module
 */

export {
  assertChallengeId,
  assertCodeFormat,
  assertDestination,
  assertPurpose,
  MAX_CHALLENGE_ID_LENGTH,
  MAX_DESTINATION_LENGTH,
  MAX_PURPOSE_LENGTH,
} from "./code-input.js";
export {
  type CodeOptions,
  codeOptionLimits,
  defaultCodeOptions,
  resolveCodeOptions,
} from "./code-options.js";
export {
  type ChallengeRef,
  type CodeService,
  type CodeServiceDeps,
  type CodeStatus,
  type CodeVerifyResult,
  createCodeService,
  type IssueCodeInput,
  type IssuedCode,
  type VerifyCodeInput,
} from "./code-service.js";
export { maskDestination } from "./mask-destination.js";
