/**
 * "Remember this device": remembered only by a successful second-factor check, recognised by its
 * token until the expiry fixed at creation, listed without the token, revoked one by one, all at
 * once, on a password change and on an admin's factor reset.
 */
import { isMfaError, type MfaEvent } from "@mfakit/core";
import { describe, expect, it } from "vitest";
import { expectStep, phoneThroughWizard, seedSetup } from "./support/seed-setup.ts";

const USER = "dee@contoso.com";
const PHONE = "+447400123456";
const DAYS = 30;

/** A user with an authentication phone, and a sign-in challenge verified with `remember`. */
async function signedInRemembering(options: { days?: number } = {}) {
  const setup = seedSetup({
    policy: {
      mfa: { methods: ["authentication-phone"], required: 1 },
      appPasswords: { enabled: false },
      appSteps: [{ id: "change-password", title: "Update your password", changesPassword: true }],
      phone: { allowedCountries: ["GB"] },
      rememberDeviceDays: options.days ?? DAYS,
    },
  });
  const { mfa, clock, outbox } = setup;
  const session = () => ({ userId: USER, authenticatedAt: clock.now() });
  let view = await phoneThroughWizard(mfa, outbox, session, await mfa.enrolment.start(session()));
  view = await mfa.enrolment.submit(view.id, { step: "finish", action: "finish" }, session());
  expectStep(view, "done");
  clock.advance(31_000);
  const started = await mfa.challenge.start({ userId: USER, method: "authentication-phone" });
  if (!started.ok) throw new Error("not started");
  const result = await mfa.challenge.verify({
    userId: USER,
    challengeId: started.challengeId,
    code: outbox.lastCode(PHONE),
    remember: { name: "Firefox on Windows" },
  });
  return { ...setup, session, result };
}

describe("remember this device", () => {
  it("a successful check remembers the device; its token is recognised until the fixed expiry, and never stored or logged in plain (STORE-02, STORE-06, LOG-01)", async () => {
    const { mfa, clock, store, events, result } = await signedInRemembering();
    if (!result.ok || !result.device) throw new Error("no device remembered");
    const { token, id, expiresAt } = result.device;
    expect(expiresAt).toBe(clock.now() + DAYS * 86_400_000);
    expect(await mfa.challenge.recognizeDevice({ userId: USER, token })).toEqual({
      ok: true,
      deviceId: id,
    });
    // Bound to the user: another user's id does not recognise it.
    expect(await mfa.challenge.recognizeDevice({ userId: "other@contoso.com", token })).toEqual({
      ok: false,
    });
    const stored = JSON.stringify((await store.list("mfa:")).items);
    expect(stored).not.toContain(token);
    expect(JSON.stringify(events as MfaEvent[])).not.toContain(token);
    expect(events.map((e) => e.type)).toContain("device.remembered");
    // Using it does not extend it.
    clock.advance(DAYS * 86_400_000 - 1000);
    expect((await mfa.challenge.recognizeDevice({ userId: USER, token })).ok).toBe(true);
    clock.advance(2000);
    expect(await mfa.challenge.recognizeDevice({ userId: USER, token })).toEqual({ ok: false });
  });

  it("is listed in Security info without its token, and revoked one by one behind step-up, at once (BIND-01, BIND-08)", async () => {
    const { mfa, clock, session, result } = await signedInRemembering();
    if (!result.ok || !result.device) throw new Error("no device remembered");
    const listed = await mfa.securityInfo.devices.list(session());
    expect(listed).toEqual([
      expect.objectContaining({
        id: result.device.id,
        name: "Firefox on Windows",
        lastUsedAt: null,
      }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(result.device.token);
    const stale = { userId: USER, authenticatedAt: clock.now() - 11 * 60_000 };
    const refused = await mfa.securityInfo.devices
      .revoke(stale, result.device.id)
      .catch((e: unknown) => e);
    expect(isMfaError(refused, "reauthentication_required")).toBe(true);
    expect(await mfa.securityInfo.devices.revoke(session(), result.device.id)).toBe(true);
    expect(
      await mfa.challenge.recognizeDevice({ userId: USER, token: result.device.token }),
    ).toEqual({ ok: false });
  });

  it("an admin's factor reset forgets every device (BIND-09)", async () => {
    const { mfa, result } = await signedInRemembering();
    if (!result.ok || !result.device) throw new Error("no device remembered");
    await mfa.admin.requireReregistration(USER);
    expect(
      await mfa.challenge.recognizeDevice({ userId: USER, token: result.device.token }),
    ).toEqual({ ok: false });
  });

  it("a password change (an app step that changes it) forgets every device", async () => {
    const { mfa, session, result, outbox } = await signedInRemembering();
    if (!result.ok || !result.device) throw new Error("no device remembered");
    let view = await mfa.enrolment.start({ ...session(), appSteps: ["change-password"] });
    view = await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session());
    expectStep(view, "app-step");
    await mfa.enrolment.submit(
      view.id,
      { step: "app-step", action: "done", stepId: "change-password" },
      session(),
    );
    expect(
      await mfa.challenge.recognizeDevice({ userId: USER, token: result.device.token }),
    ).toEqual({ ok: false });
    expect(outbox.messages.length).toBeGreaterThan(0);
  });

  it("nothing is remembered when the policy turns it off, and a malformed token is a typed error (REL-07)", async () => {
    const { mfa, result } = await signedInRemembering({ days: 0 });
    expect(result).toEqual({ ok: true, method: "authentication-phone" });
    for (const token of ["", "dv_short", "x".repeat(1_000_000), "dv_😀".padEnd(46, "a")]) {
      const error = await mfa.challenge
        .recognizeDevice({ userId: USER, token })
        .catch((e: unknown) => e);
      expect(isMfaError(error, "invalid_input")).toBe(true);
    }
  });
});
