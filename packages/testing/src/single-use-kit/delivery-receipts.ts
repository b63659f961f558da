/**
 * Delivery receipts under parallel webhooks: a provider retries, and its receipts arrive at once
 * and out of order. Whatever the order, the message ends at its best status and each status is
 * counted once in the delivery figures.
 *
 * @module
 */

import { isMfaError } from "@mfakit/core";
import { capturingOutbox } from "../capturing-outbox.js";
import { freshPhoneUser, kitMfa, registerPhone } from "../kit-sdk.js";
import type { SingleUseCase } from "./case.js";

/** Receipts for one message fired at once: half "delivered", half "sent", interleaved. */
const PARALLEL = 50;

const receiptsInParallel: SingleUseCase = {
  title: `${PARALLEL} parallel receipts of one message (duplicates, out of order) end at delivered and count it once (REL-01)`,
  async run({ store, clock }) {
    const outbox = capturingOutbox();
    const provider = `kit${Math.random().toString(36).slice(2, 8)}`;
    let n = 0;
    const { mfa } = kitMfa(
      { store, clock },
      {
        policy: {
          mfa: { methods: ["authentication-phone"], required: 1 },
          appPasswords: { enabled: false },
          phone: { allowedCountries: ["GB"] },
        },
        senders: {
          ...outbox,
          sms: {
            id: `${provider}-sms`,
            send: async (message) => {
              await outbox.sms.send(message);
              return { provider, messageId: `${provider}-${++n}` };
            },
          },
        },
      },
      outbox,
    );
    const { userId, e164 } = freshPhoneUser("receipts");
    await registerPhone(mfa, userId, e164, clock.now());
    const started = await mfa.challenge.start({ userId, method: "authentication-phone" });
    if (!started.ok) throw new Error(`the challenge did not start: ${started.reason}`);
    const messageId = `${provider}-${n}`;
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        mfa.delivery
          .receipt({ provider, messageId, status: i % 2 === 0 ? "delivered" : "sent" })
          .catch((e: unknown) => {
            if (isMfaError(e, "store_conflict")) return null;
            throw e;
          }),
      ),
    );
    if (answers.every((a) => a === null)) throw new Error("no receipt was taken");
    const status = await mfa.challenge.status({ userId, challengeId: started.challengeId });
    if (!status.ok || status.delivery?.status !== "delivered")
      throw new Error(`the challenge shows ${JSON.stringify(status.ok && status.delivery)}`);
    const rows = (await mfa.admin.deliveryReport()).filter((r) => r.provider === provider);
    const delivered = rows.reduce((sum, r) => sum + r.delivered, 0);
    const sent = rows.reduce((sum, r) => sum + r.sent, 0);
    if (sent !== 1 || delivered !== 1)
      throw new Error(`one message: counted sent ${sent} and delivered ${delivered} times`);
  },
};

/** The delivery-receipt cases, by name. */
export const cases: Readonly<Record<string, SingleUseCase>> = { receiptsInParallel };
