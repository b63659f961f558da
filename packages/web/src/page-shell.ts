/**
 * What every handler of this package is built on (the user pages and the admin area): the
 * security headers, the stylesheet and script, the page state behind its cookie, the body
 * limit, the CSRF check, and the not-found and error pages. One place, so the admin area gets
 * exactly the protections the user pages have.
 *
 * @module
 */

import { isMfaError } from "@mfakit/core";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";
import { html } from "hono/html";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { SCRIPT } from "./assets/script.js";
import { STYLESHEET } from "./assets/stylesheet.js";
import { type Banner, fill, page, type Ui } from "./html.js";
import { errorMessage } from "./messages/sentences.js";
import type { ResolvedPageOptions } from "./options.js";
import {
  emptyState,
  type Flash,
  type PageState,
  type PageStateData,
  type PageStateStore,
  pageStateStore,
  sameToken,
} from "./page-state.js";

/**
 * The response headers of every page (Hono's `secureHeaders` options): a Content-Security-Policy
 * allowing this origin's script, styles and forms only, no framing, `nosniff`. An app's own pages
 * beside the MFA pages (its sign-in) can use the same.
 */
export const SECURE_HEADERS = Object.freeze({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
  },
  // "same-origin": with "no-referrer" Chromium sends `Origin: null` on form posts.
  referrerPolicy: "same-origin",
});

/** Hosts where browsers keep a Secure cookie over plain http. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** What every route of a shell finds on its context. */
export type ShellVariables = {
  state: PageState;
  ui: Ui;
  ip: string | undefined;
  /** Whether the browser sent a state cookie we know (else a refused form may be the Secure flag). */
  cookieSent: boolean;
};

/** The Hono environment of a shell, with the handler's own variables `V`. */
export type ShellEnv<V extends object = object> = {
  Variables: ShellVariables & V;
  Bindings: { ip?: string };
};

/** How a handler uses the shell. */
export interface ShellConfig<V extends object> {
  /** The state cookie's name: each handler has its own, so one never resets the other's state. */
  readonly cookie: string;
  /** Whether the header offers "Sign out". */
  readonly signOut: boolean;
  /**
   * Who the request is from, read before the state: `owner` binds the state (another owner, a
   * fresh state, the CSRF token kept), `variables` go on the context.
   */
  readonly identify?: (request: Request) => Promise<{
    readonly owner: { readonly userId: string; readonly sessionId: string } | null;
    readonly variables: V;
  }>;
}

/** What a route does with the page state: read it, change it, carry a flash across a redirect. */
export interface StateHelpers<V extends object> {
  /** The state's data. */
  data(c: Context<ShellEnv<V>>): PageStateData;
  /** Changes the state (saved after the route). */
  update(c: Context<ShellEnv<V>>, patch: Partial<PageStateData>): void;
  /** Keeps `f` for the next page (PRG). */
  flash(c: Context<ShellEnv<V>>, f: Flash): void;
  /** The flash for this page, forgotten once read. */
  takeFlash(c: Context<ShellEnv<V>>): Flash;
  /** A 303 to `path` under the base path. */
  go(c: Context<ShellEnv<V>>, path: string): Response;
}

/** A shell: the Hono app at the base path, and the state store behind it. */
export interface Shell<V extends object> extends StateHelpers<V> {
  /** The app at the root (for `fetch` and `onError`). */
  readonly root: Hono<ShellEnv<V>>;
  /** The app at the base path: the handler's routes go here. */
  readonly app: Hono<ShellEnv<V>>;
  readonly states: PageStateStore;
  /** The flags of every cookie the handler sets. */
  readonly cookieFlags: {
    readonly httpOnly: true;
    readonly sameSite: "Lax";
    readonly secure: boolean;
    readonly path: "/";
  };
}

/**
 * Builds a shell over the resolved options: headers, assets, state, body limit, CSRF, and the
 * not-found and error pages. The handler adds its routes to `app`.
 */
export function createPageShell<V extends object>(
  o: ResolvedPageOptions,
  config: ShellConfig<V>,
): Shell<V> {
  type Ctx = Context<ShellEnv<V>>;
  const { base } = o;
  const states = pageStateStore(o.store, o.stateTtlSeconds);
  const cookieFlags = {
    httpOnly: true,
    sameSite: "Lax",
    secure: o.secureCookies,
    path: "/",
  } as const;

  // Not strict: `/mfa` and `/mfa/` are the same page.
  const root = new Hono<ShellEnv<V>>({ strict: false });
  const app = base ? root.basePath(base) : root;

  app.use(secureHeaders(SECURE_HEADERS));

  const assets: Record<string, { type: string; body: string }> = {
    "/static/mfakit.css": { type: "text/css; charset=utf-8", body: STYLESHEET },
    "/static/mfakit.js": { type: "text/javascript; charset=utf-8", body: SCRIPT },
    ...(o.themeCss
      ? { "/static/theme.css": { type: "text/css; charset=utf-8", body: o.themeCss } }
      : {}),
  };
  app.get("/static/:file", (c) => {
    const asset = assets[c.req.path.slice(base.length)];
    if (!asset) return c.text("Not found", 404);
    c.header("Cache-Control", "public, max-age=300");
    return c.body(asset.body, 200, { "Content-Type": asset.type });
  });

  /** The page's language, brand and token. */
  const uiFor = async (request: Request, csrf: string): Promise<Ui> => {
    const { locale, t } = o.catalogue.pick(await o.locale(request));
    return {
      t,
      locale,
      base,
      csrf,
      brand: o.brand,
      stylesheets: o.stylesheets,
      signOut: config.signOut,
    };
  };

  // The page state: load or create, bound to its owner; saved after the handler.
  app.use("*", async (c, next) => {
    const cookie = getCookie(c, config.cookie);
    const who = config.identify ? await config.identify(c.req.raw) : null;
    const owner = who?.owner ?? null;
    for (const [name, value] of Object.entries(who?.variables ?? {}))
      c.set(name as keyof V & string, value as never);
    const loaded = await states.load(cookie);
    let state = loaded ?? states.create();
    const bound =
      state.data.userId === (owner?.userId ?? null) &&
      state.data.sessionId === (owner?.sessionId ?? null);
    if (!bound && (state.data.userId !== null || owner)) {
      // Another user or another sign-in: nothing of the old one carries over (a second factor
      // proven, an enrolment, a challenge). The CSRF token stays: forms already open still post.
      state = {
        id: state.id,
        data: {
          ...emptyState(),
          csrf: state.data.csrf,
          userId: owner?.userId ?? null,
          sessionId: owner?.sessionId ?? null,
        },
      };
    }
    // The shell's own variables (a handler's `V` cannot change their types).
    const shell = c as unknown as Context<ShellEnv>;
    shell.set("cookieSent", loaded !== null);
    shell.set("state", state);
    shell.set("ip", c.env?.ip ?? o.clientIp?.(c.req.raw));
    shell.set("ui", await uiFor(c.req.raw, state.data.csrf));
    await next();
    const saved = c.get("state");
    await states.save(saved);
    if (saved.id !== cookie) setCookie(c, config.cookie, saved.id, cookieFlags);
    // Pages carry codes, secrets and CSRF tokens: never cache them.
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });

  const tooLarge = (c: Ctx) => {
    const { t } = c.get("ui");
    return c.html(
      page(c.get("ui"), { title: t.tooLargeTitle }, html`<p class="lead">${t.tooLargeLead}</p>`),
      413,
    );
  };
  app.use("*", bodyLimit({ maxSize: o.maxBodyBytes, onError: tooLarge }));

  /**
   * The refusal of a form whose token does not match. When the browser sent no state cookie
   * back over plain http on a name other than localhost, the Secure flag is the likely cause:
   * say so, rather than leave every form "expired" with no reason.
   */
  const expired = (c: Ctx) => {
    const ui = c.get("ui");
    const url = new URL(c.req.url);
    const plainHttp =
      !c.get("cookieSent") &&
      o.secureCookies &&
      url.protocol === "http:" &&
      !LOOPBACK_HOSTS.has(url.hostname);
    return c.html(
      page(
        ui,
        { title: ui.t.formExpiredTitle },
        html`<p class="lead">${ui.t.formExpiredLead}</p>${
          plainHttp
            ? html`<p class="note" id="plain-http">${fill(ui.t.formExpiredPlainHttp, { origin: url.origin })}</p>`
            : ""
        }<p><a href="${base}/">${ui.t.goToStart}</a></p>`,
      ),
      403,
    );
  };

  // CSRF: every POST carries the state's token; cross-origin POSTs are refused outright.
  app.use("*", async (c, next) => {
    if (c.req.method !== "POST") return next();
    const origin = c.req.header("origin");
    if (origin && origin !== new URL(c.req.url).origin) return expired(c);
    const token = (await c.req.parseBody())._csrf;
    if (typeof token !== "string" || !sameToken(token, c.get("state").data.csrf)) return expired(c);
    return next();
  });

  // On the root: `c.notFound()` and unknown paths answer through the root's handler.
  root.notFound((c) => {
    const ui = c.get("ui");
    if (!ui) return c.text("Not found", 404);
    return c.html(
      page(
        ui,
        { title: ui.t.notFoundTitle },
        html`<p><a href="${base}/">${ui.t.goToStart}</a></p>`,
      ),
      404,
    );
  });

  root.onError((e, c) => {
    // A body over the limit found while reading it: 413, not a server error.
    if (e instanceof HTTPException && e.status === 413)
      return c.get("ui") ? tooLarge(c) : e.getResponse();
    const code = isMfaError(e) ? e.code : e.name;
    // The code only for SDK errors (their data is secret-free); a stack for the unexpected.
    o.log(`error on ${c.req.method} ${c.req.path}: ${code}`);
    if (!isMfaError(e) && e.stack) o.log(e.stack);
    const ui = c.get("ui");
    if (!ui) return c.text("Something went wrong", 500);
    const banner: Banner = {
      kind: "error",
      message: isMfaError(e) ? errorMessage(ui, e).message : ui.t.errorPageLead,
    };
    return c.html(
      page(
        ui,
        { title: ui.t.errorPageTitle, banner },
        html`<p><a href="${base}/">${ui.t.goToStart}</a></p>`,
      ),
      500,
    );
  });

  const stateOf = (c: Ctx) => (c as unknown as Context<ShellEnv>).get("state");
  const data = (c: Ctx) => stateOf(c).data;
  const update = (c: Ctx, patch: Partial<PageStateData>) => {
    const s = stateOf(c);
    s.data = { ...s.data, ...patch };
  };
  return {
    root,
    app,
    states,
    cookieFlags,
    data,
    update,
    flash: (c, f) => update(c, { flash: f }),
    takeFlash(c) {
      const f = data(c).flash ?? {};
      if (data(c).flash) update(c, { flash: null });
      return f;
    },
    go: (c, path) => c.redirect(`${base}${path}`, 303),
  };
}
