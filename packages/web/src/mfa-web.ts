/**
 * `createMfaWeb`: the MFA pages of any app — the seed's enrolment wizard, Security info, the
 * sign-in challenge, the "this wasn't me" link and (in development) the outbox — as one
 * Web-standard handler, `fetch(Request) → Promise<Response>`, over one `Mfa`.
 *
 * Every page works without JavaScript: a form POSTs, the route calls the SDK and answers with
 * a 303 redirect to the page to show (POST/redirect/GET), carrying any message in a one-shot
 * flash kept in the server-side page state. The answers that create a secret shown once (an
 * app password, recovery codes, an authenticator key) are rendered directly in the POST's
 * answer, so the secret is never stored for a later page, and never put in a URL.
 *
 * Security built in: a CSRF token in every form, checked in constant time, and a POST whose
 * `Origin` is another site refused; a strict Content-Security-Policy (`'self'` only) and the
 * other `secureHeaders`; `HttpOnly`, `SameSite=Lax`, `Secure` cookies holding random ids only;
 * `Cache-Control: no-store`; a body limit answered with 413.
 *
 * @module
 */

import {
  type DeviceToken,
  type EnrolmentView,
  type FactorKind,
  isMfaError,
  type Session as SdkSession,
} from "@mfakit/core";
import { parsePhone } from "@mfakit/core/rules";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { echoValues, enrolmentInput, type FormFields } from "./enrolment-input.js";
import { type Banner, duration, fill } from "./html.js";
import { acceptedLanguages } from "./messages/catalogue.js";
import {
  challengeMessage,
  errorMessage,
  noticeMessage,
  type Speaker,
} from "./messages/sentences.js";
import {
  type MfaWebOptions,
  type MfaWebSession,
  type ResolvedOptions,
  resolveOptions,
} from "./options.js";
import { createPageShell, type ShellEnv } from "./page-shell.js";
import type { Flash, PageStateData } from "./page-state.js";
import { challengePage, oneFieldChallengePage } from "./pages/challenge.js";
import { deliveryNews } from "./pages/delivery-status.js";
import {
  carriesSecret,
  type EnrolmentPageContext,
  enrolmentPage,
  type RecoveryMethodStatus,
} from "./pages/enrolment.js";
import { passkeyChallengePage } from "./pages/passkeys.js";
import { recoveryCodeChallenge } from "./pages/recovery-codes.js";
import { revertConfirmPage, revertResultPage } from "./pages/revert.js";
import { securityInfoPage } from "./pages/security-info.js";
import { helpDeskPage, passChallenge, passMessage } from "./pages/temporary-access-pass.js";

/** The MFA pages as a Web-standard handler. */
export interface MfaWeb {
  /**
   * Answers a request under the base path. `context.ip` is the client's address when the
   * adapter knows it (`@mfakit/web/node` passes the socket's).
   */
  fetch(request: Request, context?: { readonly ip?: string }): Promise<Response>;
  /**
   * For the app's own protected pages: `null` when the user is signed in and has passed their
   * second factor (or has none and is not required to register yet), else a redirect to where
   * they must go first (sign-in, the challenge, the wizard), which brings them back after.
   */
  gate(request: Request): Promise<Response | null>;
  /** The base path the pages are mounted at (`""` or e.g. `/mfa`). */
  readonly basePath: string;
}

export { SECURE_HEADERS } from "./page-shell.js";

/** The page-state cookie: a random id only; the state is on the server. */
export const STATE_COOKIE = "mfakit_web";

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

/** Only local paths are followed (no open redirect). */
const localPath = (p: string | undefined | null) =>
  typeof p === "string" && /^\/(?![/\\])[\w\-/.?=&%]*$/.test(p) && p.length <= 200 ? p : null;

type Env = ShellEnv<{ user: MfaWebSession | null }>;
type Ctx = Context<Env>;

/** Notice codes that belong on the code field rather than at the top of the page. */
const CODE_NOTICES = new Set(["code_mismatch", "code_expired", "code_locked", "code_replayed"]);

/** What a method list looks like now: to tell whether a scoped change has bound something. */
const fingerprint = (factors: ReadonlyArray<{ id: string; verifiedAt: number | null }>) =>
  factors
    .map((f) => `${f.id}:${f.verifiedAt ?? ""}`)
    .sort()
    .join(",");

/**
 * The MFA pages for an app.
 *
 * @throws MfaError `config_invalid` naming every gap in `options`.
 * @example
 * ```ts
 * const web = createMfaWeb({
 *   mfa,
 *   store,
 *   tenant: { name: "Contoso", domains: ["contoso.com"] },
 *   basePath: "/mfa",
 *   session: { get: (request) => mySession(request) }, // { userId, authenticatedAt, sessionId }
 * });
 * app.all("/mfa/*", (c) => web.fetch(c.req.raw)); // Hono; see @mfakit/web/node for Express
 * ```
 */
export function createMfaWeb(options: MfaWebOptions): MfaWeb {
  const o: ResolvedOptions = resolveOptions(options, (request) =>
    acceptedLanguages(request.headers.get("accept-language")),
  );
  const { mfa, tenant, base, clock } = o;
  const { root, app, states, cookieFlags, data, update, flash, takeFlash, go } = createPageShell<{
    user: MfaWebSession | null;
  }>(o, {
    cookie: STATE_COOKIE,
    signOut: Boolean(o.session.signOut),
    async identify(request) {
      const user = await o.session.get(request);
      return { owner: user, variables: { user } };
    },
  });
  const now = () => clock.now();
  const COOLDOWN_SECONDS = mfa.limiter.limits.destinationCooldownSeconds;

  // ------------------------------------------------------------ helpers

  const speaker = (c: Ctx): Speaker => c.get("ui");
  const ipPart = (c: Ctx) => (c.get("ip") ? { ip: c.get("ip") as string } : {});

  const formOf = async (c: Ctx): Promise<FormFields> => {
    const body = await c.req.parseBody();
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
    return out;
  };

  /** The signed-in user as every SDK call takes them: the SDK judges `authenticatedAt` (BIND-01). */
  const sdkSession = (c: Ctx): SdkSession => {
    const user = c.get("user") as MfaWebSession;
    const s = data(c);
    const via = user.via ?? s.via;
    return {
      userId: user.userId,
      authenticatedAt: Math.max(user.authenticatedAt, s.passAt ?? 0),
      ...ipPart(c),
      ...(via ? { via } : {}),
    };
  };

  const displayName = async (c: Ctx) => o.userName(c.get("user")?.userId ?? "");

  /** Whether the SDK lists a sign-in method for the user (usable now or not). */
  const holdsSignInMethod = async (c: Ctx) =>
    (await mfa.securityInfo.list(sdkSession(c))).factors.some((f) => f.role === "mfa");

  /** To the app's sign-in page, then back to `returnTo`. */
  const toSignIn = (c: Ctx, returnTo: string, reason: "sign-in" | "reauthenticate" = "sign-in") =>
    c.redirect(o.signInUrl(returnTo, reason), 303);

  /** Sends a user who is not signed in, or who owes a second factor, where they must go. */
  const gate = async (c: Ctx, needMfa: boolean): Promise<Response | null> => {
    if (!c.get("user")) return toSignIn(c, c.req.path);
    if (data(c).mfaAt) return null;
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
    const user = c.get("user");
    if (!user) return toSignIn(c, `${base}/`);
    const s = data(c);
    if (!s.mfaAt && (await holdsSignInMethod(c))) {
      if (!(await rememberedHere(c, user.userId))) return go(c, "/challenge");
      update(c, { mfaAt: now() });
    }
    // Missing methods block; a nudge (recovery info) is offered, except on the way back to a
    // page of the app, which returns where it came from.
    const next = localPath(s.next);
    const { status } = await mfa.required(user.userId);
    if (status === "required" || (status === "nudge" && !next)) return go(c, "/enrol");
    update(c, { next: null });
    return c.redirect(next ?? o.homeUrl, 303);
  };

  /** A step-up is needed (BIND-01): sign in again, then come back. */
  const reauthenticate = (c: Ctx, back: string) => toSignIn(c, `${base}${back}`, "reauthenticate");

  // ------------------------------------------------------------ start, sign-out

  app.get("/", async (c) => {
    const next = localPath(c.req.query("next"));
    if (next) update(c, { next });
    return onward(c);
  });

  app.post("/sign-out", async (c) => {
    const signOut = o.session.signOut;
    if (!signOut) return c.notFound();
    const headers = new Headers((await signOut(c.req.raw)) ?? {});
    await states.destroy(c.get("state").id);
    c.set("state", states.create());
    const res = c.redirect(o.afterSignOutUrl, 303);
    headers.forEach((value, name) => {
      res.headers.append(name, value);
    });
    return res;
  });

  // ------------------------------------------------------------ sign-in challenge

  app.get("/challenge", async (c) => {
    const user = c.get("user");
    if (!user) return toSignIn(c, c.req.path);
    if (data(c).mfaAt) return onward(c);
    const f = takeFlash(c);
    const pending = data(c).challenge;
    const current = pending ? await pendingStatus(c, user.userId) : null;
    return c.html(
      challengePage({
        ui: c.get("ui"),
        user: await displayName(c),
        banner: f.banner ?? null,
        errors: f.errors ?? {},
        options: await mfa.challenge.options(user.userId),
        pending,
        delivery: current?.ok ? current.delivery : null,
        app: c.req.query("method") === "app",
        resendInSeconds: pending
          ? Math.max(0, Math.ceil(COOLDOWN_SECONDS - (now() - pending.sentAt) / 1000))
          : 0,
        rememberDays: mfa.policy.rememberDeviceDays,
      }),
    );
  });

  /** The user who owes a second factor now, or `null`. */
  const challengeUser = (c: Ctx) => {
    const user = c.get("user");
    return user && !data(c).mfaAt ? user.userId : null;
  };

  /**
   * The pending challenge as the SDK has it now, its delivery with it. Reading it is also what
   * runs a configured failover (a new code through the next provider when none arrived).
   */
  const pendingStatus = async (c: Ctx, userId: string) => {
    const pending = data(c).challenge;
    if (!pending) return null;
    return mfa.challenge.status({
      userId,
      challengeId: pending.id,
      locale: c.get("ui").locale,
      ...ipPart(c),
    });
  };

  // What the code page's script polls: the delivery's sentence, in the page's language.
  app.get("/challenge/delivery", async (c) => {
    const userId = challengeUser(c);
    const status = userId ? await pendingStatus(c, userId) : null;
    const news = status?.ok ? deliveryNews(c.get("ui").t, status.delivery, status.channel) : null;
    return c.json({ delivery: news });
  });

  /** Puts an `MfaError` on the page it belongs to: on its field, or at the top. */
  const refusal = (c: Ctx, e: unknown, values: Record<string, string> = {}) => {
    if (!isMfaError(e)) throw e;
    const { message, field } = errorMessage(speaker(c), e, tenant.domains);
    flash(c, {
      ...(field ? { errors: { [field]: message } } : { banner: { kind: "error", message } }),
      values,
    });
  };

  /** Runs a challenge call; an `MfaError` becomes a message on the page. */
  const attempt = async (c: Ctx, back: string, run: () => Promise<Response>) => {
    try {
      return await run();
    } catch (e) {
      refusal(c, e);
      return go(c, back);
    }
  };

  const failed = (c: Ctx, failure: Parameters<typeof challengeMessage>[1]) =>
    challengeMessage(speaker(c), failure, COOLDOWN_SECONDS);

  app.post("/challenge/start", async (c) => {
    const userId = challengeUser(c);
    if (!userId) return go(c, "/");
    const form = await formOf(c);
    const method = form.method === "office-phone" ? "office-phone" : "authentication-phone";
    return attempt(c, "/challenge", async () => {
      const started = await mfa.challenge.start({
        userId,
        method,
        delivery: form.delivery === "voice" ? "voice" : "sms",
        ...ipPart(c),
      });
      if (!started.ok) {
        flash(c, { banner: { kind: "error", message: failed(c, started) } });
        return go(c, "/challenge");
      }
      update(c, {
        challenge: {
          id: started.challengeId,
          method,
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
    const again = await mfa.challenge.resend({ userId, challengeId: pending.id, ...ipPart(c) });
    if (!again.ok) {
      flash(c, { banner: { kind: "error", message: failed(c, again) } });
      if (again.reason === "not_found") update(c, { challenge: null });
    } else {
      update(c, { challenge: { ...pending, sentAt: now() } });
      flash(c, { banner: { kind: "success", message: c.get("ui").t.newCodeSent } });
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
        ...cookieFlags,
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
      flash(c, { errors: { code: failed(c, result) } });
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
      flash(c, { errors: { code: failed(c, result) } });
      return go(c, "/challenge?method=app");
    });
  });

  // A passkey (WebAuthn): the options go into the page, the browser's answer comes back as JSON.
  app.post("/challenge/passkey", async (c) => {
    const userId = challengeUser(c);
    if (!userId) return go(c, "/challenge");
    return attempt(c, "/challenge", async () => {
      const started = await mfa.challenge.beginPasskey({ userId });
      return c.html(
        passkeyChallengePage({
          ui: c.get("ui"),
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
      flash(c, { banner: { kind: "error", message: failed(c, result) } });
      return go(c, "/challenge");
    });
  });

  // The one-field pages that stand in for the usual factor: a recovery code, a pass.
  const oneField = [
    ["/challenge/recovery-code", recoveryCodeChallenge],
    ["/challenge/pass", passChallenge],
  ] as const;
  for (const [path, spec] of oneField) {
    app.get(path, async (c) => {
      if (!challengeUser(c)) return go(c, "/challenge");
      const f = takeFlash(c);
      const ui = c.get("ui");
      return c.html(
        oneFieldChallengePage(
          { ui, user: await displayName(c), banner: f.banner ?? null, errors: f.errors ?? {} },
          path,
          spec(ui.t),
        ),
      );
    });
  }

  app.post("/challenge/recovery-code", async (c) => {
    const userId = challengeUser(c);
    if (!userId) return go(c, "/challenge");
    const form = await formOf(c);
    return attempt(c, "/challenge/recovery-code", async () => {
      const result = await mfa.challenge.verifyRecoveryCode({
        userId,
        code: form.code ?? "",
        ...ipPart(c),
      });
      if (result.ok && result.method === "recovery-code") {
        // The SDK says when few are left: tell the user where to get new ones.
        if (result.fewLeft) {
          const message = fill(c.get("ui").t.recoveryCodesFew, { remaining: result.remaining });
          flash(c, { banner: { kind: "notice", message } });
        }
        return passed(c, result);
      }
      if (!result.ok) flash(c, { errors: { code: failed(c, result) } });
      return go(c, "/challenge/recovery-code");
    });
  });

  // ------------------------------------------------------------ Temporary Access Pass

  // A pass stands in for the lost second factor and counts as the step-up; the state carries
  // its `via`, so the SDK lets it register methods and nothing else. Straight into the wizard.
  app.post("/challenge/pass", async (c) => {
    const userId = challengeUser(c);
    if (!userId) return go(c, "/challenge");
    const form = await formOf(c);
    return attempt(c, "/challenge/pass", async () => {
      const result = await mfa.challenge.verifyTemporaryAccessPass({
        userId,
        pass: form.pass ?? "",
        ...ipPart(c),
      });
      if (!result.ok) {
        const { t, locale } = c.get("ui");
        flash(c, { errors: { pass: passMessage(t, result, (s) => duration(locale, s)) } });
        return go(c, "/challenge/pass");
      }
      update(c, { mfaAt: now(), passAt: now(), challenge: null, via: result.via });
      return changeIn(
        c,
        await mfa.securityInfo.add(sdkSession(c), "authentication-phone", {
          locale: c.get("ui").locale,
        }),
        "authentication-phone",
      );
    });
  });

  if (o.helpDesk) {
    const desk = o.helpDesk;
    const helpDesk = (c: Ctx, f: Flash, issued: Parameters<typeof helpDeskPage>[0]["issued"]) =>
      c.html(
        helpDeskPage({
          ui: c.get("ui"),
          banner: f.banner ?? null,
          errors: f.errors ?? {},
          users: desk.users(),
          issued,
        }),
      );
    const allowed = async (c: Ctx, next: () => Promise<void>) => {
      if (!(await desk.allow(c.req.raw))) return c.notFound();
      await next();
    };
    app.use("/help-desk/*", allowed);
    app.get("/help-desk/temporary-access-pass", (c) => helpDesk(c, takeFlash(c), null));
    app.post("/help-desk/temporary-access-pass", async (c) => {
      const form = await formOf(c);
      const userId = form.userId ?? "";
      if (!desk.users().some((u) => u.id === userId))
        return go(c, "/help-desk/temporary-access-pass");
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
        return helpDesk(
          c,
          { errors: { lifetimeMinutes: errorMessage(speaker(c), e).message } },
          null,
        );
      }
    });
  }

  // ------------------------------------------------------------ enrolment wizard

  /** Each password-reset method of the policy with what is registered for it. */
  const recoveryStatus = async (c: Ctx): Promise<RecoveryMethodStatus[]> => {
    let factors: ReadonlyArray<{ kind: FactorKind; display: string }> = [];
    try {
      factors = (await mfa.securityInfo.list(sdkSession(c))).factors;
    } catch (e) {
      // A pass session may only register: list what the view offers, without statuses.
      if (!isMfaError(e)) throw e;
      return [];
    }
    const kindOf = {
      email: "recovery-email",
      phone: "recovery-phone",
      "authenticator-app": "authenticator-app",
    } as const;
    return mfa.policy.recovery.methods.map((method) => ({
      method,
      display: factors.find((f) => f.kind === kindOf[method])?.display ?? null,
    }));
  };

  /** Whether the scoped change in progress has already bound its method. */
  const changeBound = async (c: Ctx) => {
    const from = data(c).changeFrom;
    if (data(c).enrolMode !== "add" || from === null) return false;
    try {
      return fingerprint((await mfa.securityInfo.list(sdkSession(c))).factors) !== from;
    } catch (e) {
      if (!isMfaError(e)) throw e;
      return false;
    }
  };

  const enrolmentContext = async (
    c: Ctx,
    view: EnrolmentView,
    f: Flash,
  ): Promise<EnrolmentPageContext> => {
    const s = data(c);
    return {
      ui: c.get("ui"),
      user: await displayName(c),
      banner: f.banner ?? null,
      errors: f.errors ?? {},
      values: f.values ?? {},
      tenantName: tenant.name,
      mode: s.enrolMode,
      fullNumber:
        view.step === "verify-code" && s.fullNumber?.masked === view.destination
          ? s.fullNumber.international
          : null,
      section: s.section,
      recoveryStatus: view.step === "recovery-method" ? await recoveryStatus(c) : [],
      changeBound: s.enrolMode === "add" ? await changeBound(c) : false,
    };
  };

  /** The current view: the state's enrolment, or a new one. */
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
    const userId = (c.get("user") as MfaWebSession).userId;
    const view = await mfa.enrolment.start({
      ...sdkSession(c),
      locale: c.get("ui").locale,
      appSteps: o.appSteps ? [...(await o.appSteps.forUser(userId))] : [],
    });
    update(c, { enrolmentId: view.id, section: "mfa", fullNumber: null });
    return view;
  };

  /** Leaves a Security info change for its page, with `banner` if there is news. */
  const backToSecurityInfo = (c: Ctx, banner: Banner | null) => {
    update(c, { enrolmentId: null, enrolMode: "register", changeFrom: null });
    if (banner) flash(c, { banner });
    return go(c, "/security-info");
  };

  /** An SDK refusal of a wizard page, as the page to show next. */
  const enrolmentRefused = (c: Ctx, e: unknown, form: FormFields = {}) => {
    if (!isMfaError(e)) throw e;
    if (e.code === "reauthentication_required") return reauthenticate(c, "/enrol");
    if (e.code === "enrolment_not_found") {
      const banner: Banner = { kind: "notice", message: errorMessage(speaker(c), e).message };
      if (data(c).enrolMode === "add") return backToSecurityInfo(c, banner);
      update(c, { enrolmentId: null });
      flash(c, { banner });
      return go(c, "/enrol");
    }
    refusal(c, e, echoValues(form));
    return go(c, "/enrol");
  };

  /**
   * A Security info change (add or replace) is an enrolment the SDK scoped to one method: once
   * the method is bound it stands at `finish`, which is answered here, and the user is back on
   * Security info; a cancelled one goes back too, saying whether the method stays.
   */
  const endOfChange = async (
    c: Ctx,
    view: EnrolmentView,
    kept: boolean,
  ): Promise<Response | null> => {
    if (data(c).enrolMode !== "add") return null;
    const { t } = c.get("ui");
    if (view.step === "cancelled")
      return backToSecurityInfo(c, kept ? { kind: "notice", message: t.changeKept } : null);
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
    return backToSecurityInfo(c, { kind: "success", message: t.saved });
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
    const ended = await endOfChange(c, view, false);
    if (ended) return ended;
    // A finished or postponed enrolment is shown once; the next visit starts afresh.
    if (view.step === "done" || view.step === "cancelled") update(c, { enrolmentId: null });
    return c.html(enrolmentPage(view, await enrolmentContext(c, view, takeFlash(c))));
  });

  // What the wizard's code page polls: the delivery's sentence, in the page's language.
  app.get("/enrol/delivery", async (c) => {
    const s = data(c);
    if (!c.get("user") || !s.enrolmentId) return c.json({ delivery: null });
    const view = await mfa.enrolment.get(s.enrolmentId, sdkSession(c)).catch((e: unknown) => {
      if (isMfaError(e)) return null; // gone or not this user's: nothing to say
      throw e;
    });
    const news =
      view?.step === "verify-code"
        ? deliveryNews(c.get("ui").t, view.delivery, view.channel)
        : null;
    return c.json({ delivery: news });
  });

  /** Code notices belong to the code field; the rest go in the banner. */
  const noticeFlash = (c: Ctx, view: EnrolmentView, form: FormFields): Flash => {
    if (!view.notice) {
      // A resend that went through is confirmed: the button alone would say nothing.
      return form.action === "resend" && view.step === "verify-code"
        ? { banner: { kind: "success", message: c.get("ui").t.newCodeSent } }
        : {};
    }
    const { kind, message } = noticeMessage(speaker(c), view.notice);
    const onCode =
      (view.step === "verify-code" || view.step === "authenticator-setup") &&
      CODE_NOTICES.has(view.notice.code);
    return onCode ? { errors: { code: message } } : { banner: { kind, message } };
  };

  /** The number the user typed, in full, for the code page; `null` when it does not parse. */
  const typedNumber = (form: FormFields): PageStateData["fullNumber"] => {
    const number = form.number?.trim();
    if (!number) return null;
    try {
      const country = form.country?.trim() || undefined;
      const parsed = parsePhone({
        number,
        ...(country ? { country } : {}),
        use:
          form.method === "office-phone" ? "office" : form.delivery === "voice" ? "voice" : "sms",
        ...(form.extension?.trim() ? { extension: form.extension.trim() } : {}),
      });
      return { masked: parsed.masked, international: parsed.international };
    } catch {
      return null; // the engine says what is wrong with it
    }
  };

  /** Which section a submitted step's code page belongs to. */
  const sectionOf = (step: string | undefined, current: PageStateData["section"]) =>
    step?.startsWith("recovery-")
      ? "reset"
      : step === "mfa-method" || step === "intro"
        ? "mfa"
        : current;

  app.post("/enrol", async (c) => {
    const blocked = await gate(c, false);
    if (blocked) return blocked;
    const s = data(c);
    const userId = (c.get("user") as MfaWebSession).userId;
    if (!s.enrolmentId) return go(c, "/enrol");
    const form = await formOf(c);
    const { t } = c.get("ui");
    const navigating = form.action === "back" || form.action === "cancel";

    // A phone number is read against a country: one the user chose, or the "+" code they typed.
    // None is assumed, so "(201) 555-0123" is not called in the wrong country.
    const phoneMethod = form.method !== "authenticator-app" && form.method !== "passkey";
    if (form.step === "mfa-method" && !navigating && phoneMethod) {
      const number = form.number?.trim() ?? "";
      if (number && !form.country?.trim() && !/^(\+|00|tel:)/i.test(number)) {
        flash(c, { errors: { country: t.countryRequired }, values: echoValues(form) });
        return go(c, "/enrol");
      }
    }

    // The app's own step (a temporary password's change), then tell the engine it is done.
    if (form.step === "app-step" && !navigating && o.appSteps) {
      const answered = await o.appSteps.submit({ userId, stepId: form.stepId ?? "", fields: form });
      if (!answered.ok) {
        flash(c, { errors: { [answered.field]: answered.message } });
        return go(c, "/enrol");
      }
    }

    const kept = form.action === "cancel" ? await changeBound(c) : false;
    let view: EnrolmentView;
    try {
      view = await mfa.enrolment.submit(s.enrolmentId, enrolmentInput(form), sdkSession(c));
    } catch (e) {
      return enrolmentRefused(c, e, form);
    }
    const typed =
      form.step === "mfa-method" || form.step === "recovery-phone" ? typedNumber(form) : null;
    update(c, {
      section: sectionOf(form.step, s.section),
      ...(typed ? { fullNumber: typed } : {}),
    });

    // Whoever just proved a new factor here has passed a second factor in this sign-in.
    if (!s.mfaAt && (await holdsSignInMethod(c))) update(c, { mfaAt: now() });
    const ended = await endOfChange(c, view, kept);
    if (ended) return ended;
    const f = noticeFlash(c, view, form);
    if (carriesSecret(view)) {
      // Shown once: rendered in this answer, kept nowhere (APP-01, TOTP-06).
      return c.html(enrolmentPage(view, await enrolmentContext(c, view, f)));
    }
    flash(c, f);
    return go(c, "/enrol");
  });

  // ------------------------------------------------------------ security info
  //
  // Every rule is the SDK's (`mfa.securityInfo`): the step-up (BIND-01), the notice (BIND-02),
  // "not your last sign-in method", what may be added. The pages only show what it answers.

  const securityInfo = async (
    c: Ctx,
    f: Flash,
    newAppPassword: { name: string; password: string } | null = null,
    newRecoveryCodes: readonly string[] | null = null,
  ) =>
    c.html(
      securityInfoPage({
        ui: c.get("ui"),
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
      if (isMfaError(e, "reauthentication_required")) return reauthenticate(c, "/security-info");
      refusal(c, e);
      return go(c, "/security-info");
    }
  };

  /** Continues in the wizard's pages with the enrolment the SDK scoped to one method. */
  const changeIn = async (c: Ctx, view: EnrolmentView, kind: FactorKind | undefined) => {
    const from = fingerprint(
      (await mfa.securityInfo.list(sdkSession(c)).catch(() => ({ factors: [] }))).factors,
    );
    update(c, {
      enrolmentId: view.id,
      enrolMode: "add",
      changeFrom: from,
      section: kind?.startsWith("recovery-") ? "reset" : "mfa",
      fullNumber: null,
    });
    return go(c, "/enrol");
  };

  const sayBanner = (c: Ctx, ok: boolean, done: string, already: string) => {
    flash(c, {
      banner: ok ? { kind: "success", message: done } : { kind: "notice", message: already },
    });
    return go(c, "/security-info");
  };

  app.post("/security-info/add", (c) =>
    change(c, async (session, form) => {
      const kind = form.kind as FactorKind;
      // The SDK refuses a kind its policy does not offer.
      return changeIn(
        c,
        await mfa.securityInfo.add(session, kind, { locale: c.get("ui").locale }),
        kind,
      );
    }),
  );

  app.post("/security-info/replace", (c) =>
    change(c, async (session, form) => {
      const id = form.id ?? "";
      const kind = (await mfa.securityInfo.list(session)).factors.find((f) => f.id === id)?.kind;
      return changeIn(
        c,
        await mfa.securityInfo.replace(session, id, { locale: c.get("ui").locale }),
        kind,
      );
    }),
  );

  app.post("/security-info/remove", (c) =>
    change(c, async (session, form) => {
      const { t } = c.get("ui");
      return sayBanner(
        c,
        await mfa.securityInfo.remove(session, form.id ?? ""),
        t.removed,
        t.alreadyRemoved,
      );
    }),
  );

  app.post("/security-info/prefer", (c) =>
    change(c, async (session, form) => {
      await mfa.securityInfo.setPreferred(session, form.id ?? "");
      return sayBanner(c, true, c.get("ui").t.defaultSaved, "");
    }),
  );

  app.post("/security-info/rename", (c) =>
    change(c, async (session, form) => {
      await mfa.securityInfo.rename(session, form.id ?? "", form.name ?? "");
      return sayBanner(c, true, c.get("ui").t.nameSaved, "");
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
      const { t } = c.get("ui");
      const revoked = await mfa.securityInfo.appPasswords.revoke(session, form.id ?? "");
      return sayBanner(c, revoked, t.appPasswordRevoked, t.appPasswordAlreadyRevoked);
    }),
  );

  app.post("/security-info/devices/revoke", (c) =>
    change(c, async (session, form) => {
      const { t } = c.get("ui");
      const all = form.id === "all";
      const revoked = all
        ? (await mfa.securityInfo.devices.revokeAll(session)) > 0
        : await mfa.securityInfo.devices.revoke(session, form.id ?? "");
      return sayBanner(
        c,
        revoked,
        all ? t.devicesForgotten : t.deviceForgotten,
        t.deviceAlreadyForgotten,
      );
    }),
  );

  // ------------------------------------------------------------ "this wasn't me"

  // The notice's link. A GET changes nothing (mail scanners follow links): it shows a confirm
  // button whose POST carries the token in its body. No sign-in: the link is the proof. The
  // token is in this one URL because a notice can carry nothing else; the page's
  // `Referrer-Policy: same-origin` keeps it from leaving the site.
  app.get("/revert/:token", (c) =>
    c.html(revertConfirmPage(c.get("ui"), c.req.param("token").slice(0, 2048))),
  );

  app.post("/revert", async (c) => {
    const token = (await formOf(c)).token ?? "";
    const signIn = o.signInUrl(`${base}/`, "sign-in");
    try {
      return c.html(
        revertResultPage(
          c.get("ui"),
          { ok: true, outcome: await mfa.revertChange({ token }) },
          signIn,
        ),
      );
    } catch (e) {
      // A used, expired or altered link is an expected answer, not an error to log.
      if (!isMfaError(e, "revert_link_invalid") && !isMfaError(e, "invalid_input")) throw e;
      return c.html(revertResultPage(c.get("ui"), { ok: false }, signIn), 400);
    }
  });

  // ------------------------------------------------------------ development outbox

  const outbox = o.outbox;
  if (outbox) {
    // Every code sent, readable by whoever reaches it: only with `development` on.
    app.get("/outbox.json", (c) => c.json({ messages: outbox.messages() }));
    app.get("/outbox", async (c) => {
      const { renderInboxPage } = await import("@mfakit/dev-outbox");
      return c.html(renderInboxPage(outbox.messages(), `${base}/outbox.json`));
    });
  }

  // ------------------------------------------------------------ errors

  /** The app's check for its own pages (see {@link MfaWeb.gate}). */
  const appGate = async (request: Request): Promise<Response | null> => {
    const url = new URL(request.url);
    const returnTo = localPath(`${url.pathname}${url.search}`) ?? "/";
    const redirect = (location: string) =>
      new Response(null, { status: 303, headers: { location } });
    const user = await o.session.get(request);
    if (!user) return redirect(o.signInUrl(returnTo, "sign-in"));
    const cookie = /(?:^|;\s*)mfakit_web=([^;]+)/.exec(request.headers.get("cookie") ?? "")?.[1];
    const state = await states.load(cookie);
    const bound = state?.data.userId === user.userId && state.data.sessionId === user.sessionId;
    if (bound && state?.data.mfaAt) return null;
    const session: SdkSession = { userId: user.userId, authenticatedAt: user.authenticatedAt };
    const holds = (await mfa.securityInfo.list(session)).factors.some((f) => f.role === "mfa");
    if (!holds && (await mfa.required(user.userId)).status !== "required") return null;
    return redirect(`${base}/?next=${encodeURIComponent(returnTo)}`);
  };

  /** A provider's receipt webhook: its own signature check, none of the pages' machinery. */
  const webhookOf = (request: Request) => {
    const path = new URL(request.url).pathname;
    const prefix = `${base}/webhooks/`;
    return path.startsWith(prefix) ? o.webhooks.get(path.slice(prefix.length)) : undefined;
  };

  return Object.freeze({
    fetch: (request: Request, context?: { readonly ip?: string }) => {
      const webhook = webhookOf(request);
      if (webhook) return webhook(request);
      return Promise.resolve(root.fetch(request, context?.ip ? { ip: context.ip } : {}));
    },
    gate: appGate,
    basePath: base,
  });
}
