/**
 * "Security info": what `mfa.securityInfo` answers — the user's sign-in methods, password-reset
 * methods, remembered devices, recovery codes and app passwords — with a form for each change
 * the SDK offers. Which changes are allowed, and when, is the SDK's to say; the page only shows
 * its answer.
 *
 * @module
 */

import type { FactorKind, RegisteredFactor, RememberedDevice, SecurityInfo } from "@mfakit/core";
import { html } from "hono/html";
import {
  button,
  copyButton,
  field,
  form,
  type Html,
  type PageContext,
  page,
  type Ui,
  when,
} from "../html.js";
import type { Messages } from "../messages/catalogue.js";
import { methodLabel } from "./enrolment.js";
import { type RecoveryCodesSectionContext, recoveryCodesSection } from "./recovery-codes.js";

/** What the page shows. */
export interface SecurityInfoContext extends PageContext {
  /** The SDK's list: factors, app passwords, the kinds that may be added. */
  readonly info: SecurityInfo;
  /** Devices the user told not to ask again ("remember this device"). */
  readonly devices: readonly RememberedDevice[];
  /** A new app password, in the answer that created it only. */
  readonly newAppPassword: { readonly name: string; readonly password: string } | null;
  /** Recovery codes: status and a new set shown once (absent when turned off). */
  readonly recoveryCodes?: RecoveryCodesSectionContext;
}

/** How each kind of factor is called on screen. */
export const kindLabel = (t: Messages, k: FactorKind): string =>
  k === "recovery-email"
    ? t.recoveryEmail
    : k === "recovery-phone"
      ? t.recoveryPhone
      : methodLabel(t, k);

/** A one-button form acting on factor `f`, named for screen readers by its kind and details. */
const factorAction = (ui: Ui, path: string, label: string, verb: string, f: RegisteredFactor) =>
  form(
    ui,
    path,
    html`<input type="hidden" name="id" value="${f.id}">${button(label, {
      kind: "link",
      id: `${verb}-${f.id}`,
    })}<span class="visually-hidden"> ${kindLabel(ui.t, f.kind)} ${f.display}</span>`,
    { className: "inline" },
  );

/** A sign-in method's name: a small form in its row (`securityInfo.rename`). */
const renameForm = (ui: Ui, f: RegisteredFactor) =>
  form(
    ui,
    "/security-info/rename",
    html`<input type="hidden" name="id" value="${f.id}"><label class="visually-hidden" for="name-${f.id}">${ui.t.nameFor} ${kindLabel(ui.t, f.kind)} ${f.display}</label><input id="name-${f.id}" name="name" type="text" maxlength="64" value="${f.name ?? ""}" autocomplete="off">${button(
      ui.t.saveName,
      { kind: "link", id: `rename-${f.id}` },
    )}`,
    { className: "inline rename" },
  );

/** "Default" for the method asked first at sign-in, else a button to make it so. */
const preferredAction = (ui: Ui, f: RegisteredFactor) =>
  f.preferred
    ? html`<span class="badge" id="default-${f.id}">${ui.t.defaultMethod}</span>`
    : factorAction(ui, "/security-info/prefer", ui.t.makeDefault, "prefer", f);

/** One table of factors (sign-in or password reset), or a line saying there is none. */
function factorTable(ctx: SecurityInfoContext, role: RegisteredFactor["role"], id: string): Html {
  const { ui } = ctx;
  const { t, locale } = ui;
  const rows = ctx.info.factors.filter((f) => f.role === role);
  if (rows.length === 0) return html`<p>${t.noneYet}</p>`;
  return html`<table class="list" id="${id}"><thead><tr><th scope="col">${t.colMethod}</th><th scope="col">${t.colDetails}</th><th scope="col">${t.colAdded}</th><th scope="col"><span class="visually-hidden">${t.colActions}</span></th></tr></thead><tbody>${rows.map(
    (f) =>
      html`<tr data-kind="${f.kind}"><th scope="row">${kindLabel(t, f.kind)}</th><td>${f.display}${role === "mfa" ? renameForm(ui, f) : ""}</td><td>${when(
        t,
        locale,
        f.verifiedAt,
      )}</td><td>${role === "mfa" ? preferredAction(ui, f) : ""} ${factorAction(ui, "/security-info/replace", t.change, "replace", f)} ${factorAction(
        ui,
        "/security-info/remove",
        t.remove,
        "remove",
        f,
      )}</td></tr>`,
  )}</tbody></table>`;
}

/** "Add a method": one choice among the kinds the SDK says may be added, grouped by role. */
function addForm(ctx: SecurityInfoContext): Html {
  const { ui } = ctx;
  const { t } = ui;
  const { canAdd } = ctx.info;
  if (canAdd.length === 0) return html``;
  const group = (label: string, kinds: readonly FactorKind[]) =>
    kinds.length
      ? html`<optgroup label="${label}">${kinds.map(
          (k) => html`<option value="${k}">${kindLabel(t, k)}</option>`,
        )}</optgroup>`
      : "";
  const isRecovery = (k: FactorKind) => k === "recovery-email" || k === "recovery-phone";
  const choice = form(
    ui,
    "/security-info/add",
    html`<div class="field">
  <label for="kind">${t.methodToAdd}</label>
  <select id="kind" name="kind">
    ${group(
      t.groupSignIn,
      canAdd.filter((k) => !isRecovery(k)),
    )}${group(t.resetSection, canAdd.filter(isRecovery))}
  </select>
</div>
<div class="actions">${button(t.addMethod, { kind: "secondary", id: "add-method" })}</div>`,
  );
  return html`<section aria-labelledby="add-heading">
  <h2 id="add-heading">${t.addMethodHeading}</h2>
  ${choice}
</section>`;
}

/** Remembered devices: each with its name, dates and "Forget", and "Forget all". */
function devicesSection(ctx: SecurityInfoContext): Html {
  const { ui } = ctx;
  const { t, locale } = ui;
  const revoke = (id: string, label: string, extra: string) =>
    form(
      ui,
      "/security-info/devices/revoke",
      html`<input type="hidden" name="id" value="${id}">${button(label, {
        kind: "link",
        id: `forget-${id}`,
      })}<span class="visually-hidden">${extra}</span>`,
      { className: "inline" },
    );
  return html`<section aria-labelledby="devices-heading">
  <h2 id="devices-heading">${t.devicesHeading}</h2>
  ${
    ctx.devices.length
      ? html`<p>${t.devicesLead}</p>
<table class="list" id="device-list"><thead><tr><th scope="col">${t.colDevice}</th><th scope="col">${t.colRemembered}</th><th scope="col">${t.colLastUsed}</th><th scope="col">${t.colUntil}</th><th scope="col"><span class="visually-hidden">${t.colActions}</span></th></tr></thead><tbody>${ctx.devices.map(
          (d) =>
            html`<tr><th scope="row">${d.name}</th><td>${when(t, locale, d.createdAt)}</td><td>${when(
              t,
              locale,
              d.lastUsedAt,
            )}</td><td>${when(t, locale, d.expiresAt)}</td><td>${revoke(d.id, t.forget, ` ${d.name}`)}</td></tr>`,
        )}</tbody></table>
${revoke("all", t.forgetAll, "")}`
      : html`<p>${t.devicesNone}</p>`
  }
</section>`;
}

/** App passwords: the list with "Revoke", a new one shown once, and the create form. */
function appPasswordsSection(ctx: SecurityInfoContext): Html {
  const { ui } = ctx;
  const { t, locale } = ui;
  const { appPasswords, canCreateAppPasswords } = ctx.info;
  const created = ctx.newAppPassword
    ? html`<div class="secret-box" role="status">
  <p class="label" id="app-password-label">${t.appPasswordNew} "${ctx.newAppPassword.name}"</p>
  <output id="app-password" class="secret" aria-labelledby="app-password-label">${ctx.newAppPassword.password}</output>
  ${copyButton(t, "app-password")}
  <p class="note">${t.appPasswordCopyNowShort}</p>
</div>`
    : "";
  return html`<section aria-labelledby="app-passwords">
  <h2 id="app-passwords">${t.appPasswordsHeading}</h2>
  ${created}
  ${
    appPasswords.length
      ? html`<table class="list" id="app-password-list"><thead><tr><th scope="col">${t.colName}</th><th scope="col">${t.colCreated}</th><th scope="col">${t.colLastUsed}</th><th scope="col"><span class="visually-hidden">${t.colActions}</span></th></tr></thead><tbody>${appPasswords.map(
          (a) =>
            html`<tr><th scope="row">${a.name}</th><td>${when(t, locale, a.createdAt)}</td><td>${when(
              t,
              locale,
              a.lastUsedAt,
            )}</td><td>${form(
              ui,
              "/security-info/app-passwords/revoke",
              html`<input type="hidden" name="id" value="${a.id}">${button(t.revoke, {
                kind: "link",
              })}<span class="visually-hidden"> ${a.name}</span>`,
              { className: "inline" },
            )}</td></tr>`,
        )}</tbody></table>`
      : html`<p>${t.appPasswordsNone}</p>`
  }
  ${
    canCreateAppPasswords
      ? form(
          ui,
          "/security-info/app-passwords",
          html`${field({
            name: "name",
            label: t.appPasswordNameLabel,
            state: { error: ctx.errors.name },
            maxlength: 64,
            required: true,
            hint: t.appPasswordNameHint,
          })}
<div class="actions">${button(t.createAppPassword, { kind: "secondary", id: "create-app-password" })}</div>`,
        )
      : ""
  }
</section>`;
}

/** The page. */
export function securityInfoPage(ctx: SecurityInfoContext): Html {
  const { ui } = ctx;
  const { t } = ui;
  return page(
    ui,
    { title: t.securityInfoTitle, banner: ctx.banner, user: ctx.user, errors: ctx.errors },
    html`<p class="lead">${t.securityInfoLead}</p>
<section aria-labelledby="signin-methods">
  <h2 id="signin-methods">${t.signInMethodsHeading}</h2>
  ${factorTable(ctx, "mfa", "signin-list")}
</section>
<section aria-labelledby="reset-methods">
  <h2 id="reset-methods">${t.resetSection}</h2>
  ${factorTable(ctx, "recovery", "reset-list")}
</section>
${addForm(ctx)}
${devicesSection(ctx)}
${ctx.recoveryCodes ? recoveryCodesSection(ui, ctx.recoveryCodes) : ""}
${appPasswordsSection(ctx)}`,
  );
}
