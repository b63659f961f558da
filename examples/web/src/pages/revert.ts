/**
 * "This wasn't me": the page a notice's link opens. A GET only shows what the link will do and
 * a confirm button (mail scanners and link previews follow links: a GET must change nothing);
 * the button's POST calls `mfa.revertChange`. No sign-in is needed: the link is the proof.
 *
 * @module
 */

import type { RevertOutcome } from "@mfakit/core";
import { html } from "hono/html";
import { button, form, type Html, page } from "../html.js";

/** The confirm page: the token goes back in the POST's body, never in a query string. */
export function revertConfirmPage(ctx: { readonly csrf: string; readonly token: string }): Html {
  return page(
    { title: "Wasn't you?", kicker: "Security info" },
    html`<p class="lead">If you did not make the change this message told you about, undo it here.</p>
<p>Undoing it also signs out every app password and remembered device, and asks your administrator to review your account.</p>
${form(
  "/revert",
  ctx.csrf,
  html`<input type="hidden" name="token" value="${ctx.token}">${button("Undo this change", {
    id: "undo",
  })}`,
)}`,
  );
}

/** What the revert did, in words. */
function outcomeLine(outcome: RevertOutcome): string {
  if (outcome.undone === "removed") return "The sign-in method that was added has been removed.";
  if (outcome.undone === "restored") return "The sign-in method that was removed is back.";
  return "There was nothing left to undo: the method is already gone, or cannot be put back (add it again from Security info).";
}

/** The answer to the POST: done, or why the link no longer works. */
export function revertResultPage(
  result: { readonly ok: true; readonly outcome: RevertOutcome } | { readonly ok: false },
): Html {
  if (!result.ok) {
    return page(
      {
        title: "This link no longer works",
        banner: { kind: "error", message: "This link has expired or was already used." },
      },
      html`<p>If something still looks wrong, contact your administrator or support.</p><p><a href="/sign-in">Sign in</a></p>`,
    );
  }
  const { outcome } = result;
  return page(
    { title: "Change undone", banner: { kind: "success", message: outcomeLine(outcome) } },
    html`<p id="revoked">${outcome.appPasswordsRevoked} app password(s) and ${outcome.devicesRevoked} remembered device(s) were signed out.</p>
<p>Your account is now under review. Sign in again and check your security info; contact your administrator if you need help.</p>
<p><a href="/sign-in">Sign in</a></p>`,
  );
}
