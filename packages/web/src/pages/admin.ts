/**
 * The admin area's pages: registrations, methods activity, text messages and calls, one user
 * with the actions on them, and the confirmation every action goes through. Every action is a
 * GET to its confirmation page (which changes nothing), then a POST with the CSRF token from it.
 *
 * @module
 */

import type {
  DeliveryReportRow,
  FactorKind,
  IssuedTemporaryAccessPass,
  MfaMethod,
  RegisteredFactor,
  RegistrationRequirement,
  TemporaryAccessPassInfo,
} from "@mfakit/core";
import { html } from "hono/html";
import {
  type Banner,
  button,
  fill,
  form,
  type Html,
  hidden,
  page,
  type Ui,
  when,
} from "../html.js";
import type { Messages } from "../messages/catalogue.js";
import { type ActivityData, activityChart } from "./activity-chart.js";
import { methodLabel, recoveryLabel } from "./enrolment.js";
import { kindLabel } from "./security-info.js";
import { issuedPass, passFields } from "./temporary-access-pass.js";

/** The admin area's pages, for the navigation. */
export type AdminSection = "registrations" | "activity" | "delivery";

/** One user as the registrations page and the user page show them. */
export interface AdminUser {
  readonly userId: string;
  /** The app's name for them. */
  readonly name: string;
  readonly factors: readonly RegisteredFactor[];
  readonly requirement: RegistrationRequirement;
  /** Until when their snooze lasts, if it does now. */
  readonly snoozedUntil: number | null;
  /** Until when they are in the grace period, if they are and still miss a method. */
  readonly graceUntil: number | null;
  readonly reregistrationRequired: boolean;
  readonly reviewSince: number | null;
}

/** The actions on a user, each confirmed first. */
export const ADMIN_ACTIONS = [
  "remove-method",
  "require-reregistration",
  "revoke-app-passwords",
  "clear-lockout",
  "issue-pass",
  "revoke-pass",
  "clear-review",
] as const;

/** One of {@link ADMIN_ACTIONS}. */
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

/** What every admin page is rendered with. */
interface AdminFrame {
  readonly ui: Ui;
  readonly banner?: Banner | null;
  readonly errors?: Readonly<Record<string, string>>;
}

/** The page with the area's navigation above its body. */
function adminPage(
  frame: AdminFrame,
  title: string,
  section: AdminSection | null,
  body: Html,
  kicker?: string,
): Html {
  const { t, base } = frame.ui;
  const link = (s: AdminSection, path: string, label: string) =>
    html`<li><a href="${base}${path}"${s === section ? html` aria-current="page"` : ""}>${label}</a></li>`;
  return page(
    frame.ui,
    {
      title,
      kicker: kicker ?? t.adminSection,
      banner: frame.banner ?? null,
      errors: frame.errors ?? {},
    },
    html`<nav aria-label="${t.adminNav}"><ul class="admin-nav">
${link("registrations", "/", t.adminRegistrationsTitle)}
${link("activity", "/activity", t.adminActivityTitle)}
${link("delivery", "/delivery", t.adminDeliveryTitle)}
</ul></nav>
${body}`,
  );
}

/** A table that scrolls on its own on a narrow screen (and can be reached by keyboard). */
function table(id: string, caption: string, head: readonly string[], rows: readonly Html[]): Html {
  return html`<div class="table-wrap" role="region" aria-labelledby="${id}-caption" tabindex="0">
<table id="${id}">
<caption id="${id}-caption">${caption}</caption>
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows}</tbody>
</table>
</div>`;
}

/** Where a user's page is, under the mount point. */
export const userPath = (userId: string) => `/user?id=${encodeURIComponent(userId)}`;

/** A user's registration status, one sentence each. */
export function statusLines(t: Messages, locale: string, u: AdminUser): string[] {
  const lines: string[] = [];
  const r = u.requirement;
  if (u.reregistrationRequired) lines.push(t.statusReregister);
  else if (u.snoozedUntil !== null)
    lines.push(fill(t.statusSnoozed, { date: when(t, locale, u.snoozedUntil) }));
  else if (u.graceUntil !== null)
    lines.push(fill(t.statusGrace, { date: when(t, locale, u.graceUntil) }));
  else if (r.status === "required") lines.push(t.statusRequired);
  else if (r.status === "nudge") lines.push(fill(t.statusNudge, { snoozes: r.snoozesLeft }));
  else lines.push(t.statusRegistered);
  if (u.reviewSince !== null)
    lines.push(fill(t.statusReview, { date: when(t, locale, u.reviewSince) }));
  return lines;
}

/** The kinds of `factors` of `role`, named, or "None". */
const kindsOf = (t: Messages, factors: readonly RegisteredFactor[], role: "mfa" | "recovery") => {
  const named = factors.filter((f) => f.role === role).map((f) => kindLabel(t, f.kind));
  return named.length ? named.join(", ") : t.adminNone;
};

/** What the registrations page shows. */
export interface RegistrationsPageContext extends AdminFrame {
  readonly report: {
    readonly users: number;
    readonly mfa: Readonly<Record<MfaMethod, number>>;
    readonly recovery: Readonly<Record<string, number>>;
  };
  readonly users: readonly AdminUser[];
}

/** Who has registered what, and who must (again). */
export function registrationsPage(ctx: RegistrationsPageContext): Html {
  const { t, locale, base } = ctx.ui;
  const totals = [
    ...(Object.entries(ctx.report.mfa) as Array<[MfaMethod, number]>).map(
      ([m, n]) => html`<tr><th scope="row">${methodLabel(t, m)}</th><td>${n}</td></tr>`,
    ),
    ...Object.entries(ctx.report.recovery).map(
      ([m, n]) =>
        html`<tr><th scope="row">${fill(t.forPasswordReset, {
          method: recoveryLabel(t, m as "email" | "phone"),
        })}</th><td>${n}</td></tr>`,
    ),
  ];
  const users = ctx.users.map(
    (
      u,
    ) => html`<tr data-user="${u.userId}"><th scope="row"><a href="${base}${userPath(u.userId)}">${u.name}</a></th>
<td>${kindsOf(t, u.factors, "mfa")}</td><td>${kindsOf(t, u.factors, "recovery")}</td>
<td>${statusLines(t, locale, u).map((line) => html`<span class="status-line">${line}</span> `)}</td></tr>`,
  );
  return adminPage(
    ctx,
    t.adminRegistrationsTitle,
    "registrations",
    html`<p class="lead">${t.adminRegistrationsLead}</p>
${table("totals", fill(t.adminTotalsCaption, { users: ctx.report.users }), [t.adminColMethod, t.adminColUsers], totals)}
${
  users.length
    ? table(
        "users",
        t.adminUsersCaption,
        [t.adminColUser, t.adminColMethods, t.adminColRecovery, t.adminColStatus],
        users,
      )
    : html`<p id="no-users">${t.adminNoUsers}</p>`
}`,
  );
}

/** The period links of a page that shows the last `days` days. */
function periods(ui: Ui, path: string, days: number, choices: readonly number[]): Html {
  const { t, base } = ui;
  return html`<p class="periods">${t.adminPeriod} ${choices.map((n) =>
    n === days
      ? html`<a href="${base}${path}?days=${n}" aria-current="page">${fill(t.adminLastDays, { days: n })}</a> `
      : html`<a href="${base}${path}?days=${n}">${fill(t.adminLastDays, { days: n })}</a> `,
  )}</p>`;
}

/** Methods registered per day, as a chart and a table. */
export function activityPage(
  ctx: AdminFrame & { readonly days: number; readonly data: ActivityData },
): Html {
  const { t } = ctx.ui;
  const any = ctx.data.series.some((s) => s.counts.some((n) => n > 0));
  return adminPage(
    ctx,
    t.adminActivityTitle,
    "activity",
    html`<p class="lead">${fill(t.adminActivityLead, { days: ctx.days })}</p>
${periods(ctx.ui, "/activity", ctx.days, [7, 30, 90])}
${any ? "" : html`<p id="activity-empty">${fill(t.adminActivityEmpty, { days: ctx.days })}</p>`}
${activityChart(ctx.data, {
  title: t.adminActivityCaption,
  description: t.adminChartDescription,
  caption: t.adminActivityCaption,
  day: t.adminColDay,
  total: t.adminColTotal,
})}`,
  );
}

/** One country's codes sent and entered over the page's days. */
export interface ConversionRow {
  readonly country: string;
  readonly sent: number;
  readonly verified: number;
  /** Few of its codes are entered (the toll-fraud signal, FRAUD-06). */
  readonly low: boolean;
}

/** "75 %" in the page's language; "–" with nothing sent. */
const percent = (locale: string, rate: number | null) =>
  rate === null
    ? "–"
    : new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(rate);

/** The country's name in the page's language ("DE" → "Deutschland"). */
const countryName = (locale: string, code: string) => {
  try {
    return new Intl.DisplayNames([locale], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
};

/** Codes sent vs entered per country, and what each provider delivered. */
export function deliveryPage(
  ctx: AdminFrame & {
    readonly days: number;
    readonly conversion: readonly ConversionRow[];
    readonly providers: readonly DeliveryReportRow[];
  },
): Html {
  const { t, locale } = ctx.ui;
  const conversion = ctx.conversion.map(
    (
      r,
    ) => html`<tr data-country="${r.country}"${r.low ? html` class="alert"` : ""}><th scope="row">${countryName(locale, r.country)} (${r.country})</th>
<td>${r.sent}</td><td>${r.verified}</td><td>${percent(locale, r.sent ? r.verified / r.sent : null)}${
      r.low ? html` <strong class="flag">${t.adminLowConversion}</strong>` : ""
    }</td></tr>`,
  );
  const providers = ctx.providers.map(
    (
      r,
    ) => html`<tr data-provider="${r.provider}" data-country="${r.country}"><th scope="row">${r.provider}</th><td>${countryName(locale, r.country)} (${r.country})</td>
<td>${r.sent}</td><td>${r.delivered}</td><td>${r.failed}</td><td>${r.undelivered}</td><td>${r.verified}</td>
<td>${percent(locale, r.deliveryRate)}</td><td>${percent(locale, r.conversionRate)}</td></tr>`,
  );
  return adminPage(
    ctx,
    t.adminDeliveryTitle,
    "delivery",
    html`<p class="lead">${fill(t.adminDeliveryLead, { days: ctx.days })}</p>
${periods(ctx.ui, "/delivery", ctx.days, [1, 7, 30])}
${table(
  "conversion",
  t.adminConversionCaption,
  [t.adminColCountry, t.adminColSent, t.adminColEntered, t.adminColConversion],
  conversion,
)}
${
  providers.length
    ? table(
        "providers",
        t.adminProvidersCaption,
        [
          t.adminColProvider,
          t.adminColCountry,
          t.adminColSent,
          t.adminColDelivered,
          t.adminColFailed,
          t.adminColUndelivered,
          t.adminColEntered,
          t.adminColDeliveryRate,
          t.adminColConversion,
        ],
        providers,
      )
    : html`<p id="no-deliveries">${t.adminNoDeliveries}</p>`
}`,
  );
}

/** Kinds an admin can remove one by one (the recovery phone goes with the authentication phone). */
const REMOVABLE: ReadonlySet<FactorKind> = new Set<FactorKind>([
  "authentication-phone",
  "office-phone",
  "alternate-phone",
  "authenticator-app",
  "passkey",
  "recovery-email",
]);

/** Whether an admin can remove `kind` on its own. */
export const removable = (kind: FactorKind): boolean => REMOVABLE.has(kind);

/** A button to an action's confirmation page (a GET: it changes nothing). */
function toConfirm(
  ui: Ui,
  userId: string,
  action: AdminAction,
  label: string,
  options: { target?: string; hiddenLabel?: string; kind?: "secondary" | "danger" } = {},
): Html {
  return html`<form method="get" action="${ui.base}/user/confirm" class="inline">
${hidden({ id: userId, action, ...(options.target ? { target: options.target } : {}) })}
<button type="submit" class="${options.kind ?? "secondary"}" id="${action}${options.target ? `-${options.target}` : ""}">${label}${
    options.hiddenLabel ? html`<span class="visually-hidden"> ${options.hiddenLabel}</span>` : ""
  }</button>
</form>`;
}

/** What a user's page shows. */
export interface UserPageContext extends AdminFrame {
  readonly user: AdminUser;
  readonly appPasswords: number;
  readonly lockouts: number;
  readonly pass: TemporaryAccessPassInfo | null;
  /** A pass just issued: shown in this answer only. */
  readonly issued: IssuedTemporaryAccessPass | null;
}

const PASS_STATE: Record<TemporaryAccessPassInfo["state"], keyof Messages> = {
  pending: "passStatePending",
  active: "passStateActive",
  used: "passStateUsed",
  expired: "passStateExpired",
};

/** One user: their methods and status, and the actions on them. */
export function userPage(ctx: UserPageContext): Html {
  const { ui, user } = ctx;
  const { t, locale } = ui;
  const rows = user.factors.map(
    (
      f,
    ) => html`<tr data-kind="${f.kind}"><th scope="row">${kindLabel(t, f.kind)}</th><td>${f.display}</td><td>${when(t, locale, f.verifiedAt)}</td>
<td>${
      removable(f.kind)
        ? toConfirm(ui, user.userId, "remove-method", t.actRemoveMethod, {
            target: f.id,
            hiddenLabel: `${kindLabel(t, f.kind)} ${f.display}`,
            kind: "danger",
          })
        : ""
    }</td></tr>`,
  );
  const pass = ctx.pass
    ? fill(t.adminPassState, {
        state: t[PASS_STATE[ctx.pass.state]] as string,
        date: when(t, locale, ctx.pass.expiresAt),
      })
    : t.adminPassNone;
  const action = (a: AdminAction, label: string, kind: "secondary" | "danger" = "secondary") =>
    html`<li>${toConfirm(ui, user.userId, a, label, { kind })}</li>`;
  return adminPage(
    ctx,
    user.name,
    null,
    html`${ctx.issued ? issuedPass(ui, user.userId, ctx.issued) : ""}
<p id="user-status">${statusLines(t, locale, user).map((l) => html`<span class="status-line">${l}</span> `)}</p>
${
  rows.length
    ? table(
        "methods",
        t.adminUserMethodsCaption,
        [t.adminColMethod, t.colDetails, t.adminColVerified, t.adminColAction],
        rows,
      )
    : html`<p id="no-methods">${t.adminNone}</p>`
}
<ul class="facts">
<li id="app-passwords">${fill(t.adminAppPasswords, { count: ctx.appPasswords })}</li>
<li id="lockouts">${fill(t.adminLockouts, { count: ctx.lockouts })}</li>
<li id="pass-state">${pass}</li>
</ul>
<h2>${t.adminActionsHeading}</h2>
<ul class="admin-actions">
${action("require-reregistration", t.actRequireReregistration, "danger")}
${action("revoke-app-passwords", t.actRevokeAppPasswords)}
${action("clear-lockout", t.actClearLockout)}
${action("issue-pass", t.actIssuePass)}
${ctx.pass ? action("revoke-pass", t.actRevokePass) : ""}
${user.reviewSince !== null ? action("clear-review", t.actClearReview) : ""}
</ul>
<p><a href="${ui.base}/">${t.adminBackToUsers}</a></p>`,
  );
}

/** What a confirmation page shows. */
export interface ConfirmPageContext extends AdminFrame {
  readonly user: AdminUser;
  readonly action: AdminAction;
  /** The method a removal is about. */
  readonly factor: RegisteredFactor | null;
  /** What the user typed before an error (the pass's lifetime). */
  readonly values: Readonly<Record<string, string>>;
}

/** The title and the sentence of an action's confirmation. */
function confirmText(
  t: Messages,
  action: AdminAction,
  names: { user: string; method: string },
): [title: string, lead: string] {
  switch (action) {
    case "remove-method":
      return [fill(t.actRemoveMethodTitle, names), fill(t.actRemoveMethodLead, names)];
    case "require-reregistration":
      return [t.actRequireReregistration, fill(t.actRequireReregistrationLead, names)];
    case "revoke-app-passwords":
      return [t.actRevokeAppPasswords, fill(t.actRevokeAppPasswordsLead, names)];
    case "clear-lockout":
      return [t.actClearLockout, fill(t.actClearLockoutLead, names)];
    case "issue-pass":
      return [t.actIssuePass, fill(t.actIssuePassLead, names)];
    case "revoke-pass":
      return [t.actRevokePass, fill(t.actRevokePassLead, names)];
    case "clear-review":
      return [t.actClearReview, fill(t.actClearReviewLead, names)];
  }
}

/** "Are you sure?": what the action does, and the POST that does it. */
export function confirmPage(ctx: ConfirmPageContext): Html {
  const { ui, user, action, factor } = ctx;
  const { t, base } = ui;
  const method = factor ? `${kindLabel(t, factor.kind)} ${factor.display}` : "";
  const [title, lead] = confirmText(t, action, { user: user.name, method });
  const fields = action === "issue-pass" ? passFields(t, ctx.values, ctx.errors ?? {}) : "";
  return adminPage(
    ctx,
    title,
    null,
    html`<p class="lead">${lead}</p>
${form(
  ui,
  "/user/actions",
  html`${hidden({ userId: user.userId, action, target: factor?.id ?? "", confirm: "yes" })}
${fields}
<div class="actions">${button(t.adminConfirm, { id: "confirm" })}
<a href="${base}${userPath(user.userId)}" id="cancel">${t.adminCancel}</a></div>`,
)}`,
    t.adminConfirmKicker,
  );
}
