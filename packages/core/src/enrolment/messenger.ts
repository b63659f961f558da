/**
 * The engine's one door to the senders: renders a message from the templates and sends it,
 * turning a provider failure into a value the flow keeps (REL-04) instead of an exception.
 *
 * @module
 */

import type { CodePurpose, MessageRenderer, NoticeFactor } from "../delivery/templates.js";
import { isMfaError, MfaError } from "../errors.js";
import type { Delivery } from "../policy/policy.js";
import type { EmailSender, SmsSender, VoiceSender } from "../ports/senders.js";

/** Why a message was not delivered. */
export type DeliveryError = "delivery_rejected" | "delivery_unavailable";

/** The outcome of one send. */
export type DeliveryOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: DeliveryError };

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
}

/** A secret-free notice that a factor was added or removed (BIND-02). */
export interface NoticeDelivery {
  readonly channel: "sms" | "email";
  readonly to: string;
  readonly locale: string;
  readonly change: "added" | "removed";
  /** Which kind of method changed. */
  readonly factor: NoticeFactor;
  readonly idempotencyKey: string;
}

/** Sends codes and notices. */
export interface Messenger {
  sendCode(delivery: CodeDelivery): Promise<DeliveryOutcome>;
  sendNotice(delivery: NoticeDelivery): Promise<DeliveryOutcome>;
}

/**
 * Runs one send and maps the port's typed failures to an outcome. Anything else (a bug, a
 * misconfigured sender) is rethrown: fail closed, never "probably sent".
 */
export async function deliveryOutcome(send: () => Promise<unknown>): Promise<DeliveryOutcome> {
  try {
    await send();
    return { ok: true };
  } catch (e) {
    if (isMfaError(e, "delivery_rejected")) return { ok: false, error: "delivery_rejected" };
    if (isMfaError(e, "delivery_unavailable")) return { ok: false, error: "delivery_unavailable" };
    throw e;
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
  renderer: MessageRenderer;
  appName: string;
}): Messenger {
  const { senders, renderer, appName } = options;
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
      const input = {
        kind: "notice",
        appName,
        locale: d.locale,
        change: d.change,
        factor: d.factor,
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
