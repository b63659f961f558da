/**
 * A model-based property test of the engine: random policies, random sequences of user actions
 * (right and wrong answers, back, resend, other method, junk input, time passing). Whatever the
 * sequence, the engine never reaches a step the policy forbids, never finishes short of the
 * policy, never shows a one-time secret outside the answer that created it, and refuses junk
 * without changing state.
 */
import { type EnrolmentView, isMfaError, type PolicyInput, type SubmitInput } from "@mfakit/core";
import { base32Decode, totpAt } from "@mfakit/core/totp";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seedSetup } from "./support/seed-setup.ts";

const policyArb: fc.Arbitrary<PolicyInput> = fc
  .record({
    mfaMethods: fc.subarray(
      ["authentication-phone", "office-phone", "authenticator-app"] as const,
      { minLength: 1 },
    ),
    mfaRequired: fc.integer({ min: 1, max: 2 }),
    recoveryMethods: fc.subarray(["email", "phone", "authenticator-app"] as const),
    recoveryRequired: fc.integer({ min: 0, max: 2 }),
    appPasswords: fc.boolean(),
    changePassword: fc.boolean(),
    reverify: fc.constantFrom(0, 600),
  })
  .map((p) => ({
    mfa: { methods: [...p.mfaMethods], required: Math.min(p.mfaRequired, p.mfaMethods.length) },
    recovery: {
      methods: [...p.recoveryMethods],
      required: Math.min(p.recoveryRequired, p.recoveryMethods.length),
      phoneReverifyAfterSeconds: p.reverify,
    },
    appPasswords: { enabled: p.appPasswords },
    appSteps: p.changePassword ? [{ id: "change-password", title: "Update your password" }] : [],
    phone: { allowedCountries: ["GB"] },
  }));

type Action = "good" | "wrong" | "back" | "resend" | "other" | "tick" | "junk" | "reload";
const actionArb = fc.array(
  fc.record({
    kind: fc.constantFrom<Action>(
      "good",
      "good",
      "good",
      "good",
      "wrong",
      "back",
      "resend",
      "other",
      "tick",
      "junk",
      "reload",
    ),
    pick: fc.nat(),
  }),
  { maxLength: 60 },
);

const NUMBERS = ["07400 123456", "07400 123457", "020 7946 0123"];

describe("enrolment engine model (fast-check)", () => {
  it("never reaches a forbidden step, never finishes short of the policy, never leaks a secret", async () => {
    await fc.assert(
      fc.asyncProperty(policyArb, actionArb, async (policyInput, actions) => {
        const setup = seedSetup({ policy: policyInput });
        const { mfa, outbox, clock } = setup;
        const policy = mfa.policy;
        const userId = "model@contoso.com";
        const session = () => ({ userId, authenticatedAt: clock.now() });
        let view: EnrolmentView = await mfa.enrolment.start({
          ...session(),
          appSteps: policy.appSteps.map((s) => s.id),
        });
        let totpSecret: string | null = null;

        const lastCode = (): string => {
          for (const m of [...outbox.messages].reverse()) {
            try {
              return outbox.lastCode(m.to);
            } catch {}
          }
          return "000000";
        };
        const goodInput = (v: EnrolmentView, pick: number): SubmitInput | null => {
          switch (v.step) {
            case "intro":
              return { step: "intro", action: "setup" };
            case "mfa-method": {
              const method = v.methods[pick % v.methods.length];
              if (method === "authenticator-app") return { step: "mfa-method", method };
              if (method === "office-phone")
                return {
                  step: "mfa-method",
                  method,
                  country: "GB",
                  number: NUMBERS[2] as string,
                  extension: "123",
                };
              return {
                step: "mfa-method",
                method: "authentication-phone",
                country: "GB",
                number: NUMBERS[pick % 2] as string,
                delivery: "sms",
              };
            }
            case "verify-code":
              return { step: "verify-code", code: lastCode() };
            case "authenticator-setup":
              if (!totpSecret) return { step: "authenticator-setup", action: "restart" };
              return {
                step: "authenticator-setup",
                code: totpAt(base32Decode(totpSecret), Math.floor(clock.now() / 1000)),
              };
            case "app-password":
              return { step: "app-password", action: "done" };
            case "app-step":
              return { step: "app-step", action: "done", stepId: v.stepId };
            case "recovery-intro":
              return { step: "recovery-intro", action: "next" };
            case "recovery-method":
              return {
                step: "recovery-method",
                method: v.methods[pick % v.methods.length] ?? "email",
              };
            case "recovery-email":
              return { step: "recovery-email", email: `model${pick % 3}@personal.example` };
            case "recovery-phone":
              return v.phone
                ? { step: "recovery-phone", delivery: "sms" }
                : {
                    step: "recovery-phone",
                    delivery: "sms",
                    country: "GB",
                    number: NUMBERS[0] as string,
                  };
            case "finish":
              return { step: "finish", action: "finish" };
            default:
              return null;
          }
        };

        const checkInvariants = async (v: EnrolmentView) => {
          const forbidden: string[] = [];
          if (!policy.appPasswords.enabled) forbidden.push("app-password");
          if (policy.appSteps.length === 0) forbidden.push("app-step");
          if (policy.recovery.required === 0)
            forbidden.push("recovery-intro", "recovery-method", "recovery-email", "recovery-phone");
          const totpOffered =
            policy.mfa.methods.includes("authenticator-app") ||
            (policy.recovery.required > 0 && policy.recovery.methods.includes("authenticator-app"));
          if (!totpOffered) forbidden.push("authenticator-setup");
          expect(forbidden).not.toContain(v.step);
          if (v.step === "finish" || v.step === "done") {
            const required = await mfa.required(userId);
            expect(required.missingMfa).toBe(0);
            expect(required.missingRecovery).toBe(0);
          }
          // A reload never shows a one-time secret.
          if (v.step !== "done" && v.step !== "cancelled") {
            const again = await mfa.enrolment.get(v.id, session());
            if (again.step === "app-password") expect(again.password).toBeNull();
            if (again.step === "authenticator-setup") expect(again.secret).toBeNull();
          }
        };

        for (const { kind, pick } of actions) {
          if (view.step === "done" || view.step === "cancelled") break;
          clock.advance(kind === "tick" ? 3_600_000 : 31_000);
          let input: SubmitInput | null = null;
          switch (kind) {
            case "tick":
              continue;
            case "reload":
              view = await mfa.enrolment.get(view.id, session());
              continue;
            case "junk": {
              const before = await mfa.enrolment.get(view.id, session());
              const error = await mfa.enrolment
                .submit(
                  view.id,
                  { step: view.step, unexpected: pick } as unknown as SubmitInput,
                  session(),
                )
                .catch((e: unknown) => e);
              expect(isMfaError(error, "invalid_input")).toBe(true);
              expect((await mfa.enrolment.get(view.id, session())).version).toBe(before.version);
              continue;
            }
            case "back":
              if (!view.canGoBack) continue;
              input = { step: view.step, action: "back" } as SubmitInput;
              break;
            case "resend":
              input =
                view.step === "verify-code"
                  ? { step: "verify-code", action: "resend" }
                  : goodInput(view, pick);
              break;
            case "other":
              input =
                view.step === "verify-code" || view.step === "authenticator-setup"
                  ? ({ step: view.step, action: "different-method" } as SubmitInput)
                  : goodInput(view, pick);
              break;
            case "wrong":
              input =
                view.step === "verify-code" || view.step === "authenticator-setup"
                  ? ({ step: view.step, code: "000000" } as SubmitInput)
                  : goodInput(view, pick);
              break;
            case "good":
              input = goodInput(view, pick);
              break;
          }
          if (!input) continue;
          view = await mfa.enrolment.submit(view.id, input, session());
          if (view.step === "authenticator-setup" && view.secret) totpSecret = view.secret;
          await checkInvariants(view);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
