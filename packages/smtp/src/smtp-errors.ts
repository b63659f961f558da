/**
 * How SMTP failures map to the core's two delivery outcomes.
 *
 * `delivery_rejected` means "this recipient, for good": only a permanent reply to `RCPT TO`
 * that names the mailbox — 550 (no such user / mailbox unavailable), 551 (user not local),
 * 553 (mailbox name not allowed), 521 and 556 (the domain accepts no mail, RFC 7504). A failover
 * to another relay would get the same answer from the recipient's server.
 *
 * Everything else is `delivery_unavailable`, retryable or worth a failover: 4xx replies
 * (greylisting, 421/451 throttling), connection refused or reset, DNS and TLS failures,
 * timeouts, and the 5xx replies that are about *us* rather than the recipient — 530/535
 * (authentication), 554 at `RCPT` (relaying denied), 5xx at `MAIL FROM` or after `DATA`
 * (sender or content policy), 552 (mailbox full: may clear).
 *
 * @module
 */

import { MfaError } from "@mfakit/core/adapter";

/** Permanent `RCPT TO` replies that are about the recipient's mailbox or domain. */
const RECIPIENT_REJECTIONS = new Set([550, 551, 553, 521, 556]);

/** The fields of a nodemailer error this mapping reads. */
interface SmtpFailure {
  readonly code?: string;
  readonly command?: string;
  readonly responseCode?: number;
  readonly rejectedErrors?: readonly SmtpFailure[];
  readonly timeoutType?: string;
}

const asFailure = (e: unknown): SmtpFailure =>
  typeof e === "object" && e !== null ? (e as SmtpFailure) : {};

/**
 * The core error for a failed SMTP send. The nodemailer error is kept as `cause`; the SMTP reply
 * code (or nodemailer's error code) is `data.providerCode`. No address, subject or body is put
 * in the error.
 */
export function toDeliveryError(error: unknown, provider: string): MfaError {
  const e = asFailure(error);
  // "All recipients were rejected" carries the per-recipient replies.
  const recipientReply = e.rejectedErrors?.find((r) => r.responseCode !== undefined);
  const responseCode = e.responseCode ?? recipientReply?.responseCode;
  const atRcpt =
    e.code === "EENVELOPE" &&
    (e.command?.toUpperCase().startsWith("RCPT") === true || recipientReply !== undefined);
  if (atRcpt && responseCode !== undefined && RECIPIENT_REJECTIONS.has(responseCode)) {
    return new MfaError("delivery_rejected", {
      data: { provider, providerCode: responseCode, command: "RCPT TO" },
      cause: error,
    });
  }
  const timedOut = e.code === "ETIMEDOUT" || e.code === "EABORT";
  return new MfaError("delivery_unavailable", {
    message: timedOut
      ? "The mail server did not answer in time; the message may still arrive."
      : undefined,
    data: {
      provider,
      providerCode: responseCode ?? e.code ?? "unknown",
      command: e.command?.split(":")[0]?.trim(),
      reason: timedOut ? "timeout" : undefined,
      outcomeUnknown: timedOut ? true : undefined,
    },
    cause: error,
  });
}
