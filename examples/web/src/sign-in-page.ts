/**
 * The example's password page, drawn with `@mfakit/web`'s layout so it looks like the MFA pages.
 *
 * @module
 */

import { type Banner, button, field, type Html, type Messages, page, type Ui } from "@mfakit/web";
import { html } from "hono/html";
import type { DemoAccount } from "./users.js";

/** What the sign-in page shows. */
export interface SignInPageContext {
  readonly banner: Banner | null;
  readonly errors: Readonly<Record<string, string>>;
  readonly username: string;
  /** Demo accounts to list (development only). */
  readonly demoAccounts: readonly DemoAccount[];
  readonly tenantName: string;
  /** Where the development outbox is. */
  readonly outboxHref: string;
}

/** The password page, and the refusal of a form without its token. */
export const signInPage = {
  render(ui: Ui, ctx: SignInPageContext): Html {
    const demo = ctx.demoAccounts.length
      ? html`<aside class="demo" aria-labelledby="demo-title">
  <h2 id="demo-title">Demo accounts</h2>
  <ul>${ctx.demoAccounts.map(
    (a) =>
      html`<li><code>${a.id}</code> / <code>${a.password}</code>${a.temporary ? " (temporary password)" : ""}${a.admin ? " (administrator: /admin)" : ""}</li>`,
  )}</ul>
  <p class="small">Codes sent by text, call or email appear on <a href="${ctx.outboxHref}">the outbox page</a> and in the terminal.</p>
</aside>`
      : "";
    return page(
      ui,
      { title: `Sign in to ${ctx.tenantName}`, banner: ctx.banner, errors: ctx.errors },
      html`<form method="post" action="/sign-in">
<input type="hidden" name="_csrf" value="${ui.csrf}">
${field({
  name: "username",
  label: "Email address",
  type: "email",
  state: { value: ctx.username, error: ctx.errors.username },
  autocomplete: "username",
  required: true,
  autofocus: !ctx.username,
})}
${field({
  name: "password",
  label: "Password",
  type: "password",
  state: { error: ctx.errors.password },
  autocomplete: "current-password",
  required: true,
  autofocus: Boolean(ctx.username),
})}
<div class="actions">${button("Sign in", { id: "sign-in" })}</div>
</form>
${demo}`,
    );
  },
  expired(t: Messages): Html {
    return html`<p class="lead">${t.formExpiredLead}</p><p><a href="/sign-in">Sign in</a></p>`;
  },
};
