/**
 * Temporary Access Pass: issued by an admin within Entra's range, shown once and stored only as a
 * keyed hash; checked at sign-in (one-time passes spent once, expired ones a typed failure, a
 * stranger unable to lock the owner out); its session registers factors and nothing else, and
 * only while the pass is live.
 */
import { isMfaError, type PolicyInput, type Session, type Store } from "@mfakit/core";
import { describe, expect, it } from "vitest";
import {
  enrolPhoneAndEmail,
  expectStep,
  phoneAndEmailPolicy,
  phoneThroughWizard,
  seedSetup,
  since,
} from "./support/seed-setup.ts";

const USER = "tess@contoso.com";
const PHONE = "+447400123456";
const EMAIL = "tess.home@example.org";
const MINUTE = 60_000;

const policy = {
  ...phoneAndEmailPolicy,
  // The wizard would offer an app password: a pass session must not get one.
  appPasswords: { enabled: true, offerDuringEnrolment: true },
  temporaryAccessPass: { enabled: true },
} satisfies PolicyInput;

/** A user with an authentication phone and a recovery email, and an SDK that issues passes. */
async function enrolled(extra: Partial<PolicyInput> = {}) {
  const setup = seedSetup({ policy: { ...policy, ...extra } });
  const session = await enrolPhoneAndEmail(setup, { userId: USER, email: EMAIL });
  return { ...setup, session };
}

/** Everything stored under the user's keys, as text. */
const dump = async (store: Store) => JSON.stringify((await store.list("mfa:")).items);

describe("issuing a Temporary Access Pass", () => {
  it("is shown once, readable (16 symbols, ≥ 60 bits), and stored only as a keyed hash; its event and notice carry no pass (STORE-01, STORE-06, BIND-02, LOG-01)", async () => {
    const setup = await enrolled();
    const { mfa, clock, store, events, outbox } = setup;
    const mark = since(setup.outbox, setup.events);
    const issued = await mfa.admin.issueTemporaryAccessPass({ userId: USER });
    expect(issued.pass).toMatch(/^[2-9a-hjkmnp-z]{4}(-[2-9a-hjkmnp-z]{4}){3}$/);
    expect(16 * Math.log2(31)).toBeGreaterThan(60);
    expect(issued).toMatchObject({ oneTime: true, startsAt: clock.now() });
    expect(issued.expiresAt).toBe(clock.now() + 60 * MINUTE); // the default lifetime
    const plain = issued.pass.replaceAll("-", "");
    for (const text of [
      await dump(store),
      JSON.stringify(events),
      JSON.stringify(outbox.messages),
    ]) {
      expect(text).not.toContain(plain);
      expect(text).not.toContain(issued.pass);
    }
    // The admin sees its state, never the pass.
    const info = await mfa.admin.temporaryAccessPass(USER);
    expect(info).toMatchObject({ id: issued.id, state: "active", usedAt: null });
    expect(JSON.stringify(info)).not.toContain(plain);
    expect(mark.events().map((e) => e.type)).toEqual(
      expect.arrayContaining(["tap.issued", "notice.sent"]),
    );
    expect(mark.events().some((e) => e.type === "factor.added")).toBe(false);
    const told = mark.messages().map((m) => (m as { to: string }).to);
    expect(told).toEqual(expect.arrayContaining([PHONE, EMAIL]));
    expect(JSON.stringify(mark.messages())).toMatch(/Temporary Access Pass/);
    // Two passes are never the same.
    const again = await mfa.admin.issueTemporaryAccessPass({ userId: USER });
    expect(again.pass).not.toBe(issued.pass);
  });

  it("the lifetime is within Entra's 10 minutes to 30 days, or the policy's narrower range: anything else is invalid_input, changes nothing and sends nothing (REL-07)", async () => {
    const setup = await enrolled({
      temporaryAccessPass: { enabled: true, maxLifetimeMinutes: 480 },
    });
    const { mfa, store, clock } = setup;
    const before = await dump(store);
    const mark = since(setup.outbox, setup.events);
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ lifetimeMinutes: 9 }, "lifetimeMinutes"],
      [{ lifetimeMinutes: 481 }, "lifetimeMinutes"],
      [{ lifetimeMinutes: 43_201 }, "lifetimeMinutes"],
      [{ lifetimeMinutes: 0 }, "lifetimeMinutes"],
      [{ lifetimeMinutes: 60.5 }, "lifetimeMinutes"],
      [{ lifetimeMinutes: "60" }, "lifetimeMinutes"],
      [{ lifetimeMinutes: Number.NaN }, "lifetimeMinutes"],
      [{ oneTime: "yes" }, "oneTime"],
      [{ startsAt: clock.now() - 10 * MINUTE }, "startsAt"],
      [{ startsAt: clock.now() + 31 * 86_400_000 }, "startsAt"],
      [{ startsAt: "tomorrow" }, "startsAt"],
    ];
    for (const [input, field] of bad) {
      const error = await mfa.admin
        .issueTemporaryAccessPass({ userId: USER, ...input } as never)
        .catch((e: unknown) => e);
      expect(isMfaError(error, "invalid_input"), JSON.stringify(input)).toBe(true);
      expect((error as { data: { field: string } }).data.field).toBe(field);
    }
    for (const userId of ["", "x".repeat(1_000_000), "\ud800", 42]) {
      const error = await (async () => mfa.admin.issueTemporaryAccessPass({ userId } as never))()
        .then(() => null)
        .catch((e: unknown) => e);
      expect(isMfaError(error)).toBe(true);
    }
    expect(await dump(store)).toBe(before);
    expect(mark.messages()).toEqual([]);
    expect(mark.events()).toEqual([]);
    // The bounds themselves are accepted.
    for (const lifetimeMinutes of [10, 480]) {
      const ok = await mfa.admin.issueTemporaryAccessPass({ userId: USER, lifetimeMinutes });
      expect(ok.expiresAt - ok.startsAt).toBe(lifetimeMinutes * MINUTE);
    }
  });

  it("is refused when the policy leaves Temporary Access Passes off (the default), and the policy's range is checked once at construction", async () => {
    const { mfa } = seedSetup({ policy: { ...policy, temporaryAccessPass: undefined } });
    const error = await mfa.admin
      .issueTemporaryAccessPass({ userId: USER })
      .catch((e: unknown) => e);
    expect(isMfaError(error, "invalid_input")).toBe(true);
    expect(() =>
      seedSetup({
        policy: { ...policy, temporaryAccessPass: { enabled: true, maxLifetimeMinutes: 43_201 } },
      }),
    ).toThrow(/temporaryAccessPass/);
    expect(() =>
      seedSetup({
        policy: { ...policy, temporaryAccessPass: { enabled: true, maxLifetimeMinutes: 30 } },
      }),
    ).toThrow(/temporaryAccessPass/);
  });
});

describe("signing in with a Temporary Access Pass", () => {
  it("a one-time pass signs in once: the answer carries the session's via; a second use is refused; the user is told, without the pass (LIFE-03, BIND-02)", async () => {
    const setup = await enrolled();
    const { mfa, events, outbox } = setup;
    const issued = await mfa.admin.issueTemporaryAccessPass({ userId: USER });
    const mark = since(setup.outbox, setup.events);
    // Typed the way people type: spaces, capitals.
    const typed = issued.pass.replaceAll("-", " ").toUpperCase();
    const first = await mfa.challenge.verifyTemporaryAccessPass({ userId: USER, pass: typed });
    expect(first).toEqual({
      ok: true,
      method: "temporary-access-pass",
      expiresAt: issued.expiresAt,
      via: { method: "temporary-access-pass", passId: issued.id },
    });
    expect(
      await mfa.challenge.verifyTemporaryAccessPass({ userId: USER, pass: issued.pass }),
    ).toEqual({ ok: false, reason: "replayed" });
    expect(mark.events().filter((e) => e.type === "tap.used")).toHaveLength(1);
    const told = mark.messages();
    expect(told.length).toBeGreaterThan(0);
    expect(JSON.stringify(told)).toMatch(/was used to sign in/);
    expect(JSON.stringify([events, outbox.messages])).not.toContain(
      issued.pass.replaceAll("-", ""),
    );
    expect((await mfa.admin.temporaryAccessPass(USER))?.state).toBe("used");
  });

  it("a multi-use pass signs in until it expires; an expired pass is a typed failure, and its expiry an event emitted once (LIFE-01, LOG-01)", async () => {
    const setup = await enrolled();
    const { mfa, clock, events } = setup;
    const issued = await mfa.admin.issueTemporaryAccessPass({
      userId: USER,
      oneTime: false,
      lifetimeMinutes: 10,
    });
    for (let i = 0; i < 3; i++) {
      const r = await mfa.challenge.verifyTemporaryAccessPass({ userId: USER, pass: issued.pass });
      expect(r.ok).toBe(true);
      clock.advance(MINUTE);
    }
    clock.advance(7 * MINUTE - 1);
    expect(
      (await mfa.challenge.verifyTemporaryAccessPass({ userId: USER, pass: issued.pass })).ok,
    ).toBe(true);
    clock.advance(1);
    for (let i = 0; i < 2; i++) {
      expect(
        await mfa.challenge.verifyTemporaryAccessPass({ userId: USER, pass: issued.pass }),
      ).toEqual({ ok: false, reason: "expired" });
    }
    expect(events.filter((e) => e.type === "tap.expired")).toEqual([
      expect.objectContaining({ passId: issued.id }),
    ]);
    expect((await mfa.admin.temporaryAccessPass(USER))?.state).toBe("expired");
  });

  it("a pass that starts later is not valid before its start; its lifetime runs from the start", async () => {
    const { mfa, clock } = await enrolled();
    const startsAt = clock.now() + 120 * MINUTE;
    const issued = await mfa.admin.issueTemporaryAccessPass({ userId: USER, startsAt });
    expect(issued.expiresAt).toBe(startsAt + 60 * MINUTE);
    expect(
      await mfa.challenge.verifyTemporaryAccessPass({ userId: USER, pass: issued.pass }),
    ).toEqual({ ok: false, reason: "not_yet_valid", startsAt });
    clock.advance(120 * MINUTE);
    expect(
      (await mfa.challenge.verifyTemporaryAccessPass({ userId: USER, pass: issued.pass })).ok,
    ).toBe(true);
  });

  it("a new pass replaces the old; a revoked pass signs in no more; both are events (BIND-08)", async () => {
    const setup = await enrolled();
    const { mfa, events } = setup;
    const old = await mfa.admin.issueTemporaryAccessPass({ userId: USER });
    const fresh = await mfa.admin.issueTemporaryAccessPass({ userId: USER });
    expect(
      await mfa.challenge.verifyTemporaryAccessPass({ userId: USER, pass: old.pass }),
    ).toMatchObject({ ok: false, reason: "code_mismatch" });
    expect(await mfa.admin.revokeTemporaryAccessPass(USER)).toBe(true);
    expect(await mfa.admin.revokeTemporaryAccessPass(USER)).toBe(false);
    expect(
      await mfa.challenge.verifyTemporaryAccessPass({ userId: USER, pass: fresh.pass }),
    ).toMatchObject({ ok: false, reason: "code_mismatch" });
    expect(await mfa.admin.temporaryAccessPass(USER)).toBeNull();
    expect(
      events.filter((e) => e.type === "tap.revoked").map((e) => (e as { reason: string }).reason),
    ).toEqual(["replaced", "revoked"]);
  });

  it("bad input is a typed error before anything is read: 1 MB, emoji, lone surrogates, wrong types; nothing changes, nothing is sent (REL-07)", async () => {
    const setup = await enrolled();
    const { mfa, store } = setup;
    await mfa.admin.issueTemporaryAccessPass({ userId: USER });
    const before = await dump(store);
    const mark = since(setup.outbox, setup.events);
    const bad: unknown[] = [
      "",
      "x".repeat(1_000_000),
      "😀😀😀😀-😀😀😀😀-😀😀😀😀-😀😀😀😀",
      "\ud800bcd-efgh-jkmn-pqrs",
      "0o1i-lbcd-efgh-jkmn", // the misreadable symbols are not in the alphabet
      "abcd-efgh-jkmn-pqr",
      42,
      null,
      { pass: "abcd" },
      ["abcd-efgh-jkmn-pqrs"],
    ];
    for (const pass of bad) {
      const error = await mfa.challenge
        .verifyTemporaryAccessPass({ userId: USER, pass: pass as string })
        .catch((e: unknown) => e);
      expect(isMfaError(error, "invalid_input"), String(pass).slice(0, 20)).toBe(true);
      expect((error as { data: { field: string } }).data.field).toBe("pass");
    }
    const badIp = await mfa.challenge
      .verifyTemporaryAccessPass({ userId: USER, pass: "abcd-efgh-jkmn-pqrs", ip: "not an ip" })
      .catch((e: unknown) => e);
    expect(isMfaError(badIp)).toBe(true);
    expect(await dump(store)).toBe(before);
    expect(mark.messages()).toEqual([]);
    expect(mark.events()).toEqual([]);
  });

  it("a stranger's burst of wrong passes from one network never locks the owner out (RATE-05, RATE-08)", async () => {
    const { mfa, clock } = await enrolled();
    const issued = await mfa.admin.issueTemporaryAccessPass({ userId: USER, lifetimeMinutes: 600 });
    const burst = await Promise.all(
      Array.from({ length: 100 }, () =>
        mfa.challenge.verifyTemporaryAccessPass({
          userId: USER,
          pass: "abcd-efgh-jkmn-pqrs",
          ip: "203.0.113.9",
        }),
      ),
    );
    expect(burst.every((r) => !r.ok)).toBe(true);
    expect(burst.some((r) => !r.ok && r.reason === "factor_disabled")).toBe(false);
    // Far fewer compared than sent: the throttle's delay holds under parallel guesses.
    expect(burst.filter((r) => !r.ok && r.reason === "code_mismatch").length).toBeLessThan(20);
    expect(
      (
        await mfa.challenge.verifyTemporaryAccessPass({
          userId: USER,
          pass: issued.pass,
          ip: "198.51.100.7",
        })
      ).ok,
    ).toBe(true);
    clock.advance(1000);
  });
});

describe("a Temporary Access Pass session registers factors, and nothing else", () => {
  /** A user who lost every factor (an admin reset them) and signs in with a pass. */
  async function lostEverything() {
    const setup = await enrolled();
    const { mfa, clock } = setup;
    await mfa.admin.requireReregistration(USER);
    const issued = await mfa.admin.issueTemporaryAccessPass({ userId: USER });
    const result = await mfa.challenge.verifyTemporaryAccessPass({
      userId: USER,
      pass: issued.pass,
    });
    if (!result.ok) throw new Error(`pass refused: ${result.reason}`);
    const passSession = (): Session => ({
      userId: USER,
      authenticatedAt: clock.now(),
      via: result.via,
    });
    return { ...setup, issued, passSession };
  }

  it("the wizard registers a new phone with it (the step-up), and offers no app password (BIND-01, BIND-09)", async () => {
    const setup = await lostEverything();
    const { mfa, outbox, passSession } = setup;
    const before = await mfa.securityInfo.list(passSession());
    expect(before.factors.filter((f) => f.role === "mfa")).toEqual([]);
    const mark = since(setup.outbox, setup.events);
    let view = await phoneThroughWizard(
      mfa,
      outbox,
      passSession,
      await mfa.enrolment.start(passSession()),
    );
    expect(view.step).not.toBe("app-password");
    expect(view.step).toBe("finish");
    view = await mfa.enrolment.submit(view.id, { step: "finish", action: "finish" }, passSession());
    expect(view.step).toBe("done");
    const after = await mfa.securityInfo.list(passSession());
    expect(after.factors.map((f) => f.kind)).toContain("authentication-phone");
    expect(after.appPasswords).toHaveLength(before.appPasswords.length);
    expect(mark.events().some((e) => e.type === "app_password.created")).toBe(false);
    expect(mark.events().filter((e) => e.type === "factor.added")).toEqual([
      expect.objectContaining({ method: "authentication-phone" }),
    ]);
  });

  it("Security info's add works with it; replace and remove are refused with a typed error (BIND-01)", async () => {
    const { mfa, outbox, passSession, store } = await lostEverything();
    const add = await mfa.securityInfo.add(passSession(), "authentication-phone");
    const view = await mfa.enrolment.submit(
      expectStep(add, "mfa-method").id,
      {
        step: "mfa-method",
        method: "authentication-phone",
        number: "07400 123456",
        country: "GB",
        delivery: "sms",
      },
      passSession(),
    );
    const done = await mfa.enrolment.submit(
      view.id,
      { step: "verify-code", code: outbox.lastCode(PHONE) },
      passSession(),
    );
    expectStep(done, "finish");
    const before = await dump(store);
    for (const refused of [
      () => mfa.securityInfo.replace(passSession(), "authentication-phone"),
      () => mfa.securityInfo.remove(passSession(), "authentication-phone"),
    ]) {
      const error = await refused().catch((e: unknown) => e);
      expect(isMfaError(error, "reauthentication_required")).toBe(true);
      expect((error as { data: { reason: string } }).data.reason).toBe("temporary_access_pass");
    }
    expect(await dump(store)).toBe(before);
  });

  it("revoking, replacing or outliving the pass ends its sessions at once (BIND-08)", async () => {
    for (const end of ["revoke", "replace", "expire"] as const) {
      const { mfa, clock, passSession, store } = await lostEverything();
      const view = await mfa.enrolment.start(passSession());
      if (end === "revoke") await mfa.admin.revokeTemporaryAccessPass(USER);
      if (end === "replace") await mfa.admin.issueTemporaryAccessPass({ userId: USER });
      if (end === "expire") clock.advance(60 * MINUTE);
      const before = await dump(store);
      for (const attempt of [
        () => mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, passSession()),
        () => mfa.securityInfo.add(passSession(), "authenticator-app"),
        () => mfa.enrolment.start(passSession()),
      ]) {
        const error = await attempt().catch((e: unknown) => e);
        expect(isMfaError(error, "reauthentication_required"), end).toBe(true);
        expect((error as { data: { reason: string } }).data.reason).toBe(
          "temporary_access_pass_ended",
        );
      }
      expect(await dump(store)).toBe(before);
    }
  });

  it("a session naming another pass, or a malformed via, is refused (BIND-01)", async () => {
    const { mfa, clock } = await lostEverything();
    const forged = {
      userId: USER,
      authenticatedAt: clock.now(),
      via: { method: "temporary-access-pass" as const, passId: `tap_${"A".repeat(22)}` },
    };
    const error = await mfa.securityInfo.add(forged, "authenticator-app").catch((e: unknown) => e);
    expect(isMfaError(error, "reauthentication_required")).toBe(true);
    for (const via of [{ method: "password" }, { method: "temporary-access-pass", passId: 1 }, 7]) {
      const bad = await mfa.securityInfo
        .add({ userId: USER, authenticatedAt: clock.now(), via } as never, "authenticator-app")
        .catch((e: unknown) => e);
      expect(isMfaError(bad, "invalid_input")).toBe(true);
    }
  });

  it("the step-up window still runs from the pass's sign-in (BIND-01)", async () => {
    const { mfa, clock, passSession } = await lostEverything();
    const signedIn = clock.now();
    clock.advance(11 * MINUTE);
    const error = await mfa.securityInfo
      .add({ ...passSession(), authenticatedAt: signedIn }, "authenticator-app")
      .catch((e: unknown) => e);
    expect(isMfaError(error, "reauthentication_required")).toBe(true);
  });
});
