/**
 * The admin area (`createMfaAdmin`) over HTTP on a real SQLite store: refused to anyone the
 * app's `isAdmin` does not accept, CSRF on every action, a confirmation before each, the
 * registration report (who has what, who is in grace, snoozed, must register (again), under
 * review), the methods-activity chart with its table, codes sent vs entered per country
 * (FRAUD-06), and every action with the SDK's audit event (LOG-01).
 */

import { isMfaError, type Mfa, type MfaEvent, seedPolicy } from "@mfakit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_STATE_COOKIE,
  createMfaAdmin,
  type MfaAdmin,
  type MfaAdminOptions,
  type MfaWeb,
} from "../src/index.ts";
import {
  type RecordingSms,
  type TestWorld,
  testBrowser,
  testWorld,
  toCodePage,
} from "./http-kit.ts";

const DAY = 86_400_000;
let world: TestWorld;
let mfa: Mfa;
let sms: RecordingSms;
let web: MfaWeb;
let admin: MfaAdmin;
let clock: TestWorld["clock"];
const events: MfaEvent[] = [];
/** When MFA was turned on, per user (the app's records). */
const enabled = new Map<string, number>();
const NAMES: Record<string, string> = { "alex@contoso.com": "Alex Wilber" };

const adminOf = (extra: Partial<MfaAdminOptions> = {}) =>
  createMfaAdmin({
    mfa,
    store: world.store,
    basePath: "/admin",
    clock,
    isAdmin: (request) => request.headers.get("x-test-admin") === "yes",
    userName: (id) => NAMES[id] ?? id,
    enabledAt: (id) => enabled.get(id),
    log: () => {},
    ...extra,
  });

beforeAll(() => {
  world = testWorld("admin", {
    policy: {
      ...seedPolicy(["GB", "US"]),
      campaign: { graceDays: 14, snoozeDays: 1, maxSnoozes: 3 },
      temporaryAccessPass: { enabled: true },
    },
    events: { emit: (e) => void events.push(e) },
  });
  ({ mfa, sms, web, clock } = world);
  admin = adminOf();
});
afterAll(() => world.close());

/** The administrator's browser (and one the app does not count as an admin). */
const adminBrowser = (headers: Record<string, string> = {}) =>
  testBrowser(admin, { "x-test-admin": "yes", ...headers }, ADMIN_STATE_COOKIE);

/** Registers a phone for `user` through the user pages (ends past the code page). */
async function enrolPhone(user: string, number: string) {
  const b = testBrowser(web, { "x-test-user": user });
  const csrf = await toCodePage(b, number);
  await b.post("/mfa/enrol", { _csrf: csrf, step: "verify-code", code: sms.lastCode(number) });
  world.later(); // past the number's cooldown
  return b;
}

const session = (userId: string) => ({ userId, authenticatedAt: clock.now() });
const factorsOf = async (userId: string) => (await mfa.admin.listMethods(userId)).factors;

/** The confirmation page of `action` on `userId`, then its button: the answer. */
async function confirmAndDo(
  b: ReturnType<typeof adminBrowser>,
  userId: string,
  action: string,
  extra: Record<string, string> = {},
) {
  const query = new URLSearchParams({
    id: userId,
    action,
    ...(extra.target ? { target: extra.target } : {}),
  });
  const confirm = await (await b.get(`/admin/user/confirm?${query}`)).text();
  expect(confirm).toContain('id="confirm"');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(confirm)?.[1] ?? "";
  return b.post("/admin/user/actions", {
    _csrf: csrf,
    userId,
    action,
    target: extra.target ?? "",
    confirm: "yes",
    ...extra,
  });
}

/** The banner of the page a redirect leads to. */
const bannerAfter = async (b: ReturnType<typeof adminBrowser>, res: Response) => {
  expect(res.status).toBe(303);
  const page = await (await b.get(res.headers.get("location") ?? "")).text();
  return (
    /<div class="banner (\w+)" role="\w+" id="banner">([^<]*)<\/div>/.exec(page)?.slice(1) ?? []
  );
};

describe("who may use the admin area", () => {
  it("answers 404 to a request isAdmin does not accept, GET and POST alike, and changes nothing", async () => {
    await enrolPhone("kept@contoso.com", "+447400200001");
    const b = adminBrowser();
    const csrf = await b.csrf(
      "/admin/user/confirm?id=kept%40contoso.com&action=require-reregistration",
    );
    // The same browser, no longer an admin (the app's check says no), with a valid token.
    const outsider = testBrowser(admin, {}, ADMIN_STATE_COOKIE);
    for (const path of [
      "/admin/",
      "/admin/activity",
      "/admin/delivery",
      "/admin/user?id=kept%40contoso.com",
    ])
      expect((await outsider.get(path)).status, path).toBe(404);
    // The area's own not-found page: it does not say an admin area is there.
    expect(await (await outsider.get("/admin/")).text()).toContain("<h1>Page not found</h1>");
    const cookie = (await b.get("/admin/")).headers.get("set-cookie");
    expect(cookie).toBeNull(); // the state cookie was set once, on the first answer
    const sneaky = await admin.fetch(
      new Request("https://app.example/admin/user/actions", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          _csrf: csrf,
          userId: "kept@contoso.com",
          action: "require-reregistration",
          confirm: "yes",
        }),
      }),
    );
    expect([403, 404]).toContain(sneaky.status);
    expect(await factorsOf("kept@contoso.com")).not.toHaveLength(0);
  });

  it("is its own handler: a config without isAdmin is refused at construction, every gap named", () => {
    const e = (() => {
      try {
        createMfaAdmin({
          mfa,
          store: world.store,
          basePath: "admin",
        } as unknown as MfaAdminOptions);
      } catch (error) {
        return error;
      }
    })();
    expect(isMfaError(e, "config_invalid")).toBe(true);
    expect((e as Error).message).toMatch(/isAdmin.*|basePath/);
    expect((e as Error).message).toContain("isAdmin(request) is required");
    expect((e as Error).message).toContain("basePath:");
  });
});

describe("the admin actions' CSRF and confirmation", () => {
  it("STORE-03: refuses an action without the form's token, with another, or from another origin (403); nothing changes", async () => {
    await enrolPhone("csrf-admin@contoso.com", "+447400200002");
    const b = adminBrowser();
    const csrf = await b.csrf(
      "/admin/user/confirm?id=csrf-admin%40contoso.com&action=require-reregistration",
    );
    const fields = {
      userId: "csrf-admin@contoso.com",
      action: "require-reregistration",
      confirm: "yes",
    };
    expect((await b.post("/admin/user/actions", fields)).status).toBe(403);
    expect(
      (await b.post("/admin/user/actions", { ...fields, _csrf: `${csrf.slice(1)}x` })).status,
    ).toBe(403);
    expect(
      (
        await b.post(
          "/admin/user/actions",
          { ...fields, _csrf: csrf },
          { origin: "https://evil.example" },
        )
      ).status,
    ).toBe(403);
    expect(await factorsOf("csrf-admin@contoso.com")).not.toHaveLength(0);
  });

  it("changes nothing on the confirmation page (a GET), nor on a POST without its button: it goes back to the confirmation", async () => {
    await enrolPhone("confirm@contoso.com", "+447400200003");
    const b = adminBrowser();
    const page = await (
      await b.get("/admin/user/confirm?id=confirm%40contoso.com&action=require-reregistration")
    ).text();
    expect(page).toContain("<h1>Require re-registration</h1>");
    expect(page).toContain("must register again at their next sign-in");
    expect(await factorsOf("confirm@contoso.com")).not.toHaveLength(0);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
    const res = await b.post("/admin/user/actions", {
      _csrf: csrf,
      userId: "confirm@contoso.com",
      action: "require-reregistration",
    });
    expect(res.headers.get("location")).toBe(
      "/admin/user/confirm?id=confirm%40contoso.com&action=require-reregistration",
    );
    expect(await factorsOf("confirm@contoso.com")).not.toHaveLength(0);
  });
});

describe("the registration report", () => {
  it("lists who has registered what, who is in grace, snoozed, must register, must register again, or is under review", async () => {
    await enrolPhone("alex@contoso.com", "+447400200010");
    enabled.set("grace@contoso.com", clock.now()); // in the 14-day grace period
    enabled.set("late@contoso.com", clock.now() - 30 * DAY); // past it
    await mfa.registrations.update("grace@contoso.com", (r) => r);
    await mfa.registrations.update("late@contoso.com", (r) => r);
    // A snooze ("ask me later", as the wizard records it), one of three.
    await mfa.registrations.update("snoozer@contoso.com", (r) => ({
      ...r,
      snoozes: 1,
      snoozedUntil: clock.now() + DAY,
    }));
    await enrolPhone("reset@contoso.com", "+447400200011");
    await mfa.admin.requireReregistration("reset@contoso.com");
    await enrolPhone("review@contoso.com", "+447400200012");
    await mfa.registrations.update("review@contoso.com", (r) => ({
      ...r,
      review: { since: clock.now(), reason: "change_reverted" },
    }));

    const page = await (await adminBrowser().get("/admin/")).text();
    const row = (user: string) =>
      new RegExp(`<tr data-user="${user.replace(".", "\\.")}">([\\s\\S]*?)</tr>`).exec(page)?.[1] ??
      "";
    expect(row("alex@contoso.com")).toContain(">Alex Wilber</a>");
    expect(row("alex@contoso.com")).toContain("Authentication phone");
    expect(row("grace@contoso.com")).toMatch(/In the grace period until \w+ \d/);
    expect(row("late@contoso.com")).toContain("Must register now");
    expect(row("snoozer@contoso.com")).toMatch(/Snoozed until \w+ \d/);
    expect(row("reset@contoso.com")).toContain("Must register again (reset by an administrator)");
    expect(row("review@contoso.com")).toMatch(/Under review since \w+ \d/);
    // The totals come from the SDK's report.
    const report = await mfa.admin.registrationReport();
    expect(page).toContain(`(${report.users} users with a registration record)`);
    expect(page).toMatch(
      new RegExp(
        `<th scope="row">Authentication phone</th><td>${report.mfa["authentication-phone"]}</td>`,
      ),
    );
  });

  it("lists the app's users when it names them, and speaks German, French and Spanish", async () => {
    const named = adminOf({ users: () => ["alex@contoso.com"] });
    for (const [language, title] of [
      ["de", "Registrierungen"],
      ["fr", "Inscriptions"],
      ["es", "Registros"],
    ] as const) {
      const page = await (
        await testBrowser(
          named,
          { "x-test-admin": "yes", "accept-language": language },
          ADMIN_STATE_COOKIE,
        ).get("/admin/")
      ).text();
      expect(page).toContain(`<html lang="${language}">`);
      expect(page).toContain(`<h1>${title}</h1>`);
      expect(page.match(/<tr data-user=/g)).toHaveLength(1);
    }
  });
});

describe("methods activity", () => {
  it("draws methods registered per day as an SVG image with a title and description, with the same figures in a table", async () => {
    await enrolPhone("chart-1@contoso.com", "+447400200020");
    await enrolPhone("chart-2@contoso.com", "+447400200021");
    const page = await (await adminBrowser().get("/admin/activity?days=7")).text();
    expect(page).toContain('<svg role="img" aria-labelledby="chart-title chart-description"');
    expect(page).toContain('<title id="chart-title">Methods registered per day</title>');
    const today = new Date(clock.now()).toISOString().slice(0, 10);
    const head = /<thead><tr>([\s\S]*?)<\/tr><\/thead>/.exec(page)?.[1] ?? "";
    const columns = [...head.matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((m) => m[1]);
    const cells = [
      ...(new RegExp(`<tr><th scope="row">${today}</th>(.*?)</tr>`).exec(page)?.[1] ?? "").matchAll(
        /<td>(\d+)<\/td>/g,
      ),
    ].map((m) => Number(m[1]));
    const phones = cells[columns.indexOf("Authentication phone") - 1] ?? 0;
    // Every phone verified today, by anyone in this file: at least the two above.
    const all = await mfa.admin.registrationReport();
    expect(phones).toBe(all.mfa["authentication-phone"]);
    expect(phones).toBeGreaterThanOrEqual(2);
    expect(page.match(/<tr><th scope="row">\d{4}-\d{2}-\d{2}<\/th>/g)).toHaveLength(7);
  });
});

describe("text messages and calls", () => {
  it("FRAUD-06: shows codes sent vs entered per country, flags a country whose codes are rarely entered, and the providers' receipts", async () => {
    for (let i = 0; i < 12; i++) await mfa.limiter.recordConversion("sent", "US");
    await mfa.limiter.recordConversion("verified", "US");
    // A text delivered (the provider's receipt), then its code entered.
    const b = testBrowser(web, { "x-test-user": "delivered@contoso.com" });
    const csrf = await toCodePage(b, "+447400200030");
    const sent = sms.sent.filter((m) => m.to === "+447400200030").at(-1);
    expect(
      await mfa.delivery.receipt({
        provider: "test-sms",
        messageId: sent?.messageId ?? "",
        status: "delivered",
      }),
    ).toMatchObject({ ok: true });
    await b.post("/mfa/enrol", {
      _csrf: csrf,
      step: "verify-code",
      code: sms.lastCode("+447400200030"),
    });
    const page = await (await adminBrowser().get("/admin/delivery")).text();
    const us = /<tr data-country="US"( class="alert")?>([\s\S]*?)<\/tr>/.exec(page);
    expect(us?.[1]).toBe(' class="alert"');
    expect(us?.[2]).toContain("<td>12</td><td>1</td><td>8%");
    expect(us?.[2]).toContain("Low: check for SMS pumping");
    const gb = /<tr data-country="GB"( class="alert")?>([\s\S]*?)<\/tr>/.exec(page);
    expect(gb?.[1]).toBeUndefined();
    const provider =
      /<tr data-provider="test-sms" data-country="GB">([\s\S]*?)<\/tr>/.exec(page)?.[1] ?? "";
    const [report] = (await mfa.admin.deliveryReport()).filter((r) => r.provider === "test-sms");
    expect(provider).toContain(`<td>${report?.sent}</td><td>${report?.delivered}</td>`);
    expect(report?.delivered).toBeGreaterThanOrEqual(1);
  });
});

describe("the admin actions", () => {
  it("remove a method: confirmed, removed, the user told, factor.removed emitted", async () => {
    await enrolPhone("remove@contoso.com", "+447400200040");
    const b = adminBrowser();
    const user = await (await b.get("/admin/user?id=remove%40contoso.com")).text();
    expect(user).toContain('id="remove-method-authentication-phone"');
    const since = events.length;
    const res = await confirmAndDo(b, "remove@contoso.com", "remove-method", {
      target: "authentication-phone",
    });
    expect(await bannerAfter(b, res)).toEqual([
      "success",
      expect.stringMatching(/^Removed: Authentication phone/),
    ]);
    expect(
      (await factorsOf("remove@contoso.com")).some((f) => f.kind === "authentication-phone"),
    ).toBe(false);
    expect(events.slice(since).map((e) => e.type)).toContain("factor.removed");
    // Again (a second tab's confirmation): already gone, said so, nothing emitted.
    const csrf = await b.csrf("/admin/user/confirm?id=remove%40contoso.com&action=clear-lockout");
    const after = events.length;
    const again = await b.post("/admin/user/actions", {
      _csrf: csrf,
      userId: "remove@contoso.com",
      action: "remove-method",
      target: "authentication-phone",
      confirm: "yes",
    });
    expect(await bannerAfter(b, again)).toEqual(["notice", "That method was already removed."]);
    expect(events.length).toBe(after);
  });

  it("require re-registration, revoke app passwords, clear a lockout, clear review: each done with its admin.action event", async () => {
    const userId = "actions@contoso.com";
    await enrolPhone(userId, "+447400200041");
    await mfa.securityInfo.appPasswords.create(session(userId), "Mail");
    // Wrong codes at sign-in: a failure counted on the phone.
    const started = await mfa.challenge.start({ userId, method: "authentication-phone" });
    if (!started.ok) throw new Error("no challenge");
    await mfa.challenge.verify({ userId, challengeId: started.challengeId, code: "000000" });
    expect(await mfa.limiter.listFailures(userId)).not.toHaveLength(0);
    await mfa.registrations.update(userId, (r) => ({
      ...r,
      review: { since: clock.now(), reason: "change_reverted" },
    }));
    const b = adminBrowser();
    const page = await (await b.get(`/admin/user?id=${encodeURIComponent(userId)}`)).text();
    // The one the wizard offered, and "Mail".
    const appPasswords = (await mfa.admin.listMethods(userId)).appPasswords.length;
    expect(appPasswords).toBe(2);
    expect(page).toContain(`<li id="app-passwords">App passwords: ${appPasswords}</li>`);
    expect(page).toContain('<li id="lockouts">Methods with wrong codes counted: 1</li>');

    const actions = (since: number) =>
      events.slice(since).flatMap((e) => (e.type === "admin.action" ? [e.action] : []));
    let since = events.length;
    expect(await bannerAfter(b, await confirmAndDo(b, userId, "revoke-app-passwords"))).toEqual([
      "success",
      `App passwords revoked: ${appPasswords}.`,
    ]);
    expect(actions(since)).toEqual(["app_passwords_revoked"]);
    since = events.length;
    expect(await bannerAfter(b, await confirmAndDo(b, userId, "clear-lockout"))).toEqual([
      "success",
      "Lockout cleared on 1 method(s).",
    ]);
    expect(actions(since)).toEqual(["failures_cleared"]);
    expect(await mfa.limiter.listFailures(userId)).toEqual([]);
    since = events.length;
    expect(await bannerAfter(b, await confirmAndDo(b, userId, "clear-review"))).toEqual([
      "success",
      "Review cleared.",
    ]);
    expect(actions(since)).toEqual(["review_cleared"]);
    expect((await mfa.required(userId)).underReview).toBe(false);
    since = events.length;
    expect(await bannerAfter(b, await confirmAndDo(b, userId, "require-reregistration"))).toEqual([
      "success",
      "actions@contoso.com must register again.",
    ]);
    expect(actions(since)).toEqual(["reregistration_required"]);
    expect((await factorsOf(userId)).filter((f) => f.role === "mfa")).toEqual([]);
    expect((await mfa.required(userId)).status).toBe("required");
  });

  it("issues a Temporary Access Pass shown once, in the answer only; revokes it; a lifetime out of range is shown on its field", async () => {
    const userId = "pass@contoso.com";
    await enrolPhone(userId, "+447400200042");
    const b = adminBrowser();
    // A typed error: the SDK's invalid_input, on the lifetime field of the confirmation page.
    const bad = await confirmAndDo(b, userId, "issue-pass", { lifetimeMinutes: "5", oneTime: "1" });
    expect(bad.headers.get("location")).toBe(
      "/admin/user/confirm?id=pass%40contoso.com&action=issue-pass",
    );
    const retry = await (await b.get(bad.headers.get("location") ?? "")).text();
    expect(retry).toMatch(/<title>Error: Issue a Temporary Access Pass/);
    expect(retry).toContain('id="lifetimeMinutes-error"');
    expect(retry).toContain('value="5"');
    expect(await mfa.admin.temporaryAccessPass(userId)).toBeNull();

    const since = events.length;
    const issued = await confirmAndDo(b, userId, "issue-pass", {
      lifetimeMinutes: "60",
      oneTime: "1",
    });
    expect(issued.status).toBe(200);
    const pass = /<code id="tap-pass">([^<]+)<\/code>/.exec(await issued.text())?.[1] ?? "";
    expect(pass).toMatch(/^[2-9a-hjkmnp-z]{4}(-[2-9a-hjkmnp-z]{4}){3}$/);
    expect(events.slice(since).map((e) => e.type)).toContain("tap.issued");
    expect(JSON.stringify(events)).not.toContain(pass.replaceAll("-", ""));
    const again = await (await b.get(`/admin/user?id=${encodeURIComponent(userId)}`)).text();
    expect(again).not.toContain('id="tap-pass"');
    expect(again).toContain("Temporary Access Pass: valid, until");

    expect(await bannerAfter(b, await confirmAndDo(b, userId, "revoke-pass"))).toEqual([
      "success",
      "The pass was revoked.",
    ]);
    expect(events.at(-1)?.type).toBe("tap.revoked");
  });
});
