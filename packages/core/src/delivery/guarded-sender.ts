/**
 * The core-side wrapper around every sender an app passes in: whatever an adapter does, the
 * core sees one of three things — a checked receipt, `delivery_rejected`, or
 * `delivery_unavailable` (REL-04, REL-05).
 *
 * Why: a sender is the app's code (or a vendor SDK's), and the flow's promise to the user —
 * "your state is saved; try again or choose another way" — must hold when it misbehaves. A
 * sender that throws a `TypeError`, never answers, or answers something that is not a receipt
 * would otherwise escape the flow as a crash, hang a request forever, or record garbage as a
 * provider's message id.
 *
 * @module
 */

import type { Senders } from "../enrolment/messenger.js";
import { isMfaError, MfaError } from "../errors.js";
import type { SendReceipt } from "../ports/senders.js";

/** Any one of the sender ports, by the message it sends. */
export interface MessageSender<M> {
  /** A short name, e.g. `"twilio-sms"`. */
  readonly id: string;
  /** Sends one message; resolves when the provider has accepted it. */
  send(message: M): Promise<SendReceipt>;
}

/** Options of {@link guardSender} and {@link guardSenders}. */
export interface GuardSenderOptions {
  /**
   * How long one `send` may take before it counts as `delivery_unavailable` with an unknown
   * outcome (REL-05). An integer from 1 to 600000.
   * @default 10000
   */
  readonly timeoutMs?: number;
}

/** Longest deadline accepted: beyond it, a stuck provider holds a user's request too long. */
export const MAX_SEND_TIMEOUT_MS = 600_000;

const MAX_RECEIPT_FIELD_LENGTH = 256;

/**
 * Wraps one sender so that every failure is a typed {@link MfaError} and every success a
 * checked receipt.
 *
 * - An `MfaError` from the sender passes through unchanged (`delivery_rejected` stays a
 *   rejection: never retried, never failed over).
 * - Anything else it throws (a `TypeError`, a raw network error), synchronously or not, becomes
 *   `delivery_unavailable` with the original as `cause` and `data.reason: "sender_error"`.
 * - No answer within `timeoutMs` is `delivery_unavailable` with `data.reason: "timeout"` and
 *   `data.outcomeUnknown: true` (REL-05): the provider may still deliver, since a sender port
 *   has no cancellation. A retry must reuse the message's `idempotencyKey`, never a new one, so
 *   a provider that deduplicates sends once; the call's late answer is ignored.
 * - A result that is not `{ provider, messageId }` with non-empty strings (at most 256
 *   characters each) is `delivery_unavailable` with `data.reason: "bad_receipt"` and
 *   `data.outcomeUnknown: true`: the sender finished, so the message may well have gone.
 *   A good receipt is returned as a fresh frozen `{ provider, messageId }` (with
 *   `reportsDelivery: false` when the sender said so), nothing else.
 *
 * Every error carries `data.provider` (the sender's `id`) and never the message or its text.
 * The result keeps the sender's `id`, so logs and failover routes see the provider's name.
 *
 * @throws {MfaError} `config_invalid` at wrap time when `sender` has no string `id` and `send`
 *   function, or `timeoutMs` is not an integer from 1 to {@link MAX_SEND_TIMEOUT_MS}.
 * @example
 * ```ts
 * const sms = guardSender(twilioSms({ client }), { timeoutMs: 8_000 });
 * await sms.send({ to: "+447400123456", text, locale: "en", idempotencyKey: challengeId });
 * ```
 */
export function guardSender<M>(
  sender: MessageSender<M>,
  options: GuardSenderOptions = {},
): MessageSender<M> {
  const problems = [...senderProblems("sender", sender), ...optionProblems(options)];
  if (problems.length > 0) throw configInvalid(problems);
  return guard(sender, options.timeoutMs ?? 10_000);
}

/**
 * {@link guardSender} applied to each sender present; an absent channel stays absent, so
 * `createMfa` still reports a missing sender. Every problem of every sender is reported in
 * one `config_invalid`.
 *
 * @throws {MfaError} `config_invalid` as for {@link guardSender}.
 * @example
 * ```ts
 * const senders = guardSenders({ sms: twilioSms({ client }), email: smtpEmail({ transport }) });
 * ```
 */
export function guardSenders(senders: Senders, options: GuardSenderOptions = {}): Senders {
  const channels = (["sms", "voice", "email"] as const).filter((c) => senders[c] !== undefined);
  const problems = [
    ...channels.flatMap((c) => senderProblems(`senders.${c}`, senders[c])),
    ...optionProblems(options),
  ];
  if (problems.length > 0) throw configInvalid(problems);
  const timeoutMs = options.timeoutMs ?? 10_000;
  return Object.freeze(
    Object.fromEntries(
      channels.map((c) => [c, guard(senders[c] as MessageSender<unknown>, timeoutMs)]),
    ),
  ) as Senders;
}

function guard<M>(sender: MessageSender<M>, timeoutMs: number): MessageSender<M> {
  const { id } = sender;
  const unavailable = (
    reason: string,
    message: string,
    extra: { outcomeUnknown?: boolean; timeoutMs?: number } = {},
    cause?: unknown,
  ) =>
    new MfaError("delivery_unavailable", {
      message,
      data: { provider: id, reason, ...extra },
      cause,
    });

  const send = async (message: M): Promise<SendReceipt> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // `then` turns a synchronous throw into a rejection, so it is wrapped like any other.
    const call = Promise.resolve().then(() => sender.send(message));
    call.catch(() => {}); // a failure after the deadline must not become an unhandled rejection
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            unavailable(
              "timeout",
              "The message service did not answer in time; the message may still arrive.",
              { outcomeUnknown: true, timeoutMs },
            ),
          ),
        timeoutMs,
      );
    });
    let result: unknown;
    try {
      result = await Promise.race([call, deadline]);
    } catch (e) {
      if (isMfaError(e)) throw e;
      throw unavailable("sender_error", "The message service failed.", {}, e);
    } finally {
      clearTimeout(timer);
    }
    const receipt = checkedReceipt(result);
    if (receipt === null) {
      throw unavailable(
        "bad_receipt",
        "The message service answered something that is not a receipt; the message may have been sent.",
        { outcomeUnknown: true },
      );
    }
    return receipt;
  };

  return Object.freeze({ id, send });
}

/**
 * A sender's answer as a receipt: `{ provider, messageId }` of non-empty strings (at most 256
 * characters each), with `reportsDelivery: false` when the sender said so; else `null`.
 */
export function checkedReceipt(value: unknown): SendReceipt | null {
  if (typeof value !== "object" || value === null) return null;
  const { provider, messageId, reportsDelivery } = value as Partial<
    Record<keyof SendReceipt, unknown>
  >;
  const ok = (s: unknown): s is string =>
    typeof s === "string" && s.length > 0 && s.length <= MAX_RECEIPT_FIELD_LENGTH;
  if (!ok(provider) || !ok(messageId)) return null;
  // A provider that never reports delivery says so; anything else is dropped.
  return Object.freeze(
    reportsDelivery === false ? { provider, messageId, reportsDelivery } : { provider, messageId },
  );
}

function senderProblems(name: string, sender: unknown): string[] {
  const s = sender as Partial<MessageSender<unknown>> | null;
  return typeof s === "object" &&
    s !== null &&
    typeof s.id === "string" &&
    s.id.length > 0 &&
    typeof s.send === "function"
    ? []
    : [`${name}: needs a non-empty string id and a send() function`];
}

function optionProblems(options: GuardSenderOptions): string[] {
  const { timeoutMs } = options;
  return timeoutMs === undefined ||
    (Number.isInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= MAX_SEND_TIMEOUT_MS)
    ? []
    : [`timeoutMs: an integer from 1 to ${MAX_SEND_TIMEOUT_MS}`];
}

function configInvalid(problems: readonly string[]): MfaError {
  return new MfaError("config_invalid", {
    message: `The senders are configured incorrectly: ${problems.join("; ")}.`,
    data: { problems: problems.length },
  });
}
