/**
 * "Security info": the user's sign-in methods, password-reset details and app passwords, with
 * add, remove and revoke (each change behind a recent sign-in, BIND-01).
 *
 * @module
 */

import type { MethodList } from "@mfakit/core";
import { html } from "hono/html";
import { type Banner, button, field, form, type Html, page, when } from "../html.js";
import { METHOD_LABELS } from "./enrolment.js";

/** What the page shows. */
export interface SecurityInfoContext {
  readonly csrf: string;
  readonly user: string;
  readonly banner: Banner | null;
  readonly errors: Readonly<Record<string, string>>;
  readonly methods: MethodList;
  /** Whether another MFA method can be added under the policy. */
  readonly canAdd: boolean;
  /** A new app password, in the answer that created it only. */
  readonly newAppPassword: { readonly name: string; readonly password: string } | null;
}

const removeForm = (csrf: string, which: string, label: string, extra: Html | string = "") =>
  form(
    "/security-info/remove",
    csrf,
    html`<input type="hidden" name="which" value="${which}">${extra}${button("Remove", {
      kind: "link",
      id: `remove-${which}`,
    })}<span class="visually-hidden"> ${label}</span>`,
    { className: "inline" },
  );

/** The page. */
export function securityInfoPage(ctx: SecurityInfoContext): Html {
  const m = ctx.methods;
  const signInRows = [
    ...m.phones.map(
      (p) =>
        html`<tr><th scope="row">${METHOD_LABELS[p.method]}</th><td>${p.display}</td><td>${when(
          p.verifiedAt,
        )}</td><td>${removeForm(ctx.csrf, p.method, METHOD_LABELS[p.method])}</td></tr>`,
    ),
    ...m.authenticators.map(
      (a) =>
        html`<tr><th scope="row">Authenticator app</th><td>${a.label}</td><td>${when(
          a.activatedAt,
        )}</td><td>${removeForm(
          ctx.csrf,
          "authenticator-app",
          "authenticator app",
          html`<input type="hidden" name="factorId" value="${a.factorId}">`,
        )}</td></tr>`,
    ),
  ];
  const created = ctx.newAppPassword
    ? html`<div class="secret-box" role="status">
  <p class="label" id="app-password-label">New app password "${ctx.newAppPassword.name}"</p>
  <output id="app-password" class="secret" aria-labelledby="app-password-label">${ctx.newAppPassword.password}</output>
  <p class="note">Copy it now: it will not be shown again.</p>
</div>`
    : "";
  return page(
    { title: "Security info", banner: ctx.banner, user: ctx.user, csrf: ctx.csrf },
    html`<p class="lead">These are the methods you use to sign in and to reset your password.</p>
<section aria-labelledby="signin-methods">
  <h2 id="signin-methods">Sign-in methods</h2>
  ${
    signInRows.length
      ? html`<table class="list"><thead><tr><th scope="col">Method</th><th scope="col">Details</th><th scope="col">Added</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>${signInRows}</tbody></table>`
      : html`<p>No sign-in method yet.</p>`
  }
  ${
    ctx.canAdd
      ? form(
          "/security-info/add",
          ctx.csrf,
          button("Add sign-in method", { kind: "secondary", id: "add-method" }),
        )
      : ""
  }
</section>
<section aria-labelledby="reset-methods">
  <h2 id="reset-methods">Password reset</h2>
  <table class="list"><tbody>
    <tr><th scope="row">Authentication email</th><td>${m.recoveryEmail?.display ?? "not set"}</td><td>${
      m.recoveryEmail ? removeForm(ctx.csrf, "recovery-email", "authentication email") : ""
    }</td></tr>
    <tr><th scope="row">Authentication phone</th><td>${
      m.recoveryPhoneVerifiedAt ? `verified ${when(m.recoveryPhoneVerifiedAt)}` : "not verified"
    }</td><td></td></tr>
  </tbody></table>
</section>
<section aria-labelledby="app-passwords">
  <h2 id="app-passwords">App passwords</h2>
  ${created}
  ${
    m.appPasswords.length
      ? html`<table class="list" id="app-password-list"><thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>${m.appPasswords.map(
          (a) =>
            html`<tr><th scope="row">${a.name}</th><td>${when(a.createdAt)}</td><td>${when(
              a.lastUsedAt,
            )}</td><td>${form(
              "/security-info/app-passwords/revoke",
              ctx.csrf,
              html`<input type="hidden" name="id" value="${a.id}">${button("Revoke", {
                kind: "link",
              })}<span class="visually-hidden"> ${a.name}</span>`,
              { className: "inline" },
            )}</td></tr>`,
        )}</tbody></table>`
      : html`<p>No app passwords.</p>`
  }
  ${form(
    "/security-info/app-passwords",
    ctx.csrf,
    html`${field({
      name: "name",
      label: "Name for a new app password",
      state: { error: ctx.errors.name },
      maxlength: 64,
      required: true,
      hint: "Where you'll use it, e.g. \u201ciPhone Mail\u201d",
    })}
<div class="actions">${button("Create app password", { kind: "secondary", id: "create-app-password" })}</div>`,
  )}
</section>`,
  );
}
