/**
 * Single-use cases for recovery codes: one code of a user's set, used by 50 sign-ins at once
 * through the public `createMfa` API, signs in exactly once; the others are refused and the set
 * counts one code used (LIFE-03, REL-01). On a store whose compare-and-set does not compare,
 * every parallel use commits and the case rejects.
 *
 * @module
 */

import type { EnrolmentView } from "@mfakit/core";
import { expect } from "vitest";
import { freshPhoneUser, kitMfa } from "../kit-sdk.js";
import type { SingleUseCase, SingleUseContext } from "./case.js";

/** Parallel uses of one code (REL-01's figure). */
const PARALLEL = 50;

/** A fresh user through the wizard (phone by text), with the recovery codes its step showed. */
async function userWithCodes(context: SingleUseContext) {
  const { mfa, outbox } = kitMfa(context, {
    policy: {
      mfa: { methods: ["authentication-phone"], required: 1 },
      appPasswords: { enabled: false },
      phone: { allowedCountries: ["GB"] },
      recoveryCodes: { enabled: true },
    },
  });
  const { userId, e164 } = freshPhoneUser("codes");
  const session = () => ({ userId, authenticatedAt: context.clock.now() });
  let view: EnrolmentView = await mfa.enrolment.start(session());
  view = await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session());
  view = await mfa.enrolment.submit(
    view.id,
    {
      step: "mfa-method",
      method: "authentication-phone",
      number: `0${e164.slice(3)}`,
      country: "GB",
    },
    session(),
  );
  view = await mfa.enrolment.submit(
    view.id,
    { step: "verify-code", code: outbox.lastCode(e164) },
    session(),
  );
  if (view.step !== "recovery-codes" || !view.codes)
    throw new Error(`no codes shown (${view.step})`);
  return { mfa, userId, codes: view.codes, session };
}

/** The recovery codes cases, by name. */
export const cases: Readonly<Record<string, SingleUseCase>> = {
  "recovery-code": {
    title: `one recovery code used by ${PARALLEL} sign-ins at once signs in exactly once (LIFE-03, REL-01)`,
    async run(context) {
      const { mfa, userId, codes, session } = await userWithCodes(context);
      const code = codes[0] as string;
      const answers = await Promise.all(
        Array.from({ length: PARALLEL }, () =>
          mfa.challenge.verifyRecoveryCode({ userId, code }).then((r) => (r.ok ? "ok" : r.reason)),
        ),
      );
      expect(answers.filter((a) => a === "ok")).toHaveLength(1);
      // The rest were refused: the code already used, or told to wait their turn.
      for (const a of answers.filter((x) => x !== "ok"))
        expect(["replayed", "factor_locked"]).toContain(a);
      const status = await mfa.securityInfo.recoveryCodes.status(session());
      expect(status.remaining).toBe(codes.length - 1);
      // And it stays used.
      expect(await mfa.challenge.verifyRecoveryCode({ userId, code })).toEqual({
        ok: false,
        reason: "replayed",
      });
    },
  },
};
