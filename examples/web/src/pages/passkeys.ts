/**
 * Passkey pages: the JSON block and status line every passkey ceremony shows (the wizard's
 * "Create a passkey" step and the sign-in challenge's "Use a passkey"), and the challenge page.
 *
 * The ceremony options are not secret (a challenge is a single-use nonce), so they are rendered
 * into the page as JSON; `static/passkey.js` hands them to the browser's WebAuthn API and posts
 * the credential back in the form's hidden field. The SDK checks everything else.
 *
 * @module
 */

import type { PasskeyChallengeStarted } from "@mfakit/core";
import { html, raw } from "hono/html";
import { type Banner, button, form, type Html, page } from "../html.js";

/** JSON safe inside a `<script>` data block (no `</script>`, no HTML comment opener). */
const scriptJson = (value: unknown) =>
  JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");

/**
 * What a ceremony page carries besides its form: the options for `formId`'s passkey button, the
 * live status line, and the script.
 */
export function passkeyCeremony(mode: "create" | "get", options: unknown, formId: string): Html {
  return html`<script type="application/json" id="passkey-options" data-passkey-mode="${mode}" data-passkey-form="${formId}">${raw(
    scriptJson(options),
  )}</script>
<p id="passkey-status" class="note" role="status" aria-live="polite"></p>
<script src="/static/passkey.js" defer></script>`;
}

/** The hidden field the script fills with the credential's JSON. */
export const passkeyField = (name: string) =>
  html`<input type="hidden" name="${name}" value="" data-passkey-field>`;

/** What the passkey sign-in page needs. */
export interface PasskeyChallengePageContext {
  readonly csrf: string;
  readonly user: string;
  readonly banner: Banner | null;
  readonly started: PasskeyChallengeStarted;
}

/** "Use a passkey": one button that runs the ceremony, and the way back to other methods. */
export function passkeyChallengePage(ctx: PasskeyChallengePageContext): Html {
  return page(
    {
      kicker: "Verify your identity",
      title: "Use your passkey",
      banner: ctx.banner,
      user: ctx.user,
      csrf: ctx.csrf,
    },
    html`<p class="lead">Your device will ask you to confirm it's you with your fingerprint, face, PIN or security key.</p>
${form(
  "/challenge/passkey/verify",
  ctx.csrf,
  html`<input type="hidden" name="challengeId" value="${ctx.started.challengeId}">${passkeyField("response")}
<div class="actions">${button("Use my passkey", { id: "use-passkey" })}</div>`,
  { id: "passkey-sign-in" },
)}
${passkeyCeremony("get", ctx.started.options, "passkey-sign-in")}
<p><a href="/challenge">Use a different method</a></p>`,
  );
}
