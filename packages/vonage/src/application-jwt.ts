/**
 * The JWT a Vonage application authenticates with: RS256, signed with the application's private
 * key, claims `application_id`, `iat`, `exp`, `jti`
 * (https://developer.vonage.com/en/getting-started/concepts/authentication#json-web-tokens).
 *
 * @module
 */

import { createPrivateKey, type KeyObject, randomUUID, sign } from "node:crypto";

/** base64url of bytes or a UTF-8 string, without padding. */
export function base64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString("base64url");
}

/**
 * Parses a PEM private key, or returns `null` if it is not one (the key is never echoed).
 */
export function parsePrivateKey(pem: string): KeyObject | null {
  try {
    const key = createPrivateKey(pem);
    return key.asymmetricKeyType === "rsa" ? key : null;
  } catch {
    return null;
  }
}

/** Claims of {@link applicationJwt}. */
export interface ApplicationJwtInput {
  readonly applicationId: string;
  readonly privateKey: KeyObject;
  /** Issue time, in ms since the epoch. */
  readonly nowMs: number;
  /** Lifetime in seconds. */
  readonly ttlSeconds: number;
}

/** A fresh, short-lived token for one API call (a new `jti` every time). */
export function applicationJwt(input: ApplicationJwtInput): string {
  const iat = Math.floor(input.nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: "RS256", typ: "JWT" }));
  const payload = base64url(
    JSON.stringify({
      application_id: input.applicationId,
      iat,
      exp: iat + input.ttlSeconds,
      jti: randomUUID(),
    }),
  );
  const signature = sign("sha256", Buffer.from(`${header}.${payload}`), input.privateKey);
  return `${header}.${payload}.${base64url(signature)}`;
}
