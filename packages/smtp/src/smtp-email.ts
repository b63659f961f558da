/**
 * The SMTP email sender, on nodemailer.
 *
 * @module
 */

import { createHash } from "node:crypto";
import {
  type EmailMessage,
  type EmailSender,
  MfaError,
  type SendReceipt,
} from "@mfakit/core/adapter";
import nodemailer, { type SendMailOptions } from "nodemailer";
import { assertHeaderText, assertMailbox, assertSubject } from "./header-safety.js";
import { toDeliveryError } from "./smtp-errors.js";

/** A mailbox with an optional display name. */
export interface MailboxOption {
  /** Display name, e.g. `"Contoso Security"`. No line breaks. */
  readonly name?: string;
  /** The address, `local@domain`. */
  readonly address: string;
}

/** How to reach the SMTP server when this package creates the transport. */
export interface SmtpTransportOptions {
  /** The server, e.g. `"smtp.sendgrid.net"`. */
  readonly host: string;
  /** @default 465 when `secure`, else 587 */
  readonly port?: number;
  /** Implicit TLS from the first byte (SMTPS). @default `port === 465` */
  readonly secure?: boolean;
  /**
   * Without implicit TLS, insist on STARTTLS and fail if the server does not offer it, so
   * credentials and codes never cross the network in clear. Turn off only for a local test
   * server. @default true
   */
  readonly requireTLS?: boolean;
  /** SMTP AUTH credentials, sent only over TLS (or to a loopback host). */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** The name this client gives in EHLO. @default the machine's host name */
  readonly name?: string;
  /** Reuse connections across sends (a small pool). @default false */
  readonly pool?: boolean;
}

/** A nodemailer transporter, or anything with its `sendMail` (e.g. a pooled or SES transport). */
export interface MailTransporter {
  sendMail(mail: SendMailOptions): Promise<{ messageId?: string; response?: string }>;
  close?(): void;
}

/** Options of {@link smtpEmail}. */
export type SmtpEmailOptions = (
  | {
      /** Connection settings; this package creates and owns the transport. */
      readonly transport: SmtpTransportOptions;
    }
  | {
      /** A transporter the app created; `close()` leaves it open. */
      readonly transporter: MailTransporter;
    }
) & {
  /** The sender: `"security@contoso.com"` or `{ name, address }`. Required. */
  readonly from: string | MailboxOption;
  /** Where replies go, if not to `from`. @default undefined */
  readonly replyTo?: string | MailboxOption;
  /**
   * Longest a send may take, from connecting to the server's final reply; past it the send is
   * `delivery_unavailable` with `outcomeUnknown` (the server may still deliver). Also the
   * connection, greeting and idle-socket timeouts of a transport this package creates.
   * @default 10000
   */
  readonly timeoutMs?: number;
  /** The sender's id and the receipt's `provider`. @default "smtp" */
  readonly id?: string;
};

/** The SMTP sender: an {@link EmailSender} that can close its transport. */
export interface SmtpEmailSender extends EmailSender {
  /** Closes a transport this package created (a pool's idle connections); no-op otherwise. */
  close(): void;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** A queue id or message id in the server's final reply, when it names one. */
function serverMessageId(response: string | undefined): string | undefined {
  if (!response) return undefined;
  const patterns = [
    /queued as\s+<?([\w.@-]+)>?/i, // Postfix, SendGrid, Postmark, smtp-server apps
    /\bid=([\w.-]+)/i, // Exim
    /^250 Ok ([0-9a-f]+(?:-[0-9a-f]+){2,})\s*$/i, // Amazon SES
    /<([^<>\s]+@[^<>\s]+)>/, // Microsoft 365 and others that name a Message-ID
  ];
  for (const pattern of patterns) {
    const id = response.match(pattern)?.[1];
    if (id) return id;
  }
  return undefined;
}

const mailboxAddress = (m: string | MailboxOption) => (typeof m === "string" ? m : m.address);

/** Checks `from` / `replyTo` once, at construction. */
function checkMailboxOption(field: "from" | "replyTo", value: string | MailboxOption): void {
  try {
    assertMailbox(field, mailboxAddress(value));
    if (typeof value !== "string" && value.name !== undefined) {
      assertHeaderText(field === "from" ? "fromName" : "replyToName", value.name);
    }
  } catch (e) {
    throw new MfaError("config_invalid", {
      message: `smtpEmail: ${field} must be one address (local@domain) and a name without line breaks.`,
      data: { field },
      cause: e,
    });
  }
}

function createTransporter(t: SmtpTransportOptions, timeoutMs: number): MailTransporter {
  const secure = t.secure ?? t.port === 465;
  const requireTLS = t.requireTLS ?? true;
  if (t.auth && !secure && !requireTLS && !LOOPBACK.has(t.host.toLowerCase())) {
    throw new MfaError("config_invalid", {
      message: "smtpEmail: credentials would be sent without TLS; set secure or requireTLS.",
      data: { field: "transport.requireTLS" },
    });
  }
  return nodemailer.createTransport({
    host: t.host,
    port: t.port ?? (secure ? 465 : 587),
    secure,
    requireTLS: secure ? undefined : requireTLS,
    ignoreTLS: !secure && !requireTLS,
    auth: t.auth ? { user: t.auth.user, pass: t.auth.pass } : undefined,
    name: t.name,
    pool: t.pool === true ? true : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // The message is built from strings only: never let nodemailer read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}

/**
 * An email sender over SMTP.
 *
 * Refuses, before connecting, any `to` that is not exactly one bare address and any subject with
 * a line break or control character (`invalid_input`, `data.reason: "header_injection"`), so no
 * input can add a header or a recipient. Sends a text body and, when given, an HTML body
 * (`multipart/alternative`), with `Auto-Submitted: auto-generated` (RFC 3834, so that
 * out-of-office replies stay away) and a `Message-ID` derived from the idempotency key, so that
 * a retry of the same send carries the same Message-ID and mailboxes that deduplicate show it
 * once.
 *
 * @example
 * ```ts
 * const email = smtpEmail({
 *   transport: { host: "smtp.example.com", port: 587, auth: { user, pass } },
 *   from: { name: "Contoso Security", address: "security@contoso.com" },
 * });
 * await email.send({ to, subject, text, html, locale: "en", idempotencyKey });
 * ```
 */
export function smtpEmail(options: SmtpEmailOptions): SmtpEmailSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new MfaError("config_invalid", {
      message: "smtpEmail: timeoutMs is a positive integer.",
      data: { field: "timeoutMs" },
    });
  }
  checkMailboxOption("from", options.from);
  if (options.replyTo !== undefined) checkMailboxOption("replyTo", options.replyTo);
  const id = options.id ?? "smtp";
  const owned = "transport" in options;
  const transporter = owned
    ? createTransporter(options.transport, timeoutMs)
    : (options as { transporter: MailTransporter }).transporter;
  const fromDomain = mailboxAddress(options.from).split("@")[1] as string;

  const send = async (message: EmailMessage): Promise<SendReceipt> => {
    assertMailbox("to", message.to);
    assertSubject(message.subject);
    if (typeof message.text !== "string") {
      throw new MfaError("invalid_input", { data: { field: "text" } });
    }
    const idHash = createHash("sha256").update(message.idempotencyKey).digest("hex").slice(0, 32);
    const messageId = `<${idHash}.mfakit@${fromDomain}>`;
    const headers: Record<string, string> = {
      "Auto-Submitted": "auto-generated",
      "X-Auto-Response-Suppress": "All",
    };
    if (/^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/.test(message.locale)) {
      headers["Content-Language"] = message.locale;
    }
    try {
      const info = await transporter.sendMail({
        from: options.from,
        replyTo: options.replyTo,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId,
        headers,
        // An overall deadline: the socket timeouts alone let a slow-dripping server run longer.
        signal: AbortSignal.timeout(timeoutMs),
      });
      return {
        provider: id,
        messageId: serverMessageId(info.response) ?? info.messageId ?? messageId,
      };
    } catch (e) {
      throw toDeliveryError(e, id);
    }
  };

  return Object.freeze({
    id,
    send,
    close() {
      if (owned) transporter.close?.();
    },
  });
}
