/**
 * Verification of Vonage's signed webhooks: the request carries `Authorization: Bearer <JWT>`,
 * HS256-signed with the account's signature secret; its `payload_hash` claim is the SHA-256 (hex)
 * of the request body
 * (https://developer.vonage.com/en/getting-started/concepts/webhooks#decoding-signed-webhooks).
 *
 * @module
 */

import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { constantTimeEqualHex } from "@mfakit/core/crypto";

/** Input of {@link verifyVonageSignature}. */
export interface VerifyVonageSignatureInput {
  /** The signature secret (Dashboard → API settings → Signature secret). */
  readonly signatureSecret: string;
  /** The `Authorization` header (`Bearer …`) or the bare JWT; missing never verifies. */
  readonly authorization: string | null | undefined;
  /**
   * The raw request body, exactly as received. When given, the token's `payload_hash` must be its
   * SHA-256. Leave it out only for requests without a body: a token that carries `payload_hash`
   * (Vonage adds it whenever the request has a body) never verifies without it, since the
   * signature covers the body only through that hash.
   * @default undefined (no body)
   */
  readonly rawBody?: string | Uint8Array;
  /** Refuse tokens issued longer ago (or later) than this many seconds. @default 300 */
  readonly maxAgeSeconds?: number;
  /** Current time in ms since the epoch. @default Date.now() */
  readonly nowMs?: number;
}

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * True when the webhook was signed by Vonage with `signatureSecret`, is fresh, and its body is
 * the one that was signed (a token with `payload_hash` needs `rawBody`). Only HS256 is accepted: a token whose
 * header names another algorithm (or `none`) never verifies.
 *
 * @example
 * ```ts
 * const ok = verifyVonageSignature({ signatureSecret: env.VONAGE_SIGNATURE_SECRET,
 *   authorization: req.headers.authorization, rawBody });
 * if (!ok) return res.status(401).end();
 * ```
 */
export function verifyVonageSignature(input: VerifyVonageSignatureInput): boolean {
  const { signatureSecret } = input;
  if (!signatureSecret || typeof input.authorization !== "string") return false;
  const token = input.authorization.replace(/^Bearer\s+/i, "").trim();
  const parts = token.split(".");
  if (parts.length !== 3) return false;
  const [header = "", payload = "", signature = ""] = parts;
  if (decodeJson(header)?.alg !== "HS256") return false;
  const expected = createHmac("sha256", signatureSecret)
    .update(`${header}.${payload}`)
    .digest("base64url");
  if (!safeEqual(expected, signature)) return false;

  const claims = decodeJson(payload);
  if (!claims || typeof claims.iat !== "number") return false;
  const now = (input.nowMs ?? Date.now()) / 1000;
  if (Math.abs(now - claims.iat) > (input.maxAgeSeconds ?? 300)) return false;
  if (typeof claims.exp === "number" && now >= claims.exp) return false;
  const payloadHash = claims.payload_hash;
  if (input.rawBody === undefined) {
    // The token says the request had a body, and nobody checked it: a tampered body would pass.
    return payloadHash === undefined;
  }
  if (typeof payloadHash !== "string")
    return input.rawBody.length === 0 && payloadHash === undefined;
  const hash = createHash("sha256").update(input.rawBody).digest("hex");
  return constantTimeEqualHex(hash, payloadHash.toLowerCase());
}
