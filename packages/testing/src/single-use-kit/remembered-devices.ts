/**
 * Remembered devices under parallel sign-ins: each "don't ask again" that answered with a device
 * is kept (no lost write), and each device is recognised by its own token only.
 *
 * @module
 */

import { isMfaError } from "@mfakit/core";
import { freshPhoneUser, kitMfa, registerPhone } from "../kit-sdk.js";
import type { SingleUseCase } from "./case.js";

/** Sign-ins that remember a device at once: under the cap of 20 devices a user may keep. */
const PARALLEL = 15;

const rememberedInParallel: SingleUseCase = {
  title: `${PARALLEL} parallel sign-ins that each remember a device keep every device they answered with (REL-01)`,
  async run({ store, clock }) {
    const { mfa, outbox } = kitMfa(
      { store, clock },
      {
        policy: {
          mfa: { methods: ["authentication-phone"], required: 1 },
          appPasswords: { enabled: false },
          phone: { allowedCountries: ["GB"] },
          rememberDeviceDays: 30,
        },
      },
    );
    const { userId, e164 } = freshPhoneUser("devices");
    await registerPhone(mfa, userId, e164, clock.now());
    // One challenge per sign-in, started one after another; then every code checked at once.
    const challenges: Array<{ id: string; code: string }> = [];
    for (let i = 0; i < PARALLEL; i++) {
      const started = await mfa.challenge.start({ userId, method: "authentication-phone" });
      if (!started.ok) throw new Error(`challenge ${i} did not start: ${started.reason}`);
      challenges.push({ id: started.challengeId, code: outbox.lastCode(e164) });
    }
    const answers = await Promise.all(
      challenges.map((c, i) =>
        mfa.challenge
          .verify({ userId, challengeId: c.id, code: c.code, remember: { name: `Device ${i}` } })
          .catch((e: unknown) => {
            if (isMfaError(e, "store_conflict")) return null;
            throw e;
          }),
      ),
    );
    const tokens = answers.flatMap((a) => (a?.ok && a.device ? [a.device] : []));
    if (tokens.length === 0) throw new Error("no sign-in remembered a device");
    const listed = await mfa.securityInfo.devices.list({ userId, authenticatedAt: clock.now() });
    if (listed.length !== tokens.length)
      throw new Error(
        `${tokens.length} sign-ins answered with a device, ${listed.length} devices are kept`,
      );
    for (const device of tokens) {
      const seen = await mfa.challenge.recognizeDevice({ userId, token: device.token });
      if (!seen.ok || seen.deviceId !== device.id)
        throw new Error(`device ${device.id} was answered but is not recognised by its token`);
    }
  },
};

/** The remembered-device cases, by name. */
export const cases: Readonly<Record<string, SingleUseCase>> = { rememberedInParallel };
