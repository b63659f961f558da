/**
 * @mfakit/core: multi-factor-authentication enrolment, embeddable and provider-agnostic.
 *
 * Ports (store, senders, clock, randomness, keyring, events), the typed errors, the crypto
 * building blocks, one-time codes, authenticator apps (TOTP), app passwords and the recovery
 * rules for phones and emails.
 *
 * @packageDocumentation
 */

// The SDK: createMfa, policy, enrolment engine, sign-in challenge, limits, admin
export {
  type AdminApi,
  type AdminDeps,
  assertRecentAuth,
  createAdmin,
  type MethodList,
  type RegistrationRequirement,
  type RemovableMethod,
  registrationRequirement,
} from "./admin/admin.js";
// Modules: app passwords
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
} from "./app-passwords/index.js";
export {
  type ChallengeApi,
  type ChallengeDeps,
  type ChallengeFailure,
  type ChallengeOption,
  type ChallengeResult,
  type ChallengeStarted,
  createChallenge,
} from "./challenge/challenge.js";
// Modules: one-time codes (SMS, voice, email)
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
} from "./codes/index.js";
// Crypto building blocks
export {
  constantTimeEqual,
  constantTimeEqualHex,
  type KeyedDigest,
  keyedHash,
  verifyKeyedHash,
} from "./crypto/keyed-hash.js";
export { derivedKey, type KeyPurpose } from "./crypto/keys.js";
export {
  DIGITS,
  LOWERCASE,
  randomDigits,
  randomId,
  randomLetters,
  randomString,
} from "./crypto/random-string.js";
export {
  fromBase64Url,
  needsReseal,
  open,
  type Sealed,
  seal,
  toBase64Url,
} from "./crypto/seal.js";
// Modules: delivery (message templates, failover sender)
export {
  type ChannelMessages,
  type ChannelSenders,
  createFailoverSender,
  type DeliveryAttempt,
  type DeliveryChannel,
  type FailoverSenderOptions,
} from "./delivery/failover-sender.js";
export { negotiateLocale } from "./delivery/locale.js";
export { type SmsSegmentInfo, smsSegments } from "./delivery/sms-segments.js";
export { builtInStrings, type TemplateStrings, templateStringKeys } from "./delivery/strings.js";
export {
  type CodeMessageInput,
  type CodePurpose,
  createMessageRenderer,
  escapeHtml,
  type MessageInput,
  type MessageRenderer,
  type MessageRendererOptions,
  type NoticeFactor,
  type NoticeMessageInput,
  type RenderedEmail,
  type RenderedSms,
  type RenderedVoice,
  renderEmail,
  renderSms,
  renderVoice,
  type TemplateOverrides,
} from "./delivery/templates.js";
export {
  createEnrolmentEngine,
  type EngineDeps,
  type EnrolmentEngine,
  type EnrolmentSession,
  type StartOptions,
} from "./enrolment/engine.js";
export {
  type CodeDelivery,
  createMessenger,
  type DeliveryError,
  type DeliveryOutcome,
  deliveryOutcome,
  type Messenger,
  type NoticeDelivery,
  type Senders,
} from "./enrolment/messenger.js";
export {
  type EnrolmentRecord,
  type InputStep,
  type PendingEmail,
  type PendingPhone,
  type PendingTotp,
  STEPS,
  type Step,
  type SubmitInput,
  stepInputs,
} from "./enrolment/steps.js";
export type {
  EnrolmentSummary,
  EnrolmentView,
  ViewBase,
  ViewNotice,
  ViewOf,
} from "./enrolment/views.js";
// Errors
export {
  errorMessages,
  isMfaError,
  MfaError,
  type MfaErrorCode,
  type MfaErrorData,
  type MfaErrorOptions,
  type VerifyFailure,
  type VerifyFailureReason,
} from "./errors.js";
export type { FactorKind, RegisteredFactor } from "./factors/registry.js";
export type { FlowDeps } from "./flow-deps.js";
export type { CheckOutcome } from "./flows/check.js";
// Security info, the gate's session, the factor registry's view of a factor
export type { Session } from "./flows/gate.js";
// Modules (one block each; added as they land)
export { assertUserId, globalKey, MAX_USER_ID_LENGTH, userKey, userPrefix } from "./keys.js";
export {
  createLimiter,
  type FactorAllowance,
  type Limiter,
  type LimitScope,
  type Limits,
  type LimitsInput,
  limitsSchema,
  type SendAllowance,
  type SendSubject,
} from "./limits/limits.js";
export { createMfa, type Mfa, type MfaConfig } from "./mfa.js";
export {
  APP_STEP_PLACES,
  type Delivery,
  MFA_METHODS,
  type MfaMethod,
  type Policy,
  type PolicyInput,
  policySchema,
  RECOVERY_METHODS,
  type RecoveryMethod,
  seedPolicy,
} from "./policy/policy.js";
// Ports
export { type Clock, type RandomSource, systemClock, webCryptoRandom } from "./ports/clock.js";
export {
  type EventBase,
  type EventSink,
  emitEvent,
  type MfaEvent,
  type MfaEventType,
  noEvents,
} from "./ports/events.js";
export { guardStore } from "./ports/guarded-store.js";
export {
  createKeyring,
  type Keyring,
  type KeyringOptions,
  MIN_KEY_BYTES,
} from "./ports/keyring.js";
export {
  allowAllSends,
  type SendRiskContext,
  type SendRiskDecision,
  type SendRiskHook,
} from "./ports/risk.js";
export type {
  EmailMessage,
  EmailSender,
  MessageBase,
  SendReceipt,
  SmsMessage,
  SmsSender,
  VoiceMessage,
  VoiceSegment,
  VoiceSender,
} from "./ports/senders.js";
export type {
  IncrementOptions,
  JsonValue,
  ListOptions,
  ListPage,
  PutOptions,
  PutResult,
  Store,
  StoreEntry,
} from "./ports/store.js";
export {
  emptyRegistration,
  mfaMethodsOf,
  type PhoneMethod,
  type RegisteredPhone,
  type Registration,
  type RegistrationStore,
  registrationStore,
} from "./registration/registration.js";
// Modules: recovery rules (phones, emails)
export {
  isTenantDomain,
  MAX_DOMAIN_LENGTH,
  MAX_EMAIL_INPUT_LENGTH,
  MAX_LABEL_LENGTH,
  normaliseDomain,
} from "./rules/domain.js";
export {
  MAX_EMAIL_LENGTH,
  MAX_LOCAL_PART_LENGTH,
  maskEmail,
  parseRecoveryEmail,
  type RecoveryEmail,
  type RecoveryEmailOptions,
} from "./rules/email.js";
export {
  type AcceptedPhoneType,
  ALLOWED_PHONE_TYPES,
  MAX_EXTENSION_DIGITS,
  MAX_PHONE_INPUT_LENGTH,
  maskPhone,
  type ParsePhoneInput,
  type PhoneNumber,
  type PhoneRules,
  type PhoneUse,
  parsePhone,
} from "./rules/phone.js";
export type {
  AddMethodOptions,
  SecurityInfo,
  SecurityInfoApi,
} from "./security-info/security-info.js";
// Stores
export { type MemoryStoreOptions, memoryStore } from "./store/memory-store.js";
// Modules: server-clock deadlines for network store adapters
export {
  beforeDeadline,
  DEADLINE_EXCEEDED,
  deadlineExceeded,
  mayHaveMissedDeadline,
  type ServerClock,
  type ServerClockReading,
  serverClock,
  serverDeadline,
} from "./store/server-deadline.js";
// Modules: store keys for adapters (key check, prefix range)
export { assertStoreKey, MAX_STORE_KEY_BYTES, prefixUpperBound } from "./store/store-keys.js";
// Modules: authenticator apps (TOTP)
export { base32Decode, base32Encode } from "./totp/base32.js";
export {
  codeFromDigest,
  dynamicTruncate,
  hotp,
  hotpHmac,
  keyedHotp,
  TOTP_ALGORITHMS,
  type TotpAlgorithm,
  totpAt,
  totpStep,
} from "./totp/hotp.js";
export {
  assertKeyUriLabelPart,
  buildKeyUri,
  type KeyUriInput,
  MAX_KEY_URI_LABEL_PART,
  type ParsedKeyUri,
  parseKeyUri,
} from "./totp/key-uri.js";
export { qrSvg, qrText } from "./totp/qr.js";
export {
  createTotpService,
  TOTP_MAX_CONFIRM_ATTEMPTS,
  TOTP_SECRET_BYTES,
  type TotpEnrolment,
  type TotpFactorInfo,
  type TotpOptions,
  type TotpService,
  type TotpServiceDeps,
  type TotpVerifyResult,
} from "./totp/service.js";
