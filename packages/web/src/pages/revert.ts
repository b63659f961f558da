/**
 * "This wasn't me": the page a notice's link opens. A GET only shows what the link will do and
 * a confirm button (mail scanners and link previews follow links: a GET must change nothing);
 * the button's POST calls `mfa.revertChange`. No sign-in is needed: the link is the proof.
 *
 * @module
 */

import type { RevertOutcome } from "@mfakit/core";
import { html } from "hono/html";
import { button, fill, form, type Html, page, type Ui } from "../html.js";
import type { Messages } from "../messages/catalogue.js";

/** The confirm page: the token goes back in the POST's body, never in a query string. */
export function revertConfirmPage(ui: Ui, token: string): Html {
  const { t } = ui;
  return page(
    ui,
    { title: t.revertTitle, kicker: t.securityInfoTitle },
    html`<p class="lead">${t.revertLead}</p>
<p>${t.revertEffects}</p>
${form(ui, "/revert", html`<input type="hidden" name="token" value="${token}">${button(t.revertButton, { id: "undo" })}`)}`,
  );
}

/** What the revert did, in words. */
function outcomeLine(t: Messages, outcome: RevertOutcome): string {
  if (outcome.undone === "removed") return t.revertRemoved;
  if (outcome.undone === "restored") return t.revertRestored;
  return t.revertNothing;
}

/** The answer to the POST: done, or why the link no longer works. */
export function revertResultPage(
  ui: Ui,
  result: { readonly ok: true; readonly outcome: RevertOutcome } | { readonly ok: false },
  signInHref: string,
): Html {
  const { t } = ui;
  if (!result.ok) {
    return page(
      ui,
      { title: t.revertInvalidTitle, banner: { kind: "error", message: t.revertInvalid } },
      html`<p>${t.revertInvalidHelp}</p><p><a href="${signInHref}">${t.signIn}</a></p>`,
    );
  }
  const { outcome } = result;
  return page(
    ui,
    { title: t.revertDoneTitle, banner: { kind: "success", message: outcomeLine(t, outcome) } },
    html`<p id="revoked">${fill(t.revertRevoked, {
      appPasswords: outcome.appPasswordsRevoked,
      devices: outcome.devicesRevoked,
    })}</p>
<p>${t.revertReview}</p>
<p><a href="${signInHref}">${t.signIn}</a></p>`,
  );
}
