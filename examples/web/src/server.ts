/**
 * `startServer`: wires the SDK (see `wiring.ts`), builds the app and listens.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
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
import { createApp } from "./app.js";
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

const asset = (name: string, type: string) => ({
  type,
  body: readFileSync(new URL(`../static/${name}`, import.meta.url), "utf8"),
});

/**
 * Starts the example app.
 *
 * @example
 * ```ts
 * const server = await startServer({ port: 0 });
 * console.log(server.url); // http://127.0.0.1:53211
 * await server.close();
 * ```
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 3000;
  const clock = options.clock ?? systemClock;
  const verbose = options.verbose ?? true;
  const log = options.log ?? ((line: string) => console.log(line));
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
    revert: { url: (token) => `${origin}/revert/${token}` },
  });

  const users = userDirectory(wiring.store);
  await users.seed(DEMO_ACCOUNTS);

  const app = createApp({
    mfa,
    users,
    sessions: sessionStore(wiring.store),
    clock,
    tenant: DEMO_TENANT,
    demoAccounts: DEMO_ACCOUNTS,
    assets: {
      "/static/app.css": asset("app.css", "text/css; charset=utf-8"),
      "/static/countdown.js": asset("countdown.js", "text/javascript; charset=utf-8"),
      "/static/passkey.js": asset("passkey.js", "text/javascript; charset=utf-8"),
    },
    secureCookies: options.secureCookies ?? true,
    // Like the outbox: anyone who reaches it can issue passes, so loopback only.
    helpDesk: LOOPBACK.has(host),
    log,
  });

  // The inbox shows live codes: serve it on loopback only, unless explicitly allowed.
  const warnings = [...wiring.warnings];
  const inbox =
    wiring.outbox && (LOOPBACK.has(host) || env.MFAKIT_OUTBOX_ALLOW_REMOTE === "1")
      ? wiring.outbox.outboxHandler()
      : null;
  if (wiring.outbox && !inbox)
    warnings.push(
      `The /outbox page is off because ${host} is not a loopback address (set MFAKIT_OUTBOX_ALLOW_REMOTE=1 to serve it anyway).`,
    );
  const listener = getRequestListener(app.fetch);
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (inbox && (path === "/outbox" || path.startsWith("/outbox/") || path === "/outbox.json"))
      return inbox(req, res);
    return listener(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  if (!env.MFAKIT_PUBLIC_URL) origin = `http://${shownHost}:${address.port}`;

  return {
    url: `http://${shownHost}:${address.port}`,
    mfa,
    outbox: wiring.outbox,
    dataDir: wiring.dataDir,
    summary: wiring.summary,
    warnings,
    demoAccounts: DEMO_ACCOUNTS,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await wiring.close();
    },
  };
}
