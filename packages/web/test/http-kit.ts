/**
 * What the package's HTTP tests share: a browser that keeps a handler's state cookie and reads
 * the form token, and an SMS sender that answers with message ids (so delivery receipts have
 * something to name) and keeps what it sent for the test to read the codes.
 */

import type { SmsMessage, SmsSender } from "@mfakit/core/adapter";

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
