/**
 * Verification of Twilio's webhook signatures (`X-Twilio-Signature`).
 *
 * Twilio signs every webhook, delivery-status callbacks included: HMAC-SHA1, keyed with the
 * account's Auth Token, over the full URL Twilio requested followed by each POST parameter's
 * name and value, sorted by name; the header holds the digest in base64
 * (https://www.twilio.com/docs/usage/security#validating-requests).
 *
 * A webhook whose body is not form-encoded (JSON) is signed differently: Twilio adds the body's
 * SHA-256 (hex) to the URL as the `bodySHA256` query parameter and signs the URL alone, so the
 * signature covers the body only through that hash. Checking the signature without hashing the
 * body would accept any body, which is why such a request never verifies without `rawBody`.
 *
 * @module
 */

import { createHash, createHmac } from "node:crypto";
import { constantTimeEqual, constantTimeEqualHex } from "@mfakit/core/crypto";

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
  /**
   * The form-encoded POST parameters. Leave it out for a GET, for a JSON body (the URL then
   * carries `bodySHA256`; give `rawBody` instead), or when you give `rawBody` of a form post,
   * which is then parsed here. Ignored when the URL carries `bodySHA256`.
   * @default parsed from `rawBody`, else none
   */
  readonly params?: TwilioWebhookParams;
  /**
   * The request body exactly as received (bytes or the UTF-8 text). Required when the URL
   * carries `bodySHA256`: its SHA-256 must match. Without `params`, a form body is parsed
   * from it.
   * @default undefined
   */
  readonly rawBody?: string | Uint8Array;
  /** The `X-Twilio-Signature` header; a missing header never verifies. */
  readonly signature: string | null | undefined;
}

/**
 * name+value pairs, sorted by name; a repeated name's values sorted among themselves, each
 * distinct value once. The de-duplication is what Twilio's own validators do (twilio-node's
 * `toFormUrlEncodedParam` and twilio-python both sign `sorted(set(values))`), and their test
 * vector for `Digits=5678&Digits=1234&Digits=1234` only verifies that way.
 */
function signedParams(params: TwilioWebhookParams): string {
  const grouped = new Map<string, Set<string>>();
  const entries: Iterable<[string, string | readonly string[] | undefined]> =
    params instanceof URLSearchParams ? params.entries() : Object.entries(params);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    const values = grouped.get(name) ?? new Set<string>();
    for (const v of typeof value === "string" ? [value] : value) values.add(v);
    grouped.set(name, values);
  }
  // Sorted by UTF-16 code units, as Twilio's own libraries do (Array.prototype.sort).
  return [...grouped.keys()]
    .sort()
    .map((name) =>
      [...(grouped.get(name) ?? [])]
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

/** The URL's `bodySHA256` values (none for a form-encoded webhook). */
function bodyHashesIn(url: string): string[] {
  try {
    return new URL(url).searchParams.getAll("bodySHA256");
  } catch {
    return [];
  }
}

/**
 * True when `signature` is Twilio's signature of this request (and, for a JSON webhook, the
 * body is the one Twilio hashed into the URL's `bodySHA256`). Compares in constant time.
 *
 * @example
 * ```ts
 * // A form-encoded status callback:
 * const ok = verifyTwilioSignature({ authToken, url: `https://app.example.com${req.url}`,
 *   rawBody, signature: req.headers["x-twilio-signature"] });
 * // A JSON webhook (the URL carries ?bodySHA256=…): the same call, rawBody is then hashed.
 * if (!ok) return res.status(403).end();
 * ```
 */
export function verifyTwilioSignature(input: VerifyTwilioSignatureInput): boolean {
  const { authToken, signature, rawBody } = input;
  if (!authToken || typeof signature !== "string" || signature.length === 0) return false;
  const bodyHashes = bodyHashesIn(input.url);
  let payload = "";
  if (bodyHashes.length > 0) {
    // One hash, and a body to check it against: otherwise any body would pass.
    if (bodyHashes.length !== 1 || rawBody === undefined) return false;
    const actual = createHash("sha256").update(rawBody).digest("hex");
    if (!constantTimeEqualHex(actual, (bodyHashes[0] ?? "").toLowerCase())) return false;
  } else {
    const text = typeof rawBody === "string" ? rawBody : Buffer.from(rawBody ?? []).toString();
    payload = signedParams(input.params ?? new URLSearchParams(text));
  }
  const given = Buffer.from(signature, "utf8");
  let ok = false;
  for (const url of urlVariants(input.url)) {
    const expected = createHmac("sha1", authToken)
      .update(url + payload, "utf8")
      .digest();
    // Every variant is checked (no early exit); the header is compared as the base64 text of a
    // fixed-length digest, so only its (public) length can differ.
    if (constantTimeEqual(Buffer.from(expected.toString("base64"), "utf8"), given)) ok = true;
  }
  return ok;
}
