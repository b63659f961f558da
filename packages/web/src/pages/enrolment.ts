/**
 * The wizard's screens, one per engine view: the seed's "More information required",
 * "Additional security verification" steps 1–2, the app password, the app's own steps, the
 * password-reset registration and the summary.
 *
 * A page renders exactly what its view carries. The app password, the recovery codes and the
 * authenticator key are in a view only in the answer to the submit that created them; the
 * route renders that answer directly, so they are never stored for a later page (APP-01,
 * TOTP-06).
 *
 * @module
 */

import type {
  EnrolmentSummary,
  EnrolmentView,
  MfaMethod,
  RecoveryMethod,
  ViewOf,
} from "@mfakit/core";
import { html } from "hono/html";
import { type CountryCode, getCountryCallingCode } from "libphonenumber-js/max";
import {
  button,
  codeField,
  copyButton,
  duration,
  field,
  fill,
  form,
  type Html,
  type PageContext,
  page,
  trusted,
} from "../html.js";
import type { Messages } from "../messages/catalogue.js";
import { deliveryStatus } from "./delivery-status.js";
import { passkeyCeremony, passkeyField } from "./passkeys.js";
import { codeList } from "./recovery-codes.js";

/** A password-reset method and whether the user has it yet, for the list of the seed's step 12. */
export interface RecoveryMethodStatus {
  readonly method: RecoveryMethod;
  /** What is registered ("a•••@example.com"), or `null` when it is not set up yet. */
  readonly display: string | null;
}

/** What an enrolment page needs besides its view. */
export interface EnrolmentPageContext extends PageContext {
  /** Field → what the user typed, from the last submit. */
  readonly values: Readonly<Record<string, string>>;
  readonly tenantName: string;
  /** `add`: one more method from Security info (offers Cancel, ends there). */
  readonly mode: "register" | "add";
  /**
   * The number as the user typed it, in full international form ("+44 7400 123456"), for the
   * code page: the user checks the number the code went to (the seed's step 5). Only for the
   * send this browser just asked for; the view's masked destination otherwise.
   */
  readonly fullNumber: string | null;
  /** Which section a code page belongs to: the sign-in methods, or password reset. */
  readonly section: "mfa" | "reset";
  /** Each password-reset method the policy offers, with its status. */
  readonly recoveryStatus: readonly RecoveryMethodStatus[];
  /** The method added in this scoped change is already active (Cancel keeps it). */
  readonly changeBound: boolean;
}

/** How each MFA method is called on screen. */
export const methodLabel = (t: Messages, m: MfaMethod): string =>
  ({
    "authentication-phone": t.methodAuthenticationPhone,
    "office-phone": t.methodOfficePhone,
    "alternate-phone": t.methodAlternatePhone,
    "authenticator-app": t.methodAuthenticatorApp,
    passkey: t.methodPasskey,
  })[m];

/** How each password-reset method is called on screen. */
export const recoveryLabel = (t: Messages, m: RecoveryMethod): string =>
  ({
    email: t.recoveryEmail,
    phone: t.recoveryPhone,
    "authenticator-app": t.methodAuthenticatorApp,
  })[m];

/** "United Kingdom (+44)", the name in the page's language. */
function countryLabel(locale: string, code: string): string {
  let calling = "";
  try {
    calling = ` (+${getCountryCallingCode(code as CountryCode)})`;
  } catch {
    // Not a country libphonenumber knows: show the name alone.
  }
  return `${new Intl.DisplayNames([locale], { type: "region" }).of(code) ?? code}${calling}`;
}

/** The hidden field naming the step a form answers. */
const stepField = (step: string) => html`<input type="hidden" name="step" value="${step}">`;

/** Steps before a method is bound in a scoped change: Cancel there changes nothing. */
function navButtons(view: EnrolmentView, ctx: EnrolmentPageContext): Html {
  const { t } = ctx.ui;
  // On a code page "Use a different method" is the way back; one button is enough.
  const codePage =
    view.step === "verify-code" ||
    view.step === "authenticator-setup" ||
    view.step === "factor-setup";
  const back =
    view.canGoBack && !codePage
      ? button(t.back, { name: "action", value: "back", kind: "secondary", skipValidation: true })
      : "";
  // Once the new method is active, "Cancel" would keep it anyway: say what the button does.
  const cancel =
    ctx.mode === "add"
      ? button(ctx.changeBound ? t.stopHereKeepMethod : t.cancel, {
          name: "action",
          value: "cancel",
          kind: "link",
          skipValidation: true,
          id: "cancel",
        })
      : "";
  return html`${back}${cancel}`;
}

/** A form for the current step, posting to /enrol. */
function stepForm(view: EnrolmentView, ctx: EnrolmentPageContext, body: Html, actions: Html): Html {
  return form(
    ctx.ui,
    "/enrol",
    html`${stepField(view.step)}
${body}
<div class="actions">${actions}${navButtons(view, ctx)}</div>`,
    { id: `step-${view.step}` },
  );
}

/** A page of the wizard: the layout with the user, banner and errors of `ctx`. */
const screen = (
  ctx: EnrolmentPageContext,
  heading: { readonly title: string; readonly kicker?: string },
  body: Html,
) => page(ctx.ui, { ...heading, banner: ctx.banner, user: ctx.user, errors: ctx.errors }, body);

const err = (ctx: EnrolmentPageContext, name: string) =>
  ({ value: ctx.values[name], error: ctx.errors[name] }) as const;

function intro(view: ViewOf<"intro">, ctx: EnrolmentPageContext): Html {
  const { t } = ctx.ui;
  const snooze =
    view.requirement === "nudge" && view.snoozesLeft > 0
      ? button(fill(t.skipForNow, { left: view.snoozesLeft }), {
          name: "action",
          value: "snooze",
          kind: "secondary",
        })
      : "";
  return screen(
    ctx,
    { title: t.introTitle },
    html`<p class="lead">${fill(t.introLead, { tenant: ctx.tenantName })}</p>
${stepForm(view, ctx, html``, html`${button(t.setItUpNow, { id: "setup" })}${snooze}`)}`,
  );
}

function methodChoice(view: ViewOf<"mfa-method">, ctx: EnrolmentPageContext): Html {
  const { t, locale } = ctx.ui;
  const chosen = ctx.values.method ?? view.methods[0] ?? "";
  // No country is chosen for the user: a national number read against the wrong country
  // reaches a stranger (the seed asks the user to pick one). A "+" number needs none.
  const country = ctx.values.country ?? "";
  const delivery = ctx.values.delivery ?? "sms";
  const hasPhone = view.methods.some((m) => m !== "authenticator-app" && m !== "passkey");
  const countryError = ctx.errors.country;
  const body = html`<div class="field">
  <label for="method">${t.methodQuestion}</label>
  <select id="method" name="method">
    ${view.methods.map(
      (m) =>
        html`<option value="${m}"${m === chosen ? " selected" : ""}>${methodLabel(t, m)}</option>`,
    )}
  </select>
</div>
${
  hasPhone
    ? html`<fieldset class="phone">
  <legend>${t.forAPhone}</legend>
  <div class="field${countryError ? " has-error" : ""}">
    <label for="country">${t.countryLabel}</label>
    <p class="hint" id="country-hint">${t.countryHint}</p>
    ${countryError ? html`<p class="error" id="country-error">${countryError}</p>` : ""}
    <select id="country" name="country" aria-describedby="country-hint${countryError ? " country-error" : ""}"${
      countryError ? html` aria-invalid="true"` : ""
    }>
      <option value=""${country === "" ? " selected" : ""}>${t.countryChoose}</option>
      ${view.countries.map(
        (c) =>
          html`<option value="${c}"${c === country ? " selected" : ""}>${countryLabel(locale, c)}</option>`,
      )}
    </select>
  </div>
  ${field({
    name: "number",
    label: t.phoneNumber,
    type: "tel",
    state: err(ctx, "number"),
    autocomplete: "tel",
    inputmode: "tel",
    maxlength: 32,
    hint: t.phoneNumberHint,
  })}
  ${
    view.methods.includes("office-phone")
      ? field({
          name: "extension",
          label: t.extensionLabel,
          state: err(ctx, "extension"),
          inputmode: "numeric",
          maxlength: 16,
        })
      : ""
  }
  <fieldset class="radios">
    <legend>${t.deliveryQuestion}</legend>
    ${view.deliveries.map(
      (d) =>
        html`<label class="radio"><input type="radio" name="delivery" value="${d}"${
          d === delivery ? " checked" : ""
        }> ${d === "sms" ? t.deliverySms : t.deliveryVoice}</label>`,
    )}
  </fieldset>
</fieldset>`
    : ""
}
${
  view.methods.includes("passkey")
    ? html`<fieldset class="passkey">
  <legend>${t.forAPasskey}</legend>
  ${field({
    name: "passkeyName",
    label: t.passkeyNameLabel,
    state: err(ctx, "name"),
    maxlength: 64,
    hint: t.passkeyNameHint,
  })}
</fieldset>`
    : ""
}
${view.phoneRiskNotice ? html`<p class="note" id="phone-risk">${view.phoneRiskNotice}</p>` : ""}`;
  return screen(
    ctx,
    { kicker: t.mfaSection, title: t.methodTitle },
    html`<p class="lead">${t.methodLead}</p>
${stepForm(view, ctx, body, button(t.contactMe, { id: "contact" }))}`,
  );
}

/** The countdown line before a resend is allowed (the script counts it down). */
export function resendTimer(t: Messages, seconds: number): Html {
  return seconds > 0
    ? html`<p class="countdown" id="resend-timer" data-countdown="${seconds}" data-done="${t.resendReady}">${trusted(
        fill(t.resendIn, { seconds: `<span>${seconds}</span>` }),
      )}</p><noscript><p class="small">${t.resendNoScript}</p></noscript>`
    : html`<p class="countdown" id="resend-timer">${t.resendReady}</p>`;
}

function verifyCode(view: ViewOf<"verify-code">, ctx: EnrolmentPageContext): Html {
  const { t, locale } = ctx.ui;
  const reset = ctx.section === "reset" || view.channel === "email";
  const destination = html`<strong id="destination">${
    view.channel !== "email" && ctx.fullNumber ? ctx.fullNumber : view.destination
  }</strong>`;
  const sentence =
    view.channel === "sms"
      ? sentenceAround(t.codeSentSms, destination)
      : view.channel === "voice"
        ? sentenceAround(t.codeSentVoice, destination)
        : sentenceAround(t.codeSentEmail, destination);
  const title =
    view.channel === "email" ? t.verifyEmailTitle : reset ? t.verifyPhoneTitle : t.verifyCodeTitle;
  // A dead code (expired, or out of tries) can always be replaced: the engine starts a fresh
  // challenge for it, so "Send a new code" stays offered even when this one has no sends left.
  const dead = view.attemptsLeft === 0 || view.expiresInSeconds === 0;
  const facts = dead
    ? t.codeDead
    : fill(view.attemptsLeft === 1 ? t.codeFactsOne : t.codeFactsOther, {
        duration: duration(locale, view.expiresInSeconds),
        attempts: view.attemptsLeft,
      });
  const body = html`<p class="lead">${sentence}</p>
${codeField(t, { error: ctx.errors.code }, view.codeLength, t.enterTheCode)}
<p class="small" id="code-facts">${facts}</p>
${deliveryStatus(t, view.delivery, view.channel, `${ctx.ui.base}/enrol/delivery`)}`;
  const wait = dead ? 0 : view.resendInSeconds;
  const actions = html`${button(t.verify, { id: "verify" })}
</div>
<div class="actions secondary-actions">
${resendTimer(t, wait)}
${
  view.sendsLeft > 0 || dead
    ? button(t.sendNewCode, {
        name: "action",
        value: "resend",
        kind: "secondary",
        skipValidation: true,
        id: "resend",
        disabledForSeconds: wait,
      })
    : ""
}
${
  view.canSwitchToVoice
    ? button(t.callMeInstead, {
        name: "action",
        value: "switch-to-voice",
        kind: "secondary",
        skipValidation: true,
        id: "call-instead",
        disabledForSeconds: wait,
      })
    : ""
}
${button(t.useDifferentMethod, {
  name: "action",
  value: "different-method",
  kind: "link",
  skipValidation: true,
})}`;
  const kicker = reset ? t.resetSection : t.mfaSection;
  return screen(ctx, { kicker, title }, stepForm(view, ctx, body, actions));
}

/** A catalogue sentence with `{destination}` replaced by a piece of markup. */
export function sentenceAround(template: string, inner: Html): Html {
  const [before = "", after = ""] = template.split("{destination}");
  return html`${before}${inner}${after}`;
}

/** Groups a base32 key in fours for reading aloud and typing. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, "$1 ");

function authenticator(view: ViewOf<"authenticator-setup">, ctx: EnrolmentPageContext): Html {
  const { t } = ctx.ui;
  if (!view.secret || !view.qrSvg) {
    // After a reload the key is gone (shown once): start again with a new one.
    return screen(
      ctx,
      { title: t.authenticatorTitle },
      html`<p class="lead">${t.authenticatorKeyGone}</p>
${stepForm(
  view,
  ctx,
  html``,
  html`${button(t.showNewKey, { name: "action", value: "restart", id: "restart" })}
${button(t.useDifferentMethod, { name: "action", value: "different-method", kind: "secondary" })}`,
)}`,
    );
  }
  const body = html`<ol class="steps">
  <li>${t.authenticatorStep1}</li>
  <li>${t.authenticatorStep2}
    <figure class="qr">${trusted(view.qrSvg)}<figcaption>${fill(t.qrCaption, {
      user: ctx.user,
      tenant: ctx.tenantName,
    })}</figcaption></figure>
    ${t.cantScan} <code id="totp-secret" class="secret">${grouped(view.secret)}</code> ${copyButton(t, "totp-secret")}
  </li>
  <li>${fill(t.authenticatorStep3, { length: view.codeLength })}</li>
</ol>
${codeField(t, { error: ctx.errors.code }, view.codeLength, t.codeFromApp)}`;
  return screen(
    ctx,
    { kicker: t.mfaSection, title: t.authenticatorTitle },
    html`<p class="note">${t.keyShownOnce}</p>
${stepForm(
  view,
  ctx,
  body,
  html`${button(t.verify, { id: "verify" })}${button(t.useDifferentMethod, {
    name: "action",
    value: "different-method",
    kind: "secondary",
    skipValidation: true,
  })}`,
)}`,
  );
}

/** A factor set up by a ceremony: today a passkey (the browser's WebAuthn prompt). */
function factorSetup(view: ViewOf<"factor-setup">, ctx: EnrolmentPageContext): Html {
  const { t } = ctx.ui;
  const { ceremony } = view;
  const different = button(t.useDifferentMethod, {
    name: "action",
    value: "different-method",
    kind: "secondary",
    skipValidation: true,
  });
  const restart = button(t.startAgain, { name: "action", value: "restart", kind: "secondary" });
  const heading = { kicker: t.mfaSection, title: t.passkeyCreateTitle };
  if (ceremony.expiresInSeconds === 0)
    return screen(
      ctx,
      heading,
      html`<p class="lead">${t.passkeyExpired}</p>
${stepForm(view, ctx, html``, html`${restart}${different}`)}`,
    );
  return screen(
    ctx,
    heading,
    html`<p class="lead">${fill(t.passkeyCreateLead, { tenant: ctx.tenantName })}</p>
${stepForm(
  view,
  ctx,
  passkeyField("answer"),
  html`${button(t.passkeyCreate, { id: "create-passkey" })}${restart}${different}`,
)}
${passkeyCeremony(ctx.ui, "create", ceremony.options, `step-${view.step}`)}`,
  );
}

function appPassword(view: ViewOf<"app-password">, ctx: EnrolmentPageContext): Html {
  const { t } = ctx.ui;
  const body = view.password
    ? html`<p class="lead">${t.appPasswordLead}</p>
<div class="secret-box">
  <p class="label" id="app-password-label">${view.name}</p>
  <output id="app-password" class="secret" aria-labelledby="app-password-label">${view.password}</output>
  ${copyButton(t, "app-password")}
</div>
<p class="note">${t.appPasswordCopyNow}</p>`
    : html`<p class="lead">${fill(t.appPasswordShownOnce, { name: view.name })}</p>`;
  const actions = view.password
    ? button(t.done, { id: "done" })
    : html`${button(t.done, { id: "done" })}
${button(t.newAppPassword, { name: "action", value: "new-password", kind: "secondary", id: "new-password" })}`;
  return screen(
    ctx,
    { kicker: t.mfaSection, title: t.appPasswordTitle },
    stepForm(view, ctx, body, actions),
  );
}

function recoveryCodesStep(view: ViewOf<"recovery-codes">, ctx: EnrolmentPageContext): Html {
  const { t } = ctx.ui;
  const body = view.codes
    ? html`<p class="lead">${t.recoveryCodesLead}</p>
<div class="secret-box">
  <p class="label" id="recovery-codes-label">${t.recoveryCodesYours}</p>
  ${codeList(view.codes)}
  ${copyButton(t, "recovery-codes")}
</div>
<p class="note">${t.recoveryCodesSaveNow}</p>`
    : html`<p class="lead">${t.recoveryCodesShownOnce}</p>`;
  const actions = view.codes
    ? button(t.savedThem, { id: "saved" })
    : html`${button(t.savedThem, { id: "saved" })}
${button(t.newRecoveryCodes, { name: "action", value: "new-codes", kind: "secondary", id: "new-codes" })}`;
  return screen(
    ctx,
    { kicker: t.mfaSection, title: t.recoveryCodesTitle },
    stepForm(view, ctx, body, actions),
  );
}

function appStep(view: ViewOf<"app-step">, ctx: EnrolmentPageContext): Html {
  const { t } = ctx.ui;
  const id = html`<input type="hidden" name="stepId" value="${view.stepId}">`;
  if (view.stepId !== "change-password") {
    return screen(ctx, { title: view.title }, stepForm(view, ctx, id, button(t.continue)));
  }
  const body = html`${id}
<p class="lead">${t.changePasswordLead}</p>
${field({ name: "current", label: t.currentPassword, type: "password", state: { error: ctx.errors.current }, autocomplete: "current-password", required: true })}
${field({ name: "password", label: t.newPassword, type: "password", state: { error: ctx.errors.password }, autocomplete: "new-password", required: true, hint: t.newPasswordHint })}
${field({ name: "confirm", label: t.confirmPassword, type: "password", state: { error: ctx.errors.confirm }, autocomplete: "new-password", required: true })}`;
  return screen(
    ctx,
    { title: t.changePasswordTitle },
    stepForm(view, ctx, body, button(t.changePasswordButton, { id: "update-password" })),
  );
}

function recoveryIntro(view: ViewOf<"recovery-intro">, ctx: EnrolmentPageContext): Html {
  const { t } = ctx.ui;
  return screen(
    ctx,
    { kicker: t.resetSection, title: t.recoveryIntroTitle },
    html`<p class="lead">${t.recoveryIntroLead}</p>
<p>${fill(t.recoveryIntroCount, { count: view.required })}</p>
${stepForm(view, ctx, html``, button(t.next, { id: "next" }))}`,
  );
}

/** Every password-reset method the policy offers, each with its status (the seed's step 12). */
function recoveryMethod(view: ViewOf<"recovery-method">, ctx: EnrolmentPageContext): Html {
  const { t } = ctx.ui;
  const listed: readonly RecoveryMethodStatus[] = ctx.recoveryStatus.length
    ? ctx.recoveryStatus
    : view.methods.map((method) => ({ method, display: null }));
  const rows = listed.map(({ method: m, display }) => {
    const open = view.methods.includes(m);
    const action = open
      ? form(
          ctx.ui,
          "/enrol",
          html`${stepField("recovery-method")}<input type="hidden" name="method" value="${m}">${button(
            m === "phone" ? t.verify : t.setItUpNow,
            { kind: "secondary", id: `recovery-${m}` },
          )}<span class="visually-hidden"> ${recoveryLabel(t, m)}</span>`,
          { className: "inline" },
        )
      : html`<span class="status done" id="recovery-${m}-status">${t.statusVerified}${
          display ? html` <span class="small">${display}</span>` : ""
        }</span>`;
    return html`<li data-method="${m}"><span>${recoveryLabel(t, m)}</span> ${
      open && display === null ? html`<span class="status">${t.statusNotSetUp}</span>` : ""
    } ${action}</li>`;
  });
  return screen(
    ctx,
    { kicker: t.resetSection, title: t.recoveryMethodTitle },
    html`<ul class="methods" id="recovery-methods">${rows}</ul>
${view.canGoBack ? stepForm(view, ctx, html``, html``) : ""}`,
  );
}

function recoveryEmail(view: ViewOf<"recovery-email">, ctx: EnrolmentPageContext): Html {
  const { t } = ctx.ui;
  const body = field({
    name: "email",
    label: t.emailLabel,
    type: "email",
    state: err(ctx, "email"),
    autocomplete: "email",
    inputmode: "email",
    required: true,
    maxlength: 320,
    autofocus: true,
    hint: fill(t.emailHint, { tenant: ctx.tenantName }),
  });
  return screen(
    ctx,
    { kicker: t.resetSection, title: t.recoveryEmail },
    stepForm(view, ctx, body, button(t.emailMe, { id: "email-me" })),
  );
}

function recoveryPhone(view: ViewOf<"recovery-phone">, ctx: EnrolmentPageContext): Html {
  const { t } = ctx.ui;
  const body = view.phone
    ? html`<p class="lead">${sentenceAround(t.recoveryPhoneLead, html`<strong id="destination">${view.phone}</strong>`)}</p>`
    : html`${field({ name: "number", label: t.phoneNumber, type: "tel", state: err(ctx, "number"), autocomplete: "tel", inputmode: "tel", required: true, hint: t.phoneNumberInternationalHint })}`;
  const actions = view.deliveries.map((d) =>
    button(d === "sms" ? t.textMe : t.callMe, {
      name: "delivery",
      value: d,
      kind: d === "sms" ? "primary" : "secondary",
      id: d === "sms" ? "text-me" : "call-me",
    }),
  );
  return screen(
    ctx,
    { kicker: t.resetSection, title: t.recoveryPhone },
    stepForm(view, ctx, body, html`${actions}`),
  );
}

/** The summary list of the finish and done screens. */
function summaryList(t: Messages, s: EnrolmentSummary): Html {
  return html`<dl class="summary" id="summary">
  ${s.mfa.map(
    (m) =>
      html`<div><dt>${methodLabel(t, m.method)}</dt><dd>${m.display}${
        s.addedNow.includes(m.method) ? html` <span class="tag">${t.tagNew}</span>` : ""
      }</dd></div>`,
  )}
  ${s.recovery.map(
    (r) =>
      html`<div><dt>${fill(t.forPasswordReset, { method: recoveryLabel(t, r.method) })}</dt><dd>${r.display}</dd></div>`,
  )}
  <div><dt>${t.appPasswordsHeading}</dt><dd>${s.appPasswords}</dd></div>
</dl>`;
}

function finish(view: ViewOf<"finish">, ctx: EnrolmentPageContext): Html {
  const { t } = ctx.ui;
  return screen(
    ctx,
    { title: t.finishTitle },
    html`<p class="lead">${t.finishLead}</p>
${summaryList(t, view.summary)}
${stepForm(view, ctx, html``, button(t.finish, { id: "finish" }))}`,
  );
}

function done(view: ViewOf<"done">, ctx: EnrolmentPageContext): Html {
  const { t, base } = ctx.ui;
  return screen(
    ctx,
    { title: t.doneTitle },
    html`<p class="lead">${t.doneLead}</p>
${summaryList(t, view.summary)}
<p><a class="buttonlike" href="${base}/security-info" id="to-security-info">${t.goToSecurityInfo}</a></p>`,
  );
}

function cancelled(ctx: EnrolmentPageContext): Html {
  const { t, base } = ctx.ui;
  return screen(
    ctx,
    { title: t.cancelledTitle },
    html`<p class="lead">${t.cancelledLead}</p>
<p><a class="buttonlike" href="${base}/security-info">${t.continue}</a></p>`,
  );
}

/** The page for `view`. */
export function enrolmentPage(view: EnrolmentView, ctx: EnrolmentPageContext): Html {
  switch (view.step) {
    case "intro":
      return intro(view, ctx);
    case "mfa-method":
      return methodChoice(view, ctx);
    case "verify-code":
      return verifyCode(view, ctx);
    case "authenticator-setup":
      return authenticator(view, ctx);
    case "factor-setup":
      return factorSetup(view, ctx);
    case "app-password":
      return appPassword(view, ctx);
    case "recovery-codes":
      return recoveryCodesStep(view, ctx);
    case "app-step":
      return appStep(view, ctx);
    case "recovery-intro":
      return recoveryIntro(view, ctx);
    case "recovery-method":
      return recoveryMethod(view, ctx);
    case "recovery-email":
      return recoveryEmail(view, ctx);
    case "recovery-phone":
      return recoveryPhone(view, ctx);
    case "finish":
      return finish(view, ctx);
    case "done":
      return done(view, ctx);
    case "cancelled":
      return cancelled(ctx);
  }
}

/** Whether `view` carries a one-time secret (render it directly, never after a redirect). */
export function carriesSecret(view: EnrolmentView): boolean {
  return (
    (view.step === "app-password" && view.password !== null) ||
    (view.step === "recovery-codes" && view.codes !== null) ||
    (view.step === "authenticator-setup" && view.secret !== null)
  );
}
