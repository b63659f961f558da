/**
 * `@mfakit/core/codes`: one-time codes for SMS, voice and email, as a building block for apps
 * that compose their own flows: issue a code (stored keyed-hashed, never in plain text), verify
 * it once with an attempt cap, mask the destination it went to.
 *
 * @module codes
 */

export {
  assertChallengeId,
  assertCodeFormat,
  assertDestination,
  assertPurpose,
  type ChallengeRef,
  type CodeOptions,
  type CodeService,
  type CodeServiceDeps,
  type CodeStatus,
  type CodeVerifyResult,
  codeOptionLimits,
  createCodeService,
  defaultCodeOptions,
  type IssueCodeInput,
  type IssuedCode,
  MAX_CHALLENGE_ID_LENGTH,
  MAX_DESTINATION_LENGTH,
  MAX_PURPOSE_LENGTH,
  maskDestination,
  resolveCodeOptions,
  type VerifyCodeInput,
} from "../codes/index.js";
