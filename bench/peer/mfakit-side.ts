/**
 * mfakit on its SQLite store, on a connection opened with the settings under test, driven
 * through the public API only (the enrolment wizard answered as a user would, the challenge
 * API as an app calls it at sign-in).
 */
import { createKeyring, createMfa, type EnrolmentView, seedPolicy } from "@mfakit/core";
import { base32Decode, totpAt } from "@mfakit/core/totp";
import { sqliteStore } from "@mfakit/sqlite";
import { capturingOutbox, fakeClock } from "@mfakit/testing";
import { countingStore } from "../support/counting-store.ts";
import { drive, type WizardRun, type WizardUser, wizardUser } from "../support/wizard.ts";
import type { Side } from "./side.ts";
import { openProbed, type SqliteSettings } from "./sqlite-probe.ts";

/** The per-destination cooldown (the default); the fake clock is moved past it, never waited. */
const COOLDOWN_MS = 31_000;

/** Opens mfakit on a new SQLite file at `path`. */
export function mfakitSide(path: string, settings: SqliteSettings): Side {
  const probe = openProbed(path, settings);
  const clock = fakeClock(Date.UTC(2026, 10, 25, 9));
  const store = sqliteStore({ database: probe.db, clock });
  const counted = countingStore(store);
  const outbox = capturingOutbox();
  const mfa = createMfa({
    store: counted.store,
    keyring: createKeyring({ current: "k1", keys: { k1: "p".repeat(43) } }),
    tenant: { name: "Contoso", domains: ["contoso.com"] },
    policy: seedPolicy(["GB"]),
    senders: outbox,
    // Every user has a number of its own; only the hourly caps across users are lifted.
    limits: { globalPerHour: 10_000_000, perCountryPerHour: 10_000_000, perPrefixPerHour: 100_000 },
    clock,
  });
  const run: WizardRun = { mfa, outbox, clock };
  let users = 0;
  const fresh = (factor: WizardUser["factor"]) => {
    // Codes are read right after they are sent: older messages only hold memory (RSS is measured).
    if (outbox.messages.length > 1000) outbox.clear();
    return wizardUser(users++, factor, clock.now());
  };
  // The seed user's recovery phone is its MFA phone: the second send waits out the cooldown.
  const enrol = (u: WizardUser, pauseAt?: (view: EnrolmentView) => boolean) =>
    drive(u, run, pauseAt, (next, _label, call) => {
      if (next?.input.step === "recovery-phone") clock.advance(COOLDOWN_MS);
      return call();
    });
  const enrolled = async (factor: WizardUser["factor"]) => {
    const u = fresh(factor);
    await enrol(u);
    // A new TOTP step and the cooldown past, as a later sign-in finds them.
    clock.advance(COOLDOWN_MS);
    return u;
  };
  const expect = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`mfakit: ${what} was refused`);
  };
  return {
    does: {
      totpEnrolment: "wizard: choose the authenticator app, confirm a code (2 submits)",
      smsSendVerify: "challenge.start (SMS) + challenge.verify",
      totpSignIn: "challenge.verifyTotp",
      backupCode: "challenge.verifyAppPassword (stand-in until verifyRecoveryCode lands)",
      enrolment:
        "the whole seed enrolment (start + 14 submits: SMS phone, app password, recovery email and phone)",
    },
    operations: {
      totpEnrolment: async () => {
        const u = fresh("app");
        await drive(u, run, (view) => view.step === "mfa-method");
        return async () => {
          await drive(u, run, (v) => v.step !== "mfa-method" && v.step !== "authenticator-setup");
          expect(u.secret !== null && u.view?.step !== "authenticator-setup", "TOTP enrolment");
        };
      },
      smsSendVerify: async () => {
        const u = await enrolled("sms");
        return async () => {
          const started = await mfa.challenge.start({
            userId: u.userId,
            method: "authentication-phone",
            delivery: "sms",
          });
          if (!started.ok) throw new Error(`mfakit: challenge.start: ${started.reason}`);
          const verified = await mfa.challenge.verify({
            userId: u.userId,
            challengeId: started.challengeId,
            code: outbox.lastCode(u.number),
          });
          expect(verified.ok, "the SMS code");
        };
      },
      totpSignIn: async () => {
        const u = await enrolled("app");
        const seed = base32Decode(u.secret ?? "");
        return async () => {
          const code = totpAt(seed, clock.now() / 1000);
          expect((await mfa.challenge.verifyTotp({ userId: u.userId, code })).ok, "the TOTP code");
        };
      },
      // The slot for recovery codes: when `mfa.challenge.verifyRecoveryCode` lands, enrol a
      // user with codes here and check one; until then the app password is the nearest check
      // (a stored secret, looked up and compared in constant time, then throttled).
      backupCode: async () => {
        const u = await enrolled("sms");
        const password = u.appPassword ?? "";
        return async () => {
          const verified = await mfa.challenge.verifyAppPassword({ userId: u.userId, password });
          expect(verified.ok, "the app password");
        };
      },
      enrolment: async () => {
        const u = fresh("sms");
        return async () => {
          await enrol(u);
          expect(u.view?.step === "done", "the seed enrolment");
        };
      },
    },
    probe,
    storeCalls: () => counted.count().calls,
    async close() {
      probe.db.close();
    },
  };
}
