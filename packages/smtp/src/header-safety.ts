/**
 * Header-injection guards: every value that ends up in a mail header is checked here before
 * anything is sent.
 *
 * nodemailer encodes header values (RFC 2047) and would neutralise most line breaks, but an
 * encoder is a second line of defence, not the first: a subject or address with a CR or LF in
 * it is an attack or a bug, and either way the message must not go out. So it is refused with
 * a typed error, before a connection is opened.
 *
 * @module
 */

import { MfaError } from "@mfakit/core/adapter";

/** C0 controls, DEL, C1 controls and the Unicode line/paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * One mailbox, `local@domain`, nothing else: no display name, no comments, no list, no
 * quoting. The core hands adapters addresses it has validated; anything fancier here is a
 * way to add recipients or headers.
 */
const MAILBOX = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;

/** RFC 3696 erratum 1690: a mailbox is at most 254 octets. */
export const MAX_ADDRESS_LENGTH = 254;
/** Longest subject accepted; RFC 5322 §2.1.1 limits a header line to 998 octets. */
export const MAX_SUBJECT_LENGTH = 250;

/** The field of a message or option being checked, for the error's `data.field`. */
type Field = "to" | "subject" | "from" | "replyTo" | "fromName" | "replyToName";

function refuse(field: Field, reason: "header_injection" | "not_a_mailbox"): never {
  throw new MfaError("invalid_input", {
    message:
      reason === "header_injection"
        ? `The ${field} contains a line break or control character; nothing was sent.`
        : `The ${field} must be exactly one address (local@domain).`,
    data: { field, reason },
  });
}

/** Throws `invalid_input` (`reason: "header_injection"`) if `value` holds a control character. */
export function assertHeaderText(field: Field, value: string): void {
  if (typeof value !== "string" || CONTROL.test(value)) refuse(field, "header_injection");
}

/** Throws `invalid_input` unless `value` is exactly one bare mailbox without control characters. */
export function assertMailbox(field: Field, value: string): void {
  assertHeaderText(field, value);
  if (value.length > MAX_ADDRESS_LENGTH || !MAILBOX.test(value)) refuse(field, "not_a_mailbox");
}

/** Throws `invalid_input` / `input_too_long` for a subject that could not be one header line. */
export function assertSubject(value: string): void {
  assertHeaderText("subject", value);
  if (value.length > MAX_SUBJECT_LENGTH) {
    throw new MfaError("input_too_long", { data: { field: "subject", max: MAX_SUBJECT_LENGTH } });
  }
}
