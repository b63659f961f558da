/**
 * From a submitted HTML form to the engine's input for the step the form was made for.
 *
 * The form says which step it answers (a hidden `step` field); the engine checks that against
 * where the enrolment is and refuses a stale tab's answer. Which button was pressed comes as
 * `action`. Field values are passed as typed: the engine's zod schemas and phone/email rules
 * are the one place input is judged.
 *
 * @module
 */

import type { SubmitInput } from "@mfakit/core";

/** A parsed form body (strings only; files are dropped before this). */
export type FormFields = Readonly<Record<string, string>>;

const trimmed = (form: FormFields, name: string) => {
  const v = form[name]?.trim();
  return v ? v : undefined;
};

/**
 * The engine input for `form`. Navigation (`back`, `cancel`) works on every step; the rest is
 * per step. Unknown shapes are passed through for the engine to refuse with `invalid_input`.
 */
export function enrolmentInput(form: FormFields): SubmitInput {
  const step = form.step ?? "";
  const action = trimmed(form, "action");
  if (action === "back" || action === "cancel") return { step, action } as SubmitInput;
  switch (step) {
    case "intro":
      return { step, action: action === "snooze" ? "snooze" : "setup" };
    case "mfa-method": {
      const method = form.method ?? "";
      if (method === "authenticator-app") return { step, method };
      if (method === "passkey") {
        const name = trimmed(form, "passkeyName");
        return { step, method, ...(name ? { name } : {}) };
      }
      const country = trimmed(form, "country");
      const number = form.number ?? "";
      if (method === "office-phone") {
        const extension = trimmed(form, "extension");
        return { step, method, country, number, ...(extension ? { extension } : {}) };
      }
      return {
        step,
        method: method as "authentication-phone",
        country,
        number,
        delivery: form.delivery === "voice" ? "voice" : "sms",
      };
    }
    case "verify-code":
      if (action === "resend" || action === "switch-to-voice" || action === "different-method")
        return { step, action };
      return { step, code: form.code ?? "" };
    case "authenticator-setup":
      if (action === "restart" || action === "different-method") return { step, action };
      return { step, code: form.code ?? "" };
    case "factor-setup":
      if (action === "restart" || action === "different-method") return { step, action };
      // The credential's JSON as the page's script put it; the SDK bounds and checks it.
      return { step, answer: form.answer ?? "" };
    case "app-password":
      return { step, action: action === "new-password" ? "new-password" : "done" };
    case "recovery-codes":
      return { step, action: action === "new-codes" ? "new-codes" : "done" };
    case "app-step":
      return { step, action: "done", stepId: form.stepId ?? "" };
    case "recovery-intro":
      return { step, action: action === "snooze" ? "snooze" : "next" };
    case "recovery-method":
      return { step, method: (form.method ?? "") as "email" };
    case "recovery-email":
      return { step, email: form.email ?? "" };
    case "recovery-phone": {
      const number = trimmed(form, "number");
      return {
        step,
        delivery: form.delivery === "voice" ? "voice" : "sms",
        ...(number ? { number, country: trimmed(form, "country") } : {}),
      };
    }
    case "finish":
      return { step, action: "finish" };
    default:
      return { step } as SubmitInput;
  }
}

/** What the user typed that may be shown again after an error (never codes or passwords). */
export function echoValues(form: FormFields): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ["method", "country", "number", "extension", "delivery", "email"]) {
    const v = form[name];
    if (typeof v === "string" && v.length <= 320) out[name] = v;
  }
  return out;
}
