/**
 * The engine's one door to the senders: renders a message from the templates and sends it,
 * turning a provider failure into a value the flow keeps (REL-04) instead of an exception.
 *
 * @module
 */

import { checkedReceipt } from "../delivery/guarded-sender.js";
import type { CodePurpose, MessageRenderer, NoticeFactor } from "../delivery/templates.js";
import { isMfaError, MfaError } from "../errors.js";
import type { Delivery } from "../policy/policy.js";
import type { EmailSender, SendReceipt, SmsSender, VoiceSender } from "../ports/senders.js";

/** Why a message was not delivered. */
export type DeliveryError = "delivery_rejected" | "delivery_unavailable";

/** The outcome of one send. */
export type DeliveryOutcome =
  | {
      readonly ok: true;
      /** The provider's receipt (its message id, for delivery receipts), when the sender gave one. */
      readonly receipt?: SendReceipt;
    }
  | {
      readonly ok: false;
      readonly error: DeliveryError;
      /** What the sender threw, for logs; never shown to a user. */
      readonly cause?: unknown;
    };

/** A one-time code to deliver. */
export interface CodeDelivery {
  readonly channel: Delivery | "email";
  /** E.164 or an email address. */
  readonly to: string;
  readonly extension?: string | null;
  /** The plain code: goes into the message and nowhere else. */
  readonly code: string;
  readonly locale: string;
  readonly purpose: CodePurpose;
  readonly ttlMinutes: number;
  /** The same for every retry of one logical send (REL-03). */
  readonly idempotencyKey: string;
  /**
   * `"failover"`: through the failover senders (no delivery receipt in time), not the usual ones.
   * @default "primary"
   */
  readonly route?: "primary" | "failover";
}

/** A secret-free notice that a factor was added or removed (BIND-02). */
export interface NoticeDelivery {
  readonly channel: "sms" | "email";
  readonly to: string;
  readonly locale: string;
  readonly change: "added" | "removed" | "used";
  /** Which kind of method changed. */
  readonly factor: NoticeFactor;
  /** The "this wasn't me" link, when the change can be undone from this channel. */
  readonly link?: string;
  /** With `used`: how many are left, when few are. */
  readonly remaining?: number;
  readonly idempotencyKey: string;
}

/** Sends codes and notices. */
export interface Messenger {
  sendCode(delivery: CodeDelivery): Promise<DeliveryOutcome>;
  sendNotice(delivery: NoticeDelivery): Promise<DeliveryOutcome>;
}

/**
 * Runs one send and turns every failure into an outcome the flow keeps (REL-04):
 * `delivery_rejected` stays a rejection (this destination will not take it); anything else —
 * `delivery_unavailable`, a timeout, a sender's `TypeError`, another `MfaError` — is
 * `delivery_unavailable`: the state is saved and the user may try again or choose another way,
 * never "probably sent", never a crash out of `submit`. The thrown value is kept as `cause`.
 *
 * `config_invalid` is rethrown: a misconfiguration must be loud, and retrying cannot mend it.
 *
 * @throws {MfaError} `config_invalid`, as `send` threw it.
 * @example
 * ```ts
 * const outcome = await deliveryOutcome(() => sms.send(message));
 * if (!outcome.ok) log.warn("sms failed", { error: outcome.error, cause: outcome.cause });
 * ```
 */
export async function deliveryOutcome(send: () => Promise<unknown>): Promise<DeliveryOutcome> {
  try {
    const receipt = checkedReceipt(await send());
    return receipt ? { ok: true, receipt } : { ok: true };
  } catch (e) {
    if (isMfaError(e, "config_invalid")) throw e;
    const error = isMfaError(e, "delivery_rejected") ? "delivery_rejected" : "delivery_unavailable";
    return { ok: false, error, cause: e };
  }
}

/** The senders a messenger may use; each is needed only for the features that use it. */
export interface Senders {
  readonly sms?: SmsSender;
  readonly voice?: VoiceSender;
  readonly email?: EmailSender;
}

/**
 * A {@link Messenger} over the senders and a renderer. A channel without a sender is a
 * configuration error (`createMfa` reports it up front), never a silent drop.
 */
export function createMessenger(options: {
  senders: Senders;
  /** The senders a code fails over to when no delivery receipt came in time. @default none */
  failover?: Senders;
  renderer: MessageRenderer;
  appName: string;
}): Messenger {
  const { renderer, appName } = options;
  const need = <T>(sender: T | undefined, channel: string): T => {
    if (!sender)
      throw new MfaError("config_invalid", {
        message: `No ${channel} sender is configured.`,
        data: { channel },
      });
    return sender;
  };
  return {
    sendCode(d) {
      const senders = (d.route === "failover" ? options.failover : undefined) ?? options.senders;
      const input = {
        kind: "code",
        appName,
        code: d.code,
        locale: d.locale,
        purpose: d.purpose,
        ttlMinutes: d.ttlMinutes,
      } as const;
      const base = { idempotencyKey: d.idempotencyKey };
      if (d.channel === "sms") {
        const sms = need(senders.sms, "sms");
        return deliveryOutcome(() => sms.send({ ...base, to: d.to, ...renderer.renderSms(input) }));
      }
      if (d.channel === "voice") {
        const voice = need(senders.voice, "voice");
        const extension = d.extension ?? undefined;
        return deliveryOutcome(() =>
          voice.send({
            ...base,
            to: d.to,
            ...(extension ? { extension } : {}),
            ...renderer.renderVoice(input),
          }),
        );
      }
      const email = need(senders.email, "email");
      return deliveryOutcome(() =>
        email.send({ ...base, to: d.to, ...renderer.renderEmail(input) }),
      );
    },
    sendNotice(d) {
      const { senders } = options;
      const input = {
        kind: "notice",
        appName,
        locale: d.locale,
        change: d.change,
        factor: d.factor,
        ...(d.link ? { link: d.link } : {}),
        ...(d.remaining !== undefined ? { remaining: d.remaining } : {}),
      } as const;
      const base = { idempotencyKey: d.idempotencyKey, to: d.to };
      if (d.channel === "sms") {
        const sms = need(senders.sms, "sms");
        return deliveryOutcome(() => sms.send({ ...base, ...renderer.renderSms(input) }));
      }
      const email = need(senders.email, "email");
      return deliveryOutcome(() => email.send({ ...base, ...renderer.renderEmail(input) }));
    },
  };
}
