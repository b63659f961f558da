/**
 * The events port: typed audit events for logs and SIEM (LOG-01).
 *
 * Events carry who, when (UTC), which factor and a masked destination; never a code, seed,
 * app password or provider credential (STORE-06). A failing sink never fails the user's
 * operation: the core catches and drops its errors.
 *
 * @module
 */

/** Fields every event has. */
export interface EventBase {
  /** When it happened, ISO 8601 in UTC (e.g. `2026-11-25T04:24:07.000Z`). */
  readonly at: string;
  /** The user it concerns. */
  readonly userId: string;
}

/** Every audit event the core emits. */
export type MfaEvent =
  | (EventBase & {
      readonly type: "code.issued";
      readonly challengeId: string;
      readonly purpose: string;
      /** The destination with most digits or characters masked. */
      readonly destination: string;
      readonly resend: boolean;
    })
  | (EventBase & { readonly type: "code.verified"; readonly challengeId: string })
  | (EventBase & {
      readonly type: "code.failed";
      readonly challengeId: string;
      readonly reason: "code_mismatch" | "expired" | "locked" | "not_found";
    })
  | (EventBase & { readonly type: "totp.enrolment_started"; readonly factorId: string })
  | (EventBase & { readonly type: "totp.activated"; readonly factorId: string })
  | (EventBase & { readonly type: "totp.verified"; readonly factorId: string })
  | (EventBase & {
      readonly type: "totp.failed";
      readonly factorId: string;
      readonly reason: "code_mismatch" | "replayed" | "not_found";
    })
  | (EventBase & {
      readonly type: "app_password.created";
      readonly appPasswordId: string;
      readonly name: string;
    })
  | (EventBase & { readonly type: "app_password.used"; readonly appPasswordId: string })
  | (EventBase & { readonly type: "enrolment.started"; readonly enrolmentId: string })
  | (EventBase & { readonly type: "enrolment.finished"; readonly enrolmentId: string })
  | (EventBase & { readonly type: "factor.added"; readonly method: string })
  | (EventBase & {
      readonly type: "factor.removed";
      readonly method: string;
      readonly by: "user" | "admin";
    })
  | (EventBase & { readonly type: "factor.disabled"; readonly factor: string })
  /** A one-time backup (a recovery code) was used to sign in; `remaining` unused ones are left. */
  | (EventBase & {
      readonly type: "factor.used";
      readonly method: string;
      readonly remaining?: number;
    })
  | (EventBase & { readonly type: "limit.tripped"; readonly scope: string })
  | (EventBase & { readonly type: "send.blocked"; readonly reason: string })
  | (EventBase & {
      readonly type: "notice.sent";
      readonly channel: "sms" | "email";
      readonly delivered: boolean;
    })
  | (EventBase & {
      readonly type: "admin.action";
      readonly action:
        | "reregistration_required"
        | "app_passwords_revoked"
        | "failures_cleared"
        | "factors_imported"
        | "review_cleared";
    })
  | (EventBase & { readonly type: "device.remembered"; readonly deviceId: string })
  | (EventBase & { readonly type: "passkey.verified"; readonly factorId: string })
  | (EventBase & { readonly type: "passkey.rejected"; readonly reason: string })
  /** A ceremony kind's sign-in succeeded (`method`: the kind); passkeys keep `passkey.*`. */
  | (EventBase & {
      readonly type: "factor.verified";
      readonly method: string;
      readonly factorId: string;
    })
  /** A ceremony kind's sign-in answer was refused (an expected failure: `reason`). */
  | (EventBase & {
      readonly type: "factor.rejected";
      readonly method: string;
      readonly reason: string;
    })
  | (EventBase & {
      readonly type: "device.revoked";
      readonly deviceId: string | "all";
      readonly by: "user" | "admin" | "password_change";
    })
  | (EventBase & {
      readonly type: "app_password.revoked";
      readonly appPasswordId: string | "all";
    })
  | (EventBase & {
      readonly type: "tap.issued";
      readonly passId: string;
      /** When it can first be used, ISO 8601 in UTC. */
      readonly startsAt: string;
      /** When it ends, ISO 8601 in UTC (fixed at issue). */
      readonly expiresAt: string;
      readonly oneTime: boolean;
    })
  | (EventBase & { readonly type: "tap.used"; readonly passId: string })
  | (EventBase & {
      /** Emitted once per pass, by the first use, issue or revoke that finds it past its expiry. */
      readonly type: "tap.expired";
      readonly passId: string;
    })
  | (EventBase & {
      readonly type: "tap.revoked";
      readonly passId: string;
      /** Revoked by an admin, or replaced by a newly issued pass. */
      readonly reason: "revoked" | "replaced";
    })
  | (EventBase & {
      /** A "this wasn't me" link undid a change; the account is marked for review. */
      readonly type: "change.reverted";
      /** The change undone, and the method or kind it concerned (`authentication-phone`, …). */
      readonly change: "added" | "removed";
      readonly method: string;
      /** What undoing it did: the added factor removed, the removed one restored, or neither. */
      readonly undone: "removed" | "restored" | "none";
    });

/** The `type` of every event. */
export type MfaEventType = MfaEvent["type"];

/** Receives audit events. */
export interface EventSink {
  /** Records one event. May be async; errors are caught and dropped by the core. */
  emit(event: MfaEvent): void | Promise<void>;
}

/** A sink that drops everything (the default). */
export const noEvents: EventSink = Object.freeze({ emit() {} });

/**
 * Sends `event` to `sink` without ever letting the sink fail the caller: an audit outage must
 * not block a sign-in.
 */
export async function emitEvent(sink: EventSink, event: MfaEvent): Promise<void> {
  try {
    await sink.emit(event);
  } catch {
    // Deliberately dropped; see the module comment.
  }
}
