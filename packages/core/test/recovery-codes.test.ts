/**
 * Recovery codes: made in the wizard's step after the first MFA method and in Security info,
 * shown once, stored as keyed hashes only, single use at the sign-in challenge, throttled (never a
 * lockout) when wrong, replaced whole by a new set, and gone with the user's last MFA method. A
 * backup: never counted toward the policy's MFA requirement.
 */
import { createKeyring, isMfaError, type MfaEvent, type PolicyInput } from "@mfakit/core";
import { webCryptoRandom } from "@mfakit/core/adapter";
import { describe, expect, it } from "vitest";
import { newRecoveryCode, RECOVERY_CODE_ALPHABET } from "../src/recovery-codes/code-format.ts";
import { recoveryCodes } from "../src/recovery-codes/recovery-codes.ts";
import {
  addRecoveryEmail,
  expectStep,
  KEY,
  phoneThroughWizard,
  seedSetup,
} from "./support/seed-setup.ts";

const USER = "rae@contoso.com";
const PHONE = "+447400123456";
const EMAIL = "rae.personal@example.org";
const STALE_MS = 11 * 60 * 1000;
const SHAPE = /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/;

const policy = (extra: Partial<PolicyInput> = {}): PolicyInput => ({
  mfa: { methods: ["authentication-phone", "authenticator-app"], required: 1 },
  recovery: { methods: ["email", "phone"], required: 0 },
  appPasswords: { enabled: false },
  phone: { allowedCountries: ["GB"] },
  recoveryCodes: { enabled: true },
  ...extra,
});

/** A fresh SDK, and the view after a phone was verified in the wizard. */
async function phoneVerified(extra: Partial<PolicyInput> = {}, limits = {}) {
  const setup = seedSetup({ policy: policy(extra), limits });
  const { mfa, outbox, clock } = setup;
  const session = () => ({ userId: USER, authenticatedAt: clock.now() });
  const start = await mfa.enrolment.start(session());
  return { ...setup, session, view: await phoneThroughWizard(mfa, outbox, session, start) };
}

/** A user through the wizard: phone, the recovery-codes step (codes kept), finish; then an email. */
async function enrolled(extra: Partial<PolicyInput> = {}, limits = {}) {
  const setup = await phoneVerified(extra, limits);
  const { mfa, outbox, clock, session } = setup;
  const step = expectStep(setup.view, "recovery-codes");
  const codes = [...(step.codes ?? [])];
  let view = await mfa.enrolment.submit(
    step.id,
    { step: "recovery-codes", action: "done" },
    session(),
  );
  view = await mfa.enrolment.submit(view.id, { step: "finish", action: "finish" }, session());
  expectStep(view, "done");
  clock.advance(31_000);
  await addRecoveryEmail(mfa, outbox, session, EMAIL);
  clock.advance(31_000);
  return { ...setup, session, codes, enrolmentId: step.id };
}

/** Messages and events after a mark. */
function since(setup: { outbox: { messages: readonly unknown[] }; events: MfaEvent[] }) {
  const m = setup.outbox.messages.length;
  const e = setup.events.length;
  return {
    messages: () => setup.outbox.messages.slice(m) as Array<{ to: string; text?: string }>,
    /** Who was written to since the mark, sorted. */
    recipients: () =>
      (setup.outbox.messages.slice(m) as Array<{ to: string }>).map((x) => x.to).sort(),
    events: () => setup.events.slice(e),
  };
}

const snapshot = async (store: { list(p: string): Promise<{ items: readonly unknown[] }> }) =>
  JSON.stringify((await store.list("mfa:")).items);

describe("recovery codes: generation (GEN-*)", () => {
  it("the wizard's step after the first MFA method shows 10 distinct codes of 50 bits, xxxxx-xxxxx, once (GEN-02, GEN-05)", async () => {
    const { mfa, codes, session, enrolmentId } = await enrolled();
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(SHAPE);
    expect(new Set(codes).size).toBe(10);
    // 10 symbols of a 32-symbol alphabet: 50 bits each.
    expect(RECOVERY_CODE_ALPHABET).toHaveLength(32);
    expect(new Set(RECOVERY_CODE_ALPHABET).size).toBe(32);
    expect(10 * Math.log2(RECOVERY_CODE_ALPHABET.length)).toBeGreaterThanOrEqual(50);
    // Shown once: the enrolment's later views carry none.
    const later = await mfa.enrolment.get(enrolmentId, session());
    expect(JSON.stringify(later)).not.toContain(codes[0]);
  });

  it("symbols are uniform over the alphabet, no modulo bias (GEN-02, chi-square over 32,000 symbols)", () => {
    const counts = new Map<string, number>();
    const n = 3200;
    for (let i = 0; i < n; i++)
      for (const ch of newRecoveryCode(webCryptoRandom)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(32);
    const expected = (n * 10) / 32;
    let chi = 0;
    for (const c of counts.values()) chi += (c - expected) ** 2 / expected;
    // 31 degrees of freedom: p = 0.0001 at about 67.
    expect(chi).toBeLessThan(67);
  });

  it("the count is the policy's; a set is made only for a user who holds an MFA method", async () => {
    const { mfa, session } = await enrolled({ recoveryCodes: { enabled: true, count: 16 } });
    const made = await mfa.securityInfo.recoveryCodes.regenerate(session());
    expect(made.codes).toHaveLength(16);
    const fresh = seedSetup({ policy: policy() });
    const error = await fresh.mfa.securityInfo.recoveryCodes
      .regenerate({ userId: "new@contoso.com", authenticatedAt: fresh.clock.now() })
      .catch((e: unknown) => e);
    expect(isMfaError(error, "invalid_input")).toBe(true);
    expect((error as { data: { reason?: string } }).data.reason).toBe("no_mfa_method");
  });
});

describe("recovery codes: storage (STORE-02, STORE-06)", () => {
  it("the store holds keyed hashes only: no code, in any spelling, in the store, events or messages; the digest depends on the server key (STORE-02, STORE-06)", async () => {
    const { store, events, outbox, codes, mfa } = await enrolled();
    const first = codes[0] as string;
    await mfa.challenge.verifyRecoveryCode({ userId: USER, code: first });
    const dump = await snapshot(store);
    const everything = `${dump}${JSON.stringify(events)}${JSON.stringify(outbox.messages)}`;
    for (const code of codes) {
      expect(everything).not.toContain(code);
      expect(everything).not.toContain(code.replace("-", ""));
      expect(everything.toUpperCase()).not.toContain(code.replace("-", "").toUpperCase());
    }
    // The same code under another server key hashes to something else.
    const clock = { now: () => 0 };
    const digestUnder = async (key: string) => {
      const { memoryStore } = await import("@mfakit/core");
      const s = memoryStore({ clock });
      let seed = 0;
      const fixed = { bytes: (n: number) => Uint8Array.from({ length: n }, () => seed++ % 256) };
      const ring = createKeyring({ current: "k1", keys: { k1: key } });
      await recoveryCodes({ store: s, keyring: ring, clock, random: fixed }).generate("u", 5);
      return JSON.stringify((await s.list("mfa:")).items);
    };
    expect(await digestUnder(KEY)).not.toBe(await digestUnder("b".repeat(43)));
  });
});

describe("recovery codes: sign-in (LIFE-03, BIND-02, LOG-01)", () => {
  it("a code signs in once: the answer says how many are left; used again it is replayed; the others still work (LIFE-03)", async () => {
    const { mfa, codes } = await enrolled();
    const [a, b] = codes as [string, string];
    expect(await mfa.challenge.verifyRecoveryCode({ userId: USER, code: a })).toEqual({
      ok: true,
      method: "recovery-code",
      remaining: 9,
      fewLeft: false,
    });
    expect(await mfa.challenge.verifyRecoveryCode({ userId: USER, code: a })).toEqual({
      ok: false,
      reason: "replayed",
    });
    expect(await mfa.challenge.verifyRecoveryCode({ userId: USER, code: b })).toMatchObject({
      ok: true,
      remaining: 8,
    });
    // Another user never matches this user's codes (bound to the user).
    const other = await mfa.challenge.verifyRecoveryCode({ userId: "x@contoso.com", code: b });
    expect(other.ok).toBe(false);
  });

  it("input is normalised: any case, spaces, dashes or none, and o/i/l read as 0/1", async () => {
    const { mfa, codes } = await enrolled();
    const spellings = [
      (c: string) => c.toUpperCase(),
      (c: string) => c.replace("-", ""),
      (c: string) => ` ${c.slice(0, 3)} ${c.slice(3).replace("-", " – ")} `,
    ];
    for (const [i, spell] of spellings.entries()) {
      const result = await mfa.challenge.verifyRecoveryCode({
        userId: USER,
        code: spell(codes[i] as string),
      });
      expect(result.ok).toBe(true);
    }
    // Crockford's look-alikes: a code with a 0 or 1 typed as O or l.
    const withDigit = codes.slice(3).find((c) => /[01]/.test(c));
    if (withDigit) {
      const typed = withDigit.replace(/0/g, "O").replace(/1/g, "l");
      expect((await mfa.challenge.verifyRecoveryCode({ userId: USER, code: typed })).ok).toBe(true);
    }
  });

  it("a use sends a secret-free notice to the user's channels and emits factor.used; few left is told in the result and in the notice (BIND-02, LOG-01)", async () => {
    const setup = await enrolled();
    const { mfa, codes } = setup;
    let mark = since(setup);
    await mfa.challenge.verifyRecoveryCode({ userId: USER, code: codes[0] as string });
    expect(mark.recipients()).toEqual([PHONE, EMAIL].sort());
    for (const m of mark.messages()) {
      expect(JSON.stringify(m)).toMatch(/recovery code/i);
      expect(JSON.stringify(m)).not.toMatch(/left/);
    }
    expect(mark.events()).toContainEqual(
      expect.objectContaining({ type: "factor.used", method: "recovery-code", remaining: 9 }),
    );
    for (const code of codes.slice(1, 6))
      await mfa.challenge.verifyRecoveryCode({ userId: USER, code });
    mark = since(setup);
    // 4 left, then 3: at the policy's default threshold of 3 the user is told.
    const result = await mfa.challenge.verifyRecoveryCode({
      userId: USER,
      code: codes[6] as string,
    });
    expect(result).toEqual({ ok: true, method: "recovery-code", remaining: 3, fewLeft: true });
    const sms = mark.messages().find((m) => m.to === PHONE);
    expect(sms?.text).toMatch(/You have 3 left/);
    for (const m of mark.messages())
      for (const c of codes) expect(JSON.stringify(m)).not.toContain(c);
  });

  it("challenge.options lists a recovery code last, with how many are left, and not once none is", async () => {
    const { mfa, codes } = await enrolled({
      recoveryCodes: { enabled: true, count: 5, fewLeft: 1 },
    });
    let options = await mfa.challenge.options(USER);
    expect(options.at(-1)).toEqual({
      method: "recovery-code",
      display: "Recovery code (5 left)",
      deliveries: [],
    });
    for (const code of codes) await mfa.challenge.verifyRecoveryCode({ userId: USER, code });
    options = await mfa.challenge.options(USER);
    expect(options.map((o) => o.method)).not.toContain("recovery-code");
  });

  it("wrong codes are throttled per network and never disable: a stranger cannot lock the owner out (RATE-05, RATE-08)", async () => {
    const { mfa, codes, clock } = await enrolled(
      {},
      { delayAfterFailures: 3, maxConsecutiveFailures: 5, maxDelaySeconds: 60 },
    );
    const wrong = "zzzzz-zzzzz";
    const answers: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await mfa.challenge.verifyRecoveryCode({
        userId: USER,
        code: wrong,
        ip: "203.0.113.9",
      });
      answers.push(r.ok ? "ok" : r.reason);
      clock.advance(500);
    }
    expect(answers.slice(0, 3)).toEqual(["code_mismatch", "code_mismatch", "code_mismatch"]);
    expect(answers).toContain("factor_locked");
    expect(answers).not.toContain("factor_disabled");
    // The owner, from their own network, signs in at once.
    const owner = await mfa.challenge.verifyRecoveryCode({
      userId: USER,
      code: codes[0] as string,
      ip: "198.51.100.7",
    });
    expect(owner.ok).toBe(true);
    // And the stranger's network is only slowed: after the longest delay its guesses are compared again.
    clock.advance(61_000);
    const later = await mfa.challenge.verifyRecoveryCode({
      userId: USER,
      code: wrong,
      ip: "203.0.113.9",
    });
    expect(later).toMatchObject({ ok: false, reason: "code_mismatch" });
  });
});

describe("recovery codes: bad input changes nothing and sends nothing", () => {
  const bad: Array<[string, unknown, string]> = [
    ["1 MB string", "a".repeat(1_000_000), "input_too_long"],
    ["emoji", "🔑🔑🔑🔑🔑-🔑🔑🔑🔑🔑", "invalid_input"],
    ["lone surrogate", "abcde-\uD800bcde", "invalid_input"],
    ["nine symbols", "abcde-abcd", "invalid_input"],
    ["eleven symbols", "abcde-abcdef", "invalid_input"],
    ["a u (not in the alphabet)", "abcde-abcdu", "invalid_input"],
    ["a number", 1234567890, "invalid_input"],
    ["null", null, "invalid_input"],
    ["an object", { code: "abcde-abcde" }, "invalid_input"],
    ["full-width digits", "１２３４５-１２３４５", "invalid_input"],
  ];
  for (const [name, code, expected] of bad) {
    it(`${name}: ${expected} (field code), no attempt spent, no write, no message (REL-07)`, async () => {
      const setup = await enrolled();
      const before = await snapshot(setup.store);
      const mark = since(setup);
      const error = await setup.mfa.challenge
        .verifyRecoveryCode({ userId: USER, code: code as string })
        .catch((e: unknown) => e);
      expect(isMfaError(error, expected as "invalid_input")).toBe(true);
      expect((error as { data: { field: string } }).data.field).toBe("code");
      expect(JSON.stringify(error)).not.toContain(setup.codes[0]);
      expect(await snapshot(setup.store)).toBe(before);
      expect(mark.messages()).toEqual([]);
      expect(mark.events()).toEqual([]);
    });
  }

  it("a bad user id is a typed error before anything is read", async () => {
    const { mfa } = await enrolled();
    for (const userId of ["", "\uD800", "a".repeat(300), 42]) {
      const error = await (async () =>
        mfa.challenge.verifyRecoveryCode({
          userId: userId as string,
          code: "abcde-abcde",
        }))().catch((e: unknown) => e);
      expect(isMfaError(error)).toBe(true);
    }
  });
});

describe("recovery codes: Security info and lifecycle (BIND-01, BIND-02, BIND-08)", () => {
  it("status shows how many are left and when they were made, never a code", async () => {
    const { mfa, codes, session, clock } = await enrolled();
    const madeAt = (await mfa.securityInfo.recoveryCodes.status(session())).createdAt;
    expect(madeAt).toBeLessThan(clock.now());
    await mfa.challenge.verifyRecoveryCode({ userId: USER, code: codes[0] as string });
    const status = await mfa.securityInfo.recoveryCodes.status(session());
    expect(status).toEqual({
      active: true,
      remaining: 9,
      total: 10,
      createdAt: madeAt,
      fewLeft: false,
    });
  });

  it("a new set needs a recent sign-in; refused, it changes nothing and sends nothing (BIND-01)", async () => {
    const setup = await enrolled();
    const before = await snapshot(setup.store);
    const mark = since(setup);
    const error = await setup.mfa.securityInfo.recoveryCodes
      .regenerate({ userId: USER, authenticatedAt: setup.clock.now() - STALE_MS })
      .catch((e: unknown) => e);
    expect(isMfaError(error, "reauthentication_required")).toBe(true);
    expect(await snapshot(setup.store)).toBe(before);
    expect(mark.messages()).toEqual([]);
  });

  it("a new set replaces every old code at once, and is told to the user's channels with an event (BIND-02, BIND-08)", async () => {
    const setup = await enrolled();
    const { mfa, codes, session } = setup;
    const mark = since(setup);
    const made = await mfa.securityInfo.recoveryCodes.regenerate(session());
    expect(made.codes).toHaveLength(10);
    expect(made.codes.some((c) => codes.includes(c))).toBe(false);
    expect(mark.recipients()).toEqual([PHONE, EMAIL].sort());
    expect(mark.events()).toContainEqual(
      expect.objectContaining({ type: "factor.added", method: "recovery-codes" }),
    );
    for (const old of codes.slice(0, 3)) {
      const r = await mfa.challenge.verifyRecoveryCode({ userId: USER, code: old });
      expect(r).toMatchObject({ ok: false, reason: "code_mismatch" });
    }
    expect(
      (await mfa.challenge.verifyRecoveryCode({ userId: USER, code: made.codes[0] as string })).ok,
    ).toBe(true);
  });

  it("the wizard's 'new codes' replaces an unseen set and shows the new one", async () => {
    const { mfa, session, view } = await phoneVerified();
    const step = expectStep(view, "recovery-codes");
    const lost = step.codes?.[0] as string;
    const again = expectStep(
      await mfa.enrolment.submit(
        step.id,
        { step: "recovery-codes", action: "new-codes" },
        session(),
      ),
      "recovery-codes",
    );
    expect(again.codes).toHaveLength(10);
    expect((await mfa.challenge.verifyRecoveryCode({ userId: USER, code: lost })).ok).toBe(false);
    expect(
      (await mfa.challenge.verifyRecoveryCode({ userId: USER, code: again.codes?.[0] as string }))
        .ok,
    ).toBe(true);
  });

  it("codes never count toward the MFA requirement, and go (with a notice) when the last MFA method goes", async () => {
    const setup = await enrolled();
    const { mfa, codes, session } = setup;
    expect((await mfa.required(USER)).status).toBe("none");
    const mark = since(setup);
    await mfa.admin.removeMethod(USER, { method: "authentication-phone" });
    // Codes alone are no sign-in method: registration is required again.
    expect((await mfa.required(USER)).missingMfa).toBe(1);
    expect((await mfa.securityInfo.recoveryCodes.status(session())).active).toBe(false);
    expect(mark.events()).toContainEqual(
      expect.objectContaining({ type: "factor.removed", method: "recovery-codes", by: "admin" }),
    );
    const r = await mfa.challenge.verifyRecoveryCode({ userId: USER, code: codes[0] as string });
    expect(r).toEqual({ ok: false, reason: "not_found" });
    expect((await mfa.challenge.options(USER)).map((o) => o.method)).not.toContain("recovery-code");
  });

  it("an admin's re-registration takes the codes with the MFA methods", async () => {
    const { mfa, codes } = await enrolled();
    await mfa.admin.requireReregistration(USER);
    const r = await mfa.challenge.verifyRecoveryCode({ userId: USER, code: codes[0] as string });
    expect(r.ok).toBe(false);
  });

  it("turned off by policy: no wizard step, no sign-in with a code, Security info refuses", async () => {
    const { mfa, session, view } = await phoneVerified({ recoveryCodes: { enabled: false } });
    expectStep(view, "finish");
    expect(await mfa.challenge.verifyRecoveryCode({ userId: USER, code: "abcde-abcde" })).toEqual({
      ok: false,
      reason: "not_found",
    });
    const error = await mfa.securityInfo.recoveryCodes
      .regenerate(session())
      .catch((e: unknown) => e);
    expect(isMfaError(error, "invalid_input")).toBe(true);
  });

  it("the policy refuses a 'few left' at or above the count", () => {
    const error = (() => {
      try {
        seedSetup({ policy: policy({ recoveryCodes: { enabled: true, count: 5, fewLeft: 5 } }) });
      } catch (e) {
        return e;
      }
    })();
    expect(isMfaError(error, "config_invalid")).toBe(true);
  });
});
