/**
 * The shape proof (issue 10): a new factor kind is ONE module, given to `createMfa({ factors })`,
 * with no core file edited. The module below (a toy "hardware token" that shows a static code) is
 * defined here, in the test only; everything else — the policy offering it, the wizard and
 * Security info setting it up, the sign-in challenge checking it, `required()`, admin's lists and
 * report, the gate's step-up, notice and event — is core's own code, reached through the registry.
 */

import {
  type Binding,
  type CheckFailure,
  createKeyring,
  type FactorModule,
  isMfaError,
  type Keyring,
  MfaError,
  type MfaEvent,
  type Registration,
} from "@mfakit/core";
import { userKey } from "@mfakit/core/adapter";
import { keyedHash, randomId, verifyKeyedHash } from "@mfakit/core/crypto";
import { describe, expect, it } from "vitest";
import { expectStep, KEY, phoneThroughWizard, seedSetup, since } from "./support/seed-setup.ts";

/** A token as the module keeps it in the registration's `factorData` (a keyed hash, no code). */
interface HeldToken {
  readonly id: string;
  readonly serial: string;
  readonly code: { readonly keyId: string; readonly digest: string };
  readonly at: number;
}

/**
 * The kind. An app declares it in `FactorKinds` by merging (`declare module "@mfakit/core" {
 * interface FactorKinds { "hardware-token": { role: "mfa"; setup: "ceremony"; binding: …;
 * setupView: …; signIn: … } } }`, see docs/architecture.md). Here that would retype every test of
 * the program (the passkey tests' ceremony views become a union to narrow), so the test types it
 * as `never` and casts its module's answers.
 */
const KIND = "hardware-token" as never;

/** What the toy's confirmed setup proves: the serial and a keyed hash of its code. */
interface TokenBinding {
  readonly kind: typeof KIND;
  readonly serial: string;
  readonly code: { readonly keyId: string; readonly digest: string };
}
const SERIAL = /^HT-\d{4}$/;
const CODE = /^\d{6}$/;
const SIGNIN_TTL_MS = 120_000;

const tokensOf = (reg: Registration): HeldToken[] =>
  ((reg.factorData?.[KIND] ?? []) as unknown as HeldToken[]).slice();
const withTokens = (reg: Registration, tokens: HeldToken[]): Registration => ({
  ...reg,
  factorData: { ...(reg.factorData ?? {}), [KIND]: tokens as never },
});

/** A malformed answer: a typed error, so the unit is not committed and nothing changes. */
const malformed = (field: string) => new MfaError("invalid_input", { data: { field } });

/**
 * The toy module: a token with a printed serial that always shows the same 6-digit code. Set up by
 * typing both; checked at sign-in by typing the code for a challenge it wrote in the user's
 * document (single use: taken by the unit that checks it).
 */
function hardwareToken(keyring: Keyring): FactorModule {
  const hash = (serial: string, code: string) =>
    keyedHash(keyring, "lookup-hmac", ["hardware-token", serial, code]);
  return {
    kind: KIND,
    role: "mfa",
    notice: KIND,
    noticeName: { en: "hardware token", de: "Hardware-Token" },
    setup: "ceremony",
    list: (reg) =>
      tokensOf(reg).map((t) => ({
        id: t.id,
        kind: KIND,
        role: "mfa",
        display: reg.names?.[t.id] ?? `Token ${t.serial}`,
        name: reg.names?.[t.id] ?? null,
        verifiedAt: t.at,
        preferred: reg.preferred === t.id,
      })),
    remove(reg, id) {
      const held = tokensOf(reg);
      if (!held.some((t) => t.id === id)) return { registration: reg, removed: false };
      return {
        registration: withTokens(
          reg,
          held.filter((t) => t.id !== id),
        ),
        removed: true,
      };
    },
    bind(reg, given: Binding, now) {
      if (given.kind !== KIND) return reg;
      const binding = given as unknown as TokenBinding;
      const rest = tokensOf(reg).filter((t) => t.serial !== binding.serial);
      const token = { id: `ht_${binding.serial}`, serial: binding.serial, code: binding.code };
      return withTokens(reg, [...rest, { ...token, at: now }]);
    },
    ceremony: {
      beginSetup: async () => ({ started: true }),
      setupView: async () =>
        ({ kind: KIND, prompt: "Type the serial and the code on your token" }) as never,
      async confirmSetup(_deps, { answer }) {
        const { serial, code } = (answer ?? {}) as { serial?: unknown; code?: unknown };
        if (typeof serial !== "string" || !SERIAL.test(serial)) throw malformed("serial");
        if (typeof code !== "string" || !CODE.test(code)) throw malformed("code");
        // The toy's "vendor": every token's code is its serial's digits, twice from the middle.
        if (code !== vendorCode(serial))
          return { ok: false, reason: "code_mismatch", attemptsLeft: 1 } satisfies CheckFailure;
        const binding: TokenBinding = { kind: KIND, serial, code: hash(serial, code) };
        return { ok: true, binding: binding as never };
      },
      async beginSignIn(deps, { userId, reg }) {
        if (tokensOf(reg).length === 0)
          throw new MfaError("factor_not_found", { data: { method: KIND } });
        const challengeId = randomId("htc_");
        await deps.store.put(userKey(userId, "ht-signin", challengeId), { at: 0 } as never, {
          ttlMs: SIGNIN_TTL_MS,
        });
        return { challengeId, expiresInSeconds: SIGNIN_TTL_MS / 1000 } as never;
      },
      async verifySignIn(deps, { userId, reg, challengeId, response }) {
        const code = (response as { code?: unknown } | null)?.code;
        if (typeof challengeId !== "string" || challengeId.length > 64)
          throw malformed("challengeId");
        if (typeof code !== "string" || !CODE.test(code)) throw malformed("code");
        // Taken, not read: of parallel answers to one challenge, one finds it.
        if (!(await deps.store.take(userKey(userId, "ht-signin", challengeId))))
          return { ok: false, reason: "not_found" };
        const token = tokensOf(reg).find((t) =>
          verifyKeyedHash(keyring, "lookup-hmac", ["hardware-token", t.serial, code], t.code),
        );
        return token
          ? { factorId: token.id }
          : { ok: false, reason: "code_mismatch", attemptsLeft: 0 };
      },
    },
  };
}

/** The toy vendor's code of a serial (`HT-1234` → `234234`). */
const vendorCode = (serial: string) => serial.slice(-3).repeat(2);

const USER = "ht-user@contoso.com";

/** An SDK offering the phone and the hardware token, phones from GB, nothing for recovery. */
function tokenSetup(
  policy: { methods?: string[]; required?: number } = {},
  limits?: NonNullable<Parameters<typeof seedSetup>[0]>["limits"],
) {
  const keyring = createKeyring({ current: "k1", keys: { k1: KEY } });
  const setup = seedSetup({
    ...(limits ? { limits } : {}),
    factors: [hardwareToken(keyring)],
    policy: {
      mfa: {
        methods: (policy.methods ?? ["authentication-phone", KIND]) as never,
        required: policy.required ?? 1,
      },
      recovery: { methods: [], required: 0 },
      phone: { allowedCountries: ["GB"] },
    },
    webauthn: null,
  });
  const session = () => ({ userId: USER, authenticatedAt: setup.clock.now() });
  return { ...setup, session };
}

/** Adds the token `serial` through Security info: the view after its answer. */
async function addToken(
  s: ReturnType<typeof tokenSetup>,
  serial: string,
  code = vendorCode(serial),
) {
  let view = await s.mfa.securityInfo.add(s.session(), KIND);
  view = await s.mfa.enrolment.submit(
    view.id,
    { step: "mfa-method", method: KIND, name: "Desk token" },
    s.session(),
  );
  const setupView = expectStep(view, "factor-setup");
  expect(setupView.kind).toBe(KIND);
  expect(setupView.ceremony).toEqual({ kind: KIND, prompt: expect.any(String) });
  return s.mfa.enrolment.submit(
    view.id,
    { step: "factor-setup", answer: { serial, code } },
    s.session(),
  );
}

const typed = <T extends MfaEvent["type"]>(events: MfaEvent[], type: T) =>
  events.filter((e): e is Extract<MfaEvent, { type: T }> => e.type === type);

describe("a factor module from outside core, with no core file edited (issue 10's shape)", () => {
  it("BIND-02, BIND-03: added through Security info, it is listed everywhere and the earlier phone is told", async () => {
    const s = tokenSetup();
    await phoneThroughWizard(s.mfa, s.outbox, s.session, await s.mfa.enrolment.start(s.session()));
    s.clock.advance(31_000);
    const mark = since(s.outbox, s.events);

    expect((await s.mfa.securityInfo.list(s.session())).canAdd).toContain(KIND);
    const view = await addToken(s, "HT-1001");
    expectStep(view, "finish");

    const listed = (await s.mfa.securityInfo.list(s.session())).factors;
    expect(listed.map((f) => f.kind)).toEqual(["authentication-phone", KIND]);
    expect(listed[1]).toMatchObject({ id: "ht_HT-1001", role: "mfa", display: "Token HT-1001" });
    expect((await s.mfa.admin.listMethods(USER)).factors.map((f) => f.kind)).toContain(KIND);
    // The gate's event and the notice, to the channel held before the change, in its words.
    expect(typed(mark.events(), "factor.added").map((e) => e.method)).toEqual([KIND]);
    const notices = mark.messages().filter((m) => m.to === "+447400123456");
    expect(notices).toHaveLength(1);
    expect(JSON.stringify(notices[0])).toContain("hardware token");
    // No secret in any event or message: the code typed is nowhere.
    expect(JSON.stringify([mark.events(), mark.messages()])).not.toContain(vendorCode("HT-1001"));
  });

  it("set up in the wizard as the only MFA method: required() and the registration report count it", async () => {
    const s = tokenSetup({ methods: [KIND, "authenticator-app"] });
    expect((await s.mfa.required(USER)).missingMfa).toBe(1);
    let view = await s.mfa.enrolment.start(s.session());
    view = await s.mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, s.session());
    expect(expectStep(view, "mfa-method").methods).toEqual([KIND, "authenticator-app"]);
    view = await s.mfa.enrolment.submit(view.id, { step: "mfa-method", method: KIND }, s.session());
    expectStep(view, "factor-setup");
    // A wrong code is the step's notice (an expected outcome), and the token is not bound.
    view = await s.mfa.enrolment.submit(
      view.id,
      { step: "factor-setup", answer: { serial: "HT-2002", code: "000000" } },
      s.session(),
    );
    expect(expectStep(view, "factor-setup").notice).not.toBeNull();
    expect((await s.mfa.required(USER)).missingMfa).toBe(1);
    view = await s.mfa.enrolment.submit(
      view.id,
      { step: "factor-setup", answer: { serial: "HT-2002", code: vendorCode("HT-2002") } },
      s.session(),
    );
    expectStep(view, "finish");
    expect(await s.mfa.required(USER)).toMatchObject({ missingMfa: 0, status: "none" });
    const report = await s.mfa.admin.registrationReport();
    expect(report.mfa).toMatchObject({ [KIND]: 1, "authenticator-app": 0 });
  });

  it("checked at sign-in through challenge.begin / verify with its kind: once per challenge, failures as values, audited", async () => {
    const s = tokenSetup();
    await phoneThroughWizard(s.mfa, s.outbox, s.session, await s.mfa.enrolment.start(s.session()));
    await addToken(s, "HT-3003");
    const options = await s.mfa.challenge.options(USER);
    expect(options.map((o) => o.method)).toEqual(["authentication-phone", KIND]);
    const mark = since(s.outbox, s.events);

    const wrong = await s.mfa.challenge.begin({ userId: USER, kind: KIND });
    expect(wrong).toMatchObject({ ok: true, expiresInSeconds: 120 });
    expect(
      await s.mfa.challenge.verify({
        userId: USER,
        kind: KIND,
        challengeId: wrong.challengeId,
        response: { code: "111111" },
      }),
    ).toMatchObject({ ok: false, reason: "code_mismatch" });

    const right = await s.mfa.challenge.begin({ userId: USER, kind: KIND });
    const answer = {
      userId: USER,
      kind: KIND,
      challengeId: right.challengeId,
      response: { code: vendorCode("HT-3003") },
    } as const;
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => s.mfa.challenge.verify(answer)));
    expect(results.filter((r) => r.ok)).toEqual([{ ok: true, method: KIND }]);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === "not_found")).toBe(true);

    expect(typed(mark.events(), "factor.verified")).toEqual([
      expect.objectContaining({ userId: USER, method: KIND, factorId: "ht_HT-3003" }),
    ]);
    expect(typed(mark.events(), "factor.rejected").map((e) => e.reason)).toContain("code_mismatch");
    // Malformed input is a typed error that changes nothing: the challenge is still there.
    const kept = await s.mfa.challenge.begin({ userId: USER, kind: KIND });
    const bad = await s.mfa.challenge
      .verify({ ...answer, challengeId: kept.challengeId, response: { code: "12" } })
      .catch((e: unknown) => e);
    expect(isMfaError(bad, "invalid_input")).toBe(true);
    expect(
      await s.mfa.challenge.verify({ ...answer, challengeId: kept.challengeId }),
    ).toMatchObject({ ok: true, method: KIND });
  });

  it("RATE-02, RATE-04, REL-02: its wrong sign-in answers go through the failure cap like codes: parallel guesses wait their turn, then the kind is disabled and no longer offered", async () => {
    const s = tokenSetup(
      {},
      { delayAfterFailures: 10, maxConsecutiveFailures: 20, maxDelaySeconds: 30 },
    );
    await phoneThroughWizard(s.mfa, s.outbox, s.session, await s.mfa.enrolment.start(s.session()));
    await addToken(s, "HT-4004");
    const begin = async () =>
      (await s.mfa.challenge.begin({ userId: USER, kind: KIND })).challengeId;
    const answer = (challengeId: string, code: string) =>
      s.mfa.challenge.verify({ userId: USER, kind: KIND, challengeId, response: { code } });
    const guess = async (code: string) => answer(await begin(), code);
    // 40 wrong answers at once (each to its own challenge): no more compared than the delay
    // allows in a row; the rest wait their turn.
    const challenges: string[] = [];
    for (let i = 0; i < 40; i++) challenges.push(await begin());
    const burst = await Promise.all(challenges.map((id) => answer(id, "111111")));
    const compared = burst.filter((r) => !r.ok && r.reason === "code_mismatch").length;
    expect(compared).toBeGreaterThan(0);
    expect(compared).toBeLessThanOrEqual(10);
    expect(burst.every((r) => !r.ok && ["code_mismatch", "factor_locked"].includes(r.reason))).toBe(
      true,
    );
    // Past the cap the kind is disabled: even the right code is refused, and it is not offered.
    for (let i = 0; i < 40; i++) {
      s.clock.advance(31_000);
      const r = await guess("111111");
      if (!r.ok && r.reason === "factor_disabled") break;
    }
    expect(await guess(vendorCode("HT-4004"))).toMatchObject({
      ok: false,
      reason: "factor_disabled",
    });
    expect((await s.mfa.challenge.options(USER)).map((o) => o.method)).toEqual([
      "authentication-phone",
    ]);
  });

  it("BIND-01: adding, answering and removing it need a recent sign-in; removal is told and audited", async () => {
    const s = tokenSetup();
    await phoneThroughWizard(s.mfa, s.outbox, s.session, await s.mfa.enrolment.start(s.session()));
    const stale = () => ({ userId: USER, authenticatedAt: s.clock.now() - 3_600_000 });
    const refused = await s.mfa.securityInfo.add(stale(), KIND).catch((e: unknown) => e);
    expect(isMfaError(refused, "reauthentication_required")).toBe(true);
    const view = await s.mfa.securityInfo.add(s.session(), KIND);
    const answer = await s.mfa.enrolment
      .submit(view.id, { step: "mfa-method", method: KIND }, stale())
      .catch((e: unknown) => e);
    expect(isMfaError(answer, "reauthentication_required")).toBe(true);

    await addToken(s, "HT-4004");
    s.clock.advance(31_000);
    const mark = since(s.outbox, s.events);
    const staleRemove = await s.mfa.securityInfo
      .remove(stale(), "ht_HT-4004")
      .catch((e: unknown) => e);
    expect(isMfaError(staleRemove, "reauthentication_required")).toBe(true);
    await s.mfa.securityInfo.remove(s.session(), "ht_HT-4004");
    expect((await s.mfa.securityInfo.list(s.session())).factors.map((f) => f.kind)).toEqual([
      "authentication-phone",
    ]);
    expect(typed(mark.events(), "factor.removed").map((e) => e.method)).toEqual([KIND]);
    expect(JSON.stringify(mark.messages())).toContain("hardware token");
  });

  it("STYLE 7: modules are checked at construction with the policy, every problem in one error", () => {
    const keyring = createKeyring({ current: "k1", keys: { k1: KEY } });
    const clash = { ...hardwareToken(keyring), kind: "passkey" } as unknown as FactorModule;
    const noCeremony = { ...hardwareToken(keyring), kind: "badge", ceremony: undefined };
    const build = (factors: FactorModule[], methods: string[]) => () =>
      seedSetup({
        factors,
        policy: { mfa: { methods: methods as never }, recovery: { methods: [] } },
        webauthn: null,
      });
    const error = (() => {
      try {
        build([clash, noCeremony as unknown as FactorModule], ["authenticator-app"])();
      } catch (e) {
        return e;
      }
    })();
    expect(isMfaError(error, "config_invalid")).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('factors[0].kind: "passkey" is already registered');
    expect(message).toContain("factors[1].setup");
    // A policy cannot offer a kind no module gives.
    expect(build([], [KIND])).toThrow(/policy\.mfa\.methods/);
    expect(build([hardwareToken(keyring)], [KIND])).not.toThrow();
  });
});
