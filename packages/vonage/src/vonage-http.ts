/**
 * One request to a Vonage API with a hard timeout; a failure to get an answer becomes
 * `delivery_unavailable` (REL-05: the outcome of a timed-out send is unknown, the core retries
 * with the same idempotency key).
 *
 * @module
 */

import { isRedirectResponse, MfaError } from "@mfakit/core/adapter";

/** Transport options shared by the Vonage senders. */
export interface VonageTransportOptions {
  /**
   * Accept a plain `http://` `baseUrl`. Only for tests against a local server: over plain HTTP
   * the API secret or key and every code travel readable. @default false
   */
  readonly allowInsecureBaseUrl?: boolean;
  /**
   * Abort a request that has not been fully answered after this many ms.
   * @default 10000
   */
  readonly timeoutMs?: number;
  /** The fetch to use. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** A Vonage answer that was not a success, kept as the `cause` of the MfaError. */
export class VonageApiError extends Error {
  /** HTTP status, or 0 when there was no answer. */
  readonly status: number;
  /** Vonage's status code or problem `type`, when it sent one. */
  readonly code: string | undefined;

  constructor(status: number, code: string | undefined, message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "VonageApiError";
    this.status = status;
    this.code = code;
  }
}

/** An answer: HTTP status and the JSON body (undefined when it was empty or not JSON). */
export interface VonageAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Extra secret-free details for an error's `data`. */
export type VonageErrorData = Record<string, string | number | boolean>;

/** Builds the core error for a Vonage failure, with the vendor error as `cause`. */
export function vonageError(
  code: "delivery_rejected" | "delivery_unavailable",
  cause: VonageApiError,
  data: VonageErrorData,
  message?: string,
): MfaError {
  return new MfaError(code, {
    cause,
    data: { provider: "vonage", ...data },
    ...(message ? { message } : {}),
  });
}

/**
 * Provider text is kept for debugging but stripped of digit runs: providers quote the
 * destination number, and nothing they echo may carry a code (STORE-06).
 */
export function redactProviderText(text: unknown): string {
  return typeof text === "string" ? text.replace(/\d{4,}/g, "…").slice(0, 300) : "";
}

/** POSTs and returns the answer; throws `delivery_unavailable` on timeout or network failure. */
export async function postWithTimeout(
  url: string,
  init: { headers: Record<string, string>; body: string },
  options: VonageTransportOptions,
): Promise<VonageAnswer> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fetchFn = options.fetch ?? globalThis.fetch;
  let status = 0;
  let redirected = false;
  let raw = "";
  try {
    // The signal covers the whole exchange, body included.
    const response = await fetchFn(url, {
      method: "POST",
      headers: { accept: "application/json", ...init.headers },
      body: init.body,
      signal: AbortSignal.timeout(timeoutMs),
      // A followed redirect would replay api_secret (or the JWT) and the code to wherever it points.
      redirect: "manual",
    });
    status = response.status;
    redirected = isRedirectResponse(response);
    if (redirected) await response.body?.cancel();
    else raw = await response.text();
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
    const kind = timedOut ? "timeout" : "network";
    const cause = new VonageApiError(status, undefined, `Vonage request failed: ${kind}`, e);
    throw vonageError("delivery_unavailable", cause, {
      providerCode: kind,
      ...(timedOut ? { timeoutMs } : {}),
    });
  }
  if (redirected) {
    const cause = new VonageApiError(status, "redirect", `Vonage answered HTTP ${status}`);
    throw vonageError(
      "delivery_unavailable",
      cause,
      { providerCode: "redirect", httpStatus: status, misconfigured: true },
      "The Vonage API answered with a redirect, which is not followed: check baseUrl.",
    );
  }
  try {
    return { status, body: raw ? JSON.parse(raw) : undefined };
  } catch {
    return { status, body: undefined }; // a proxy's HTML page: judged by its status alone
  }
}

/** Collects option problems into one `config_invalid` error (never echoing a secret). */
export function assertNoProblems(problems: readonly string[]): void {
  if (problems.length === 0) return;
  throw new MfaError("config_invalid", {
    message: `Vonage sender options are invalid: ${problems.join("; ")}.`,
    data: { provider: "vonage", problems: problems.join("; ") },
  });
}

/** E.164 without its `+`, as Vonage wants numbers. */
export function vonageNumber(e164: string): string {
  return e164.startsWith("+") ? e164.slice(1) : e164;
}
