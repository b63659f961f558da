/**
 * The failover sender: several providers behind one sender port, with routing by country,
 * per-attempt timeouts, retries and idempotency (REL-03, REL-04, REL-05).
 *
 * Why these rules:
 * - `delivery_rejected` is about the recipient (an invalid or opted-out number, an unknown
 *   mailbox): another provider would refuse it too, or worse, deliver to a number the first one
 *   blocked for fraud. It is never retried and never failed over.
 * - `delivery_unavailable` is about the provider (429, 5xx, network): the next provider in the
 *   chain is tried, and after the whole chain, the chain again after a back-off, `retries` times.
 * - A provider that does not answer within `timeoutMs` counts as unavailable, but its outcome is
 *   unknown (REL-05): it may still deliver. Every attempt of one send carries the same
 *   idempotency key, so a provider that deduplicates sends once; one that does not may deliver
 *   a second copy of the same message (same code), which is better than none. The final error
 *   says `outcomeUnknown: true` when that may have happened.
 * - With a shared Store, a send whose key already succeeded replays the saved receipt without
 *   any provider call, and concurrent sends with one key make one provider call in total, across
 *   app instances (see `send-once.ts`). Without a store, an in-process memory store gives the
 *   same guarantee within this process only: several app instances need a shared store.
 *
 * @module
 */

import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { isMfaError, MfaError } from "../errors.js";
import { globalKey } from "../keys.js";
import { type Clock, systemClock } from "../ports/clock.js";
import type {
  EmailMessage,
  EmailSender,
  SendReceipt,
  SmsMessage,
  SmsSender,
  VoiceMessage,
  VoiceSender,
} from "../ports/senders.js";
import type { Store } from "../ports/store.js";
import { memoryStore } from "../store/memory-store.js";
import { sendOnce } from "./send-once.js";

/** A delivery channel. */
export type DeliveryChannel = "sms" | "voice" | "email";

/** The sender port of each channel. */
export interface ChannelSenders {
  readonly sms: SmsSender;
  readonly voice: VoiceSender;
  readonly email: EmailSender;
}

/** The message type of each channel. */
export interface ChannelMessages {
  readonly sms: SmsMessage;
  readonly voice: VoiceMessage;
  readonly email: EmailMessage;
}

/** One provider call, reported to {@link FailoverSenderOptions.onAttempt}. No destination, no text. */
export interface DeliveryAttempt {
  readonly channel: DeliveryChannel;
  /** The sender's `id`. */
  readonly sender: string;
  /** 1 for the first call of this send. */
  readonly attempt: number;
  /** `timeout`: no answer within `timeoutMs`, outcome unknown. */
  readonly outcome: "sent" | "rejected" | "unavailable" | "timeout";
  /** Wall time of the call, ms. */
  readonly durationMs: number;
}

/** Options of {@link createFailoverSender}. */
export interface FailoverSenderOptions<C extends DeliveryChannel> {
  /** Which port this is. */
  readonly channel: C;
  /** The default chain, primary first. At least one. */
  readonly senders: readonly ChannelSenders[C][];
  /**
   * Chains per destination country, replacing `senders` for it (SMS and voice only). Keys are a
   * country calling code (`"44"` or `"+44"`, the longest matching prefix wins) or an ISO 3166-1
   * alpha-2 code (`"GB"`, checked before calling codes: `"CA"` and `"US"` share `+1`).
   * @default {} (every destination uses `senders`)
   */
  readonly routes?: Readonly<Record<string, readonly ChannelSenders[C][]>>;
  /** A provider call that takes longer counts as unavailable, outcome unknown. @default 10000 */
  readonly timeoutMs?: number;
  /** How many more times the whole chain is tried when every sender was unavailable. @default 1 */
  readonly retries?: number;
  /** Back-off before the first retry, doubled for each next one. @default 250 */
  readonly retryDelayMs?: number;
  /**
   * Where idempotency records live. Give the app's shared store when it runs on more than one
   * instance: without it, a per-process memory store deduplicates within this process only.
   * @default an in-process memory store
   */
  readonly store?: Store;
  /** Timestamps of idempotency records. @default systemClock */
  readonly clock?: Clock;
  /**
   * How long a send's outcome is kept and replayed for its idempotency key. A retry later than
   * this sends again (REL-05: reconcile with the provider instead). @default 86400000 (24 h)
   */
  readonly idempotencyTtlMs?: number;
  /**
   * How long a concurrent send with the same key waits for the first one before it gets
   * `delivery_in_progress`. @default the longest a send can take (every attempt timing out)
   */
  readonly waitForConcurrentMs?: number;
  /** Called after every provider call, for metrics and logs. Errors thrown in it are ignored. */
  readonly onAttempt?: (attempt: DeliveryAttempt) => void;
}

const E164 = /^\+[1-9]\d{1,14}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Routes split by kind of key: ISO country codes and calling-code prefixes (digits only). */
interface RouteTable<S> {
  readonly byCountry: ReadonlyMap<string, readonly S[]>;
  readonly byPrefix: ReadonlyMap<string, readonly S[]>;
}

interface AnySender {
  readonly id: string;
  send(message: never): Promise<SendReceipt>;
}

/** Checks the options once; every problem in one error. */
function checkOptions<C extends DeliveryChannel>(options: FailoverSenderOptions<C>): void {
  const problems: string[] = [];
  const isSender = (s: unknown): boolean =>
    typeof s === "object" &&
    s !== null &&
    typeof (s as AnySender).id === "string" &&
    typeof (s as AnySender).send === "function";
  const checkChain = (name: string, chain: unknown) => {
    if (!Array.isArray(chain) || chain.length === 0) problems.push(`${name}: at least one sender`);
    else if (!chain.every(isSender)) problems.push(`${name}: senders need an id and send()`);
  };
  if (!["sms", "voice", "email"].includes(options.channel))
    problems.push("channel: sms, voice or email");
  checkChain("senders", options.senders);
  for (const [key, chain] of Object.entries(options.routes ?? {})) {
    if (options.channel === "email") problems.push("routes: only for sms and voice");
    if (!/^[A-Z]{2}$/.test(key) && !/^\+?[1-9]\d{0,3}$/.test(key)) {
      problems.push(`routes.${key}: an ISO country code ("GB") or a calling code ("44")`);
    }
    checkChain(`routes.${key}`, chain);
  }
  const positive = (name: string, v: number | undefined, min: number) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min))
      problems.push(`${name}: integer ≥ ${min}`);
  };
  positive("timeoutMs", options.timeoutMs, 1);
  positive("retries", options.retries, 0);
  positive("retryDelayMs", options.retryDelayMs, 0);
  positive("idempotencyTtlMs", options.idempotencyTtlMs, 1000);
  positive("waitForConcurrentMs", options.waitForConcurrentMs, 0);
  if (problems.length > 0) {
    throw new MfaError("config_invalid", {
      message: `The failover sender is configured incorrectly: ${problems.join("; ")}.`,
      data: { problems: problems.length },
    });
  }
}

function routeTable<S>(routes: Readonly<Record<string, readonly S[]>>): RouteTable<S> {
  const byCountry = new Map<string, readonly S[]>();
  const byPrefix = new Map<string, readonly S[]>();
  for (const [key, chain] of Object.entries(routes)) {
    if (/^[A-Z]{2}$/.test(key)) byCountry.set(key, chain);
    else byPrefix.set(key.replace(/^\+/, ""), chain);
  }
  return { byCountry, byPrefix };
}

/** The chain for an E.164 destination: its ISO country's, its calling code's, or the default. */
function chainFor<S>(to: string, table: RouteTable<S>, fallback: readonly S[]): readonly S[] {
  if (table.byCountry.size > 0) {
    const country = parsePhoneNumberFromString(to)?.country;
    const chain = country ? table.byCountry.get(country) : undefined;
    if (chain) return chain;
  }
  // Calling codes are 1 to 3 digits, but a route may name a longer prefix (e.g. "1868").
  for (let length = 4; length >= 1; length--) {
    const chain = table.byPrefix.get(to.slice(1, 1 + length));
    if (chain) return chain;
  }
  return fallback;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs one provider call with a deadline. On timeout the call keeps running (a sender port has
 * no cancellation) and its late answer is ignored; the error marks the outcome as unknown.
 */
async function callWithTimeout(
  sender: AnySender,
  message: unknown,
  timeoutMs: number,
): Promise<SendReceipt> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const call = Promise.resolve().then(() => sender.send(message as never));
  call.catch(() => {}); // a failure after the deadline must not become an unhandled rejection
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new MfaError("delivery_unavailable", {
            message: "The message service did not answer in time; the message may still arrive.",
            data: { provider: sender.id, reason: "timeout", timeoutMs, outcomeUnknown: true },
          }),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([call, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Wraps several senders of one channel into one: failover, routing, timeouts, retries and
 * idempotency. The result implements the same port, so the core and adapters see no difference.
 *
 * Throws (from `send`):
 * - `invalid_input` before any provider call when the message has no valid idempotency key
 *   (printable ASCII, 1 to 255 characters) or, for SMS and voice, `to` is not E.164;
 * - `delivery_rejected`, as the provider threw it (or replayed from the store);
 * - `delivery_unavailable` when every attempt failed (`data.attempts`, `data.outcomeUnknown`,
 *   the last provider error as `cause`);
 * - `delivery_in_progress` when a concurrent send with the same key did not finish in time;
 * - `idempotency_key_reused` when the key was used for another destination;
 * - any other `MfaError` a sender throws (misuse, such as `invalid_input`), unchanged.
 * An exception that is not an `MfaError` (a bug or a raw network error in an adapter) counts
 * as unavailable.
 *
 * @example
 * ```ts
 * const sms = createFailoverSender({
 *   channel: "sms",
 *   senders: [twilioSms({ ... }), vonageSms({ ... })],
 *   routes: { "1": [vonageSms({ ... })] },   // North America: Vonage only
 *   timeoutMs: 8_000,
 *   retries: 1,
 *   store,                                   // the app's shared store
 * });
 * await sms.send({ to: "+447400123456", text, locale: "en", idempotencyKey: challengeId });
 * ```
 */
export function createFailoverSender<C extends DeliveryChannel>(
  options: FailoverSenderOptions<C>,
): ChannelSenders[C] {
  checkOptions(options);
  const {
    channel,
    timeoutMs = 10_000,
    retries = 1,
    retryDelayMs = 250,
    clock = systemClock,
    idempotencyTtlMs = 86_400_000,
    onAttempt,
  } = options;
  const store = options.store ?? memoryStore({ clock });
  const senders = Object.freeze([...options.senders]) as readonly AnySender[];
  const routes = routeTable((options.routes ?? {}) as Record<string, readonly AnySender[]>);
  const longestChain = Math.max(
    senders.length,
    ...[...routes.byCountry.values(), ...routes.byPrefix.values()].map((c) => c.length),
  );
  // The longest a send can take: every attempt times out, plus every back-off.
  let backoff = 0;
  for (let pass = 1; pass <= retries; pass++) backoff += retryDelayMs * 2 ** (pass - 1);
  const worstCaseMs = (retries + 1) * longestChain * timeoutMs + backoff;
  const waitMs = options.waitForConcurrentMs ?? worstCaseMs;

  const report = (attempt: DeliveryAttempt) => {
    try {
      onAttempt?.(attempt);
    } catch {
      // Observability must never change the outcome of a send.
    }
  };

  /** Tries the chain, then again `retries` times; never continues past a rejection. */
  const deliver = async (chain: readonly AnySender[], message: unknown): Promise<SendReceipt> => {
    let attempt = 0;
    let outcomeUnknown = false;
    let last: unknown;
    for (let pass = 0; pass <= retries; pass++) {
      if (pass > 0 && retryDelayMs > 0) await sleep(retryDelayMs * 2 ** (pass - 1));
      for (const sender of chain) {
        attempt += 1;
        const started = performance.now();
        const durationMs = () => Math.round(performance.now() - started);
        try {
          const receipt = await callWithTimeout(sender, message, timeoutMs);
          report({
            channel,
            sender: sender.id,
            attempt,
            outcome: "sent",
            durationMs: durationMs(),
          });
          return receipt;
        } catch (e) {
          const rejected = isMfaError(e, "delivery_rejected");
          const timedOut = isMfaError(e, "delivery_unavailable") && e.data.outcomeUnknown === true;
          report({
            channel,
            sender: sender.id,
            attempt,
            outcome: rejected ? "rejected" : timedOut ? "timeout" : "unavailable",
            durationMs: durationMs(),
          });
          if (rejected) throw e;
          if (isMfaError(e) && e.code !== "delivery_unavailable") throw e;
          outcomeUnknown ||= timedOut;
          last = e;
        }
      }
    }
    throw new MfaError("delivery_unavailable", {
      data: {
        channel,
        attempts: attempt,
        outcomeUnknown,
        provider: isMfaError(last) ? (last.data.provider ?? null) : null,
      },
      cause: last,
    });
  };

  const send = async (message: ChannelMessages[C]): Promise<SendReceipt> => {
    const { idempotencyKey, to } = message;
    if (typeof idempotencyKey !== "string" || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new MfaError("invalid_input", {
        message: "A send needs an idempotency key: 1 to 255 printable ASCII characters.",
        data: { field: "idempotencyKey" },
      });
    }
    if (typeof to !== "string" || (channel !== "email" && !E164.test(to))) {
      throw new MfaError("invalid_input", {
        message: "The destination must be an E.164 number.",
        data: { field: "to" },
      });
    }
    const chain = channel === "email" ? senders : chainFor(to, routes, senders);
    return sendOnce(
      {
        store,
        clock,
        key: globalKey("idem", "send", channel, idempotencyKey),
        destination: `${channel}:${to}`,
        pendingTtlMs: worstCaseMs + 5_000,
        recordTtlMs: idempotencyTtlMs,
        waitMs,
      },
      () => deliver(chain, message),
    );
  };

  const ids = [
    ...new Set(
      [senders, ...routes.byCountry.values(), ...routes.byPrefix.values()].flat().map((s) => s.id),
    ),
  ];
  return Object.freeze({ id: `failover(${ids.join(",")})`, send }) as unknown as ChannelSenders[C];
}
