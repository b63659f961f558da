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
  // The bench's connection is the store's alone (the probe only counts): group commit as with
  // `path`, the store's default when it opens the file itself.
  const store = sqliteStore({ database: probe.db, clock, groupCommit: true });
  const counted = countingStore(store);
  const outbox = capturingOutbox();
  const mfa = createMfa({
    store: counted.store,
    keyring: createKeyring({ current: "k1", keys: { k1: "p".repeat(43) } }),
    tenant: { name: "Contoso", domains: ["contoso.com"] },
    // Recovery codes on, but not offered in the wizard: the seed enrolment stays the flow it
    // is compared as; the backup-code user gets a set from Security info (untimed).
    policy: {
      ...seedPolicy(["GB"]),
      recoveryCodes: { enabled: true, offerDuringEnrolment: false },
    },
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
      backupCode: "challenge.verifyRecoveryCode",
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
      // The peer's backup codes are made when it enables two-factor; ours by Security info's
      // regenerate for a user enrolled by SMS (both untimed). The check: one code, used up.
      backupCode: async () => {
        const u = await enrolled("sms");
        const made = await mfa.securityInfo.recoveryCodes.regenerate({
          userId: u.userId,
          authenticatedAt: clock.now(),
        });
        const code = made.codes[0] ?? "";
        return async () => {
          const verified = await mfa.challenge.verifyRecoveryCode({ userId: u.userId, code });
          expect(verified.ok, "the recovery code");
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
