/**
 * One call to Twilio's REST API (2010-04-01): form-encoded POST, HTTP Basic auth, a hard
 * timeout, and Twilio's answer mapped to the core's delivery errors.
 *
 * Twilio documents its errors as a JSON body `{ code, message, more_info, status }` next to the
 * HTTP status (https://www.twilio.com/docs/api/errors). Which outcome each maps to:
 * - `delivery_rejected` (this recipient can't be reached this way; never retried, never failed
 *   over): the codes in {@link TWILIO_REJECTED_CODES}.
 * - `delivery_unavailable` (retryable, may fail over): HTTP 429 / 20429, 5xx, timeouts, network
 *   errors, and also every other 4xx: those are about our request or account (credentials 20003,
 *   a From number that can't send 21606, …), not the recipient, so another provider may well
 *   deliver. They carry `data.misconfigured: true` so an operator sees them for what they are.
 *
 * @module
 */

import { baseUrlProblems, isRedirectResponse, MfaError } from "@mfakit/core/adapter";

/** Credentials and transport shared by the Twilio senders. */
export interface TwilioClientOptions {
  /** The Account SID (`AC…`, Console → Account info). */
  readonly accountSid: string;
  /** The account's Auth Token. Give this or `apiKey` + `apiSecret`. */
  readonly authToken?: string;
  /** An API key SID (`SK…`), with `apiSecret`: revocable, preferred over the Auth Token. */
  readonly apiKey?: string;
  /** The API key's secret. */
  readonly apiSecret?: string;
  /**
   * Base URL of the REST API (tests point it at a local server; Twilio's regional edges, e.g.
   * `https://api.dublin.ie1.twilio.com`, also go here). Must be `https://` unless
   * `allowInsecureBaseUrl` is set.
   * @default "https://api.twilio.com"
   */
  readonly baseUrl?: string;
  /**
   * Accept a plain `http://` `baseUrl`. Only for tests against a local server: over plain HTTP
   * the credentials and every code travel readable. @default false
   */
  readonly allowInsecureBaseUrl?: boolean;
  /**
   * Abort a request that has not been fully answered after this many ms. The outcome of a
   * timed-out send is unknown (REL-05): the core retries with the same idempotency key.
   * @default 10000
   */
  readonly timeoutMs?: number;
  /** The fetch to use. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /**
   * A URL of yours that Twilio posts delivery status to (`StatusCallback`); verify those posts
   * with `verifyTwilioSignature`. @default none
   */
  readonly statusCallbackUrl?: string;
}

/**
 * Twilio error codes that mean "not this recipient, not this way": retrying or failing over
 * would not help, or (for the geo-permission blocks) would get around a fraud control the
 * account owner set on purpose.
 */
export const TWILIO_REJECTED_CODES: ReadonlyMap<number, string> = new Map([
  [21211, "invalid 'To' phone number"],
  [21214, "'To' phone number cannot be reached"],
  [21215, "geo permission: calls to this number are not enabled"],
  [21216, "call blocked by Twilio's block list"],
  [21217, "phone number does not appear to be valid"],
  [21265, "'To' number cannot be a short code"],
  [21268, "premium-rate number"],
  [21408, "geo permission: messages to this region are not enabled"],
  [21610, "recipient unsubscribed (replied STOP)"],
  [21612, "'To' number cannot be reached from this 'From'"],
  [21614, "'To' number is not a mobile number"],
  [21635, "'To' number cannot be reached (landline)"],
  [13224, "invalid phone number"],
  [13227, "geo permission: no international permission"],
]);

/** The failure Twilio answered with, kept as the `cause` of the MfaError. */
export class TwilioApiError extends Error {
  /** HTTP status, or 0 when there was no answer. */
  readonly status: number;
  /** Twilio's error code, when it sent one. */
  readonly code: number | undefined;
  /** Twilio's link to the error's page. */
  readonly moreInfo: string | undefined;

  constructor(
    status: number,
    code: number | undefined,
    message: string,
    moreInfo?: string,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = "TwilioApiError";
    this.status = status;
    this.code = code;
    this.moreInfo = moreInfo;
  }
}

/** What a Twilio resource answers on create: we only need its SID. */
interface TwilioCreated {
  readonly sid: string;
}

const DEFAULT_BASE_URL = "https://api.twilio.com";
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Checks the credential options, collecting every problem into one `config_invalid` error
 * (never echoing a secret).
 */
export function checkTwilioOptions(
  options: TwilioClientOptions,
  extraProblems: readonly string[] = [],
): void {
  const problems = [...extraProblems];
  if (!/^AC[0-9a-fA-F]{32}$/.test(options.accountSid ?? "")) {
    problems.push("accountSid must be 'AC' followed by 32 hex digits");
  }
  const token = Boolean(options.authToken);
  const key = Boolean(options.apiKey) || Boolean(options.apiSecret);
  if (token === key) problems.push("give either authToken or apiKey + apiSecret");
  if (key && !(options.apiKey && options.apiSecret)) {
    problems.push("apiKey and apiSecret go together");
  }
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) {
    problems.push("timeoutMs must be a positive number");
  }
  problems.push(...baseUrlProblems(options.baseUrl, options.allowInsecureBaseUrl));
  if (problems.length > 0) {
    throw new MfaError("config_invalid", {
      message: `Twilio sender options are invalid: ${problems.join("; ")}.`,
      data: { provider: "twilio", problems: problems.join("; ") },
    });
  }
}

/**
 * Provider text is kept for debugging but stripped of digit runs: Twilio quotes the destination
 * number in its messages, and nothing a provider echoes may carry a code (STORE-06).
 */
function redact(text: string): string {
  return text.replace(/\d{4,}/g, "…").slice(0, 300);
}

function unavailable(cause: TwilioApiError, data: Record<string, string | number | boolean>) {
  return new MfaError("delivery_unavailable", { cause, data: { provider: "twilio", ...data } });
}

/** Maps a non-2xx answer to the core's error. */
function errorFromResponse(status: number, body: unknown): MfaError {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const code = typeof b.code === "number" ? b.code : undefined;
  const moreInfo = typeof b.more_info === "string" ? b.more_info : undefined;
  const text = typeof b.message === "string" ? redact(b.message) : "";
  const cause = new TwilioApiError(
    status,
    code,
    `Twilio answered HTTP ${status}${code ? ` with error ${code}` : ""}${text ? `: ${text}` : ""}`,
    moreInfo,
  );
  const providerCode = code ?? `http_${status}`;
  if (code !== undefined && TWILIO_REJECTED_CODES.has(code)) {
    return new MfaError("delivery_rejected", {
      cause,
      data: { provider: "twilio", providerCode, httpStatus: status },
    });
  }
  if (status === 429 || code === 20429 || status >= 500) {
    return unavailable(cause, { providerCode, httpStatus: status });
  }
  if (status === 401 || code === 20003) {
    return new MfaError("delivery_unavailable", {
      message: "Twilio refused the credentials (20003): check accountSid and authToken or API key.",
      cause,
      data: { provider: "twilio", providerCode, httpStatus: status, misconfigured: true },
    });
  }
  return unavailable(cause, { providerCode, httpStatus: status, misconfigured: true });
}

/**
 * A poster for one list resource of the account (`Messages` or `Calls`): POSTs the form and
 * resolves with the created resource's SID, or throws the mapped MfaError.
 */
export function twilioPoster(
  options: TwilioClientOptions,
  resource: "Messages" | "Calls",
): (form: URLSearchParams) => Promise<string> {
  const base = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/${resource}.json`;
  const user = options.apiKey ?? options.accountSid;
  const password = options.apiSecret ?? options.authToken ?? "";
  const authorization = `Basic ${btoa(`${user}:${password}`)}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchFn = options.fetch ?? globalThis.fetch;

  return async (form) => {
    let status = 0;
    let redirected = false;
    let body: unknown;
    try {
      // The signal covers the whole exchange, body included: a server that answers headers and
      // then stalls is a timeout too.
      const response = await fetchFn(url, {
        method: "POST",
        headers: {
          authorization,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
        // A followed redirect would replay the credentials and the code to wherever it points.
        redirect: "manual",
      });
      status = response.status;
      redirected = isRedirectResponse(response);
      if (redirected) await response.body?.cancel();
      const raw = redirected ? "" : await response.text();
      body = raw ? JSON.parse(raw) : undefined;
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
      if (status !== 0 && !timedOut) {
        // An answer that is not JSON (a proxy's HTML error page): judge it by its status alone.
        body = undefined;
      } else {
        const kind = timedOut ? "timeout" : "network";
        const cause = new TwilioApiError(
          0,
          undefined,
          `Twilio request failed: ${kind}`,
          undefined,
          e,
        );
        throw unavailable(cause, { providerCode: kind, ...(timedOut ? { timeoutMs } : {}) });
      }
    }
    if (redirected) {
      const cause = new TwilioApiError(
        status,
        undefined,
        `Twilio answered HTTP ${status} (redirect)`,
      );
      throw new MfaError("delivery_unavailable", {
        message: "The Twilio API answered with a redirect, which is not followed: check baseUrl.",
        cause,
        data: {
          provider: "twilio",
          providerCode: "redirect",
          httpStatus: status,
          misconfigured: true,
        },
      });
    }
    if (status < 200 || status >= 300) throw errorFromResponse(status, body);
    const sid = (body as Partial<TwilioCreated> | undefined)?.sid;
    if (typeof sid !== "string" || sid === "") {
      throw unavailable(new TwilioApiError(status, undefined, "Twilio answered without a sid"), {
        providerCode: "malformed_response",
        httpStatus: status,
      });
    }
    return sid;
  };
}

/** Adds `StatusCallback` when configured. */
export function withStatusCallback(form: URLSearchParams, options: TwilioClientOptions) {
  if (options.statusCallbackUrl) form.set("StatusCallback", options.statusCallbackUrl);
  return form;
}
