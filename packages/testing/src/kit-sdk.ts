/**
 * What the kits' cases share to build an SDK over a store under test: one configuration (the
 * kits' keyring, tenant, open send limits, a capturing outbox), a fresh user with a GB mobile, and
 * a phone registered directly (for cases about sign-in, not enrolment).
 *
 * @module
 */

import { createKeyring, createMfa, type Mfa, type MfaConfig, type Store } from "@mfakit/core";
import { type CapturingOutbox, capturingOutbox } from "./capturing-outbox.js";
import type { FakeClock } from "./fake-clock.js";
import { openSendLimits } from "./open-send-limits.js";

/** An SDK a kit case drives, and the outbox its codes go to. */
export interface KitSdk {
  readonly mfa: Mfa;
  readonly outbox: CapturingOutbox;
}

/**
 * `createMfa` over `store` and `clock` with the kits' keyring, tenant (Contoso), open send limits
 * and a capturing outbox as senders; `config` adds or overrides the rest (the policy above all).
 */
export function kitMfa(
  context: { readonly store: Store; readonly clock: FakeClock },
  config: Partial<MfaConfig> & Pick<MfaConfig, "policy">,
  outbox: CapturingOutbox = capturingOutbox(),
): KitSdk {
  const mfa = createMfa({
    store: context.store,
    keyring: createKeyring({ current: "k1", keys: { k1: "k".repeat(43) } }),
    tenant: { name: "Contoso", domains: ["contoso.com"] },
    senders: outbox,
    limits: openSendLimits,
    clock: context.clock,
    ...config,
  });
  return { mfa, outbox };
}

/** A random user id under `prefix` and a random GB mobile, so runs on a shared backend never meet. */
export function freshPhoneUser(prefix: string): { userId: string; e164: string } {
  const digits = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
  return {
    userId: `${prefix}-${Math.random().toString(36).slice(2, 10)}@contoso.com`,
    e164: `+447400${digits}`,
  };
}

/** Registers `e164` as `userId`'s authentication phone (texted), bound at `verifiedAt`. */
export async function registerPhone(
  mfa: Mfa,
  userId: string,
  e164: string,
  verifiedAt: number,
): Promise<void> {
  await mfa.registrations.update(userId, (r) => ({
    ...r,
    phones: {
      ...r.phones,
      "authentication-phone": { e164, country: "GB", extension: null, delivery: "sms", verifiedAt },
    },
  }));
}
