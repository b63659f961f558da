/**
 * Single-use cases for the Temporary Access Pass: a one-time pass used by many sign-ins at once.
 *
 * The check reads the user's pass, compares it and marks it used in one unit of work; only the
 * store's compare-and-set keeps the mark to one winner. With a put that does not compare, every
 * sign-in that read the pass before the first commit is let in.
 *
 * @module
 */

import { createKeyring, createMfa, isMfaError } from "@mfakit/core";
import type { SingleUseCase, SingleUseContext } from "./case.js";

/** Sign-ins fired at once with the same pass (SECURITY.md REL-01's figure). */
const PARALLEL = 50;

/** Answers a losing sign-in may give: the pass is spent, or it waited its turn. */
const REFUSED = new Set(["replayed", "factor_locked", "store_conflict"]);

async function oneTimePassOnce({ store, clock }: SingleUseContext): Promise<void> {
  const mfa = createMfa({
    store,
    keyring: createKeyring({ current: "k1", keys: { k1: "d".repeat(43) } }),
    tenant: { name: "Contoso", domains: ["contoso.com"] },
    // Authenticator apps only: the user has no channel, so no sender is needed.
    policy: {
      mfa: { methods: ["authenticator-app"], required: 1 },
      recovery: { methods: ["email"], required: 0 },
      temporaryAccessPass: { enabled: true },
    },
    senders: { email: { id: "unused", send: async () => ({ provider: "none", messageId: "" }) } },
    clock,
  });
  const userId = `tap-${Math.random().toString(36).slice(2, 10)}@contoso.com`;
  const { pass } = await mfa.admin.issueTemporaryAccessPass({ userId });
  const answers = await Promise.all(
    Array.from({ length: PARALLEL }, (_, i) =>
      mfa.challenge
        .verifyTemporaryAccessPass({ userId, pass, ip: `192.0.2.${i + 1}` })
        .then((r) => (r.ok ? "ok" : r.reason))
        .catch((e: unknown) => {
          if (isMfaError(e, "store_conflict")) return "store_conflict";
          throw e;
        }),
    ),
  );
  const won = answers.filter((a) => a === "ok").length;
  if (won !== 1) throw new Error(`${won} of ${PARALLEL} parallel uses of a one-time pass got in`);
  const odd = answers.filter((a) => a !== "ok" && !REFUSED.has(a));
  if (odd.length > 0) throw new Error(`unexpected answers: ${[...new Set(odd)].join(", ")}`);
  // And afterwards it stays spent.
  const after = await mfa.challenge.verifyTemporaryAccessPass({ userId, pass });
  if (after.ok) throw new Error("a spent one-time pass signed in again");
}

/** The temporary access pass cases, by name. */
export const cases: Readonly<Record<string, SingleUseCase>> = {
  "temporary-access-pass": {
    title: `a one-time Temporary Access Pass used by ${PARALLEL} sign-ins at once lets exactly one in (LIFE-03, REL-01)`,
    run: oneTimePassOnce,
  },
};
