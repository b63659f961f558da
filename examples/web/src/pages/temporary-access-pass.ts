/**
 * Temporary Access Pass pages: the help desk's form that issues one (the pass shown once, in the
 * answer to the POST), and the sign-in page where a user who lost their factors types it.
 *
 * @module
 */

import type { IssuedTemporaryAccessPass } from "@mfakit/core";
import { html } from "hono/html";
import { type Banner, button, field, form, type Html, page, when } from "../html.js";

/** What the help desk page shows. */
export interface HelpDeskPageContext {
  readonly csrf: string;
  readonly banner: Banner | null;
  readonly errors: Readonly<Record<string, string>>;
  /** The users the demo knows, to pick from. */
  readonly users: readonly { readonly id: string; readonly displayName: string }[];
  /** The pass just issued: in this answer only. */
  readonly issued: (IssuedTemporaryAccessPass & { readonly userId: string }) | null;
}

/** The help desk's page: issue a pass to a user (after proofing their identity). */
export function helpDeskPage(ctx: HelpDeskPageContext): Html {
  const shown = ctx.issued
    ? html`<section class="secret" aria-labelledby="pass-title">
  <h2 id="pass-title">Temporary Access Pass for ${ctx.issued.userId}</h2>
  <p><code id="tap-pass">${ctx.issued.pass}</code></p>
  <p>Give it to the user over a channel you trust. It is shown only now; it ${
    ctx.issued.oneTime ? "works once and" : "works several times and"
  } ends on <strong id="tap-expires">${when(ctx.issued.expiresAt)}</strong>.</p>
</section>`
    : "";
  return page(
    { title: "Issue a Temporary Access Pass", kicker: "Help desk", banner: ctx.banner },
    html`${shown}
<p class="lead">After you have proved the user's identity, a pass lets them sign in and register new sign-in methods, and nothing else.</p>
${form(
  "/help-desk/temporary-access-pass",
  ctx.csrf,
  html`<div class="field">
  <label for="userId">User</label>
  <select id="userId" name="userId">${ctx.users.map(
    (u) => html`<option value="${u.id}">${u.displayName} (${u.id})</option>`,
  )}</select>
</div>
${field({
  name: "lifetimeMinutes",
  label: "Lifetime in minutes",
  hint: "10 to 43200 (30 days)",
  inputmode: "numeric",
  state: { value: "60", error: ctx.errors.lifetimeMinutes },
  required: true,
})}
<div class="field">
  <input id="oneTime" name="oneTime" type="checkbox" value="1" checked>
  <label for="oneTime">One-time use</label>
</div>
<div class="actions">${button("Issue pass", { id: "issue" })}</div>`,
)}`,
  );
}

/** What the pass sign-in page shows. */
export interface PassSignInContext {
  readonly csrf: string;
  readonly user: string;
  readonly banner: Banner | null;
  readonly errors: Readonly<Record<string, string>>;
}

/** Where a user who lost their sign-in methods types the pass the help desk gave them. */
export function passSignInPage(ctx: PassSignInContext): Html {
  return page(
    {
      title: "Sign in with a Temporary Access Pass",
      kicker: "Verify your identity",
      banner: ctx.banner,
      user: ctx.user,
      csrf: ctx.csrf,
    },
    html`<p class="lead">Lost your phone or authenticator app? Enter the pass your help desk gave you, then set up a new sign-in method.</p>
${form(
  "/challenge/pass",
  ctx.csrf,
  html`${field({
    name: "pass",
    label: "Temporary Access Pass",
    hint: "16 letters and digits, for example abcd-efgh-jkmn-pqrs",
    autocomplete: "off",
    maxlength: 40,
    required: true,
    autofocus: true,
    state: { error: ctx.errors.pass },
  })}
<div class="actions">${button("Sign in", { id: "use-pass" })}</div>`,
)}
<p><a href="/challenge">Use a different method</a></p>`,
  );
}

/** What a refused pass tells the user. */
export function passMessage(
  failure: { readonly reason: string; readonly retryAfterSeconds?: number },
  duration: (seconds: number) => string,
): string {
  switch (failure.reason) {
    case "expired":
      return "That pass has expired. Ask your help desk for a new one.";
    case "replayed":
      return "That pass was already used. Ask your help desk for a new one.";
    case "not_yet_valid":
      return "That pass can't be used yet. Try again later.";
    case "factor_locked":
      return `Too many wrong passes. Try again in ${duration(failure.retryAfterSeconds ?? 1)}.`;
    default:
      return "That pass is not correct. Check it and try again.";
  }
}
