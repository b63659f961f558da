/**
 * Verification of Twilio's webhook signatures (`X-Twilio-Signature`).
 *
 * Twilio signs every webhook, delivery-status callbacks included: HMAC-SHA1, keyed with the
 * account's Auth Token, over the full URL Twilio requested followed by each POST parameter's
 * name and value, sorted by name; the header holds the digest in base64
 * (https://www.twilio.com/docs/usage/security#validating-requests).
 *
 * @module
 */

import { createHmac, timingSafeEqual } from "node:crypto";

/** POST parameters of a webhook: a repeated name carries an array. */
export type TwilioWebhookParams =
  | URLSearchParams
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Input of {@link verifyTwilioSignature}. */
export interface VerifyTwilioSignatureInput {
  /** The account's Auth Token (API keys cannot verify webhooks). */
  readonly authToken: string;
  /**
   * The full URL Twilio requested, query string included, as Twilio saw it: behind a proxy,
   * rebuild it from the public scheme and host, not the internal ones.
   */
  readonly url: string;
  /** The form-encoded POST parameters (empty for a GET). */
  readonly params: TwilioWebhookParams;
  /** The `X-Twilio-Signature` header; a missing header never verifies. */
  readonly signature: string | null | undefined;
}

/** name+value pairs, sorted by name; a repeated name's values sorted among themselves. */
function signedParams(params: TwilioWebhookParams): string {
  const grouped = new Map<string, string[]>();
  const entries: Iterable<[string, string | readonly string[] | undefined]> =
    params instanceof URLSearchParams ? params.entries() : Object.entries(params);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    const list = grouped.get(name) ?? [];
    list.push(...(typeof value === "string" ? [value] : value));
    grouped.set(name, list);
  }
  // Sorted by UTF-16 code units, as Twilio's own libraries do (Array.prototype.sort).
  return [...grouped.keys()]
    .sort()
    .map((name) =>
      (grouped.get(name) ?? [])
        .sort()
        .map((value) => name + value)
        .join(""),
    )
    .join("");
}

/**
 * The URL with and without its scheme's default port: Twilio may sign either form, and proxies
 * add or drop the port.
 */
function urlVariants(url: string): string[] {
  const match = /^(https?):\/\/([^/?#:]+)(:\d+)?(.*)$/i.exec(url);
  if (!match) return [url];
  const [, scheme = "", host = "", port, rest = ""] = match;
  const defaultPort = scheme.toLowerCase() === "https" ? ":443" : ":80";
  if (port === undefined) return [url, `${scheme}://${host}${defaultPort}${rest}`];
  if (port === defaultPort) return [url, `${scheme}://${host}${rest}`];
  return [url];
}

/**
 * True when `signature` is Twilio's signature of this request. Compares in constant time.
 *
 * @example
 * ```ts
 * const ok = verifyTwilioSignature({ authToken, url: `https://app.example.com${req.url}`,
 *   params: new URLSearchParams(rawBody), signature: req.headers["x-twilio-signature"] });
 * if (!ok) return res.status(403).end();
 * ```
 */
export function verifyTwilioSignature(input: VerifyTwilioSignatureInput): boolean {
  const { authToken, signature } = input;
  if (!authToken || typeof signature !== "string" || signature.length === 0) return false;
  const given = Buffer.from(signature, "utf8");
  const payload = signedParams(input.params);
  let ok = false;
  for (const url of urlVariants(input.url)) {
    const expected = Buffer.from(
      createHmac("sha1", authToken)
        .update(url + payload, "utf8")
        .digest("base64"),
      "utf8",
    );
    // Every variant is checked (no early exit), and lengths are compared before the constant-
    // time comparison, which requires equal lengths.
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}
