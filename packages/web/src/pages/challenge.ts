/**
 * The second factor at sign-in (`mfa.challenge`): choose a method, then enter its code.
 *
 * @module
 */

import type { ChallengeOption, DeliveryView } from "@mfakit/core";
import { html } from "hono/html";
import {
  button,
  checkbox,
  codeField,
  type FieldOptions,
  field,
  fill,
  form,
  type Html,
  type PageContext,
  page,
  type Ui,
} from "../html.js";
import type { PendingChallenge } from "../page-state.js";
import { deliveryStatus } from "./delivery-status.js";
import { methodLabel, resendTimer, sentenceAround } from "./enrolment.js";

/** What the challenge page shows. */
export interface ChallengePageContext extends PageContext {
  readonly options: readonly ChallengeOption[];
  /** A phone code in flight. */
  readonly pending: PendingChallenge | null;
  /** What the provider said about the pending code's message (`challenge.status`). */
  readonly delivery: DeliveryView | null;
  /** The user chose the authenticator app. */
  readonly app: boolean;
  /** Seconds before "Send a new code" is allowed (the button is disabled until then). */
  readonly resendInSeconds: number;
  /** Days "don't ask again on this device" lasts; 0 when the policy does not offer it. */
  readonly rememberDays: number;
}

/** The "don't ask again" box under a code field, when the policy offers it. */
const rememberBox = (ui: Ui, days: number) =>
  days > 0 ? checkbox({ name: "remember", label: fill(ui.t.rememberDevice, { days }) }) : "";

/** The second-factor page: choose a method, then enter its code. */
export function challengePage(ctx: ChallengePageContext): Html {
  const { ui } = ctx;
  const { t, base } = ui;
  const head = {
    kicker: t.challengeSection,
    banner: ctx.banner,
    user: ctx.user,
    errors: ctx.errors,
  };
  const passLink = html`<p><a id="use-pass-link" href="${base}/challenge/pass">${t.havePass}</a></p>`;
  if (ctx.pending) {
    const p = ctx.pending;
    const destination = html`<strong id="destination">${p.destination}</strong>`;
    // "Call me instead" for a text that did not arrive, where the method takes calls: hidden
    // until a receipt says so (the script shows it when its poll learns it).
    const voice = ctx.options.find((o) => o.method === p.method)?.deliveries.includes("voice");
    const callInstead =
      p.channel === "sms" && p.method && voice
        ? form(
            ui,
            "/challenge/start",
            html`<input type="hidden" name="method" value="${p.method}"><input type="hidden" name="delivery" value="voice">${button(
              t.callMeInstead,
              { kind: "secondary", id: "call-instead" },
            )}`,
            {
              className: "inline",
              revealOnNotDelivered: !ctx.delivery?.offerAlternatives,
            },
          )
        : "";
    return page(
      ui,
      { ...head, title: t.challengeCodeTitle },
      html`<p class="lead">${sentenceAround(p.channel === "sms" ? t.challengeSentSms : t.challengeSentVoice, destination)}</p>
${deliveryStatus(t, ctx.delivery, p.channel, `${base}/challenge/delivery`)}
${form(
  ui,
  "/challenge/verify",
  html`${codeField(t, { error: ctx.errors.code }, 6)}
${rememberBox(ui, ctx.rememberDays)}
<div class="actions">${button(t.verify, { id: "verify" })}</div>`,
)}
<div class="actions secondary-actions">
${resendTimer(t, ctx.resendInSeconds)}
${callInstead}
${form(ui, "/challenge/resend", button(t.sendNewCode, { kind: "secondary", id: "resend", disabledForSeconds: ctx.resendInSeconds }), { className: "inline" })}
${form(ui, "/challenge/cancel", button(t.useDifferentMethod, { kind: "link" }), { className: "inline" })}
</div>`,
    );
  }
  if (ctx.app) {
    return page(
      ui,
      { ...head, title: t.challengeAppTitle },
      html`${form(
        ui,
        "/challenge/totp",
        html`${codeField(t, { error: ctx.errors.code }, 6, t.codeFromApp)}
${rememberBox(ui, ctx.rememberDays)}
<div class="actions">${button(t.verify, { id: "verify" })}</div>`,
      )}
<p><a href="${base}/challenge">${t.useDifferentMethod}</a></p>`,
    );
  }
  if (ctx.options.length === 0) {
    return page(
      ui,
      { ...head, title: t.challengeNoneTitle },
      html`<p class="lead">${t.challengeNoneLead}</p>
${passLink}`,
    );
  }
  const rows = ctx.options.map((o) =>
    o.method === "passkey"
      ? html`<li>${form(
          ui,
          "/challenge/passkey",
          button(t.usePasskey, { kind: "secondary", id: "use-passkey" }),
          { className: "inline" },
        )}</li>`
      : o.method === "recovery-code"
        ? html`<li><a class="buttonlike secondary" id="use-recovery-code" href="${base}/challenge/recovery-code">${t.useRecoveryCode}</a> <span class="small">${o.display}</span></li>`
        : o.method === "authenticator-app"
          ? html`<li><a class="buttonlike secondary" id="use-app" href="${base}/challenge?method=app">${t.useApp}</a></li>`
          : o.deliveries.map(
              (d) =>
                html`<li>${form(
                  ui,
                  "/challenge/start",
                  html`<input type="hidden" name="method" value="${o.method}"><input type="hidden" name="delivery" value="${d}">${button(
                    fill(d === "sms" ? t.textMethod : t.callMethod, {
                      method: methodLabel(t, o.method as Exclude<typeof o.method, "recovery-code">),
                      display: o.display,
                    }),
                    { kind: "secondary", id: `${d}-${o.method}` },
                  )}`,
                  { className: "inline" },
                )}</li>`,
            ),
  );
  return page(
    ui,
    { ...head, title: t.challengeChooseTitle },
    html`<ul class="choices">${rows}</ul>
${passLink}`,
  );
}

/**
 * What a challenge page with one field shows: a secret the user types instead of the usual
 * factor (a recovery code, a Temporary Access Pass).
 */
export interface OneFieldChallenge {
  readonly title: string;
  readonly lead: string;
  /** The field; its error is the context's `errors[field.name]`. */
  readonly field: Omit<FieldOptions, "state" | "required" | "autofocus" | "autocomplete">;
  /** The submit button's text and id. */
  readonly submit: { readonly label: string; readonly id: string };
}

/**
 * A one-field challenge page posting to `action` (its own path, under the mount point), with the
 * way back to the other methods.
 */
export function oneFieldChallengePage(
  ctx: PageContext,
  action: string,
  spec: OneFieldChallenge,
): Html {
  const { ui } = ctx;
  const { t } = ui;
  return page(
    ui,
    {
      kicker: t.challengeSection,
      title: spec.title,
      banner: ctx.banner,
      user: ctx.user,
      errors: ctx.errors,
    },
    html`<p class="lead">${spec.lead}</p>
${form(
  ui,
  action,
  html`${field({
    ...spec.field,
    state: { error: ctx.errors[spec.field.name] },
    autocomplete: "off",
    required: true,
    autofocus: true,
  })}
<div class="actions">${button(spec.submit.label, { id: spec.submit.id })}</div>`,
)}
<p><a href="${ui.base}/challenge">${t.useDifferentMethod}</a></p>`,
  );
}
