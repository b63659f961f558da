/**
 * The enrolment engine: full seed enrolments per second on the memory store, store calls per
 * step, and the engine's time against the raw crypto work one enrolment must do, measured in the
 * same run.
 *
 * One seed enrolment (steps 1–20, phone by SMS, app password, password change, recovery email
 * and phone) must at least: draw 3 codes and hash each twice (store, check), mint one app
 * password and hash it, and draw about 8 unguessable ids. That floor is the baseline.
 */
import {
  createKeyring,
  createMfa,
  type EnrolmentView,
  memoryStore,
  type SubmitInput,
  seedPolicy,
} from "@mfakit/core";
import { keyedHash, randomDigits, randomId, randomLetters } from "@mfakit/core/crypto";
import { capturingOutbox, fakeClock } from "@mfakit/testing";
import { figure, measure, report } from "./harness.ts";
import { countingStore } from "./support/counting-store.ts";

export async function run(): Promise<number> {
  const clock = fakeClock(Date.UTC(2026, 10, 25, 9));
  const counted = countingStore(memoryStore({ clock }));
  const outbox = capturingOutbox();
  const keyring = createKeyring({ current: "k1", keys: { k1: "b".repeat(43) } });
  const mfa = createMfa({
    store: counted.store,
    keyring,
    tenant: { name: "Contoso", domains: ["contoso.com"] },
    policy: seedPolicy(["GB"]),
    senders: outbox,
    // Each enrolment uses its own numbers; the global and per-country hourly caps are lifted.
    limits: { globalPerHour: 10_000_000, perCountryPerHour: 10_000_000, perPrefixPerHour: 100_000 },
    clock,
  });

  const perStep: Record<string, { calls: number; n: number }> = {};
  let n = 0;
  const enrolOnce = async () => {
    const i = n++;
    const userId = `user${i}@contoso.com`;
    const number = `+4474${String(i % 100_000_000).padStart(8, "0")}`;
    const session = { userId, authenticatedAt: clock.now() };
    let view: EnrolmentView = await mfa.enrolment.start({
      ...session,
      appSteps: ["change-password"],
    });
    const answer = async (input: SubmitInput) => {
      const before = counted.count().calls;
      view = await mfa.enrolment.submit(view.id, input, session);
      const stat = perStep[input.step] ?? { calls: 0, n: 0 };
      perStep[input.step] = stat;
      stat.calls += counted.count().calls - before;
      stat.n++;
    };
    await answer({ step: "intro", action: "setup" });
    await answer({ step: "mfa-method", method: "authentication-phone", number, delivery: "sms" });
    await answer({ step: "verify-code", code: outbox.lastCode(number) });
    await answer({ step: "app-password", action: "done" });
    await answer({ step: "app-step", action: "done", stepId: "change-password" });
    await answer({ step: "recovery-intro", action: "next" });
    await answer({ step: "recovery-method", method: "email" });
    await answer({ step: "recovery-email", email: `u${i}@personal.example` });
    await answer({ step: "verify-code", code: outbox.lastCode(`u${i}@personal.example`) });
    await answer({ step: "recovery-method", method: "phone" });
    clock.advance(31_000); // the per-destination cooldown
    await answer({ step: "recovery-phone", delivery: "sms" });
    await answer({ step: "verify-code", code: outbox.lastCode(number) });
    await answer({ step: "finish", action: "finish" });
    if (view.step !== "done") throw new Error(`enrolment ended at ${view.step}`);
    if (outbox.messages.length > 10_000) outbox.clear();
  };

  const subject = await measure(enrolOnce, { durationMs: 1500, warmupMs: 300 });

  let sink = 0;
  const baseline = await measure(
    () => {
      for (let c = 0; c < 3; c++) {
        const code = randomDigits(6);
        const id = randomId("ch_");
        sink ^= keyedHash(keyring, "code-hmac", [id, "enrol:mfa:sms", "+447400123456", code]).digest
          .length;
        sink ^= keyedHash(keyring, "code-hmac", [id, "enrol:mfa:sms", "+447400123456", code]).digest
          .length;
      }
      const password = randomLetters(24);
      sink ^= keyedHash(keyring, "app-password-hmac", ["user", password]).digest.length;
      for (let k = 0; k < 5; k++) sink ^= randomId().length;
    },
    { durationMs: 600 },
  );
  if (sink < 0) throw new Error("unreachable");

  const ok = report(
    "enrolment: one full seed enrolment (memory store) vs the raw crypto it must do",
    { name: "seed enrolment, 13 submits", m: subject },
    { name: "3 codes (draw + 2 HMAC) + app password (draw + HMAC) + 8 ids", m: baseline },
    { maxRatio: 60 },
  );
  const submits = Object.values(perStep).reduce((a, s) => a + s.n, 0);
  const calls = Object.values(perStep).reduce((a, s) => a + s.calls, 0);
  figure("seed enrolments per second", subject.opsPerSecond.toFixed(0));
  figure("store calls per submit (mean)", (calls / submits).toFixed(1));
  for (const [step, s] of Object.entries(perStep))
    figure(`  store calls at ${step}`, (s.calls / s.n).toFixed(1));
  figure("store calls by kind (all runs)", JSON.stringify(counted.count().byMethod));
  return ok ? 0 : 1;
}
