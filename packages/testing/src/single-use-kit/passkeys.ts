/**
 * Single-use cases for passkeys: a sign-in challenge is answered once. Fifty requests present
 * the same signed assertion for the same challenge at once: exactly one signs in, the others are
 * refused (the challenge was taken by the one that committed), and the stored signature counter
 * moved once (LIFE-03, REL-01).
 *
 * @module
 */

import { createKeyring, createMfa, isMfaError } from "@mfakit/core";
import { softwareAuthenticator } from "../software-authenticator.js";
import type { SingleUseCase, SingleUseContext } from "./case.js";

const ORIGIN = "https://login.contoso.com";
const PARALLEL = 50;

/** A fresh user holding one passkey, registered through the wizard. */
async function userWithPasskey({ store, clock }: SingleUseContext) {
  const mfa = createMfa({
    store,
    keyring: createKeyring({ current: "k1", keys: { k1: "p".repeat(43) } }),
    tenant: { name: "Contoso", domains: ["contoso.com"] },
    policy: { mfa: { methods: ["passkey"], required: 1 }, recovery: { methods: [], required: 0 } },
    webauthn: { rpId: "contoso.com", rpName: "Contoso", origins: [ORIGIN] },
    clock,
  });
  const userId = `pk-${Math.random().toString(36).slice(2, 10)}@contoso.com`;
  const session = () => ({ userId, authenticatedAt: clock.now() });
  const authenticator = softwareAuthenticator({ origin: ORIGIN });
  let view = await mfa.enrolment.start(session());
  view = await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session());
  view = await mfa.enrolment.submit(view.id, { step: "mfa-method", method: "passkey" }, session());
  if (view.step !== "factor-setup") throw new Error(`expected factor-setup, got ${view.step}`);
  const answer = authenticator.create(view.ceremony.options);
  view = await mfa.enrolment.submit(view.id, { step: "factor-setup", answer }, session());
  if (view.step !== "finish") throw new Error(`expected finish, got ${view.step}`);
  return { mfa, userId, authenticator };
}

/** The passkeys cases, by name. */
export const cases: Readonly<Record<string, SingleUseCase>> = {
  "passkey-assertion": {
    title: `${PARALLEL} parallel verifies of one passkey assertion and challenge: exactly one signs in, the counter moves once (LIFE-03, REL-01)`,
    async run(context) {
      const { mfa, userId, authenticator } = await userWithPasskey(context);
      const started = await mfa.challenge.beginPasskey({ userId });
      const response = authenticator.get(started.options);
      const outcomes = await Promise.all(
        Array.from({ length: PARALLEL }, () =>
          mfa.challenge
            .verifyPasskey({ userId, challengeId: started.challengeId, response })
            .then((r) => (r.ok ? "ok" : r.reason))
            .catch((e: unknown) => (isMfaError(e) ? e.code : `untyped: ${String(e)}`)),
        ),
      );
      const ok = outcomes.filter((o) => o === "ok").length;
      if (ok !== 1) throw new Error(`${ok} of ${PARALLEL} uses of one assertion signed in`);
      const refused = new Set(outcomes.filter((o) => o !== "ok"));
      for (const reason of refused)
        if (!["challenge_not_found", "factor_locked"].includes(reason))
          throw new Error(`a refused use answered ${reason}`);
      const counter = (await mfa.registrations.get(userId)).passkeys?.[0]?.counter;
      if (counter !== 1) throw new Error(`the stored counter is ${counter}, not 1`);
    },
  },
};
