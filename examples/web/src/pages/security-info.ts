/**
 * "Security info": what `mfa.securityInfo.list` answers — the user's sign-in methods,
 * password-reset methods and app passwords — with a form for each change the SDK offers (add,
 * change, remove, create and revoke an app password). Which changes are allowed, and when, is
 * the SDK's to say; the page only shows its answer.
 *
 * @module
 */

import type { FactorKind, RegisteredFactor, RememberedDevice, SecurityInfo } from "@mfakit/core";
import { html } from "hono/html";
import { type Banner, button, field, form, type Html, page, when } from "../html.js";
import { METHOD_LABELS } from "./enrolment.js";
import { type RecoveryCodesSectionContext, recoveryCodesSection } from "./recovery-codes.js";

/** What the page shows. */
export interface SecurityInfoContext {
  readonly csrf: string;
  readonly user: string;
  readonly banner: Banner | null;
  readonly errors: Readonly<Record<string, string>>;
  /** The SDK's list: factors, app passwords, the kinds that may be added. */
  readonly info: SecurityInfo;
  /** Devices the user told not to ask again ("remember this device"). */
  readonly devices: readonly RememberedDevice[];
  /** A new app password, in the answer that created it only. */
  readonly newAppPassword: { readonly name: string; readonly password: string } | null;
  /** Recovery codes: status and a new set shown once (absent when turned off). */
  readonly recoveryCodes?: Omit<RecoveryCodesSectionContext, "csrf">;
}

/** How each kind of factor is called on screen. */
export const KIND_LABELS: Readonly<Record<FactorKind, string>> = {
  ...METHOD_LABELS,
  "recovery-email": "Authentication email",
  "recovery-phone": "Authentication phone",
};

/** A one-button form acting on factor `f`, named for screen readers by its kind and details. */
const factorAction = (
  csrf: string,
  path: string,
  label: string,
  verb: string,
  f: RegisteredFactor,
) =>
  form(
    path,
    csrf,
    html`<input type="hidden" name="id" value="${f.id}">${button(label, {
      kind: "link",
      id: `${verb}-${f.id}`,
    })}<span class="visually-hidden"> ${KIND_LABELS[f.kind]} ${f.display}</span>`,
    { className: "inline" },
  );

/** One table of factors (sign-in or password reset), or a line saying there is none. */
function factorTable(ctx: SecurityInfoContext, role: RegisteredFactor["role"], id: string): Html {
  const rows = ctx.info.factors.filter((f) => f.role === role);
  if (rows.length === 0) return html`<p>None yet.</p>`;
  return html`<table class="list" id="${id}"><thead><tr><th scope="col">Method</th><th scope="col">Details</th><th scope="col">Added</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>${rows.map(
    (f) =>
      html`<tr data-kind="${f.kind}"><th scope="row">${KIND_LABELS[f.kind]}</th><td>${f.display}</td><td>${when(
        f.verifiedAt,
      )}</td><td>${factorAction(ctx.csrf, "/security-info/replace", "Change", "replace", f)} ${factorAction(
        ctx.csrf,
        "/security-info/remove",
        "Remove",
        "remove",
        f,
      )}</td></tr>`,
  )}</tbody></table>`;
}

/** "Add a method": one choice among the kinds the SDK says may be added, grouped by role. */
function addForm(ctx: SecurityInfoContext): Html {
  const { canAdd } = ctx.info;
  if (canAdd.length === 0) return html``;
  const group = (label: string, kinds: readonly FactorKind[]) =>
    kinds.length
      ? html`<optgroup label="${label}">${kinds.map(
          (k) => html`<option value="${k}">${KIND_LABELS[k]}</option>`,
        )}</optgroup>`
      : "";
  const isRecovery = (k: FactorKind) => k === "recovery-email" || k === "recovery-phone";
  const choice = form(
    "/security-info/add",
    ctx.csrf,
    html`<div class="field">
  <label for="kind">Method to add</label>
  <select id="kind" name="kind">
    ${group(
      "Sign-in",
      canAdd.filter((k) => !isRecovery(k)),
    )}${group("Password reset", canAdd.filter(isRecovery))}
  </select>
</div>
<div class="actions">${button("Add method", { kind: "secondary", id: "add-method" })}</div>`,
  );
  return html`<section aria-labelledby="add-heading">
  <h2 id="add-heading">Add a method</h2>
  ${choice}
</section>`;
}

/** Remembered devices: each with its name, dates and "Forget", and "Forget all". */
function devicesSection(ctx: SecurityInfoContext): Html {
  const revoke = (id: string, label: string, extra: string) =>
    form(
      "/security-info/devices/revoke",
      ctx.csrf,
      html`<input type="hidden" name="id" value="${id}">${button(label, {
        kind: "link",
        id: `forget-${id}`,
      })}<span class="visually-hidden">${extra}</span>`,
      { className: "inline" },
    );
  return html`<section aria-labelledby="devices-heading">
  <h2 id="devices-heading">Remembered devices</h2>
  ${
    ctx.devices.length
      ? html`<p>These devices don't ask for a second method when you sign in.</p>
<table class="list" id="device-list"><thead><tr><th scope="col">Device</th><th scope="col">Remembered</th><th scope="col">Last used</th><th scope="col">Until</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>${ctx.devices.map(
          (d) =>
            html`<tr><th scope="row">${d.name}</th><td>${when(d.createdAt)}</td><td>${when(
              d.lastUsedAt,
            )}</td><td>${when(d.expiresAt)}</td><td>${revoke(d.id, "Forget", ` ${d.name}`)}</td></tr>`,
        )}</tbody></table>
${revoke("all", "Forget all devices", "")}`
      : html`<p>No remembered devices.</p>`
  }
</section>`;
}

/** The page. */
export function securityInfoPage(ctx: SecurityInfoContext): Html {
  const { appPasswords, canCreateAppPasswords } = ctx.info;
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
  ${factorTable(ctx, "mfa", "signin-list")}
</section>
<section aria-labelledby="reset-methods">
  <h2 id="reset-methods">Password reset</h2>
  ${factorTable(ctx, "recovery", "reset-list")}
</section>
${addForm(ctx)}
${devicesSection(ctx)}
${ctx.recoveryCodes ? recoveryCodesSection({ ...ctx.recoveryCodes, csrf: ctx.csrf }) : ""}
<section aria-labelledby="app-passwords">
  <h2 id="app-passwords">App passwords</h2>
  ${created}
  ${
    appPasswords.length
      ? html`<table class="list" id="app-password-list"><thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>${appPasswords.map(
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
  ${
    canCreateAppPasswords
      ? form(
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
        )
      : ""
  }
</section>`,
  );
}
