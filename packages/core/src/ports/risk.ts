/**
 * The send-risk hook: the app's last word before a code goes to a phone or an inbox.
 *
 * Called after the SDK's own limits allow a send and before any provider call, with the
 * canonical destination. Plug in a SIM-swap or number-porting check (PSTN-03), a CAPTCHA or bot
 * score the app verified for this request (FRAUD-05), or a spending guard (FRAUD-04). A denial
 * costs no provider call and shows the user a `send_blocked` notice; the reason is logged in the
 * `send.blocked` event, never shown.
 *
 * @module
 */

/** What is about to be sent. */
export interface SendRiskContext {
  readonly userId: string;
  readonly channel: "sms" | "voice" | "email";
  /** E.164 or a normalised email address. */
  readonly destination: string;
  /** ISO country of a phone destination. */
  readonly country?: string;
  /** The client IP the app passed in the session, if any. */
  readonly ip?: string;
  /** Why the code is sent. */
  readonly purpose: "enrol" | "signin" | "recovery";
}

/** The hook's answer. */
export type SendRiskDecision =
  | { readonly allow: true }
  | { readonly allow: false /** For the audit log only. */; readonly reason: string };

/** Decides whether a send may go ahead. Throwing fails the send closed (REL-04: no fail-open). */
export type SendRiskHook = (
  context: SendRiskContext,
) => SendRiskDecision | Promise<SendRiskDecision>;

/** The default: allow everything the limits allow. */
export const allowAllSends: SendRiskHook = () => ({ allow: true });
