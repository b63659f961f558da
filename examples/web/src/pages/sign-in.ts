/**
 * Sign-in: the password page (the app's own) and the second-factor challenge (mfakit's
 * `mfa.challenge`).
 *
 * @module
 */

import type { ChallengeOption } from "@mfakit/core";
import { html } from "hono/html";
import { type Banner, button, checkbox, codeField, field, form, type Html, page } from "../html.js";
import type { PendingChallenge } from "../sessions.js";
import type { DemoAccount } from "../users.js";
import { METHOD_LABELS } from "./enrolment.js";

/** What the sign-in page shows. */
export interface SignInPageContext {
  readonly csrf: string;
  readonly banner: Banner | null;
  readonly errors: Readonly<Record<string, string>>;
  readonly username: string;
  /** Demo accounts to list (development only). */
  readonly demoAccounts: readonly DemoAccount[];
  readonly tenantName: string;
}

/** The password page. */
export function signInPage(ctx: SignInPageContext): Html {
  const demo = ctx.demoAccounts.length
    ? html`<aside class="demo" aria-labelledby="demo-title">
  <h2 id="demo-title">Demo accounts</h2>
  <ul>${ctx.demoAccounts.map(
    (a) =>
      html`<li><code>${a.id}</code> / <code>${a.password}</code>${
        a.temporary ? " (temporary password)" : ""
      }</li>`,
  )}</ul>
  <p class="small">Codes sent by text, call or email appear on <a href="/outbox">the outbox page</a> and in the terminal.</p>
</aside>`
    : "";
  return page(
    { title: `Sign in to ${ctx.tenantName}`, banner: ctx.banner },
    html`${form(
      "/sign-in",
      ctx.csrf,
      html`${field({
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
<div class="actions">${button("Sign in", { id: "sign-in" })}</div>`,
    )}
${demo}`,
  );
}

/** What the challenge page shows. */
export interface ChallengePageContext {
  readonly csrf: string;
  readonly user: string;
  readonly banner: Banner | null;
  readonly errors: Readonly<Record<string, string>>;
  readonly options: readonly ChallengeOption[];
  /** A phone code in flight. */
  readonly pending: PendingChallenge | null;
  /** The user chose the authenticator app. */
  readonly app: boolean;
  readonly resendInSeconds: number;
  /** Days "don't ask again on this device" lasts; 0 when the policy does not offer it. */
  readonly rememberDays: number;
}

/** The "don't ask again" box under a code field, when the policy offers it. */
const rememberBox = (days: number) =>
  days > 0
    ? checkbox({ name: "remember", label: `Don't ask again on this device for ${days} days` })
    : "";

/** The second-factor page: choose a method, then enter its code. */
export function challengePage(ctx: ChallengePageContext): Html {
  const base = {
    kicker: "Verify your identity",
    banner: ctx.banner,
    user: ctx.user,
    csrf: ctx.csrf,
  };
  if (ctx.pending) {
    const p = ctx.pending;
    return page(
      { ...base, title: "Enter your code" },
      html`<p class="lead">${
        p.channel === "sms"
          ? html`We've texted a code to <strong id="destination">${p.destination}</strong>.`
          : html`We're calling <strong id="destination">${p.destination}</strong> to read you a code.`
      }</p>
${form(
  "/challenge/verify",
  ctx.csrf,
  html`${codeField({ error: ctx.errors.code }, 6)}
${rememberBox(ctx.rememberDays)}
<div class="actions">${button("Verify", { id: "verify" })}</div>`,
)}
<div class="actions secondary-actions">
${
  ctx.resendInSeconds > 0
    ? html`<p class="countdown" id="resend-timer" data-countdown="${ctx.resendInSeconds}">You can ask for a new code in <span>${ctx.resendInSeconds}</span> seconds.</p>`
    : ""
}
${form("/challenge/resend", ctx.csrf, button("Send a new code", { kind: "secondary", id: "resend" }), { className: "inline" })}
${form("/challenge/cancel", ctx.csrf, button("Use a different method", { kind: "link" }), { className: "inline" })}
</div>`,
    );
  }
  if (ctx.app) {
    return page(
      { ...base, title: "Enter the code from your authenticator app" },
      html`${form(
        "/challenge/totp",
        ctx.csrf,
        html`${codeField({ error: ctx.errors.code }, 6, "Code from the app")}
${rememberBox(ctx.rememberDays)}
<div class="actions">${button("Verify", { id: "verify" })}</div>`,
      )}
<p><a href="/challenge">Use a different method</a></p>`,
    );
  }
  if (ctx.options.length === 0) {
    return page(
      { ...base, title: "No sign-in method available" },
      html`<p class="lead">Your sign-in methods are turned off after too many wrong codes. Ask your administrator to turn them back on.</p>
<p><a id="use-pass-link" href="/challenge/pass">I have a Temporary Access Pass</a></p>`,
    );
  }
  const rows = ctx.options.map((o) =>
    o.method === "passkey"
      ? html`<li>${form(
          "/challenge/passkey",
          ctx.csrf,
          button("Use a passkey", { kind: "secondary", id: "use-passkey" }),
          { className: "inline" },
        )}</li>`
      : o.method === "recovery-code"
        ? html`<li><a class="buttonlike secondary" id="use-recovery-code" href="/challenge/recovery-code">Use a recovery code</a> <span class="small">${o.display}</span></li>`
        : o.method === "authenticator-app"
          ? html`<li><a class="buttonlike secondary" id="use-app" href="/challenge?method=app">Use a code from my authenticator app</a></li>`
          : o.deliveries.map(
              (d) =>
                html`<li>${form(
                  "/challenge/start",
                  ctx.csrf,
                  html`<input type="hidden" name="method" value="${o.method}"><input type="hidden" name="delivery" value="${d}">${button(
                    `${d === "sms" ? "Text" : "Call"} ${METHOD_LABELS[o.method as Exclude<typeof o.method, "recovery-code">].toLowerCase()} ${o.display}`,
                    { kind: "secondary", id: `${d}-${o.method}` },
                  )}`,
                  { className: "inline" },
                )}</li>`,
            ),
  );
  return page(
    { ...base, title: "How do you want to verify it's you?" },
    html`<ul class="choices">${rows}</ul>
<p><a id="use-pass-link" href="/challenge/pass">I have a Temporary Access Pass</a></p>`,
  );
}
