/**
 * Verification of the SMS API's signed webhooks (inbound messages and delivery receipts): the
 * request carries `sig` and `timestamp` next to its other parameters, and `sig` is a digest over
 * every other parameter, keyed with the account's signature secret
 * (https://developer.vonage.com/en/getting-started/concepts/signing-messages).
 *
 * The signed string is `&name=value` for each parameter but `sig`, sorted by name, with every `&`
 * and `=` inside a value replaced by `_`. `md5hash` appends the secret and takes the MD5; the
 * HMAC methods key an HMAC with the secret. The digest is hex (Vonage sends either case). This
 * follows Vonage's documentation and its Python SDK (`Client.signature`), whose test vectors the
 * tests reproduce.
 *
 * The method is the one chosen in the Dashboard and must be given: trying each method in turn
 * would let an attacker pick the weakest (`md5hash`).
 *
 * @module
 */

import { createHash, createHmac } from "node:crypto";
import { constantTimeEqualHex } from "@mfakit/core/crypto";

/** The signing methods of Vonage's Dashboard (API settings → Signed messages). */
export type VonageSignatureMethod =
  | "md5hash"
  | "md5hmac"
  | "sha1hmac"
  | "sha256hmac"
  | "sha512hmac";

/** The hash behind each method. */
const HASHES: Readonly<Record<VonageSignatureMethod, string>> = {
  md5hash: "md5",
  md5hmac: "md5",
  sha1hmac: "sha1",
  sha256hmac: "sha256",
  sha512hmac: "sha512",
};

/** The parameters of a webhook: the query string, the form body, or the flat JSON body. */
export type VonageSmsWebhookParams =
  | URLSearchParams
  | Readonly<Record<string, string | number | undefined>>;

/** Input of {@link verifyVonageSmsSignature}. */
export interface VerifyVonageSmsSignatureInput {
  /** The signature secret (Dashboard → API settings → Signature secret), not the API secret. */
  readonly signatureSecret: string;
  /** The method set in the Dashboard next to the secret. */
  readonly method: VonageSignatureMethod;
  /** Every parameter of the webhook, `sig` and `timestamp` included. */
  readonly params: VonageSmsWebhookParams;
  /**
   * Refuse a `timestamp` further than this many seconds from now (either way), so a captured
   * webhook cannot be replayed later. @default 300
   */
  readonly maxAgeSeconds?: number;
  /** Current time in ms since the epoch. @default Date.now() */
  readonly nowMs?: number;
}

/** The parameters as name → value, or `null` when a name repeats (the signature can't cover that). */
function flatParams(params: VonageSmsWebhookParams): Map<string, string> | null {
  const out = new Map<string, string>();
  const entries: Iterable<[string, string | number | undefined]> =
    params instanceof URLSearchParams ? params.entries() : Object.entries(params);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    if (out.has(name)) return null;
    out.set(name, String(value));
  }
  return out;
}

/**
 * True when `sig` is Vonage's signature of these parameters under `method`, and `timestamp` is
 * within `maxAgeSeconds` of now. Compares in constant time.
 *
 * @example
 * ```ts
 * // A delivery receipt posted as a form (or a GET with the query string):
 * const ok = verifyVonageSmsSignature({ signatureSecret: env.VONAGE_SIGNATURE_SECRET,
 *   method: "sha256hmac", params: new URLSearchParams(rawBody) });
 * if (!ok) return res.status(401).end();
 * ```
 */
export function verifyVonageSmsSignature(input: VerifyVonageSmsSignatureInput): boolean {
  const { signatureSecret, method } = input;
  const hash = Object.hasOwn(HASHES, method) ? HASHES[method] : undefined;
  const params = flatParams(input.params);
  if (!signatureSecret || hash === undefined || params === null) return false;
  const sig = params.get("sig");
  const timestamp = params.get("timestamp") ?? "";
  if (sig === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  const nowSeconds = (input.nowMs ?? Date.now()) / 1000;
  if (Math.abs(nowSeconds - Number(timestamp)) > (input.maxAgeSeconds ?? 300)) return false;

  params.delete("sig");
  const signed = [...params.keys()]
    .sort()
    .map((name) => `&${name}=${(params.get(name) ?? "").replace(/[&=]/g, "_")}`)
    .join("");
  const expected =
    method === "md5hash"
      ? createHash(hash)
          .update(signed + signatureSecret, "utf8")
          .digest("hex")
      : createHmac(hash, signatureSecret).update(signed, "utf8").digest("hex");
  return constantTimeEqualHex(expected, sig.toLowerCase());
}
