/**
 * Cheap work stays cheap: within one user action, a phone number is parsed at most once, a
 * locale negotiated at most once, and the QR code drawn at most once (and only by the action
 * that shows it, when the app reads it: the view draws it on first read).
 *
 * Counted, not timed, and without touching the core: V8's precise coverage (the inspector's
 * `Profiler.takePreciseCoverage` with call counts, what c8 uses) gives how many times each
 * function ran; it is read and reset around every action. The actions are those of the cost
 * bench, through the public API on the memory store: every step of the seed enrolment (phone by
 * SMS, app password, app step, recovery email and phone), a TOTP enrolment (the view that shows
 * the QR code, a wrong code, then its confirmation) and an SMS sign-in
 * (start, verify).
 *
 *   pnpm bench cheap-work
 */
import { Session } from "node:inspector/promises";
import { createKeyring, createMfa, memoryStore, seedPolicy } from "@mfakit/core";
import { capturingOutbox, fakeClock } from "@mfakit/testing";
import { figure } from "./harness.ts";
import { drive, type WizardAct, type WizardRun, wizardUser } from "./support/wizard.ts";

/**
 * The functions counted: the file they are in (end of its URL), their name, the most calls per
 * action, and whether these flows must call them at all (a count that stays 0 for a function
 * these flows need means the counting missed it, e.g. a build from dist: reported as a miss).
 */
const WATCHED = [
  { file: "/core/src/rules/phone.ts", name: "parsePhone", most: 1, used: true },
  { file: "/core/src/delivery/locale.ts", name: "negotiateLocale", most: 1, used: true },
  { file: "/core/src/totp/qr.ts", name: "qrSvg", most: 1, used: true },
  { file: "/core/src/totp/qr.ts", name: "qrText", most: 1, used: false },
] as const;
const COOLDOWN_MS = 31_000;

type Counts = Record<(typeof WATCHED)[number]["name"], number>;

export async function run(): Promise<number> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.startPreciseCoverage", { callCount: true, detailed: false });
  /** The calls of each watched function since the last reading (a reading resets them). */
  const reading = async (): Promise<Counts> => {
    const { result } = await session.post("Profiler.takePreciseCoverage");
    const counts = Object.fromEntries(WATCHED.map((w) => [w.name, 0])) as Counts;
    for (const script of result) {
      const watched = WATCHED.filter((w) => script.url.endsWith(w.file));
      for (const fn of watched.length > 0 ? script.functions : []) {
        const w = watched.find((x) => x.name === fn.functionName);
        // The first range is the whole function; its count is how often it was called.
        if (w) counts[w.name] += fn.ranges[0]?.count ?? 0;
      }
    }
    return counts;
  };

  const clock = fakeClock(Date.UTC(2026, 10, 25, 9));
  const outbox = capturingOutbox();
  const mfa = createMfa({
    store: memoryStore({ clock }),
    keyring: createKeyring({ current: "k1", keys: { k1: "p".repeat(43) } }),
    tenant: { name: "Contoso", domains: ["contoso.com"] },
    policy: seedPolicy(["GB"]),
    senders: outbox,
    clock,
  });
  const wizard: WizardRun = { mfa, outbox, clock };
  const worst: Record<string, { label: string; count: number }> = {};
  let misses = 0;
  const count = async (label: string, action: () => Promise<unknown>) => {
    await reading();
    await action();
    const counts = await reading();
    const shown = WATCHED.map((w) => `${w.name} ${counts[w.name]}`).join(", ");
    figure(label, shown);
    for (const w of WATCHED) {
      const n = counts[w.name];
      if (n > (worst[w.name]?.count ?? -1)) worst[w.name] = { label, count: n };
    }
  };
  const counted =
    (flow: string): WizardAct =>
    async (_answer, label, call) => {
      let view: Awaited<ReturnType<typeof call>> | undefined;
      await count(`${flow}: ${label}`, async () => {
        view = await call();
        // The view's QR code is drawn when read: the action that shows it is counted as an app
        // shows it, its page reading it and the view sent as JSON (one drawing for both).
        if (view.step === "authenticator-setup" && view.qrSvg !== null) JSON.stringify(view);
      });
      // The seed user's recovery phone is its MFA phone: the second send waits out the cooldown.
      if (view?.step === "recovery-phone") clock.advance(COOLDOWN_MS);
      return view as Awaited<ReturnType<typeof call>>;
    };

  try {
    console.log("     calls per action:");
    const seed = wizardUser(0, "sms", clock.now());
    await drive(seed, wizard, undefined, counted("seed enrolment"));
    const app = wizardUser(1, "app", clock.now());
    await drive(app, wizard, (v) => v.step === "authenticator-setup", counted("TOTP enrolment"));
    // A wrong code answers the same step; the secret and its QR code are shown only once, so
    // nothing is drawn again either.
    await count("TOTP enrolment: a wrong code", async () => {
      const id = app.view?.id ?? "";
      // Shown once, in the view the wizard paused at: kept for the right code after this one.
      if (app.view?.step === "authenticator-setup") app.secret = app.view.secret;
      const again = await mfa.enrolment.submit(
        id,
        { step: "authenticator-setup", code: "000000" },
        app.session,
      );
      if (again.step !== "authenticator-setup")
        throw new Error(`a wrong code showed ${again.step}`);
      app.view = again;
    });
    await drive(app, wizard, undefined, counted("TOTP enrolment"));
    clock.advance(COOLDOWN_MS);
    let challengeId = "";
    await count("SMS sign-in: challenge.start", async () => {
      const started = await mfa.challenge.start({
        userId: seed.userId,
        method: "authentication-phone",
        delivery: "sms",
      });
      if (!started.ok) throw new Error(`challenge.start: ${started.reason}`);
      challengeId = started.challengeId;
    });
    await count("SMS sign-in: challenge.verify", async () => {
      const verified = await mfa.challenge.verify({
        userId: seed.userId,
        challengeId,
        code: outbox.lastCode(seed.number),
      });
      if (!verified.ok) throw new Error("challenge.verify refused the code");
    });
  } catch (error) {
    console.log(`MISS cheap-work bench stopped early: ${String(error)}`);
    misses++;
  } finally {
    await session.post("Profiler.stopPreciseCoverage");
    session.disconnect();
  }
  for (const w of WATCHED) {
    const at = worst[w.name];
    if (!at) continue;
    const met = at.count <= w.most && (at.count > 0 || !w.used);
    if (!met) misses++;
    const why = at.count === 0 && w.used ? ", never seen: not counted" : "";
    console.log(
      `${met ? "ok  " : "MISS"} ${w.name}: at most ${at.count} per action (${at.label}; target ≤ ${w.most}${why})`,
    );
  }
  return misses;
}
