/**
 * The seed (seed-office365-mfa-enrolment.txt) as an executable scenario, step by step.
 */
import { isMfaError } from "@mfakit/core";
import { describe, expect, it } from "vitest";
import { expectStep, seedSetup } from "./support/seed-setup.ts";

describe("the seed's enrolment, steps 1–20", () => {
  it("walks a new user with a temporary password through MFA, app password, password change and recovery", async () => {
    const { mfa, outbox, clock, events } = seedSetup();
    const user = "adele@contoso.com";
    const session = () => ({
      userId: user,
      authenticatedAt: clock.now() - 60_000,
      ip: "203.0.113.7",
    });

    // 1. The user signs in as normal; the app asks whether more information is required.
    expect((await mfa.required(user)).status).toBe("required");

    // 2. "More information required" → Set it up now.
    let view = await mfa.enrolment.start({
      ...session(),
      locale: "en",
      appSteps: ["change-password"],
    });
    expect(expectStep(view, "intro").requirement).toBe("required");
    view = await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session());

    // 3. Two choices: the method and the details.
    const method = expectStep(view, "mfa-method");
    expect(method.methods).toContain("authentication-phone");
    expect(method.methods).toContain("authenticator-app");
    expect(method.phoneRiskNotice).toMatch(/authenticator app/i); // PSTN-01: the safer option is named

    // 4. Authentication phone, country, number, "Send me a code by text message" → Contact me.
    view = await mfa.enrolment.submit(
      view.id,
      {
        step: "mfa-method",
        method: "authentication-phone",
        country: "GB",
        number: "07400 123456",
        delivery: "sms",
      },
      session(),
    );

    // 5. Step 2: a text message was sent to the number with its country code.
    const verify = expectStep(view, "verify-code");
    expect(verify.channel).toBe("sms");
    expect(verify.destination).toMatch(/^\+44 .*456$/);
    expect(verify.destination).not.toContain("7400");
    expect(verify.attemptsLeft).toBe(5);
    expect(verify.expiresInSeconds).toBe(300);
    expect(verify.resendInSeconds).toBe(30);

    // 6. The text arrives (within 60 seconds).
    const sms = outbox.to("+447400123456");
    expect(sms).toHaveLength(1);
    expect(sms[0]?.channel).toBe("sms");
    const code = outbox.lastCode("+447400123456");
    expect(code).toMatch(/^\d{6}$/);

    // 7. Enter the code → Verify.
    clock.advance(20_000);
    view = await mfa.enrolment.submit(view.id, { step: "verify-code", code }, session());

    // 8. An app password for mail apps, shown once → Done.
    const app = expectStep(view, "app-password");
    expect(app.password).toMatch(/^([a-z]{4} ){5}[a-z]{4}$/);
    const again = await mfa.enrolment.get(view.id, session());
    expect(expectStep(again, "app-password").password).toBeNull(); // APP-01: shown once
    expect(
      (await mfa.challenge.verifyAppPassword({ userId: user, password: app.password ?? "" })).ok,
    ).toBe(true);
    view = await mfa.enrolment.submit(view.id, { step: "app-password", action: "done" }, session());

    // 9–10. The temporary password must be changed: the app's own step.
    const appStep = expectStep(view, "app-step");
    expect(appStep.stepId).toBe("change-password");
    view = await mfa.enrolment.submit(
      view.id,
      { step: "app-step", action: "done", stepId: "change-password" },
      session(),
    );

    // 11. Self-service password reset needs more information → Next.
    expect(expectStep(view, "recovery-intro").required).toBe(2);
    view = await mfa.enrolment.submit(
      view.id,
      { step: "recovery-intro", action: "next" },
      session(),
    );

    // 12. Authentication email → Set it up now.
    expect(expectStep(view, "recovery-method").methods).toEqual(["email", "phone"]);
    view = await mfa.enrolment.submit(
      view.id,
      { step: "recovery-method", method: "email" },
      session(),
    );
    expectStep(view, "recovery-email");

    // 13. An address on the tenant's domains is refused (MAIL-03/04); a personal one → email me.
    const refused = await mfa.enrolment
      .submit(view.id, { step: "recovery-email", email: "adele@Mail.CONTOSO.com." }, session())
      .catch((e: unknown) => e);
    expect(isMfaError(refused, "email_domain_not_allowed")).toBe(true);
    expect(outbox.messages.filter((m) => m.channel === "email")).toHaveLength(0); // no provider call
    view = await mfa.enrolment.submit(
      view.id,
      { step: "recovery-email", email: "adele.v@personal.example" },
      session(),
    );

    // 14. A verification code arrives by email.
    expect(expectStep(view, "verify-code").channel).toBe("email");
    const emailCode = outbox.lastCode("adele.v@personal.example");

    // 15. Enter it → verify.
    view = await mfa.enrolment.submit(view.id, { step: "verify-code", code: emailCode }, session());

    // 16. Now the authentication phone → Verify.
    expect(expectStep(view, "recovery-method").methods).toEqual(["phone"]);
    view = await mfa.enrolment.submit(
      view.id,
      { step: "recovery-method", method: "phone" },
      session(),
    );
    expect(expectStep(view, "recovery-phone").phone).toMatch(/456$/);

    // 17–18. Verify the number used in 4 → text me; the text arrives.
    clock.advance(60_000); // past the 30 s cooldown per destination (RATE/FRAUD-03)
    view = await mfa.enrolment.submit(
      view.id,
      { step: "recovery-phone", delivery: "sms" },
      session(),
    );
    expectStep(view, "verify-code");
    // Sent to the phone so far: the first code, the notice that an app password was added, the
    // notice that a recovery email was added (BIND-02: through a channel registered before the
    // change, with no secret in it), this code.
    const toPhone = outbox.to("+447400123456");
    expect(toPhone).toHaveLength(4);
    for (const notice of [toPhone[1], toPhone[2]]) {
      expect(notice?.channel === "sms" && notice.text).toMatch(/Contoso/);
      expect(notice?.channel === "sms" && notice.text).not.toMatch(/\d{4,}/);
      expect(notice?.channel === "sms" && notice.text).not.toContain("personal.example");
    }
    expect(toPhone[1]?.channel === "sms" && toPhone[1].text).toMatch(/app password/);
    const recoveryCode = outbox.lastCode("+447400123456");

    // 19. Enter it → Verify.
    view = await mfa.enrolment.submit(
      view.id,
      { step: "verify-code", code: recoveryCode },
      session(),
    );

    // 20. Two forms of verification and the recovery details are set → finish.
    const finish = expectStep(view, "finish");
    expect(finish.summary.mfa.map((m) => m.method)).toEqual(["authentication-phone"]);
    expect(finish.summary.recovery.map((m) => m.method).sort()).toEqual(["email", "phone"]);
    expect(finish.summary.appPasswords).toBe(1);
    view = await mfa.enrolment.submit(view.id, { step: "finish", action: "finish" }, session());
    expectStep(view, "done");
    expect((await mfa.required(user)).status).toBe("none");

    // The same factor is checked at the next sign-in.
    clock.advance(60_000);
    const started = await mfa.challenge.start({ userId: user, method: "authentication-phone" });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const signin = await mfa.challenge.verify({
      userId: user,
      challengeId: started.challengeId,
      code: outbox.lastCode("+447400123456"),
    });
    expect(signin).toEqual({ ok: true, method: "authentication-phone" });

    // LOG-01 / STORE-06: every step is an event, and no event carries a code or the app password.
    const types = events.map((e) => e.type);
    expect(types).toContain("enrolment.started");
    expect(types).toContain("factor.added");
    expect(types).toContain("enrolment.finished");
    const serialised = JSON.stringify(events);
    for (const secret of [
      code,
      emailCode,
      recoveryCode,
      app.password?.replace(/ /g, "") ?? "x",
      app.password ?? "x",
    ]) {
      expect(serialised).not.toContain(secret);
    }
  });
});
