/**
 * @mfakit/dev-outbox: SMS, voice and email senders for development that deliver nothing: every
 * message is printed to the terminal with its code easy to see, kept in a JSONL file and listed
 * on a local inbox page.
 *
 * @packageDocumentation
 */

export {
  DEV_OUTBOX_PRODUCTION_OPT_IN,
  type DevOutbox,
  type DevOutboxOptions,
  devOutbox,
  type OutboxHandler,
  type ServedOutbox,
  type ServeOutboxOptions,
} from "./dev-outbox.js";
export { findCode, type OutboxEntry, type OutgoingMessage, spokenText } from "./entry.js";
export { renderInboxPage } from "./inbox-page.js";
export { formatEntry, inert, type OutputStream } from "./terminal.js";
