/**
 * The fault ledger: calls made while a store refuses writes (a full disk, a full memory), and
 * the checks, once it accepts them again, that it told the truth.
 *
 * While the fault lasts, every call must answer the truth or throw `store_unavailable`, within
 * its deadline (REL-06: a typed error, never a hang or a stray exception). Afterwards (REL-01,
 * REL-02, REL-04):
 *
 * - the backend holds exactly what was acknowledged: a put that answered is there, a delete or
 *   take that answered is gone, and what threw changed nothing;
 * - an acknowledged increment counted every earlier acknowledged one and nothing that threw;
 * - a one-time code verified at most once, and every acknowledged wrong guess counts, once;
 * - a user who was mid-wizard finishes with the code they already had (no second code), a
 *   sign-in code verifies exactly once in all, and a wizard started under the fault resumes.
 *
 * How the fault is made and undone is the backend's test (a tmpfs, `maxmemory`); the ledger
 * only calls the store and, for the final check, asks the backend directly which keys it holds.
 *
 * @module
 */

import {
  createKeyring,
  createMfa,
  type EnrolmentView,
  isMfaError,
  type Mfa,
  STEPS,
  type Store,
  type SubmitInput,
  seedPolicy,
} from "@mfakit/core";
import { type CodeService, createCodeService } from "@mfakit/core/codes";
import { expect } from "vitest";
import { type CapturedMessage, type CapturingOutbox, capturingOutbox } from "./capturing-outbox.js";
import { answerOf, type CrashUser, crashLimits, crashUser } from "./crash-child.js";
import { fakeClock } from "./fake-clock.js";

/** What {@link faultLedger} needs. */
export interface FaultLedgerOptions {
  /** The store under the fault. */
  readonly store: Store;
  /** The store's own deadline: each of its calls must end within it (plus `marginMs`). */
  readonly timeoutMs: number;
  /** How many times {@link FaultLedger.round} will run (the seed writes that many rows). */
  readonly rounds: number;
  /**
   * Which of `keys` the backend holds now, read directly (SQL, a second client), not through
   * the store under test.
   */
  exists(keys: readonly string[]): Promise<boolean[]>;
  /** Slack over `timeoutMs` for a busy machine. @default 400 */
  readonly marginMs?: number;
  /** The longest an SDK call (a wizard submit, a sign-in check) may take. @default 5000 */
  readonly callDeadlineMs?: number;
}

/** How many calls the fault refused, and how many it let through. */
export interface FaultTally {
  /** Calls that answered. */
  readonly successes: number;
  /** Calls that threw `store_unavailable`. */
  readonly failures: number;
  /** What each of those calls was (`put`, `submit verify-code`, ...), in order. */
  readonly refused: readonly string[];
}

/** The ledger's steps: before, during and after the fault. */
export interface FaultLedger {
  /** Writes the rows, codes and users the rounds work on (the store must work). */
  seed(): Promise<void>;
  /** One of every write, the code checks, and one step of each user (under the fault). */
  round(i: number): Promise<void>;
  /** The calls so far: store writes, code checks and SDK calls. */
  tally(): FaultTally;
  /** With the store working again: everything acknowledged holds, and the users finish. */
  check(): Promise<void>;
}

type Settled<T> = { readonly acked: true; readonly value: T } | { readonly acked: false };

/** Wrong guesses a code allows; the ledger makes one a round. */
const MAX_ATTEMPTS = 10;
/** Where a wizard step lies in the wizard, to tell whether a resumed enrolment went back. */
const order = (step: string) => STEPS.indexOf(step as (typeof STEPS)[number]);

/**
 * A ledger over `options.store`.
 *
 * @example
 * ```ts
 * const ledger = faultLedger({ store, timeoutMs: 1000, rounds: 8, exists });
 * await ledger.seed();
 * await fill(); // the backend's fault
 * for (let i = 0; i < 8; i++) await ledger.round(i);
 * expect(ledger.tally().failures).toBeGreaterThan(0);
 * await free();
 * await ledger.check();
 * ```
 */
export function faultLedger(options: FaultLedgerOptions): FaultLedger {
  const { store, rounds } = options;
  const storeDeadline = options.timeoutMs + (options.marginMs ?? 400);
  const callDeadline = options.callDeadlineMs ?? 5000;
  const keyring = createKeyring({ current: "k1", keys: { k1: new Uint8Array(32).fill(7) } });
  const codes: CodeService = createCodeService({ store, keyring }, { maxAttempts: MAX_ATTEMPTS });
  const key = (kind: string, i: number) => `mfa:{ledger}:${kind}:${i}`;
  const target = { userId: "ledger", purpose: "signin:sms", destination: "+447400123456" };
  let right = { challengeId: "", code: "" };
  let guessed = { challengeId: "", code: "" };
  const acked = { puts: new Set<number>(), deletes: new Set<number>(), takes: new Set<number>() };
  let increments = 0;
  let verified = 0;
  let mismatches = 0;
  let successes = 0;
  const refused: string[] = [];

  /** One call: its answer, or that it threw `store_unavailable`, within `deadlineMs`. */
  const settle = async <T>(
    what: string,
    deadlineMs: number,
    call: () => Promise<T>,
  ): Promise<Settled<T>> => {
    const started = performance.now();
    try {
      const value = await call();
      successes++;
      return { acked: true, value };
    } catch (error) {
      if (!isMfaError(error, "store_unavailable")) throw error;
      expect(error.cause, `${what}: the driver error is the cause`).toBeInstanceOf(Error);
      refused.push(what);
      return { acked: false };
    } finally {
      const ms = performance.now() - started;
      expect(ms, `REL-06: ${what} answered within ${deadlineMs} ms`).toBeLessThan(deadlineMs);
    }
  };
  const storeCall = <T>(what: string, call: () => Promise<T>) => settle(what, storeDeadline, call);

  const users = wizardUsers(options, (what, call) => settle(what, callDeadline, call));

  return {
    async seed() {
      const issue = async () => {
        const { challengeId, code } = await codes.issue(target);
        return { challengeId, code };
      };
      right = await issue();
      const other = await issue();
      guessed = {
        challengeId: other.challengeId,
        code: other.code === "000000" ? "111111" : "000000",
      };
      for (let i = 0; i < rounds; i++) {
        await store.put(key("d", i), { d: i });
        await store.put(key("t", i), { t: i });
      }
      await users.seed();
    },

    async round(i: number) {
      const put = await storeCall("put", () => store.put(key("p", i), { p: i }));
      if (put.acked) {
        expect(put.value).toEqual({ ok: true, version: 1 });
        acked.puts.add(i);
      }
      const deleted = await storeCall("delete", () => store.delete(key("d", i)));
      if (deleted.acked) {
        expect(deleted.value, "the row was there").toBe(true);
        acked.deletes.add(i);
      }
      const taken = await storeCall("take", () => store.take(key("t", i)));
      if (taken.acked) {
        expect(taken.value).toEqual({ value: { t: i }, version: 1 });
        acked.takes.add(i);
      }
      const n = await storeCall("increment", () => store.increment(key("n", 0)));
      if (n.acked) {
        // Calls run one after another: an acknowledged increment counts every earlier
        // acknowledged one and nothing that threw.
        increments++;
        expect(n.value, "REL-02: no acknowledged increment lost").toBe(increments);
      }
      const ok = await storeCall("verify", () => codes.verify({ ...target, ...right }));
      if (ok.acked && ok.value.ok) verified++;
      expect(verified, "REL-01: the code verified at most once").toBeLessThanOrEqual(1);
      const wrong = await storeCall("verify", () => codes.verify({ ...target, ...guessed }));
      if (wrong.acked && !wrong.value.ok && wrong.value.reason === "code_mismatch") {
        mismatches++;
        // REL-02: every acknowledged wrong guess is counted, one more each time.
        expect(wrong.value.attemptsLeft).toBe(MAX_ATTEMPTS - mismatches);
      } else if (wrong.acked) {
        expect(wrong.value).toMatchObject({ ok: false, reason: "locked" });
        expect(mismatches).toBe(MAX_ATTEMPTS);
      }
      await users.round(i);
    },

    tally: () => ({ successes, failures: refused.length, refused: [...refused] }),

    async check() {
      const all = (kind: string) => Array.from({ length: rounds }, (_, i) => key(kind, i));
      const [puts, deletes, takes] = await Promise.all(
        ["p", "d", "t"].map((kind) => options.exists(all(kind))),
      );
      for (let i = 0; i < rounds; i++) {
        expect(puts?.[i], `p:${i} stored iff acknowledged`).toBe(acked.puts.has(i));
        expect(deletes?.[i], `d:${i} gone iff acknowledged`).toBe(!acked.deletes.has(i));
        expect(takes?.[i], `t:${i} gone iff acknowledged`).toBe(!acked.takes.has(i));
      }
      for (const i of acked.puts)
        expect(await store.get(key("p", i))).toEqual({ value: { p: i }, version: 1 });
      expect((await store.get(key("n", 0)))?.value ?? 0).toBe(increments);
      // The right code once more: it may verify now only if it never did.
      const last = await codes.verify({ ...target, ...right });
      expect(verified + (last.ok ? 1 : 0), "REL-01: never verified twice").toBeLessThanOrEqual(1);
      // No acknowledged wrong guess was un-counted, and none that threw was counted.
      const status = await codes.status({
        userId: target.userId,
        challengeId: guessed.challengeId,
      });
      expect(status?.attemptsLeft).toBe(MAX_ATTEMPTS - mismatches);
      await users.check();
    },
  };
}

type Call = <T>(what: string, call: () => Promise<T>) => Promise<Settled<T>>;

/**
 * The SDK's users under the fault, on the account document: one mid-wizard with a code in
 * hand, one signing in with a code in hand, and a newcomer each round.
 */
function wizardUsers(options: FaultLedgerOptions, call: Call) {
  const clock = fakeClock(Date.UTC(2026, 10, 25, 9, 0, 0));
  const outbox: CapturingOutbox = capturingOutbox();
  const mfa: Mfa = createMfa({
    store: options.store,
    keyring: createKeyring({ current: "k1", keys: { k1: "d".repeat(43) } }),
    tenant: { name: "Contoso", domains: ["contoso.com"] },
    policy: seedPolicy(["GB"]),
    senders: outbox,
    limits: crashLimits,
    clock,
  });
  const session = (user: CrashUser) => ({ userId: user.userId, authenticatedAt: clock.now() });
  const wizard = userWizard(mfa, outbox, session);
  const megan = crashUser();
  const alex = crashUser();
  let meganView: EnrolmentView | undefined;
  let signin = { challengeId: "", code: "" };
  let signedIn = 0;
  const newcomers: Array<{ user: CrashUser; id: string }> = [];

  return {
    async seed() {
      // Alex is enrolled and has a sign-in code; Megan has her first code, not yet typed.
      await wizard.answer(alex, await mfa.enrolment.start(session(alex)), () => false);
      const started = await mfa.challenge.start({
        userId: alex.userId,
        method: "authentication-phone",
      });
      if (!started.ok) throw new Error(`the sign-in code was not sent: ${started.reason}`);
      signin = { challengeId: started.challengeId, code: outbox.lastCode(alex.e164) };
      meganView = await wizard.answer(
        megan,
        await mfa.enrolment.start({ ...session(megan), appSteps: ["change-password"] }),
        (view) => view.step === "verify-code",
      );
    },

    async round(i: number) {
      // Megan answers the view she has (again, if the last answer threw).
      const view = meganView;
      if (view && view.step !== "done") {
        meganView = (await wizard.step(megan, view, call)) ?? view;
      }
      const check = await call("challenge.verify", () =>
        mfa.challenge.verify({ userId: alex.userId, ...signin }),
      );
      if (check.acked && check.value.ok) signedIn++;
      if (check.acked && !check.value.ok) {
        // The code was used (acknowledged earlier), never refused as wrong.
        expect(signedIn, `a refused sign-in (${check.value.reason}) after one that worked`).toBe(1);
      }
      expect(signedIn, "REL-01: the sign-in code verified at most once").toBeLessThanOrEqual(1);
      const user = crashUser();
      const started = await call(`enrolment.start ${i}`, () => mfa.enrolment.start(session(user)));
      if (started.acked) newcomers.push({ user, id: started.value.id });
    },

    async check() {
      // Nothing Megan was shown is lost: her wizard resumes where she last was, or later.
      const last = meganView;
      if (!last) throw new Error("seed() did not run");
      const resumed = await mfa.enrolment.start(session(megan));
      expect(resumed.id).toBe(last.id);
      expect(
        order(resumed.step),
        `resumed at ${resumed.step}, last saw ${last.step}`,
      ).toBeGreaterThanOrEqual(order(last.step));
      const done = await wizard.answer(megan, resumed, () => false);
      expect(done.step, "REL-04: the user mid-wizard finishes").toBe("done");
      // With the code they already had: they never asked for another, and every code they
      // received (the set-up code, later the recovery ones) was accepted.
      expect(wizard.resends, "no second code was asked for").toBe(0);
      expect(wizard.unused(megan), "every code sent was accepted").toEqual([]);
      expect(await mfa.securityInfo.appPasswords.list(session(megan))).toHaveLength(1);

      const again = await mfa.challenge.verify({ userId: alex.userId, ...signin });
      expect(signedIn + (again.ok ? 1 : 0), "the sign-in code verified exactly once").toBe(1);

      for (const { user, id } of newcomers) {
        expect((await mfa.enrolment.start(session(user))).id, "an acknowledged start").toBe(id);
      }
    },
  };
}

/** A user answering the seed wizard as the crash kit's user does, with the codes they got. */
function userWizard(
  mfa: Mfa,
  outbox: CapturingOutbox,
  session: (user: CrashUser) => { userId: string; authenticatedAt: number },
) {
  const accepted = new Set<string>();
  let resends = 0;
  const codesTo = (to: string) => outbox.to(to).flatMap(codeIn);
  /** The newest code to `to` that has not been accepted yet. */
  const codeFor = (to: string) =>
    codesTo(to)
      .filter((c) => !accepted.has(c))
      .at(-1) ?? null;

  /** One answer to `view`; the next view, or `null` when the answer threw. */
  const step = async (user: CrashUser, view: EnrolmentView, call: Call) => {
    const input: SubmitInput | null = answerOf(view, user, codeFor);
    if (!input) return view;
    if (input.step === "verify-code" && "action" in input) resends++;
    const next = await call(`submit ${input.step}`, () =>
      mfa.enrolment.submit(view.id, input, session(user)),
    );
    if (!next.acked) return null;
    if ("code" in input) {
      // The code they received is refused only if it was wrong: here, never.
      expect(next.value.step, `the code was refused (${next.value.notice?.code})`).not.toBe(
        "verify-code",
      );
      accepted.add(input.code);
    }
    return next.value;
  };
  const strict: Call = async (_what, c) => ({ acked: true, value: await c() });

  return {
    step,
    /** How many times a user asked for a new code. */
    get resends() {
      return resends;
    },
    /** Answers until `stop(view)` or the end, with the store working. */
    async answer(user: CrashUser, first: EnrolmentView, stop: (view: EnrolmentView) => boolean) {
      let view = first;
      for (let i = 0; i < 40 && view.step !== "done" && !stop(view); i++) {
        view = (await step(user, view, strict)) ?? view;
      }
      return view;
    },
    /** Codes sent to the user (phone and email) that were never accepted. */
    unused: (user: CrashUser) =>
      [...codesTo(user.e164), ...codesTo(user.email)].filter((c) => !accepted.has(c)),
  };
}

/** The code in an SMS or email (the user reads it; voice is not used here). */
function codeIn(message: CapturedMessage): string[] {
  const code = message.channel === "voice" ? undefined : message.text.match(/\b\d{4,10}\b/)?.[0];
  return code ? [code] : [];
}
