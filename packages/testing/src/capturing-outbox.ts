/**
 * An outbox that records every message instead of sending it, for tests.
 *
 * @module
 */

import {
  type EmailMessage,
  type EmailSender,
  MfaError,
  type SendReceipt,
  type SmsMessage,
  type SmsSender,
  type VoiceMessage,
  type VoiceSender,
} from "@mfakit/core/adapter";

/** One recorded message, tagged with its channel. */
export type CapturedMessage =
  | ({ readonly channel: "sms" } & SmsMessage)
  | ({ readonly channel: "voice" } & VoiceMessage)
  | ({ readonly channel: "email" } & EmailMessage);

/** A failure to inject into the next sends. */
export type InjectedFailure = "rejected" | "unavailable";

/** The outbox: three senders over one list of captured messages. */
export interface CapturingOutbox {
  /** Records SMS. */
  readonly sms: SmsSender;
  /** Records voice calls. */
  readonly voice: VoiceSender;
  /** Records emails. */
  readonly email: EmailSender;
  /** Everything recorded, oldest first. */
  readonly messages: readonly CapturedMessage[];
  /** Messages to `to` (E.164 or address), oldest first. */
  to(to: string): CapturedMessage[];
  /**
   * The one-time code in the newest message to `to` (or the newest message at all): the first
   * run of 4 to 10 digits in an SMS or email text, or the digits spelt out in a voice script.
   * Throws if there is no such message or code.
   */
  lastCode(to?: string): string;
  /** Makes the next `times` sends fail as the provider would. */
  failNext(failure: InjectedFailure, times?: number): void;
  /** Forgets every recorded message and injected failure. */
  clear(): void;
}

/** Digits of a voice script: the say-segments' digits, in order. */
function voiceDigits(message: VoiceMessage): string {
  const spoken = message.segments
    .filter((s): s is { kind: "say"; text: string } => s.kind === "say")
    .map((s) => s.text)
    .join(" ");
  // The core spells codes as single digits separated by pauses or punctuation.
  const runs = spoken.match(/(?:\d[\s,.]*){4,10}/);
  return runs ? runs[0].replace(/\D/g, "") : "";
}

/**
 * A capturing outbox.
 *
 * @example
 * ```ts
 * const outbox = capturingOutbox();
 * const mfa = createMfa({ senders: outbox, ... });
 * const code = outbox.lastCode("+447400123456");
 * ```
 */
export function capturingOutbox(): CapturingOutbox {
  const messages: CapturedMessage[] = [];
  const failures: InjectedFailure[] = [];
  let counter = 0;

  const record = (message: CapturedMessage): SendReceipt => {
    const failure = failures.shift();
    if (failure) {
      throw new MfaError(failure === "rejected" ? "delivery_rejected" : "delivery_unavailable", {
        data: { provider: "capturing-outbox", providerCode: `injected_${failure}` },
      });
    }
    messages.push(message);
    counter += 1;
    return { provider: "capturing-outbox", messageId: `msg_${counter}` };
  };
  const codeOf = (m: CapturedMessage): string =>
    m.channel === "voice"
      ? voiceDigits(m)
      : // A link's digits (a port, a revert token) are never a code.
        (m.text.replace(/https?:\/\/\S+/g, " ").match(/\b\d{4,10}\b/)?.[0] ?? "");

  return {
    sms: { id: "capturing-sms", send: async (m) => record({ channel: "sms", ...m }) },
    voice: { id: "capturing-voice", send: async (m) => record({ channel: "voice", ...m }) },
    email: { id: "capturing-email", send: async (m) => record({ channel: "email", ...m }) },
    messages,
    to: (to) => messages.filter((m) => m.to === to),
    lastCode(to?: string) {
      const pool = to === undefined ? messages : messages.filter((m) => m.to === to);
      const last = pool[pool.length - 1];
      if (!last) throw new Error(`no message was sent${to ? ` to ${to}` : ""}`);
      const code = codeOf(last);
      if (!code) throw new Error("the newest message holds no code");
      return code;
    },
    failNext(failure, times = 1) {
      for (let i = 0; i < times; i++) failures.push(failure);
    },
    clear() {
      messages.length = 0;
      failures.length = 0;
    },
  };
}
