/**
 * Temporary Access Pass pages: the help desk's form that issues one (the pass shown once, in the
 * answer to the POST), and the sign-in page where a user who lost their factors types it.
 *
 * @module
 */

import type { IssuedTemporaryAccessPass } from "@mfakit/core";
import { html } from "hono/html";
import {
  type Banner,
  button,
  checkbox,
  field,
  fill,
  form,
  type Html,
  page,
  type Ui,
  when,
} from "../html.js";
import type { Messages } from "../messages/catalogue.js";
import type { OneFieldChallenge } from "./challenge.js";

/** What the help desk page shows. */
export interface HelpDeskPageContext {
  readonly ui: Ui;
  readonly banner: Banner | null;
  readonly errors: Readonly<Record<string, string>>;
  /** The users to pick from. */
  readonly users: readonly { readonly id: string; readonly displayName: string }[];
  /** The pass just issued: in this answer only. */
  readonly issued: (IssuedTemporaryAccessPass & { readonly userId: string }) | null;
}

/** A pass just issued, for `userId`: shown in the answer to the POST that issued it, only. */
export function issuedPass(ui: Ui, userId: string, issued: IssuedTemporaryAccessPass): Html {
  const { t, locale } = ui;
  return html`<section class="secret" aria-labelledby="pass-title">
  <h2 id="pass-title">${fill(t.passIssuedFor, { user: userId })}</h2>
  <p><code id="tap-pass">${issued.pass}</code></p>
  <p>${issued.oneTime ? t.passIssuedOnce : t.passIssuedMany} <strong id="tap-expires">${when(
    t,
    locale,
    issued.expiresAt,
  )}</strong>.</p>
</section>`;
}

/**
 * A pass's lifetime and "one-time use" fields, with what was typed (`values`) and the error on
 * the lifetime. One-time is the default: a pass that works once cannot be replayed.
 */
export function passFields(
  t: Messages,
  values: Readonly<Record<string, string>>,
  errors: Readonly<Record<string, string>>,
): Html {
  return html`${field({
    name: "lifetimeMinutes",
    label: t.passLifetime,
    hint: t.passLifetimeHint,
    inputmode: "numeric",
    state: { value: values.lifetimeMinutes ?? "60", error: errors.lifetimeMinutes },
    required: true,
  })}
${checkbox({ name: "oneTime", label: t.passOneTime, checked: values.oneTime !== "0" })}`;
}

/** The help desk's page: issue a pass to a user (after proofing their identity). */
export function helpDeskPage(ctx: HelpDeskPageContext): Html {
  const { ui } = ctx;
  const { t } = ui;
  return page(
    ui,
    { title: t.passIssueTitle, kicker: t.helpDesk, banner: ctx.banner, errors: ctx.errors },
    html`${ctx.issued ? issuedPass(ui, ctx.issued.userId, ctx.issued) : ""}
<p class="lead">${t.passIssueLead}</p>
${form(
  ui,
  "/help-desk/temporary-access-pass",
  html`<div class="field">
  <label for="userId">${t.passUser}</label>
  <select id="userId" name="userId">${ctx.users.map(
    (u) => html`<option value="${u.id}">${u.displayName} (${u.id})</option>`,
  )}</select>
</div>
${passFields(t, {}, ctx.errors)}
<div class="actions">${button(t.passIssueButton, { id: "issue" })}</div>`,
)}`,
  );
}

/** Where a user who lost their sign-in methods types the pass the help desk gave them. */
export const passChallenge = (t: Messages): OneFieldChallenge => ({
  title: t.passSignInTitle,
  lead: t.passSignInLead,
  field: { name: "pass", label: t.passLabel, hint: t.passHint, maxlength: 40 },
  submit: { label: t.signIn, id: "use-pass" },
});

/** What a refused pass tells the user. */
export function passMessage(
  t: Messages,
  failure: { readonly reason: string; readonly retryAfterSeconds?: number },
  duration: (seconds: number) => string,
): string {
  switch (failure.reason) {
    case "expired":
      return t.passExpired;
    case "replayed":
      return t.passReplayed;
    case "not_yet_valid":
      return t.passNotYetValid;
    case "factor_locked":
      return fill(t.passLocked, { duration: duration(failure.retryAfterSeconds ?? 1) });
    default:
      return t.passWrong;
  }
}
