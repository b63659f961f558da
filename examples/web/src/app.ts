/**
 * The example app: its own password sign-in, and the MFA pages of `@mfakit/web` mounted at
 * `basePath`. Everything MFA (the wizard, Security info, the challenge, the revert link, the
 * outbox) is the package's; the app owns only who its users are and their passwords.
 *
 * The same app is a Web-standard `fetch`, so it runs as is on Hono's Node server, and inside
 * Express or Fastify through `@mfakit/web/node` (see `examples/express`, `examples/fastify`).
 *
 * @module
 */

import type { Clock } from "@mfakit/core";
import {
  createCatalogue,
  type MfaAdmin,
  type MfaWeb,
  page,
  SECURE_HEADERS,
  sameToken,
  type Ui,
} from "@mfakit/web";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";
import { secureHeaders } from "hono/secure-headers";
import { randomId, type Session, type SessionStore } from "./sessions.js";
import { signInPage } from "./sign-in-page.js";
import type { DemoAccount, UserDirectory } from "./users.js";

/** What the app is built from. */
export interface AppDeps {
  /** The MFA pages. */
  readonly web: MfaWeb;
  /** The MFA admin area (its own `isAdmin` is the app's admin check). */
  readonly admin?: MfaAdmin;
  readonly users: UserDirectory;
  readonly sessions: SessionStore;
  readonly clock: Clock;
  readonly tenantName: string;
  /** Listed on the sign-in page. */
  readonly demoAccounts: readonly DemoAccount[];
  /** Set the cookie's `Secure` attribute. */
  readonly secureCookies: boolean;
}

/** The app's session cookie: a random id only; the session is on the server. */
export const SESSION_COOKIE = "mfakit_session";

/** The longest form body the sign-in accepts, in bytes (the MFA pages have their own limit). */
const MAX_BODY_BYTES = 16 * 1024;

/** Only local paths are followed after sign-in (no open redirect). */
const localPath = (p: string | undefined | null) =>
  typeof p === "string" && /^\/(?![/\\])[\w\-/.?=&%]*$/.test(p) && p.length <= 200 ? p : null;

type Env = { Variables: { session: Session } };

/** The app as a Web-standard handler: `/sign-in` here, the rest the MFA pages'. */
export function createApp(deps: AppDeps): Hono<Env> {
  const { web, users, sessions, clock } = deps;
  const base = web.basePath;
  const app = new Hono<Env>();
  const t = createCatalogue().pick(["en"]).t;
  const ui = (csrf: string): Ui => ({
    t,
    locale: "en",
    base,
    csrf,
    brand: { name: deps.tenantName, logoUrl: null },
    stylesheets: [],
    signOut: false,
  });

  // The admin area first (the MFA pages at the root would take its paths too), then everything
  // under the base path is the MFA pages' (with base "" all but the sign-in).
  app.use("*", async (c, next) => {
    const ip = (c.env as { ip?: string } | undefined)?.ip ?? "";
    const admin = deps.admin;
    if (admin && (c.req.path === admin.basePath || c.req.path.startsWith(`${admin.basePath}/`)))
      return admin.fetch(c.req.raw, { ip });
    if (
      c.req.path !== "/sign-in" &&
      (base === "" || c.req.path.startsWith(`${base}/`) || c.req.path === base)
    )
      return web.fetch(c.req.raw, { ip });
    return next();
  });

  app.use("*", secureHeaders(SECURE_HEADERS));
  app.use(
    "*",
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.text("Payload Too Large", 413) }),
  );

  // Sessions: load or create, save after the handler, set the cookie when the id changed.
  app.use("*", async (c, next) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    c.set("session", (await sessions.load(cookie)) ?? sessions.create());
    await next();
    const session = c.get("session");
    await sessions.save(session);
    if (session.id !== cookie)
      setCookie(c, SESSION_COOKIE, session.id, {
        httpOnly: true,
        sameSite: "Lax",
        secure: deps.secureCookies,
        path: "/",
      });
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });

  const expired = (c: Context<Env>) =>
    c.html(page(ui(""), { title: t.formExpiredTitle }, signInPage.expired(t)), 403);

  app.get("/", (c) => c.redirect(`${base}/`, 303));

  app.get("/sign-in", (c) => {
    const s = c.get("session");
    const flash = s.data.flash ?? {};
    const next = localPath(c.req.query("next"));
    s.data = { ...s.data, flash: null, ...(next ? { next } : {}) };
    const banner =
      flash.banner ??
      (c.req.query("reason") === "reauthenticate"
        ? { kind: "notice" as const, message: t.signInAgain }
        : null);
    return c.html(
      signInPage.render(ui(s.data.csrf), {
        banner,
        errors: flash.errors ?? {},
        username: flash.values?.username ?? s.data.userId ?? "",
        demoAccounts: deps.demoAccounts,
        tenantName: deps.tenantName,
        outboxHref: `${base}/outbox`,
      }),
    );
  });

  app.post("/sign-in", async (c) => {
    const origin = c.req.header("origin");
    if (origin && origin !== new URL(c.req.url).origin) return expired(c);
    const form = await c.req.parseBody();
    const old = c.get("session");
    if (typeof form._csrf !== "string" || !sameToken(form._csrf, old.data.csrf)) return expired(c);
    const username = String(form.username ?? "").slice(0, 254);
    const result = await users.verify(username, String(form.password ?? ""));
    if (!result.ok) {
      const message =
        result.reason === "throttled"
          ? `Too many wrong passwords. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minutes.`
          : "The email address or password is not correct.";
      old.data = { ...old.data, flash: { errors: { password: message }, values: { username } } };
      return c.redirect("/sign-in", 303);
    }
    // A new session id at sign-in (no fixation). A step-up by the same user keeps its sign-in
    // id, so the MFA pages keep its progress (a second factor proven, an enrolment).
    const same = old.data.userId === result.user.id;
    await sessions.destroy(old.id);
    const fresh = sessions.create();
    fresh.data = {
      ...fresh.data,
      userId: result.user.id,
      authenticatedAt: clock.now(),
      signInId: same && old.data.signInId ? old.data.signInId : randomId(),
    };
    c.set("session", fresh);
    return c.redirect(localPath(old.data.next) ?? `${base}/`, 303);
  });

  return app;
}
