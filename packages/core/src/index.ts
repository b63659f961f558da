/**
 * @mfakit/core: multi-factor-authentication enrolment, embeddable and provider-agnostic.
 *
 * Ports (store, senders, clock, randomness, keyring, events), the typed errors, the crypto
 * building blocks, one-time codes, authenticator apps (TOTP), app passwords and the recovery
 * rules for phones and emails.
 *
 * @packageDocumentation
 */

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
export { fromBase64Url, needsReseal, open, type Sealed, seal, toBase64Url } from "./crypto/seal.js";
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
// Modules (one block each; added as they land)
export { assertUserId, globalKey, MAX_USER_ID_LENGTH, userKey, userPrefix } from "./keys.js";
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
export {
  createKeyring,
  type Keyring,
  type KeyringOptions,
  MIN_KEY_BYTES,
} from "./ports/keyring.js";
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
// Stores
export { type MemoryStoreOptions, memoryStore } from "./store/memory-store.js";
