/** A ready-made SDK over the memory store, the capturing outbox and a fake clock, for tests. */

import {
  createKeyring,
  createMfa,
  type DeliveryOptions,
  type EnrolmentView,
  type FactorModule,
  type LimitsInput,
  type Mfa,
  type MfaEvent,
  memoryStore,
  type PolicyInput,
  type RevertOptions,
  type Senders,
  type SendRiskHook,
  type Store,
  seedPolicy,
  type WebAuthnOptions,
} from "@mfakit/core";
import { base32Decode, totpAt } from "@mfakit/core/totp";
import {
  type CapturedMessage,
  type CapturingOutbox,
  capturingOutbox,
  type FakeClock,
  fakeClock,
} from "@mfakit/testing";

export const KEY = "a".repeat(43); // 32 bytes of base64url

/** The relying party of the tests' passkeys: the software authenticator answers from its origin. */
export const TEST_WEBAUTHN: WebAuthnOptions = {
  rpId: "contoso.com",
  rpName: "Contoso",
  origins: ["https://login.contoso.com"],
};

/** Builds an SDK for tests; everything it touches is returned for assertions. */
export function seedSetup(
  options: {
    policy?: PolicyInput;
    limits?: LimitsInput;
    store?: Store;
    beforeSend?: SendRiskHook;
    /** Senders used instead of the outbox's, channel by channel. */
    senders?: Senders;
    /** "This wasn't me" links on notices. */
    revert?: RevertOptions;
    /** The relying party, for passkeys; `null` for none. @default {@link TEST_WEBAUTHN} */
    webauthn?: WebAuthnOptions | null;
    /** Delivery receipts' consequences (failover). */
    delivery?: DeliveryOptions;
    /** Factor modules from outside core. */
    factors?: readonly FactorModule[];
  } = {},
) {
  const clock = fakeClock(Date.UTC(2026, 10, 25, 9, 0, 0));
  const store = options.store ?? memoryStore({ clock });
  const outbox = capturingOutbox();
  const events: MfaEvent[] = [];
  const keyring = createKeyring({ current: "k1", keys: { k1: KEY } });
  const mfa = createMfa({
    store,
    keyring,
    tenant: { name: "Contoso", domains: ["contoso.com", "contoso.onmicrosoft.com"] },
    policy: options.policy ?? seedPolicy(["GB", "US", "DE"]),
    senders: { sms: outbox.sms, voice: outbox.voice, email: outbox.email, ...options.senders },
    limits: options.limits,
    clock,
    events: { emit: (e) => void events.push(e) },
    ...(options.beforeSend ? { beforeSend: options.beforeSend } : {}),
    ...(options.revert ? { revert: options.revert } : {}),
    ...(options.delivery ? { delivery: options.delivery } : {}),
    ...(options.factors ? { factors: options.factors } : {}),
    ...(options.webauthn === null ? {} : { webauthn: options.webauthn ?? TEST_WEBAUTHN }),
  });
  return { mfa, store, outbox, clock, events, keyring };
}

/** Narrows a view to a step, failing the test with the actual step otherwise. */
export function expectStep<S extends EnrolmentView["step"]>(
  view: EnrolmentView,
  step: S,
): Extract<EnrolmentView, { step: S }> {
  if (view.step !== step) {
    throw new Error(
      `expected step "${step}", got "${view.step}" (notice: ${JSON.stringify(view.notice)})`,
    );
  }
  return view as Extract<EnrolmentView, { step: S }>;
}

/** Answers the wizard from its intro to a code sent by text to `number`: the verify-code view. */
export async function phoneCodeSent(
  mfa: ReturnType<typeof createMfa>,
  session: () => { userId: string; authenticatedAt: number },
  start: EnrolmentView,
  number = "07400 123456",
): Promise<EnrolmentView> {
  const view = await mfa.enrolment.submit(start.id, { step: "intro", action: "setup" }, session());
  return mfa.enrolment.submit(
    view.id,
    { step: "mfa-method", method: "authentication-phone", number, country: "GB", delivery: "sms" },
    session(),
  );
}

/** Answers the wizard from its intro to a verified authentication phone: the view after the code. */
export async function phoneThroughWizard(
  mfa: ReturnType<typeof createMfa>,
  outbox: ReturnType<typeof capturingOutbox>,
  session: () => { userId: string; authenticatedAt: number },
  start: EnrolmentView,
): Promise<EnrolmentView> {
  const view = await phoneCodeSent(mfa, session, start);
  return mfa.enrolment.submit(
    view.id,
    { step: "verify-code", code: outbox.lastCode("+447400123456") },
    session(),
  );
}

/**
 * A policy of an authentication phone or an authenticator app (one required), recovery by email
 * or phone (none required), app passwords not offered in the wizard, phones from GB.
 */
export const phoneAndEmailPolicy = {
  mfa: {
    methods: ["authentication-phone" as const, "authenticator-app" as const],
    required: 1,
  },
  recovery: { methods: ["email" as const, "phone" as const], required: 0 },
  appPasswords: { enabled: true, offerDuringEnrolment: false },
  phone: { allowedCountries: ["GB"] },
};

/**
 * Enrols `userId` with the authentication phone +447400123456 through the wizard (in `locale`) and
 * the recovery `email` through Security info; a fresh session each time it is called.
 */
export async function enrolPhoneAndEmail(
  setup: ReturnType<typeof seedSetup>,
  user: { userId: string; email: string; locale?: string },
) {
  const { mfa, outbox, clock } = setup;
  const session = () => ({ userId: user.userId, authenticatedAt: clock.now() });
  let view = await phoneThroughWizard(
    mfa,
    outbox,
    session,
    await mfa.enrolment.start({ ...session(), locale: user.locale ?? "en" }),
  );
  if (view.step === "app-password")
    view = await mfa.enrolment.submit(view.id, { step: "app-password", action: "done" }, session());
  expectStep(view, "finish");
  view = await mfa.enrolment.submit(view.id, { step: "finish", action: "finish" }, session());
  clock.advance(31_000);
  // The recovery email through Security info's scoped enrolment.
  await addRecoveryEmail(mfa, outbox, session, user.email);
  clock.advance(31_000);
  return session;
}

/** Messages and events after a mark. */
export function since(outbox: CapturingOutbox, events: MfaEvent[]) {
  const m = outbox.messages.length;
  const e = events.length;
  return {
    messages: (): CapturedMessage[] => outbox.messages.slice(m),
    events: () => events.slice(e),
  };
}

/**
 * Adds an authenticator app through Security info and confirms it: the view at `finish`, and
 * the app's secret (to compute later codes).
 */
export async function addAuthenticator(
  mfa: Mfa,
  session: { userId: string; authenticatedAt: number },
  clock: FakeClock,
): Promise<{ view: EnrolmentView; secret: Uint8Array }> {
  let view = await mfa.securityInfo.add(session, "authenticator-app");
  view = await mfa.enrolment.submit(
    view.id,
    { step: "mfa-method", method: "authenticator-app" },
    session,
  );
  const secret = base32Decode(expectStep(view, "authenticator-setup").secret ?? "");
  const code = totpAt(secret, clock.now() / 1000);
  view = await mfa.enrolment.submit(view.id, { step: "authenticator-setup", code }, session);
  return { view: expectStep(view, "finish"), secret };
}

/** Adds and confirms a recovery email through Security info's scoped enrolment. */
export async function addRecoveryEmail(
  mfa: Mfa,
  outbox: ReturnType<typeof capturingOutbox>,
  session: () => { userId: string; authenticatedAt: number },
  email: string,
): Promise<EnrolmentView> {
  let add = await mfa.securityInfo.add(session(), "recovery-email");
  add = await mfa.enrolment.submit(add.id, { step: "recovery-email", email }, session());
  add = await mfa.enrolment.submit(
    add.id,
    { step: "verify-code", code: outbox.lastCode(email) },
    session(),
  );
  return expectStep(add, "finish");
}
