/**
 * A software WebAuthn authenticator for tests: a P-256 key (node:crypto) per credential that
 * answers real ceremonies, so passkeys are tested without a phone or a browser.
 *
 * `create` answers `navigator.credentials.create()` options with attestation `none`
 * (clientDataJSON, an attestation object whose authenticator data holds the rp id hash, the
 * flags, the counter and the COSE key); `get` answers `navigator.credentials.get()` options with
 * an ES256 signature over the authenticator data and the client data's hash (W3C WebAuthn L3
 * §6.1, §6.5, §8.7). Every field can be overridden per ceremony, to play a phishing site (another
 * origin or rp id), an authenticator that skips user verification, or a clone that replays an old
 * signature counter.
 *
 * @module
 */

import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import type { PasskeyAuthenticationResponse, PasskeyRegistrationResponse } from "@mfakit/core";

/** Creation options as the SDK's views carry them (only what the authenticator reads). */
export interface SoftwareCreationOptions {
  readonly challenge: string;
  readonly rp: { readonly id?: string; readonly name: string };
  readonly user: { readonly id: string };
}

/** Request options as `challenge.beginPasskey` gives them (only what the authenticator reads). */
export interface SoftwareRequestOptions {
  readonly challenge: string;
  readonly rpId?: string;
}

/** What one ceremony may do differently from an honest authenticator on the right site. */
export interface CeremonyOverrides {
  /** The origin the browser reports (a phishing site's). */
  readonly origin?: string;
  /** The rp id the authenticator hashes into its data. */
  readonly rpId?: string;
  /** The challenge signed, instead of the options'. */
  readonly challenge?: string;
  /** The UV flag. @default true */
  readonly userVerified?: boolean;
  /** The signature counter to report, instead of the next one. */
  readonly counter?: number;
  /** Which credential answers (`get`). @default the one made last */
  readonly credentialId?: string;
}

/** The options of {@link softwareAuthenticator}. */
export interface SoftwareAuthenticatorOptions {
  /** The origin the browser reports, e.g. `https://login.contoso.com`. */
  readonly origin: string;
  /** Whether credentials are synced passkeys (BE and BS flags). @default true */
  readonly backedUp?: boolean;
  /** Whether the counter grows on each use; `false` reports 0 always. @default true */
  readonly counts?: boolean;
}

/** The authenticator. */
export interface SoftwareAuthenticator {
  /** Makes a credential for `options` and answers as a browser would. */
  create(
    options: SoftwareCreationOptions,
    overrides?: CeremonyOverrides,
  ): PasskeyRegistrationResponse;
  /** Signs `options`' challenge with a credential and answers as a browser would. */
  get(
    options: SoftwareRequestOptions,
    overrides?: CeremonyOverrides,
  ): PasskeyAuthenticationResponse;
  /** The credentials made so far, by id, with their counters. */
  readonly credentials: ReadonlyArray<{ readonly id: string; readonly counter: number }>;
}

interface Credential {
  readonly id: Uint8Array;
  readonly key: KeyObject;
  readonly cose: Uint8Array;
  readonly userHandle: string;
  readonly rpId: string;
  counter: number;
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string) =>
  new Uint8Array(createHash("sha256").update(data).digest());

/** A CBOR value (RFC 8949), as much of it as attestation `none` and a COSE key need. */
type Cbor = number | string | Uint8Array | ReadonlyMap<Cbor, Cbor>;

/** Encodes `value` as canonical-enough CBOR (keys in insertion order). */
function cbor(value: Cbor): Uint8Array {
  const head = (major: number, n: number): number[] => {
    if (n < 24) return [(major << 5) | n];
    if (n < 0x100) return [(major << 5) | 24, n];
    if (n < 0x10000) return [(major << 5) | 25, n >> 8, n & 0xff];
    return [(major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  };
  if (typeof value === "number")
    return new Uint8Array(value >= 0 ? head(0, value) : head(1, -1 - value));
  if (typeof value === "string") {
    const bytes = new TextEncoder().encode(value);
    return new Uint8Array([...head(3, bytes.length), ...bytes]);
  }
  if (value instanceof Uint8Array) return new Uint8Array([...head(2, value.length), ...value]);
  const parts: number[] = head(5, value.size);
  for (const [k, v] of value) parts.push(...cbor(k), ...cbor(v));
  return new Uint8Array(parts);
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

/**
 * A software authenticator answering ceremonies from `options.origin`.
 *
 * @example
 * ```ts
 * const authenticator = softwareAuthenticator({ origin: "https://login.contoso.com" });
 * const view = await mfa.enrolment.submit(id, { step: "mfa-method", method: "passkey" }, session);
 * const answer = authenticator.create(view.ceremony.options);
 * await mfa.enrolment.submit(id, { step: "factor-setup", answer }, session);
 * ```
 */
export function softwareAuthenticator(
  options: SoftwareAuthenticatorOptions,
): SoftwareAuthenticator {
  const made: Credential[] = [];
  const backedUp = options.backedUp ?? true;
  const counts = options.counts ?? true;

  const authData = (
    rpId: string,
    counter: number,
    overrides: CeremonyOverrides,
    attested?: Credential,
  ): Uint8Array => {
    let flags = FLAG_UP | (overrides.userVerified === false ? 0 : FLAG_UV);
    if (backedUp) flags |= FLAG_BE | FLAG_BS;
    if (attested) flags |= FLAG_AT;
    const head = new Uint8Array(37);
    head.set(sha256(rpId), 0);
    head[32] = flags;
    new DataView(head.buffer).setUint32(33, counter);
    if (!attested) return head;
    // Attested credential data: an all-zero AAGUID (attestation "none"), the id, the COSE key.
    const { id, cose } = attested;
    return Uint8Array.from([
      ...head,
      ...new Uint8Array(16),
      id.length >> 8,
      id.length & 0xff,
      ...id,
      ...cose,
    ]);
  };

  /** A platform authenticator's answer (`toJSON()` form) around a ceremony's `response`. */
  const answer = <R>(credential: { readonly id: Uint8Array }, response: R) => {
    const id = b64url(credential.id);
    return {
      id,
      rawId: id,
      type: "public-key" as const,
      response,
      authenticatorAttachment: "platform" as const,
      clientExtensionResults: {},
    };
  };
  const clientData = (type: string, challenge: string, origin: string) =>
    new TextEncoder().encode(JSON.stringify({ type, challenge, origin, crossOrigin: false }));

  return {
    get credentials() {
      return made.map((c) => ({ id: b64url(c.id), counter: c.counter }));
    },

    create(creation, overrides = {}) {
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const jwk = publicKey.export({ format: "jwk" });
      const cose = cbor(
        new Map<Cbor, Cbor>([
          [1, 2], // kty: EC2
          [3, -7], // alg: ES256
          [-1, 1], // crv: P-256
          [-2, new Uint8Array(Buffer.from(jwk.x ?? "", "base64url"))],
          [-3, new Uint8Array(Buffer.from(jwk.y ?? "", "base64url"))],
        ]),
      );
      const rpId = overrides.rpId ?? creation.rp.id ?? new URL(options.origin).hostname;
      const credential: Credential = {
        id: new Uint8Array(randomBytes(32)),
        key: privateKey,
        cose,
        userHandle: creation.user.id,
        rpId,
        counter: overrides.counter ?? 0,
      };
      const data = authData(rpId, credential.counter, overrides, credential);
      const attestation = cbor(
        new Map<Cbor, Cbor>([
          ["fmt", "none"],
          ["attStmt", new Map()],
          ["authData", data],
        ]),
      );
      made.push(credential);
      return answer(credential, {
        clientDataJSON: b64url(
          clientData(
            "webauthn.create",
            overrides.challenge ?? creation.challenge,
            overrides.origin ?? options.origin,
          ),
        ),
        attestationObject: b64url(attestation),
        transports: ["internal"],
      });
    },

    get(request, overrides = {}) {
      const credential = overrides.credentialId
        ? made.find((c) => b64url(c.id) === overrides.credentialId)
        : made[made.length - 1];
      if (!credential) throw new Error("the software authenticator holds no such credential");
      if (overrides.counter !== undefined) credential.counter = overrides.counter;
      else if (counts) credential.counter += 1;
      const rpId = overrides.rpId ?? request.rpId ?? credential.rpId;
      const data = authData(rpId, credential.counter, overrides);
      const client = clientData(
        "webauthn.get",
        overrides.challenge ?? request.challenge,
        overrides.origin ?? options.origin,
      );
      const signature = sign("sha256", Buffer.concat([data, sha256(client)]), credential.key);
      return answer(credential, {
        clientDataJSON: b64url(client),
        authenticatorData: b64url(data),
        signature: b64url(new Uint8Array(signature)),
        userHandle: credential.userHandle,
      });
    },
  };
}
