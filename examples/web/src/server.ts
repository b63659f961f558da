/**
 * `createDemo`: wires the SDK (see `wiring.ts`), the MFA pages (`@mfakit/web`) and the app's own
 * sign-in; `serve` listens with any Node handler; `startServer` does both on Hono's Node server.
 *
 * @module
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import {
  type Clock,
  createMfa,
  type EventSink,
  type Mfa,
  type PolicyInput,
  seedPolicy,
  type WebAuthnOptions,
} from "@mfakit/core";
import { systemClock } from "@mfakit/core/adapter";
import type { DevOutbox } from "@mfakit/dev-outbox";
import { createMfaAdmin, createMfaWeb, type MfaAdmin, type MfaWeb } from "@mfakit/web";
import type { Hono } from "hono";
import { createApp, SESSION_COOKIE } from "./app.js";
import { sessionStore } from "./sessions.js";
import { DEMO_ACCOUNTS, type DemoAccount, userDirectory } from "./users.js";
import { type Env, wire } from "./wiring.js";

/** How long "don't ask again on this device" lasts in the demo. */
const REMEMBER_DEVICE_DAYS = 30;

/** The organisation of the demo: its name (TOTP issuer, message sender) and its own domains. */
export const DEMO_TENANT = Object.freeze({
  name: "Contoso",
  domains: ["contoso.com", "contoso.onmicrosoft.com"],
});

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Port to listen on; 0 picks a free one. @default 3000 */
  readonly port?: number;
  /** Interface to listen on. @default "127.0.0.1" */
  readonly host?: string;
  /** The environment to wire from (see `wiring.ts`). @default process.env */
  readonly env?: Env;
  /** The data folder (SQLite file, dev key, outbox file). @default MFAKIT_DATA_DIR or a temp folder */
  readonly dataDir?: string;
  /** The clock of the SDK, the store and the outbox; tests move it. @default systemClock */
  readonly clock?: Clock;
  /** Print outbox messages and audit events to the terminal. @default true */
  readonly verbose?: boolean;
  /**
   * Set `Secure` on the session cookie. Browsers accept Secure cookies from http://localhost
   * and http://127.0.0.1, so this stays on in development too.
   * @default true
   */
  readonly secureCookies?: boolean;
  /** Where lines are printed. @default console.log */
  readonly log?: (line: string) => void;
  /**
   * The relying party for passkeys. @default from `MFAKIT_WEBAUTHN_RP_ID` and
   * `MFAKIT_WEBAUTHN_ORIGINS` (comma-separated), else `localhost` and `http://localhost:<port>`
   * when the port is fixed (open the app at that address for passkeys); `null` turns them off.
   */
  readonly webauthn?: WebAuthnOptions | null;
  /** Shows recovery codes in the wizard, after the first sign-in method. @default false */
  readonly recoveryCodesInWizard?: boolean;
  /** Where the MFA pages are mounted. @default "" (the root, beside `/sign-in`) */
  readonly basePath?: string;
}

/** A running server. */
export interface RunningServer {
  /** e.g. `http://127.0.0.1:3000` (no trailing slash). */
  readonly url: string;
  /** The SDK instance the app uses (tests inspect it). */
  readonly mfa: Mfa;
  /** The development outbox, when it is in use. */
  readonly outbox: DevOutbox | null;
  /** The data folder. */
  readonly dataDir: string;
  /** What the wiring chose, one line each. */
  readonly summary: readonly string[];
  /** Warnings to show (a generated key). */
  readonly warnings: readonly string[];
  /** The demo accounts (id, password). */
  readonly demoAccounts: readonly DemoAccount[];
  /** Where the MFA pages are mounted (`""` or e.g. `/mfa`). */
  readonly basePath: string;
  /** Stops listening and closes the store. */
  close(): Promise<void>;
}

/** The relying party from the environment, or localhost at a fixed port; else none. */
function webauthnFrom(env: Env, port: number): WebAuthnOptions | null {
  const origins = env.MFAKIT_WEBAUTHN_ORIGINS?.split(",").map((o) => o.trim());
  if (env.MFAKIT_WEBAUTHN_RP_ID && origins)
    return { rpId: env.MFAKIT_WEBAUTHN_RP_ID, rpName: DEMO_TENANT.name, origins };
  // http://localhost is a secure context: passkeys work there without a certificate.
  return port === 0
    ? null
    : { rpId: "localhost", rpName: DEMO_TENANT.name, origins: [`http://localhost:${port}`] };
}

/** The seed's policy, with passkeys offered beside its methods when a relying party is set. */
function withPasskeys(policy: PolicyInput, webauthn: WebAuthnOptions | null): PolicyInput {
  if (!webauthn || !policy.mfa?.methods) return policy;
  return { ...policy, mfa: { ...policy.mfa, methods: [...policy.mfa.methods, "passkey"] } };
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** The demo, built and not yet listening: what any mount (Hono, Express, Fastify) serves. */
export interface Demo {
  /** The MFA pages. */
  readonly web: MfaWeb;
  /** The MFA admin area, at `/admin`, for the demo's administrators. */
  readonly admin: MfaAdmin;
  /** The whole app (sign-in + the MFA pages), Web-standard. */
  readonly app: Hono;
  readonly mfa: Mfa;
  readonly outbox: DevOutbox | null;
  readonly dataDir: string;
  readonly summary: readonly string[];
  readonly warnings: readonly string[];
  readonly host: string;
  readonly port: number;
  /** The demo accounts (id, password). */
  readonly demoAccounts: readonly DemoAccount[];
  /** Tells the demo where it listens (the notices' links point there). */
  listening(url: string): void;
  /** Closes the store. */
  close(): Promise<void>;
}

/**
 * Builds the demo: the SDK with the seed's policy, the MFA pages at `basePath`, the app's
 * sign-in. Nothing listens yet.
 */
export async function createDemo(options: StartServerOptions = {}): Promise<Demo> {
  const env = options.env ?? process.env;
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 3000;
  const clock = options.clock ?? systemClock;
  const verbose = options.verbose ?? true;
  const log = options.log ?? ((line: string) => console.log(line));
  const basePath = options.basePath ?? "";
  const wiring = await wire({
    env,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    printOutbox: verbose,
  });

  // Audit events as one short line each (they never carry a secret, LOG-01).
  const events: EventSink = {
    emit: (e) => {
      if (verbose) log(`[event] ${e.type} ${e.userId}`);
    },
  };
  // Where notices' "this wasn't me" links point: the public URL, else this server once it
  // listens (read when a link is made, so port 0 works too).
  let origin = env.MFAKIT_PUBLIC_URL ?? `http://${host}:${port || 3000}`;
  const webauthn = options.webauthn === undefined ? webauthnFrom(env, port) : options.webauthn;
  const mfa = createMfa({
    store: wiring.store,
    keyring: wiring.keyring,
    tenant: DEMO_TENANT,
    senders: wiring.senders,
    clock,
    events,
    policy: withPasskeys(
      {
        ...seedPolicy(["GB", "US", "IE", "FR", "DE", "ES", "NL"]),
        // "Don't ask again on this device": the demo offers it for 30 days.
        rememberDeviceDays: REMEMBER_DEVICE_DAYS,
        temporaryAccessPass: { enabled: true },
        // In Security info and at sign-in; in the wizard only when asked (the seed's wizard stays
        // the seed's).
        recoveryCodes: {
          enabled: true,
          offerDuringEnrolment: options.recoveryCodesInWizard ?? false,
        },
      },
      webauthn,
    ),
    ...(webauthn ? { webauthn } : {}),
    revert: { url: (token) => `${origin}${basePath}/revert/${token}` },
  });

  const users = userDirectory(wiring.store);
  await users.seed(DEMO_ACCOUNTS);
  const sessions = sessionStore(wiring.store);
  const loopback = LOOPBACK.has(host);

  // The inbox shows live codes: served on loopback only, unless explicitly allowed.
  const warnings = [...wiring.warnings];
  const serveOutbox = loopback || env.MFAKIT_OUTBOX_ALLOW_REMOTE === "1";
  if (wiring.outbox && !serveOutbox)
    warnings.push(
      `The outbox page is off because ${host} is not a loopback address (set MFAKIT_OUTBOX_ALLOW_REMOTE=1 to serve it anyway).`,
    );

  /** The app's signed-in user of `request`, from its session cookie. */
  const signedIn = async (request: Request) => {
    const id = /(?:^|;\s*)mfakit_session=([^;]+)/.exec(request.headers.get("cookie") ?? "")?.[1];
    const s = await sessions.load(id);
    if (!s?.data.userId || !s.data.signInId) return null;
    return {
      userId: s.data.userId,
      authenticatedAt: s.data.authenticatedAt ?? 0,
      sessionId: s.data.signInId,
    };
  };

  const web = createMfaWeb({
    mfa,
    store: wiring.store,
    tenant: DEMO_TENANT,
    basePath,
    clock,
    session: {
      get: signedIn,
      async signOut(request) {
        const id = /(?:^|;\s*)mfakit_session=([^;]+)/.exec(
          request.headers.get("cookie") ?? "",
        )?.[1];
        if (id) await sessions.destroy(id);
        return { "set-cookie": `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax` };
      },
    },
    signInUrl: (returnTo, reason) =>
      `/sign-in?next=${encodeURIComponent(returnTo)}${reason === "reauthenticate" ? "&reason=reauthenticate" : ""}`,
    afterSignOutUrl: "/sign-in",
    userName: async (id) => (await users.get(id))?.displayName ?? id,
    appSteps: {
      forUser: async (id) => ((await users.get(id))?.temporaryPassword ? ["change-password"] : []),
      async submit({ userId, stepId, fields }) {
        if (stepId !== "change-password") return { ok: true };
        const changed = await users.changePassword(
          userId,
          fields.current ?? "",
          fields.password ?? "",
          fields.confirm ?? "",
        );
        return changed.ok
          ? { ok: true }
          : { ok: false, field: changed.field, message: changed.message };
      },
    },
    // Like the outbox: anyone who reaches it can issue passes, so loopback only.
    helpDesk: {
      allow: () => loopback,
      users: () => DEMO_ACCOUNTS.map((a) => ({ id: a.id, displayName: a.displayName })),
    },
    cookies: { secure: options.secureCookies ?? true },
    devOutbox: serveOutbox ? wiring.outbox : null,
    development: true,
    log,
  });

  // The admin area, behind the app's own check: a demo administrator who has passed their
  // second factor in this sign-in (the pages' gate answers null).
  const admins = new Set(DEMO_ACCOUNTS.filter((a) => a.admin).map((a) => a.id));
  const admin = createMfaAdmin({
    mfa,
    store: wiring.store,
    basePath: "/admin",
    clock,
    brand: { name: DEMO_TENANT.name },
    isAdmin: async (request) => {
      const user = await signedIn(request);
      return user !== null && admins.has(user.userId) && (await web.gate(request)) === null;
    },
    users: () => DEMO_ACCOUNTS.map((a) => a.id),
    userName: async (id) => (await users.get(id))?.displayName ?? id,
    cookies: { secure: options.secureCookies ?? true },
    log,
  });

  const app = createApp({
    web,
    admin,
    users,
    sessions,
    clock,
    tenantName: DEMO_TENANT.name,
    demoAccounts: DEMO_ACCOUNTS,
    secureCookies: options.secureCookies ?? true,
  }) as unknown as Hono;

  return {
    web,
    admin,
    app,
    mfa,
    outbox: wiring.outbox,
    dataDir: wiring.dataDir,
    summary: wiring.summary,
    warnings,
    host,
    port,
    demoAccounts: DEMO_ACCOUNTS,
    listening(url) {
      if (!env.MFAKIT_PUBLIC_URL) origin = url;
    },
    close: wiring.close,
  };
}

/** A Node request handler (`node:http`, Express, Fastify's `reply.raw`). */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Listens on the demo's host and port with `listener`. */
export async function serve(demo: Demo, listener: NodeListener): Promise<RunningServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(demo.port, demo.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return runningServer(demo, `http://${shownHost}:${address.port}`, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}

/** The running demo at `url`; `stop` stops listening (the store is closed after it). */
export function runningServer(demo: Demo, url: string, stop: () => Promise<void>): RunningServer {
  demo.listening(url);
  return {
    url,
    mfa: demo.mfa,
    outbox: demo.outbox,
    dataDir: demo.dataDir,
    summary: demo.summary,
    warnings: demo.warnings,
    demoAccounts: demo.demoAccounts,
    basePath: demo.web.basePath,
    async close() {
      await stop();
      await demo.close();
    },
  };
}

/**
 * Starts the example app on Hono's Node server.
 *
 * @example
 * ```ts
 * const server = await startServer({ port: 0 });
 * console.log(server.url); // http://127.0.0.1:53211
 * await server.close();
 * ```
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const demo = await createDemo(options);
  return serve(
    demo,
    getRequestListener((request, env) =>
      demo.app.fetch(request, { ip: env.incoming.socket.remoteAddress }),
    ),
  );
}
