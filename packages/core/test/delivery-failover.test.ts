import { isMfaError, type MfaErrorCode, memoryStore } from "@mfakit/core";
import { globalKey, type SendReceipt, type SmsMessage, type SmsSender } from "@mfakit/core/adapter";
import { createFailoverSender, type DeliveryAttempt } from "@mfakit/core/delivery";
import { type CapturingOutbox, capturingOutbox, fakeClock } from "@mfakit/testing";
import { describe, expect, it } from "vitest";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An SMS provider for tests: a capturing outbox behind a named sender that counts calls. */
interface Provider {
  readonly sender: SmsSender;
  readonly outbox: CapturingOutbox;
  /** Every call, failed or not, with the idempotency key it carried. */
  readonly calls: string[];
}

function provider(id: string, options: { delayMs?: number } = {}): Provider {
  const outbox = capturingOutbox();
  const calls: string[] = [];
  return {
    outbox,
    calls,
    sender: {
      id,
      async send(message: SmsMessage): Promise<SendReceipt> {
        calls.push(message.idempotencyKey);
        if (options.delayMs) await sleep(options.delayMs);
        const receipt = await outbox.sms.send(message);
        return { provider: id, messageId: receipt.messageId };
      },
    },
  };
}

const sms = (over: Partial<SmsMessage> = {}): SmsMessage => ({
  to: "+447400123456",
  text: "373318 is your Contoso code. Don't share it with anyone.",
  locale: "en",
  idempotencyKey: "ch_1",
  ...over,
});

async function rejection(p: Promise<unknown>): Promise<{ code: MfaErrorCode; data: object }> {
  try {
    await p;
  } catch (e) {
    if (isMfaError(e)) return { code: e.code, data: e.data };
    throw e;
  }
  throw new Error("expected the send to fail");
}

const total = (...ps: Provider[]) => ps.reduce((n, p) => n + p.outbox.messages.length, 0);

describe("failover (REL-04)", () => {
  it("REL-04: primary unavailable → secondary sends; one message in total", async () => {
    const [a, b] = [provider("a"), provider("b")];
    a.outbox.failNext("unavailable");
    const sender = createFailoverSender({ channel: "sms", senders: [a.sender, b.sender] });
    const receipt = await sender.send(sms());
    expect(receipt.provider).toBe("b");
    expect([a.calls.length, b.calls.length]).toEqual([1, 1]);
    expect(total(a, b)).toBe(1);
    expect(b.outbox.lastCode()).toBe("373318");
  });

  it("REL-04: a rejection is never failed over and never retried", async () => {
    const [a, b] = [provider("a"), provider("b")];
    a.outbox.failNext("rejected");
    const sender = createFailoverSender({
      channel: "sms",
      senders: [a.sender, b.sender],
      retries: 3,
    });
    const err = await rejection(sender.send(sms()));
    expect(err.code).toBe("delivery_rejected");
    expect([a.calls.length, b.calls.length]).toEqual([1, 0]);
  });

  it("REL-05: retries pass over the whole chain with the same idempotency key, then fail closed", async () => {
    const [a, b] = [provider("a"), provider("b")];
    a.outbox.failNext("unavailable", 3);
    b.outbox.failNext("unavailable", 3);
    const attempts: DeliveryAttempt[] = [];
    const sender = createFailoverSender({
      channel: "sms",
      senders: [a.sender, b.sender],
      retries: 2,
      retryDelayMs: 1,
      onAttempt: (x) => attempts.push(x),
    });
    const err = await rejection(sender.send(sms({ idempotencyKey: "ch_retry" })));
    expect(err.code).toBe("delivery_unavailable");
    expect(err.data).toMatchObject({ attempts: 6, outcomeUnknown: false, channel: "sms" });
    expect([...a.calls, ...b.calls]).toEqual(Array(6).fill("ch_retry"));
    expect(attempts.map((x) => `${x.sender}:${x.outcome}`)).toEqual([
      "a:unavailable",
      "b:unavailable",
      "a:unavailable",
      "b:unavailable",
      "a:unavailable",
      "b:unavailable",
    ]);
    expect(total(a, b)).toBe(0);
  });

  it("REL-05: a sender slower than timeoutMs counts as unavailable, outcome unknown", async () => {
    const slow = provider("slow", { delayMs: 300 });
    const fast = provider("fast");
    const attempts: DeliveryAttempt[] = [];
    const sender = createFailoverSender({
      channel: "sms",
      senders: [slow.sender, fast.sender],
      timeoutMs: 40,
      onAttempt: (x) => attempts.push(x),
    });
    const started = performance.now();
    const receipt = await sender.send(sms());
    expect(performance.now() - started).toBeLessThan(250);
    expect(receipt.provider).toBe("fast");
    expect(attempts.map((x) => x.outcome)).toEqual(["timeout", "sent"]);
    expect(fast.calls).toEqual(["ch_1"]);
    expect(fast.outbox.messages).toHaveLength(1);
  });

  it("REL-05: when every attempt times out the error says the outcome is unknown", async () => {
    const slow = provider("slow", { delayMs: 200 });
    const sender = createFailoverSender({
      channel: "sms",
      senders: [slow.sender],
      timeoutMs: 20,
      retries: 1,
      retryDelayMs: 0,
    });
    const err = await rejection(sender.send(sms()));
    expect(err).toMatchObject({
      code: "delivery_unavailable",
      data: { attempts: 2, outcomeUnknown: true, provider: "slow" },
    });
    expect(slow.calls).toEqual(["ch_1", "ch_1"]);
  });

  it("an adapter bug (not an MfaError) counts as unavailable; an MfaError of misuse propagates", async () => {
    const b = provider("b");
    const buggy: SmsSender = {
      id: "buggy",
      send: () => {
        throw new TypeError("cannot read properties of undefined");
      },
    };
    const misuse: SmsSender = {
      id: "misuse",
      send: async () => {
        throw new (await import("@mfakit/core")).MfaError("invalid_input", {
          data: { field: "to" },
        });
      },
    };
    expect(
      (await createFailoverSender({ channel: "sms", senders: [buggy, b.sender] }).send(sms()))
        .provider,
    ).toBe("b");
    const err = await rejection(
      createFailoverSender({ channel: "sms", senders: [misuse, b.sender] }).send(
        sms({ idempotencyKey: "k2" }),
      ),
    );
    expect(err.code).toBe("invalid_input");
    expect(b.calls).toEqual(["ch_1"]);
  });

  it("a throwing onAttempt hook changes nothing", async () => {
    const a = provider("a");
    const sender = createFailoverSender({
      channel: "sms",
      senders: [a.sender],
      onAttempt: () => {
        throw new Error("metrics down");
      },
    });
    await expect(sender.send(sms())).resolves.toMatchObject({ provider: "a" });
  });
});

describe("routing by country", () => {
  const [uk, us, ca, tt, rest] = ["uk", "us", "ca", "tt", "rest"].map((id) => provider(id)) as [
    Provider,
    Provider,
    Provider,
    Provider,
    Provider,
  ];
  const sender = createFailoverSender({
    channel: "sms",
    senders: [rest.sender],
    routes: { "+44": [uk.sender], "1": [us.sender], CA: [ca.sender], "1868": [tt.sender] },
  });
  it.each([
    ["+447400123456", "uk"],
    ["+12133734253", "us"],
    ["+14165550123", "ca"],
    ["+18682345678", "tt"],
    ["+33612345678", "rest"],
  ])("%s → %s (ISO code before calling code, longest prefix first)", async (to, want) => {
    const receipt = await sender.send(sms({ to, idempotencyKey: `route_${to}` }));
    expect(receipt.provider).toBe(want);
  });
});

describe("idempotency (REL-03)", () => {
  it("REL-03: a repeated send with the same key replays the receipt without a provider call", async () => {
    const a = provider("a");
    const sender = createFailoverSender({
      channel: "sms",
      senders: [a.sender],
      store: memoryStore(),
    });
    const first = await sender.send(sms());
    const second = await sender.send(sms());
    expect(second).toEqual(first);
    expect(a.calls).toHaveLength(1);
  });

  it("REL-03: 20 concurrent sends with one key → exactly one provider call and one SMS", async () => {
    const a = provider("a", { delayMs: 30 });
    const sender = createFailoverSender({ channel: "sms", senders: [a.sender] });
    const receipts = await Promise.all(Array.from({ length: 20 }, () => sender.send(sms())));
    expect(a.calls).toHaveLength(1);
    expect(a.outbox.messages).toHaveLength(1);
    expect(new Set(receipts.map((r) => r.messageId)).size).toBe(1);
  });

  it("REL-03: 20 concurrent sends across 4 app instances sharing a store → one provider call", async () => {
    const store = memoryStore();
    const a = provider("a", { delayMs: 30 });
    const instances = Array.from({ length: 4 }, () =>
      createFailoverSender({ channel: "sms", senders: [a.sender], store }),
    );
    const receipts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (instances[i % 4] as SmsSender).send(sms())),
    );
    expect(a.calls).toHaveLength(1);
    expect(new Set(receipts.map((r) => r.messageId))).toEqual(new Set(["msg_1"]));
  });

  it("REL-03/REL-04: concurrent sends while the primary fails: one message in total, whatever retries happen", async () => {
    const [a, b] = [provider("a", { delayMs: 10 }), provider("b", { delayMs: 10 })];
    a.outbox.failNext("unavailable", 5);
    b.outbox.failNext("unavailable", 1);
    const sender = createFailoverSender({
      channel: "sms",
      senders: [a.sender, b.sender],
      retries: 2,
      retryDelayMs: 5,
    });
    const receipts = await Promise.all(Array.from({ length: 20 }, () => sender.send(sms())));
    expect(total(a, b)).toBe(1);
    expect(a.calls.length + b.calls.length).toBe(4); // a ✗, b ✗, a ✗, b ✓
    expect(new Set(receipts.map((r) => `${r.provider}/${r.messageId}`))).toEqual(
      new Set(["b/msg_1"]),
    );
  });

  it("REL-03: concurrent sends mirror a rejection; later sends replay it without a provider call", async () => {
    const a = provider("a", { delayMs: 20 });
    a.outbox.failNext("rejected");
    const sender = createFailoverSender({ channel: "sms", senders: [a.sender] });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => sender.send(sms())));
    expect(
      results.every((r) => r.status === "rejected" && isMfaError(r.reason, "delivery_rejected")),
    ).toBe(true);
    const replay = await rejection(sender.send(sms()));
    expect(replay).toMatchObject({
      code: "delivery_rejected",
      data: { replayed: true, provider: "capturing-outbox" },
    });
    expect(a.calls).toHaveLength(1);
  });

  it("REL-03: concurrent sends waiting for a failed send fail with it; a later send retries", async () => {
    const a = provider("a", { delayMs: 20 });
    a.outbox.failNext("unavailable", 2);
    const sender = createFailoverSender({
      channel: "sms",
      senders: [a.sender],
      retries: 1,
      retryDelayMs: 1,
    });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => sender.send(sms())));
    expect(
      results.every((r) => r.status === "rejected" && isMfaError(r.reason, "delivery_unavailable")),
    ).toBe(true);
    expect(a.calls).toHaveLength(2);
    await expect(sender.send(sms())).resolves.toMatchObject({ provider: "a" });
    expect(a.calls).toEqual(["ch_1", "ch_1", "ch_1"]);
    expect(a.outbox.messages).toHaveLength(1);
  });

  it("REL-03: a send still in progress past waitForConcurrentMs → delivery_in_progress (409)", async () => {
    const a = provider("a", { delayMs: 400 });
    const sender = createFailoverSender({
      channel: "sms",
      senders: [a.sender],
      waitForConcurrentMs: 20,
    });
    const first = sender.send(sms());
    await sleep(5);
    expect((await rejection(sender.send(sms()))).code).toBe("delivery_in_progress");
    const receipt = await first;
    await expect(sender.send(sms())).resolves.toEqual(receipt);
    expect(a.calls).toHaveLength(1);
  });

  it("REL-03: the same key for another destination → idempotency_key_reused (422), no provider call", async () => {
    const a = provider("a");
    const store = memoryStore();
    const sender = createFailoverSender({ channel: "sms", senders: [a.sender], store });
    await sender.send(sms());
    const err = await rejection(sender.send(sms({ to: "+447400999999" })));
    expect(err.code).toBe("idempotency_key_reused");
    expect(a.calls).toHaveLength(1);
    // The record names no destination and no text: only a hash of the destination.
    const record = await store.get(globalKey("idem", "send", "sms", "ch_1"));
    const json = JSON.stringify(record);
    expect(json).not.toContain("7400123456");
    expect(json).not.toContain("373318");
  });

  it("REL-05: a crashed owner's claim expires; the next send takes over and a late settle cannot overwrite it", async () => {
    const clock = fakeClock();
    const store = memoryStore({ clock });
    let release: () => void = () => {};
    const hanging: SmsSender = {
      id: "hanging",
      send: () =>
        new Promise<SendReceipt>((resolve) => {
          release = () => resolve({ provider: "hanging", messageId: "late" });
        }),
    };
    const b = provider("b");
    const crashed = createFailoverSender({
      channel: "sms",
      senders: [hanging],
      store,
      clock,
      timeoutMs: 60_000,
      retries: 0,
    });
    const other = createFailoverSender({
      channel: "sms",
      senders: [b.sender],
      store,
      clock,
      timeoutMs: 1_000,
      waitForConcurrentMs: 10,
    });
    const lost = crashed.send(sms());
    await sleep(5);
    expect((await rejection(other.send(sms()))).code).toBe("delivery_in_progress");
    clock.advance(60_000 + 5_000 + 1);
    const receipt = await other.send(sms());
    expect(receipt.provider).toBe("b");
    release();
    await expect(lost).resolves.toMatchObject({ messageId: "late" });
    await expect(other.send(sms())).resolves.toEqual(receipt);
    expect(b.calls).toHaveLength(1);
  });

  it("REL-05: a record is replayed for idempotencyTtlMs, then the key may send again", async () => {
    const clock = fakeClock();
    const a = provider("a");
    const sender = createFailoverSender({
      channel: "sms",
      senders: [a.sender],
      store: memoryStore({ clock }),
      clock,
      idempotencyTtlMs: 60_000,
    });
    await sender.send(sms());
    clock.advance(59_999);
    await sender.send(sms());
    expect(a.calls).toHaveLength(1);
    clock.advance(1);
    await sender.send(sms());
    expect(a.calls).toHaveLength(2);
  });
});

describe("input and configuration checks", () => {
  it.each([
    [{ idempotencyKey: "" }, "idempotencyKey"],
    [{ idempotencyKey: "has space" }, "idempotencyKey"],
    [{ idempotencyKey: "k".repeat(256) }, "idempotencyKey"],
    [{ to: "07400123456" }, "to"],
    [{ to: "+44 7400 123456" }, "to"],
  ])("%j → invalid_input before any provider call", async (over, field) => {
    const a = provider("a");
    const sender = createFailoverSender({ channel: "sms", senders: [a.sender] });
    expect(await rejection(sender.send(sms(over)))).toMatchObject({
      code: "invalid_input",
      data: { field },
    });
    expect(a.calls).toHaveLength(0);
  });

  it("refuses bad configuration at construction, every problem in one error", () => {
    try {
      createFailoverSender({
        channel: "email",
        senders: [],
        routes: { XX1: [] },
        timeoutMs: 0,
        retries: -1,
      });
      throw new Error("expected config_invalid");
    } catch (e) {
      expect(isMfaError(e, "config_invalid")).toBe(true);
      const message = (e as Error).message;
      for (const part of [
        "senders:",
        "routes: only for sms and voice",
        "routes.XX1",
        "timeoutMs",
        "retries",
      ]) {
        expect(message).toContain(part);
      }
    }
  });

  it("wraps email senders too (no routes; any address string)", async () => {
    const outbox = capturingOutbox();
    const email = createFailoverSender({ channel: "email", senders: [outbox.email] });
    const receipt = await email.send({
      to: "ada@example.com",
      subject: "Your code",
      text: "373318",
      locale: "en",
      idempotencyKey: "mail_1",
    });
    expect(receipt.provider).toBe("capturing-outbox");
    expect(email.id).toBe("failover(capturing-email)");
  });
});
