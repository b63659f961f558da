/**
 * `@mfakit/core/adapter`: what an adapter author needs.
 *
 * The ports an adapter implements (the {@link Store}, the SMS, voice and email senders, the
 * keyring, the event sink, the clock and randomness), the error type an adapter throws with the
 * vendor's error as `cause`, and the store-key helpers (user prefixes, key checks, prefix ranges)
 * that keep every store's keyspace the same. The conformance kits in `@mfakit/testing` check an
 * adapter against these contracts. See docs/writing-an-adapter.md.
 *
 * @module adapter
 */

// Ports: the store

export type {
  IncrementItem,
  IncrementOptions,
  JsonValue,
  ListOptions,
  ListPage,
  PutAndCountResult,
  PutItem,
  PutOptions,
  PutResult,
  Store,
  StoreEntry,
} from "../ports/store.js";

// Store keys: user-scoped keys and prefixes (one keyspace for every store), key checks, prefix ranges

export { assertUserId, globalKey, MAX_USER_ID_LENGTH, userKey, userPrefix } from "../keys.js";
export { assertStoreKey, MAX_STORE_KEY_BYTES, prefixUpperBound } from "../store/store-keys.js";

// Ports: senders

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
} from "../ports/senders.js";

// HTTP provider adapters: https base URLs only, redirects never followed

export {
  baseUrlProblems,
  isRedirectResponse,
  type RedirectProbe,
} from "../delivery/provider-http.js";

// Delivery receipts: what a provider webhook handler hands to `mfa.delivery`

export type { DeliveryReceipt, ReceiptOutcome } from "../receipts/delivery-log.js";
export type { DeliveryStatus } from "../receipts/delivery-status.js";
export {
  deliverReceipt,
  MAX_WEBHOOK_BODY_BYTES,
  type ReceiptSink,
  readWebhookBody,
  type WebhookHandler,
  webhookAnswer,
} from "../receipts/webhook-receipts.js";

// Ports: clock and randomness, keyring, audit events

export { type Clock, type RandomSource, systemClock, webCryptoRandom } from "../ports/clock.js";
export type { EventBase, EventSink, MfaEvent, MfaEventType } from "../ports/events.js";
export type { Keyring } from "../ports/keyring.js";

// Errors: the root's own class (one copy in every build, so `isMfaError` holds across entry points)

export {
  isMfaError,
  MfaError,
  type MfaErrorCode,
  type MfaErrorData,
  type MfaErrorOptions,
} from "../errors.js";

export {
  type GuardedStore,
  guardStore,
  MAX_STORE_LIST_LIMIT,
  MAX_STORE_TTL_MS,
  MAX_STORE_VALUE_DEPTH,
} from "../ports/guarded-store.js";
export {
  beforeDeadline,
  DEADLINE_EXCEEDED,
  deadlineExceeded,
  mayHaveMissedDeadline,
  type ServerClock,
  type ServerClockReading,
  serverClock,
  serverDeadline,
} from "../store/server-deadline.js";
