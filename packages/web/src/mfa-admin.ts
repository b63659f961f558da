/**
 * `createMfaAdmin`: the admin area, a second Web-standard handler the app mounts behind its own
 * admin check. Registrations (who has what, who is in grace or snoozed, who must register
 * again), methods activity as a chart, text messages and calls sent vs entered per country (the
 * toll-fraud signal, FRAUD-06), and the actions on one user.
 *
 * It stands on the same shell as the user pages (headers, CSP, page state, body limit, CSRF)
 * with a cookie of its own, so an administrator who also uses the user pages keeps both states.
 * A request `isAdmin` does not accept gets the not-found page: the area does not say it exists.
 * Every action is confirmed on a page of its own (a GET, which changes nothing), then POSTed
 * with the CSRF token; the SDK does the change and emits its audit event (`admin.action`,
 * `factor.removed`, … , LOG-01) and the user's notice (BIND-02).
 *
 * @module
 */

import {
  isMfaError,
  type MfaError,
  type RegisteredFactor,
  type RemovableMethod,
} from "@mfakit/core";
import type { Context } from "hono";
import { fill } from "./html.js";
import { acceptedLanguages } from "./messages/catalogue.js";
import { errorMessage } from "./messages/sentences.js";
import { gapsOf, type MfaPagesOptions, resolvePageOptions } from "./options.js";
import { createPageShell, type ShellEnv } from "./page-shell.js";
import type { Flash } from "./page-state.js";
import { countPerDay } from "./pages/activity-chart.js";
import {
  ADMIN_ACTIONS,
  type AdminAction,
  type AdminUser,
  activityPage,
  type ConversionRow,
  confirmPage,
  deliveryPage,
  registrationsPage,
  removable,
  userPage,
  userPath,
} from "./pages/admin.js";
import { kindLabel } from "./pages/security-info.js";

/** The admin area as a Web-standard handler. */
export interface MfaAdmin {
  /** Answers a request under the base path (the app has checked nothing: `isAdmin` does). */
  fetch(request: Request, context?: { readonly ip?: string }): Promise<Response>;
  /** The base path the area is mounted at. */
  readonly basePath: string;
}

/** Options of {@link createMfaAdmin}. */
export interface MfaAdminOptions extends MfaPagesOptions {
  /**
   * The app's own admin check: whether `request` comes from an administrator. Anyone else gets
   * the not-found page (GET and POST alike).
   */
  readonly isAdmin: (request: Request) => boolean | Promise<boolean>;
  /**
   * The users to report on. @default everyone with a registration record (the SDK's
   * `registrations.summaries`, every user's document read, as `registrationReport` does)
   */
  readonly users?: () => readonly string[] | Promise<readonly string[]>;
  /** The name shown for a user. @default the user id */
  readonly userName?: (userId: string) => string | Promise<string>;
  /**
   * When MFA was turned on for a user (epoch ms): their grace period runs from it
   * (`mfa.required(userId, { enabledAt })`). @default none (no grace period is shown)
   */
  readonly enabledAt?: (userId: string) => number | undefined | Promise<number | undefined>;
  /** The countries of the sent-vs-entered table. @default the policy's `phone.allowedCountries` */
  readonly countries?: readonly string[];
  /**
   * When a country's codes are flagged as rarely entered (FRAUD-06): at least `minSent` sent
   * over the period and fewer than `below` of them entered.
   * @default { minSent: 10, below: 0.5 }
   */
  readonly lowConversion?: { readonly minSent: number; readonly below: number };
}

/** The admin area's state cookie (not the user pages': neither resets the other's state). */
export const ADMIN_STATE_COOKIE = "mfakit_admin";

const DAY_MS = 86_400_000;

type Env = ShellEnv;
type Ctx = Context<Env>;

/** The UTC days of the last `days` days up to `now`, oldest first. */
const lastDays = (now: number, days: number) =>
  Array.from({ length: days }, (_, i) =>
    new Date(now - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10),
  );

/** `?days=` if it is one of `choices`, else `fallback`. */
const daysOf = (c: Ctx, choices: readonly number[], fallback: number) => {
  const n = Number(c.req.query("days"));
  return choices.includes(n) ? n : fallback;
};

/** What the SDK's removal takes for a factor an admin removes. */
function removableMethod(f: RegisteredFactor): RemovableMethod {
  if (f.kind === "authenticator-app" || f.kind === "passkey")
    return { method: f.kind, factorId: f.id };
  if (f.kind === "recovery-email") return { method: "recovery-email" };
  return { method: f.kind as Exclude<typeof f.kind, "recovery-phone"> };
}

/**
 * The admin area.
 *
 * @throws MfaError `config_invalid` naming every gap in `options`.
 * @example
 * ```ts
 * const admin = createMfaAdmin({
 *   mfa,
 *   store,
 *   basePath: "/admin/mfa",
 *   isAdmin: async (request) => (await mySession(request))?.role === "admin",
 * });
 * app.all("/admin/mfa/*", (c) => admin.fetch(c.req.raw)); // Hono; nodeHandler(admin) for Express
 * ```
 */
export function createMfaAdmin(options: MfaAdminOptions): MfaAdmin {
  const gaps = gapsOf("createMfaAdmin");
  const o = resolvePageOptions(options, gaps, options?.brand?.name ?? "MFA", (request) =>
    acceptedLanguages(request.headers.get("accept-language")),
  );
  gaps.need(typeof options?.isAdmin === "function", "isAdmin(request) is required");
  const low = options?.lowConversion ?? { minSent: 10, below: 0.5 };
  gaps.need(
    Number.isInteger(low.minSent) && low.minSent >= 1 && low.below > 0 && low.below <= 1,
    "lowConversion: { minSent ≥ 1, below in (0, 1] }",
  );
  gaps.check();
  const { mfa, base, clock } = o;
  const userName = options.userName ?? ((id: string) => id);
  const countries = options.countries ?? mfa.policy.phone?.allowedCountries ?? [];
  const { root, app, flash, takeFlash, go } = createPageShell<object>(o, {
    cookie: ADMIN_STATE_COOKIE,
    signOut: false,
  });

  // The app's admin check, before anything of the area is read or changed.
  app.use("*", async (c, next) => {
    if (!(await options.isAdmin(c.req.raw))) return c.notFound();
    await next();
  });

  // ------------------------------------------------------------ helpers

  /** One user as the pages show them: methods, requirement, campaign state. */
  const adminUser = async (userId: string): Promise<AdminUser> => {
    const now = clock.now();
    const enabledAt = await options.enabledAt?.(userId);
    const [methods, requirement, reg] = await Promise.all([
      mfa.admin.listMethods(userId),
      mfa.required(userId, enabledAt === undefined ? {} : { enabledAt }),
      mfa.registrations.get(userId),
    ]);
    const graceEnds =
      enabledAt === undefined ? null : enabledAt + mfa.policy.campaign.graceDays * DAY_MS;
    return {
      userId,
      name: await userName(userId),
      factors: methods.factors,
      requirement,
      snoozedUntil: reg.snoozedUntil !== null && reg.snoozedUntil > now ? reg.snoozedUntil : null,
      graceUntil:
        graceEnds !== null && now < graceEnds && requirement.missingMfa > 0 ? graceEnds : null,
      reregistrationRequired: reg.reregistrationRequired,
      reviewSince: reg.review?.since ?? null,
    };
  };

  /** The users reported on: the app's list, or everyone with a registration record. */
  const userIds = async (): Promise<string[]> => {
    if (options.users) return [...(await options.users())];
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await mfa.registrations.summaries(cursor);
      for (const item of page.items) ids.push(item.userId);
      cursor = page.cursor ?? undefined;
    } while (cursor);
    return ids;
  };

  const allUsers = async () => Promise.all((await userIds()).map(adminUser));

  // ------------------------------------------------------------ reports

  app.get("/", async (c) => {
    const f = takeFlash(c);
    return c.html(
      registrationsPage({
        ui: c.get("ui"),
        banner: f.banner ?? null,
        report: await mfa.admin.registrationReport(),
        users: await allUsers(),
      }),
    );
  });

  app.get("/activity", async (c) => {
    const days = daysOf(c, [7, 30, 90], 30);
    const { t } = c.get("ui");
    const users = await allUsers();
    // One series per kind that anyone holds, in a stable order.
    const kinds = [...new Set(users.flatMap((u) => u.factors.map((f) => f.kind)))].sort();
    const events = users.flatMap((u) =>
      u.factors
        .filter((f) => f.verifiedAt !== null)
        .map((f) => ({ series: kinds.indexOf(f.kind), at: f.verifiedAt as number })),
    );
    const data = countPerDay(
      lastDays(clock.now(), days),
      kinds.map((k) => kindLabel(t, k)),
      events,
    );
    return c.html(activityPage({ ui: c.get("ui"), days, data }));
  });

  app.get("/delivery", async (c) => {
    const days = daysOf(c, [1, 7, 30], 7);
    const span = lastDays(clock.now(), days);
    // The limiter's day figures per country (every code sent, whoever the provider), summed.
    const totals = new Map(countries.map((country) => [country, { sent: 0, verified: 0 }]));
    for (const day of span)
      for (const row of await mfa.limiter.conversion(day, countries)) {
        const sum = totals.get(row.country);
        if (sum) {
          sum.sent += row.sent;
          sum.verified += row.verified;
        }
      }
    const conversion: ConversionRow[] = [...totals].map(([country, { sent, verified }]) => ({
      country,
      sent,
      verified,
      low: sent >= low.minSent && verified / sent < low.below,
    }));
    // The providers' receipts, summed over the days per provider and country.
    const rows = await mfa.admin.deliveryReport({ from: span[0], to: span.at(-1) });
    const byPair = new Map<string, (typeof rows)[number]>();
    for (const r of rows) {
      const key = `${r.provider} ${r.country}`;
      const s = byPair.get(key);
      if (!s) {
        byPair.set(key, r);
        continue;
      }
      const sent = s.sent + r.sent;
      const delivered = s.delivered + r.delivered;
      const verified = s.verified + r.verified;
      byPair.set(key, {
        ...s,
        sent,
        delivered,
        failed: s.failed + r.failed,
        undelivered: s.undelivered + r.undelivered,
        verified,
        deliveryRate: sent ? delivered / sent : null,
        conversionRate: sent ? verified / sent : null,
      });
    }
    return c.html(
      deliveryPage({ ui: c.get("ui"), days, conversion, providers: [...byPair.values()] }),
    );
  });

  // ------------------------------------------------------------ one user and the actions

  const userView = async (
    c: Ctx,
    userId: string,
    f: Flash,
    issued: Parameters<typeof userPage>[0]["issued"] = null,
  ) => {
    const [user, methods, failures, pass] = await Promise.all([
      adminUser(userId),
      mfa.admin.listMethods(userId),
      mfa.limiter.listFailures(userId),
      mfa.admin.temporaryAccessPass(userId),
    ]);
    return c.html(
      userPage({
        ui: c.get("ui"),
        banner: f.banner ?? null,
        user,
        appPasswords: methods.appPasswords.length,
        lockouts: failures.length,
        pass,
        issued,
      }),
    );
  };

  app.get("/user", async (c) => userView(c, c.req.query("id") ?? "", takeFlash(c)));

  const actionOf = (value: string | undefined): AdminAction | null =>
    (ADMIN_ACTIONS as readonly string[]).includes(value ?? "") ? (value as AdminAction) : null;

  app.get("/user/confirm", async (c) => {
    const userId = c.req.query("id") ?? "";
    const action = actionOf(c.req.query("action"));
    if (!action) return go(c, userPath(userId));
    const user = await adminUser(userId);
    const factor = user.factors.find((f) => f.id === c.req.query("target")) ?? null;
    if (action === "remove-method" && !factor) return go(c, userPath(userId));
    const f = takeFlash(c);
    return c.html(
      confirmPage({
        ui: c.get("ui"),
        banner: f.banner ?? null,
        errors: f.errors ?? {},
        values: f.values ?? {},
        user,
        action,
        factor,
      }),
    );
  });

  /** An SDK refusal on the page it belongs to: the pass's lifetime on its field, else on top. */
  const refused = (c: Ctx, e: MfaError, back: string, values: Record<string, string>) => {
    const { message, field } = errorMessage(c.get("ui"), e);
    const named = typeof e.data.field === "string" ? e.data.field : field;
    flash(c, {
      ...(named === "lifetimeMinutes"
        ? { errors: { lifetimeMinutes: message } }
        : { banner: { kind: "error", message } }),
      values,
    });
    return go(c, back);
  };

  app.post("/user/actions", async (c) => {
    const body = await c.req.parseBody();
    const form = (name: string) => (typeof body[name] === "string" ? (body[name] as string) : "");
    const userId = form("userId");
    const action = actionOf(form("action"));
    const target = form("target");
    const back = userPath(userId);
    if (!action) return go(c, back);
    const confirmPath = `/user/confirm?id=${encodeURIComponent(userId)}&action=${action}${
      target ? `&target=${encodeURIComponent(target)}` : ""
    }`;
    // Nothing happens without the confirmation page's own button.
    if (form("confirm") !== "yes") return go(c, confirmPath);
    const { t } = c.get("ui");
    const user = await userName(userId);
    const done = (message: string, kind: "success" | "notice" = "success") => {
      flash(c, { banner: { kind, message } });
      return go(c, back);
    };
    try {
      switch (action) {
        case "remove-method": {
          const factor = (await mfa.admin.listMethods(userId)).factors.find((f) => f.id === target);
          if (!factor || !removable(factor.kind)) return done(t.actRemoveMethodGone, "notice");
          const method = `${kindLabel(t, factor.kind)} ${factor.display}`;
          return (await mfa.admin.removeMethod(userId, removableMethod(factor), "admin"))
            ? done(fill(t.actRemoveMethodDone, { method }))
            : done(t.actRemoveMethodGone, "notice");
        }
        case "require-reregistration":
          await mfa.admin.requireReregistration(userId);
          return done(fill(t.actRequireReregistrationDone, { user }));
        case "revoke-app-passwords":
          return done(
            fill(t.actRevokeAppPasswordsDone, {
              count: await mfa.admin.revokeAppPasswords(userId),
            }),
          );
        case "clear-lockout":
          return done(
            fill(t.actClearLockoutDone, { count: await mfa.admin.clearFailures(userId) }),
          );
        case "issue-pass": {
          const issued = await mfa.admin.issueTemporaryAccessPass({
            userId,
            lifetimeMinutes: Number(form("lifetimeMinutes")),
            oneTime: form("oneTime") === "1",
          });
          // Shown once: rendered in this answer, kept nowhere.
          return userView(c, userId, {}, issued);
        }
        case "revoke-pass":
          return (await mfa.admin.revokeTemporaryAccessPass(userId))
            ? done(t.actRevokePassDone)
            : done(t.actRevokePassNone, "notice");
        case "clear-review":
          return (await mfa.admin.clearReview(userId))
            ? done(t.actClearReviewDone)
            : done(fill(t.actClearReviewNone, { user }), "notice");
      }
    } catch (e) {
      if (!isMfaError(e)) throw e;
      const values = {
        lifetimeMinutes: form("lifetimeMinutes"),
        oneTime: form("oneTime") === "1" ? "1" : "0",
      };
      return refused(c, e, action === "issue-pass" ? confirmPath : back, values);
    }
  });

  return Object.freeze({
    fetch: (request: Request, context?: { readonly ip?: string }) =>
      Promise.resolve(root.fetch(request, context?.ip ? { ip: context.ip } : {})),
    basePath: base,
  });
}
