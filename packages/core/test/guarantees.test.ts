/**
 * The guarantees the core reshape writes once (step-up, failure caps, notices, typed errors),
 * tried on every path that needs them: each defect found by the attack on the old shape has a
 * regression test here, named after its requirement id.
 */
import {
  createKeyring,
  createMfa,
  isMfaError,
  type Mfa,
  type MfaEvent,
  type Session,
} from "@mfakit/core";
import { totpAt } from "@mfakit/core/totp";
import { type CapturingOutbox, type FakeClock, softwareAuthenticator } from "@mfakit/testing";
import { describe, expect, it } from "vitest";
import {
  addAuthenticator,
  enrolPhoneAndEmail,
  expectStep,
  phoneAndEmailPolicy,
  phoneCodeSent,
  phoneThroughWizard,
  seedSetup,
  since,
  TEST_WEBAUTHN,
} from "./support/seed-setup.ts";

const USER = "ana@contoso.com";
const PHONE = "+447400123456";
const OTHER_PHONE = "+447400654321";
const EMAIL = "ana.personal@example.org";
const STALE_MS = 11 * 60 * 1000; // the policy's step-up window is 10 minutes (BIND-01)

const policy = {
  ...phoneAndEmailPolicy,
  mfa: {
    methods: ["authentication-phone" as const, "authenticator-app" as const, "passkey" as const],
    required: 1,
  },
  recoveryCodes: { enabled: true, offerDuringEnrolment: false },
};

/** A user with a verified authentication phone and recovery email, enrolled through the wizard. */
async function enrolled(options: Parameters<typeof seedSetup>[0] = {}) {
  const setup = seedSetup({ policy, ...options });
  currentOutbox = setup.outbox;
  const session = await enrolPhoneAndEmail(setup, { userId: USER, email: EMAIL, locale: "de" });
  return { ...setup, session };
}

/** The last code sent to `to` (the capturing outbox of the SDK under test). */
async function lastCodeTo(_mfa: Mfa, to: string): Promise<string> {
  return currentOutbox?.lastCode(to) ?? "";
}
let currentOutbox: CapturingOutbox | null = null;

const stale = (clock: FakeClock) => ({ userId: USER, authenticatedAt: clock.now() - STALE_MS });

describe("one gate for every state-changing action (BIND-01, BIND-02)", () => {
  /**
   * Every state-changing entry point, each with what it does for a fresh session. A new entry
   * point belongs in this table: the test then checks it like the others.
   */
  const entryPoints: Array<{
    name: string;
    act: (
      mfa: Mfa,
      session: { userId: string; authenticatedAt: number },
      clock: FakeClock,
    ) => Promise<unknown>;
    /** The event it must emit. */
    event: MfaEvent["type"];
  }> = [
    {
      name: "security info: add an authenticator app (begin shows a secret)",
      act: async (mfa, s, clock) => {
        return (await addAuthenticator(mfa, s, clock)).view;
      },
      event: "factor.added",
    },
    {
      name: "wizard engine (scoped): replace the authentication phone by text",
      act: async (mfa, s, clock) => {
        let view = await mfa.securityInfo.replace(s, "authentication-phone");
        view = await mfa.enrolment.submit(
          view.id,
          {
            step: "mfa-method",
            method: "authentication-phone",
            number: "07400 654321",
            country: "GB",
            delivery: "sms",
          },
          s,
        );
        expectStep(view, "verify-code");
        clock.advance(1000);
        const code = lastCodeTo(mfa, OTHER_PHONE);
        view = await mfa.enrolment.submit(view.id, { step: "verify-code", code: await code }, s);
        return expectStep(view, "finish");
      },
      event: "factor.added",
    },
    {
      name: "security info: add a passkey (a ceremony factor's setup step)",
      act: async (mfa, s) => {
        let view = await mfa.securityInfo.add(s, "passkey");
        view = await mfa.enrolment.submit(view.id, { step: "mfa-method", method: "passkey" }, s);
        const { options } = expectStep(view, "factor-setup").ceremony;
        const answer = softwareAuthenticator({ origin: "https://login.contoso.com" }).create(
          options,
        );
        view = await mfa.enrolment.submit(view.id, { step: "factor-setup", answer }, s);
        return expectStep(view, "finish");
      },
      event: "factor.added",
    },
    {
      name: "security info: remove the recovery email",
      act: (mfa, s) => mfa.securityInfo.remove(s, "recovery-email"),
      event: "factor.removed",
    },
    {
      name: "security info: create an app password",
      act: (mfa, s) => mfa.securityInfo.appPasswords.create(s, "Outlook"),
      event: "factor.added",
    },
    {
      name: "security info: regenerate recovery codes",
      act: (mfa, s) => mfa.securityInfo.recoveryCodes.regenerate(s),
      event: "factor.added",
    },
    {
      name: "security info: revoke an app password",
      act: async (mfa, s) => {
        const { id } = await mfa.securityInfo.appPasswords.create({ ...s }, "Old phone");
        return mfa.securityInfo.appPasswords.revoke(s, id);
      },
      event: "factor.removed",
    },
  ];

  for (const entry of entryPoints) {
    it(`${entry.name}: refused with a stale sign-in, nothing changed, nothing sent (BIND-01)`, async () => {
      const { mfa, clock, store, outbox, events } = await enrolled();
      const before = JSON.stringify((await store.list("mfa:{")).items);
      const mark = since(outbox, events);
      const error = await entry.act(mfa, stale(clock), clock).catch((e: unknown) => e);
      expect(isMfaError(error, "reauthentication_required")).toBe(true);
      expect(mark.messages()).toEqual([]);
      expect(JSON.stringify((await store.list("mfa:{")).items)).toBe(before);
    });

    it(`${entry.name}: a notice to the channels registered before, in the user's language, and an event (BIND-02)`, async () => {
      const { mfa, clock, outbox, events, session } = await enrolled();
      const mark = since(outbox, events);
      await entry.act(mfa, session(), clock);
      const notices = mark
        .messages()
        .filter(
          (m) => !/\d{6}/.test(m.channel === "email" ? m.text : m.channel === "sms" ? m.text : ""),
        );
      const to = notices.map((m) => m.to).sort();
      expect(to).toContain(PHONE);
      if (!entry.name.includes("recovery email")) expect(to).toContain(EMAIL);
      // German: the user's language, from the registration (not the admin's or "en").
      for (const m of notices) expect(JSON.stringify(m)).toMatch(/Anmeldemethode|Konto/);
      expect(mark.events().map((e) => e.type)).toContain(entry.event);
      clock.advance(1000);
    });
  }

  /** Admin's state-changing entry points: no user session (an admin acts), a notice and an event. */
  const adminEntryPoints: Array<{ name: string; act: (mfa: Mfa) => Promise<unknown> }> = [
    {
      name: "admin: remove a method",
      act: (mfa) => mfa.admin.removeMethod(USER, { method: "recovery-email" }),
    },
    { name: "admin: require re-registration", act: (mfa) => mfa.admin.requireReregistration(USER) },
    {
      name: "admin: revoke app passwords",
      act: async (mfa) => mfa.admin.revokeAppPasswords(USER),
    },
  ];
  for (const entry of adminEntryPoints) {
    it(`${entry.name}: a notice to the user's earlier channels in their language, and factor.removed (BIND-02)`, async () => {
      const { mfa, outbox, events, session } = await enrolled();
      await mfa.securityInfo.appPasswords.create(session(), "Thunderbird");
      const mark = since(outbox, events);
      await entry.act(mfa);
      const notices = mark.messages();
      expect(notices.length).toBeGreaterThan(0);
      for (const m of notices) expect(JSON.stringify(m)).toMatch(/entfernt/);
      const removed = mark.events().filter((e) => e.type === "factor.removed");
      expect(removed.length).toBeGreaterThan(0);
      for (const e of removed) expect(e).toMatchObject({ by: "admin" });
    });
  }

  /**
   * Entry points a link authorises instead of a session ("this wasn't me"): the token is the
   * step-up; the change is told and audited like any other.
   */
  const linkEntryPoints: Array<{
    name: string;
    act: (mfa: Mfa, token: string) => Promise<unknown>;
  }> = [
    { name: "this wasn't me: revert a change", act: (mfa, token) => mfa.revertChange({ token }) },
  ];
  for (const entry of linkEntryPoints) {
    it(`${entry.name}: refused without its link; a notice to the earlier channels in the user's language, factor.removed and change.reverted (BIND-01, BIND-02)`, async () => {
      const base = "https://app.example/r/";
      const { mfa, outbox, events, session, clock, store } = await enrolled({
        revert: { url: (token) => base + token },
      });
      let mark = since(outbox, events);
      await addAuthenticator(mfa, session(), clock);
      const notice = mark.messages().find((m) => m.to === EMAIL);
      const token = notice?.channel === "email" ? notice.text.split(base)[1]?.split(/\s/)[0] : "";
      const before = JSON.stringify((await store.list("mfa:{")).items);
      const tampered = `${token?.slice(0, -1)}${token?.endsWith("A") ? "B" : "A"}`;
      const refused = await entry.act(mfa, tampered).catch((e: unknown) => e);
      expect(isMfaError(refused)).toBe(true);
      expect(JSON.stringify((await store.list("mfa:{")).items)).toBe(before);
      mark = since(outbox, events);
      await entry.act(mfa, token ?? "");
      const to = mark.messages().map((m) => m.to);
      expect(to).toContain(PHONE);
      for (const m of mark.messages()) expect(JSON.stringify(m)).toMatch(/Anmeldemethode|Konto/);
      expect(mark.events().map((e) => e.type)).toEqual(
        expect.arrayContaining(["factor.removed", "change.reverted"]),
      );
    });
  }

  it("the sign-in challenge changes no factor: it has no entry point in these tables (a check only counts failures)", () => {
    const changing = [
      "start",
      "resend",
      "verify",
      "verifyTotp",
      "verifyAppPassword",
      "verifyTemporaryAccessPass",
      "options",
      "recognizeDevice",
      // A passkey sign-in moves its counter and last use, never what the user holds; `begin`
      // (and `verify` with a kind) run any ceremony kind's sign-in, passkeys' included.
      "begin",
      "beginPasskey",
      "verifyPasskey",
      // Uses up a recovery code (it is the sign-in, so no step-up); its notice and event are
      // tested in recovery-codes.test.ts (BIND-02).
      "verifyRecoveryCode",
      // Reads a challenge's delivery; a failover it sends is a resend of the same challenge.
      "status",
    ];
    expect(Object.keys(seedSetup({ policy }).mfa.challenge).sort()).toEqual(changing.sort());
  });

  it("the wizard: every answer that can bind or mint needs a recent sign-in, not only choosing a method (BIND-01)", async () => {
    const setup = seedSetup({
      policy: { ...policy, appPasswords: { enabled: true, offerDuringEnrolment: true } },
    });
    const { mfa, clock, store } = setup;
    let view = await mfa.enrolment.start({ userId: USER, authenticatedAt: clock.now() });
    const before = JSON.stringify((await store.list("mfa:{")).items);
    // With an old sign-in, "Set it up now" used to lead on to a minted app password.
    for (const input of [{ step: "intro", action: "setup" }] as const) {
      const error = await mfa.enrolment
        .submit(view.id, input, stale(clock))
        .catch((e: unknown) => e);
      expect(isMfaError(error, "reauthentication_required")).toBe(true);
    }
    expect(JSON.stringify((await store.list("mfa:{")).items)).toBe(before);
    // An abandoned authenticator setup, restarted after the window, shows no new secret.
    view = await mfa.enrolment.submit(
      view.id,
      { step: "intro", action: "setup" },
      { userId: USER, authenticatedAt: clock.now() },
    );
    view = await mfa.enrolment.submit(
      view.id,
      { step: "mfa-method", method: "authenticator-app" },
      { userId: USER, authenticatedAt: clock.now() },
    );
    expectStep(view, "authenticator-setup");
    const restart = await mfa.enrolment
      .submit(view.id, { step: "authenticator-setup", action: "restart" }, stale(clock))
      .catch((e: unknown) => e);
    expect(isMfaError(restart, "reauthentication_required")).toBe(true);
    // Navigation stays open: going back needs no step-up.
    const back = await mfa.enrolment.submit(
      view.id,
      { step: "authenticator-setup", action: "back" },
      stale(clock),
    );
    expect(back.step).toBe("mfa-method");
  });

  it("admin: removing every factor (re-registration) and revoking app passwords notify the user, in their language (BIND-02)", async () => {
    const { mfa, outbox, events, session } = await enrolled();
    await mfa.securityInfo.appPasswords.create(session(), "Thunderbird");
    const mark = since(outbox, events);
    await mfa.admin.requireReregistration(USER);
    await mfa.admin.revokeAppPasswords(USER);
    const notices = mark.messages();
    expect(notices.length).toBeGreaterThanOrEqual(2);
    for (const m of notices) expect(JSON.stringify(m)).toMatch(/entfernt/);
    expect(mark.events().filter((e) => e.type === "factor.removed").length).toBeGreaterThanOrEqual(
      2,
    );
  });

  it("confirming a recovery phone that also becomes a sign-in factor sends a notice for it (BIND-02, BIND-04)", async () => {
    const setup = seedSetup({
      policy: {
        ...policy,
        mfa: { methods: ["authenticator-app" as const], required: 1 },
        recovery: { methods: ["email" as const, "phone" as const], required: 0 },
      },
    });
    const { mfa, clock, outbox, events } = setup;
    const session = () => ({ userId: USER, authenticatedAt: clock.now() });
    let add = await mfa.securityInfo.add(session(), "recovery-email");
    add = await mfa.enrolment.submit(add.id, { step: "recovery-email", email: EMAIL }, session());
    await mfa.enrolment.submit(
      add.id,
      { step: "verify-code", code: outbox.lastCode(EMAIL) },
      session(),
    );
    const mark = since(outbox, events);
    let phone = await mfa.securityInfo.add(session(), "recovery-phone");
    phone = await mfa.enrolment.submit(
      phone.id,
      { step: "recovery-phone", delivery: "sms", country: "GB", number: "07400 123456" },
      session(),
    );
    phone = await mfa.enrolment.submit(
      phone.id,
      { step: "verify-code", code: outbox.lastCode(PHONE) },
      session(),
    );
    expectStep(phone, "finish");
    const added = mark
      .events()
      .filter((e) => e.type === "factor.added")
      .map((e) => (e as { method: string }).method);
    expect(added).toEqual(expect.arrayContaining(["authentication-phone", "recovery-phone"]));
    expect(mark.messages().filter((m) => m.to === EMAIL)).toHaveLength(2);
  });
});

describe("a Temporary Access Pass session only registers factors (BIND-01, BIND-09)", () => {
  type PassSession = { userId: string; authenticatedAt: number; via: Session["via"] };
  /**
   * Every gated action a session can reach, each with whether it adds or confirms a factor (the
   * one thing a pass lets a user do). A new gated entry point belongs in this table.
   */
  const gatedActions: Array<{
    name: string;
    registers: boolean;
    /** What a full sign-in sets up first (a replacement under way, an app password): an id. */
    prepare?: (mfa: Mfa, full: { userId: string; authenticatedAt: number }) => Promise<string>;
    act: (mfa: Mfa, session: PassSession, prepared: string) => Promise<unknown>;
  }> = [
    {
      name: "security info: add an authenticator app",
      registers: true,
      act: (mfa, s) => mfa.securityInfo.add(s, "authenticator-app"),
    },
    {
      name: "wizard: answer a step (choose and confirm a method)",
      registers: true,
      act: async (mfa, s) => {
        const view = await mfa.enrolment.start(s);
        return mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, s);
      },
    },
    {
      name: "security info: replace the authentication phone",
      registers: false,
      act: (mfa, s) => mfa.securityInfo.replace(s, "authentication-phone"),
    },
    {
      name: "wizard: continue a replacement started with a full sign-in",
      registers: false,
      prepare: async (mfa, full) =>
        (await mfa.securityInfo.replace(full, "authentication-phone")).id,
      act: (mfa, s, enrolmentId) =>
        mfa.enrolment.submit(
          enrolmentId,
          {
            step: "mfa-method",
            method: "authentication-phone",
            number: "07400 654321",
            country: "GB",
            delivery: "sms",
          },
          s,
        ),
    },
    {
      name: "security info: remove the recovery email",
      registers: false,
      act: (mfa, s) => mfa.securityInfo.remove(s, "recovery-email"),
    },
    {
      name: "security info: prefer a method",
      registers: false,
      act: (mfa, s) => mfa.securityInfo.setPreferred(s, "authentication-phone"),
    },
    {
      name: "security info: rename a method",
      registers: false,
      act: (mfa, s) => mfa.securityInfo.rename(s, "authentication-phone", "Work"),
    },
    {
      name: "security info: create an app password",
      registers: false,
      act: (mfa, s) => mfa.securityInfo.appPasswords.create(s, "Outlook"),
    },
    {
      name: "security info: revoke an app password",
      registers: false,
      prepare: async (mfa, full) => (await mfa.securityInfo.appPasswords.create(full, "Old")).id,
      act: (mfa, s, id) => mfa.securityInfo.appPasswords.revoke(s, id),
    },
    {
      name: "security info: forget a remembered device",
      registers: false,
      act: (mfa, s) => mfa.securityInfo.devices.revoke(s, "dev_unknown"),
    },
    {
      name: "security info: forget every remembered device",
      registers: false,
      act: (mfa, s) => mfa.securityInfo.devices.revokeAll(s),
    },
  ];

  /** An enrolled user with a live pass, and a session opened with it. */
  async function withPass() {
    const setup = await enrolled({
      policy: { ...policy, temporaryAccessPass: { enabled: true } },
    });
    const { mfa, clock } = setup;
    const { pass } = await mfa.admin.issueTemporaryAccessPass({ userId: USER });
    const result = await mfa.challenge.verifyTemporaryAccessPass({ userId: USER, pass });
    if (!result.ok) throw new Error(`pass refused: ${result.reason}`);
    const passSession = (): PassSession => ({
      userId: USER,
      authenticatedAt: clock.now(),
      via: result.via,
    });
    return { ...setup, passSession };
  }

  for (const action of gatedActions) {
    const verdict = action.registers ? "accepted" : "refused, nothing changed, nothing sent";
    it(`${action.name}: ${verdict}`, async () => {
      const { mfa, clock, store, outbox, events, passSession } = await withPass();
      const prepared =
        (await action.prepare?.(mfa, { userId: USER, authenticatedAt: clock.now() })) ?? "";
      if (action.registers) {
        await expect(action.act(mfa, passSession(), prepared)).resolves.toBeDefined();
        return;
      }
      const before = JSON.stringify((await store.list("mfa:{")).items);
      const mark = since(outbox, events);
      const error = await action.act(mfa, passSession(), prepared).catch((e: unknown) => e);
      expect(isMfaError(error, "reauthentication_required")).toBe(true);
      expect((error as { data: { reason?: string } }).data.reason).toBe("temporary_access_pass");
      expect(mark.messages()).toEqual([]);
      expect(mark.events()).toEqual([]);
      expect(JSON.stringify((await store.list("mfa:{")).items)).toBe(before);
    });
  }
});

describe("failure caps hold under parallel guesses (RATE-02, RATE-04, REL-02)", () => {
  it("60 parallel wrong codes at sign-in: no more compared than sequential guessing allows", async () => {
    const { mfa, clock, outbox } = await enrolled({ limits: { delayAfterFailures: 10 } });
    const started = await mfa.challenge.start({ userId: USER, method: "authentication-phone" });
    if (!started.ok) throw new Error("not started");
    const right = outbox.lastCode(PHONE);
    const wrong = right === "000000" ? "111111" : "000000";
    const results = await Promise.all(
      Array.from({ length: 60 }, () =>
        mfa.challenge.verify({ userId: USER, challengeId: started.challengeId, code: wrong }),
      ),
    );
    const compared = results.filter((r) => !r.ok && r.reason === "code_mismatch").length;
    expect(compared).toBeLessThanOrEqual(5); // RATE-01: 5 per challenge
    expect(results.every((r) => !r.ok)).toBe(true);
    clock.advance(1000);
  });

  it("after the cap, the right code is refused; an admin's clear makes it work, and listMethods agrees with the limiter (RATE-02)", async () => {
    const { mfa, clock, outbox } = await enrolled({
      limits: { maxConsecutiveFailures: 12, delayAfterFailures: 100 },
    });
    for (let round = 0; round < 3; round++) {
      const started = await mfa.challenge.start({ userId: USER, method: "authentication-phone" });
      if (!started.ok) break;
      const code = outbox.lastCode(PHONE);
      const wrong = code === "000000" ? "111111" : "000000";
      await Promise.all(
        Array.from({ length: 20 }, () =>
          mfa.challenge.verify({ userId: USER, challengeId: started.challengeId, code: wrong }),
        ),
      );
      clock.advance(31_000);
    }
    const started = await mfa.challenge.start({ userId: USER, method: "authentication-phone" });
    expect(started).toEqual({ ok: false, reason: "factor_disabled" });
    expect(await mfa.admin.clearFailures(USER)).toBeGreaterThan(0);
    const again = await mfa.challenge.start({ userId: USER, method: "authentication-phone" });
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect(
      await mfa.challenge.verify({
        userId: USER,
        challengeId: again.challengeId,
        code: outbox.lastCode(PHONE),
      }),
    ).toEqual({
      ok: true,
      method: "authentication-phone",
    });
  });

  it("a stranger's burst of wrong app passwords never locks the owner out (RATE-08)", async () => {
    const { mfa, clock, session } = await enrolled();
    const { password } = await mfa.securityInfo.appPasswords.create(session(), "Mail");
    const burst = await Promise.all(
      Array.from({ length: 100 }, () =>
        mfa.challenge.verifyAppPassword({
          userId: USER,
          password: "abcd efgh ijkl mnop",
          ip: "203.0.113.9",
        }),
      ),
    );
    expect(burst.some((r) => !r.ok && r.reason === "factor_disabled")).toBe(false);
    // The owner, from another network, at once.
    expect(
      await mfa.challenge.verifyAppPassword({ userId: USER, password, ip: "198.51.100.7" }),
    ).toEqual({
      ok: true,
      method: "app-password",
    });
    // And from the stranger's network too, once the throttle's window has passed.
    clock.advance(3601_000);
    expect(
      (await mfa.challenge.verifyAppPassword({ userId: USER, password, ip: "203.0.113.9" })).ok,
    ).toBe(true);
    // 30 days later nothing is left over.
    clock.advance(30 * 86_400_000);
    expect((await mfa.challenge.verifyAppPassword({ userId: USER, password })).ok).toBe(true);
  });
});

describe("the registration campaign and what counts (one rule)", () => {
  it("inside the grace period a snooze is counted: 3 allowed, the 4th refused", async () => {
    const setup = seedSetup({
      policy: { ...policy, campaign: { graceDays: 14, maxSnoozes: 3, snoozeDays: 1 } },
    });
    const { mfa, clock } = setup;
    const enabledAt = clock.now();
    for (let i = 0; i < 3; i++) {
      const view = await mfa.enrolment.start({
        userId: USER,
        authenticatedAt: clock.now(),
        enabledAt,
      });
      expect(expectStep(view, "intro").snoozesLeft).toBe(3 - i);
      await mfa.enrolment.submit(
        view.id,
        { step: "intro", action: "snooze" },
        { userId: USER, authenticatedAt: clock.now() },
      );
      clock.advance(86_400_000 + 1000);
    }
    const view = await mfa.enrolment.start({
      userId: USER,
      authenticatedAt: clock.now(),
      enabledAt,
    });
    expect(expectStep(view, "intro").requirement).toBe("required");
    const refused = await mfa.enrolment
      .submit(
        view.id,
        { step: "intro", action: "snooze" },
        { userId: USER, authenticatedAt: clock.now() },
      )
      .catch((e: unknown) => e);
    expect(isMfaError(refused, "invalid_input")).toBe(true);
    expect((await mfa.required(USER, { enabledAt })).status).toBe("required");
  });

  it("after re-registration with an app only, required(), the wizard and the report agree on recovery", async () => {
    const { mfa, clock } = await enrolled();
    await mfa.admin.requireReregistration(USER);
    const report = await mfa.admin.registrationReport();
    // The recovery phone was the authentication phone: it went with it.
    expect(report.recovery.phone ?? 0).toBe(0);
    expect(report.mfa["authentication-phone"]).toBe(0);
    const listed = await mfa.securityInfo.list({ userId: USER, authenticatedAt: clock.now() });
    expect(listed.factors.map((f) => f.kind)).toEqual(["recovery-email"]);
  });
});

describe("typed errors, never stuck (REL-06, REL-07)", () => {
  it("a sender that throws a plain TypeError: the wizard says delivery failed and keeps the step", async () => {
    const boom = {
      id: "boom",
      send: async () => {
        throw new TypeError("fetch failed");
      },
    };
    const setup = seedSetup({ policy, senders: { sms: boom, voice: boom, email: boom } });
    const { mfa, clock } = setup;
    const session = { userId: USER, authenticatedAt: clock.now() };
    const view = await phoneCodeSent(mfa, () => session, await mfa.enrolment.start(session));
    expect(view.step).toBe("verify-code");
    expect(view.notice).toEqual({ code: "delivery_failed", retryable: true });
  });

  it("an account label with an emoji cut at position 127 enrols an app (no URIError, no stuck record)", async () => {
    const setup = seedSetup({ policy });
    const { mfa, clock } = setup;
    const session = { userId: USER, authenticatedAt: clock.now() };
    let view = await mfa.enrolment.start({ ...session, accountName: `${"a".repeat(127)}😀tail` });
    view = await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session);
    view = await mfa.enrolment.submit(
      view.id,
      { step: "mfa-method", method: "authenticator-app" },
      session,
    );
    expect(expectStep(view, "authenticator-setup").uri).toMatch(/^otpauth:/);
  });

  it("a user at the app-password cap can still finish the wizard (APP-02)", async () => {
    const setup = seedSetup({
      policy: { ...policy, appPasswords: { enabled: true, offerDuringEnrolment: true, cap: 2 } },
    });
    const { mfa, clock, outbox } = setup;
    const session = () => ({ userId: USER, authenticatedAt: clock.now() });
    await mfa.securityInfo.appPasswords.create(session(), "one");
    await mfa.securityInfo.appPasswords.create(session(), "two");
    const view = await phoneThroughWizard(
      mfa,
      outbox,
      session,
      await mfa.enrolment.start(session()),
    );
    expect(view.notice).toEqual({ code: "app_password_limit_reached", cap: 2 });
    expect(view.step).toBe("finish");
  });

  it("tel: URIs (RFC 3966) are accepted like the typed number", async () => {
    const setup = seedSetup({ policy });
    const { mfa, clock, outbox } = setup;
    const session = { userId: USER, authenticatedAt: clock.now() };
    const view = await phoneCodeSent(
      mfa,
      () => session,
      await mfa.enrolment.start(session),
      "tel:+44-7400-654321",
    );
    expect(view.step).toBe("verify-code");
    expect(outbox.to(OTHER_PHONE)).toHaveLength(1);
  });
});

describe("races end in the conflict view, and make nothing (REL-01)", () => {
  it("50 parallel right codes: one tab moves on, the other 49 get the current view with a conflict notice", async () => {
    const setup = seedSetup({ policy });
    const { mfa, clock, outbox } = setup;
    const session = { userId: USER, authenticatedAt: clock.now() };
    const view = await phoneCodeSent(mfa, () => session, await mfa.enrolment.start(session));
    const code = outbox.lastCode(PHONE);
    const views = await Promise.all(
      Array.from({ length: 50 }, () =>
        mfa.enrolment.submit(view.id, { step: "verify-code", code }, session),
      ),
    );
    expect(views.filter((v) => v.step === "finish" && v.notice === null)).toHaveLength(1);
    for (const v of views.filter((x) => x.notice !== null)) {
      expect(v.notice).toEqual({ code: "conflict" });
      expect(v.step).toBe("finish");
    }
  });

  it("50 parallel 'Set it up now' mint one app password, never 50 (APP-02)", async () => {
    // A user who already has a phone: "Set it up now" leads straight to the app password.
    const { mfa, clock, session } = await enrolled({
      policy: { ...policy, appPasswords: { enabled: true, offerDuringEnrolment: true } },
    });
    const view = await mfa.enrolment.start(session());
    const views = await Promise.all(
      Array.from({ length: 50 }, () =>
        mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session()),
      ),
    );
    const shown = views.filter((v) => v.step === "app-password" && v.password !== null);
    expect(shown).toHaveLength(1);
    expect(await mfa.securityInfo.appPasswords.list(session())).toHaveLength(2); // first + this one
    for (const v of views.filter((x) => x !== shown[0]))
      expect(v.notice).toEqual({ code: "conflict" });
    clock.advance(1000);
  });
  it("an app-password step shown without its password (a lost answer) mints a new one and revokes the unseen one (APP-01)", async () => {
    const { mfa, session } = await enrolled({
      policy: { ...policy, appPasswords: { enabled: true, offerDuringEnrolment: true } },
    });
    let view = await mfa.enrolment.start(session());
    const first = expectStep(
      await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session()),
      "app-password",
    );
    // The answer that carried it was lost: a reload shows the step without it.
    view = await mfa.enrolment.get(first.id, session());
    expect(expectStep(view, "app-password").password).toBeNull();
    const again = expectStep(
      await mfa.enrolment.submit(
        view.id,
        { step: "app-password", action: "new-password" },
        session(),
      ),
      "app-password",
    );
    expect(again.password).not.toBeNull();
    expect(again.password).not.toBe(first.password);
    expect(
      (await mfa.challenge.verifyAppPassword({ userId: USER, password: first.password ?? "" })).ok,
    ).toBe(false);
    expect(
      (await mfa.challenge.verifyAppPassword({ userId: USER, password: again.password ?? "" })).ok,
    ).toBe(true);
  });
});

describe("operations: key rotation inside the account document (STORE-05)", () => {
  it("resealSecrets moves a user's authenticator seeds to the current key; then the old key can go", async () => {
    const setup = seedSetup({ policy });
    const { mfa, clock, store } = setup;
    const session = () => ({ userId: USER, authenticatedAt: clock.now() });
    const { secret } = await addAuthenticator(mfa, session(), clock);
    const K2 = "b".repeat(43);
    const rotated = createMfa({
      store,
      keyring: createKeyring({ current: "k2", keys: { k1: "a".repeat(43), k2: K2 } }),
      tenant: { name: "Contoso", domains: ["contoso.com"] },
      policy,
      senders: setup.outbox,
      clock,
      webauthn: TEST_WEBAUTHN,
    });
    expect(await rotated.admin.resealSecrets(USER)).toBe(1);
    expect(await rotated.admin.resealSecrets(USER)).toBe(0);
    const onlyNew = createMfa({
      store,
      keyring: createKeyring({ current: "k2", keys: { k2: K2 } }),
      tenant: { name: "Contoso", domains: ["contoso.com"] },
      policy,
      senders: setup.outbox,
      clock,
      webauthn: TEST_WEBAUTHN,
    });
    clock.advance(60_000);
    expect(
      await onlyNew.challenge.verifyTotp({
        userId: USER,
        code: totpAt(secret, clock.now() / 1000),
      }),
    ).toEqual({ ok: true, method: "authenticator-app" });
  });
});

describe("the authenticator app's QR code is drawn once, in the form the app asks for", () => {
  for (const qr of ["svg", "text", "none"] as const) {
    it(`qr: "${qr}"`, async () => {
      const { mfa, clock } = seedSetup({ policy });
      const session = { userId: USER, authenticatedAt: clock.now() };
      let view = await mfa.enrolment.start({ ...session, qr });
      view = await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session);
      view = await mfa.enrolment.submit(
        view.id,
        { step: "mfa-method", method: "authenticator-app" },
        session,
      );
      const setup = expectStep(view, "authenticator-setup");
      expect(setup.uri).toMatch(/^otpauth:/);
      expect(setup.qrSvg !== null).toBe(qr === "svg");
      expect(setup.qrText !== null).toBe(qr === "text");
      if (qr === "svg") expect(setup.qrSvg).toMatch(/^<svg/);
    });
  }
});

describe("read-then-write decisions hold under parallel requests (REL-01)", () => {
  it("20 parallel removals of a user's two sign-in methods (policy: 1 required) leave exactly one", async () => {
    const { mfa, clock, session } = await enrolled();
    // A second sign-in method: an authenticator app.
    await addAuthenticator(mfa, session(), clock);
    const signIn = (await mfa.securityInfo.list(session())).factors.filter((f) => f.role === "mfa");
    expect(signIn).toHaveLength(2);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        mfa.securityInfo
          .remove(session(), (signIn[i % 2] as { id: string }).id)
          .then((removed) => (removed ? "removed" : "gone"))
          .catch((e: unknown) => (isMfaError(e) ? `${e.code}:${e.data.reason ?? ""}` : "untyped")),
      ),
    );
    expect(outcomes.filter((o) => o === "removed")).toHaveLength(1);
    expect(
      outcomes.every((o) =>
        [
          "removed",
          "gone",
          "invalid_input:last_method",
          "factor_not_found:",
          "store_conflict:",
        ].includes(o),
      ),
    ).toBe(true);
    const left = (await mfa.securityInfo.list(session())).factors.filter((f) => f.role === "mfa");
    expect(left).toHaveLength(1);
  });

  it("20 parallel snoozes with 1 left: exactly one is counted", async () => {
    const { mfa, clock } = seedSetup({
      policy: { ...policy, campaign: { graceDays: 14, maxSnoozes: 1, snoozeDays: 1 } },
    });
    const enabledAt = clock.now();
    const session = { userId: USER, authenticatedAt: clock.now() };
    const views = await Promise.all(
      Array.from({ length: 20 }, () => mfa.enrolment.start({ ...session, enabledAt })),
    );
    const outcomes = await Promise.all(
      views.map((v) =>
        mfa.enrolment
          .submit(v.id, { step: "intro", action: "snooze" }, session)
          .then((after) => (after.notice?.code === "conflict" ? "conflict" : "snoozed"))
          .catch((e: unknown) => (isMfaError(e) ? e.code : "untyped")),
      ),
    );
    expect(outcomes.filter((o) => o === "snoozed")).toHaveLength(1);
    expect(outcomes.every((o) => ["snoozed", "conflict", "invalid_input"].includes(o))).toBe(true);
    expect((await mfa.required(USER, { enabledAt })).snoozesLeft).toBe(0);
  });
});

describe("a stranger with many addresses cannot grow a user's document (RATE-08, REL-07)", () => {
  it("wrong app passwords, recovery codes and passes from 200 networks keep at most 16 network counters per kind; the rest share one, throttled, and the owner gets in after the delay", async () => {
    const setup = seedSetup({
      policy: {
        ...phoneAndEmailPolicy,
        recoveryCodes: { enabled: true, offerDuringEnrolment: false },
        temporaryAccessPass: { enabled: true },
      },
      limits: { maxDelaySeconds: 60 },
    });
    const { mfa, clock } = setup;
    const session = await enrolPhoneAndEmail(setup, { userId: USER, email: EMAIL });
    const { password } = await mfa.securityInfo.appPasswords.create(session(), "Mail");
    const { codes } = await mfa.securityInfo.recoveryCodes.regenerate(session());
    const { pass } = await mfa.admin.issueTemporaryAccessPass({
      userId: USER,
      lifetimeMinutes: 60,
      oneTime: false,
    });
    // Each throttled secret: a wrong guess and the right one, from a network.
    const kinds = [
      {
        kind: "app-password",
        check: (secret: string, ip: string) =>
          mfa.challenge.verifyAppPassword({ userId: USER, password: secret, ip }),
        wrong: "a".repeat(24),
        right: password,
      },
      {
        kind: "recovery-code",
        check: (secret: string, ip: string) =>
          mfa.challenge.verifyRecoveryCode({ userId: USER, code: secret, ip }),
        wrong: "00000-00000",
        right: codes[0] as string,
      },
      {
        kind: "tap",
        check: (secret: string, ip: string) =>
          mfa.challenge.verifyTemporaryAccessPass({ userId: USER, pass: secret, ip }),
        wrong: "2222-2222-2222-2222",
        right: pass,
      },
    ];
    for (const k of kinds) {
      for (let i = 0; i < 200; i++) await k.check(k.wrong, `2001:db8:${i.toString(16)}::1`);
      const counters = (await mfa.limiter.listFailures(USER))
        .map((f) => f.factorKey)
        .filter((key) => key.startsWith(`${k.kind}:`));
      expect(counters.length, k.kind).toBeLessThanOrEqual(17);
      expect(counters, k.kind).toContain(`${k.kind}:others`);
      // The owner on a network of their own: throttled at worst, in after the delay.
      clock.advance(61_000);
      const owner = await k.check(k.right, "198.51.100.20");
      expect(owner.ok, k.kind).toBe(true);
    }
    const doc = JSON.stringify((await setup.store.list("mfa:{")).items);
    expect(doc.length).toBeLessThan(40_000);
  });
});

describe("the network counters' cap holds under parallel guesses (RATE-08, REL-01)", () => {
  it("wrong app passwords from 200 networks, 10 at a time, keep at most 16 network counters though more than 16 networks were compared (a read-then-write would let each wave past the cap)", async () => {
    const setup = seedSetup({ policy: phoneAndEmailPolicy, limits: { maxDelaySeconds: 60 } });
    const { mfa } = setup;
    const session = await enrolPhoneAndEmail(setup, { userId: USER, email: EMAIL });
    await mfa.securityInfo.appPasswords.create(session(), "Mail");
    const answers: string[] = [];
    for (let wave = 0; wave < 20; wave++) {
      const ips = Array.from(
        { length: 10 },
        (_, i) => `2001:db8:${(wave * 10 + i + 1).toString(16)}::1`,
      );
      answers.push(
        ...(await Promise.all(
          ips.map((ip) =>
            mfa.challenge
              .verifyAppPassword({ userId: USER, password: "a".repeat(24), ip })
              .then((r) => (r.ok ? "ok" : r.reason))
              .catch((e: unknown) => (isMfaError(e) ? e.code : "untyped")),
          ),
        )),
      );
    }
    // Every guess was compared or refused by a throttle: none got in, none crashed.
    expect(
      answers.every((a) => ["code_mismatch", "factor_locked", "store_conflict"].includes(a)),
    ).toBe(true);
    expect(answers.filter((a) => a === "code_mismatch").length).toBeGreaterThan(17);
    const counters = (await mfa.limiter.listFailures(USER))
      .map((f) => f.factorKey)
      .filter((key) => key.startsWith("app-password:"));
    expect(counters.length).toBeLessThanOrEqual(17);
  });
});
