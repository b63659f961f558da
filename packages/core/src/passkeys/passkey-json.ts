/**
 * The JSON a passkey ceremony exchanges with the browser: the options a view carries (for
 * `navigator.credentials.create()` / `.get()`, W3C WebAuthn L3 `…OptionsJSON`) and the
 * credential an answer carries (`PublicKeyCredential.toJSON()`).
 *
 * An answer is bounded before anything parses it (REL-07): at most {@link MAX_CREDENTIAL_JSON}
 * characters as JSON, each field a base64url string of bounded length, checked by zod. Anything
 * else is `invalid_input` naming the field, before a signature is looked at.
 *
 * @module
 */

import { z } from "zod";
import { MfaError } from "../errors.js";

/** The longest credential JSON accepted, in characters (a real one is 1 to 3 KB). */
export const MAX_CREDENTIAL_JSON = 32 * 1024;

/** A credential descriptor (an `allowCredentials` / `excludeCredentials` entry). */
export interface PasskeyDescriptorJSON {
  readonly id: string;
  readonly type: "public-key";
  readonly transports?: readonly string[];
}

/** The options for `navigator.credentials.create()`, as JSON (base64url for bytes). */
export interface PasskeyCreationOptionsJSON {
  readonly rp: { readonly name: string; readonly id?: string };
  readonly user: { readonly id: string; readonly name: string; readonly displayName: string };
  readonly challenge: string;
  readonly pubKeyCredParams: ReadonlyArray<{ readonly alg: number; readonly type: "public-key" }>;
  readonly timeout?: number;
  readonly excludeCredentials?: readonly PasskeyDescriptorJSON[];
  readonly authenticatorSelection?: {
    readonly authenticatorAttachment?: string;
    readonly requireResidentKey?: boolean;
    readonly residentKey?: string;
    readonly userVerification?: string;
  };
  readonly attestation?: string;
  readonly hints?: readonly string[];
  readonly extensions?: { readonly credProps?: boolean };
}

/** The options for `navigator.credentials.get()`, as JSON (base64url for bytes). */
export interface PasskeyRequestOptionsJSON {
  readonly challenge: string;
  readonly timeout?: number;
  readonly rpId?: string;
  readonly allowCredentials?: readonly PasskeyDescriptorJSON[];
  readonly userVerification?: string;
  readonly hints?: readonly string[];
}

const b64url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*$/, "base64url");
// Credential ids are at most 1023 bytes (W3C WebAuthn L3 §4, "Credential ID").
const credentialId = b64url(1366).min(16);
/** What both ceremonies' answers carry around their `response` (`PublicKeyCredential.toJSON()`). */
const credential = {
  id: credentialId,
  rawId: credentialId,
  type: z.literal("public-key"),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.record(z.string().max(64), z.unknown()),
};

/** What `navigator.credentials.create()` answers, as `toJSON()` gives it. */
export const registrationResponseSchema = z
  .object({
    ...credential,
    response: z
      .object({
        clientDataJSON: b64url(4096).min(1),
        attestationObject: b64url(24 * 1024).min(1),
        authenticatorData: b64url(16 * 1024).optional(),
        transports: z.array(z.string().max(32)).max(8).optional(),
        publicKeyAlgorithm: z.number().int().optional(),
        publicKey: b64url(4096).optional(),
      })
      .strict(),
  })
  .strict();

/** What `navigator.credentials.get()` answers, as `toJSON()` gives it. */
export const authenticationResponseSchema = z
  .object({
    ...credential,
    response: z
      .object({
        clientDataJSON: b64url(4096).min(1),
        authenticatorData: b64url(16 * 1024).min(37),
        signature: b64url(2048).min(1),
        userHandle: b64url(128).optional(),
      })
      .strict(),
  })
  .strict();

/** A new passkey's credential, as an answer carries it (`PublicKeyCredential.toJSON()`). */
export interface PasskeyRegistrationResponse {
  readonly id: string;
  readonly rawId: string;
  readonly type: "public-key";
  readonly response: {
    readonly clientDataJSON: string;
    readonly attestationObject: string;
    readonly authenticatorData?: string;
    readonly transports?: readonly string[];
    readonly publicKeyAlgorithm?: number;
    readonly publicKey?: string;
  };
  readonly authenticatorAttachment?: "platform" | "cross-platform";
  readonly clientExtensionResults: Readonly<Record<string, unknown>>;
}

/** A passkey's signed assertion, as an answer carries it (`PublicKeyCredential.toJSON()`). */
export interface PasskeyAuthenticationResponse {
  readonly id: string;
  readonly rawId: string;
  readonly type: "public-key";
  readonly response: {
    readonly clientDataJSON: string;
    readonly authenticatorData: string;
    readonly signature: string;
    readonly userHandle?: string;
  };
  readonly authenticatorAttachment?: "platform" | "cross-platform";
  readonly clientExtensionResults: Readonly<Record<string, unknown>>;
}

// The schemas parse exactly these shapes (a drift is a type error here).
registrationResponseSchema satisfies z.ZodType<PasskeyRegistrationResponse>;
authenticationResponseSchema satisfies z.ZodType<PasskeyAuthenticationResponse>;

/**
 * Parses a credential answer: its JSON text or the object itself, bounded first. Anything that
 * is not that credential is `invalid_input` with `field`.
 */
export function parseCredential<T>(
  schema: z.ZodType<T>,
  answer: unknown,
  field: string,
): NonNullable<T> {
  const refuse = (reason: string): never => {
    throw new MfaError("invalid_input", {
      message: "That is not a passkey answer.",
      data: { field, reason },
    });
  };
  let value: unknown = answer;
  if (typeof answer === "string") {
    if (answer.length > MAX_CREDENTIAL_JSON) refuse("too_long");
    try {
      value = JSON.parse(answer);
    } catch {
      refuse("malformed_json");
    }
  } else {
    let size = 0;
    try {
      size = JSON.stringify(answer)?.length ?? 0;
    } catch {
      refuse("malformed_json");
    }
    if (size > MAX_CREDENTIAL_JSON) refuse("too_long");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success || parsed.data == null) return refuse("malformed_credential");
  return parsed.data as NonNullable<T>;
}
