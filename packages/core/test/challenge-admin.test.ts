/**
 * After enrolment: sign-in challenges, the failure cap, progressive delay, the registration
 * campaign, and administration.
 */
import type { Mfa } from "@mfakit/core";
import { base32Decode, totpAt } from "@mfakit/core/totp";
import type { CapturingOutbox, FakeClock } from "@mfakit/testing";
import { describe, expect, it } from "vitest";
import { expectStep, seedSetup } from "./support/seed-setup.ts";

const USER = "lee@contoso.com";
const PHONE = "+447400123456";

/** Starts an enrolment and verifies an authentication phone; returns the view after the code. */
async function verifyPhone(
  mfa: Mfa,
  outbox: CapturingOutbox,
  clock: FakeClock,
  userId = USER,
  appSteps: string[] = [],
) {
  const session = { userId, authenticatedAt: clock.now() };
  let view = await mfa.enrolment.start({ ...session, appSteps });
  view = await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session);
  view = await mfa.enrolment.submit(
    view.id,
    {
      step: "mfa-method",
      method: "authentication-phone",
      country: "GB",
      number: "07400 123456",
      delivery: "sms",
    },
    session,
  );
  view = await mfa.enrolment.submit(
    view.id,
    { step: "verify-code", code: outbox.lastCode(PHONE) },
    session,
  );
  return { view, session };
}

/** Enrols USER with an authentication phone through the engine (policy: MFA only). */
async function enrolPhone(mfa: Mfa, outbox: CapturingOutbox, clock: FakeClock, userId = USER) {
  const { view: verified, session } = await verifyPhone(mfa, outbox, clock, userId);
  let view = verified;
  view = await mfa.enrolment.submit(view.id, { step: "finish", action: "finish" }, session);
  expectStep(view, "done");
  clock.advance(31_000);
}

const mfaOnly = {
  mfa: { methods: ["authentication-phone" as const, "authenticator-app" as const], required: 1 },
  appPasswords: { enabled: true, offerDuringEnrolment: false },
  phone: { allowedCountries: ["GB"] },
};

describe("sign-in challenge", () => {
  it("offers the registered factors and verifies a phone code once (LIFE-03)", async () => {
    const { mfa, outbox, clock } = seedSetup({ policy: mfaOnly });
    await enrolPhone(mfa, outbox, clock);
    const options = await mfa.challenge.options(USER);
    expect(options).toEqual([
      {
        method: "authentication-phone",
        display: expect.stringMatching(/456$/),
        deliveries: ["sms", "voice"],
      },
    ]);
    const started = await mfa.challenge.start({ userId: USER, method: "authentication-phone" });
    if (!started.ok) throw new Error(JSON.stringify(started));
    expect(started.destination).not.toContain("7400");
    const code = outbox.lastCode(PHONE);
    expect(
      await mfa.challenge.verify({ userId: USER, challengeId: started.challengeId, code }),
    ).toEqual({
      ok: true,
      method: "authentication-phone",
    });
    expect(
      await mfa.challenge.verify({ userId: USER, challengeId: started.challengeId, code }),
    ).toEqual({
      ok: false,
      reason: "not_found",
    });
  });

  it("the risk hook also guards sign-in sends (PSTN-03): blocked, nothing sent", async () => {
    let block = false;
    const { mfa, outbox, clock } = seedSetup({
      policy: mfaOnly,
      beforeSend: (c) =>
        block && c.purpose === "signin" ? { allow: false, reason: "sim-swap" } : { allow: true },
    });
    await enrolPhone(mfa, outbox, clock);
    block = true;
    const sent = outbox.messages.length;
    expect(await mfa.challenge.start({ userId: USER, method: "authentication-phone" })).toEqual({
      ok: false,
      reason: "send_blocked",
    });
    expect(outbox.messages.length).toBe(sent);
  });

  it("an unregistered factor is an error, not a send", async () => {
    const { mfa, outbox } = seedSetup({ policy: mfaOnly });
    await expect(
      mfa.challenge.start({ userId: USER, method: "authentication-phone" }),
    ).rejects.toMatchObject({
      code: "factor_not_found",
    });
    expect(outbox.messages).toHaveLength(0);
  });

  it("100 consecutive failures over many challenges disable the factor; then even the right code is refused (RATE-02, RATE-03)", async () => {
    // The progressive delay is pushed past the cap here so the test counts failures alone.
    const { mfa, outbox, clock, events } = seedSetup({
      policy: mfaOnly,
      limits: {
        delayAfterFailures: 100,
        perDestinationPerHour: 1000,
        perUserPerHour: 1000,
        perPrefixPerHour: 1000,
      },
    });
    await enrolPhone(mfa, outbox, clock);
    let failures = 0;
    let last: unknown;
    while (failures < 100) {
      clock.advance(31_000);
      const started = await mfa.challenge.start({ userId: USER, method: "authentication-phone" });
      if (!started.ok) throw new Error(JSON.stringify(started));
      const right = outbox.lastCode(PHONE);
      const wrong = right === "999999" ? "999998" : "999999";
      for (let i = 0; i < 5 && failures < 100; i++) {
        last = await mfa.challenge.verify({
          userId: USER,
          challengeId: started.challengeId,
          code: wrong,
        });
        failures++;
      }
    }
    expect(last).toEqual({ ok: false, reason: "factor_disabled" });
    expect(events.some((e) => e.type === "factor.disabled")).toBe(true);
    clock.advance(31_000);
    // The 101st attempt, with the right code: refused, and no code is even sent.
    const sentBefore = outbox.messages.length;
    expect(await mfa.challenge.start({ userId: USER, method: "authentication-phone" })).toEqual({
      ok: false,
      reason: "factor_disabled",
    });
    expect(outbox.messages.length).toBe(sentBefore);
    expect(await mfa.challenge.options(USER)).toEqual([]);
    // Re-enabled only by an admin reset (or re-binding): then it works again.
    await mfa.admin.clearFailures(USER);
    const started = await mfa.challenge.start({ userId: USER, method: "authentication-phone" });
    if (!started.ok) throw new Error(JSON.stringify(started));
    expect(
      (
        await mfa.challenge.verify({
          userId: USER,
          challengeId: started.challengeId,
          code: outbox.lastCode(PHONE),
        })
      ).ok,
    ).toBe(true);
  });

  it("progressive delay: past the threshold each failure adds a growing wait (RATE-04)", async () => {
    const { mfa, outbox, clock } = seedSetup({
      policy: mfaOnly,
      limits: { delayAfterFailures: 3, maxDelaySeconds: 60 },
    });
    await enrolPhone(mfa, outbox, clock);
    const started = await mfa.challenge.start({ userId: USER, method: "authentication-phone" });
    if (!started.ok) throw new Error(JSON.stringify(started));
    const right = outbox.lastCode(PHONE);
    const wrong = right === "999999" ? "999998" : "999999";
    const verify = (code: string) =>
      mfa.challenge.verify({ userId: USER, challengeId: started.challengeId, code });
    await verify(wrong);
    await verify(wrong);
    expect(await verify(wrong)).toEqual({ ok: false, reason: "code_mismatch", attemptsLeft: 2 });
    expect(await verify(right)).toEqual({
      ok: false,
      reason: "factor_locked",
      retryAfterSeconds: 1,
    });
    clock.advance(1000);
    expect(await verify(wrong)).toMatchObject({ ok: false, reason: "code_mismatch" });
    expect(await verify(right)).toEqual({
      ok: false,
      reason: "factor_locked",
      retryAfterSeconds: 2,
    });
    clock.advance(2000);
    expect(await verify(right)).toEqual({ ok: true, method: "authentication-phone" });
    // A success forgets the failures.
    expect(await mfa.limiter.allowCheck(USER, `phone:${PHONE}`)).toEqual({ ok: true, failures: 0 });
  });

  it("app passwords: verified for legacy sign-in, counted as failures when wrong, revoked at once (APP-05, BIND-08)", async () => {
    const { mfa, clock } = seedSetup({ policy: mfaOnly });
    const created = await mfa.securityInfo.appPasswords.create(
      { userId: USER, authenticatedAt: clock.now() },
      "iPhone Mail",
    );
    expect(
      await mfa.challenge.verifyAppPassword({ userId: USER, password: created.password }),
    ).toEqual({ ok: true, method: "app-password" });
    const wrong = await mfa.challenge.verifyAppPassword({
      userId: USER,
      password: "abcd abcd abcd abcd abcd abcd",
    });
    expect(wrong).toMatchObject({ ok: false, reason: "code_mismatch" });
    expect(await mfa.admin.revokeAppPasswords(USER)).toBe(1);
    expect(
      await mfa.challenge.verifyAppPassword({ userId: USER, password: created.password }),
    ).toMatchObject({ ok: false });
  });

  it("TOTP at sign-in: ±1 step accepted, replay refused (TOTP-03, TOTP-04)", async () => {
    const { mfa, clock } = seedSetup({ policy: mfaOnly });
    const session = { userId: USER, authenticatedAt: clock.now() };
    let view = await mfa.enrolment.start(session);
    view = await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session);
    const setup = expectStep(
      await mfa.enrolment.submit(
        view.id,
        { step: "mfa-method", method: "authenticator-app" },
        session,
      ),
      "authenticator-setup",
    );
    const secret = base32Decode(setup.secret ?? "");
    const t = () => Math.floor(clock.now() / 1000);
    await mfa.enrolment.submit(
      view.id,
      { step: "authenticator-setup", code: totpAt(secret, t()) },
      session,
    );
    clock.advance(90_000);
    expect(
      await mfa.challenge.verifyTotp({ userId: USER, code: totpAt(secret, t() - 30) }),
    ).toEqual({ ok: true, method: "authenticator-app" });
    expect(
      await mfa.challenge.verifyTotp({ userId: USER, code: totpAt(secret, t() - 30) }),
    ).toEqual({ ok: false, reason: "replayed" });
    expect(
      (await mfa.challenge.verifyTotp({ userId: USER, code: totpAt(secret, t() + 60) })).ok,
    ).toBe(false);
  });
});

describe("registration campaign", () => {
  it("missing MFA is required; inside the grace period it is a nudge that can be snoozed 3 times", async () => {
    const policy = { ...mfaOnly, campaign: { graceDays: 14, snoozeDays: 1, maxSnoozes: 3 } };
    const { mfa, clock } = seedSetup({ policy });
    const enabledAt = clock.now();
    expect((await mfa.required(USER)).status).toBe("required");
    expect((await mfa.required(USER, { enabledAt })).status).toBe("nudge");
    const session = { userId: USER, authenticatedAt: clock.now() };
    const view = await mfa.enrolment.start(session);
    expect(expectStep(view, "intro").requirement).toBe("required"); // MFA missing: the intro cannot be skipped
    const error = await mfa.enrolment
      .submit(view.id, { step: "intro", action: "snooze" }, session)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "invalid_input" });
  });

  it("missing recovery info is a nudge: snoozed for a day, forced after 3 snoozes (Entra)", async () => {
    const policy = {
      ...mfaOnly,
      recovery: { methods: ["email" as const], required: 1 },
      campaign: { snoozeDays: 1, maxSnoozes: 3 },
    };
    const { mfa, outbox, clock } = seedSetup({ policy });
    // Register MFA directly, then leave the recovery email missing.
    await mfa.registrations.update(USER, (r) => ({
      ...r,
      phones: {
        "authentication-phone": {
          e164: PHONE,
          country: "GB",
          extension: null,
          delivery: "sms",
          verifiedAt: clock.now(),
        },
      },
    }));
    void outbox;
    for (let snooze = 1; snooze <= 3; snooze++) {
      expect((await mfa.required(USER)).status).toBe("nudge");
      const session = { userId: USER, authenticatedAt: clock.now() };
      const view = await mfa.enrolment.start(session);
      expect(expectStep(view, "intro")).toMatchObject({
        requirement: "nudge",
        snoozesLeft: 4 - snooze,
      });
      expect(
        (await mfa.enrolment.submit(view.id, { step: "intro", action: "snooze" }, session)).step,
      ).toBe("cancelled");
      expect((await mfa.required(USER)).status).toBe("none");
      clock.advance(86_400_000 + 1);
    }
    expect((await mfa.required(USER)).status).toBe("required");
  });

  it("a snooze from the recovery intro counts like one from the intro, then is refused", async () => {
    const policy = {
      ...mfaOnly,
      recovery: { methods: ["email" as const], required: 1 },
      campaign: { snoozeDays: 1, maxSnoozes: 1 },
    };
    const { mfa, clock } = seedSetup({ policy });
    await mfa.registrations.update(USER, (r) => ({
      ...r,
      phones: {
        "authentication-phone": {
          e164: PHONE,
          country: "GB",
          extension: null,
          delivery: "sms",
          verifiedAt: clock.now(),
        },
      },
    }));
    const toRecoveryIntro = async () => {
      const session = { userId: USER, authenticatedAt: clock.now() };
      const view = await mfa.enrolment.start(session);
      const next = await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session);
      return { view: expectStep(next, "recovery-intro"), session };
    };
    const first = await toRecoveryIntro();
    expect(
      (
        await mfa.enrolment.submit(
          first.view.id,
          { step: "recovery-intro", action: "snooze" },
          first.session,
        )
      ).step,
    ).toBe("cancelled");
    expect(await mfa.required(USER)).toMatchObject({ status: "none", snoozesLeft: 0 });
    clock.advance(86_400_000 + 1);
    const second = await toRecoveryIntro();
    await expect(
      mfa.enrolment.submit(
        second.view.id,
        { step: "recovery-intro", action: "snooze" },
        second.session,
      ),
    ).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("recovery info is due for re-confirmation after reconfirmDays (PHONE-05)", async () => {
    const { mfa, outbox, clock } = seedSetup({
      policy: { ...mfaOnly, campaign: { reconfirmDays: 30 } },
    });
    await enrolPhone(mfa, outbox, clock);
    expect((await mfa.required(USER)).status).toBe("none");
    clock.advance(31 * 86_400_000);
    expect(await mfa.required(USER)).toMatchObject({ status: "nudge", reconfirmDue: true });
  });
});

describe("administration", () => {
  it("lists methods as metadata only, removes one with a notice, reports per method (BIND-02, BIND-08)", async () => {
    const { mfa, outbox, clock, events } = seedSetup({ policy: mfaOnly });
    await enrolPhone(mfa, outbox, clock);
    await enrolPhone(mfa, outbox, clock, "second@contoso.com");
    await mfa.securityInfo.appPasswords.create(
      { userId: USER, authenticatedAt: clock.now() },
      "Outlook 2010",
    );
    const list = await mfa.admin.listMethods(USER);
    expect(list.phones).toEqual([
      {
        method: "authentication-phone",
        display: expect.stringMatching(/^\+44 .*456$/),
        verifiedAt: expect.any(Number),
      },
    ]);
    expect(list.appPasswords).toEqual([
      expect.objectContaining({ name: "Outlook 2010", lastUsedAt: null }),
    ]);
    expect(JSON.stringify(list)).not.toContain("7400123");
    expect(await mfa.admin.registrationReport()).toEqual({
      users: 2,
      mfa: {
        "authentication-phone": 2,
        "office-phone": 0,
        "alternate-phone": 0,
        "authenticator-app": 0,
        passkey: 0,
      },
      recovery: { email: 0, phone: 0 },
    });
    const before = outbox.messages.length;
    expect(await mfa.admin.removeMethod(USER, { method: "authentication-phone" })).toBe(true);
    const notice = outbox.messages[before];
    expect(notice?.to).toBe(PHONE); // the channel registered before the change
    expect(notice?.channel === "sms" && notice.text).not.toMatch(/\d{6}/);
    expect(events.at(-1)).toMatchObject({
      type: "factor.removed",
      method: "authentication-phone",
      by: "admin",
    });
    expect(await mfa.challenge.options(USER)).toEqual([]);
    expect(await mfa.admin.removeMethod(USER, { method: "authentication-phone" })).toBe(false);
  });

  it("require re-registration clears MFA methods and makes registration required", async () => {
    const { mfa, outbox, clock } = seedSetup({ policy: mfaOnly });
    await enrolPhone(mfa, outbox, clock);
    expect((await mfa.required(USER)).status).toBe("none");
    await mfa.admin.requireReregistration(USER);
    expect((await mfa.required(USER)).status).toBe("required");
    expect((await mfa.admin.listMethods(USER)).phones).toEqual([]);
  });

  it("sent vs verified per country shows pumping (FRAUD-06)", async () => {
    const { mfa, outbox, clock } = seedSetup({ policy: mfaOnly });
    await enrolPhone(mfa, outbox, clock);
    await mfa.challenge.start({ userId: USER, method: "authentication-phone" });
    const day = new Date(clock.now()).toISOString().slice(0, 10);
    expect(await mfa.limiter.conversion(day, ["GB", "US"])).toEqual([
      { country: "GB", sent: 2, verified: 1 },
      { country: "US", sent: 0, verified: 0 },
    ]);
  });
});

describe("app passwords and the password change (APP-03)", () => {
  it("the app's change-password step revokes older app passwords and keeps the one just shown", async () => {
    const { mfa, outbox, clock } = seedSetup();
    const old = await mfa.securityInfo.appPasswords.create(
      { userId: USER, authenticatedAt: clock.now() },
      "Old phone",
    );
    let { view, session } = await verifyPhone(mfa, outbox, clock, USER, ["change-password"]);
    const fresh = expectStep(view, "app-password").password ?? "";
    view = await mfa.enrolment.submit(view.id, { step: "app-password", action: "done" }, session);
    view = await mfa.enrolment.submit(
      view.id,
      { step: "app-step", action: "done", stepId: "change-password" },
      session,
    );
    expect(
      (await mfa.challenge.verifyAppPassword({ userId: USER, password: old.password })).ok,
    ).toBe(false);
    expect((await mfa.challenge.verifyAppPassword({ userId: USER, password: fresh })).ok).toBe(
      true,
    );
    expect((await mfa.securityInfo.appPasswords.list(session)).map((a) => a.name)).toEqual([
      expect.stringMatching(/^Mail app/),
    ]);
  });
});
