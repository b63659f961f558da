/**
 * Two transport rules every HTTP provider adapter follows, kept in one place: the API's base URL
 * is `https://` (plain `http://` only when the app says it is a test), and a redirect is never
 * followed.
 *
 * Why: a provider request carries the account's credentials (HTTP Basic, `api_secret` in the
 * form) and the one-time code. Over plain HTTP both travel readable. A followed `307`/`308`
 * replays the same request, body and credentials included, to wherever the `Location` header
 * points, another host included (fetch drops `Authorization` across origins, but not a secret in
 * the body). A provider's API does not redirect its create-message endpoints, so an adapter
 * fetches with `redirect: "manual"` and treats any 3xx as a misconfiguration.
 * See OWASP ASVS 5.0 12.2.1 (TLS for all connections) and the Fetch standard's redirect mode.
 *
 * @module
 */

/** The parts of a fetch `Response` {@link isRedirectResponse} looks at. */
export interface RedirectProbe {
  readonly status: number;
  /** `"opaqueredirect"` for `redirect: "manual"` in browsers and some runtimes. */
  readonly type?: string;
  /** True when the fetch followed a redirect anyway (a custom fetch that ignores the mode). */
  readonly redirected?: boolean;
}

/**
 * The problems with a provider adapter's `baseUrl` option, for its `config_invalid` error:
 * none for an `https://` URL (or no URL: the adapter's default), one naming `baseUrl` otherwise.
 * `http://` passes only with `allowInsecureBaseUrl: true`.
 *
 * @example
 * ```ts
 * problems.push(...baseUrlProblems(options.baseUrl, options.allowInsecureBaseUrl));
 * ```
 */
export function baseUrlProblems(
  baseUrl: string | undefined,
  allowInsecureBaseUrl: boolean | undefined,
): string[] {
  if (baseUrl === undefined) return [];
  let protocol = "";
  try {
    protocol = new URL(baseUrl).protocol;
  } catch {
    return ["baseUrl must be an absolute https:// URL"];
  }
  if (protocol === "https:" || (protocol === "http:" && allowInsecureBaseUrl === true)) return [];
  return protocol === "http:"
    ? ["baseUrl must be https:// (plain http:// only with allowInsecureBaseUrl: true, for tests)"]
    : ["baseUrl must be an absolute https:// URL"];
}

/**
 * True when the answer is a redirect (not followed, as `redirect: "manual"` asks) or was reached
 * through one (a fetch that followed it anyway): either way the send must fail, not succeed.
 */
export function isRedirectResponse(response: RedirectProbe): boolean {
  return (
    response.type === "opaqueredirect" ||
    response.redirected === true ||
    (response.status >= 300 && response.status < 400)
  );
}
