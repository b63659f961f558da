/**
 * The web app: sign-in, the seed's enrolment wizard, the sign-in challenge and Security info,
 * as Hono routes over one `Mfa` instance.
 *
 * Every page works without JavaScript: a form POSTs, the route calls the SDK and answers with
 * a 303 redirect to the page to show (POST/redirect/GET), carrying any message in a one-shot
 * flash kept in the server-side session. The two exceptions are the answers that create a
 * secret shown once (an app password, an authenticator key): those are rendered directly in
 * the POST's answer, so the secret is never stored anywhere for a later page.
 *
 * @module
 */

import { timingSafeEqual } from "node:crypto";
import { getConnInfo } from "@hono/node-server/conninfo";
import {
  type Clock,
  type DeviceToken,
  type EnrolmentView,
  type FactorKind,
  isMfaError,
  type Mfa,
  type Session as SdkSession,
} from "@mfakit/core";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";
import { html } from "hono/html";
import { secureHeaders } from "hono/secure-headers";
import { echoValues, enrolmentInput, type FormFields } from "./enrolment-input.js";
import { type Banner, duration, page } from "./html.js";
import { challengeMessage, errorMessage, noticeMessage } from "./messages.js";
import { carriesSecret, type EnrolmentPageContext, enrolmentPage } from "./pages/enrolment.js";
import { passkeyChallengePage } from "./pages/passkeys.js";
import { recoveryCodeChallengePage } from "./pages/recovery-codes.js";
import { revertConfirmPage, revertResultPage } from "./pages/revert.js";
import { securityInfoPage } from "./pages/security-info.js";
import { challengePage, signInPage } from "./pages/sign-in.js";
import { helpDeskPage, passMessage, passSignInPage } from "./pages/temporary-access-pass.js";
import type { Flash, Session, SessionData, SessionStore } from "./sessions.js";
import type { DemoAccount, UserDirectory } from "./users.js";

/** What the app is built from. */
export interface AppDeps {
  /** The SDK with the seed's policy: it holds every security rule (step-up, last method, …). */
  readonly mfa: Mfa;
  readonly users: UserDirectory;
  readonly sessions: SessionStore;
  readonly clock: Clock;
  readonly tenant: { readonly name: string; readonly domains: readonly string[] };
  /** Listed on the sign-in page. */
  readonly demoAccounts: readonly DemoAccount[];
  /** Static files by path (`/static/app.css`). */
  readonly assets: Readonly<Record<string, { readonly type: string; readonly body: string }>>;
  /** Set the cookie's `Secure` attribute. */
  readonly secureCookies: boolean;
  /** Where unexpected errors are reported (never with a secret: name and code only). */
  readonly log: (line: string) => void;
  /**
   * Serve the help desk's Temporary Access Pass page (`/help-desk/temporary-access-pass`). A real
   * app puts it behind its administrators' own sign-in; the demo serves it on loopback only.
   * @default false
   */
  readonly helpDesk?: boolean;
}

type Env = { Variables: { session: Session } };
type Ctx = Context<Env>;

/** The session cookie: a random id only; the session is on the server. */
export const SESSION_COOKIE = "mfakit_session";

/**
 * The remembered-device cookie ("don't ask again on this device"): the SDK's device token, which
 * is bound to the user and recognised only by `mfa.challenge.recognizeDevice`.
 */
export const DEVICE_COOKIE = "mfakit_device";

/** Browsers and systems a device name is made of, the more specific first. */
const BROWSERS: ReadonlyArray<[RegExp, string]> = [
  [/Edg\//, "Edge"],
  [/Firefox\//, "Firefox"],
  [/Chrome\//, "Chrome"],
  [/Safari\//, "Safari"],
];
const SYSTEMS: ReadonlyArray<[RegExp, string]> = [
  [/Windows/, "Windows"],
  [/Android/, "Android"],
  [/iPhone|iPad/, "iOS"],
  [/Mac OS X/, "macOS"],
  [/Linux/, "Linux"],
];

/** A short name for a device from its user agent, as Security info lists it ("Chrome on Linux"). */
export function deviceNameOf(userAgent: string | undefined): string {
  const ua = userAgent ?? "";
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1] ?? "A browser";
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  return system ? `${browser} on ${system}` : browser;
}

/** The longest form body accepted, in bytes. */
const MAX_BODY_BYTES = 16 * 1024;

const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Only local paths are followed after sign-in (no open redirect). */
const localPath = (p: string | undefined | null) =>
  typeof p === "string" && /^\/(?![/\\])[\w\-/.?=&%]*$/.test(p) && p.length <= 200 ? p : null;

/** Builds the Hono app. */
export function createApp(deps: AppDeps): Hono<Env> {
  const { mfa, users, sessions, clock, tenant } = deps;
  const app = new Hono<Env>();
  const now = () => clock.now();

  // ------------------------------------------------------------ middleware

  app.use(
    secureHeaders({
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
    }),
  );

  app.get("/static/:file", (c) => {
    const asset = deps.assets[c.req.path];
    if (!asset) return c.notFound();
    c.header("Cache-Control", "public, max-age=300");
    return c.body(asset.body, 200, { "Content-Type": asset.type });
  });

  // Sessions: load or create, save after the handler, set the cookie when the id changed.
  app.use("*", async (c, next) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    const loaded = await sessions.load(cookie);
    c.set("session", loaded ?? sessions.create());
    await next();
    const session = c.get("session");
    await sessions.save(session);
    if (session.id !== cookie) {
      setCookie(c, SESSION_COOKIE, session.id, {
        httpOnly: true,
        sameSite: "Lax",
        secure: deps.secureCookies,
        path: "/",
      });
    }
    // Pages carry codes, secrets and CSRF tokens: never cache them.
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });

  // CSRF: every POST carries the session's token; cross-origin POSTs are refused outright.
  app.use("*", bodyLimit({ maxSize: MAX_BODY_BYTES }));
  app.use("*", async (c, next) => {
    if (c.req.method !== "POST") return next();
    const origin = c.req.header("origin");
    if (origin && origin !== new URL(c.req.url).origin) return forbidden(c);
    const token = (await c.req.parseBody())._csrf;
    if (typeof token !== "string" || !sameToken(token, c.get("session").data.csrf))
      return forbidden(c);
    return next();
  });

  const forbidden = (c: Ctx) =>
    c.html(
      page(
        { title: "This form has expired" },
        html`<p class="lead">For your security, the form could not be accepted. Go back, reload the page and try again.</p><p><a href="/">Start again</a></p>`,
      ),
      403,
    );

  // ------------------------------------------------------------ helpers

  const data = (c: Ctx) => c.get("session").data;
  const update = (c: Ctx, patch: Partial<SessionData>) => {
    const s = c.get("session");
    s.data = { ...s.data, ...patch };
  };
  const flash = (c: Ctx, f: Flash) => update(c, { flash: f });
  const takeFlash = (c: Ctx): Flash => {
    const f = data(c).flash ?? {};
    if (data(c).flash) update(c, { flash: null });
    return f;
  };
  const go = (c: Ctx, path: string) => c.redirect(path, 303);

  const formOf = async (c: Ctx): Promise<FormFields> => {
    const body = await c.req.parseBody();
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
    return out;
  };

  const ipOf = (c: Ctx) => {
    try {
      return getConnInfo(c).remote.address;
    } catch {
      return undefined;
    }
  };

  /** The signed-in user as every SDK call takes them: the SDK judges `authenticatedAt` (BIND-01). */
  const sdkSession = (c: Ctx): SdkSession => ({
    userId: data(c).userId as string,
    authenticatedAt: data(c).authenticatedAt ?? 0,
    ...(ipOf(c) ? { ip: ipOf(c) } : {}),
    ...(data(c).via ? { via: data(c).via ?? undefined } : {}),
  });

  const displayName = async (c: Ctx) =>
    (await users.get(data(c).userId ?? ""))?.displayName ?? data(c).userId ?? "";

  /** Whether the SDK lists a sign-in method for the user (usable now or not). */
  const holdsSignInMethod = async (c: Ctx) =>
    (await mfa.securityInfo.list(sdkSession(c))).factors.some((f) => f.role === "mfa");

  /** Sends a user who is not signed in, or who owes a second factor, where they must go. */
  const gate = async (c: Ctx, needMfa: boolean): Promise<Response | null> => {
    const s = data(c);
    if (!s.userId) return go(c, "/sign-in");
    if (s.mfaAt) return null;
    // Registered, not "usable now": a factor disabled by wrong codes still needs proving, or
    // locking it would let a password alone register a new one (RATE-08).
    if (await holdsSignInMethod(c)) return go(c, "/challenge");
    return needMfa ? go(c, "/enrol") : null;
  };

  /**
   * Whether this browser holds a device the user remembered ("don't ask again"): then the
   * password is enough, until the device's fixed expiry or its revocation.
   */
  const rememberedHere = async (c: Ctx, userId: string) => {
    const token = getCookie(c, DEVICE_COOKIE);
    if (!token) return false;
    try {
      return (await mfa.challenge.recognizeDevice({ userId, token })).ok;
    } catch (e) {
      // Something that is no device token (a tampered cookie): as if there were none.
      if (isMfaError(e, "invalid_input")) return false;
      throw e;
    }
  };

  /** After the password (and the second factor, if any): where to go. */
  const onward = async (c: Ctx) => {
    const s = data(c);
    const userId = s.userId as string;
    if (!s.mfaAt && (await holdsSignInMethod(c))) {
      if (!(await rememberedHere(c, userId))) return go(c, "/challenge");
      update(c, { mfaAt: now() });
    }
    // Missing methods block; a nudge (recovery info) is offered, except on the way back from
    // a step-up, which returns where it came from.
    const next = localPath(s.next);
    const { status } = await mfa.required(userId);
    if (status === "required" || (status === "nudge" && !next)) return go(c, "/enrol");
    update(c, { next: null });
    return go(c, next ?? "/security-info");
  };

  /** A step-up is needed (BIND-01): sign in again, then come back. */
  const reauthenticate = (c: Ctx, back: string) => {
    update(c, { next: back });
    flash(c, {
      banner: { kind: "notice", message: "For your security, sign in again to continue." },
    });
    return go(c, "/sign-in");
  };

  // ------------------------------------------------------------ sign-in

  app.get("/", async (c) => (await gate(c, true)) ?? go(c, "/security-info"));

  app.get("/sign-in", (c) => {
    const f = takeFlash(c);
    const next = localPath(c.req.query("next"));
    if (next) update(c, { next });
    return c.html(
      signInPage({
        csrf: data(c).csrf,
        banner: f.banner ?? null,
        errors: f.errors ?? {},
        username: f.values?.username ?? data(c).userId ?? "",
        demoAccounts: deps.demoAccounts,
        tenantName: tenant.name,
      }),
    );
  });

  app.post("/sign-in", async (c) => {
    const form = await formOf(c);
    const username = (form.username ?? "").slice(0, 254);
    const result = await users.verify(username, form.password ?? "");
    if (!result.ok) {
      flash(c, {
        errors: {
          password:
            result.reason === "throttled"
              ? `Too many wrong passwords. Try again in ${duration(result.retryAfterSeconds)}.`
              : "The email address or password is not correct.",
        },
        values: { username },
      });
      return go(c, "/sign-in");
    }
    const { user } = result;
    // A new session id at sign-in (no fixation); a step-up by the same user keeps its progress.
    const old = data(c);
    await sessions.destroy(c.get("session").id);
    const fresh = sessions.create();
    const same = old.userId === user.id;
    fresh.data = {
      ...fresh.data,
      userId: user.id,
      authenticatedAt: now(),
      mfaAt: same ? old.mfaAt : null,
      enrolmentId: same ? old.enrolmentId : null,
      enrolMode: same ? old.enrolMode : "register",
      next: old.next,
    };
    c.set("session", fresh);
    return onward(c);
  });

  app.post("/sign-out", async (c) => {
    await sessions.destroy(c.get("session").id);
    const fresh = sessions.create();
    c.set("session", fresh);
    flash(c, { banner: { kind: "success", message: "You're signed out." } });
    return go(c, "/sign-in");
  });

  // ------------------------------------------------------------ sign-in challenge

  const COOLDOWN_SECONDS = mfa.limiter.limits.destinationCooldownSeconds;

  app.get("/challenge", async (c) => {
    const s = data(c);
    if (!s.userId) return go(c, "/sign-in");
    if (s.mfaAt) return onward(c);
    const f = takeFlash(c);
    const pending = s.challenge;
    return c.html(
      challengePage({
        csrf: s.csrf,
        user: await displayName(c),
        banner: f.banner ?? null,
        errors: f.errors ?? {},
        options: await mfa.challenge.options(s.userId),
        pending,
        app: c.req.query("method") === "app",
        resendInSeconds: pending
          ? Math.max(0, Math.ceil(COOLDOWN_SECONDS - (now() - pending.sentAt) / 1000))
          : 0,
        rememberDays: mfa.policy.rememberDeviceDays,
      }),
    );
  });

  const challengeUser = (c: Ctx) => {
    const s = data(c);
    return s.userId && !s.mfaAt ? s.userId : null;
  };

  /** Runs a challenge call; an `MfaError` becomes a message on the page. */
  const attempt = async (c: Ctx, back: string, run: () => Promise<Response>) => {
    try {
      return await run();
    } catch (e) {
      if (!isMfaError(e)) throw e;
      const { message, field } = errorMessage(e, tenant.domains);
      flash(c, field ? { errors: { [field]: message } } : { banner: { kind: "error", message } });
      return go(c, back);
    }
  };

  app.post("/challenge/start", async (c) => {
    const userId = challengeUser(c);
    if (!userId) return go(c, "/");
    const form = await formOf(c);
    return attempt(c, "/challenge", async () => {
      const method = form.method === "office-phone" ? "office-phone" : "authentication-phone";
      const started = await mfa.challenge.start({
        userId,
        method,
        delivery: form.delivery === "voice" ? "voice" : "sms",
        ...(ipOf(c) ? { ip: ipOf(c) } : {}),
      });
      if (!started.ok) {
        flash(c, { banner: { kind: "error", message: challengeMessage(started) } });
        return go(c, "/challenge");
      }
      update(c, {
        challenge: {
          id: started.challengeId,
          destination: started.destination,
          channel: started.channel,
          sentAt: now(),
        },
      });
      return go(c, "/challenge");
    });
  });

  app.post("/challenge/resend", async (c) => {
    const userId = challengeUser(c);
    const pending = data(c).challenge;
    if (!userId || !pending) return go(c, "/challenge");
    const again = await mfa.challenge.resend({
      userId,
      challengeId: pending.id,
      ...(ipOf(c) ? { ip: ipOf(c) } : {}),
    });
    if (!again.ok) {
      flash(c, { banner: { kind: "error", message: challengeMessage(again) } });
      if (again.reason === "not_found") update(c, { challenge: null });
    } else {
      update(c, { challenge: { ...pending, sentAt: now() } });
      flash(c, { banner: { kind: "success", message: "We've sent a new code." } });
    }
    return go(c, "/challenge");
  });

  app.post("/challenge/cancel", (c) => {
    update(c, { challenge: null });
    return go(c, "/challenge");
  });

  /** A second factor was proven: keep the remembered device, if one came with it. */
  const passed = (c: Ctx, result: { readonly device?: DeviceToken }) => {
    update(c, { mfaAt: now(), challenge: null });
    if (result.device) {
      setCookie(c, DEVICE_COOKIE, result.device.token, {
        httpOnly: true,
        sameSite: "Lax",
        secure: deps.secureCookies,
        path: "/",
        expires: new Date(result.device.expiresAt),
      });
    }
    return onward(c);
  };

  /** What a ticked "don't ask again" asks of the SDK. */
  const rememberOf = (c: Ctx, form: FormFields) =>
    form.remember === "1" ? { remember: { name: deviceNameOf(c.req.header("user-agent")) } } : {};

  app.post("/challenge/verify", async (c) => {
    const userId = challengeUser(c);
    const pending = data(c).challenge;
    if (!userId || !pending) return go(c, "/challenge");
    const form = await formOf(c);
    return attempt(c, "/challenge", async () => {
      const result = await mfa.challenge.verify({
        userId,
        challengeId: pending.id,
        code: form.code ?? "",
        ...rememberOf(c, form),
      });
      if (result.ok) return passed(c, result);
      if (result.reason === "not_found") update(c, { challenge: null });
      flash(c, { errors: { code: challengeMessage(result) } });
      return go(c, "/challenge");
    });
  });

  app.post("/challenge/totp", async (c) => {
    const userId = challengeUser(c);
    if (!userId) return go(c, "/challenge");
    const form = await formOf(c);
    return attempt(c, "/challenge?method=app", async () => {
      const result = await mfa.challenge.verifyTotp({
        userId,
        code: form.code ?? "",
        ...rememberOf(c, form),
      });
      if (result.ok) return passed(c, result);
      flash(c, { errors: { code: challengeMessage(result) } });
      return go(c, "/challenge?method=app");
    });
  });

  // ------------------------------------------------------------ Temporary Access Pass

  app.get("/challenge/pass", async (c) => {
    const s = data(c);
    if (!challengeUser(c)) return go(c, "/challenge");
    const f = takeFlash(c);
    return c.html(
      passSignInPage({
        csrf: s.csrf,
        user: await displayName(c),
        banner: f.banner ?? null,
        errors: f.errors ?? {},
      }),
    );
  });

  // A pass stands in for the lost second factor and counts as the step-up; the session carries
  // its `via`, so the SDK lets it register methods and nothing else. Straight into the wizard.
  app.post("/challenge/pass", async (c) => {
    const userId = challengeUser(c);
    if (!userId) return go(c, "/challenge");
    const form = await formOf(c);
    return attempt(c, "/challenge/pass", async () => {
      const result = await mfa.challenge.verifyTemporaryAccessPass({
        userId,
        pass: form.pass ?? "",
        ...(ipOf(c) ? { ip: ipOf(c) } : {}),
      });
      if (!result.ok) {
        flash(c, { errors: { pass: passMessage(result, duration) } });
        return go(c, "/challenge/pass");
      }
      update(c, { mfaAt: now(), authenticatedAt: now(), challenge: null, via: result.via });
      const view = await mfa.securityInfo.add(sdkSession(c), "authentication-phone", {
        locale: "en",
      });
      update(c, { enrolmentId: view.id, enrolMode: "add" });
      return go(c, "/enrol");
    });
  });

  if (deps.helpDesk) {
    const helpDesk = (c: Ctx, f: Flash, issued: Parameters<typeof helpDeskPage>[0]["issued"]) =>
      c.html(
        helpDeskPage({
          csrf: data(c).csrf,
          banner: f.banner ?? null,
          errors: f.errors ?? {},
          users: deps.demoAccounts.map((a) => ({ id: a.id, displayName: a.displayName })),
          issued,
        }),
      );
    app.get("/help-desk/temporary-access-pass", (c) => helpDesk(c, takeFlash(c), null));
    app.post("/help-desk/temporary-access-pass", async (c) => {
      const form = await formOf(c);
      const userId = form.userId ?? "";
      if (!deps.demoAccounts.some((a) => a.id === userId)) return go(c, c.req.path);
      try {
        const issued = await mfa.admin.issueTemporaryAccessPass({
          userId,
          lifetimeMinutes: Number(form.lifetimeMinutes),
          oneTime: form.oneTime === "1",
        });
        // Shown once: rendered in this answer, kept nowhere.
        return helpDesk(c, {}, { ...issued, userId });
      } catch (e) {
        if (!isMfaError(e, "invalid_input")) throw e;
        return helpDesk(c, { errors: { lifetimeMinutes: e.message } }, null);
      }
    });
  }

  // A passkey (WebAuthn): the options go into the page, the browser's answer comes back as JSON.
  app.post("/challenge/passkey", async (c) => {
    const userId = challengeUser(c);
    if (!userId) return go(c, "/challenge");
    return attempt(c, "/challenge", async () => {
      const started = await mfa.challenge.beginPasskey({ userId });
      return c.html(
        passkeyChallengePage({
          csrf: data(c).csrf,
          user: await displayName(c),
          banner: null,
          started,
        }),
      );
    });
  });

  app.post("/challenge/passkey/verify", async (c) => {
    const userId = challengeUser(c);
    if (!userId) return go(c, "/challenge");
    const form = await formOf(c);
    return attempt(c, "/challenge", async () => {
      const result = await mfa.challenge.verifyPasskey({
        userId,
        challengeId: form.challengeId ?? "",
        response: form.response ?? "",
      });
      if (result.ok) return passed(c, result);
      flash(c, { banner: { kind: "error", message: challengeMessage(result) } });
      return go(c, "/challenge");
    });
  });

  app.get("/challenge/recovery-code", async (c) => {
    const userId = challengeUser(c);
    if (!userId) return go(c, "/challenge");
    const f = takeFlash(c);
    return c.html(
      recoveryCodeChallengePage({
        csrf: data(c).csrf,
        user: await displayName(c),
        banner: f.banner ?? null,
        errors: f.errors ?? {},
      }),
    );
  });

  app.post("/challenge/recovery-code", async (c) => {
    const userId = challengeUser(c);
    if (!userId) return go(c, "/challenge");
    const form = await formOf(c);
    return attempt(c, "/challenge/recovery-code", async () => {
      const result = await mfa.challenge.verifyRecoveryCode({
        userId,
        code: form.code ?? "",
        ...(ipOf(c) ? { ip: ipOf(c) } : {}),
      });
      if (result.ok && result.method === "recovery-code") {
        // The SDK says when few are left: tell the user where to get new ones.
        if (result.fewLeft) {
          const message = `You have ${result.remaining} recovery codes left. Get new ones in Security info.`;
          flash(c, { banner: { kind: "notice", message } });
        }
        return passed(c, result);
      }
      if (!result.ok) flash(c, { errors: { code: challengeMessage(result) } });
      return go(c, "/challenge/recovery-code");
    });
  });

  // ------------------------------------------------------------ enrolment wizard

  const enrolmentContext = async (c: Ctx, f: Flash): Promise<EnrolmentPageContext> => ({
    csrf: data(c).csrf,
    user: await displayName(c),
    banner: f.banner ?? null,
    errors: f.errors ?? {},
    values: f.values ?? {},
    tenantName: tenant.name,
    mode: data(c).enrolMode,
  });

  /** The current view: the session's enrolment, or the user's open one, or a new one. */
  const currentView = async (c: Ctx): Promise<EnrolmentView> => {
    const s = data(c);
    if (s.enrolmentId) {
      try {
        return await mfa.enrolment.get(s.enrolmentId, sdkSession(c));
      } catch (e) {
        // A Security info change that is gone ends there, not in the wizard.
        if (!isMfaError(e, "enrolment_not_found") || s.enrolMode === "add") throw e;
      }
    }
    const user = await users.get(s.userId as string);
    const view = await mfa.enrolment.start({
      ...sdkSession(c),
      locale: "en",
      appSteps: user?.temporaryPassword ? ["change-password"] : [],
    });
    update(c, { enrolmentId: view.id });
    return view;
  };

  /** Leaves a Security info change for its page, with `banner` if there is news. */
  const backToSecurityInfo = (c: Ctx, banner: Banner | null) => {
    update(c, { enrolmentId: null, enrolMode: "register" });
    if (banner) flash(c, { banner });
    return go(c, "/security-info");
  };

  /** An SDK refusal of a wizard page, as the page to show next. */
  const enrolmentRefused = (c: Ctx, e: unknown, form: FormFields = {}) => {
    if (!isMfaError(e)) throw e;
    if (e.code === "reauthentication_required") return reauthenticate(c, "/enrol");
    if (e.code === "enrolment_not_found") {
      const banner: Banner = { kind: "notice", message: e.message };
      if (data(c).enrolMode === "add") return backToSecurityInfo(c, banner);
      update(c, { enrolmentId: null });
      flash(c, { banner });
      return go(c, "/enrol");
    }
    const { message, field } = errorMessage(e, tenant.domains);
    flash(c, {
      ...(field ? { errors: { [field]: message } } : { banner: { kind: "error", message } }),
      values: echoValues(form),
    });
    return go(c, "/enrol");
  };

  /**
   * A Security info change (add or replace) is an enrolment the SDK scoped to one method: once
   * the method is bound it stands at `finish`, which is answered here, and the user is back on
   * Security info; a cancelled one goes back too. `null` while the change is still going.
   */
  const endOfChange = async (c: Ctx, view: EnrolmentView): Promise<Response | null> => {
    if (data(c).enrolMode !== "add") return null;
    if (view.step === "cancelled") return backToSecurityInfo(c, null);
    if (view.step !== "finish" && view.step !== "done") return null;
    if (view.step === "finish") {
      try {
        await mfa.enrolment.submit(view.id, { step: "finish", action: "finish" }, sdkSession(c));
      } catch (e) {
        if (isMfaError(e, "reauthentication_required")) return reauthenticate(c, "/enrol");
        // Finished by another tab meanwhile: the method is bound either way. Anything else is
        // an error page, not a redirect to this same page.
        if (!isMfaError(e, "enrolment_not_found")) throw e;
      }
    }
    return backToSecurityInfo(c, {
      kind: "success",
      message: "Saved. Your security info is up to date.",
    });
  };

  app.get("/enrol", async (c) => {
    const blocked = await gate(c, false);
    if (blocked) return blocked;
    let view: EnrolmentView;
    try {
      view = await currentView(c);
    } catch (e) {
      // Only a Security info change that is gone gets here; anything else is an error page.
      if (!isMfaError(e, "enrolment_not_found")) throw e;
      return enrolmentRefused(c, e);
    }
    const ended = await endOfChange(c, view);
    if (ended) return ended;
    // A finished or postponed enrolment is shown once; the next visit starts afresh.
    if (view.step === "done" || view.step === "cancelled") update(c, { enrolmentId: null });
    return c.html(enrolmentPage(view, await enrolmentContext(c, takeFlash(c))));
  });

  /** Code notices belong to the code field; the rest go in the banner. */
  const noticeFlash = (view: EnrolmentView): Flash => {
    if (!view.notice) return {};
    const { kind, message } = noticeMessage(view.notice);
    const onCode =
      (view.step === "verify-code" || view.step === "authenticator-setup") &&
      ["code_mismatch", "code_expired", "code_locked", "code_replayed"].includes(view.notice.code);
    return onCode ? { errors: { code: message } } : { banner: { kind, message } };
  };

  app.post("/enrol", async (c) => {
    const blocked = await gate(c, false);
    if (blocked) return blocked;
    const s = data(c);
    const userId = s.userId as string;
    if (!s.enrolmentId) return go(c, "/enrol");
    const form = await formOf(c);
    const navigating = form.action === "back" || form.action === "cancel";

    // The app's own step: change the temporary password, then tell the engine it is done.
    if (form.step === "app-step" && form.stepId === "change-password" && !navigating) {
      const changed = await users.changePassword(
        userId,
        form.current ?? "",
        form.password ?? "",
        form.confirm ?? "",
      );
      if (!changed.ok) {
        flash(c, { errors: { [changed.field]: changed.message } });
        return go(c, "/enrol");
      }
    }

    let view: EnrolmentView;
    try {
      view = await mfa.enrolment.submit(s.enrolmentId, enrolmentInput(form), sdkSession(c));
    } catch (e) {
      return enrolmentRefused(c, e, form);
    }

    // Whoever just proved a new factor here has passed a second factor in this session.
    if (!s.mfaAt && (await holdsSignInMethod(c))) update(c, { mfaAt: now() });
    const ended = await endOfChange(c, view);
    if (ended) return ended;
    const f = noticeFlash(view);
    if (carriesSecret(view)) {
      // Shown once: rendered in this answer, kept nowhere (APP-01, TOTP-06).
      return c.html(enrolmentPage(view, await enrolmentContext(c, f)));
    }
    flash(c, f);
    return go(c, "/enrol");
  });

  // ------------------------------------------------------------ security info
  //
  // Every rule is the SDK's (`mfa.securityInfo`): the step-up (BIND-01), the notice (BIND-02),
  // "not your last sign-in method", what may be added. This app only shows what it answers.

  const securityInfo = async (
    c: Ctx,
    f: Flash,
    newAppPassword: { name: string; password: string } | null = null,
    newRecoveryCodes: readonly string[] | null = null,
  ) =>
    c.html(
      securityInfoPage({
        csrf: data(c).csrf,
        user: await displayName(c),
        banner: f.banner ?? null,
        errors: f.errors ?? {},
        info: await mfa.securityInfo.list(sdkSession(c)),
        devices: await mfa.securityInfo.devices.list(sdkSession(c)),
        newAppPassword,
        ...(mfa.policy.recoveryCodes.enabled
          ? {
              recoveryCodes: {
                status: await mfa.securityInfo.recoveryCodes.status(sdkSession(c)),
                newCodes: newRecoveryCodes,
              },
            }
          : {}),
      }),
    );

  app.get("/security-info", async (c) => {
    const blocked = await gate(c, true);
    if (blocked) return blocked;
    return securityInfo(c, takeFlash(c));
  });

  /**
   * Runs a Security info change; the SDK's refusals become messages, and a sign-in it finds
   * too old (`reauthentication_required`) sends the user to sign in again, then back here.
   */
  const change = async (
    c: Ctx,
    run: (session: SdkSession, form: FormFields) => Promise<Response>,
  ) => {
    const blocked = await gate(c, true);
    if (blocked) return blocked;
    try {
      return await run(sdkSession(c), await formOf(c));
    } catch (e) {
      if (!isMfaError(e)) throw e;
      if (e.code === "reauthentication_required") return reauthenticate(c, "/security-info");
      const { message, field } = errorMessage(e, tenant.domains);
      flash(c, field ? { errors: { [field]: message } } : { banner: { kind: "error", message } });
      return go(c, "/security-info");
    }
  };

  /** Continues in the wizard's pages with the enrolment the SDK scoped to one method. */
  const changeIn = (c: Ctx, view: EnrolmentView) => {
    update(c, { enrolmentId: view.id, enrolMode: "add" });
    return go(c, "/enrol");
  };

  app.post("/security-info/add", (c) =>
    change(c, async (session, form) =>
      // The SDK refuses a kind its policy does not offer.
      changeIn(c, await mfa.securityInfo.add(session, form.kind as FactorKind, { locale: "en" })),
    ),
  );

  app.post("/security-info/replace", (c) =>
    change(c, async (session, form) =>
      changeIn(c, await mfa.securityInfo.replace(session, form.id ?? "", { locale: "en" })),
    ),
  );

  app.post("/security-info/remove", (c) =>
    change(c, async (session, form) => {
      const removed = await mfa.securityInfo.remove(session, form.id ?? "");
      flash(c, {
        banner: removed
          ? { kind: "success", message: "Removed. We've let you know on your other methods." }
          : { kind: "notice", message: "That method was already removed." },
      });
      return go(c, "/security-info");
    }),
  );

  app.post("/security-info/app-passwords", (c) =>
    change(c, async (session, form) => {
      const created = await mfa.securityInfo.appPasswords.create(session, form.name ?? "");
      // Shown once, in this answer only (APP-01).
      return securityInfo(c, {}, { name: created.name, password: created.password });
    }),
  );

  app.post("/security-info/recovery-codes", (c) =>
    change(c, async (session) => {
      const made = await mfa.securityInfo.recoveryCodes.regenerate(session);
      // Shown once, in this answer only.
      return securityInfo(c, {}, null, made.codes);
    }),
  );

  app.post("/security-info/app-passwords/revoke", (c) =>
    change(c, async (session, form) => {
      const revoked = await mfa.securityInfo.appPasswords.revoke(session, form.id ?? "");
      flash(c, {
        banner: revoked
          ? { kind: "success", message: "App password revoked. Apps using it will stop working." }
          : { kind: "notice", message: "That app password was already revoked." },
      });
      return go(c, "/security-info");
    }),
  );

  app.post("/security-info/devices/revoke", (c) =>
    change(c, async (session, form) => {
      const all = form.id === "all";
      const revoked = all
        ? (await mfa.securityInfo.devices.revokeAll(session)) > 0
        : await mfa.securityInfo.devices.revoke(session, form.id ?? "");
      flash(c, {
        banner: revoked
          ? {
              kind: "success",
              message: `${all ? "Every device" : "That device"} will ask for a second method at the next sign-in.`,
            }
          : { kind: "notice", message: "That device was already forgotten." },
      });
      return go(c, "/security-info");
    }),
  );

  // ------------------------------------------------------------ "this wasn't me"

  // The notice's link. A GET changes nothing (mail scanners follow links): it shows a confirm
  // button whose POST carries the token in its body. No sign-in: the link is the proof.
  app.get("/revert/:token", (c) =>
    c.html(revertConfirmPage({ csrf: data(c).csrf, token: c.req.param("token").slice(0, 2048) })),
  );

  app.post("/revert", async (c) => {
    const token = (await formOf(c)).token ?? "";
    try {
      return c.html(revertResultPage({ ok: true, outcome: await mfa.revertChange({ token }) }));
    } catch (e) {
      // A used, expired or altered link is an expected answer, not an error to log.
      if (!isMfaError(e, "revert_link_invalid") && !isMfaError(e, "invalid_input")) throw e;
      return c.html(revertResultPage({ ok: false }), 400);
    }
  });

  // ------------------------------------------------------------ errors

  app.notFound((c) =>
    c.html(page({ title: "Page not found" }, html`<p><a href="/">Go to the start</a></p>`), 404),
  );

  app.onError((e, c) => {
    const code = isMfaError(e) ? e.code : e.name;
    // The code only for SDK errors (their data is secret-free); a stack for the unexpected.
    deps.log(`error on ${c.req.method} ${c.req.path}: ${code}`);
    if (!isMfaError(e) && e.stack) deps.log(e.stack);
    const banner: Banner = {
      kind: "error",
      message: isMfaError(e) ? e.message : "Something went wrong. Try again in a moment.",
    };
    return c.html(
      page({ title: "Something went wrong", banner }, html`<p><a href="/">Go to the start</a></p>`),
      500,
    );
  });

  return app;
}
