/**
 * What the user reads for the SDK's answers: the engine's notices, the sign-in failures and the
 * SDK's error codes, as sentences of the catalogue, with the field each error belongs to.
 *
 * The SDK keeps codes and messages apart (`MfaError.code`, `view.notice.code`); this module
 * turns codes into the page's language.
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
import { duration, fill } from "../html.js";
import type { Messages } from "./catalogue.js";

/** An error placed on a form: the message and the field it belongs to (if any). */
export interface FieldError {
  readonly message: string;
  readonly field: string | null;
}

/** The catalogue and language a sentence is made in. */
export interface Speaker {
  readonly t: Messages;
  readonly locale: string;
}

/** A view notice as a sentence, and whether it is an error or only news. */
export function noticeMessage(
  { t, locale }: Speaker,
  notice: ViewNotice,
): { kind: "error" | "notice"; message: string } {
  const error = (message: string) => ({ kind: "error" as const, message });
  switch (notice.code) {
    case "code_mismatch":
      return error(
        notice.attemptsLeft === 0
          ? t.codeMismatchNoneLeft
          : fill(notice.attemptsLeft === 1 ? t.codeMismatchOne : t.codeMismatchOther, {
              attempts: notice.attemptsLeft,
            }),
      );
    case "code_expired":
      return error(t.codeExpired);
    case "code_locked":
      return error(t.codeLocked);
    case "factor_locked":
      return error(fill(t.factorLocked, { duration: duration(locale, notice.retryAfterSeconds) }));
    case "factor_disabled":
      return error(t.factorDisabled);
    case "rate_limited":
      // A cooldown between two sends is not "too many": say it is a short wait.
      return error(
        fill(
          notice.scope === "cooldown" || notice.scope === "challenge"
            ? t.cooldownWait
            : t.tooManySends,
          { duration: duration(locale, notice.retryAfterSeconds) },
        ),
      );
    case "delivery_failed":
      return error(notice.retryable ? t.deliveryRetry : t.deliveryRejected);
    case "conflict":
      return { kind: "notice", message: t.outOfDate };
    case "code_replayed":
      return error(t.codeReplayed);
    default:
      // Notices added to the SDK later (e.g. a send stopped by the app's risk check).
      return error(t.sendBlocked);
  }
}

/**
 * A failed sign-in check as a sentence. `cooldownSeconds` is the policy's wait between two
 * sends to one number: a refusal no longer than that is the cooldown, not a send limit.
 */
export function challengeMessage(
  speaker: Speaker,
  failure: ChallengeFailure,
  cooldownSeconds: number,
): string {
  const notice = (n: ViewNotice) => noticeMessage(speaker, n).message;
  switch (failure.reason) {
    case "code_mismatch":
      return notice({ code: "code_mismatch", attemptsLeft: failure.attemptsLeft });
    case "expired":
      return notice({ code: "code_expired" });
    case "locked":
      return notice({ code: "code_locked" });
    case "not_found":
      return speaker.t.challengeEnded;
    case "replayed":
      return notice({ code: "code_replayed" });
    case "factor_disabled":
      return notice({ code: "factor_disabled" });
    case "factor_locked":
      return notice({ code: "factor_locked", retryAfterSeconds: failure.retryAfterSeconds });
    case "rate_limited":
      return notice({
        code: "rate_limited",
        scope: failure.retryAfterSeconds <= cooldownSeconds ? "cooldown" : "user",
        retryAfterSeconds: failure.retryAfterSeconds,
      });
    case "delivery_failed":
      return notice({ code: "delivery_failed", retryable: failure.retryable });
    default:
      return speaker.t.sendBlocked;
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
 *
 * In English the SDK's own message is shown when it is more specific than the code's default
 * ("You can't remove your last sign-in method", "That method is not offered."): the SDK's
 * messages are secret-free by contract. In other languages the catalogue's sentence for the
 * code (or for `data.reason`, where the catalogue has one) is used.
 */
export function errorMessage(
  { t, locale }: Speaker,
  e: MfaError,
  tenantDomains: readonly string[] = [],
): FieldError {
  const named = typeof e.data.field === "string" ? e.data.field : null;
  const field = named && FORM_FIELDS.has(named) ? named : named ? null : (FIELD_OF[e.code] ?? null);
  if (e.code === "email_domain_not_allowed" && tenantDomains.length) {
    return {
      field: "email",
      message: fill(t.tenantDomainRefused, { domains: tenantDomains.join(", ") }),
    };
  }
  if (e.code === "invalid_input" && e.data.reason === "last_method" && !locale.startsWith("en"))
    return { field, message: t.lastMethod };
  const english = locale === "en" || locale.startsWith("en-");
  const specific = e.message !== "" && e.message !== errorMessages[e.code];
  return { field, message: english && specific ? e.message : t.errors[e.code] };
}
