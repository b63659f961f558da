/**
 * The options of {@link createMfaWeb}, checked once at construction (all gaps in one error),
 * with every default applied in one place.
 *
 * @module
 */

import { type Clock, type Mfa, MfaError, type PassSession, type Store } from "@mfakit/core";
import { systemClock } from "@mfakit/core/adapter";
import type { OutboxEntry } from "@mfakit/dev-outbox";
import { THEME_DEFAULTS, type ThemeProperty } from "./assets/stylesheet.js";
import {
  type Catalogue,
  createCatalogue,
  type MessageOverrides,
  type Messages,
} from "./messages/catalogue.js";

/** Who is signed in, as the app's own session says. */
export interface MfaWebSession {
  /** The signed-in user (the id the SDK knows them by). */
  readonly userId: string;
  /** When the user last proved their password (epoch ms): the SDK's step-up clock (BIND-01). */
  readonly authenticatedAt: number;
  /**
   * An id of this sign-in: the same across a step-up (the password asked again), new at every
   * sign-in. A second factor proven by the pages counts for this sign-in only, so a sign-out and
   * a new sign-in ask for it again. The app's session id works when a step-up keeps it.
   */
  readonly sessionId: string;
  /** Set when the app itself opened the session with a Temporary Access Pass. */
  readonly via?: PassSession | null;
}

/** How the pages learn who is signed in, and sign them out. */
export interface MfaWebSessionSource {
  /** The signed-in user of `request`, or `null` (then the pages send them to sign in). */
  get(request: Request): MfaWebSession | null | Promise<MfaWebSession | null>;
  /**
   * Signs the user out (the header's "Sign out" button, after the pages' CSRF check): forget the
   * app's session and return the headers that clear its cookie, if any. Without it the header
   * offers no "Sign out".
   */
  signOut?(request: Request): HeadersInit | undefined | Promise<HeadersInit | undefined>;
}

/** Steps of the app's own in the wizard (`mfa.enrolment.start`'s `appSteps`). */
export interface MfaWebAppSteps {
  /** The app's steps for this user, e.g. `["change-password"]` for a temporary password. */
  forUser(userId: string): readonly string[] | Promise<readonly string[]>;
  /**
   * Answers a step's form before the engine is told it is done. `change-password` gets the
   * built-in form (fields `current`, `password`, `confirm`); other steps a Continue button.
   * A refusal is shown on the field it names, in the words given.
   */
  submit(input: {
    readonly userId: string;
    readonly stepId: string;
    readonly fields: Readonly<Record<string, string>>;
  }): Promise<
    { readonly ok: true } | { readonly ok: false; readonly field: string; readonly message: string }
  >;
}

/** The help desk's Temporary Access Pass page, behind the app's own admin check. */
export interface MfaWebHelpDesk {
  /** Whether `request` comes from someone allowed to issue passes (else 404). */
  allow(request: Request): boolean | Promise<boolean>;
  /** The users to choose from. */
  users(): ReadonlyArray<{ readonly id: string; readonly displayName: string }>;
}

/** What the development outbox page needs (a `DevOutbox` is one): the messages, newest first. */
export interface MfaWebOutbox {
  messages(): readonly OutboxEntry[];
}

/**
 * What the user pages ({@link createMfaWeb}) and the admin area (`createMfaAdmin`) both take:
 * the SDK, where state lives, the mount, the looks, the languages, the limits.
 */
export interface MfaPagesOptions {
  /** The SDK: it holds every security rule; the pages only show its answers. */
  readonly mfa: Mfa;
  /** Where the pages keep their per-browser state (the SDK's Store serves). */
  readonly store: Store;
  /** Where the pages are mounted, e.g. `/mfa`; `""` for the root. @default "" */
  readonly basePath?: string;
  /**
   * The header's name and logo (same-origin URL, CSP).
   * @default { name: tenant.name } (the user pages), { name: "MFA" } (the admin area)
   */
  readonly brand?: { readonly name?: string; readonly logoUrl?: string };
  /** Values for the stylesheet's custom properties (`{ accent: "#6b21a8" }` → `--mfa-accent`). */
  readonly theme?: Partial<Readonly<Record<ThemeProperty, string>>>;
  /** More stylesheets (same-origin URLs), loaded after the pages' own. @default [] */
  readonly stylesheets?: readonly string[];
  /** The languages offered. @default ["en", "de", "fr", "es"] */
  readonly locales?: readonly string[];
  /** The app's words, by language: `{ en: { introTitle: "Protect your account" } }`. */
  readonly messages?: Readonly<Record<string, MessageOverrides>>;
  /** Whole catalogues for more languages. */
  readonly extraLocales?: Readonly<Record<string, Messages>>;
  /**
   * The user's language preferences, best first. @default from `Accept-Language`
   */
  readonly locale?: (request: Request) => readonly string[] | Promise<readonly string[]>;
  /**
   * Cookie flags. `secure` sets the `Secure` attribute on the pages' cookies: keep it on (the
   * default) wherever the app is served over https. Browsers accept Secure cookies from
   * `http://localhost` too, but not from plain http on any other name (a Docker host, an intranet
   * name): there every form would be refused, and the refusal page says why.
   */
  readonly cookies?: { readonly secure?: boolean };
  /** How long an idle page state lives. @default 28800 (8 hours) */
  readonly stateTtlSeconds?: number;
  /** The longest request body accepted; a longer one gets 413. @default 16384 */
  readonly maxBodyBytes?: number;
  /** The clock (tests move it). @default systemClock */
  readonly clock?: Clock;
  /** The client's IP, for the SDK's per-IP limits (RATE-06). @default the adapter's `ip` */
  readonly clientIp?: (request: Request) => string | undefined;
  /** Where unexpected errors are reported (name and code only, never a secret). @default console.error */
  readonly log?: (line: string) => void;
}

/** Options of {@link createMfaWeb}. */
export interface MfaWebOptions extends MfaPagesOptions {
  /** The organisation: its name (headings, texts) and own domains (the recovery-email refusal). */
  readonly tenant: { readonly name: string; readonly domains: readonly string[] };
  /** The app's session: who is signed in. */
  readonly session: MfaWebSessionSource;
  /**
   * The app's sign-in page for a user who is not signed in (`reason: "sign-in"`) or whose
   * sign-in is too old for a change (`"reauthenticate"`); after it, send the user to `returnTo`.
   * @default (returnTo, reason) => `/sign-in?next=${encodeURIComponent(returnTo)}` (+ `&reason=reauthenticate`)
   */
  readonly signInUrl?: (returnTo: string, reason: "sign-in" | "reauthenticate") => string;
  /** Where a user goes when the pages have nothing more to ask. @default `${basePath}/security-info` */
  readonly homeUrl?: string;
  /** Where "Sign out" ends. @default "/" */
  readonly afterSignOutUrl?: string;
  /** The name shown for a user. @default the user id */
  readonly userName?: (userId: string) => string | Promise<string>;
  /** The app's own wizard steps. */
  readonly appSteps?: MfaWebAppSteps;
  /** The help desk's Temporary Access Pass page (`/help-desk/temporary-access-pass`). */
  readonly helpDesk?: MfaWebHelpDesk;
  /** The development outbox, served at `/outbox` and `/outbox.json` when `development` is on. */
  readonly devOutbox?: MfaWebOutbox | null;
  /**
   * The providers' delivery-receipt webhooks, served at `${basePath}/webhooks/<name>`, e.g.
   * `{ twilio: twilioStatusWebhook({ authToken, delivery: mfa.delivery }) }`. Each handler checks
   * its provider's signature itself; the pages' session, state cookie and CSRF check do not apply
   * (a provider has none). Names: 1–32 of `a-z`, `0-9`, `-`.
   */
  readonly webhooks?: Readonly<Record<string, (request: Request) => Promise<Response>>>;
  /**
   * Serve the development outbox page. It shows every code: never in production.
   * @default process.env.NODE_ENV !== "production"
   */
  readonly development?: boolean;
}

/** The shared options with every default applied. */
export interface ResolvedPageOptions {
  readonly mfa: Mfa;
  readonly store: Store;
  readonly base: string;
  readonly brand: { readonly name: string; readonly logoUrl: string | null };
  /** The theme stylesheet, or `null` when no property is set. */
  readonly themeCss: string | null;
  readonly stylesheets: readonly string[];
  readonly catalogue: Catalogue;
  readonly locale: (request: Request) => readonly string[] | Promise<readonly string[]>;
  readonly secureCookies: boolean;
  readonly stateTtlSeconds: number;
  readonly maxBodyBytes: number;
  readonly clock: Clock;
  readonly clientIp: ((request: Request) => string | undefined) | null;
  readonly log: (line: string) => void;
}

/** The options with every default applied. */
export interface ResolvedOptions extends ResolvedPageOptions {
  readonly tenant: { readonly name: string; readonly domains: readonly string[] };
  readonly session: MfaWebSessionSource;
  readonly signInUrl: (returnTo: string, reason: "sign-in" | "reauthenticate") => string;
  readonly homeUrl: string;
  readonly afterSignOutUrl: string;
  readonly userName: (userId: string) => string | Promise<string>;
  readonly appSteps: MfaWebAppSteps | null;
  readonly helpDesk: MfaWebHelpDesk | null;
  readonly outbox: MfaWebOutbox | null;
  readonly webhooks: ReadonlyMap<string, (request: Request) => Promise<Response>>;
}

/** A webhook's name in its path. */
const WEBHOOK_NAME = /^[a-z0-9-]{1,32}$/;

/** A theme value that cannot end its declaration or open a rule (CSS injection). */
const SAFE_CSS_VALUE = /^[^;{}<>\\\n\r]{1,200}$/;

/** A same-origin path: one leading slash, no scheme, no `//`. */
const LOCAL_PATH = /^\/(?![/\\])[^\s]*$/;

/** `process.env.NODE_ENV`, where there is a `process` (not in every runtime). */
function nodeEnv(): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    ?.NODE_ENV;
}

/** Collects the gaps of a configuration, to report them all in one error. */
export interface Gaps {
  /** Records `gap` unless `ok`. */
  need(ok: unknown, gap: string): void;
  /** Throws `config_invalid` naming every gap (`data.fields`), if there is any. */
  check(): void;
}

/** A {@link Gaps} for the factory `name` (the error's first word). */
export function gapsOf(name: string): Gaps {
  const gaps: string[] = [];
  return {
    need(ok, gap) {
      if (!ok) gaps.push(gap);
    },
    check() {
      if (!gaps.length) return;
      throw new MfaError("config_invalid", {
        message: `${name}: ${gaps.join("; ")}.`,
        data: { fields: gaps.map((g) => g.split(/[:. ]/)[0]).join(",") },
      });
    },
  };
}

/**
 * Checks and completes the options both handlers share; gaps go to `gaps` (checked by the
 * caller, with its own).
 */
export function resolvePageOptions(
  o: MfaPagesOptions,
  gaps: Gaps,
  defaultBrandName: string,
  acceptLanguage: (request: Request) => readonly string[],
): ResolvedPageOptions {
  const { need } = gaps;
  need(o?.mfa?.enrolment && o.mfa.securityInfo, "mfa: the Mfa from createMfa is required");
  need(o?.store && typeof o.store.get === "function", "store: a Store is required");
  const base = (o?.basePath ?? "").replace(/\/+$/, "");
  need(base === "" || LOCAL_PATH.test(base), 'basePath: "" or a path such as "/mfa"');
  for (const [name, value] of Object.entries(o?.theme ?? {}))
    need(
      name in THEME_DEFAULTS && typeof value === "string" && SAFE_CSS_VALUE.test(value),
      `theme.${name}: a known property with a plain CSS value (no ; { } < > \\)`,
    );
  for (const href of [...(o?.stylesheets ?? []), ...(o?.brand?.logoUrl ? [o.brand.logoUrl] : [])])
    need(LOCAL_PATH.test(href), `${href}: stylesheets and the logo are same-origin paths (CSP)`);
  const catalogue = createCatalogue({
    ...(o?.locales ? { locales: o.locales } : {}),
    ...(o?.extraLocales ? { extra: o.extraLocales } : {}),
    ...(o?.messages ? { overrides: o.messages } : {}),
  });
  need(catalogue.locales.length > 0, "locales: at least one language with a catalogue");
  const maxBodyBytes = o?.maxBodyBytes ?? 16 * 1024;
  need(Number.isInteger(maxBodyBytes) && maxBodyBytes >= 1024, "maxBodyBytes: an integer ≥ 1024");
  const stateTtlSeconds = o?.stateTtlSeconds ?? 8 * 3600;
  need(
    Number.isInteger(stateTtlSeconds) && stateTtlSeconds >= 60,
    "stateTtlSeconds: an integer ≥ 60",
  );
  const theme = Object.entries(o?.theme ?? {});
  return {
    mfa: o?.mfa,
    store: o?.store,
    base,
    brand: { name: o?.brand?.name ?? defaultBrandName, logoUrl: o?.brand?.logoUrl ?? null },
    themeCss: theme.length
      ? `:root {\n${theme.map(([k, v]) => `  --mfa-${k}: ${v};`).join("\n")}\n}\n`
      : null,
    stylesheets: [...(theme.length ? [`${base}/static/theme.css`] : []), ...(o?.stylesheets ?? [])],
    catalogue,
    locale: o?.locale ?? acceptLanguage,
    secureCookies: o?.cookies?.secure ?? true,
    stateTtlSeconds,
    maxBodyBytes,
    clock: o?.clock ?? systemClock,
    clientIp: o?.clientIp ?? null,
    log: o?.log ?? ((line) => console.error(line)),
  };
}

/**
 * Checks and completes the options.
 *
 * @throws MfaError `config_invalid` naming every gap (`data.fields`, comma-separated).
 */
export function resolveOptions(
  o: MfaWebOptions,
  acceptLanguage: (request: Request) => readonly string[],
): ResolvedOptions {
  const gaps = gapsOf("createMfaWeb");
  const { need } = gaps;
  const shared = resolvePageOptions(o, gaps, o?.tenant?.name ?? "", acceptLanguage);
  need(
    o?.tenant && typeof o.tenant.name === "string" && Array.isArray(o.tenant.domains),
    "tenant: { name, domains } is required",
  );
  need(o?.session && typeof o.session.get === "function", "session.get(request) is required");
  const webhooks = Object.entries(o?.webhooks ?? {});
  for (const [name, handler] of webhooks)
    need(
      WEBHOOK_NAME.test(name) && typeof handler === "function",
      `webhooks.${name.slice(0, 32)}: a name of a-z, 0-9 and - with a (request) => Response`,
    );
  gaps.check();
  const { base } = shared;
  const development = o.development ?? nodeEnv() !== "production";
  const resolved: ResolvedOptions = {
    ...shared,
    tenant: o.tenant,
    session: o.session,
    signInUrl:
      o.signInUrl ??
      ((returnTo, reason) =>
        `/sign-in?next=${encodeURIComponent(returnTo)}${reason === "reauthenticate" ? "&reason=reauthenticate" : ""}`),
    homeUrl: o.homeUrl ?? `${base}/security-info`,
    afterSignOutUrl: o.afterSignOutUrl ?? "/",
    userName: o.userName ?? ((id) => id),
    appSteps: o.appSteps ?? null,
    helpDesk: o.helpDesk ?? null,
    outbox: development ? (o.devOutbox ?? null) : null,
    webhooks: new Map(webhooks),
  };
  return Object.freeze(resolved);
}
