/**
 * What the package's HTTP tests share: a browser that keeps a handler's state cookie and reads
 * the form token, an SMS sender that answers with message ids (so delivery receipts have
 * something to name) and keeps what it sent for the test to read the codes, and a world of the
 * SDK and the user pages on a real SQLite store with a clock the test moves.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createKeyring,
  createMfa,
  type EventSink,
  type Mfa,
  type PolicyInput,
  seedPolicy,
} from "@mfakit/core";
import type { SmsMessage, SmsSender } from "@mfakit/core/adapter";
import { type DevOutbox, devOutbox } from "@mfakit/dev-outbox";
import { type SqliteStore, sqliteStore } from "@mfakit/sqlite";
import { createMfaWeb, type MfaWeb } from "../src/index.ts";

/** The origin every test request is made on. */
export const ORIGIN = "https://app.example";

/** Anything with a Web-standard `fetch`: `createMfaWeb`'s or `createMfaAdmin`'s handler. */
export interface TestHandler {
  fetch(request: Request): Promise<Response>;
}

/** A browser of one handler. */
export interface TestBrowser {
  get(path: string, init?: RequestInit): Promise<Response>;
  post(
    path: string,
    fields: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<Response>;
  /** The CSRF token of the form on the page at `path`. */
  csrf(path: string): Promise<string>;
}

/**
 * A browser: sends `headers` (standing for the app's own session cookie) with every request,
 * keeps the handler's `cookie`.
 */
export function testBrowser(
  handler: TestHandler,
  headers: Record<string, string> = {},
  cookieName = "mfakit_web",
): TestBrowser {
  let cookie = "";
  const send = async (path: string, init: RequestInit = {}) => {
    const res = await handler.fetch(
      new Request(`${ORIGIN}${path}`, {
        ...init,
        headers: {
          ...(cookie ? { cookie } : {}),
          ...headers,
          ...(init.headers as Record<string, string>),
        },
      }),
    );
    const set = res.headers.get("set-cookie");
    if (set?.startsWith(`${cookieName}=`)) cookie = set.split(";")[0] ?? "";
    return res;
  };
  return {
    get: send,
    post: (path, fields, extraHeaders = {}) =>
      send(path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...extraHeaders },
        body: new URLSearchParams(fields),
      }),
    async csrf(path) {
      return /name="_csrf" value="([^"]+)"/.exec(await (await send(path)).text())?.[1] ?? "";
    },
  };
}

/**
 * Through the wizard (under `/mfa`) to its code page for `number` (with its `+` code) by text
 * message; the form token.
 */
export async function toCodePage(b: TestBrowser, number: string): Promise<string> {
  const csrf = await b.csrf("/mfa/enrol");
  await b.post("/mfa/enrol", { _csrf: csrf, step: "intro" });
  await b.post("/mfa/enrol", {
    _csrf: csrf,
    step: "mfa-method",
    method: "authentication-phone",
    number,
    delivery: "sms",
  });
  return csrf;
}

/** An SMS sender that answers with message ids, and what it sent. */
export interface RecordingSms extends SmsSender {
  /** Every message, oldest first, with the id it was given. */
  readonly sent: ReadonlyArray<SmsMessage & { readonly messageId: string }>;
  /** The code of the latest message to `to`. */
  lastCode(to: string): string;
}

/** A {@link RecordingSms} that says it is provider `provider`. */
export function recordingSms(provider = "test-sms"): RecordingSms {
  const sent: Array<SmsMessage & { messageId: string }> = [];
  return {
    id: provider,
    sent,
    async send(message) {
      const messageId = `${provider}-${sent.length + 1}`;
      sent.push({ ...message, messageId });
      return { provider, messageId };
    },
    lastCode(to) {
      const text = sent.filter((m) => m.to === to).at(-1)?.text ?? "";
      return /\b(\d{6})\b/.exec(text)?.[1] ?? "";
    },
  };
}

/** The SDK and the user pages (at `/mfa`) over one SQLite file, and what the tests move. */
export interface TestWorld {
  readonly store: SqliteStore;
  readonly mfa: Mfa;
  readonly web: MfaWeb;
  readonly sms: RecordingSms;
  /** Calls and emails. */
  readonly outbox: DevOutbox;
  /** The clock of the store, the SDK and the pages. */
  readonly clock: { now(): number };
  /** Moves the clock a minute on: past a number's resend cooldown. */
  later(): void;
  close(): void;
}

/**
 * A world for one test file. The app's session comes from headers standing for its cookie:
 * `x-test-user` (who) and `x-test-sign-in` (which sign-in, default `s1`).
 */
export function testWorld(
  name: string,
  options: {
    readonly policy?: PolicyInput;
    readonly events?: EventSink;
    /** Receipt webhooks to mount, over the world's SDK. */
    readonly webhooks?: (
      mfa: Mfa,
    ) => Readonly<Record<string, (request: Request) => Promise<Response>>>;
  } = {},
): TestWorld {
  const dir = mkdtempSync(join(tmpdir(), `mfakit-web-${name}-`));
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const store = sqliteStore({ path: join(dir, "test.db"), clock });
  const sms = recordingSms();
  const outbox = devOutbox({ print: false });
  const tenant = { name: "Contoso", domains: ["contoso.com"] };
  const mfa = createMfa({
    store,
    keyring: createKeyring({ current: "k1", keys: { k1: Buffer.alloc(32, 9).toString("base64") } }),
    tenant,
    policy: options.policy ?? seedPolicy(["GB", "US"]),
    senders: { sms, voice: outbox.voice, email: outbox.email },
    clock,
    ...(options.events ? { events: options.events } : {}),
  });
  const web = createMfaWeb({
    mfa,
    store,
    tenant,
    basePath: "/mfa",
    clock,
    session: {
      get: (request) => {
        const userId = request.headers.get("x-test-user");
        const sessionId = request.headers.get("x-test-sign-in") ?? "s1";
        return userId ? { userId, authenticatedAt: clock.now(), sessionId } : null;
      },
    },
    log: () => {},
    ...(options.webhooks ? { webhooks: options.webhooks(mfa) } : {}),
  });
  return {
    store,
    mfa,
    web,
    sms,
    outbox,
    clock,
    later: () => {
      offset += 60_000;
    },
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
