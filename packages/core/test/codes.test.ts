import { isMfaError, type MfaError, memoryStore, type Store } from "@mfakit/core";
import { assertCodeFormat, createCodeService, maskDestination } from "@mfakit/core/codes";
import { describe, expect, it } from "vitest";
import { dump, EMAIL, PHONE, ref, setup, testKeyring, USER } from "./codes-fixture.js";

const signin = { userId: USER, purpose: "signin:sms", destination: PHONE };

async function expectMfaError(promise: Promise<unknown>, code: string): Promise<MfaError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected MfaError ${code}, got success`);
    },
    (e: unknown) => e,
  );
  expect(isMfaError(error), String(error)).toBe(true);
  expect((error as MfaError).code).toBe(code);
  return error as MfaError;
}

describe("codes: options (config validated once)", () => {
  const deps = () => ({ store: memoryStore(), keyring: testKeyring("k1") });

  it("applies the defaults and freezes them", () => {
    const { options } = createCodeService(deps());
    expect(options).toEqual({ length: 6, ttlSeconds: 300, maxAttempts: 5, maxSends: 5 });
    expect(Object.isFrozen(options)).toBe(true);
  });

  it.each([
    { length: 3 },
    { length: 11 },
    { length: 6.5 },
    { ttlSeconds: 29 },
    { ttlSeconds: 601 }, // LIFE-01: never over 10 minutes
    { maxAttempts: 0 },
    { maxAttempts: 11 }, // RATE-01
    { maxSends: 0 },
    { maxSends: Number.NaN },
  ])("refuses %o with config_invalid (LIFE-01, RATE-01)", (options) => {
    expect(() => createCodeService(deps(), options)).toThrowError(
      expect.objectContaining({ code: "config_invalid" }),
    );
  });

  it("reports every bad option in one error", () => {
    try {
      createCodeService(deps(), { length: 2, ttlSeconds: 900 });
      expect.unreachable();
    } catch (e) {
      expect(isMfaError(e, "config_invalid")).toBe(true);
      expect((e as MfaError).data.fields).toBe("length,ttlSeconds");
    }
  });

  it("needs a store and a keyring", () => {
    expect(() =>
      createCodeService({ keyring: testKeyring("k1") } as unknown as { store: Store } & ReturnType<
        typeof deps
      >),
    ).toThrowError(expect.objectContaining({ code: "config_invalid" }));
  });
});

describe("codes: issue and verify", () => {
  it("issues a code of exactly `length` ASCII digits and verifies it once (GEN-01, LIFE-03)", async () => {
    const { codes, clock } = setup();
    const issued = await codes.issue(signin);
    expect(issued.code).toMatch(/^[0-9]{6}$/);
    expect(issued.challengeId).toMatch(/^ch_[A-Za-z0-9_-]{22}$/);
    expect(issued).toMatchObject({ sendCount: 1, attemptsLeft: 5 });
    expect(issued.expiresAt).toBe(clock.now() + 300_000);

    const check = { ...signin, challengeId: issued.challengeId, code: issued.code };
    expect(await codes.verify(check)).toEqual({ ok: true, challengeId: issued.challengeId });
    expect(await codes.verify(check)).toEqual({ ok: false, reason: "not_found" });
  });

  it("honours length 4 and 10, leading zeros kept as digits (GEN-01)", async () => {
    for (const length of [4, 10]) {
      const zeros = { bytes: (n: number) => new Uint8Array(n) }; // every draw is the digit 0
      const { codes } = setup({ length }, { random: zeros });
      const issued = await codes.issue(signin);
      expect(issued.code).toBe("0".repeat(length));
      const check = { ...signin, challengeId: issued.challengeId, code: issued.code };
      expect(await codes.verify(check)).toMatchObject({ ok: true });
    }
  });

  it("uses a caller-chosen challenge id once, never twice", async () => {
    const { codes } = setup();
    const issued = await codes.issue({ ...signin, challengeId: "enrol_42" });
    expect(issued.challengeId).toBe("enrol_42");
    await expectMfaError(codes.issue({ ...signin, challengeId: "enrol_42" }), "invalid_input");
    // Still refused after the code was used and after a wrong guess created the counter.
    await codes.verify({ ...signin, challengeId: "enrol_42", code: issued.code });
    await expectMfaError(codes.issue({ ...signin, challengeId: "enrol_42" }), "invalid_input");
  });

  it("refuses a reused id whose record has gone but whose attempt counter lives (RATE-03)", async () => {
    const { codes, clock, wrong } = setup({ ttlSeconds: 60 });
    const issued = await codes.issue({ ...signin, challengeId: "ch_fixed" });
    await codes.verify({ ...signin, challengeId: "ch_fixed", code: wrong(issued.code) });
    clock.advance(2 * 60_000 + 1); // the record's TTL is over; the counter's is not
    expect(await codes.status({ userId: USER, challengeId: "ch_fixed" })).toBeNull();
    await expectMfaError(codes.issue({ ...signin, challengeId: "ch_fixed" }), "invalid_input");
  });

  it("answers code_mismatch with attemptsLeft for a wrong code (RATE-01)", async () => {
    const { codes, wrong } = setup();
    const issued = await codes.issue(signin);
    const result = await codes.verify({
      ...signin,
      challengeId: issued.challengeId,
      code: wrong(issued.code),
    });
    expect(result).toEqual({ ok: false, reason: "code_mismatch", attemptsLeft: 4 });
  });

  it("answers not_found for an unknown challenge, without creating anything", async () => {
    const { codes, memory } = setup();
    const result = await codes.verify({ ...signin, challengeId: "ch_nope", code: "123456" });
    expect(result).toEqual({ ok: false, reason: "not_found" });
    expect(memory.size()).toBe(0);
  });

  it("keeps users apart: another user's challenge id is not_found (LIFE-04)", async () => {
    const { codes } = setup();
    const issued = await codes.issue(signin);
    const result = await codes.verify({
      ...signin,
      userId: "user-2",
      challengeId: issued.challengeId,
      code: issued.code,
    });
    expect(result).toEqual({ ok: false, reason: "not_found" });
    expect(
      await codes.verify({ ...signin, challengeId: issued.challengeId, code: issued.code }),
    ).toMatchObject({ ok: true });
  });

  it("binds purpose and destination: the right code for another one is a mismatch (LIFE-04)", async () => {
    const { codes } = setup();
    const issued = await codes.issue(signin);
    const base = { ...signin, challengeId: issued.challengeId, code: issued.code };
    expect(await codes.verify({ ...base, purpose: "enrol:sms" })).toEqual({
      ok: false,
      reason: "code_mismatch",
      attemptsLeft: 4,
    });
    expect(await codes.verify({ ...base, destination: "+447400123457" })).toEqual({
      ok: false,
      reason: "code_mismatch",
      attemptsLeft: 3,
    });
    expect(await codes.verify(base)).toMatchObject({ ok: true });
  });

  it("binds the challenge: a code is a mismatch on another challenge of the same user (LIFE-04)", async () => {
    const { codes } = setup();
    const first = await codes.issue(signin);
    const second = await codes.issue(signin);
    // Draw again if the two codes happen to be equal (one chance in a million).
    const code = first.code === second.code ? (await codes.resend(ref(first))).code : first.code;
    expect(await codes.verify({ ...signin, challengeId: second.challengeId, code })).toMatchObject({
      ok: false,
      reason: "code_mismatch",
    });
    expect(await codes.verify({ ...signin, challengeId: first.challengeId, code })).toMatchObject({
      ok: true,
    });
  });
});

describe("codes: code format (refused before any store access)", () => {
  const refused = [
    "0x1E240",
    "1.23456e5",
    "+123456",
    " 123456",
    "123456 ",
    "123456\n",
    "１２３４５６", // full-width digits
    "١٢٣٤٥٦", // Arabic-Indic digits
    "12345",
    "1234567",
    "12 456",
    "",
    "1".repeat(1_000_000), // REL-07: refused on its length, before any work
  ];

  it.each(refused.map((c) => [JSON.stringify(c).slice(0, 24), c]))(
    "refuses %s with invalid_code_format, no attempt counted, no state change (REL-07)",
    async (_, code) => {
      const { codes, store, memory } = setup();
      const issued = await codes.issue(signin);
      const before = await dump(memory);
      const calls = { ...store.calls };
      await expectMfaError(
        codes.verify({ ...signin, challengeId: issued.challengeId, code }),
        "invalid_code_format",
      );
      expect(store.calls).toEqual(calls);
      expect(await dump(memory)).toEqual(before);
      expect((await codes.status(ref(issued)))?.attemptsLeft).toBe(5);
    },
  );

  it.each([123456, null, undefined, ["123456"], { toString: () => "123456" }])(
    "refuses the non-string %o",
    (code) => {
      expect(() => assertCodeFormat(code, 6)).toThrowError(
        expect.objectContaining({ code: "invalid_code_format" }),
      );
    },
  );

  it("accepts leading zeros as they are", () => {
    expect(() => assertCodeFormat("000123", 6)).not.toThrow();
  });
});

describe("codes: input sizes and shapes (REL-07)", () => {
  it.each([
    [{ purpose: "Enrol:SMS" }, "invalid_input"],
    [{ purpose: "enrol sms" }, "invalid_input"],
    [{ purpose: "" }, "invalid_input"],
    [{ purpose: "p".repeat(65) }, "input_too_long"],
    [{ destination: "+44 7400 123456" }, "invalid_input"],
    [{ destination: "07400123456" }, "invalid_input"],
    [{ destination: `${"a".repeat(310)}@example.com` }, "input_too_long"],
    [{ userId: "" }, "invalid_input"],
    [{ userId: "u".repeat(257) }, "input_too_long"],
    [{ challengeId: "ch:x" }, "invalid_input"],
    [{ challengeId: "c".repeat(65) }, "input_too_long"],
  ])("issue refuses %o with %s, before any store access", async (patch, code) => {
    const { codes, store, memory } = setup();
    await expectMfaError(codes.issue({ ...signin, ...patch }), code);
    expect(store.calls).toEqual({});
    expect(memory.size()).toBe(0);
  });

  it("verify, resend, status and cancel check the challenge id first", async () => {
    const { codes, store } = setup();
    const bad = { userId: USER, challengeId: "x".repeat(65) };
    await expectMfaError(codes.verify({ ...signin, ...bad, code: "123456" }), "input_too_long");
    await expectMfaError(codes.resend(bad), "input_too_long");
    await expectMfaError(codes.status(bad), "input_too_long");
    await expectMfaError(codes.cancel(bad), "input_too_long");
    expect(store.calls).toEqual({});
  });
});

describe("codes: lifetime on the injected clock (LIFE-01, LIFE-02)", () => {
  it("with ttlSeconds 600 accepts at +9:59.999 (LIFE-01)", async () => {
    const { codes, clock } = setup({ ttlSeconds: 600 });
    const issued = await codes.issue(signin);
    clock.advance(599_999);
    expect(
      await codes.verify({ ...signin, challengeId: issued.challengeId, code: issued.code }),
    ).toMatchObject({ ok: true });
  });

  it.each([600_000, 600_001, 1_199_999])(
    "with ttlSeconds 600 refuses at +%i ms as expired, without counting an attempt (LIFE-01)",
    async (ms) => {
      const { codes, clock } = setup({ ttlSeconds: 600 });
      const issued = await codes.issue(signin);
      clock.advance(ms);
      const check = { ...signin, challengeId: issued.challengeId, code: issued.code };
      expect(await codes.verify(check)).toEqual({ ok: false, reason: "expired" });
      expect((await codes.status(ref(issued)))?.attemptsLeft).toBe(5);
    },
  );

  it("email codes follow the same lifetime (LIFE-02)", async () => {
    const { codes, clock } = setup();
    const email = { userId: USER, purpose: "recovery:email", destination: EMAIL };
    const issued = await codes.issue(email);
    clock.advance(300_000);
    expect(
      await codes.verify({ ...email, challengeId: issued.challengeId, code: issued.code }),
    ).toEqual({ ok: false, reason: "expired" });
  });

  it("forgets the challenge once the record's retention is over", async () => {
    const { codes, clock, memory } = setup({ ttlSeconds: 60 });
    const issued = await codes.issue(signin);
    clock.advance(120_000);
    expect(
      await codes.verify({ ...signin, challengeId: issued.challengeId, code: issued.code }),
    ).toEqual({ ok: false, reason: "not_found" });
    expect(await codes.status(ref(issued))).toBeNull();
    expect(memory.size()).toBe(0);
  });
});

describe("codes: attempts (RATE-01)", () => {
  it("locks the challenge after maxAttempts wrong codes; the right code is then refused", async () => {
    const { codes, wrong } = setup();
    const issued = await codes.issue(signin);
    const check = { ...signin, challengeId: issued.challengeId };
    const bad = wrong(issued.code);
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await codes.verify({ ...check, code: bad }));
    expect(results.map((r) => (r.ok ? "ok" : `${r.reason}:${r.attemptsLeft}`))).toEqual([
      "code_mismatch:4",
      "code_mismatch:3",
      "code_mismatch:2",
      "code_mismatch:1",
      "code_mismatch:0",
    ]);
    expect(await codes.verify({ ...check, code: issued.code })).toEqual({
      ok: false,
      reason: "locked",
      attemptsLeft: 0,
    });
    expect(await codes.status(ref(issued))).toMatchObject({ attemptsLeft: 0, sendsLeft: 0 });
    await expectMfaError(codes.resend(ref(issued)), "challenge_not_found");
  });

  it("accepts the right code on the last attempt", async () => {
    const { codes, wrong } = setup({ maxAttempts: 3 });
    const issued = await codes.issue(signin);
    const check = { ...signin, challengeId: issued.challengeId };
    await codes.verify({ ...check, code: wrong(issued.code) });
    await codes.verify({ ...check, code: wrong(issued.code) });
    expect(await codes.verify({ ...check, code: issued.code })).toMatchObject({ ok: true });
  });
});

describe("codes: resend (LIFE-07, RATE-03)", () => {
  it("kills the previous code, keeps the attempt counter, counts the send (LIFE-07, RATE-03)", async () => {
    const { codes, wrong } = setup();
    const first = await codes.issue(signin);
    const check = { ...signin, challengeId: first.challengeId };
    await codes.verify({ ...check, code: wrong(first.code) });
    await codes.verify({ ...check, code: wrong(first.code) });

    const second = await codes.resend(ref(first));
    expect(second).toMatchObject({ challengeId: first.challengeId, sendCount: 2, attemptsLeft: 3 });
    expect(second.code).toMatch(/^[0-9]{6}$/);
    if (second.code !== first.code) {
      expect(await codes.verify({ ...check, code: first.code })).toEqual({
        ok: false,
        reason: "code_mismatch",
        attemptsLeft: 2,
      });
    }
    expect(await codes.verify({ ...check, code: second.code })).toMatchObject({ ok: true });
  });

  it("gives the new code a new lifetime", async () => {
    const { codes, clock } = setup({ ttlSeconds: 300 });
    const first = await codes.issue(signin);
    clock.advance(240_000);
    const second = await codes.resend(ref(first));
    expect(second.expiresAt).toBe(clock.now() + 300_000);
    clock.advance(240_000); // 8 minutes after the first send, 4 after the second
    expect(
      await codes.verify({ ...signin, challengeId: first.challengeId, code: second.code }),
    ).toMatchObject({ ok: true });
  });

  it("revives an expired code while the challenge is still kept", async () => {
    const { codes, clock } = setup({ ttlSeconds: 60 });
    const first = await codes.issue(signin);
    clock.advance(90_000);
    const check = { ...signin, challengeId: first.challengeId };
    expect(await codes.verify({ ...check, code: first.code })).toMatchObject({ reason: "expired" });
    const second = await codes.resend(ref(first));
    expect(await codes.verify({ ...check, code: second.code })).toMatchObject({ ok: true });
  });

  it("refuses with resend_limit_reached after maxSends codes", async () => {
    const { codes } = setup({ maxSends: 3 });
    const issued = await codes.issue(signin);
    await codes.resend(ref(issued));
    const third = await codes.resend(ref(issued));
    expect(third.sendCount).toBe(3);
    const error = await expectMfaError(codes.resend(ref(issued)), "resend_limit_reached");
    expect(error.data).toMatchObject({ maxSends: 3 });
    // The last code is still live.
    expect(
      await codes.verify({ ...signin, challengeId: issued.challengeId, code: third.code }),
    ).toMatchObject({ ok: true });
  });

  it("refuses with challenge_not_found once the challenge is used, cancelled or gone", async () => {
    const { codes, clock } = setup({ ttlSeconds: 60 });
    const used = await codes.issue(signin);
    await codes.verify({ ...signin, challengeId: used.challengeId, code: used.code });
    await expectMfaError(codes.resend(ref(used)), "challenge_not_found");

    const cancelled = await codes.issue(signin);
    await codes.cancel(ref(cancelled));
    await expectMfaError(codes.resend(ref(cancelled)), "challenge_not_found");

    const gone = await codes.issue(signin);
    clock.advance(120_000);
    await expectMfaError(codes.resend(ref(gone)), "challenge_not_found");
    await expectMfaError(
      codes.resend({ userId: USER, challengeId: "ch_never" }),
      "challenge_not_found",
    );
  });

  it("keeps the attempt counter for the challenge's whole life, resends spread out to the end (RATE-03)", async () => {
    const ttlSeconds = 600;
    const { codes, clock, wrong } = setup({ ttlSeconds, maxSends: 5, maxAttempts: 5 });
    let current = await codes.issue(signin);
    const check = { ...signin, challengeId: current.challengeId };
    for (let i = 0; i < 4; i++) await codes.verify({ ...check, code: wrong(current.code) });
    // Each resend just before the record would be forgotten: the challenge lives ~100 minutes.
    for (let send = 2; send <= 5; send++) {
      clock.advance(2 * ttlSeconds * 1000 - 1);
      current = await codes.resend(ref(current));
      expect(current.attemptsLeft).toBe(1);
    }
    clock.advance(ttlSeconds * 1000 - 1);
    expect(await codes.verify({ ...check, code: wrong(current.code) })).toEqual({
      ok: false,
      reason: "code_mismatch",
      attemptsLeft: 0,
    });
    expect(await codes.verify({ ...check, code: current.code })).toMatchObject({
      reason: "locked",
    });
  });
});

describe("codes: status and cancel", () => {
  it("shows what a UI needs, and no secret", async () => {
    const { codes, clock, wrong } = setup();
    const issued = await codes.issue(signin);
    await codes.verify({ ...signin, challengeId: issued.challengeId, code: wrong(issued.code) });
    clock.advance(10_000);
    const resent = await codes.resend(ref(issued));
    const status = await codes.status(ref(issued));
    expect(status).toEqual({
      challengeId: issued.challengeId,
      purpose: "signin:sms",
      expiresAt: resent.expiresAt,
      attemptsLeft: 4,
      sendCount: 2,
      sendsLeft: 3,
      lastSentAt: clock.now(),
    });
    const text = JSON.stringify(status);
    expect(text).not.toContain(resent.code);
    expect(text).not.toContain(PHONE);
  });

  it("returns null for unknown, used and cancelled challenges", async () => {
    const { codes } = setup();
    expect(await codes.status({ userId: USER, challengeId: "ch_none" })).toBeNull();
    const used = await codes.issue(signin);
    await codes.verify({ ...signin, challengeId: used.challengeId, code: used.code });
    expect(await codes.status(ref(used))).toBeNull();
    const cancelled = await codes.issue(signin);
    await codes.cancel(ref(cancelled));
    expect(await codes.status(ref(cancelled))).toBeNull();
  });

  it("cancel kills the code, is idempotent, and holds the id against reuse", async () => {
    const { codes } = setup();
    const issued = await codes.issue({ ...signin, challengeId: "ch_cancel_me" });
    await codes.cancel(ref(issued));
    await codes.cancel(ref(issued));
    await codes.cancel({ userId: USER, challengeId: "ch_unknown" });
    expect(
      await codes.verify({ ...signin, challengeId: issued.challengeId, code: issued.code }),
    ).toEqual({ ok: false, reason: "not_found" });
    await expectMfaError(codes.issue({ ...signin, challengeId: "ch_cancel_me" }), "invalid_input");
  });
});

describe("codes: events (LOG-01)", () => {
  it("emits issued (masked destination), failed and verified, never the code", async () => {
    const { codes, events, wrong } = setup();
    const issued = await codes.issue({ ...signin, destination: EMAIL, purpose: "recovery:email" });
    const check = {
      userId: USER,
      purpose: "recovery:email",
      destination: EMAIL,
      challengeId: issued.challengeId,
    };
    await codes.verify({ ...check, code: wrong(issued.code) });
    const resent = await codes.resend(ref(issued));
    await codes.verify({ ...check, code: resent.code });
    await codes.verify({ ...check, code: resent.code });

    expect(events.map((e) => e.type)).toEqual([
      "code.issued",
      "code.failed",
      "code.issued",
      "code.verified",
      "code.failed",
    ]);
    expect(events[0]).toEqual({
      type: "code.issued",
      at: "2026-01-01T00:00:00.000Z",
      userId: USER,
      challengeId: issued.challengeId,
      purpose: "recovery:email",
      destination: "a•••@example.com",
      resend: false,
    });
    expect(events[1]).toMatchObject({ reason: "code_mismatch" });
    expect(events[2]).toMatchObject({ resend: true });
    expect(events[4]).toMatchObject({ reason: "not_found" });
    const text = JSON.stringify(events);
    for (const code of [issued.code, resent.code]) expect(text).not.toContain(code);
    expect(text).not.toContain(EMAIL);
  });

  it("a failing event sink never fails the operation", async () => {
    const store = memoryStore();
    const codes = createCodeService({
      store,
      keyring: testKeyring("k1"),
      events: {
        emit() {
          throw new Error("SIEM down");
        },
      },
    });
    const issued = await codes.issue(signin);
    expect(
      await codes.verify({ ...signin, challengeId: issued.challengeId, code: issued.code }),
    ).toMatchObject({ ok: true });
  });

  it.each([
    ["+447400123456", "+•••••••••456"],
    ["447400123456", "•••••••••456"],
    ["alice@example.com", "a•••@example.com"],
    ["ab@example.com", "•••@example.com"],
    ["😀bc@example.com", "😀•••@example.com"],
    ["+1234", "+•234"],
    ["+123", "•••"],
    ["12", "•••"],
    ["no-at-sign", "•••"],
  ])("maskDestination(%s) is %s", (destination, masked) => {
    expect(maskDestination(destination)).toBe(masked);
  });
});
