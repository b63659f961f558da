/**
 * Passkeys (WebAuthn): registration as a wizard step and a Security info add, sign-in as a
 * challenge option, with a software authenticator (a P-256 key signing real WebAuthn data).
 * Every bad answer — malformed JSON, 1 MB, a wrong origin or rp id, a replayed challenge, no user
 * verification, a counter that did not grow, another user's credential — is a typed error that
 * changes nothing and sends nothing (REL-07, REL-01, LIFE-03).
 */
import { type EnrolmentView, isMfaError, type MfaEvent, type PolicyInput } from "@mfakit/core";
import { type SoftwareAuthenticator, softwareAuthenticator } from "@mfakit/testing";
import { describe, expect, it } from "vitest";
import { expectStep, phoneThroughWizard, seedSetup } from "./support/seed-setup.ts";

const USER = "pia@contoso.com";
const OTHER = "olu@contoso.com";
const PHONE = "+447400123456";
const ORIGIN = "https://login.contoso.com";
const webauthn = { rpId: "contoso.com", rpName: "Contoso", origins: [ORIGIN] };
const STALE_MS = 11 * 60 * 1000;

const policy: PolicyInput = {
  mfa: { methods: ["authentication-phone", "passkey"], required: 1 },
  recovery: { methods: ["email"], required: 0 },
  appPasswords: { enabled: false },
  phone: { allowedCountries: ["GB"] },
};

type Setup = ReturnType<typeof seedSetup>;
type SessionOf = () => { userId: string; authenticatedAt: number };

/** Adds a passkey through Security info (a scoped enrolment): the view after the answer. */
async function addPasskey(
  mfa: Setup["mfa"],
  session: SessionOf,
  authenticator: SoftwareAuthenticator,
  name?: string,
): Promise<EnrolmentView> {
  let view = await mfa.securityInfo.add(session(), "passkey");
  view = await mfa.enrolment.submit(
    view.id,
    { step: "mfa-method", method: "passkey", ...(name ? { name } : {}) },
    session(),
  );
  const setup = expectStep(view, "factor-setup");
  return mfa.enrolment.submit(
    view.id,
    { step: "factor-setup", answer: authenticator.create(setup.ceremony.options) },
    session(),
  );
}

/** A user with an authentication phone (through the wizard) and a passkey (Security info). */
async function withPasskey(userId = USER, options: { counts?: boolean } = {}) {
  const setup = seedSetup({ policy, webauthn });
  const { mfa, outbox, clock } = setup;
  const session: SessionOf = () => ({ userId, authenticatedAt: clock.now() });
  let view = await phoneThroughWizard(mfa, outbox, session, await mfa.enrolment.start(session()));
  view = await mfa.enrolment.submit(view.id, { step: "finish", action: "finish" }, session());
  clock.advance(31_000);
  const authenticator = softwareAuthenticator({ origin: ORIGIN, ...options });
  expectStep(await addPasskey(mfa, session, authenticator, "Work laptop"), "finish");
  return { ...setup, session, authenticator };
}

/** Everything stored under any user, and the messages sent: to show nothing changed. */
async function snapshot(setup: Setup) {
  return {
    stored: JSON.stringify((await setup.store.list("mfa:{")).items),
    messages: setup.outbox.messages.length,
  };
}

describe("passkey registration (wizard and Security info)", () => {
  it("the wizard's factor-setup step carries the creation options (rp id, user verification required, attestation none) and binds the passkey with its counter, backup flags, transports and name (BIND-03)", async () => {
    const { mfa, clock } = seedSetup({
      policy: { mfa: { methods: ["passkey"], required: 1 }, recovery: { methods: [] } },
      webauthn,
    });
    const session = () => ({ userId: USER, authenticatedAt: clock.now() });
    const authenticator = softwareAuthenticator({ origin: ORIGIN });
    let view = await mfa.enrolment.start(session());
    view = await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session());
    expect(expectStep(view, "mfa-method").methods).toEqual(["passkey"]);
    view = await mfa.enrolment.submit(
      view.id,
      { step: "mfa-method", method: "passkey", name: "  Pixel 9  " },
      session(),
    );
    const setup = expectStep(view, "factor-setup");
    expect(setup.kind).toBe("passkey");
    const { options } = setup.ceremony;
    expect(options.rp).toEqual({ id: "contoso.com", name: "Contoso" });
    expect(options.authenticatorSelection?.userVerification).toBe("required");
    expect(options.attestation).toBe("none");
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The user handle is not the app's user id (which may be an email).
    expect(Buffer.from(options.user.id, "base64url").toString()).not.toContain(USER);
    // A reload shows the same challenge (the step keeps it): the ceremony survives it.
    const reloaded = expectStep(await mfa.enrolment.get(view.id, session()), "factor-setup");
    expect(reloaded.ceremony.options.challenge).toBe(options.challenge);
    const answer = authenticator.create(options);
    view = await mfa.enrolment.submit(view.id, { step: "factor-setup", answer }, session());
    expectStep(view, "finish");
    const reg = await mfa.registrations.get(USER);
    expect(reg.passkeys).toEqual([
      {
        id: expect.stringMatching(/^pk_/),
        credentialId: answer.id,
        publicKey: expect.any(String),
        counter: 0,
        backupEligible: true,
        backedUp: true,
        transports: ["internal"],
        createdAt: clock.now(),
        lastUsedAt: null,
      },
    ]);
    const [factor] = (await mfa.securityInfo.list(session())).factors;
    expect(factor).toMatchObject({ kind: "passkey", role: "mfa", name: "Pixel 9" });
    expect((await mfa.required(USER)).status).toBe("none");
  });

  it("Security info adds several named passkeys behind step-up, tells the phone registered before, and emits factor.added (BIND-01, BIND-02)", async () => {
    const { mfa, clock, outbox, events, session } = await withPasskey();
    const stale = () => ({ userId: USER, authenticatedAt: clock.now() - STALE_MS });
    const refused = await mfa.securityInfo.add(stale(), "passkey").catch((e: unknown) => e);
    expect(isMfaError(refused, "reauthentication_required")).toBe(true);
    const notices = outbox.messages.filter((m) => m.to === PHONE && m.channel === "sms");
    expect(JSON.stringify(notices.at(-1))).toMatch(/passkey/);
    expect(events.filter((e) => e.type === "factor.added").map((e) => e.method)).toContain(
      "passkey",
    );
    expectStep(await addPasskey(mfa, session, softwareAuthenticator({ origin: ORIGIN })), "finish");
    const passkeys = (await mfa.securityInfo.list(session())).factors.filter(
      (f) => f.kind === "passkey",
    );
    expect(passkeys.map((f) => f.display)).toEqual(["Work laptop", "Passkey 2"]);
  });

  it("rename and remove go through the gate: step-up before, a notice and an event after (BIND-01, BIND-02, BIND-08)", async () => {
    const { mfa, clock, outbox, events, session, authenticator } = await withPasskey();
    const id = (await mfa.registrations.get(USER)).passkeys?.[0]?.id ?? "";
    const stale = { userId: USER, authenticatedAt: clock.now() - STALE_MS };
    for (const act of [
      () => mfa.securityInfo.rename(stale, id, "Old laptop"),
      () => mfa.securityInfo.remove(stale, id),
    ]) {
      expect(isMfaError(await act().catch((e: unknown) => e), "reauthentication_required")).toBe(
        true,
      );
    }
    await mfa.securityInfo.rename(session(), id, "Old laptop");
    expect((await mfa.securityInfo.list(session())).factors.find((f) => f.id === id)?.name).toBe(
      "Old laptop",
    );
    const sent = outbox.messages.length;
    expect(await mfa.securityInfo.remove(session(), id)).toBe(true);
    expect(outbox.messages.slice(sent).map((m) => m.to)).toEqual([PHONE]);
    expect(events.at(-1)).toMatchObject({ type: "factor.removed", method: "passkey", by: "user" });
    // Revoked at once: its next assertion is another user's credential as far as we know.
    const started = await mfa.challenge.beginPasskey({ userId: USER }).catch((e: unknown) => e);
    expect(isMfaError(started, "factor_not_found")).toBe(true);
    expect(authenticator.credentials).toHaveLength(1);
  });

  it("a bad registration answer is a typed error that binds nothing and sends nothing: malformed, 1 MB, emoji, lone surrogate, wrong types, wrong origin, wrong rp id, no user verification (REL-07)", async () => {
    const setup = await withPasskey();
    const { mfa, session } = setup;
    let view = await mfa.securityInfo.add(session(), "passkey");
    view = await mfa.enrolment.submit(
      view.id,
      { step: "mfa-method", method: "passkey" },
      session(),
    );
    const { options } = expectStep(view, "factor-setup").ceremony;
    const evil = softwareAuthenticator({ origin: ORIGIN });
    const honest = evil.create(options);
    const before = await snapshot(setup);
    const answers: Array<[unknown, string]> = [
      ["{not json", "invalid_input"],
      ["x".repeat(1_000_000), "invalid_input"],
      ["😀", "invalid_input"],
      ["\uD800", "invalid_input"],
      [42, "invalid_input"],
      [null, "invalid_input"],
      [[honest], "invalid_input"],
      [{ ...honest, id: "😀".repeat(20) }, "invalid_input"],
      [
        { ...honest, response: { ...honest.response, clientDataJSON: "a".repeat(1_000_000) } },
        "invalid_input",
      ],
      [
        evil.create(options, { origin: "https://login.contoso.com.evil.example" }),
        "passkey_rejected",
      ],
      [evil.create(options, { rpId: "evil.example" }), "passkey_rejected"],
      [evil.create(options, { userVerified: false }), "passkey_rejected"],
      [evil.create(options, { challenge: "A".repeat(43) }), "passkey_rejected"],
    ];
    for (const [answer, code] of answers) {
      const error = await mfa.enrolment
        .submit(view.id, { step: "factor-setup", answer }, session())
        .catch((e: unknown) => e);
      expect(isMfaError(error, code as "invalid_input"), `${String(answer).slice(0, 40)}`).toBe(
        true,
      );
      expect(await snapshot(setup)).toEqual(before);
    }
  });

  it("the setup challenge is single-use and expires: a second answer finds the step gone, a late one is told to restart (LIFE-03, LIFE-01)", async () => {
    const setup = await withPasskey();
    const { mfa, session, clock } = setup;
    let view = await mfa.securityInfo.add(session(), "passkey");
    view = await mfa.enrolment.submit(
      view.id,
      { step: "mfa-method", method: "passkey" },
      session(),
    );
    const { options } = expectStep(view, "factor-setup").ceremony;
    clock.advance(301_000);
    const late = await mfa.enrolment.submit(
      view.id,
      { step: "factor-setup", answer: softwareAuthenticator({ origin: ORIGIN }).create(options) },
      session(),
    );
    expect(late.notice).toEqual({ code: "code_expired" });
    view = await mfa.enrolment.submit(
      view.id,
      { step: "factor-setup", action: "restart" },
      session(),
    );
    const fresh = expectStep(view, "factor-setup").ceremony.options;
    expect(fresh.challenge).not.toBe(options.challenge);
    const answer = softwareAuthenticator({ origin: ORIGIN }).create(fresh);
    expectStep(
      await mfa.enrolment.submit(view.id, { step: "factor-setup", answer }, session()),
      "finish",
    );
    const replay = await mfa.enrolment.submit(view.id, { step: "factor-setup", answer }, session());
    expect(replay.notice).toEqual({ code: "conflict" });
    expect((await mfa.registrations.get(USER)).passkeys).toHaveLength(2);
  });
});

describe("passkey sign-in (the challenge's 'use a passkey')", () => {
  it("is offered as one option; an assertion signs in, moves the counter and the last use, and emits passkey.verified (LOG-01)", async () => {
    const { mfa, clock, authenticator, events } = await withPasskey();
    const options = await mfa.challenge.options(USER);
    expect(options.filter((o) => o.method === "passkey")).toEqual([
      { method: "passkey", display: "Work laptop", deliveries: [] },
    ]);
    const started = await mfa.challenge.beginPasskey({ userId: USER });
    expect(started.options.rpId).toBe("contoso.com");
    expect(started.options.userVerification).toBe("required");
    expect(started.options.allowCredentials?.map((c) => c.id)).toEqual(
      authenticator.credentials.map((c) => c.id),
    );
    clock.advance(5000);
    const result = await mfa.challenge.verifyPasskey({
      userId: USER,
      challengeId: started.challengeId,
      response: JSON.stringify(authenticator.get(started.options)),
    });
    expect(result).toEqual({ ok: true, method: "passkey" });
    const [stored] = (await mfa.registrations.get(USER)).passkeys ?? [];
    expect(stored).toMatchObject({ counter: 1, lastUsedAt: clock.now() });
    expect(events.at(-1)).toMatchObject({ type: "passkey.verified", factorId: stored?.id });
  });

  it("a bad assertion is a typed error that changes nothing and sends nothing: malformed JSON, 1 MB, wrong origin, wrong rp id, replayed challenge, no user verification, counter regression, another user's credential (REL-07, REL-01, LIFE-03)", async () => {
    const setup = await withPasskey();
    const { mfa, authenticator, events } = setup;
    // Another user's passkey, made by the same authenticator software on the same site.
    const other = await withPasskey(OTHER);
    const first = await mfa.challenge.beginPasskey({ userId: USER });
    await mfa.challenge.verifyPasskey({
      userId: USER,
      challengeId: first.challengeId,
      response: authenticator.get(first.options),
    });
    const replayed = authenticator.get(first.options);
    const started = await mfa.challenge.beginPasskey({ userId: USER });
    // What the server saw last: a clone replays it (or less) instead of counting on.
    const counter = (await mfa.registrations.get(USER)).passkeys?.[0]?.counter ?? 0;
    expect(counter).toBe(1);
    const cases: Array<[string, unknown, string, string?]> = [
      ["malformed JSON", "{ not json", "invalid_input"],
      ["1 MB", "x".repeat(1_000_000), "invalid_input"],
      ["emoji", "😀", "invalid_input"],
      ["lone surrogate", "\uDC00", "invalid_input"],
      ["a number", 7, "invalid_input"],
      ["an array", [], "invalid_input"],
      [
        "wrong origin",
        authenticator.get(started.options, { origin: "https://contoso.com.evil.example" }),
        "passkey_rejected",
        "origin_mismatch",
      ],
      [
        "wrong rp id",
        authenticator.get(started.options, { rpId: "evil.example" }),
        "passkey_rejected",
        "rp_id_mismatch",
      ],
      [
        "no user verification",
        authenticator.get(started.options, { userVerified: false }),
        "passkey_rejected",
        "user_not_verified",
      ],
      ["a challenge of another ceremony", replayed, "passkey_rejected", "challenge_mismatch"],
      [
        "a cloned authenticator (counter did not grow)",
        authenticator.get(started.options, { counter }),
        "passkey_rejected",
        "counter_regression",
      ],
      [
        "another user's credential",
        other.authenticator.get(started.options),
        "passkey_rejected",
        "unknown_credential",
      ],
    ];
    const before = await snapshot(setup);
    for (const [name, response, code, reason] of cases) {
      const error = await mfa.challenge
        .verifyPasskey({ userId: USER, challengeId: started.challengeId, response })
        .catch((e: unknown) => e);
      expect(isMfaError(error, code as "invalid_input"), name).toBe(true);
      if (reason) expect((error as { data: { reason: string } }).data.reason, name).toBe(reason);
      // Nothing changed: the challenge is still there, the counter did not move, nothing sent.
      expect(await snapshot(setup), name).toEqual(before);
    }
    const rejected = (events as MfaEvent[]).filter((e) => e.type === "passkey.rejected");
    expect(rejected.map((e) => (e as { reason: string }).reason)).toContain("counter_regression");
    // The challenge survived every refusal; used once, it is gone (replay of the challenge id).
    const good = authenticator.get(started.options);
    expect(
      await mfa.challenge.verifyPasskey({
        userId: USER,
        challengeId: started.challengeId,
        response: good,
      }),
    ).toEqual({ ok: true, method: "passkey" });
    const again = await mfa.challenge
      .verifyPasskey({ userId: USER, challengeId: started.challengeId, response: good })
      .catch((e: unknown) => e);
    expect(isMfaError(again, "challenge_not_found")).toBe(true);
    for (const challengeId of ["", "pkc_short", "x".repeat(1_000_000), 12]) {
      const error = await mfa.challenge
        .verifyPasskey({ userId: USER, challengeId: challengeId as string, response: good })
        .catch((e: unknown) => e);
      expect(isMfaError(error, "invalid_input")).toBe(true);
    }
  });

  it("a challenge expires with its TTL (LIFE-01)", async () => {
    const { mfa, authenticator, clock } = await withPasskey();
    const started = await mfa.challenge.beginPasskey({ userId: USER });
    clock.advance(300_001);
    const error = await mfa.challenge
      .verifyPasskey({
        userId: USER,
        challengeId: started.challengeId,
        response: authenticator.get(started.options),
      })
      .catch((e: unknown) => e);
    expect(isMfaError(error, "challenge_not_found")).toBe(true);
  });

  it("a stranger who knows only the user id cannot fill the user's document with sign-in challenges: the newest 8 stay, the oldest are evicted (REL-07, RATE-08)", async () => {
    const setup = await withPasskey();
    const { mfa, authenticator, store } = setup;
    const size = async () => JSON.stringify((await store.list("mfa:")).items).length;
    const first = await mfa.challenge.beginPasskey({ userId: USER });
    const afterOne = await size();
    const started = [];
    for (let i = 0; i < 100; i++) started.push(await mfa.challenge.beginPasskey({ userId: USER }));
    // Eight pending challenges at most, whatever was asked: the document stays small.
    expect(await size()).toBeLessThan(afterOne + 8 * 200);
    const evicted = await mfa.challenge
      .verifyPasskey({
        userId: USER,
        challengeId: first.challengeId,
        response: authenticator.get(first.options),
      })
      .catch((e: unknown) => e);
    expect(isMfaError(evicted, "challenge_not_found")).toBe(true);
    // The owner's newest challenges still work, side by side (two tabs).
    for (const s of started.slice(-2)) {
      const result = await mfa.challenge.verifyPasskey({
        userId: USER,
        challengeId: s.challengeId,
        response: authenticator.get(s.options),
      });
      expect(result.ok).toBe(true);
    }
  });

  it("an authenticator without a counter (always 0) is accepted, and remember-this-device works as for codes", async () => {
    const setup = seedSetup({
      policy: { ...policy, rememberDeviceDays: 30 },
      webauthn,
    });
    const { mfa, outbox, clock } = setup;
    const session = () => ({ userId: USER, authenticatedAt: clock.now() });
    let view = await phoneThroughWizard(mfa, outbox, session, await mfa.enrolment.start(session()));
    view = await mfa.enrolment.submit(view.id, { step: "finish", action: "finish" }, session());
    const authenticator = softwareAuthenticator({ origin: ORIGIN, counts: false, backedUp: false });
    expectStep(await addPasskey(mfa, session, authenticator), "finish");
    expect((await mfa.registrations.get(USER)).passkeys?.[0]).toMatchObject({
      backupEligible: false,
      backedUp: false,
    });
    for (let i = 0; i < 2; i++) {
      const started = await mfa.challenge.beginPasskey({ userId: USER });
      const result = await mfa.challenge.verifyPasskey({
        userId: USER,
        challengeId: started.challengeId,
        response: authenticator.get(started.options),
        remember: { name: "Chrome" },
      });
      expect(result.ok && result.device?.token).toMatch(/^dv_/);
    }
  });
});

describe("the policy and the configuration", () => {
  it("a phishing-resistant policy offers and counts only passkeys: the wizard, the challenge, Security info and required()", async () => {
    const { mfa, clock, outbox } = seedSetup({
      policy: { ...policy, mfa: { ...policy.mfa, phishingResistant: true } },
      webauthn,
    });
    expect(mfa.policy.mfa.methods).toEqual(["passkey"]);
    const session = () => ({ userId: USER, authenticatedAt: clock.now() });
    let view = await mfa.enrolment.start(session());
    view = await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session());
    expect(expectStep(view, "mfa-method").methods).toEqual(["passkey"]);
    const phone = await mfa.enrolment
      .submit(
        view.id,
        {
          step: "mfa-method",
          method: "authentication-phone",
          number: "07400 123456",
          country: "GB",
        },
        session(),
      )
      .catch((e: unknown) => e);
    expect(isMfaError(phone, "invalid_input")).toBe(true);
    expect(outbox.messages).toEqual([]);
    expect((await mfa.securityInfo.list(session())).canAdd).not.toContain("authentication-phone");
    expect((await mfa.required(USER)).status).toBe("required");
  });

  it("a policy that demands phishing resistance without offering passkeys is refused", () => {
    const error = (() => {
      try {
        seedSetup({
          policy: {
            ...policy,
            mfa: { methods: ["authentication-phone"], phishingResistant: true },
          },
        });
      } catch (e) {
        return e;
      }
    })();
    expect(isMfaError(error, "config_invalid")).toBe(true);
    expect((error as Error).message).toContain("policy.mfa.phishingResistant");
  });

  it("the relying party is validated once at createMfa, each problem naming its field", () => {
    const problems: Array<[unknown, RegExp]> = [
      [undefined, /webauthn is required/],
      [{ ...webauthn, rpId: "evil.example" }, /webauthn\.origins\.0: .*not evil\.example/],
      [{ ...webauthn, rpId: "com" }, /webauthn\.rpId/],
      [{ ...webauthn, rpId: "Contoso.com" }, /webauthn\.rpId/],
      [
        { ...webauthn, origins: ["http://login.contoso.com"] },
        /webauthn\.origins\.0: must be https/,
      ],
      [
        { ...webauthn, origins: ["https://login.contoso.com/path"] },
        /webauthn\.origins\.0: must be an origin/,
      ],
      [{ ...webauthn, origins: [] }, /webauthn\.origins/],
      [{ ...webauthn, rpName: "" }, /webauthn\.rpName/],
      [{ ...webauthn, userVerification: "discouraged" }, /webauthn\.userVerification/],
    ];
    for (const [config, message] of problems) {
      let error: unknown;
      try {
        seedSetup({ policy, webauthn: (config as typeof webauthn | undefined) ?? null });
      } catch (e) {
        error = e;
      }
      expect(isMfaError(error, "config_invalid"), String(message)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
    // Development: http://localhost with rp id "localhost" is a secure context.
    expect(() =>
      seedSetup({
        policy,
        webauthn: { rpId: "localhost", rpName: "Dev", origins: ["http://localhost:3000"] },
      }),
    ).not.toThrow();
  });
});
