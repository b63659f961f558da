/**
 * Passkey pages: the JSON block and status line every passkey ceremony shows (the wizard's
 * "Create a passkey" step and the sign-in challenge's "Use a passkey"), and the challenge page.
 *
 * The ceremony options are not secret (a challenge is a single-use nonce), so they are rendered
 * into the page as JSON; the page script hands them to the browser's WebAuthn API and posts
 * the credential back in the form's hidden field. The SDK checks everything else.
 *
 * @module
 */

import type { PasskeyChallengeStarted } from "@mfakit/core";
import { html } from "hono/html";
import { type Banner, button, form, type Html, page, trusted, type Ui } from "../html.js";

/** JSON safe inside a `<script>` data block (no `</script>`, no HTML comment opener). */
const scriptJson = (value: unknown) =>
  JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");

/**
 * What a ceremony page carries besides its form: the options for `formId`'s passkey button and
 * the live status line (with its words in the page's language for the script).
 */
export function passkeyCeremony(
  ui: Ui,
  mode: "create" | "get",
  options: unknown,
  formId: string,
): Html {
  return html`<script type="application/json" id="passkey-options" data-passkey-mode="${mode}" data-passkey-form="${formId}" data-prompt="${ui.t.passkeyPrompt}" data-failed="${ui.t.passkeyFailed}">${trusted(
    scriptJson(options),
  )}</script>
<p id="passkey-status" class="note" role="status" aria-live="polite"></p>`;
}

/** The hidden field the script fills with the credential's JSON. */
export const passkeyField = (name: string): Html =>
  html`<input type="hidden" name="${name}" value="" data-passkey-field>`;

/** What the passkey sign-in page needs. */
export interface PasskeyChallengePageContext {
  readonly ui: Ui;
  readonly user: string;
  readonly banner: Banner | null;
  readonly started: PasskeyChallengeStarted;
}

/** "Use a passkey": one button that runs the ceremony, and the way back to other methods. */
export function passkeyChallengePage(ctx: PasskeyChallengePageContext): Html {
  const { ui } = ctx;
  const { t } = ui;
  return page(
    ui,
    { kicker: t.challengeSection, title: t.passkeyUseTitle, banner: ctx.banner, user: ctx.user },
    html`<p class="lead">${t.passkeyUseLead}</p>
${form(
  ui,
  "/challenge/passkey/verify",
  html`<input type="hidden" name="challengeId" value="${ctx.started.challengeId}">${passkeyField("response")}
<div class="actions">${button(t.passkeyUseButton, { id: "use-passkey" })}</div>`,
  { id: "passkey-sign-in" },
)}
${passkeyCeremony(ui, "get", ctx.started.options, "passkey-sign-in")}
<p><a href="${ui.base}/challenge">${t.useDifferentMethod}</a></p>`,
  );
}
