/**
 * What a UI shows at each step: typed views.
 *
 * A view carries everything a screen needs (masked destination, seconds until a resend,
 * attempts left) and no secret, except the one-time display of a new app password or TOTP
 * secret, which appears only in the answer to the submit that created it.
 *
 * @module
 */

import type { CeremonySetupView } from "../factors/registry.js";
import type { Delivery, MfaMethod, RecoveryMethod } from "../policy/policy.js";
import type { DeliveryView } from "../receipts/delivery-status.js";
import type { Step } from "./steps.js";

/** The outcome of the last submit, when it did not simply move on. */
export type ViewNotice =
  /** The code was wrong; `attemptsLeft` more tries on this challenge. */
  | { readonly code: "code_mismatch"; readonly attemptsLeft: number }
  /** The challenge is dead (expired or too many attempts): ask for a new code. */
  | { readonly code: "code_expired" | "code_locked" }
  /** The factor is in a progressive delay or disabled after too many failures (RATE-02/04). */
  | { readonly code: "factor_locked"; readonly retryAfterSeconds: number }
  | { readonly code: "factor_disabled" }
  /** A send was refused by a limit before any provider call (FRAUD-03). */
  | { readonly code: "rate_limited"; readonly scope: string; readonly retryAfterSeconds: number }
  /** The provider did not take the message; state is kept, retry or switch channel (REL-04). */
  | { readonly code: "delivery_failed"; readonly retryable: boolean }
  /** Another tab or instance changed the enrolment first; this is the current view. */
  | { readonly code: "conflict" }
  /** The app's risk check (SIM swap, bot score) stopped the send; no message went out. */
  | { readonly code: "send_blocked" }
  /** The TOTP code was already used (replay, TOTP-04). */
  | { readonly code: "code_replayed" }
  /** The user already has `cap` app passwords: none was minted and the step was passed over (APP-02). */
  | { readonly code: "app_password_limit_reached"; readonly cap: number };

/** Fields of every view. */
export interface ViewBase {
  /** The enrolment id (pass it to `submit`). */
  readonly id: string;
  /** The record version this view was made from. */
  readonly version: number;
  readonly locale: string;
  /** Whether `{ action: "back" }` is accepted. */
  readonly canGoBack: boolean;
  /** The outcome of the last submit, if it did not simply move on. */
  readonly notice: ViewNotice | null;
}

/** A summary of what the user has, for the finish screen. */
export interface EnrolmentSummary {
  readonly mfa: ReadonlyArray<{ readonly method: MfaMethod; readonly display: string }>;
  readonly recovery: ReadonlyArray<{ readonly method: RecoveryMethod; readonly display: string }>;
  readonly appPasswords: number;
  readonly addedNow: readonly MfaMethod[];
}

/** The view of each step. */
export type EnrolmentView = ViewBase &
  (
    | {
        readonly step: "intro";
        readonly requirement: "required" | "nudge";
        readonly snoozesLeft: number;
      }
    | {
        readonly step: "mfa-method";
        readonly methods: readonly MfaMethod[];
        readonly deliveries: readonly Delivery[];
        readonly countries: readonly string[];
        /** SMS and voice are restricted authenticators: tell the user and offer the app (PSTN-01). */
        readonly phoneRiskNotice: string | null;
      }
    | {
        readonly step: "verify-code";
        readonly channel: Delivery | "email";
        /** The destination, masked: "+44 ••• •••456". */
        readonly destination: string;
        readonly expiresInSeconds: number;
        readonly resendInSeconds: number;
        readonly attemptsLeft: number;
        readonly sendsLeft: number;
        readonly canSwitchToVoice: boolean;
        readonly codeLength: number;
        /**
         * What the provider said about the code's message (`queued` until a receipt comes);
         * `null` for email or when the sender gave no message id. With `offerAlternatives`,
         * show "not delivered: call me instead / use another method" (`switch-to-voice`,
         * `different-method`). Poll `enrolment.get` to follow it.
         */
        readonly delivery: DeliveryView | null;
      }
    | {
        readonly step: "authenticator-setup";
        /** Shown once, in the answer to the submit that began the setup; `null` afterwards. */
        readonly secret: string | null;
        readonly uri: string | null;
        /**
         * The QR code of `uri` as an SVG (the default form, see `StartOptions.qr`). Drawn on the
         * first read and remembered: a view whose QR code is not read does not draw it, and
         * `JSON.stringify` of the view includes it.
         */
        readonly qrSvg: string | null;
        /** The QR code as Unicode block text, when `StartOptions.qr` asked for `"text"` (drawn likewise). */
        readonly qrText: string | null;
        readonly codeLength: number;
      }
    | {
        /** A factor set up by a ceremony: `ceremony` is what the browser needs, by kind. */
        readonly step: "factor-setup";
        readonly kind: MfaMethod;
        readonly ceremony: CeremonySetupView;
      }
    | {
        readonly step: "app-password";
        /**
         * Shown once, in the answer to the submit that minted it; `null` afterwards. A UI that
         * shows the step without it (a reload, another device) offers `{ action: "new-password" }`:
         * the unseen one is revoked and a new one shown.
         */
        readonly password: string | null;
        readonly name: string;
      }
    | {
        readonly step: "recovery-codes";
        /**
         * Shown once, in the answer to the submit that made them; `null` afterwards. A UI that
         * shows the step without them offers `{ action: "new-codes" }`: a new set replaces the
         * unseen one.
         */
        readonly codes: readonly string[] | null;
        /** Codes in a set. */
        readonly count: number;
      }
    | { readonly step: "app-step"; readonly stepId: string; readonly title: string }
    | { readonly step: "recovery-intro"; readonly required: number }
    | { readonly step: "recovery-method"; readonly methods: readonly RecoveryMethod[] }
    | { readonly step: "recovery-email" }
    | {
        readonly step: "recovery-phone";
        /** The authentication phone to confirm, masked, if there is one. */
        readonly phone: string | null;
        readonly deliveries: readonly Delivery[];
      }
    | { readonly step: "finish"; readonly summary: EnrolmentSummary }
    | { readonly step: "done"; readonly summary: EnrolmentSummary }
    | { readonly step: "cancelled" }
  );

/** A view of one step. */
export type ViewOf<S extends Step> = Extract<EnrolmentView, { step: S }>;
