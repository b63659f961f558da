/**
 * An SDK for receipt webhook tests: phones registered for two users, sign-in challenges started
 * through the adapter's real senders, and the challenge's `delivery` read back. The adapter's
 * test points the senders' callback URLs at a {@link serveWebhook} server and lets its provider
 * fake post signed webhooks there.
 *
 * @module
 */

import {
  createKeyring,
  createMfa,
  type DeliveryView,
  type Mfa,
  memoryStore,
  type Senders,
} from "@mfakit/core";
import { type FakeClock, fakeClock } from "./fake-clock.js";
import { registerPhone } from "./kit-sdk.js";
import { serveWebhook, type WebhookServer } from "./webhook-server.js";

/** Users with a registered authentication phone, and their numbers. */
export const RECEIPT_USERS: Readonly<Record<string, string>> = Object.freeze({
  "alice@contoso.com": "+447400123456",
  "bob@contoso.com": "+447400654321",
});

/** How {@link receiptTestMfa} wires an adapter. */
export interface ReceiptTestOptions {
  /** The adapter's real senders, their callback URLs under `webhookUrl` (the local server). */
  senders(webhookUrl: string): Senders;
  /** The adapter's handlers to mount, by path (`/twilio`), over the SDK's `mfa.delivery`. */
  webhooks(
    delivery: Mfa["delivery"],
  ): Readonly<Record<string, (request: Request) => Promise<Response>>>;
}

/** What {@link receiptTestMfa} gives a test. */
export interface ReceiptTestMfa {
  readonly mfa: Mfa;
  readonly clock: FakeClock;
  /** The local server the handlers are mounted on (404 for any other path). */
  readonly hook: WebhookServer;
  /** Starts a sign-in challenge (past the destination's cooldown); its id. */
  signIn(userId: string, delivery?: "sms" | "voice"): Promise<string>;
  /** The challenge's `delivery`, as `challenge.status` shows it. */
  delivery(userId: string, challengeId: string): Promise<DeliveryView | null>;
}

/**
 * Builds the SDK over a memory store and a fake clock, with the {@link RECEIPT_USERS}' phones
 * registered, the adapter's senders and its webhook handlers served on a local port.
 */
export async function receiptTestMfa(options: ReceiptTestOptions): Promise<ReceiptTestMfa> {
  let routes: Readonly<Record<string, (request: Request) => Promise<Response>>> = {};
  const hook = await serveWebhook(async (request) => {
    const handler = routes[new URL(request.url).pathname];
    return handler ? handler(request) : new Response(null, { status: 404 });
  });
  // The providers' webhooks carry times checked against the real clock, never the SDK's.
  const clock = fakeClock(Date.UTC(2026, 10, 25, 9));
  const mfa = createMfa({
    store: memoryStore({ clock }),
    keyring: createKeyring({ current: "k1", keys: { k1: "b".repeat(43) } }),
    tenant: { name: "Contoso", domains: ["contoso.com"] },
    policy: {
      mfa: { methods: ["authentication-phone", "authenticator-app"], required: 1 },
      recovery: { methods: ["phone"] },
      appPasswords: { enabled: false },
      phone: { allowedCountries: ["GB"] },
    },
    senders: options.senders(hook.url),
    clock,
  });
  routes = options.webhooks(mfa.delivery);
  for (const [userId, e164] of Object.entries(RECEIPT_USERS)) {
    await registerPhone(mfa, userId, e164, 0);
  }
  return {
    mfa,
    clock,
    hook,
    async signIn(userId, delivery = "sms") {
      clock.advance(120_000); // past the destination's cooldown
      const started = await mfa.challenge.start({
        userId,
        method: "authentication-phone",
        delivery,
      });
      if (!started.ok) throw new Error(`sign-in not started: ${JSON.stringify(started)}`);
      return started.challengeId;
    },
    async delivery(userId, challengeId) {
      const status = await mfa.challenge.status({ userId, challengeId });
      return status.ok ? status.delivery : null;
    },
  };
}
