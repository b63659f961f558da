/**
 * The sender conformance kit: every guarantee of the SmsSender, VoiceSender and EmailSender
 * ports, as vitest tests.
 *
 * An adapter's test file calls {@link testSender} once. The kit never looks inside the adapter:
 * it sends through the port and asks a {@link SenderProbe} what reached the provider's endpoint
 * (a local HTTP server that implements the provider's API, an SMTP server started by the test).
 * The probe also injects the provider's failures, so the kit can check the error contract:
 * `delivery_rejected` for this recipient, `delivery_unavailable` for throttling, server errors
 * and timeouts, and never a code or message text in an error.
 *
 * @module
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type EmailMessage,
  type EmailSender,
  isMfaError,
  MfaError,
  type MfaErrorCode,
  type SendReceipt,
  type SmsMessage,
  type SmsSender,
  type VoiceMessage,
  type VoiceSegment,
  type VoiceSender,
} from "@mfakit/core/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** One message as it reached the provider's endpoint, decoded by the probe. */
export interface ProbeMessage {
  /**
   * The destination, in the form the sender was given (E.164 with its `+`, or the address):
   * a probe for a provider that drops the `+` adds it back.
   */
  readonly to: string;
  /**
   * What the recipient gets: the SMS body, the email's text body, or for a call the words it
   * speaks (the say-segments' texts, unescaped, joined by spaces; pauses left out).
   */
  readonly text: string;
  /** Email only: the subject as received. */
  readonly subject?: string;
  /** Email only: the HTML body as received. */
  readonly html?: string;
  /** The idempotency key the provider received, when the provider takes one. */
  readonly idempotencyKey?: string;
}

/**
 * A failure for the probe's endpoint to answer the next request with, as the provider
 * documents it.
 * - `rejected`: the provider refuses this recipient (an invalid or unsubscribed number, an
 *   unknown mailbox: e.g. Twilio 21211, SMTP 550).
 * - `throttled`: the provider's rate limit (HTTP 429, SMTP 421/451).
 * - `unavailable`: a server error (HTTP 500/503, SMTP 4xx transient failure).
 * - `timeout`: no answer for longer than the sender's timeout (hold it at least 5 s, or until
 *   the client goes away). Must not be recorded as received.
 */
export type ProbeFailure = "rejected" | "throttled" | "unavailable" | "timeout";

/** What the kit needs to see and steer the provider's side. */
export interface SenderProbe {
  /** Every message the endpoint accepted (answered with success), oldest first. */
  received(): readonly ProbeMessage[] | Promise<readonly ProbeMessage[]>;
  /** Makes the endpoint answer only the next request with `failure`; failed requests are not received. */
  failNext(failure: ProbeFailure): void | Promise<void>;
  /**
   * Makes the endpoint answer only the next request with `307 Temporary Redirect` to
   * `location`, the message not received. Needed by `SenderKitOptions.checkRedirects`.
   */
  redirectNext?(location: string): void | Promise<void>;
}

/** What {@link SenderKitOptions.create} is given. */
export interface SenderKitContext {
  /** The timeout to configure on the sender, in ms. */
  readonly timeoutMs: number;
}

/** A sender under test with its probe. */
export interface SenderUnderTest<S> {
  /** The sender, configured to reach the probe's endpoint with `timeoutMs`. */
  readonly sender: S;
  /** The probe of that endpoint. */
  readonly probe: SenderProbe;
  /** Stops what `create` started (servers, transports). */
  close?(): void | Promise<void>;
}

/** Starts a sender and its probe for the kit. */
export type CreateSenderUnderTest<S> = (
  context: SenderKitContext,
) => SenderUnderTest<S> | Promise<SenderUnderTest<S>>;

/** How {@link testSender} gets a sender and its probe. */
export type SenderKitOptions = {
  /** Shown in the suite's title, e.g. `"twilio sms"`. */
  readonly name: string;
  /**
   * The sender's timeout the kit asks for; a `timeout` failure must reject within this plus 2 s.
   * @default 300
   */
  readonly timeoutMs?: number;
  /**
   * The n-th destination the kit sends to (n = 1, 2, …), all distinct.
   * @default `+447700900` + n (UK drama range) for SMS and voice, `kit-<n>@example.test` for email
   */
  destination?(n: number): string;
  /**
   * The sender calls an HTTP API: check that it follows no redirect. A followed 307 replays the
   * request, credentials and code included, to wherever the `Location` points. The probe must
   * implement {@link SenderProbe.redirectNext}.
   * @default false
   */
  readonly checkRedirects?: boolean;
} & (
  | { readonly channel: "sms"; readonly create: CreateSenderUnderTest<SmsSender> }
  | { readonly channel: "voice"; readonly create: CreateSenderUnderTest<VoiceSender> }
  | { readonly channel: "email"; readonly create: CreateSenderUnderTest<EmailSender> }
);

/** One send of the kit: what it sent, what must arrive, what must never leak. */
interface KitSend {
  readonly to: string;
  readonly code: string;
  readonly idempotencyKey: string;
  /** Resolves with the receipt or rejects with the sender's error. */
  readonly result: Promise<SendReceipt>;
  /** Checks a received message against what was sent. */
  check(received: ProbeMessage): void;
  /** Strings no error may contain. */
  readonly secrets: readonly string[];
}

// The texts carry characters that break careless encoders: '+', '&', '<', quotes and non-ASCII.
const smsText = (code: string) =>
  `${code} is your Kit & Co <test> code. Don't share it: "+1" ü€✓ 😀`;
const voiceIntro = `Your Kit & Co <test> code is`;

/**
 * A voice script shaped like the core's: `intro`, the code digit by digit with one-second pauses,
 * the code once more, then `outro`. For adapter tests that need a realistic script.
 */
export function codeCallScript(
  code: string,
  intro = "Your code is",
  outro = "Goodbye.",
): VoiceSegment[] {
  const digits = [...code].flatMap((digit): VoiceSegment[] => [
    { kind: "pause", seconds: 1 },
    { kind: "say", text: digit },
  ]);
  return [
    { kind: "say", text: intro },
    ...digits,
    { kind: "pause", seconds: 1 },
    ...digits,
    { kind: "pause", seconds: 1 },
    { kind: "say", text: outro },
  ];
}

/**
 * What `send` rejected with, as an {@link MfaError}; throws (failing the test) if it resolved or
 * threw anything else.
 */
export async function mfaErrorOf(send: Promise<unknown>): Promise<MfaError> {
  const error = await send.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MfaError)) {
    throw new Error(`expected an MfaError, got ${error === undefined ? "success" : String(error)}`);
  }
  return error;
}

/** A provider fake listening on 127.0.0.1. */
export interface FakeProviderServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Stops listening and drops open connections (including held, never-answered requests). */
  close(): Promise<void>;
}

/**
 * Starts a local HTTP server for a provider fake: `handle` gets each request with its whole
 * body as UTF-8. A handler that never answers simulates a provider slower than any timeout.
 */
export async function startFakeProviderServer(
  handle: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<FakeProviderServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The say-texts appear in `spoken` in order (whitespace-insensitive). */
function expectSpokenInOrder(spoken: string, segments: readonly VoiceSegment[]): void {
  const norm = (s: string) => s.replace(/\s+/g, " ").trim();
  const haystack = norm(spoken);
  let from = 0;
  for (const segment of segments) {
    if (segment.kind !== "say") continue;
    const at = haystack.indexOf(norm(segment.text), from);
    expect(at, `"${segment.text}" is spoken after position ${from}`).toBeGreaterThanOrEqual(from);
    from = at + norm(segment.text).length;
  }
}

/** Every string an error exposes to a log line: messages, data, JSON, down the cause chain. */
function errorTexts(error: unknown): string[] {
  const texts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    if (typeof current !== "object") {
      texts.push(String(current));
      break;
    }
    const e = current as { message?: unknown; stack?: unknown; data?: unknown; cause?: unknown };
    texts.push(String(e.message), String(e.stack));
    for (const value of [e.data, current]) {
      try {
        texts.push(JSON.stringify(value) ?? "");
      } catch {
        // Circular structures are not loggable as JSON anyway.
      }
    }
    current = e.cause;
  }
  return texts;
}

/** A random 8-digit code: long enough that it never occurs in an error by accident. */
function randomCode(): string {
  const bytes = crypto.getRandomValues(new Uint32Array(1));
  return String(10_000_000 + ((bytes[0] ?? 0) % 90_000_000));
}

/**
 * Registers the sender conformance suite for one channel.
 *
 * @example
 * ```ts
 * testSender({
 *   name: "twilio sms",
 *   channel: "sms",
 *   create: async ({ timeoutMs }) => {
 *     const api = await startFakeTwilio();
 *     const sender = twilioSms({ accountSid, authToken, from, baseUrl: api.url, timeoutMs });
 *     return { sender, probe: api.probe, close: api.close };
 *   },
 * });
 * ```
 */
export function testSender(options: SenderKitOptions): void {
  const timeoutMs = options.timeoutMs ?? 300;
  let unit: SenderUnderTest<SmsSender | VoiceSender | EmailSender>;
  let n = 0;
  const nextDestination = () => {
    n += 1;
    if (options.destination) return options.destination(n);
    return options.channel === "email"
      ? `kit-${n}@example.test`
      : `+447700900${String(n).padStart(3, "0")}`;
  };

  /** Sends one fresh message (new destination, new code, new key) through the sender. */
  const send = (): KitSend => {
    const to = nextDestination();
    const code = randomCode();
    const idempotencyKey = `kit-${crypto.randomUUID()}`;
    const base = { to, locale: "en-GB", idempotencyKey };
    const checkKey = (r: ProbeMessage) => {
      if (r.idempotencyKey !== undefined) expect(r.idempotencyKey).toBe(idempotencyKey);
    };
    switch (options.channel) {
      case "sms": {
        const message: SmsMessage = { ...base, text: smsText(code) };
        return {
          to,
          code,
          idempotencyKey,
          result: (unit.sender as SmsSender).send(message),
          secrets: [code, message.text],
          check(r) {
            expect(r.text).toBe(message.text);
            checkKey(r);
          },
        };
      }
      case "voice": {
        const message: VoiceMessage = {
          ...base,
          segments: codeCallScript(code, voiceIntro, "Goodbye & thanks."),
        };
        return {
          to,
          code,
          idempotencyKey,
          result: (unit.sender as VoiceSender).send(message),
          secrets: [code],
          check(r) {
            expectSpokenInOrder(r.text, message.segments);
            checkKey(r);
          },
        };
      }
      case "email": {
        const text = smsText(code);
        const message: EmailMessage = {
          ...base,
          subject: `Your Kit & Co code — ü€ "${n}"`,
          text,
          html: `<p>Your code: <b>${code}</b> &amp; ü€</p>`,
        };
        return {
          to,
          code,
          idempotencyKey,
          result: (unit.sender as EmailSender).send(message),
          secrets: [code, text],
          check(r) {
            expect(r.text.trim()).toBe(text);
            if (r.subject !== undefined) expect(r.subject).toBe(message.subject);
            if (r.html !== undefined) expect(r.html).toContain(code);
            checkKey(r);
          },
        };
      }
    }
  };

  const receivedFor = async (to: string) =>
    (await unit.probe.received()).filter((m) => m.to === to);

  /** Injects `failure`, sends, and checks the error's code and that it leaks nothing. */
  const expectFailure = async (
    failure: ProbeFailure | "redirect",
    code: MfaErrorCode,
    inject = () => unit.probe.failNext(failure as ProbeFailure),
  ) => {
    await inject();
    const attempt = send();
    const error = await mfaErrorOf(attempt.result);
    expect(isMfaError(error, code), `a "${failure}" answer is ${code}: ${String(error)}`).toBe(
      true,
    );
    for (const text of errorTexts(error)) {
      for (const secret of attempt.secrets) expect(text).not.toContain(secret);
    }
    expect(await receivedFor(attempt.to)).toHaveLength(0);
    return error;
  };

  describe(`Sender conformance (${options.channel}): ${options.name}`, () => {
    beforeAll(async () => {
      unit = (await options.create({ timeoutMs })) as typeof unit;
    });
    afterAll(async () => {
      await unit?.close?.();
    });

    it("has an id", () => {
      expect(typeof unit.sender.id).toBe("string");
      expect(unit.sender.id.length).toBeGreaterThan(0);
    });

    it("one send delivers exactly one message to the destination, intact, and returns a receipt", async () => {
      const attempt = send();
      const receipt = await attempt.result;
      expect(typeof receipt.provider).toBe("string");
      expect(receipt.provider.length).toBeGreaterThan(0);
      expect(typeof receipt.messageId).toBe("string");
      expect(receipt.messageId.length).toBeGreaterThan(0);
      const received = await receivedFor(attempt.to);
      expect(received).toHaveLength(1);
      attempt.check(received[0] as ProbeMessage);
    });

    it("REL-04 STORE-06: a recipient rejection is delivery_rejected with the provider's code, and leaks no code or text", async () => {
      const error = await expectFailure("rejected", "delivery_rejected");
      const providerCode = error.data.providerCode;
      expect(["string", "number"]).toContain(typeof providerCode);
      expect(String(providerCode).length).toBeGreaterThan(0);
    });

    it("REL-04 STORE-06: throttling (429) is delivery_unavailable, and leaks no code or text", async () => {
      await expectFailure("throttled", "delivery_unavailable");
    });

    it("REL-04 STORE-06: a server error (5xx) is delivery_unavailable, and leaks no code or text", async () => {
      await expectFailure("unavailable", "delivery_unavailable");
    });

    it("REL-05 STORE-06: an answer slower than the timeout is delivery_unavailable, in time, and leaks nothing", async () => {
      const started = performance.now();
      await expectFailure("timeout", "delivery_unavailable");
      expect(performance.now() - started).toBeLessThan(timeoutMs + 2000);
    });

    if (options.checkRedirects) {
      it("STORE-06: a cross-origin 307 is not followed: delivery_unavailable, nothing reaches the other host", async () => {
        // Another origin (same host, other port) that records whatever reaches it.
        const reached: string[] = [];
        const elsewhere = await startFakeProviderServer((req, res, body) => {
          reached.push(`${req.method} ${req.url} ${body}`);
          res.writeHead(200, { "content-type": "application/json" }).end("{}");
        });
        try {
          const redirectNext = unit.probe.redirectNext?.bind(unit.probe);
          if (!redirectNext) throw new Error("checkRedirects needs probe.redirectNext");
          const error = await expectFailure("redirect", "delivery_unavailable", () =>
            redirectNext(`${elsewhere.url}/steal?from=kit`),
          );
          expect(error.data.misconfigured).toBe(true);
          expect(reached, "the redirect's target got no request").toEqual([]);
        } finally {
          await elsewhere.close();
        }
      });
    }

    it("works again after failures, and concurrent sends of distinct messages each arrive exactly once", async () => {
      const sends = Array.from({ length: 8 }, () => send());
      const receipts = await Promise.all(sends.map((s) => s.result));
      expect(new Set(receipts.map((r) => r.messageId)).size).toBe(sends.length);
      for (const attempt of sends) {
        const received = await receivedFor(attempt.to);
        expect(received, `one message to ${attempt.to}`).toHaveLength(1);
        attempt.check(received[0] as ProbeMessage);
      }
    });
  });
}
