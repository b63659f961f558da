/**
 * The wizard's screens, one per engine view: the seed's "More information required",
 * "Additional security verification" steps 1–2, the app password, the password change, the
 * password-reset registration and the summary.
 *
 * A page renders exactly what its view carries. The app password and the authenticator key
 * are in a view only in the answer to the submit that created them; the route renders that
 * answer directly, so they are never stored for a later page (APP-01, TOTP-06).
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
import { html, raw } from "hono/html";
import { type CountryCode, getCountryCallingCode } from "libphonenumber-js/max";
import { type Banner, button, codeField, duration, field, form, type Html, page } from "../html.js";
import { passkeyCeremony, passkeyField } from "./passkeys.js";
import { codeList } from "./recovery-codes.js";

/** What an enrolment page needs besides its view. */
export interface EnrolmentPageContext {
  readonly csrf: string;
  readonly user: string;
  readonly banner: Banner | null;
  /** Field → error, from the last submit. */
  readonly errors: Readonly<Record<string, string>>;
  /** Field → what the user typed, from the last submit. */
  readonly values: Readonly<Record<string, string>>;
  readonly tenantName: string;
  /** `add`: one more method from Security info (offers Cancel, ends there). */
  readonly mode: "register" | "add";
}

/** How each MFA method is called on screen. */
export const METHOD_LABELS: Readonly<Record<MfaMethod, string>> = {
  "authentication-phone": "Authentication phone",
  "office-phone": "Office phone",
  "alternate-phone": "Alternate authentication phone",
  "authenticator-app": "Authenticator app",
  passkey: "Passkey",
};

const RECOVERY_LABELS: Readonly<Record<RecoveryMethod, string>> = {
  email: "Authentication email",
  phone: "Authentication phone",
  "authenticator-app": "Authenticator app",
};

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

/** "United Kingdom (+44)". */
function countryLabel(code: string): string {
  let calling = "";
  try {
    calling = ` (+${getCountryCallingCode(code as CountryCode)})`;
  } catch {
    // Not a country libphonenumber knows: show the name alone.
  }
  return `${regionNames.of(code) ?? code}${calling}`;
}

/** The hidden field naming the step a form answers, and the Back/Cancel buttons. */
const stepField = (step: string) => html`<input type="hidden" name="step" value="${step}">`;

function navButtons(view: EnrolmentView, ctx: EnrolmentPageContext): Html {
  // On a code page "Use a different method" is the way back; one button is enough.
  const codePage =
    view.step === "verify-code" ||
    view.step === "authenticator-setup" ||
    view.step === "factor-setup";
  const back =
    view.canGoBack && !codePage
      ? button("Back", { name: "action", value: "back", kind: "secondary", skipValidation: true })
      : "";
  const cancel =
    ctx.mode === "add"
      ? button("Cancel", { name: "action", value: "cancel", kind: "link", skipValidation: true })
      : "";
  return html`${back}${cancel}`;
}

/** A form for the current step, posting to /enrol. */
function stepForm(view: EnrolmentView, ctx: EnrolmentPageContext, body: Html, actions: Html): Html {
  return form(
    "/enrol",
    ctx.csrf,
    html`${stepField(view.step)}
${body}
<div class="actions">${actions}${navButtons(view, ctx)}</div>`,
    { id: `step-${view.step}` },
  );
}

/** A page of the wizard: the layout with the user, banner and CSRF token of `ctx`. */
const screen = (
  ctx: EnrolmentPageContext,
  heading: { readonly title: string; readonly kicker?: string },
  body: Html,
) => page({ ...heading, banner: ctx.banner, user: ctx.user, csrf: ctx.csrf }, body);

const err = (ctx: EnrolmentPageContext, name: string) =>
  ({ value: ctx.values[name], error: ctx.errors[name] }) as const;

function intro(view: ViewOf<"intro">, ctx: EnrolmentPageContext): Html {
  const snooze =
    view.requirement === "nudge" && view.snoozesLeft > 0
      ? button(`Skip for now (${view.snoozesLeft} left)`, {
          name: "action",
          value: "snooze",
          kind: "secondary",
        })
      : "";
  return screen(
    ctx,
    { title: "More information required" },
    html`<p class="lead">${ctx.tenantName} needs more information to keep your account secure.</p>
${stepForm(view, ctx, html``, html`${button("Set it up now", { id: "setup" })}${snooze}`)}`,
  );
}

function methodChoice(view: ViewOf<"mfa-method">, ctx: EnrolmentPageContext): Html {
  const chosen = ctx.values.method ?? view.methods[0] ?? "";
  const country = ctx.values.country ?? view.countries[0] ?? "";
  const delivery = ctx.values.delivery ?? "sms";
  const hasPhone = view.methods.some((m) => m !== "authenticator-app" && m !== "passkey");
  const countryError = ctx.errors.country;
  const body = html`<div class="field">
  <label for="method">How should we verify it's you?</label>
  <select id="method" name="method">
    ${view.methods.map(
      (m) =>
        html`<option value="${m}"${m === chosen ? " selected" : ""}>${METHOD_LABELS[m]}</option>`,
    )}
  </select>
</div>
${
  hasPhone
    ? html`<fieldset class="phone">
  <legend>For a phone</legend>
  <div class="field${countryError ? " has-error" : ""}">
    <label for="country">Country or region</label>
    ${countryError ? html`<p class="error" id="country-error">${countryError}</p>` : ""}
    <select id="country" name="country"${countryError ? html` aria-describedby="country-error" aria-invalid="true"` : ""}>
      ${view.countries.map(
        (c) =>
          html`<option value="${c}"${c === country ? " selected" : ""}>${countryLabel(c)}</option>`,
      )}
    </select>
  </div>
  ${field({
    name: "number",
    label: "Phone number",
    type: "tel",
    state: err(ctx, "number"),
    autocomplete: "tel-national",
    inputmode: "tel",
    maxlength: 32,
    hint: "For example 07400 123456",
  })}
  ${
    view.methods.includes("office-phone")
      ? field({
          name: "extension",
          label: "Extension (office phone only)",
          state: err(ctx, "extension"),
          inputmode: "numeric",
          maxlength: 16,
        })
      : ""
  }
  <fieldset class="radios">
    <legend>How should we send the code?</legend>
    ${view.deliveries.map(
      (d) =>
        html`<label class="radio"><input type="radio" name="delivery" value="${d}"${
          d === delivery ? " checked" : ""
        }> ${d === "sms" ? "Send me a code by text message" : "Call me"}</label>`,
    )}
  </fieldset>
</fieldset>`
    : ""
}
${
  view.methods.includes("passkey")
    ? html`<fieldset class="passkey">
  <legend>For a passkey</legend>
  ${field({
    name: "passkeyName",
    label: "Name (optional)",
    state: err(ctx, "name"),
    maxlength: 64,
    hint: "For example Work laptop",
  })}
</fieldset>`
    : ""
}
${view.phoneRiskNotice ? html`<p class="note" id="phone-risk">${view.phoneRiskNotice}</p>` : ""}`;
  return screen(
    ctx,
    { kicker: "Additional security verification", title: "Step 1: How should we contact you?" },
    html`<p class="lead">Secure your account by adding phone verification or an authenticator app to your password.</p>
${stepForm(view, ctx, body, button("Contact me", { id: "contact" }))}`,
  );
}

function verifyCode(view: ViewOf<"verify-code">, ctx: EnrolmentPageContext): Html {
  const sentence =
    view.channel === "sms"
      ? html`We've sent a text message to your phone at <strong id="destination">${view.destination}</strong>. It should arrive within 60 seconds.`
      : view.channel === "voice"
        ? html`We're calling your phone at <strong id="destination">${view.destination}</strong>. Answer it to hear your code.`
        : html`We've sent an email to <strong id="destination">${view.destination}</strong>.`;
  const title =
    view.channel === "email" ? "Verify your authentication email" : "Step 2: Enter your code";
  const timer =
    view.resendInSeconds > 0
      ? html`<p class="countdown" id="resend-timer" data-countdown="${view.resendInSeconds}">You can ask for a new code in <span>${view.resendInSeconds}</span> seconds.</p>`
      : html`<p class="countdown" id="resend-timer">Didn't get it? You can ask for a new code.</p>`;
  // A dead code (expired, or out of tries) can always be replaced: the engine starts a fresh
  // challenge for it, so "Send a new code" stays offered even when this one has no sends left.
  const dead = view.attemptsLeft === 0 || view.expiresInSeconds === 0;
  const body = html`<p class="lead">${sentence}</p>
${codeField({ error: ctx.errors.code }, view.codeLength, "Enter the code")}
<p class="small" id="code-facts">${
    dead
      ? "This code can't be used any more: ask for a new one."
      : `The code works for ${duration(view.expiresInSeconds)}. ${view.attemptsLeft} ${
          view.attemptsLeft === 1 ? "try" : "tries"
        } left.`
  }</p>`;
  const actions = html`${button("Verify", { id: "verify" })}
</div>
<div class="actions secondary-actions">
${timer}
${
  view.sendsLeft > 0 || dead
    ? button("Send a new code", {
        name: "action",
        value: "resend",
        kind: "secondary",
        skipValidation: true,
        id: "resend",
      })
    : ""
}
${
  view.canSwitchToVoice
    ? button("Call me instead", {
        name: "action",
        value: "switch-to-voice",
        kind: "secondary",
        skipValidation: true,
        id: "call-instead",
      })
    : ""
}
${button("Use a different method", {
  name: "action",
  value: "different-method",
  kind: "link",
  skipValidation: true,
})}`;
  const kicker = view.channel === "email" ? "Password reset" : "Additional security verification";
  return screen(ctx, { kicker, title }, stepForm(view, ctx, body, actions));
}

/** Groups a base32 key in fours for reading aloud and typing. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, "$1 ");

function authenticator(view: ViewOf<"authenticator-setup">, ctx: EnrolmentPageContext): Html {
  if (!view.secret || !view.qrSvg) {
    // After a reload the key is gone (shown once): start again with a new one.
    return screen(
      ctx,
      { title: "Set up your authenticator app" },
      html`<p class="lead">For your security the key is shown only once, and this page was reloaded. Start again to get a new key; the one you may have added is not active.</p>
${stepForm(
  view,
  ctx,
  html``,
  html`${button("Show a new key", { name: "action", value: "restart", id: "restart" })}
${button("Use a different method", { name: "action", value: "different-method", kind: "secondary" })}`,
)}`,
    );
  }
  const body = html`<ol class="steps">
  <li>Open your authenticator app (Microsoft Authenticator, Google Authenticator, 1Password…) and add an account.</li>
  <li>Scan this QR code.
    <figure class="qr">${raw(view.qrSvg)}<figcaption>QR code for ${ctx.user} at ${ctx.tenantName}</figcaption></figure>
    Can't scan it? Enter this key: <code id="totp-secret" class="secret">${grouped(view.secret)}</code>
  </li>
  <li>Enter the ${view.codeLength}-digit code the app shows.</li>
</ol>
${codeField({ error: ctx.errors.code }, view.codeLength, "Code from the app")}`;
  return screen(
    ctx,
    { kicker: "Additional security verification", title: "Set up your authenticator app" },
    html`<p class="note">This key is shown only once. Keep this page open until the app is set up.</p>
${stepForm(
  view,
  ctx,
  body,
  html`${button("Verify", { id: "verify" })}${button("Use a different method", {
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
  const { ceremony } = view;
  const different = button("Use a different method", {
    name: "action",
    value: "different-method",
    kind: "secondary",
    skipValidation: true,
  });
  const restart = button("Start again", { name: "action", value: "restart", kind: "secondary" });
  const heading = { kicker: "Additional security verification", title: "Create a passkey" };
  if (ceremony.expiresInSeconds === 0)
    return screen(
      ctx,
      heading,
      html`<p class="lead">This request has expired. Start again to create your passkey.</p>
${stepForm(view, ctx, html``, html`${restart}${different}`)}`,
    );
  return screen(
    ctx,
    heading,
    html`<p class="lead">A passkey signs you in with your fingerprint, face, PIN or security key, and works only on ${ctx.tenantName}'s site, so it can't be phished.</p>
${stepForm(
  view,
  ctx,
  passkeyField("answer"),
  html`${button("Create a passkey", { id: "create-passkey" })}${restart}${different}`,
)}
${passkeyCeremony("create", ceremony.options, `step-${view.step}`)}`,
  );
}

function appPassword(view: ViewOf<"app-password">, ctx: EnrolmentPageContext): Html {
  const body = view.password
    ? html`<p class="lead">You have verified your identity. Some mail apps (for example Apple Mail on older devices) can't ask for a verification code: use this app password in them instead of your password.</p>
<div class="secret-box">
  <p class="label" id="app-password-label">${view.name}</p>
  <output id="app-password" class="secret" aria-labelledby="app-password-label">${view.password}</output>
</div>
<p class="note">Copy it now: it will not be shown again. You can revoke it, or create others, in Security info.</p>`
    : html`<p class="lead">Your app password "${view.name}" was shown once, when it was created. If you didn't see or copy it, get a new one: the old one stops working.</p>`;
  const actions = view.password
    ? button("Done", { id: "done" })
    : html`${button("Done", { id: "done" })}
${button("Get a new app password", { name: "action", value: "new-password", kind: "secondary", id: "new-password" })}`;
  return screen(
    ctx,
    { kicker: "Additional security verification", title: "Your app password" },
    stepForm(view, ctx, body, actions),
  );
}

function recoveryCodesStep(view: ViewOf<"recovery-codes">, ctx: EnrolmentPageContext): Html {
  const body = view.codes
    ? html`<p class="lead">If you ever lose your phone or authenticator app, sign in with one of these recovery codes. Each works once.</p>
<div class="secret-box">
  <p class="label" id="recovery-codes-label">Your recovery codes</p>
  ${codeList(view.codes)}
</div>
<p class="note">Print them or write them down now and keep them somewhere safe: they will not be shown again. You can make new ones in Security info.</p>`
    : html`<p class="lead">Your recovery codes were shown once, when they were made. If you didn't save them, get new ones: the old ones stop working.</p>`;
  const actions = view.codes
    ? button("I saved them", { id: "saved" })
    : html`${button("I saved them", { id: "saved" })}
${button("Get new recovery codes", { name: "action", value: "new-codes", kind: "secondary", id: "new-codes" })}`;
  return screen(
    ctx,
    { kicker: "Additional security verification", title: "Save your recovery codes" },
    stepForm(view, ctx, body, actions),
  );
}

function appStep(view: ViewOf<"app-step">, ctx: EnrolmentPageContext): Html {
  if (view.stepId !== "change-password") {
    return screen(
      ctx,
      { title: view.title },
      stepForm(
        view,
        ctx,
        html`<input type="hidden" name="stepId" value="${view.stepId}">`,
        button("Continue"),
      ),
    );
  }
  const body = html`<input type="hidden" name="stepId" value="${view.stepId}">
<p class="lead">You signed in with a temporary password. Choose a new one to continue.</p>
${field({ name: "current", label: "Current password", type: "password", state: { error: ctx.errors.current }, autocomplete: "current-password", required: true })}
${field({ name: "password", label: "New password", type: "password", state: { error: ctx.errors.password }, autocomplete: "new-password", required: true, hint: "At least 12 characters. A short sentence works well." })}
${field({ name: "confirm", label: "Confirm new password", type: "password", state: { error: ctx.errors.confirm }, autocomplete: "new-password", required: true })}`;
  return screen(
    ctx,
    { title: view.title },
    stepForm(view, ctx, body, button("Update password and continue", { id: "update-password" })),
  );
}

function recoveryIntro(view: ViewOf<"recovery-intro">, ctx: EnrolmentPageContext): Html {
  return screen(
    ctx,
    { kicker: "Password reset", title: "Don't lose access to your account!" },
    html`<p class="lead">To make sure you can reset your password, we need some more information. We'll use it only for account security; it isn't shown to anyone else.</p>
<p>You need to set up ${view.required} of the following.</p>
${stepForm(view, ctx, html``, button("Next", { id: "next" }))}`,
  );
}

function recoveryMethod(view: ViewOf<"recovery-method">, ctx: EnrolmentPageContext): Html {
  const rows = view.methods.map(
    (m) =>
      html`<li><span>${RECOVERY_LABELS[m]}</span> ${form(
        "/enrol",
        ctx.csrf,
        html`${stepField("recovery-method")}<input type="hidden" name="method" value="${m}">${button(
          m === "phone" ? "Verify" : "Set it up now",
          { kind: "secondary", id: `recovery-${m}` },
        )}`,
        { className: "inline" },
      )}</li>`,
  );
  return screen(
    ctx,
    { kicker: "Password reset", title: "Set up password reset" },
    html`<ul class="methods">${rows}</ul>
${view.canGoBack ? stepForm(view, ctx, html``, html``) : ""}`,
  );
}

function recoveryEmail(view: ViewOf<"recovery-email">, ctx: EnrolmentPageContext): Html {
  const body = field({
    name: "email",
    label: "Email address",
    type: "email",
    state: err(ctx, "email"),
    autocomplete: "email",
    inputmode: "email",
    required: true,
    maxlength: 320,
    autofocus: true,
    hint: `An address you can reach without your ${ctx.tenantName} account, such as a personal address.`,
  });
  return screen(
    ctx,
    { kicker: "Password reset", title: "Authentication email" },
    stepForm(view, ctx, body, button("Email me", { id: "email-me" })),
  );
}

function recoveryPhone(view: ViewOf<"recovery-phone">, ctx: EnrolmentPageContext): Html {
  const body = view.phone
    ? html`<p class="lead">Verify your authentication phone <strong id="destination">${view.phone}</strong> for password reset.</p>`
    : html`${field({ name: "number", label: "Phone number", type: "tel", state: err(ctx, "number"), autocomplete: "tel", inputmode: "tel", required: true, hint: "With the country code, e.g. +44 7400 123456" })}`;
  const actions = view.deliveries.map((d) =>
    button(d === "sms" ? "Text me" : "Call me", {
      name: "delivery",
      value: d,
      kind: d === "sms" ? "primary" : "secondary",
      id: d === "sms" ? "text-me" : "call-me",
    }),
  );
  return screen(
    ctx,
    { kicker: "Password reset", title: "Authentication phone" },
    stepForm(view, ctx, body, html`${actions}`),
  );
}

/** The summary list of the finish and done screens. */
function summaryList(s: EnrolmentSummary): Html {
  return html`<dl class="summary" id="summary">
  ${s.mfa.map(
    (m) =>
      html`<div><dt>${METHOD_LABELS[m.method]}</dt><dd>${m.display}${
        s.addedNow.includes(m.method) ? html` <span class="tag">new</span>` : ""
      }</dd></div>`,
  )}
  ${s.recovery.map(
    (r) =>
      html`<div><dt>${RECOVERY_LABELS[r.method]} (password reset)</dt><dd>${r.display}</dd></div>`,
  )}
  <div><dt>App passwords</dt><dd>${s.appPasswords}</dd></div>
</dl>`;
}

function finish(view: ViewOf<"finish">, ctx: EnrolmentPageContext): Html {
  return screen(
    ctx,
    { title: "You're almost done" },
    html`<p class="lead">You've set up these ways to verify it's you and to reset your password.</p>
${summaryList(view.summary)}
${stepForm(view, ctx, html``, button("Finish", { id: "finish" }))}`,
  );
}

function done(view: ViewOf<"done">, ctx: EnrolmentPageContext): Html {
  return screen(
    ctx,
    { title: "You're all set" },
    html`<p class="lead">Next time you sign in, we'll ask for one of these after your password.</p>
${summaryList(view.summary)}
<p><a class="buttonlike" href="/security-info" id="to-security-info">Go to Security info</a></p>`,
  );
}

function cancelled(ctx: EnrolmentPageContext): Html {
  return screen(
    ctx,
    { title: "Set up later" },
    html`<p class="lead">Nothing was changed. We'll ask again next time you sign in.</p>
<p><a class="buttonlike" href="/security-info">Continue</a></p>`,
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
