/**
 * The failure-cap kit: the attempt caps of every factor's check, under real concurrency, on a
 * given store, through the public `createMfa` API.
 *
 * A counter that is read, compared and written back in separate steps loses updates when many
 * checks race: 60 parallel wrong codes then all get compared where the 11th in a row would have
 * been refused. So each case fires 200 wrong guesses at once (`Promise.all` over one store
 * instance: with a pooled adapter they reach the backend over many connections) and counts what
 * came back. A `code_mismatch` is a guess that was compared with the secret; everything else
 * must be a refusal. The cases hold the store to what SECURITY.md asks:
 *
 * - RATE-01: no more guesses compared at one code than the challenge's cap (5);
 * - RATE-02: consecutive failures past `maxConsecutiveFailures` disable the factor, and then even
 *   the right code is refused until an admin clears the failures (or the factor is bound again);
 * - RATE-04: no more guesses compared in a burst than in a row before the progressive delay;
 * - RATE-08: a stranger's wrong app passwords never lock the owner out for good;
 * - REL-02: the stored failure counter equals the number of guesses compared, no more, no less.
 *
 * Each case is a plain async function ({@link failureCapCases}), so a test can also run one
 * against a deliberately broken store and expect it to reject: that is how the kit shows it can
 * fail. {@link testFailureCaps} registers them all with vitest.
 *
 * @module
 */

import {
  createKeyring,
  createMfa,
  type EnrolmentView,
  isMfaError,
  type LimitsInput,
  type Mfa,
  type PolicyInput,
  type Store,
} from "@mfakit/core";
import type { FactorAllowance } from "@mfakit/core/limits";
import { base32Decode, TOTP_MAX_CONFIRM_ATTEMPTS, totpAt } from "@mfakit/core/totp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CapturingOutbox, capturingOutbox } from "./capturing-outbox.js";
import { type FakeClock, fakeClock } from "./fake-clock.js";
import { registerPhone } from "./kit-sdk.js";
import { openSendLimits } from "./open-send-limits.js";

/** How {@link testFailureCaps} gets a store. */
export interface FailureCapKitOptions {
  /** Shown in the suite's title, e.g. `"postgres"`. */
  readonly name: string;
  /**
   * Returns the store under test (called once, before the cases). `clock` is the fake clock the
   * SDK runs on: give it to a store whose TTLs can run on an injected clock; a store whose TTLs
   * run on the backend's own clock may ignore it (the cases only move time forward, by minutes).
   */
  store(clock: FakeClock): Store | Promise<Store>;
  /** Closes what `store` opened (pools, clients, files). */
  cleanup?(): void | Promise<void>;
}

/** What one case runs against. */
export interface FailureCapContext {
  /** The store under test; the cases write only under their own random user ids and phones. */
  readonly store: Store;
  /** The clock the SDK and, ideally, the store run on. Cases only move it forward. */
  readonly clock: FakeClock;
}

/** One case of the kit: a title with its requirement ids, and a body that rejects on failure. */
export interface FailureCapCase {
  readonly title: string;
  run(context: FailureCapContext): Promise<void>;
}

/**
 * The limits every case runs under: the progressive delay starts after 10 failures (RATE-04),
 * the factor is disabled at 20 (RATE-02), and no wait is longer than 30 s, so a case drives a
 * factor to its cap within a code's 10-minute life. Send limits are wide open: the cases count
 * checks, not sends.
 */
export const failureCapLimits = {
  delayAfterFailures: 10,
  maxConsecutiveFailures: 20,
  maxDelaySeconds: 30,
  ...openSendLimits,
} as const satisfies LimitsInput;

/** Guesses fired at once in a burst (REL-02's figure). */
const BURST = 200;
/** Guesses per burst while driving a factor to its cap: each burst past the delay compares one. */
const DRIVE_BURST = 40;
/** Bursts a drive to the cap may take before the case gives up on it ever being disabled. */
const MAX_ROUNDS = 40;
/** Sign-in challenges the spread burst opens at once (SECURITY.md RATE-03's figure). */
const SPREAD_CHALLENGES = 20;

/** A wrong guess's answer when it was compared with the secret. */
const COMPARED = "code_mismatch";
/**
 * Answers that refuse a guess without comparing it: the factor's delay or cap, the challenge's
 * own cap (`locked` at sign-in, `code_locked` in the wizard), a stale wizard view, and the one
 * typed error a race may raise.
 */
const REFUSED = new Set([
  "factor_locked",
  "factor_disabled",
  "locked",
  "code_locked",
  "conflict",
  "store_conflict",
]);

const policy: PolicyInput = {
  mfa: { methods: ["authentication-phone", "authenticator-app"], required: 1 },
  appPasswords: { enabled: true, offerDuringEnrolment: false },
  phone: { allowedCountries: ["GB"], deliveries: ["sms", "voice"] },
};

/** The SDK a case drives, with what it needs to play user and attacker. */
/** Wrong codes one challenge accepts: the core's default (RATE-01), which the kit does not change. */
const CODE_ATTEMPTS = 5;

interface Sdk {
  readonly mfa: Mfa;
  readonly store: Store;
  readonly outbox: CapturingOutbox;
  readonly clock: FakeClock;
}

/** A factor of one fresh user, ready to be guessed at. */
interface Target {
  readonly userId: string;
  /** Wrong guesses compared in a row before the first refusal, by the configuration. */
  readonly allowance: number;
  /** The i-th wrong guess of a burst; its answer as one word (see {@link answerOf}). */
  wrong(i: number): Promise<string>;
  /** The right code or password, now. */
  right(): Promise<string>;
  /** Between bursts: a fresh challenge when the last one's own cap used it up. */
  renew(): Promise<void>;
}

/** How a case makes a target. */
type TargetMaker = (sdk: Sdk) => Promise<Target>;

const random = () => Math.random().toString(36).slice(2, 10);

function sdkOf(context: FailureCapContext): Sdk {
  const outbox = capturingOutbox();
  const mfa = createMfa({
    store: context.store,
    keyring: createKeyring({ current: "k1", keys: { k1: "c".repeat(43) } }),
    tenant: { name: "Contoso", domains: ["contoso.com"] },
    policy,
    senders: outbox,
    limits: failureCapLimits,
    // The longest life a code may have, so one started early outlives a drive to the cap.
    codes: { ttlSeconds: 600 },
    clock: context.clock,
  });
  return { mfa, store: context.store, outbox, clock: context.clock };
}

/** A random user id and GB mobile number, so runs on a shared backend do not meet. */
function freshUser(): { userId: string; e164: string } {
  const digits = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
  return { userId: `caps-${random()}@contoso.com`, e164: `+447400${digits}` };
}

/** The i-th wrong code: spread over the code space, never one of `right`. */
function wrongCode(i: number, right: ReadonlySet<string>, digits = 6): string {
  const space = 10 ** digits;
  let n = (i * 7_919 + 104_729) % space;
  while (right.has(String(n).padStart(digits, "0"))) n = (n + 1) % space;
  return String(n).padStart(digits, "0");
}

/** The i-th wrong app password: 24 letters, as a real one is typed. */
function wrongPassword(i: number): string {
  const letters = [...i.toString(26)].map((c) => String.fromCharCode(97 + Number.parseInt(c, 26)));
  return letters.join("").padStart(24, "x");
}

/** A sign-in answer as one word. */
const answerOf = (r: { ok: true } | { ok: false; reason: string }) => (r.ok ? "ok" : r.reason);

/** A wizard answer as one word: its notice, or `ok` once the wizard has moved past `step`. */
const viewAnswer = (view: EnrolmentView, step: EnrolmentView["step"]) =>
  view.notice?.code ?? (view.step === step ? "no_notice" : "ok");

/** A fresh step-up session: the cases test the caps, not the step-up window. */
const sessionOf = (sdk: Sdk, userId: string) => ({ userId, authenticatedAt: sdk.clock.now() });

/**
 * Fires `n` guesses at once and counts each answer. Every answer must be a comparison or a
 * refusal: anything else, or any throw but a store_conflict (a refusal), fails the case.
 */
async function burst(n: number, guess: (i: number) => Promise<string>) {
  const answers = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      guess(i).catch((e: unknown) => {
        if (isMfaError(e, "store_conflict")) return "store_conflict";
        throw e;
      }),
    ),
  );
  const tally: Record<string, number> = {};
  for (const a of answers) tally[a] = (tally[a] ?? 0) + 1;
  expect(
    Object.keys(tally).filter((a) => a !== COMPARED && !REFUSED.has(a)),
    `answers that are neither a comparison nor a refusal: ${JSON.stringify(tally)}`,
  ).toEqual([]);
  return tally;
}

/** What the limiter holds for every factor of `userId` that has a failure record. */
async function allowancesOf(sdk: Sdk, userId: string): Promise<FactorAllowance[]> {
  return (await sdk.mfa.limiter.listFailures(userId)).map((f) => f.allowance);
}

/** The consecutive failures the limiter holds for every factor of `userId` (REL-02's counter). */
const failuresOf = async (sdk: Sdk, userId: string) =>
  (await allowancesOf(sdk, userId)).reduce((total, a) => total + a.failures, 0);

/**
 * Seconds until every factor of `userId` may be checked again (the progressive delay, RATE-04).
 * A drive to the cap waits exactly that between bursts, as a patient attacker would.
 */
const waitOf = async (sdk: Sdk, userId: string) =>
  Math.max(
    0,
    ...(await allowancesOf(sdk, userId)).map((a) =>
      !a.ok && a.reason === "locked" ? a.retryAfterSeconds : 0,
    ),
  );

/** Enrols an authenticator app through the wizard up to its setup step; the decoded secret. */
async function beginAuthenticator(sdk: Sdk, userId: string) {
  const { mfa } = sdk;
  let view = await mfa.enrolment.start(sessionOf(sdk, userId));
  view = await mfa.enrolment.submit(
    view.id,
    { step: "intro", action: "setup" },
    sessionOf(sdk, userId),
  );
  view = await mfa.enrolment.submit(
    view.id,
    { step: "mfa-method", method: "authenticator-app" },
    sessionOf(sdk, userId),
  );
  if (view.step !== "authenticator-setup" || !view.secret)
    throw new Error(`expected the authenticator setup, got ${view.step}`);
  return { enrolmentId: view.id, secret: base32Decode(view.secret) };
}

/** The codes an authenticator accepts around now (±2 steps: wider than any allowed window). */
function validTotp(sdk: Sdk, secret: Uint8Array): Set<string> {
  const now = Math.floor(sdk.clock.now() / 1000);
  return new Set([-2, -1, 0, 1, 2].map((k) => totpAt(secret, now + k * 30)));
}

/** A sign-in phone: `challenges` challenges to spread wrong guesses over, and one kept for the right code. */
function signInSms(challenges: number): TargetMaker {
  return async (sdk) => {
    const { userId, e164 } = freshUser();
    const { mfa, outbox, clock } = sdk;
    await registerPhone(mfa, userId, e164, clock.now());
    const issued = new Set<string>();
    const start = async () => {
      const started = await mfa.challenge.start({ userId, method: "authentication-phone" });
      if (!started.ok) return null;
      issued.add(outbox.lastCode(e164));
      return { id: started.challengeId, code: outbox.lastCode(e164) };
    };
    const kept = await start();
    let open: string[] = [];
    const renew = async () => {
      const fresh: string[] = [];
      for (let i = 0; i < challenges; i++) {
        const started = await start();
        if (started) fresh.push(started.id);
      }
      if (fresh.length > 0) open = fresh;
    };
    await renew();
    if (!kept || open.length === 0) throw new Error("the sign-in challenges did not start");
    return {
      userId,
      allowance: challenges === 1 ? CODE_ATTEMPTS : failureCapLimits.delayAfterFailures,
      wrong: async (i) =>
        answerOf(
          await mfa.challenge.verify({
            userId,
            challengeId: open[i % open.length] ?? "",
            code: wrongCode(i, issued),
          }),
        ),
      right: async () =>
        answerOf(await mfa.challenge.verify({ userId, challengeId: kept.id, code: kept.code })),
      renew,
    };
  };
}

/** An authenticator app at sign-in (`verifyTotp`), enrolled through the wizard. */
const signInTotp: TargetMaker = async (sdk) => {
  const { userId } = freshUser();
  const { mfa } = sdk;
  const { enrolmentId, secret } = await beginAuthenticator(sdk, userId);
  const now = () => totpAt(secret, Math.floor(sdk.clock.now() / 1000));
  const done = await mfa.enrolment.submit(
    enrolmentId,
    { step: "authenticator-setup", code: now() },
    sessionOf(sdk, userId),
  );
  if (viewAnswer(done, "authenticator-setup") !== "ok")
    throw new Error(`the authenticator was not set up: ${JSON.stringify(done.notice)}`);
  // The enrolment's code was just used: the right code later is a later step's.
  sdk.clock.advance(30_000);
  return {
    userId,
    allowance: failureCapLimits.delayAfterFailures,
    wrong: async (i) =>
      answerOf(
        await mfa.challenge.verifyTotp({ userId, code: wrongCode(i, validTotp(sdk, secret)) }),
      ),
    right: async () => answerOf(await mfa.challenge.verifyTotp({ userId, code: now() })),
    renew: async () => undefined,
  };
};

/** A fresh user with one app password, and a sign-in with it or a wrong one. */
async function appPasswordUser(sdk: Sdk) {
  const { userId } = freshUser();
  const { mfa } = sdk;
  const created = await mfa.securityInfo.appPasswords.create(sessionOf(sdk, userId), "Mail");
  const signIn = async (password: string, ip?: string) =>
    answerOf(await mfa.challenge.verifyAppPassword({ userId, password, ...(ip ? { ip } : {}) }));
  return {
    userId,
    wrong: (i: number, ip?: string) => signIn(wrongPassword(i), ip),
    right: (ip?: string) => signIn(created.password, ip),
  };
}

/** An app password at sign-in (`verifyAppPassword`), from `ip` or with no IP known. */
function signInAppPassword(ip?: string): TargetMaker {
  return async (sdk) => {
    const user = await appPasswordUser(sdk);
    return {
      userId: user.userId,
      allowance: failureCapLimits.delayAfterFailures,
      wrong: (i) => user.wrong(i, ip),
      right: () => user.right(ip),
      renew: async () => undefined,
    };
  };
}

/** The wizard's verify-code step for a new authentication phone. */
const wizardCode: TargetMaker = async (sdk) => {
  const { userId, e164 } = freshUser();
  const { mfa, outbox } = sdk;
  const session = () => sessionOf(sdk, userId);
  let view = await mfa.enrolment.start(session());
  view = await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session());
  view = await mfa.enrolment.submit(
    view.id,
    {
      step: "mfa-method",
      method: "authentication-phone",
      country: "GB",
      number: `0${e164.slice(3)}`,
      delivery: "sms",
    },
    session(),
  );
  if (view.step !== "verify-code") throw new Error(`expected verify-code, got ${view.step}`);
  const id = view.id;
  const sent = new Set([outbox.lastCode(e164)]);
  const submit = async (code: string) =>
    viewAnswer(
      await mfa.enrolment.submit(id, { step: "verify-code", code }, session()),
      "verify-code",
    );
  return {
    userId,
    allowance: CODE_ATTEMPTS,
    wrong: (i) => submit(wrongCode(i, sent)),
    right: () => submit(outbox.lastCode(e164)),
    renew: async () => {
      // A resend of a challenge its own cap killed starts a fresh one; refusals change nothing.
      await mfa.enrolment.submit(id, { step: "verify-code", action: "resend" }, session());
      sent.add(outbox.lastCode(e164));
    },
  };
};

/**
 * The wizard's authenticator-setup step (`totp.confirm`). Its cap is the setup's own 5 wrong
 * codes; a restart is a new factor with a new counter, so there is nothing to disable here (and
 * whoever is there was just shown the secret).
 */
const wizardAuthenticator: TargetMaker = async (sdk) => {
  const { userId } = freshUser();
  const { mfa } = sdk;
  const { enrolmentId, secret } = await beginAuthenticator(sdk, userId);
  const submit = async (code: string) =>
    viewAnswer(
      await mfa.enrolment.submit(
        enrolmentId,
        { step: "authenticator-setup", code },
        sessionOf(sdk, userId),
      ),
      "authenticator-setup",
    );
  return {
    userId,
    // A setup dies after 5 wrong codes (RATE-01), before the factor's delay starts.
    allowance: TOTP_MAX_CONFIRM_ATTEMPTS,
    wrong: (i) => submit(wrongCode(i, validTotp(sdk, secret))),
    right: () => submit(totpAt(secret, Math.floor(sdk.clock.now() / 1000))),
    renew: async () => undefined,
  };
};

/**
 * Case 1: the allowance in a row, then 200 guesses at once on a second user. No more are
 * compared than in a row, the rest are refusals, and the stored counter equals what was compared.
 */
function burstCase(title: string, make: TargetMaker): FailureCapCase {
  return {
    title,
    async run(context) {
      const sdk = sdkOf(context);
      // In a row: what the challenge's cap and the progressive delay allow.
      const inRow = await make(sdk);
      let allowed = 0;
      let refusal = await inRow.wrong(0);
      while (refusal === COMPARED && allowed < BURST) refusal = await inRow.wrong(++allowed);
      expect(allowed, "wrong guesses compared in a row").toBe(inRow.allowance);
      expect(REFUSED.has(refusal), `refusal after the allowance: ${refusal}`).toBe(true);

      // At once, on a fresh user.
      const target = await make(sdk);
      const tally = await burst(BURST, target.wrong);
      const compared = tally[COMPARED] ?? 0;
      expect(
        compared,
        `wrong guesses compared at once (${JSON.stringify(tally)})`,
      ).toBeLessThanOrEqual(allowed);
      expect(compared, "at least one guess is compared").toBeGreaterThan(0);
      expect(await failuresOf(sdk, target.userId), "failures counted (REL-02)").toBe(compared);
    },
  };
}

/**
 * Case 2: bursts with the clock moved past each delay until the factor is disabled; exactly the
 * cap was compared, the right code is refused even after the delay, and works once an admin
 * clears the failures.
 */
function disableCase(title: string, make: TargetMaker): FailureCapCase {
  return {
    title,
    async run(context) {
      const sdk = sdkOf(context);
      const target = await make(sdk);
      const cap = failureCapLimits.maxConsecutiveFailures;
      let mismatches = 0;
      let disabled = false;
      for (let round = 0; round < MAX_ROUNDS && !disabled; round++) {
        const tally = await burst(DRIVE_BURST, target.wrong);
        mismatches += tally[COMPARED] ?? 0;
        disabled = (tally.factor_disabled ?? 0) > 0;
        sdk.clock.advance((await waitOf(sdk, target.userId)) * 1000);
        await target.renew();
      }
      expect(disabled, "the factor is disabled").toBe(true);
      // The guess that reached the cap was compared too, and answered factor_disabled.
      expect(mismatches, "wrong guesses compared before the one that disabled").toBe(cap - 1);
      expect(await failuresOf(sdk, target.userId), "failures counted (REL-02)").toBe(cap);
      // Not a delay: the factor stays disabled however long the wait.
      sdk.clock.advance((failureCapLimits.maxDelaySeconds + 1) * 1000);
      expect(await target.right(), "the right code after the cap").toBe("factor_disabled");
      expect(await sdk.mfa.admin.clearFailures(target.userId)).toBeGreaterThan(0);
      expect(await target.right(), "the right code once the failures are cleared").toBe("ok");
    },
  };
}

const STRANGER_IP = "203.0.113.7";
const OWNER_IP = "198.51.100.20";

/** Case 3 (RATE-08): a stranger's bursts from one IP, the owner from another network and later. */
const strangerCase: FailureCapCase = {
  title:
    "RATE-08: a stranger's parallel bursts of wrong app passwords from one IP never fail the owner from another network, and never for good",
  async run(context) {
    const sdk = sdkOf(context);
    const user = await appPasswordUser(sdk);
    const stranger = (i: number) => user.wrong(i, STRANGER_IP);
    // During the stranger's first burst, the owner signs in from home.
    const [first, during] = await Promise.all([burst(BURST, stranger), user.right(OWNER_IP)]);
    expect(during, "the owner from another network during the burst").toBe("ok");
    expect(first.factor_disabled, "an app password is never disabled").toBeUndefined();
    // The stranger keeps going, a burst after each wait, deep into the progressive delay.
    for (let round = 0; round < 5; round++) {
      sdk.clock.advance((await waitOf(sdk, user.userId)) * 1000);
      const tally = await burst(DRIVE_BURST, stranger);
      expect(tally.factor_disabled, "an app password is never disabled").toBeUndefined();
    }
    expect(await user.right(OWNER_IP), "the owner from another network").toBe("ok");
    expect(await user.right(STRANGER_IP), "the owner from the stranger's IP, now").toBe(
      "factor_locked",
    );
    sdk.clock.advance((failureCapLimits.maxDelaySeconds + 1) * 1000);
    expect(await user.right(STRANGER_IP), "the owner from the stranger's IP after the window").toBe(
      "ok",
    );
  },
};

/**
 * Case 3, continued: a stranger who waits out each delay gets one guess per wait, up to the cap,
 * and then one per longest wait: never the undelayed allowance again, or the progressive delay
 * is a loop and the cap is never reached (RATE-04).
 */
const patientStrangerCase: FailureCapCase = {
  title:
    "RATE-04, RATE-08, REL-02: a stranger who waits out each app-password delay gets one guess per wait up to the cap, never a fresh undelayed allowance",
  async run(context) {
    const sdk = sdkOf(context);
    const user = await appPasswordUser(sdk);
    const stranger = (i: number) => user.wrong(i, STRANGER_IP);
    const cap = failureCapLimits.maxConsecutiveFailures;
    const first = await burst(BURST, stranger);
    let compared = first[COMPARED] ?? 0;
    const perWait: number[] = [];
    while (compared < cap + 2 && perWait.length < MAX_ROUNDS) {
      sdk.clock.advance((await waitOf(sdk, user.userId)) * 1000);
      const tally = await burst(DRIVE_BURST, stranger);
      expect(tally.factor_disabled, "an app password is never disabled").toBeUndefined();
      perWait.push(tally[COMPARED] ?? 0);
      compared += tally[COMPARED] ?? 0;
    }
    expect(
      perWait.filter((n) => n > 1),
      `wrong guesses compared per wait after the first burst: ${perWait.join(", ")}`,
    ).toEqual([]);
    expect(await failuresOf(sdk, user.userId), "failures counted, held at the cap").toBe(cap);
  },
};

/**
 * Case 3, continued: a network is one throttle however its addresses are written or vary. An
 * IPv6 customer is given a whole /64, so an address-by-address throttle gives one guesser 2^64
 * budgets; an IPv4-mapped IPv6 address is the same IPv4 client.
 */
function networkCase(title: string, ipOf: (i: number) => string): FailureCapCase {
  return {
    title,
    async run(context) {
      const sdk = sdkOf(context);
      const user = await appPasswordUser(sdk);
      const tally = await burst(BURST, (i) => user.wrong(i, ipOf(i)));
      expect(
        tally[COMPARED] ?? 0,
        `wrong guesses compared at once from one network (${JSON.stringify(tally)})`,
      ).toBeLessThanOrEqual(failureCapLimits.delayAfterFailures);
    },
  };
}

/**
 * Every case of the kit, by name: plain async functions that reject when the store (or the core
 * over it) lets a guess past a cap. {@link testFailureCaps} runs them all; a test may run one
 * against a store it broke on purpose and expect the rejection.
 *
 * @example
 * ```ts
 * const clock = fakeClock();
 * const store = memoryStore({ clock });
 * const broken: Store = { ...store, put: (k, v, o) => store.put(k, v, { ...o, expectVersion: undefined }) };
 * await expect(failureCapCases.signInTotpBurst.run({ store: broken, clock })).rejects.toThrow(/compared at once/);
 * ```
 */
export const failureCapCases = {
  signInSmsBurst: burstCase(
    "RATE-01, REL-02: 200 parallel wrong codes at one sign-in SMS challenge: no more compared than the challenge's 5",
    signInSms(1),
  ),
  signInSmsSpreadBurst: burstCase(
    `RATE-02, RATE-03, REL-02: 200 parallel wrong codes spread over ${SPREAD_CHALLENGES} sign-in SMS challenges: no more compared than in a row before the delay`,
    signInSms(SPREAD_CHALLENGES),
  ),
  signInTotpBurst: burstCase(
    "RATE-02, REL-02: 200 parallel wrong authenticator codes at sign-in: no more compared than in a row before the delay",
    signInTotp,
  ),
  appPasswordBurst: burstCase(
    "RATE-02, REL-02: 200 parallel wrong app passwords, no IP known: no more compared than in a row before the delay",
    signInAppPassword(),
  ),
  appPasswordIpBurst: burstCase(
    "RATE-02, RATE-08, REL-02: 200 parallel wrong app passwords from one IP: no more compared than in a row before the delay",
    signInAppPassword(STRANGER_IP),
  ),
  wizardCodeBurst: burstCase(
    "RATE-01, REL-02: 200 parallel wrong codes at the wizard's verify-code step: no more compared than the challenge's 5",
    wizardCode,
  ),
  wizardAuthenticatorBurst: burstCase(
    "RATE-01, REL-02: 200 parallel wrong codes at the wizard's authenticator-setup step: no more compared than the setup's 5",
    wizardAuthenticator,
  ),
  signInSmsDisable: disableCase(
    "RATE-02, REL-02: sign-in SMS driven to the cap in parallel bursts is disabled: the right code is refused until an admin clears the failures",
    signInSms(1),
  ),
  signInTotpDisable: disableCase(
    "RATE-02, REL-02: a sign-in authenticator driven to the cap in parallel bursts is disabled: the right code is refused until an admin clears the failures",
    signInTotp,
  ),
  wizardCodeDisable: disableCase(
    "RATE-02, REL-02: the wizard's verify-code step driven to the cap in parallel bursts: the right code is refused until an admin clears the failures",
    wizardCode,
  ),
  appPasswordStranger: strangerCase,
  appPasswordPatientStranger: patientStrangerCase,
  appPasswordIpv6Network: networkCase(
    "RATE-08, RATE-06, REL-02: 200 parallel wrong app passwords from 200 addresses of one IPv6 /64 are one network's throttle",
    (i) => `2001:db8:7:7:${(i + 1).toString(16)}::1`,
  ),
  appPasswordMappedIpv4: networkCase(
    "RATE-08, RATE-06, REL-02: 200 parallel wrong app passwords from an IPv4 address and its IPv4-mapped IPv6 form are one network's throttle",
    (i) => (i % 2 === 0 ? "192.0.2.9" : "::ffff:192.0.2.9"),
  ),
} as const satisfies Record<string, FailureCapCase>;

/** The name of one case of {@link failureCapCases}. */
export type FailureCapCaseName = keyof typeof failureCapCases;

/**
 * Registers the failure-cap suite: every case of {@link failureCapCases} against one store.
 * Each case uses its own random users and phone numbers, so a shared backend needs no cleanup
 * between runs; the whole suite takes a few seconds.
 *
 * @example
 * ```ts
 * testFailureCaps({ name: "memory", store: (clock) => memoryStore({ clock }) });
 * ```
 */
export function testFailureCaps(options: FailureCapKitOptions): void {
  const clock = fakeClock();
  let store: Store;
  describe(`Failure caps: ${options.name}`, () => {
    beforeAll(async () => {
      store = await options.store(clock);
    });
    afterAll(async () => {
      await options.cleanup?.();
    });
    for (const c of Object.values(failureCapCases)) it(c.title, () => c.run({ store, clock }));
  });
}
