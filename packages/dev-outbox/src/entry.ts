/**
 * One message as the development outbox keeps it: a line of the JSONL file, a card on the inbox
 * page, a box in the terminal.
 *
 * @module
 */

import type { EmailMessage, SmsMessage, VoiceMessage, VoiceSegment } from "@mfakit/core/adapter";

/** A recorded SMS, call or email. */
export interface OutboxEntry {
  /** The outbox's id for it (also the receipt's `messageId`). */
  readonly id: string;
  /** When it was sent, ISO 8601 UTC. */
  readonly at: string;
  readonly channel: "sms" | "voice" | "email";
  /** E.164 number or email address. */
  readonly to: string;
  readonly locale: string;
  readonly idempotencyKey: string;
  /** The one-time code found in the message, for display; `null` for notices. */
  readonly code: string | null;
  /** What the recipient reads or hears: the SMS text, the email's text body, the call's words. */
  readonly text: string;
  /** Email only. */
  readonly subject?: string;
  /** Email only, when it has an HTML body. */
  readonly html?: string;
  /** Call only: the script as sent. */
  readonly segments?: readonly VoiceSegment[];
  /** Call only: digits dialled after connecting. */
  readonly extension?: string;
}

/** What the outbox is given, tagged with its channel. */
export type OutgoingMessage =
  | ({ readonly channel: "sms" } & SmsMessage)
  | ({ readonly channel: "voice" } & VoiceMessage)
  | ({ readonly channel: "email" } & EmailMessage);

/** A call's words: the say-segments joined, pauses left out. */
export function spokenText(segments: readonly VoiceSegment[]): string {
  return segments
    .filter((s): s is Extract<VoiceSegment, { kind: "say" }> => s.kind === "say")
    .map((s) => s.text)
    .join(" ");
}

/** URLs in a message's text: their digits are never a code. */
const LINKS = /https?:\/\/\S+/g;

/**
 * The code in a message: in a call, the run of single characters the script spells out (the
 * core reads codes one character per segment); elsewhere the first run of 4 to 10 digits
 * outside any link (a WebOTP line `@host #123456` holds the same code; a notice's "this wasn't
 * me" link holds a port and a token, never a code).
 */
export function findCode(message: OutgoingMessage): string | null {
  if (message.channel === "voice") {
    const spelt = message.segments
      .filter((s): s is Extract<VoiceSegment, { kind: "say" }> => s.kind === "say")
      .map((s) => s.text.trim())
      .filter((t) => /^[0-9A-Z]$/.test(t));
    // The core's script reads the code twice; a script that reads it once is fine too.
    const all = spelt.join("");
    const half = all.slice(0, all.length / 2);
    const once = all.length % 2 === 0 && half + half === all ? half : all;
    return once.length >= 4 ? once : null;
  }
  return message.text.replace(LINKS, " ").match(/(?<![\d])\d{4,10}(?![\d])/)?.[0] ?? null;
}

/** The entry for `message`. */
export function toEntry(message: OutgoingMessage, id: string, at: Date): OutboxEntry {
  const base = {
    id,
    at: at.toISOString(),
    channel: message.channel,
    to: message.to,
    locale: message.locale,
    idempotencyKey: message.idempotencyKey,
    code: findCode(message),
  };
  switch (message.channel) {
    case "sms":
      return { ...base, text: message.text };
    case "voice":
      return {
        ...base,
        text: spokenText(message.segments),
        segments: message.segments,
        ...(message.extension ? { extension: message.extension } : {}),
      };
    case "email":
      return {
        ...base,
        text: message.text,
        subject: message.subject,
        ...(message.html !== undefined ? { html: message.html } : {}),
      };
  }
}
