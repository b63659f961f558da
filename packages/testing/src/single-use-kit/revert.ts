/**
 * Single-use cases for "this wasn't me" links: one link used by many requests at once reverts its
 * change exactly once (LIFE-03, REL-01). The check of the token and its consumption are one
 * commit of the user's document, so only the store's compare-and-set keeps it to one.
 *
 * @module
 */

import { isMfaError, type PolicyInput } from "@mfakit/core";
import { expect } from "vitest";
import { freshPhoneUser, kitMfa } from "../kit-sdk.js";
import type { SingleUseCase, SingleUseContext } from "./case.js";

/** Requests that use one link at once. */
const PARALLEL = 50;
const LINK = "https://app.example/r/";

const policy: PolicyInput = {
  mfa: { methods: ["authentication-phone"], required: 1 },
  appPasswords: { enabled: true, offerDuringEnrolment: false },
  phone: { allowedCountries: ["GB"], deliveries: ["sms"] },
};

/**
 * A fresh user with an authentication phone who then creates an app password: the notice to the
 * phone carries the link. Answers the SDK and the link's token.
 */
async function userWithLink(context: SingleUseContext) {
  const { mfa, outbox } = kitMfa(context, {
    policy,
    revert: { url: (token) => LINK + token },
  });
  const { userId, e164: phone } = freshPhoneUser("revert");
  const session = () => ({ userId, authenticatedAt: context.clock.now() });
  let view = await mfa.enrolment.start(session());
  view = await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session());
  view = await mfa.enrolment.submit(
    view.id,
    { step: "mfa-method", method: "authentication-phone", number: phone, delivery: "sms" },
    session(),
  );
  view = await mfa.enrolment.submit(
    view.id,
    { step: "verify-code", code: outbox.lastCode(phone) },
    session(),
  );
  expect(view.step).toBe("finish");
  await mfa.securityInfo.appPasswords.create(session(), "Thunderbird");
  const notice = outbox.to(phone).at(-1);
  const token = notice?.channel === "sms" ? notice.text.split(LINK)[1] : undefined;
  if (!token) throw new Error("the notice carries no revert link");
  return { mfa, userId, token, session };
}

/** The revert cases, by name. */
export const cases: Readonly<Record<string, SingleUseCase>> = {
  "revert-link": {
    title: `${PARALLEL} parallel reverts of one "this wasn't me" link: exactly one reverts (LIFE-03, REL-01)`,
    async run(context) {
      const { mfa, token, session } = await userWithLink(context);
      const results = await Promise.all(
        Array.from({ length: PARALLEL }, () =>
          mfa.revertChange({ token }).then(
            () => "reverted",
            (e: unknown) => {
              // A lost race is told as a used link, or (past the retries) as a conflict.
              if (isMfaError(e, "revert_link_invalid") || isMfaError(e, "store_conflict"))
                return "refused";
              throw e;
            },
          ),
        ),
      );
      expect(results.filter((r) => r === "reverted")).toHaveLength(1);
      expect(await mfa.securityInfo.appPasswords.list(session())).toEqual([]);
      await expect(mfa.revertChange({ token })).rejects.toMatchObject({
        code: "revert_link_invalid",
      });
    },
  },
};
