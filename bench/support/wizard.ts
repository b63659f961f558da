/**
 * A user who answers the enrolment wizard through the public API, the way an app and its user
 * would: whatever step the wizard shows is answered, codes are read from a capturing sender and
 * TOTP codes computed from the secret the view shows. Shared by the cost and peer benchmarks,
 * so both follow the core as it changes, whatever its internals.
 */
import type { EnrolmentView, Mfa, SubmitInput } from "@mfakit/core";
import { base32Decode, totpAt } from "@mfakit/core/totp";
import type { CapturingOutbox, FakeClock } from "@mfakit/testing";

/** One user going through the wizard. */
export interface WizardUser {
  readonly userId: string;
  readonly number: string;
  readonly email: string;
  readonly session: { readonly userId: string; readonly authenticatedAt: number };
  /** The first factor this user picks. */
  readonly factor: "sms" | "app";
  view: EnrolmentView | null;
  /** Where the code in play was sent, and what for (the label of the verify). */
  sentTo: string;
  sentFor: string;
  /** The authenticator app's secret (base32), once shown. */
  secret: string | null;
  /** The app password the wizard minted, once shown. */
  appPassword: string | null;
  readonly recoveryAdded: Set<string>;
}

/**
 * A fresh user `<factor><i>@contoso.com` with a number of its own (`+44740<0|1><i>`, up to a
 * million users of each factor) who picks `factor` first.
 */
export function wizardUser(i: number, factor: WizardUser["factor"], now: number): WizardUser {
  const userId = `${factor}${i}@contoso.com`;
  return {
    userId,
    number: `+44740${factor === "sms" ? 0 : 1}${String(i).padStart(6, "0")}`,
    email: `${factor}${i}@personal.example`,
    session: { userId, authenticatedAt: now },
    factor,
    view: null,
    sentTo: "",
    sentFor: "",
    secret: null,
    appPassword: null,
    recoveryAdded: new Set(),
  };
}

/** One answer to the wizard: its label, the input, and whether it is a TOTP-enrolment action. */
export interface Answer {
  readonly label: string;
  readonly input: SubmitInput;
  readonly totp: boolean;
}
const say = (label: string, input: SubmitInput, totp = false): Answer => ({ label, input, totp });

/**
 * What a user answers to `view`; null when the wizard is done. The user takes what is offered,
 * so a core that reorders or adds steps is followed, not broken.
 */
export function answer(
  user: WizardUser,
  view: EnrolmentView,
  outbox: CapturingOutbox,
  clock: FakeClock,
): Answer | null {
  switch (view.step) {
    case "intro":
      return say("intro: set up", { step: "intro", action: "setup" });
    case "mfa-method":
      if (user.factor === "app") {
        return say(
          "mfa-method: authenticator app",
          { step: "mfa-method", method: "authenticator-app" },
          true,
        );
      }
      user.sentTo = user.number;
      user.sentFor = "MFA phone";
      return say("mfa-method: phone, SMS", {
        step: "mfa-method",
        method: "authentication-phone",
        number: user.number,
        delivery: "sms",
      });
    case "verify-code":
      return say(`verify-code (${user.sentFor})`, {
        step: "verify-code",
        code: outbox.lastCode(user.sentTo),
      });
    case "authenticator-setup": {
      user.secret = view.secret ?? user.secret;
      if (!user.secret) throw new Error("authenticator-setup showed no secret");
      const code = totpAt(base32Decode(user.secret), clock.now() / 1000);
      return say("authenticator-setup: code", { step: "authenticator-setup", code }, true);
    }
    case "factor-setup":
      throw new Error("the bench's users set up no ceremony factor (passkey)");
    case "recovery-codes":
      return say("recovery-codes: saved", { step: "recovery-codes", action: "done" });
    case "app-password":
      user.appPassword = view.password ?? user.appPassword;
      return say("app-password: done", { step: "app-password", action: "done" });
    case "app-step":
      return say(`app-step: ${view.stepId}`, {
        step: "app-step",
        action: "done",
        stepId: view.stepId,
      });
    case "recovery-intro":
      return say("recovery-intro: next", { step: "recovery-intro", action: "next" });
    case "recovery-method": {
      // Email and phone first, as the seed user does; anything else the core offers after.
      const offered = view.methods.filter((m) => !user.recoveryAdded.has(m));
      const method = offered.find((m) => m === "email" || m === "phone") ?? offered[0];
      if (!method) throw new Error("recovery-method offered nothing new");
      user.recoveryAdded.add(method);
      return say(`recovery-method: ${method}`, { step: "recovery-method", method });
    }
    case "recovery-email":
      user.sentTo = user.email;
      user.sentFor = "recovery email";
      return say("recovery-email", { step: "recovery-email", email: user.email });
    case "recovery-phone":
      user.sentTo = user.number;
      user.sentFor = "recovery phone";
      // The authentication phone is confirmed as shown; without one the user enters a number.
      return say(
        "recovery-phone: SMS",
        view.phone
          ? { step: "recovery-phone", delivery: "sms" }
          : { step: "recovery-phone", delivery: "sms", number: user.number },
      );
    case "finish":
      return say("finish", { step: "finish", action: "finish" });
    case "done":
      return null;
    case "cancelled":
      throw new Error("the enrolment was cancelled");
  }
}

/** Runs one wizard call (`answer` null: opening the wizard), timed or counted as the caller likes. */
export type WizardAct = (
  answer: Answer | null,
  label: string,
  run: () => Promise<EnrolmentView>,
) => Promise<EnrolmentView>;

/** What {@link drive} needs: the API, where codes land, and the clock TOTP codes are read on. */
export interface WizardRun {
  readonly mfa: Mfa;
  readonly outbox: CapturingOutbox;
  readonly clock: FakeClock;
}

const direct: WizardAct = (_answer, _label, run) => run();

/**
 * Drives `user` through the wizard (from where it last stopped) until it shows a view that
 * `pauseAt` accepts, or is done. Any notice (a refused code, a limit) stops the flow: this user
 * never errs, so a notice is a finding.
 */
export async function drive(
  user: WizardUser,
  run: WizardRun,
  pauseAt: (view: EnrolmentView) => boolean = () => false,
  act: WizardAct = direct,
): Promise<void> {
  const { mfa } = run;
  let view: EnrolmentView =
    user.view ??
    (await act(null, "start (open the wizard)", () =>
      mfa.enrolment.start({ ...user.session, appSteps: ["change-password"] }),
    ));
  user.view = view;
  for (let submits = 0; submits < 40; submits++) {
    if (pauseAt(view)) return;
    const next = answer(user, view, run.outbox, run.clock);
    if (!next) return;
    const id = view.id;
    view = await act(next, next.label, () => mfa.enrolment.submit(id, next.input, user.session));
    user.view = view;
    if (view.notice) {
      throw new Error(`${next.label} answered ${JSON.stringify(view.notice)} at ${view.step}`);
    }
  }
  throw new Error(`no end after 40 submits (at ${view.step})`);
}
