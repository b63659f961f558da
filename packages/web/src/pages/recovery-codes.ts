/**
 * Recovery codes: "Use a recovery code" at the sign-in challenge, and the Security info section
 * (how many are left, a new set shown once). The wizard's step is in `enrolment.ts` with the
 * other steps. Every rule is the SDK's: this module only shows answers.
 *
 * @module
 */

import type { RecoveryCodesStatus } from "@mfakit/core";
import { html } from "hono/html";
import { button, copyButton, fill, form, type Html, type Ui, when } from "../html.js";
import type { Messages } from "../messages/catalogue.js";
import type { OneFieldChallenge } from "./challenge.js";

/** "Use a recovery code": one field, any case, with or without the dash. */
export const recoveryCodeChallenge = (t: Messages): OneFieldChallenge => ({
  title: t.recoveryCodeUseTitle,
  lead: t.recoveryCodeUseLead,
  field: {
    name: "code",
    label: t.recoveryCodeLabel,
    hint: t.recoveryCodeHint,
    maxlength: 24,
    className: "code",
  },
  submit: { label: t.signIn, id: "verify-recovery-code" },
});

/** What Security info's recovery-codes section shows. */
export interface RecoveryCodesSectionContext {
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
export function recoveryCodesSection(ui: Ui, ctx: RecoveryCodesSectionContext): Html {
  const { t, locale } = ui;
  const { status } = ctx;
  if (!status) return html``;
  const fresh = ctx.newCodes
    ? html`<div class="secret-box" role="status">
  <p class="label" id="recovery-codes-label">${t.recoveryCodesNew}</p>
  ${codeList(ctx.newCodes)}
  ${copyButton(t, "recovery-codes")}
  <p class="note">${t.recoveryCodesNewNote}</p>
</div>`
    : "";
  const summary = status.active
    ? html`<p id="recovery-codes-status">${fill(t.recoveryCodesLeft, {
        remaining: status.remaining,
        total: status.total,
        made: when(t, locale, status.createdAt),
      })}${status.fewLeft ? ` ${t.recoveryCodesLow}` : ""}</p>`
    : html`<p id="recovery-codes-status">${t.recoveryCodesNone}</p>`;
  return html`<section aria-labelledby="recovery-codes-title">
  <h2 id="recovery-codes-title">${t.recoveryCodesHeading}</h2>
  ${fresh}
  ${summary}
  ${form(
    ui,
    "/security-info/recovery-codes",
    html`<div class="actions">${button(status.active ? t.newRecoveryCodes : t.getRecoveryCodes, { kind: "secondary", id: "new-recovery-codes" })}</div>`,
  )}
</section>`;
}
