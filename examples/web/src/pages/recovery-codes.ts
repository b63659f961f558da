/**
 * Recovery codes in the web app: "Use a recovery code" at the sign-in challenge, and the
 * Security info section (how many are left, a new set shown once). The wizard's step is in
 * `enrolment.ts` with the other steps. Every rule is the SDK's: this module only shows answers.
 *
 * @module
 */

import type { RecoveryCodesStatus } from "@mfakit/core";
import { html } from "hono/html";
import { type Banner, button, field, form, type Html, page, when } from "../html.js";

/** What the challenge's recovery-code page shows. */
export interface RecoveryCodeChallengeContext {
  readonly csrf: string;
  readonly user: string;
  readonly banner: Banner | null;
  readonly errors: Readonly<Record<string, string>>;
}

/** "Use a recovery code": one field, any case, with or without the dash. */
export function recoveryCodeChallengePage(ctx: RecoveryCodeChallengeContext): Html {
  return page(
    { title: "Use a recovery code", banner: ctx.banner, user: ctx.user, csrf: ctx.csrf },
    html`<p class="lead">Enter one of the recovery codes you saved when you set up your sign-in methods. Each code works once.</p>
${form(
  "/challenge/recovery-code",
  ctx.csrf,
  html`${field({
    name: "code",
    label: "Recovery code",
    state: { error: ctx.errors.code },
    autocomplete: "off",
    maxlength: 24,
    required: true,
    autofocus: true,
    className: "code",
    hint: "10 letters and digits, like 7k3m9-q2xwd",
  })}
<div class="actions">${button("Sign in", { id: "verify-recovery-code" })}</div>`,
)}
<p><a href="/challenge">Use a different method</a></p>`,
  );
}

/** What Security info's recovery-codes section shows. */
export interface RecoveryCodesSectionContext {
  readonly csrf: string;
  /** The SDK's status; `null` when the policy turns recovery codes off. */
  readonly status: RecoveryCodesStatus | null;
  /** A new set, in the answer that made it only. */
  readonly newCodes: readonly string[] | null;
}

/** The list of codes to save, shown once. */
export const codeList = (codes: readonly string[]): Html =>
  html`<ul id="recovery-codes" class="secret codes" aria-labelledby="recovery-codes-label">${codes.map(
    (c) => html`<li><code>${c}</code></li>`,
  )}</ul>`;

/** Security info's section: count left, when made, and "Get new codes" (step-up by the SDK). */
export function recoveryCodesSection(ctx: RecoveryCodesSectionContext): Html {
  const { status } = ctx;
  if (!status) return html``;
  const fresh = ctx.newCodes
    ? html`<div class="secret-box" role="status">
  <p class="label" id="recovery-codes-label">Your new recovery codes</p>
  ${codeList(ctx.newCodes)}
  <p class="note">Save them now: they will not be shown again. Your old codes no longer work.</p>
</div>`
    : "";
  const summary = status.active
    ? html`<p id="recovery-codes-status">${status.remaining} of ${status.total} left, made ${when(
        status.createdAt,
      )}.${status.fewLeft ? " You're running low: get new ones." : ""}</p>`
    : html`<p id="recovery-codes-status">You have no recovery codes.</p>`;
  return html`<section aria-labelledby="recovery-codes-title">
  <h2 id="recovery-codes-title">Recovery codes</h2>
  ${fresh}
  ${summary}
  ${form(
    "/security-info/recovery-codes",
    ctx.csrf,
    html`<div class="actions">${button(status.active ? "Get new recovery codes" : "Get recovery codes", { kind: "secondary", id: "new-recovery-codes" })}</div>`,
  )}
</section>`;
}
