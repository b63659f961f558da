/**
 * The crash kit: the app killed in the middle of a wizard submit, at every store call and send
 * of it, on a given store; then the user carries on.
 *
 * A submit is a run of store calls and provider sends. If the process dies between two of them,
 * what was written must still be a state the user can finish from, as if the submit had
 * happened entirely or not at all (REL-01, ASVS 5.0 2.3.3): the code they received still works
 * (or, if it was never sent, the next one does), no code counts twice, and no app password is
 * minted that nobody saw (it would count against the cap of 40 for ever, APP-01, APP-02).
 *
 * How: a child process ({@link runCrashPoint}; the script is `crash-child.ts`, run with
 * `node --conditions=source --import tsx`) plays a fresh user through the seed wizard over the
 * store, counts the store calls and sends of the chosen submit, and sends itself SIGKILL before
 * call `k`, so the call never reaches the backend. A first run with no kill counts the calls
 * (N); then every k in 1..N is one crash point. After each crash the parent, a minute later on
 * the SDK's clock, resumes the same user's enrolment over its own connection and answers each
 * view as the user would, with the codes the child received, until the wizard is done. Then:
 *
 * - nothing acknowledged is lost: the wizard resumes at the step the user last saw, or later;
 * - every code sent was accepted, exactly once: the user never needs a second code, and no code
 *   (no challenge's `code.verified` event) counts twice;
 * - the app passwords listed equal those shown to the user;
 * - every call of the resumed user returned a view or threw an `MfaError`, within its deadline;
 * - the wizard finishes (the user needs nothing more).
 *
 * The kit runs from source (the `source` export condition, as the workspace's tests do): the
 * child script is a sibling `.ts` file.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type EnrolmentView, isMfaError, type Mfa, STEPS, type SubmitInput } from "@mfakit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  answerOf,
  CRASH_APP_STEPS,
  type CrashChildConfig,
  type CrashStoreSpec,
  type CrashUser,
  crashMfa,
  crashUser,
  type JournalLine,
  type OpenedCrashStore,
  openCrashStore,
  type ReceivedMessage,
  receivingSenders,
} from "./crash-child.js";
import { type FakeClock, fakeClock } from "./fake-clock.js";

export type { CrashStoreSpec } from "./crash-child.js";

/** The wizard steps whose submit the kit can cut (those of the seed's first part). */
export type CrashSubmit = "intro" | "mfa-method" | "verify-code" | "app-password";

/** How {@link testCrashes} gets a store, and how much it runs. */
export interface CrashKitOptions {
  /** Shown in the suite's title, e.g. `"postgres"`. */
  readonly name: string;
  /**
   * Describes the store under test; called once, before the runs. Give each test run its own
   * table, prefix or file: the runs write under fresh users, but nothing cleans up after them.
   */
  store(): CrashStoreSpec | Promise<CrashStoreSpec>;
  /** Removes what `store` made (the file, the table), after the parent's store is closed. */
  cleanup?(): void | Promise<void>;
  /**
   * The submits to cut: "Contact me" (`mfa-method`: issues and sends the code) and "Verify"
   * (`verify-code`: uses the code, binds the phone, mints the app password).
   * @default ["mfa-method", "verify-code"]
   */
  readonly submits?: readonly CrashSubmit[];
  /**
   * At most this many crash points per submit, spread evenly over its calls (the first and the
   * last always among them). The environment variable `MFAKIT_CRASH_POINTS` overrides it.
   * @default every call of the submit
   */
  readonly points?: number;
  /** The longest a resumed user's call may take before it counts as unanswered. @default 5000 */
  readonly callDeadlineMs?: number;
  /** The longest a child may live before the parent kills it and fails the point. @default 30000 */
  readonly childTimeoutMs?: number;
}

/** What the parent runs against. */
export interface CrashContext {
  /** What the child opens. */
  readonly spec: CrashStoreSpec;
  /** The parent's own connection to the same backend. */
  readonly store: OpenedCrashStore;
  /** The SDK's clock in the parent; each run starts the child at its time and moves it on. */
  readonly clock: FakeClock;
  /** A directory for the children's journals. */
  readonly dir: string;
  readonly callDeadlineMs: number;
  readonly childTimeoutMs: number;
}

/** What one crash point did, and what it broke. */
export interface CrashRun {
  readonly submit: CrashSubmit;
  /** The call before which the child died (1-based); `null` for the counting run. */
  readonly killAt: number | null;
  /** The calls of the submit (from the counting run, or this run's own count). */
  readonly calls: number;
  /** The call the child never made, e.g. `put enrolment`, `send sms`; `null` if it did not die. */
  readonly label: string | null;
  /** The step the user's enrolment resumed at. */
  readonly resumedAt: string;
  readonly codesSent: number;
  readonly codesAccepted: number;
  readonly appPasswordsListed: number;
  readonly appPasswordsShown: number;
  /** Each guarantee broken, in words; empty when the point held. */
  readonly violations: readonly string[];
}

/** The wizard's steps in their order, to tell whether a resumed enrolment went back. */
const ORDER: readonly string[] = STEPS;

/** How far after a crash the user comes back (on the SDK's clock): well within a code's life. */
const RESUME_AFTER_MS = 61_000;
/** Views the resumed user answers before the kit decides they are stuck. */
const MAX_ANSWERS = 40;
/** Typed errors the resumed user retries through before the kit decides they are stuck. */
const MAX_ERRORS = 3;

/** The repository root (where `node_modules/tsx` is), for the child's `--import tsx`. */
function toolRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "node_modules", "tsx"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("crash kit: tsx is not installed above @mfakit/testing");
    dir = up;
  }
  return dir;
}

/** Runs the child to its end (or death); its journal, and how it ended. */
async function runChild(
  context: CrashContext,
  config: CrashChildConfig,
): Promise<{ lines: JournalLine[]; signal: string | null; code: number | null; stderr: string }> {
  const script = fileURLToPath(new URL("./crash-child.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", script, JSON.stringify(config)],
    { cwd: toolRoot(), stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), context.childTimeoutMs);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.once("exit", (c, s) => resolve([c, s])),
  );
  clearTimeout(timer);
  const text = existsSync(config.journal) ? readFileSync(config.journal, "utf8") : "";
  const lines = text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as JournalLine);
  return { lines, signal, code, stderr };
}

/** One call of the resumed user: its answer, or a violation if it was untyped or late. */
async function answered<T>(
  what: string,
  deadlineMs: number,
  violations: string[],
  call: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), deadlineMs);
  });
  try {
    const value = await Promise.race([call(), late]);
    if (value === "late") {
      violations.push(`${what}: no answer within ${deadlineMs} ms`);
      return { ok: false };
    }
    return { ok: true, value };
  } catch (e) {
    if (!isMfaError(e)) violations.push(`${what}: threw an untyped ${String(e).slice(0, 120)}`);
    return { ok: false };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one crash point: a fresh user, the child killed before call `killAt` of the `submit`
 * (never, for `null`), then the user resumes in this process and the guarantees are checked.
 * Resolves with what happened; rejects only when the kit itself cannot run (the child failed
 * before the submit).
 */
export async function runCrashPoint(
  context: CrashContext,
  submit: CrashSubmit,
  killAt: number | null,
): Promise<Omit<CrashRun, "calls"> & { ops: number }> {
  const user = crashUser();
  const journal = join(context.dir, `${user.userId}.jsonl`);
  const child = await runChild(context, {
    store: context.spec,
    user,
    journal,
    submit,
    killAt,
    now: context.clock.now(),
  });
  const violations: string[] = [];
  const lines = child.lines;
  const crash = lines.find((l) => l.t === "crash");
  const failed = lines.find((l) => l.t === "error");
  if (failed?.t === "error" && !failed.typed) violations.push("the child got an untyped error");
  if (!crash && child.code !== 0) {
    throw new Error(
      `crash kit: the child ended with ${child.signal ?? `exit code ${child.code}`} before the ${submit} submit completed: ${failed?.t === "error" ? failed.code : child.stderr}`,
    );
  }
  context.clock.advance(RESUME_AFTER_MS);
  const outcome = await resume(context, user, lines, violations);
  return {
    submit,
    killAt,
    ops: lines.filter((l) => l.t === "op").length,
    label: crash?.t === "crash" ? crash.label : null,
    ...outcome,
    violations,
  };
}

/** What the child's journal tells the resumed user (and the checks) about the run so far. */
function readJournal(lines: readonly JournalLine[]) {
  const inbox: ReceivedMessage[] = [];
  const verified: string[] = [];
  const shown = new Set<string>();
  /** Codes the user typed and saw answered; the cut submit's code they will type again. */
  const typed = new Set<string>();
  const accepted = new Map<string, number>();
  let lastSeen: string | null = null;
  let cut: SubmitInput | null = null;
  lines.forEach((line, i) => {
    if (line.t === "sent") inbox.push(line);
    if (line.t === "event" && line.type === "code.verified" && line.challengeId)
      verified.push(line.challengeId);
    if (line.t === "view") {
      lastSeen = line.step;
      if (line.password) shown.add(line.password);
    }
    if (line.t !== "submit") return;
    const answer = lines.slice(i + 1).find((l) => l.t === "view" || l.t === "submit");
    // No view after the last answer: that submit was cut.
    if (!answer) cut = line.input;
    if (answer?.t !== "view" || !("code" in line.input)) return;
    typed.add(line.input.code);
    // A code answer followed by a view that moved on: the child saw the code accepted.
    if (answer.step !== "verify-code")
      accepted.set(line.input.code, (accepted.get(line.input.code) ?? 0) + 1);
  });
  return {
    inbox,
    verified,
    shown,
    typed,
    accepted,
    lastSeen: lastSeen as string | null,
    cut: cut as SubmitInput | null,
  };
}

/** The user comes back and finishes the wizard; the guarantees are checked on the way. */
async function resume(
  context: CrashContext,
  user: CrashUser,
  lines: readonly JournalLine[],
  violations: string[],
) {
  const { clock, callDeadlineMs } = context;
  const { inbox, verified, shown, typed, accepted, lastSeen, cut } = readJournal(lines);
  const accept = (code: string) => accepted.set(code, (accepted.get(code) ?? 0) + 1);
  const mfa: Mfa = crashMfa({
    store: context.store.store,
    clock,
    senders: receivingSenders((m) => inbox.push(m)),
    events: {
      emit: (e) => {
        if (e.type === "code.verified") verified.push(e.challengeId);
      },
    },
  });
  const codeFor = (to: string) => {
    const code = inbox.filter((m) => m.to === to && m.code !== null).at(-1)?.code ?? null;
    return code && !typed.has(code) ? code : null;
  };
  const session = () => ({ userId: user.userId, authenticatedAt: clock.now() });
  const call = <T>(what: string, fn: () => Promise<T>) =>
    answered(what, callDeadlineMs, violations, fn);
  const listAppPasswords = async () => {
    const listed = await call("list app passwords", () =>
      mfa.securityInfo.appPasswords.list(session()),
    );
    return listed.ok ? listed.value.length : Number.NaN;
  };

  // The user signs in again and opens the wizard; a typed error they retry once.
  const start = () =>
    call("resume (start)", () =>
      mfa.enrolment.start({ ...session(), appSteps: [...CRASH_APP_STEPS] }),
    );
  const started = await start().then((first) => (first.ok ? first : start()));
  if (!started.ok) {
    violations.push("the enrolment could not be resumed");
    return {
      resumedAt: "-",
      codesSent: inbox.filter((m) => m.code).length,
      codesAccepted: 0,
      appPasswordsListed: await listAppPasswords(),
      appPasswordsShown: shown.size,
    };
  }
  let view: EnrolmentView = started.value;
  const resumedAt = view.step;
  if (lastSeen && ORDER.indexOf(resumedAt) < ORDER.indexOf(lastSeen))
    violations.push(`the user saw "${lastSeen}" but the enrolment resumed at "${resumedAt}"`);
  // The crashed submit's code counts as accepted if the enrolment moved on without the user.
  if (cut && "code" in cut && resumedAt !== cut.step) accept(cut.code);

  let listed: number | null = null;
  let errors = 0;
  for (let i = 0; i < MAX_ANSWERS && view.step !== "done"; i++) {
    if (view.step === "app-password" && view.password) shown.add(view.password);
    // Counted before the app step: a password change revokes the passwords not shown (APP-03).
    if (view.step === "app-step" && listed === null) listed = await listAppPasswords();
    // A user who already saw their app password goes on; one who never did asks for a new one.
    const input: SubmitInput | null =
      view.step === "app-password" && view.password === null && shown.size > 0
        ? { step: "app-password", action: "done" }
        : answerOf(view, user, codeFor);
    if (!input) break;
    if ("code" in input) typed.add(input.code);
    const { id } = view;
    const next = await call(`submit ${input.step}`, () =>
      mfa.enrolment.submit(id, input, session()),
    );
    if (!next.ok) {
      if (++errors > MAX_ERRORS) break;
      const again = await call("get", () => mfa.enrolment.get(id, session()));
      if (again.ok) view = again.value;
      continue;
    }
    // A limit's wait (the resend cooldown per destination) is waited out, as a user would.
    if (next.value.notice?.code === "rate_limited")
      clock.advance(next.value.notice.retryAfterSeconds * 1000 + 1000);
    if ("code" in input) {
      if (next.value.step === "verify-code")
        violations.push(
          `the code the user received was refused (${next.value.notice?.code ?? "no notice"}): a second code was needed`,
        );
      else accept(input.code);
    }
    view = next.value;
  }
  if (view.step !== "done") violations.push(`the user could not finish (stuck at "${view.step}")`);
  const required = await call("required", () => mfa.required(user.userId));
  if (required.ok && required.value.status !== "none")
    violations.push(`registration still "${required.value.status}" after the wizard`);

  const sent = inbox.filter((m) => m.code !== null);
  const unused = sent.filter((m) => m.code !== null && !accepted.has(m.code));
  if (unused.length > 0)
    violations.push(`${unused.length} of ${sent.length} codes sent were never accepted`);
  if ([...accepted.values()].some((n) => n > 1)) violations.push("a code was accepted twice");
  if (new Set(verified).size !== verified.length)
    violations.push("a challenge was verified twice (code.verified)");
  const appPasswordsListed = listed ?? (await listAppPasswords());
  // The policy mints one during the wizard: passing its step without one is half a submit.
  if (shown.size !== 1)
    violations.push(`${shown.size} app passwords shown in the wizard, where the policy offers 1`);
  if (appPasswordsListed !== shown.size)
    violations.push(
      `${appPasswordsListed} app password(s) listed, ${shown.size} shown to the user`,
    );
  return {
    resumedAt,
    codesSent: sent.length,
    codesAccepted: [...accepted.values()].reduce((a, b) => a + b, 0),
    appPasswordsListed,
    appPasswordsShown: shown.size,
  };
}

/** `count` crash points spread over calls 1..`calls`, the first and the last among them. */
export function crashPoints(calls: number, count: number = calls): number[] {
  if (count >= calls) return Array.from({ length: calls }, (_, i) => i + 1);
  if (count <= 1) return [calls];
  const points = Array.from({ length: count }, (_, i) =>
    Math.round(1 + (i * (calls - 1)) / (count - 1)),
  );
  return [...new Set(points)];
}

/** One line per run: the point, where the user resumed, the counts, and what broke. */
export function formatCrashTable(runs: readonly CrashRun[]): string {
  return runs
    .map((r) => {
      const point = r.killAt === null ? "no crash" : `before ${r.killAt}/${r.calls} ${r.label}`;
      const facts = `resumed at ${r.resumedAt}; codes sent ${r.codesSent}, accepted ${r.codesAccepted}; app passwords listed ${r.appPasswordsListed}, shown ${r.appPasswordsShown}`;
      const verdict = r.violations.length === 0 ? "ok" : `FAIL: ${r.violations.join("; ")}`;
      return `${r.submit.padEnd(12)} ${point.padEnd(34)} ${facts} → ${verdict}`;
    })
    .join("\n");
}

/**
 * Runs every crash point of one submit: the counting run (no kill), then the child killed
 * before each chosen call. The counting run is held to the same guarantees.
 */
export async function runCrashSubmit(
  context: CrashContext,
  submit: CrashSubmit,
  points?: number,
): Promise<CrashRun[]> {
  const counting = await runCrashPoint(context, submit, null);
  const calls = counting.ops;
  const runs: CrashRun[] = [{ ...counting, calls }];
  for (const k of crashPoints(calls, points)) {
    const run = await runCrashPoint(context, submit, k);
    runs.push({ ...run, calls });
  }
  return runs;
}

/**
 * Registers the crash suite: one test per submit, which runs every crash point of it against
 * the store and fails with the table of the points that broke a guarantee. About 0.6 s per
 * point (a child process); the number of points is capped by `points` or `MFAKIT_CRASH_POINTS`.
 *
 * @example
 * ```ts
 * testCrashes({ name: "sqlite", store: () => ({ kind: "sqlite", path: join(dir, "crash.db") }) });
 * ```
 */
export function testCrashes(options: CrashKitOptions): void {
  const fromEnv = Number.parseInt(process.env.MFAKIT_CRASH_POINTS ?? "", 10);
  const points = Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : options.points;
  const submits = options.submits ?? ["mfa-method", "verify-code"];
  let context: CrashContext | undefined;
  describe(`Crashes mid-submit: ${options.name}`, () => {
    beforeAll(async () => {
      const clock = fakeClock(Date.now());
      const spec = await options.store();
      const store = await openCrashStore(spec, clock);
      // The parent's first call creates the schema, before any child races it there.
      await store.store.get("mfa:crash-kit:warm-up");
      context = {
        spec,
        store,
        clock,
        dir: mkdtempSync(join(tmpdir(), "mfakit-crash-")),
        callDeadlineMs: options.callDeadlineMs ?? 5000,
        childTimeoutMs: options.childTimeoutMs ?? 30_000,
      };
    });
    afterAll(async () => {
      await context?.store.close();
      if (context) rmSync(context.dir, { recursive: true, force: true });
      await options.cleanup?.();
    });
    for (const submit of submits) {
      it(`REL-01, REL-04, REL-06, APP-01, APP-02: the app killed before each store call and send of the ${submit} submit: nothing acknowledged lost, no code needed twice or used twice, no app password minted unseen, every call typed and in time`, async () => {
        if (!context) throw new Error("crash kit: no store");
        const runs = await runCrashSubmit(context, submit, points);
        const table = formatCrashTable(runs);
        console.info(`crash points, ${options.name}, ${submit}:\n${table}`);
        const broken = runs.filter((r) => r.violations.length > 0);
        expect(
          broken.length,
          `crash points that broke a guarantee:\n${formatCrashTable(broken)}`,
        ).toBe(0);
      }, 240_000);
    }
  });
}
