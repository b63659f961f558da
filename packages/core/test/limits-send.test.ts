/**
 * The send limits over a real store (FRAUD-03, RATE-06): buckets instead of raw strings, a
 * refused send that counts nothing, and `refundSend` for sends the app's risk hook refused.
 */
import { isMfaError, type LimitsInput, memoryStore } from "@mfakit/core";
import { createLimiter, type SendSubject } from "@mfakit/core/limits";
import { fakeClock } from "@mfakit/testing";
import { describe, expect, it } from "vitest";

const HOUR_MS = 3_600_000;

function setup(limits: LimitsInput = {}) {
  const clock = fakeClock(Date.UTC(2026, 10, 25, 9, 0, 0));
  const store = memoryStore({ clock });
  const limiter = createLimiter({ store, clock }, limits);
  /** Every live entry under "mfa:", as `key → value`: the limiter's whole state. */
  const state = async () => {
    const entries: Record<string, unknown> = {};
    let cursor: string | undefined;
    do {
      const page = await store.list("mfa:", { limit: 1000, cursor });
      // The day's "sent" figures (FRAUD-06) are statistics, not limits: they outlive the windows.
      for (const item of page.items)
        if (!item.key.startsWith("mfa:stats:")) entries[item.key] = item.value;
      cursor = page.cursor ?? undefined;
    } while (cursor);
    return entries;
  };
  /** `state()` with counters at zero left out: an absent counter and a zero one count alike. */
  const counts = async () =>
    Object.fromEntries(Object.entries(await state()).filter(([, v]) => v !== 0));
  return { clock, store, limiter, state, counts };
}

const phone = (over: Partial<SendSubject> = {}): SendSubject => ({
  userId: "megan@contoso.com",
  destination: "+447400123456",
  country: "GB",
  ip: "198.51.100.4",
  ...over,
});

/** The scopes the answers were refused at, `"ok"` for an allowed send. */
const outcomes = (answers: ReadonlyArray<{ ok: boolean; scope?: string }>) =>
  answers.map((a) => (a.ok ? "ok" : a.scope));

describe("allowSend: per-IP buckets (RATE-06, FRAUD-03)", () => {
  it("RATE-06: 8 addresses of one IPv6 /64 share a limit of 5", async () => {
    const { limiter } = setup({ perIpPerHour: 5, destinationCooldownSeconds: 0 });
    const spellings = [
      "2001:db8:a:b::1",
      "2001:db8:a:b::2",
      "2001:DB8:A:B:0:0:0:3",
      "2001:0db8:000a:000b::4",
      "2001:db8:a:b:ffff:ffff:ffff:ffff",
      "2001:db8:a:b:1::",
      "2001:db8:a:b:0:5efe:192.0.2.1",
      "2001:db8:a:b:dead:beef::",
    ];
    const answers = [];
    for (const [i, ip] of spellings.entries()) {
      const subject = phone({ userId: `user${i}`, destination: `+4474001234${10 + i}`, ip });
      answers.push(await limiter.allowSend(subject));
    }
    expect(outcomes(answers)).toEqual(["ok", "ok", "ok", "ok", "ok", "ip", "ip", "ip"]);
    // The next /64 over is another subscriber.
    const other = phone({ userId: "u9", destination: "+447400123499", ip: "2001:db8:a:c::1" });
    expect((await limiter.allowSend(other)).ok).toBe(true);
  });

  it("RATE-06: ::ffff:192.0.2.1 and 192.0.2.1 are one client", async () => {
    const { limiter } = setup({ perIpPerHour: 1, destinationCooldownSeconds: 0 });
    const first = await limiter.allowSend(phone({ ip: "192.0.2.1" }));
    const mapped = await limiter.allowSend(phone({ userId: "u2", ip: "::FFFF:192.0.2.1" }));
    const hex = await limiter.allowSend(phone({ userId: "u3", ip: "::ffff:c000:201" }));
    expect(outcomes([first, mapped, hex])).toEqual(["ok", "ip", "ip"]);
  });

  it.each([
    ["a port", "192.0.2.1:443"],
    ["a forwarded-for list", "192.0.2.1, 198.51.100.4"],
    ["a host name", "proxy.internal"],
    ["an empty string", ""],
  ])(
    "RATE-06: an invalid IP (%s) is invalid_input naming ip, before any counter moves",
    async (_w, ip) => {
      const { limiter, state } = setup();
      try {
        await limiter.allowSend(phone({ ip }));
        expect.unreachable();
      } catch (e) {
        expect(isMfaError(e, "invalid_input")).toBe(true);
        expect(isMfaError(e) && e.data).toEqual({ field: "ip" });
      }
      expect(await state()).toEqual({});
    },
  );

  it("FRAUD-03: an invalid destination is invalid_input naming destination, before any counter moves", async () => {
    const { limiter, state } = setup();
    await expect(limiter.allowSend(phone({ destination: "07400 123456" }))).rejects.toMatchObject({
      code: "invalid_input",
      data: { field: "destination" },
    });
    expect(await state()).toEqual({});
  });
});

describe("allowSend: per-destination buckets (FRAUD-03)", () => {
  const email = (destination: string, userId = "megan@contoso.com"): SendSubject => ({
    userId,
    destination,
    ip: "198.51.100.4",
  });

  it("FRAUD-03: case variants of one email address share the hourly limit", async () => {
    const { limiter } = setup({ perDestinationPerHour: 2, destinationCooldownSeconds: 0 });
    const answers = [];
    for (const [i, address] of [
      "ann@example.com",
      "Ann@Example.com",
      "ANN@EXAMPLE.COM",
    ].entries()) {
      answers.push(await limiter.allowSend(email(address, `user${i}`)));
    }
    expect(outcomes(answers)).toEqual(["ok", "ok", "destination"]);
  });

  it("FRAUD-03: case variants of one email address share the cooldown", async () => {
    const { limiter } = setup({ destinationCooldownSeconds: 30 });
    const first = await limiter.allowSend(email("ann@example.com"));
    const second = await limiter.allowSend(email("ANN@example.com", "u2"));
    expect(outcomes([first, second])).toEqual(["ok", "cooldown"]);
  });
});

describe("allowSend: a refused send counts nothing (FRAUD-03)", () => {
  it("FRAUD-03: a send refused for its IP does not use up its destination's quota or cooldown", async () => {
    const { limiter, counts } = setup({ perIpPerHour: 1, perDestinationPerHour: 1 });
    expect((await limiter.allowSend(phone())).ok).toBe(true);
    const before = await counts();
    const victim = phone({ userId: "attacker", destination: "+447400123457" });
    for (let i = 0; i < 5; i++) {
      expect(outcomes([await limiter.allowSend(victim)])).toEqual(["ip"]);
    }
    expect(await counts()).toEqual(before);
    // The victim's number still gets its one code per hour, from anywhere else, at once.
    const fromElsewhere = phone({
      userId: "owner",
      destination: victim.destination,
      ip: "203.0.113.7",
    });
    expect((await limiter.allowSend(fromElsewhere)).ok).toBe(true);
  });

  it("FRAUD-03: 20 concurrent sends to one destination with a limit of 5: exactly 5 pass", async () => {
    const { limiter, store } = setup({ perDestinationPerHour: 5, destinationCooldownSeconds: 0 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.allowSend(phone({ userId: `u${i}`, ip: `203.0.113.${i}` })),
      ),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(5);
    expect((await store.get("mfa:rl:dest:+447400123456"))?.value).toBe(5);
  });
});

describe("refundSend (FRAUD-03, FRAUD-05)", () => {
  it("FRAUD-03: a send refused by the risk hook, then refunded, leaves every counter as before", async () => {
    const { limiter, counts } = setup();
    // Some history first, so that "as before" is not just "empty".
    expect((await limiter.allowSend(phone())).ok).toBe(true);
    expect((await limiter.allowSend(phone({ destination: "+447400123457" }))).ok).toBe(true);
    const before = await counts();
    const subject = phone({ destination: "+447400123458", ip: "2001:db8::7" });
    expect((await limiter.allowSend(subject)).ok).toBe(true);
    expect(await counts()).not.toEqual(before);
    await limiter.refundSend(subject);
    expect(await counts()).toEqual(before);
  });

  it("FRAUD-03: the refund releases the cooldown claim, so the next real send goes at once", async () => {
    const { limiter } = setup({ destinationCooldownSeconds: 30 });
    expect((await limiter.allowSend(phone())).ok).toBe(true);
    await limiter.refundSend(phone());
    expect((await limiter.allowSend(phone())).ok).toBe(true);
    // Without a refund the cooldown holds.
    expect(outcomes([await limiter.allowSend(phone())])).toEqual(["cooldown"]);
  });

  it("FRAUD-05: whoever never passes the bot check cannot stop a number from receiving codes", async () => {
    const { limiter, clock } = setup({ perDestinationPerHour: 3 });
    const attacker = phone({ userId: "attacker", ip: "203.0.113.7" });
    for (let i = 0; i < 50; i++) {
      // Each attempt: limits allow it, the app's beforeSend hook refuses it, the pipeline refunds.
      expect((await limiter.allowSend(attacker)).ok).toBe(true);
      await limiter.refundSend(attacker);
    }
    // The owner still gets the full hourly quota, the first code at once.
    const owner = [];
    for (let i = 0; i < 4; i++) {
      owner.push(await limiter.allowSend(phone({ userId: "owner" })));
      clock.advance(31_000);
    }
    expect(outcomes(owner)).toEqual(["ok", "ok", "ok", "destination"]);
  });

  it("FRAUD-03: refunds use the same buckets: a refund in another spelling undoes the send", async () => {
    const { limiter, counts } = setup();
    const before = await counts();
    await limiter.allowSend({
      userId: "u",
      destination: "Ann@Example.com",
      ip: "::ffff:192.0.2.1",
    });
    await limiter.refundSend({ userId: "u", destination: "ann@example.com", ip: "192.0.2.1" });
    expect(await counts()).toEqual(before);
  });

  it("FRAUD-03: a refund after the hourly window ended leaves no negative count for the next window", async () => {
    const { limiter, clock, state } = setup({
      perDestinationPerHour: 2,
      destinationCooldownSeconds: 0,
    });
    expect((await limiter.allowSend(phone())).ok).toBe(true);
    clock.advance(HOUR_MS + 1);
    await limiter.refundSend(phone());
    expect(Object.values(await state()).every((v) => v === 0)).toBe(true);
    const next = [];
    for (let i = 0; i < 3; i++) next.push(await limiter.allowSend(phone({ userId: `u${i}` })));
    expect(outcomes(next)).toEqual(["ok", "ok", "destination"]);
    // And the counters a refund created expire like any window.
    clock.advance(HOUR_MS + 1);
    expect(await state()).toEqual({});
  });

  it("FRAUD-03: 20 concurrent allow-then-refund pairs leave every counter at zero", async () => {
    const { limiter, counts } = setup({
      destinationCooldownSeconds: 0,
      perDestinationPerHour: 1000,
    });
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const subject = phone({ userId: `u${i}`, ip: `203.0.113.${i}` });
        expect((await limiter.allowSend(subject)).ok).toBe(true);
        await limiter.refundSend(subject);
      }),
    );
    expect(await counts()).toEqual({});
  });

  it("RATE-06: refundSend validates like allowSend and moves nothing on a bad subject", async () => {
    const { limiter, state } = setup();
    await limiter.allowSend(phone());
    const before = await state();
    await expect(limiter.refundSend(phone({ ip: "not an ip" }))).rejects.toMatchObject({
      code: "invalid_input",
      data: { field: "ip" },
    });
    expect(await state()).toEqual(before);
  });
});
