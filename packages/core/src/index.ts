/**
 * @mfakit/core: multi-factor-authentication enrolment, embeddable and provider-agnostic.
 *
 * The root is what an app needs to embed the SDK: {@link createMfa} and its configuration, the
 * policy, the wizard's views and inputs, the sign-in challenge and admin results, the errors,
 * the keyring, the in-memory store and the audit events.
 *
 * The building blocks live on subpaths, for apps that compose their own flows and for adapter
 * authors: `@mfakit/core/adapter` (ports: store, senders, clock, keys), `/codes`, `/totp`,
 * `/app-passwords`, `/rules`, `/crypto`, `/delivery`, `/limits`. The engine's internals are not
 * exported: the SDK's behaviour is reached only through {@link Mfa}, so it can change inside.
 * test/public-surface.test.ts pins every entry point's runtime exports.
 *
 * @packageDocumentation
 */

// The SDK

export { createMfa, type DeliveryOptions, type Mfa, type MfaConfig } from "./mfa.js";

// Policy

export {
  APP_STEP_PLACES,
  type Delivery,
  MFA_METHODS,
  type MfaMethod,
  type Policy,
  type PolicyInput,
  RECOVERY_METHODS,
  type RecoveryMethod,
  seedPolicy,
} from "./policy/policy.js";

// Configuration parts (the building blocks' options are also on their subpaths)

export type { AppPasswordOptions } from "./app-passwords/types.js";
export type { CodeOptions } from "./codes/code-options.js";
export type { TemplateOverrides } from "./delivery/templates.js";
export type { Senders } from "./enrolment/messenger.js";
export type { LimitsInput } from "./limits/limits.js";
export type { Clock, RandomSource } from "./ports/clock.js";
export type { SendRiskContext, SendRiskDecision, SendRiskHook } from "./ports/risk.js";
export type { JsonValue, Store } from "./ports/store.js";
export type { TotpOptions } from "./totp/service.js";

// The enrolment wizard: the session, views and inputs

export type { EnrolmentEngine, EnrolmentSession, StartOptions } from "./enrolment/engine.js";
export { type InputStep, STEPS, type Step, type SubmitInput } from "./enrolment/steps.js";
export type {
  EnrolmentSummary,
  EnrolmentView,
  ViewBase,
  ViewNotice,
  ViewOf,
} from "./enrolment/views.js";
export type { PassSession, Session } from "./flows/gate.js";

// Security info: the user's own page (list, add, replace, remove, name, prefer; app passwords)

export type { DeviceToken, RememberedDevice } from "./devices/remembered-devices.js";
export type {
  Binding,
  CeremonyField,
  CeremonyKind,
  FactorCeremony,
  FactorKind,
  FactorKinds,
  FactorModule,
  KindsWhere,
  MfaKind,
  PhoneKind,
  RegisteredFactor,
} from "./factors/registry.js";
export type {
  RecoveryCodeSignIn,
  RecoveryCodesApi,
} from "./recovery-codes/recovery-code-flows.js";
export type {
  GeneratedRecoveryCodes,
  RecoveryCodesStatus,
} from "./recovery-codes/recovery-codes.js";
export type {
  AddMethodOptions,
  SecurityInfo,
  SecurityInfoApi,
} from "./security-info/security-info.js";

// "This wasn't me": the link on every factor-change notice

export type { RevertInput, RevertOptions, RevertOutcome } from "./revert/change-reverts.js";

// Sign-in challenge results

export type {
  CeremonyAnswer,
  CeremonyChallengeStarted,
  ChallengeApi,
  ChallengeFailure,
  ChallengeOption,
  ChallengeResult,
  ChallengeStarted,
  ChallengeStatus,
  PasskeyChallengeStarted,
  RememberOption,
  SendFailure,
} from "./challenge/challenge.js";
export type { CheckFailure, CheckOutcome } from "./flows/check.js";

// Delivery receipts: what providers said about a code's message, and the admin's report

export type { DeliveryReceipt, ReceiptOutcome } from "./receipts/delivery-log.js";
export type {
  DeliveryApi,
  DeliveryReportApi,
  DeliveryReportOptions,
  DeliveryReportRow,
} from "./receipts/delivery-receipts.js";
export type { DeliveryStatus, DeliveryView } from "./receipts/delivery-status.js";

// Temporary Access Pass: issued by an admin, checked at sign-in, its session only registers

export type { PassState } from "./temporary-access-pass/pass-record.js";
export type {
  IssuedTemporaryAccessPass,
  IssueTemporaryAccessPassInput,
  TemporaryAccessPassAdminApi,
  TemporaryAccessPassChallengeApi,
  TemporaryAccessPassInfo,
  TemporaryAccessPassResult,
} from "./temporary-access-pass/temporary-access-pass.js";

// Passkeys (WebAuthn): the relying party's settings, the ceremonies' JSON, what is stored

export type { CeremonySetupView, CeremonySignIn } from "./factors/registry.js";
export type {
  PasskeyBinding,
  PasskeySetupView,
  PasskeySignIn,
  StoredPasskey,
} from "./passkeys/passkey-factor.js";
export type {
  PasskeyAuthenticationResponse,
  PasskeyCreationOptionsJSON,
  PasskeyDescriptorJSON,
  PasskeyRegistrationResponse,
  PasskeyRequestOptionsJSON,
} from "./passkeys/passkey-json.js";
export type { WebAuthnOptions } from "./passkeys/webauthn-config.js";

// Administration and registrations

export {
  type AdminApi,
  assertRecentAuth,
  type MethodList,
  type RegistrationRequirement,
  type RemovableMethod,
} from "./admin/admin.js";
export {
  mfaMethodsOf,
  type PhoneMethod,
  type RegisteredPhone,
  type Registration,
  type RegistrationStore,
} from "./registration/registration.js";

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

// Keys, the in-memory store, audit events

export {
  type EventBase,
  type EventSink,
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
export { type MemoryStoreOptions, memoryStore } from "./store/memory-store.js";
