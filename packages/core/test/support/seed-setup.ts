/** A ready-made SDK over the memory store, the capturing outbox and a fake clock, for tests. */
import {
  createKeyring,
  createMfa,
  type EnrolmentView,
  type LimitsInput,
  type MfaEvent,
  memoryStore,
  type PolicyInput,
  type Senders,
  type SendRiskHook,
  type Store,
  seedPolicy,
} from "@mfakit/core";
import { capturingOutbox, fakeClock } from "@mfakit/testing";

export const KEY = "a".repeat(43); // 32 bytes of base64url

/** Builds an SDK for tests; everything it touches is returned for assertions. */
export function seedSetup(
  options: {
    policy?: PolicyInput;
    limits?: LimitsInput;
    store?: Store;
    beforeSend?: SendRiskHook;
    /** Senders used instead of the outbox's, channel by channel. */
    senders?: Senders;
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

/** Adds and confirms a recovery email through Security info's scoped enrolment; ends at its finish. */
export async function addRecoveryEmail(
  mfa: ReturnType<typeof createMfa>,
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
