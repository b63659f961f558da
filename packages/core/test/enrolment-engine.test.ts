/**
 * The enrolment engine's behaviour beyond the seed's happy path: bad input, provider failures,
 * resends, lockouts, step-up, the authenticator app, notices, and two app instances.
 */
import { Session as Inspector } from "node:inspector/promises";
import {
  createMfa,
  type EnrolmentView,
  isMfaError,
  MfaError,
  memoryStore,
  type SubmitInput,
} from "@mfakit/core";
import { userKey } from "@mfakit/core/adapter";
import { base32Decode, totpAt } from "@mfakit/core/totp";
import { describe, expect, it } from "vitest";
import { expectStep, KEY, seedSetup } from "./support/seed-setup.ts";

const USER = "megan@contoso.com";

/** Starts an enrolment (its QR code in `qr` form) and clicks "Set it up now". */
async function toMethodStep(
  setup: ReturnType<typeof seedSetup>,
  userId = USER,
  qr?: "svg" | "text",
) {
  const session = { userId, authenticatedAt: setup.clock.now(), ip: "198.51.100.4" };
  const appSteps = setup.mfa.policy.appSteps.map((s) => s.id);
  const start = await setup.mfa.enrolment.start({ ...session, appSteps, ...(qr ? { qr } : {}) });
  const view = await setup.mfa.enrolment.submit(
    start.id,
    { step: "intro", action: "setup" },
    session,
  );
  return { view: expectStep(view, "mfa-method"), session };
}

/** Picks the authenticator app at the method step: the setup view that shows its secret. */
async function chooseApp(
  setup: ReturnType<typeof seedSetup>,
  id: string,
  session: { userId: string; authenticatedAt: number },
) {
  return expectStep(
    await setup.mfa.enrolment.submit(
      id,
      { step: "mfa-method", method: "authenticator-app" },
      session,
    ),
    "authenticator-setup",
  );
}

/** Everything stored, as JSON text (the memory store lists every key under "mfa:"). */
async function snapshot(store: ReturnType<typeof seedSetup>["store"]): Promise<string> {
  const items: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list("mfa:", { limit: 1000, cursor });
    items.push(...page.items);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return JSON.stringify(items);
}

const phoneInput = (number: string, extra: Record<string, unknown> = {}) =>
  ({
    step: "mfa-method",
    method: "authentication-phone",
    country: "GB",
    number,
    delivery: "sms",
    ...extra,
  }) as SubmitInput;

describe("bad input: a typed error, no state change, no provider call", () => {
  const cases: Array<[string, SubmitInput | Record<string, unknown>, string]> = [
    [
      "an unknown field (strict schemas)",
      { ...phoneInput("07400 123456"), admin: true },
      "invalid_input",
    ],
    [
      "a number of the wrong type",
      { step: "mfa-method", method: "authentication-phone", number: 7400123456 },
      "invalid_input",
    ],
    ["an oversized number (REL-07)", phoneInput("0".repeat(65)), "invalid_input"],
    ["an unparseable number (PHONE-01)", phoneInput("not a phone"), "invalid_phone"],
    ["a premium-rate number (FRAUD-02)", phoneInput("09098 790123"), "phone_type_not_allowed"],
    [
      "a toll-free number for SMS (PHONE-03)",
      phoneInput("0800 123 4567"),
      "phone_type_not_allowed",
    ],
    [
      "a country outside the allow-list (FRAUD-01)",
      phoneInput("+33 6 12 34 56 78"),
      "country_not_allowed",
    ],
    [
      "an extension on an SMS number (PHONE-04)",
      phoneInput("07400 123456 ext. 12"),
      "phone_extension_not_allowed",
    ],
    [
      "a method the policy does not offer",
      { step: "mfa-method", method: "alternate-phone", number: "07400 123456", country: "GB" },
      "invalid_input",
    ],
    ["an answer that names no step", { method: "authenticator-app" }, "invalid_input"],
  ];
  for (const [title, input, code] of cases) {
    it(`${title} → ${code}`, async () => {
      const setup = seedSetup();
      const { view, session } = await toMethodStep(setup);
      const before = await snapshot(setup.store);
      const error = await setup.mfa.enrolment
        .submit(view.id, input as SubmitInput, session)
        .catch((e: unknown) => e);
      expect(isMfaError(error)).toBe(true);
      expect((error as { code: string }).code).toBe(code);
      expect(await snapshot(setup.store)).toBe(before);
      expect(setup.outbox.messages).toHaveLength(0);
      expect(JSON.stringify(error)).not.toMatch(/7400|123456/); // no user data echoed into logs
    });
  }

  it("a code that is not plain digits is refused before any attempt is counted (LIFE-04, REL-07)", async () => {
    const setup = seedSetup();
    const { view, session } = await toMethodStep(setup);
    const verify = await setup.mfa.enrolment.submit(view.id, phoneInput("07400 123456"), session);
    const before = await snapshot(setup.store);
    for (const code of ["0x1E240", "1.23456e5", "+123456", " 123456", "１２３４５６", "12345"]) {
      const error = await setup.mfa.enrolment
        .submit(verify.id, { step: "verify-code", code }, session)
        .catch((e: unknown) => e);
      expect(isMfaError(error, "invalid_code_format")).toBe(true);
    }
    expect(await snapshot(setup.store)).toBe(before);
    const view2 = expectStep(await setup.mfa.enrolment.get(verify.id, session), "verify-code");
    expect(view2.attemptsLeft).toBe(5);
  });

  it("an enrolment id of another user is not found (the id alone is not enough)", async () => {
    const setup = seedSetup();
    const { view } = await toMethodStep(setup);
    const other = { userId: "mallory@contoso.com", authenticatedAt: setup.clock.now() };
    const error = await setup.mfa.enrolment.get(view.id, other).catch((e: unknown) => e);
    expect(isMfaError(error, "enrolment_not_found")).toBe(true);
  });
});

describe("phone verification", () => {
  it("a wrong code leaves attempts, 5 wrong codes kill the challenge (RATE-01)", async () => {
    const setup = seedSetup();
    const { view, session } = await toMethodStep(setup);
    const verify = await setup.mfa.enrolment.submit(view.id, phoneInput("07400 123456"), session);
    const right = setup.outbox.lastCode("+447400123456");
    const wrong = right === "000000" ? "111111" : "000000";
    for (let left = 4; left >= 1; left--) {
      const v = await setup.mfa.enrolment.submit(
        verify.id,
        { step: "verify-code", code: wrong },
        session,
      );
      expect(v.notice).toEqual({ code: "code_mismatch", attemptsLeft: left });
    }
    const fifth = await setup.mfa.enrolment.submit(
      verify.id,
      { step: "verify-code", code: wrong },
      session,
    );
    expect(fifth.notice?.code).toMatch(/code_mismatch|code_locked/);
    const after = await setup.mfa.enrolment.submit(
      verify.id,
      { step: "verify-code", code: right },
      session,
    );
    expect(after.notice).toEqual({ code: "code_locked" });
    expect(after.step).toBe("verify-code");
  });

  it("resend: a new code kills the old one, the attempts counter carries over (LIFE-07, RATE-03)", async () => {
    const setup = seedSetup();
    const { view, session } = await toMethodStep(setup);
    const verify = await setup.mfa.enrolment.submit(view.id, phoneInput("07400 123456"), session);
    const first = setup.outbox.lastCode("+447400123456");
    const wrong = first === "000000" ? "111111" : "000000";
    await setup.mfa.enrolment.submit(verify.id, { step: "verify-code", code: wrong }, session);
    const early = await setup.mfa.enrolment.submit(
      verify.id,
      { step: "verify-code", action: "resend" },
      session,
    );
    expect(early.notice).toMatchObject({ code: "rate_limited", scope: "cooldown" }); // 30 s per destination
    setup.clock.advance(31_000);
    const resent = expectStep(
      await setup.mfa.enrolment.submit(
        verify.id,
        { step: "verify-code", action: "resend" },
        session,
      ),
      "verify-code",
    );
    expect(resent.attemptsLeft).toBe(4);
    const second = setup.outbox.lastCode("+447400123456");
    if (second !== first) {
      const old = await setup.mfa.enrolment.submit(
        verify.id,
        { step: "verify-code", code: first },
        session,
      );
      expect(old.notice?.code).toBe("code_mismatch");
    }
    const ok = await setup.mfa.enrolment.submit(
      verify.id,
      { step: "verify-code", code: second },
      session,
    );
    expect(ok.step).toBe("app-password");
  });

  it("a provider outage keeps the state: retry after the cooldown, or switch to a call (REL-04)", async () => {
    const setup = seedSetup();
    const { view, session } = await toMethodStep(setup);
    setup.outbox.failNext("unavailable");
    const failed = expectStep(
      await setup.mfa.enrolment.submit(view.id, phoneInput("07400 123456"), session),
      "verify-code",
    );
    expect(failed.notice).toEqual({ code: "delivery_failed", retryable: true });
    expect(setup.outbox.messages).toHaveLength(0);
    // A reload (or another device) still shows where the user is.
    expect((await setup.mfa.enrolment.get(view.id, session)).step).toBe("verify-code");
    setup.clock.advance(31_000);
    const call = expectStep(
      await setup.mfa.enrolment.submit(
        view.id,
        { step: "verify-code", action: "switch-to-voice" },
        session,
      ),
      "verify-code",
    );
    expect(call.channel).toBe("voice");
    expect(call.notice).toBeNull();
    const voice = setup.outbox.messages.at(-1);
    expect(voice?.channel).toBe("voice");
    const code = setup.outbox.lastCode("+447400123456");
    const next = await setup.mfa.enrolment.submit(view.id, { step: "verify-code", code }, session);
    expect(next.step).toBe("app-password");
  });

  it("a recipient the provider rejects is not retryable", async () => {
    const setup = seedSetup();
    const { view, session } = await toMethodStep(setup);
    setup.outbox.failNext("rejected");
    const v = await setup.mfa.enrolment.submit(view.id, phoneInput("07400 123456"), session);
    expect(v.notice).toEqual({ code: "delivery_failed", retryable: false });
  });

  it("sends past the per-destination hourly cap are refused before the provider (FRAUD-03)", async () => {
    const setup = seedSetup({ limits: { perDestinationPerHour: 2 } });
    const { view, session } = await toMethodStep(setup);
    await setup.mfa.enrolment.submit(view.id, phoneInput("07400 123456"), session);
    setup.clock.advance(31_000);
    await setup.mfa.enrolment.submit(view.id, { step: "verify-code", action: "resend" }, session);
    setup.clock.advance(31_000);
    const third = await setup.mfa.enrolment.submit(
      view.id,
      { step: "verify-code", action: "resend" },
      session,
    );
    expect(third.notice).toMatchObject({ code: "rate_limited", scope: "destination" });
    expect(setup.outbox.messages).toHaveLength(2);
  });

  it("step-up: a sign-in older than 10 minutes must re-authenticate before adding a factor (BIND-01)", async () => {
    const setup = seedSetup();
    const { view } = await toMethodStep(setup);
    const stale = { userId: USER, authenticatedAt: setup.clock.now() - (10 * 60 + 1) * 1000 };
    const error = await setup.mfa.enrolment
      .submit(view.id, phoneInput("07400 123456"), stale)
      .catch((e: unknown) => e);
    expect(isMfaError(error, "reauthentication_required")).toBe(true);
    expect(setup.outbox.messages).toHaveLength(0);
    const fresh = { userId: USER, authenticatedAt: setup.clock.now() - (9 * 60 + 59) * 1000 };
    expect(
      (await setup.mfa.enrolment.submit(view.id, phoneInput("07400 123456"), fresh)).step,
    ).toBe("verify-code");
  });
});

describe("authenticator app", () => {
  it("shows the secret once, activates on the first code, refuses its replay at sign-in (TOTP-04/06)", async () => {
    const setup = seedSetup();
    const { view, session } = await toMethodStep(setup);
    const setupView = await chooseApp(setup, view.id, session);
    expect(setupView.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setupView.uri).toMatch(/^otpauth:\/\/totp\/Contoso:/);
    expect(setupView.qrSvg).toMatch(/^<svg/);
    const reload = expectStep(
      await setup.mfa.enrolment.get(view.id, session),
      "authenticator-setup",
    );
    expect(reload.secret).toBeNull();
    expect(reload.qrSvg).toBeNull();
    expect(await snapshot(setup.store)).not.toContain(setupView.secret);

    const secret = base32Decode(setupView.secret ?? "");
    const code = totpAt(secret, Math.floor(setup.clock.now() / 1000));
    const next = await setup.mfa.enrolment.submit(
      view.id,
      { step: "authenticator-setup", code },
      session,
    );
    expect(next.step).toBe("app-password");
    const replay = await setup.mfa.challenge.verifyTotp({ userId: USER, code });
    expect(replay).toEqual({ ok: false, reason: "replayed" });
    setup.clock.advance(30_000);
    const fresh = totpAt(secret, Math.floor(setup.clock.now() / 1000));
    expect(await setup.mfa.challenge.verifyTotp({ userId: USER, code: fresh })).toEqual({
      ok: true,
      method: "authenticator-app",
    });
  });

  it("set up a different method drops the unconfirmed app", async () => {
    const setup = seedSetup();
    const { view, session } = await toMethodStep(setup);
    await chooseApp(setup, view.id, session);
    const back = await setup.mfa.enrolment.submit(
      view.id,
      { step: "authenticator-setup", action: "different-method" },
      session,
    );
    expect(back.step).toBe("mfa-method");
    // The unconfirmed app's record is gone.
    expect((await setup.store.list(userKey(USER, "totp", ""))).items).toEqual([]);
  });
});

/**
 * How many times the QR drawing functions ran during `action`: V8's precise coverage with call
 * counts (what c8 and the cheap-work bench read), so the real drawing is counted, not a stand-in.
 */
async function qrDrawings(action: () => Promise<void>): Promise<{ svg: number; text: number }> {
  const inspector = new Inspector();
  inspector.connect();
  try {
    await inspector.post("Profiler.enable");
    await inspector.post("Profiler.startPreciseCoverage", { callCount: true, detailed: false });
    await action();
    const { result } = await inspector.post("Profiler.takePreciseCoverage");
    const calls = { svg: 0, text: 0 };
    for (const script of result.filter((s) => /\/core\/src\/totp\/qr\.ts/.test(s.url))) {
      for (const fn of script.functions) {
        // The first range is the whole function; its count is how often it was called.
        const count = fn.ranges[0]?.count ?? 0;
        if (fn.functionName === "qrSvg") calls.svg += count;
        if (fn.functionName === "qrText") calls.text += count;
      }
    }
    await inspector.post("Profiler.stopPreciseCoverage");
    return calls;
  } finally {
    inspector.disconnect();
  }
}

describe("the QR code is drawn only when the app reads it, and once (TOTP-06)", () => {
  for (const form of ["svg", "text"] as const) {
    const field = form === "svg" ? "qrSvg" : "qrText";

    it(`qr: "${form}": a setup whose ${field} is never read never draws it, and the app is confirmed`, async () => {
      const setup = seedSetup();
      const { view, session } = await toMethodStep(setup, USER, form);
      let confirmed: EnrolmentView | null = null;
      const unread = await qrDrawings(async () => {
        const shown = await chooseApp(setup, view.id, session);
        // What an app that draws its own QR code reads: the secret and the Key URI.
        expect(shown.uri).toContain(`secret=${shown.secret}`);
        const code = totpAt(base32Decode(shown.secret ?? ""), setup.clock.now() / 1000);
        confirmed = await setup.mfa.enrolment.submit(
          view.id,
          { step: "authenticator-setup", code },
          session,
        );
      });
      expect(unread).toEqual({ svg: 0, text: 0 });
      expect(confirmed).toMatchObject({ step: "app-password", notice: null });
    });

    it(`qr: "${form}": ${field} read twice and sent as JSON is drawn once, the same each time`, async () => {
      const setup = seedSetup();
      const { view, session } = await toMethodStep(setup, USER, form);
      let first: string | null = null;
      let second: string | null = null;
      let json: { qrSvg: string | null; qrText: string | null } | null = null;
      let other: string | null = "";
      const drawings = await qrDrawings(async () => {
        const shown = await chooseApp(setup, view.id, session);
        first = shown[field];
        second = shown[field];
        json = JSON.parse(JSON.stringify(shown));
        other = shown[form === "svg" ? "qrText" : "qrSvg"];
      });
      expect(drawings).toEqual(form === "svg" ? { svg: 1, text: 0 } : { svg: 0, text: 1 });
      expect(first).toMatch(form === "svg" ? /^<svg/ : /[\u2580-\u2588]/);
      expect(second).toBe(first);
      expect(json?.[field]).toBe(first);
      expect(other).toBeNull();
    });
  }
});

describe("navigation and persistence", () => {
  it("back returns to the previous step and cancels the code in flight", async () => {
    const setup = seedSetup();
    const { view, session } = await toMethodStep(setup);
    await setup.mfa.enrolment.submit(view.id, phoneInput("07400 123456"), session);
    const code = setup.outbox.lastCode("+447400123456");
    const back = await setup.mfa.enrolment.submit(
      view.id,
      { step: "verify-code", action: "back" },
      session,
    );
    expect(back.step).toBe("mfa-method");
    // The user now answers the method step again; the old code is dead.
    setup.clock.advance(31_000);
    const v = await setup.mfa.enrolment.submit(view.id, phoneInput("07400 123456"), session);
    const stale = await setup.mfa.enrolment.submit(v.id, { step: "verify-code", code }, session);
    if (code !== setup.outbox.lastCode("+447400123456"))
      expect(stale.notice?.code).toBe("code_mismatch");
  });

  it("cancel ends the enrolment; a new start begins afresh", async () => {
    const setup = seedSetup();
    const { view, session } = await toMethodStep(setup);
    const cancelled = await setup.mfa.enrolment.submit(
      view.id,
      { step: "mfa-method", action: "cancel" },
      session,
    );
    expect(cancelled.step).toBe("cancelled");
    const error = await setup.mfa.enrolment
      .submit(view.id, { step: "cancelled" } as never, session)
      .catch((e: unknown) => e);
    expect(isMfaError(error, "enrolment_not_found")).toBe(true);
    const again = await setup.mfa.enrolment.start(session);
    expect(again.id).not.toBe(view.id);
  });

  it("a second app instance over the same store resumes the same enrolment (device switch)", async () => {
    const setup = seedSetup();
    const { view, session } = await toMethodStep(setup);
    const other = createMfa({
      store: setup.store,
      keyring: setup.keyring,
      tenant: { name: "Contoso", domains: ["contoso.com"] },
      policy: setup.mfa.policy,
      senders: setup.outbox,
      clock: setup.clock,
    });
    const resumed = await other.enrolment.start(session);
    expect(resumed.id).toBe(view.id);
    expect(resumed.step).toBe("mfa-method");
    const sent = await other.enrolment.submit(view.id, phoneInput("07400 123456"), session);
    const done = await setup.mfa.enrolment.submit(
      sent.id,
      { step: "verify-code", code: setup.outbox.lastCode() },
      session,
    );
    expect(done.step).toBe("app-password");
  });

  it("a stale tab's answer gets the current view with a conflict notice and changes nothing", async () => {
    const setup = seedSetup();
    const { view, session } = await toMethodStep(setup);
    await setup.mfa.enrolment.submit(view.id, phoneInput("07400 123456"), session);
    const stale = await setup.mfa.enrolment.submit(view.id, phoneInput("07400 999999"), session);
    expect(stale.step).toBe("verify-code");
    expect(stale.notice).toEqual({ code: "conflict" });
    expect(setup.outbox.messages).toHaveLength(1);
  });
});

describe("concurrency", () => {
  it("parallel submits of one step: one transition wins, the rest see the current view", async () => {
    const setup = seedSetup();
    const session = { userId: USER, authenticatedAt: setup.clock.now() };
    const start = await setup.mfa.enrolment.start(session);
    const views = await Promise.all(
      Array.from({ length: 10 }, () =>
        setup.mfa.enrolment.submit(start.id, { step: "intro", action: "setup" }, session),
      ),
    );
    expect(views.filter((v) => v.notice === null)).toHaveLength(1);
    expect(views.every((v) => v.step === "mfa-method")).toBe(true);
    expect(views.filter((v) => v.notice?.code === "conflict")).toHaveLength(9);
  });

  it("parallel verifies of one code: exactly one success, the factor bound once (REL-01)", async () => {
    const setup = seedSetup();
    const { view, session } = await toMethodStep(setup);
    await setup.mfa.enrolment.submit(view.id, phoneInput("07400 123456"), session);
    const code = setup.outbox.lastCode("+447400123456");
    const results: EnrolmentView[] = await Promise.all(
      Array.from({ length: 20 }, () =>
        setup.mfa.enrolment.submit(view.id, { step: "verify-code", code }, session),
      ),
    );
    expect(results.filter((v) => v.step === "app-password" && v.notice === null)).toHaveLength(1);
    const minted = results.filter((v) => v.step === "app-password" && v.password !== null);
    expect(minted.length).toBeLessThanOrEqual(1);
    const reg = await setup.mfa.registrations.get(USER);
    expect(Object.keys(reg.phones)).toEqual(["authentication-phone"]);
    expect(
      await setup.mfa.securityInfo.appPasswords.list({ userId: USER, authenticatedAt: 0 }),
    ).toHaveLength(1);
  });
});

describe("notices of changes (BIND-02)", () => {
  it("adding a second factor notifies the phone registered before, with no secret", async () => {
    const setup = seedSetup({
      policy: {
        ...seedPolicyNoRecovery(),
        mfa: { methods: ["authentication-phone", "authenticator-app"], required: 2 },
      },
    });
    const { view, session } = await toMethodStep(setup);
    await setup.mfa.enrolment.submit(view.id, phoneInput("07400 123456"), session);
    await setup.mfa.enrolment.submit(
      view.id,
      { step: "verify-code", code: setup.outbox.lastCode() },
      session,
    );
    expect(setup.outbox.messages).toHaveLength(1); // the first factor: nothing registered before it
    const totpView = await chooseApp(setup, view.id, session);
    const code = totpAt(base32Decode(totpView.secret ?? ""), Math.floor(setup.clock.now() / 1000));
    await setup.mfa.enrolment.submit(view.id, { step: "authenticator-setup", code }, session);
    const notice = setup.outbox.messages.at(-1);
    expect(notice?.channel).toBe("sms");
    expect(notice?.to).toBe("+447400123456");
    expect(notice?.channel === "sms" && notice.text).toMatch(/authenticator/i);
    expect(notice?.channel === "sms" && notice.text).not.toContain(code);
    expect(notice?.channel === "sms" && notice.text).not.toContain(totpView.secret ?? "x");
  });
});

describe("configuration is validated once (createMfa)", () => {
  it("reports every missing sender in one error", () => {
    const error = (() => {
      try {
        createMfa({
          store: memoryStore(),
          keyring: seedSetup().keyring,
          tenant: { name: "Contoso", domains: ["contoso.com"] },
          policy: {
            mfa: { methods: ["authentication-phone"] },
            recovery: { methods: ["email"], required: 1 },
            phone: { allowedCountries: ["GB"] },
          },
        });
      } catch (e) {
        return e;
      }
    })();
    expect(isMfaError(error, "config_invalid")).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("senders.sms is required");
    expect(message).toContain("senders.voice is required");
    expect(message).toContain("senders.email is required");
    expect((error as { data: { issues: number } }).data.issues).toBe(3);
  });

  it("phone methods without a country allow-list are refused (FRAUD-01: deny by default)", () => {
    expect(() =>
      createMfa({
        store: memoryStore(),
        keyring: seedSetup().keyring,
        tenant: { name: "Contoso", domains: [] },
        policy: { mfa: { methods: ["authentication-phone"] } },
        senders: seedSetup().outbox,
      }),
    ).toThrow(/allowedCountries/);
  });

  it("a tenant name with a colon (the TOTP issuer) and a bad key are refused", () => {
    expect(() =>
      createMfa({
        store: memoryStore(),
        keyring: seedSetup().keyring,
        tenant: { name: "Contoso: HR", domains: [] },
        policy: { mfa: { methods: ["authenticator-app"] } },
      }),
    ).toThrow(/colon/);
    expect(KEY.length).toBe(43);
  });
});

/** The seed policy without the recovery phase (for tests that focus on MFA). */
function seedPolicyNoRecovery() {
  return {
    mfa: { methods: ["authentication-phone" as const, "authenticator-app" as const], required: 1 },
    recovery: { methods: ["email" as const], required: 0 },
    appPasswords: { enabled: false },
    phone: { allowedCountries: ["GB"] },
  };
}

describe("risk hook, email rules, no enumeration", () => {
  it("the app's risk hook (SIM swap, bot score) can stop a send before any provider call (PSTN-03, FRAUD-05)", async () => {
    const setup = seedSetup();
    const seen: unknown[] = [];
    const mfa = createMfa({
      store: setup.store,
      keyring: setup.keyring,
      tenant: { name: "Contoso", domains: ["contoso.com"] },
      policy: setup.mfa.policy,
      senders: setup.outbox,
      clock: setup.clock,
      events: { emit: (e) => void setup.events.push(e) },
      beforeSend: (context) => {
        seen.push(context);
        return context.destination === "+447400123456"
          ? { allow: false, reason: "sim-swap-24h" }
          : { allow: true };
      },
    });
    const session = { userId: USER, authenticatedAt: setup.clock.now(), ip: "198.51.100.4" };
    let view = await mfa.enrolment.start({ ...session, appSteps: ["change-password"] });
    view = await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session);
    const blocked = await mfa.enrolment.submit(view.id, phoneInput("07400 123456"), session);
    expect(blocked.step).toBe("mfa-method");
    expect(blocked.notice).toEqual({ code: "send_blocked" });
    expect(setup.outbox.messages).toHaveLength(0);
    expect(seen[0]).toEqual({
      userId: USER,
      channel: "sms",
      destination: "+447400123456",
      country: "GB",
      ip: "198.51.100.4",
      purpose: "enrol",
    });
    expect(setup.events.at(-1)).toMatchObject({ type: "send.blocked", reason: "sim-swap-24h" });
    const allowed = await mfa.enrolment.submit(view.id, phoneInput("07400 123457"), session);
    expect(allowed.step).toBe("verify-code");
  });

  it("the email is recovery data, never an MFA method (BIND-07)", () => {
    expect(() =>
      createMfa({
        store: memoryStore(),
        keyring: seedSetup().keyring,
        tenant: { name: "Contoso", domains: [] },
        policy: { mfa: { methods: ["email" as never] } },
      }),
    ).toThrow(/policy\.mfa\.methods/);
  });

  it("recovery email codes follow the code rules: 5 wrong codes end the challenge (MAIL-06)", async () => {
    const setup = seedSetup({
      policy: { ...seedPolicyNoRecovery(), recovery: { methods: ["email"], required: 1 } },
    });
    const { view, session } = await toMethodStep(setup);
    await setup.mfa.enrolment.submit(view.id, phoneInput("07400 123456"), session);
    await setup.mfa.enrolment.submit(
      view.id,
      { step: "verify-code", code: setup.outbox.lastCode() },
      session,
    );
    await setup.mfa.enrolment.submit(view.id, { step: "recovery-intro", action: "next" }, session);
    await setup.mfa.enrolment.submit(
      view.id,
      { step: "recovery-method", method: "email" },
      session,
    );
    const sent = expectStep(
      await setup.mfa.enrolment.submit(
        view.id,
        { step: "recovery-email", email: "megan@personal.example" },
        session,
      ),
      "verify-code",
    );
    expect(sent.expiresInSeconds).toBeLessThanOrEqual(600);
    const right = setup.outbox.lastCode("megan@personal.example");
    const wrong = right === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++)
      await setup.mfa.enrolment.submit(view.id, { step: "verify-code", code: wrong }, session);
    const after = await setup.mfa.enrolment.submit(
      view.id,
      { step: "verify-code", code: right },
      session,
    );
    expect(after.notice).toEqual({ code: "code_locked" });
  });

  it("a number another user already registered gets the same answer as a new one (BIND-06)", async () => {
    const setup = seedSetup();
    const first = await toMethodStep(setup, "first@contoso.com");
    await setup.mfa.enrolment.submit(first.view.id, phoneInput("07400 123456"), first.session);
    await setup.mfa.enrolment.submit(
      first.view.id,
      { step: "verify-code", code: setup.outbox.lastCode() },
      first.session,
    );
    setup.clock.advance(31_000);
    const second = await toMethodStep(setup, "second@contoso.com");
    const view = await setup.mfa.enrolment.submit(
      second.view.id,
      phoneInput("07400 123456"),
      second.session,
    );
    const fresh = await toMethodStep(setup, "third@contoso.com");
    const other = await setup.mfa.enrolment.submit(
      fresh.view.id,
      phoneInput("07400 123458"),
      fresh.session,
    );
    const shape = (v: EnrolmentView) => ({ ...v, id: "", version: 0, destination: "" });
    expect(shape(view)).toEqual(shape(other));
  });

  it("errors serialise without their cause: no driver detail leaks to a client (REL-06)", () => {
    const cause = new Error("connection to 10.0.0.5 failed: password=hunter2");
    const error = new MfaError("store_unavailable", { cause });
    expect(JSON.stringify(error)).not.toContain("hunter2");
    expect(error.message).toBe("The data store could not be reached. Try again.");
    expect(error.cause).toBe(cause);
  });
});
