/**
 * The delivery ports: SMS, voice call and email senders.
 *
 * Adapters stay thin: the core renders the message (templates, locale), chooses the channel,
 * enforces limits, retries and fails over. An adapter turns one message into one provider call.
 *
 * @module
 */

/** What a sender answers when the provider accepted the message. */
export interface SendReceipt {
  /** The provider's name, e.g. `"twilio"`. */
  readonly provider: string;
  /** The provider's id for the message or call (for status callbacks and support). */
  readonly messageId: string;
  /**
   * `false` for a sender whose provider never reports delivery (the development outbox): the
   * SDK then tracks no delivery status for its messages, rather than show "waiting" forever.
   * @default true
   */
  readonly reportsDelivery?: boolean;
}

/** Fields every outgoing message carries. */
export interface MessageBase {
  /** BCP 47 language tag the message was rendered in, e.g. `"en"`, `"de-CH"`. */
  readonly locale: string;
  /**
   * A key that is the same for every retry of one logical send. A sender passes it to a
   * provider that supports idempotency; the core's failover sender uses it to never send twice.
   */
  readonly idempotencyKey: string;
}

/** A text message. */
export interface SmsMessage extends MessageBase {
  /** Destination in E.164, e.g. `"+447400123456"`. */
  readonly to: string;
  /** The full text, already rendered (contains the code). */
  readonly text: string;
}

/** One piece of a voice script. */
export type VoiceSegment =
  | { readonly kind: "say"; readonly text: string }
  | { readonly kind: "pause"; readonly seconds: number };

/** A voice call that reads a script. */
export interface VoiceMessage extends MessageBase {
  /** Destination in E.164; may carry an extension for office phones. */
  readonly to: string;
  /** Digits to dial after the call connects (an office phone's extension), if any. */
  readonly extension?: string;
  /** What to say, in order; the core spells the code digit by digit with pauses. */
  readonly segments: readonly VoiceSegment[];
  /**
   * The locale to speak in: the user's full BCP 47 tag when it narrows `locale` (`en-GB` for a
   * script rendered from `en` strings), else `locale`. A voice adapter picks its TTS voice from
   * this (an en-GB user hears a British voice), falling back to `locale` when it is absent.
   */
  readonly voiceLocale?: string;
}

/** An email. */
export interface EmailMessage extends MessageBase {
  /** One address, already validated by the core. */
  readonly to: string;
  /** Subject line (no line breaks). */
  readonly subject: string;
  /** Plain-text body. */
  readonly text: string;
  /** HTML body, if any. */
  readonly html?: string;
}

/**
 * Sends text messages. Throw `MfaError("delivery_rejected")` when the provider refuses this
 * recipient (never retried, never failed over), `MfaError("delivery_unavailable")` for
 * throttling, 5xx and timeouts (retryable); keep the provider's error as `cause` and its code in
 * `data.providerCode`. Never put the message text in an error.
 */
export interface SmsSender {
  /** A short name, e.g. `"twilio-sms"`. */
  readonly id: string;
  /** Sends one message; resolves when the provider has accepted it. */
  send(message: SmsMessage): Promise<SendReceipt>;
}

/** Places voice calls that read a script. Error rules as for {@link SmsSender}. */
export interface VoiceSender {
  /** A short name, e.g. `"twilio-voice"`. */
  readonly id: string;
  /** Places one call; resolves when the provider has accepted it. */
  send(message: VoiceMessage): Promise<SendReceipt>;
}

/** Sends emails. Error rules as for {@link SmsSender}. */
export interface EmailSender {
  /** A short name, e.g. `"smtp"`. */
  readonly id: string;
  /** Sends one email; resolves when the server has accepted it. */
  send(message: EmailMessage): Promise<SendReceipt>;
}
