/**
 * What the user reads: the engine's notices, the sign-in failures and the SDK's error codes
 * turned into plain sentences, and the field each error belongs to.
 *
 * The SDK keeps codes and messages apart (`MfaError.code`, `view.notice.code`); this module is
 * where an app puts its own words. Defaults come from the core's `errorMessages`.
 *
 * @module
 */

import {
  type ChallengeFailure,
  errorMessages,
  type MfaError,
  type MfaErrorCode,
  type ViewNotice,
} from "@mfakit/core";
import { duration } from "./html.js";

/** An error placed on a form: the message and the field it belongs to (if any). */
export interface FieldError {
  readonly message: string;
  readonly field: string | null;
}

/** A view notice as a sentence, and whether it is an error or only news. */
export function noticeMessage(notice: ViewNotice): { kind: "error" | "notice"; message: string } {
  switch (notice.code) {
    case "code_mismatch":
      return {
        kind: "error",
        message:
          notice.attemptsLeft > 0
            ? `That code didn't work. Check it and try again (${notice.attemptsLeft} ${
                notice.attemptsLeft === 1 ? "attempt" : "attempts"
              } left).`
            : "That code didn't work and no attempts are left. Ask for a new code.",
      };
    case "code_expired":
      return { kind: "error", message: "That code has expired. Ask for a new code." };
    case "code_locked":
      return { kind: "error", message: "Too many wrong codes. Ask for a new code." };
    case "factor_locked":
      return {
        kind: "error",
        message: `Too many wrong codes. Wait ${duration(notice.retryAfterSeconds)} and try again.`,
      };
    case "factor_disabled":
      return {
        kind: "error",
        message:
          "This method was turned off after too many wrong codes. Choose another method, or ask your administrator to turn it back on.",
      };
    case "rate_limited":
      return {
        kind: "error",
        message:
          notice.scope === "cooldown" || notice.scope === "challenge"
            ? `Please wait ${duration(notice.retryAfterSeconds)} before asking for another code.`
            : `Too many codes were sent. Try again in ${duration(notice.retryAfterSeconds)}.`,
      };
    case "delivery_failed":
      return {
        kind: "error",
        message: notice.retryable
          ? "We couldn't send the message just now. Try again, or choose another way."
          : "The message couldn't be delivered there. Check the details, or choose another way.",
      };
    case "conflict":
      return {
        kind: "notice",
        message:
          "This page was out of date (it changed in another tab or on another device). Here is where you are now.",
      };
    case "code_replayed":
      return {
        kind: "error",
        message: "That code was already used. Wait for the next code in your authenticator app.",
      };
    default:
      // Notices added to the SDK later (e.g. a send stopped by the app's risk check).
      return { kind: "error", message: BLOCKED };
  }
}

/** The words for a send the SDK stopped for a reason this app has no sentence for. */
const BLOCKED =
  "We couldn't send a code there. Choose another way to verify, or contact your administrator.";

/** A failed sign-in check as a sentence. */
export function challengeMessage(failure: ChallengeFailure): string {
  switch (failure.reason) {
    case "code_mismatch":
      return noticeMessage({ code: "code_mismatch", attemptsLeft: failure.attemptsLeft }).message;
    case "expired":
      return noticeMessage({ code: "code_expired" }).message;
    case "locked":
      return noticeMessage({ code: "code_locked" }).message;
    case "not_found":
      return "That verification request has ended. Start again.";
    case "replayed":
      return noticeMessage({ code: "code_replayed" }).message;
    case "factor_disabled":
      return noticeMessage({ code: "factor_disabled" }).message;
    case "factor_locked":
      return noticeMessage({ code: "factor_locked", retryAfterSeconds: failure.retryAfterSeconds })
        .message;
    case "rate_limited":
      return noticeMessage({
        code: "rate_limited",
        scope: "user",
        retryAfterSeconds: failure.retryAfterSeconds,
      }).message;
    case "delivery_failed":
      return noticeMessage({ code: "delivery_failed", retryable: failure.retryable }).message;
    default:
      return BLOCKED;
  }
}

/** The form field each error code is about, when the error does not name one itself. */
const FIELD_OF: Partial<Record<MfaErrorCode, string>> = {
  invalid_phone: "number",
  phone_type_not_allowed: "number",
  phone_extension_not_allowed: "extension",
  country_not_allowed: "country",
  invalid_email: "email",
  email_domain_not_allowed: "email",
  invalid_code_format: "code",
  input_too_long: "number",
};

/** Fields the pages have; an error naming another field is shown at the top of the page. */
const FORM_FIELDS = new Set(["number", "country", "extension", "email", "code", "name"]);

/**
 * An `MfaError` as a message tied to its field. `tenantDomains` makes the tenant-domain
 * refusal say which domains are meant.
 */
export function errorMessage(e: MfaError, tenantDomains: readonly string[] = []): FieldError {
  const named = typeof e.data.field === "string" ? e.data.field : null;
  const field = named && FORM_FIELDS.has(named) ? named : named ? null : (FIELD_OF[e.code] ?? null);
  if (e.code === "email_domain_not_allowed") {
    const domains = tenantDomains.join(", ");
    return {
      field: "email",
      message: domains
        ? `You can't use an address at ${domains}. Use an email address outside your organisation, such as a personal address, so you can still reach it if you lose access to your work account.`
        : errorMessages.email_domain_not_allowed,
    };
  }
  // The SDK's messages are secret-free by contract; an engine-specific one ("That delivery is
  // not offered.") is more useful than the code's default.
  return { field, message: e.message || errorMessages[e.code] };
}
