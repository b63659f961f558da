/**
 * @mfakit/testing: conformance kits for mfakit's ports, a fake clock and a capturing outbox.
 *
 * vitest is a peer dependency: the kits register tests with it.
 *
 * @packageDocumentation
 */

export {
  brokenCompareAndSet,
  brokenExtraPuts,
  type ExtraPutsFlaw,
} from "./broken-store.js";
export {
  type CapturedMessage,
  type CapturingOutbox,
  capturingOutbox,
  type InjectedFailure,
} from "./capturing-outbox.js";
export type { OpenedCrashStore } from "./crash-child.js";
export {
  type CrashContext,
  type CrashKitOptions,
  type CrashRun,
  type CrashStoreSpec,
  type CrashSubmit,
  crashPoints,
  formatCrashTable,
  runCrashPoint,
  runCrashSubmit,
  testCrashes,
} from "./crash-kit.js";
export {
  type FailureCapCase,
  type FailureCapCaseName,
  type FailureCapContext,
  type FailureCapKitOptions,
  failureCapCases,
  failureCapLimits,
  testFailureCaps,
} from "./failure-cap-kit.js";
export { type FakeClock, fakeClock } from "./fake-clock.js";
export {
  type FaultLedger,
  type FaultLedgerOptions,
  type FaultTally,
  faultLedger,
} from "./fault-ledger.js";
export { observedStore, type StoreMethod, WRITE_METHODS } from "./observed-store.js";
export {
  RECEIPT_USERS,
  type ReceiptTestMfa,
  type ReceiptTestOptions,
  receiptTestMfa,
} from "./receipt-kit.js";
export {
  type CreateSenderUnderTest,
  codeCallScript,
  type FakeProviderServer,
  mfaErrorOf,
  type ProbeFailure,
  type ProbeMessage,
  type SenderKitContext,
  type SenderKitOptions,
  type SenderProbe,
  type SenderUnderTest,
  startFakeProviderServer,
  testSender,
} from "./sender-kit.js";
export {
  type SingleUseCase,
  type SingleUseContext,
  type SingleUseKitOptions,
  singleUseCases,
  testSingleUse,
} from "./single-use-kit/index.js";
export {
  type CeremonyOverrides,
  type SoftwareAuthenticator,
  type SoftwareAuthenticatorOptions,
  type SoftwareCreationOptions,
  type SoftwareRequestOptions,
  softwareAuthenticator,
} from "./software-authenticator.js";
export {
  runStoreCases,
  type StoreCase,
  type StoreCaseContext,
  type StoreCaseOutcome,
  type StoreKitOptions,
  storeCases,
  testStore,
} from "./store-kit.js";
export { serveWebhook, type WebhookServer } from "./webhook-server.js";
