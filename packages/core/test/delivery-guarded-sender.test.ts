/**
 * The guarded sender (REL-04, REL-05): whatever a sender does — throw a TypeError, never answer,
 * answer garbage — the core sees a receipt or a typed delivery error; and `deliveryOutcome`
 * turns every failure but a misconfiguration into a value the flow keeps.
 */
import { isMfaError, MfaError, type MfaErrorCode } from "@mfakit/core";
import type { SendReceipt, SmsMessage, SmsSender, VoiceSender } from "@mfakit/core/adapter";
import { capturingOutbox } from "@mfakit/testing";
import { describe, expect, it, vi } from "vitest";
import { guardSender, guardSenders, MAX_SEND_TIMEOUT_MS } from "../src/delivery/guarded-sender.js";
import { deliveryOutcome } from "../src/enrolment/messenger.js";
import { expectStep, seedSetup } from "./support/seed-setup.ts";

const sms = (over: Partial<SmsMessage> = {}): SmsMessage => ({
  to: "+447400123456",
  text: "373318 is your Contoso code. Don't share it with anyone.",
  locale: "en",
  idempotencyKey: "ch_1",
  ...over,
});

/** A sender whose `send` is the given function; it records every message it was handed. */
function sender(id: string, send: (m: SmsMessage) => Promise<unknown> | unknown) {
  const calls: SmsMessage[] = [];
  const port = {
    id,
    send: (m: SmsMessage) => {
      calls.push(m);
      return send(m);
    },
  } as SmsSender;
  return { port, calls };
}

/** A sender that throws a plain TypeError from inside its async body, as a buggy adapter does. */
const typeErrorSender = () =>
  sender("buggy", async (m) => {
    const body = JSON.parse("null") as { to: string };
    return { provider: "buggy", messageId: body.to + m.to }; // TypeError: reading 'to' of null
  });

/** A sender that never answers: the provider accepted the TCP connection and went quiet. */
const silentSender = () => sender("silent", () => new Promise<never>(() => {}));

async function failure(p: Promise<unknown>): Promise<MfaError> {
  try {
    await p;
  } catch (e) {
    if (isMfaError(e)) return e;
    throw e;
  }
  throw new Error("expected the send to fail");
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("guardSender: every failure is typed (REL-04)", () => {
  it("REL-04: a sender that throws a TypeError → delivery_unavailable, the TypeError as cause", async () => {
    const { port, calls } = typeErrorSender();
    const err = await failure(guardSender(port).send(sms()));
    expect(err.code).toBe("delivery_unavailable");
    expect(err.data).toEqual({ provider: "buggy", reason: "sender_error" });
    expect(err.cause).toBeInstanceOf(TypeError);
    expect(calls).toHaveLength(1);
  });

  it("REL-04: a sender that throws synchronously (not even a promise) is wrapped too", async () => {
    const { port } = sender("sync", () => {
      throw new RangeError("boom");
    });
    const err = await failure(guardSender(port).send(sms()));
    expect(err.code).toBe("delivery_unavailable");
    expect(err.cause).toBeInstanceOf(RangeError);
  });

  it("REL-04: a thrown string or undefined is wrapped too", async () => {
    for (const thrown of ["down", undefined, null, 42]) {
      const { port } = sender("weird", async () => {
        throw thrown;
      });
      const err = await failure(guardSender(port).send(sms()));
      expect(err.code).toBe("delivery_unavailable");
      expect(err.cause).toBe(thrown);
    }
  });

  it.each(["delivery_rejected", "delivery_unavailable", "invalid_input"] as const)(
    "REL-04: an MfaError %s passes through unchanged (a rejection stays a rejection)",
    async (code) => {
      const thrown = new MfaError(code, { data: { provider: "p", providerCode: "21610" } });
      const { port } = sender("p", async () => {
        throw thrown;
      });
      expect(await failure(guardSender(port).send(sms()))).toBe(thrown);
    },
  );

  it("errors carry the provider id and never the message, its text or its destination", async () => {
    for (const { port } of [typeErrorSender(), silentSender(), sender("g", async () => 42)]) {
      const err = await failure(guardSender(port, { timeoutMs: 20 }).send(sms()));
      const shown = JSON.stringify(err) + err.message;
      expect(shown).not.toContain("373318");
      expect(shown).not.toContain("7400123456");
      expect(err.data.provider).toBe(port.id);
    }
  });
});

describe("guardSender: a deadline (REL-05)", () => {
  it("REL-05: a sender that never resolves → delivery_unavailable after timeoutMs, outcome unknown", async () => {
    const { port } = silentSender();
    const started = performance.now();
    const err = await failure(guardSender(port, { timeoutMs: 50 }).send(sms()));
    const elapsed = performance.now() - started;
    expect(err.code).toBe("delivery_unavailable");
    expect(err.data).toEqual({
      provider: "silent",
      reason: "timeout",
      outcomeUnknown: true,
      timeoutMs: 50,
    });
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(1_000);
  });

  it("REL-05: a retry after a timeout hands the sender the same idempotency key", async () => {
    const { port, calls } = silentSender();
    const guarded = guardSender(port, { timeoutMs: 20 });
    const message = sms({ idempotencyKey: "ch_9:1" });
    await failure(guarded.send(message));
    await failure(guarded.send(message));
    expect(calls.map((m) => m.idempotencyKey)).toEqual(["ch_9:1", "ch_9:1"]);
  });

  it("REL-05: a late answer after the deadline is ignored; a late failure is no unhandled rejection", async () => {
    let answer: (r: SendReceipt) => void = () => {};
    let fail: (e: unknown) => void = () => {};
    const late = sender("late", () => new Promise<SendReceipt>((r) => (answer = r)));
    const lateFail = sender("late-fail", () => new Promise<never>((_, f) => (fail = f)));
    expect((await failure(guardSender(late.port, { timeoutMs: 20 }).send(sms()))).data.reason).toBe(
      "timeout",
    );
    expect(
      (await failure(guardSender(lateFail.port, { timeoutMs: 20 }).send(sms()))).data.reason,
    ).toBe("timeout");
    answer({ provider: "late", messageId: "SM1" });
    fail(new TypeError("socket hang up")); // vitest fails the run on an unhandled rejection
    await sleep(20);
  });

  it("a sender that answers in time is not cut off, and the timer does not outlive the send", async () => {
    const { port } = sender("slow", async () => {
      await sleep(30);
      return { provider: "slow", messageId: "SM2" };
    });
    const receipt = await guardSender(port, { timeoutMs: 500 }).send(sms());
    expect(receipt).toEqual({ provider: "slow", messageId: "SM2" });
  });

  it("REL-05: timeoutMs defaults to 10 000 ms", async () => {
    vi.useFakeTimers();
    try {
      const settled = guardSender(silentSender().port)
        .send(sms())
        .then(
          () => "sent",
          (e: unknown) => (isMfaError(e) ? e.data : e),
        );
      let result: unknown = "pending";
      void settled.then((r) => (result = r));
      await vi.advanceTimersByTimeAsync(9_999);
      expect(result).toBe("pending");
      await vi.advanceTimersByTimeAsync(1);
      expect(result).toMatchObject({ reason: "timeout", timeoutMs: 10_000 });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("guardSender: the receipt is checked", () => {
  it.each([
    ["undefined", undefined],
    ["null", null],
    ["a string", "SM123"],
    ["a number", 42],
    ["an empty object", {}],
    ["a missing messageId", { provider: "p" }],
    ["an empty messageId", { provider: "p", messageId: "" }],
    ["a numeric messageId", { provider: "p", messageId: 123 }],
    ["an empty provider", { provider: "", messageId: "SM1" }],
    ["an oversized messageId", { provider: "p", messageId: "x".repeat(257) }],
    ["an array", ["p", "SM1"]],
  ])(
    "REL-05: a sender that returns %s → delivery_unavailable, outcome unknown",
    async (_w, value) => {
      const { port } = sender("garbage", async () => value);
      const err = await failure(guardSender(port).send(sms()));
      expect(err.code).toBe("delivery_unavailable");
      expect(err.data).toEqual({
        provider: "garbage",
        reason: "bad_receipt",
        outcomeUnknown: true,
      });
    },
  );

  it("a good receipt comes back as a fresh frozen { provider, messageId }, extra fields dropped", async () => {
    const answer = { provider: "p", messageId: "SM1", raw: { body: "373318 is your code" } };
    const { port } = sender("p", async () => answer);
    const receipt = await guardSender(port).send(sms());
    expect(receipt).toEqual({ provider: "p", messageId: "SM1" });
    expect(receipt).not.toBe(answer);
    expect(Object.isFrozen(receipt)).toBe(true);
  });

  it("the guarded sender keeps the sender's id and is frozen", () => {
    const guarded = guardSender(sender("twilio-sms", async () => ({})).port);
    expect(guarded.id).toBe("twilio-sms");
    expect(Object.isFrozen(guarded)).toBe(true);
  });
});

describe("guardSender / guardSenders: configuration", () => {
  const codeOf = (fn: () => unknown): MfaErrorCode | null => {
    try {
      fn();
      return null;
    } catch (e) {
      if (isMfaError(e)) return e.code;
      throw e;
    }
  };

  it.each([0, -1, 1.5, Number.NaN, MAX_SEND_TIMEOUT_MS + 1])(
    "config_invalid: timeoutMs %s",
    (timeoutMs) => {
      const { port } = silentSender();
      expect(codeOf(() => guardSender(port, { timeoutMs }))).toBe("config_invalid");
    },
  );

  it.each([
    ["no id", { send: async () => ({}) }],
    ["an empty id", { id: "", send: async () => ({}) }],
    ["no send", { id: "x" }],
    ["null", null],
  ])("config_invalid: a sender with %s", (_what, bad) => {
    expect(codeOf(() => guardSender(bad as unknown as SmsSender))).toBe("config_invalid");
  });

  it("guardSenders wraps each sender given, leaves absent channels absent, reports every problem at once", async () => {
    const outbox = capturingOutbox();
    const guarded = guardSenders({ sms: typeErrorSender().port, email: outbox.email });
    expect(Object.keys(guarded).sort()).toEqual(["email", "sms"]);
    expect(guarded.voice).toBeUndefined();
    expect((await failure(guarded.sms?.send(sms()) ?? Promise.resolve())).code).toBe(
      "delivery_unavailable",
    );
    const receipt = await guarded.email?.send({
      to: "ann@example.com",
      subject: "Your code",
      text: "373318",
      locale: "en",
      idempotencyKey: "ch_e",
    });
    expect(receipt?.messageId).toBeTypeOf("string");
    expect(outbox.messages).toHaveLength(1);

    try {
      guardSenders(
        { sms: { id: "" } as unknown as SmsSender, voice: null as unknown as VoiceSender },
        { timeoutMs: 0 },
      );
      expect.unreachable();
    } catch (e) {
      expect(isMfaError(e, "config_invalid")).toBe(true);
      expect((e as MfaError).data.problems).toBe(3);
    }
  });
});

describe("deliveryOutcome (REL-04)", () => {
  it("REL-04: success, rejection and unavailability are values", async () => {
    expect(await deliveryOutcome(async () => ({}))).toEqual({ ok: true });
    const rejected = new MfaError("delivery_rejected");
    expect(
      await deliveryOutcome(async () => {
        throw rejected;
      }),
    ).toEqual({ ok: false, error: "delivery_rejected", cause: rejected });
  });

  it.each([
    ["a TypeError", new TypeError("x is undefined")],
    ["a string", "down"],
    ["another MfaError", new MfaError("store_unavailable")],
    ["a concurrent send still in progress", new MfaError("delivery_in_progress")],
  ])(
    "REL-04: %s → delivery_unavailable with the thrown value as cause, not a throw",
    async (_w, thrown) => {
      expect(
        await deliveryOutcome(async () => {
          throw thrown;
        }),
      ).toEqual({ ok: false, error: "delivery_unavailable", cause: thrown });
    },
  );

  it("config_invalid is still thrown: a misconfiguration must be loud", async () => {
    const thrown = new MfaError("config_invalid");
    await expect(
      deliveryOutcome(async () => {
        throw thrown;
      }),
    ).rejects.toBe(thrown);
  });

  it("REL-04: an SMS sender throwing a TypeError during submit leaves the state saved and a retryable notice", async () => {
    const { mfa, clock } = seedSetup({ senders: { sms: typeErrorSender().port } });
    const session = { userId: "megan@contoso.com", authenticatedAt: clock.now(), ip: "192.0.2.1" };
    const appSteps = mfa.policy.appSteps.map((s) => s.id);
    const { id } = await mfa.enrolment.start({ ...session, appSteps });
    await mfa.enrolment.submit(id, { step: "intro", action: "setup" }, session);
    const phone = { method: "authentication-phone", country: "GB", delivery: "sms" } as const;
    const number = "07400 123456";
    const failed = expectStep(
      await mfa.enrolment.submit(id, { step: "mfa-method", ...phone, number }, session),
      "verify-code",
    );
    expect(failed.notice).toEqual({ code: "delivery_failed", retryable: true });
    expect((await mfa.enrolment.get(id, session)).step).toBe("verify-code");
  });
});
