/**
 * Passkeys (WebAuthn), the first factor set up by a ceremony: the factor registry's module for
 * them, and their two ceremonies (registration, in the wizard and Security info; authentication,
 * at the sign-in challenge) on `@simplewebauthn/server`.
 *
 * What the user's document holds (in the registration): per passkey, the credential id, the
 * COSE public key, the signature counter, the backup flags, transports and dates. Nothing here is
 * a secret: the private key never leaves the authenticator. A ceremony's challenge is a nonce,
 * not a secret either (knowing it gives nothing without the private key), so it is kept as it
 * is; what matters is that it is answered once and in time (W3C WebAuthn L3 §13.4.3):
 *
 * - registration: the challenge lives in the wizard's pending step, which the confirming commit
 *   clears together with binding the passkey (of two tabs, one commits);
 * - sign-in: the challenge is an entry of the document with its TTL, taken in the unit that
 *   verifies the assertion, so of N parallel uses of one assertion exactly one commits.
 *
 * A verification that fails throws a typed error and the unit is not committed: nothing changes,
 * nothing is sent. The signature counter must grow when either side has seen one above zero
 * (a cloned authenticator replays an old count: `passkey_rejected`, `counter_regression`).
 *
 * Passkeys have no failure cap: there is no secret to guess (a forged assertion needs the
 * private key), so a cap would only let a stranger lock a user out (RATE-08).
 *
 * @module
 */

import type {
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { keyedHash } from "../crypto/keyed-hash.js";
import { randomId } from "../crypto/random-string.js";
import { fromBase64Url, toBase64Url } from "../crypto/seal.js";
import { MfaError } from "../errors.js";
import type {
  Binding,
  FactorCeremony,
  FactorModule,
  RegisteredFactor,
} from "../factors/registry.js";
import type { FlowDeps } from "../flow-deps.js";
import { userKey } from "../keys.js";
import type { RandomSource } from "../ports/clock.js";
import type { Keyring } from "../ports/keyring.js";
import type { JsonValue } from "../ports/store.js";
import type { Registration } from "../registration/registration.js";
import {
  authenticationResponseSchema,
  type PasskeyCreationOptionsJSON,
  type PasskeyRequestOptionsJSON,
  parseCredential,
  registrationResponseSchema,
} from "./passkey-json.js";
import type { WebAuthnSettings } from "./webauthn-config.js";

/**
 * `@simplewebauthn/server`, loaded on the first ceremony: with its ASN.1 and CBOR parsers it is
 * about 5 MB of heap (a third of the core's), which an app without passkeys never needs.
 */
let webauthnLibrary: Promise<typeof import("@simplewebauthn/server")> | undefined;
const webauthn = () => {
  webauthnLibrary ??= import("@simplewebauthn/server");
  return webauthnLibrary;
};

/** A passkey as the user's registration holds it: public data only. */
export interface StoredPasskey {
  /** The factor id (`pk_…`): Security info's rename, remove and prefer take it. */
  readonly id: string;
  /** The credential id, base64url, as the authenticator made it. */
  readonly credentialId: string;
  /** The credential's COSE public key, base64url. */
  readonly publicKey: string;
  /** The highest signature counter seen (0 for authenticators that keep none). */
  readonly counter: number;
  /** The credential may be synced to other devices (the BE flag). */
  readonly backupEligible: boolean;
  /** The credential was synced when last seen (the BS flag). */
  readonly backedUp: boolean;
  /** How the browser may reach the authenticator (`internal`, `usb`, `hybrid`, …). */
  readonly transports: readonly string[];
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

/** A binding the registration ceremony confirmed: the passkey and the name the user gave it. */
export interface PasskeyBinding {
  readonly kind: "passkey";
  readonly passkey: StoredPasskey;
  readonly name: string | null;
}

/** What the passkey ceremonies need beyond the flows: `createMfa` builds it from `webauthn`. */
export interface WebAuthnContext {
  readonly settings: WebAuthnSettings;
  readonly random: RandomSource;
  readonly keyring: Keyring;
}

/** The view of a passkey registration: what to pass to `navigator.credentials.create()`. */
export interface PasskeySetupView {
  readonly kind: "passkey";
  readonly options: PasskeyCreationOptionsJSON;
  /** Seconds left to answer; 0 once the challenge expired (`restart` makes a new one). */
  readonly expiresInSeconds: number;
}

/** A started passkey sign-in: what to pass to `navigator.credentials.get()`. */
export interface PasskeySignIn {
  readonly challengeId: string;
  readonly options: PasskeyRequestOptionsJSON;
  readonly expiresInSeconds: number;
}

/** The wizard's pending state of a passkey registration (in the enrolment record). */
interface SetupState {
  readonly challenge: string;
  readonly expiresAt: number;
  readonly name: string | null;
  readonly accountName: string;
}

/** Why a verification failed, as `passkey_rejected`'s `data.reason`. */
type RejectReason =
  | "origin_mismatch"
  | "rp_id_mismatch"
  | "challenge_mismatch"
  | "user_not_verified"
  | "user_not_present"
  | "counter_regression"
  | "signature_invalid"
  | "unknown_credential"
  | "credential_exists"
  | "unsupported";

const reject = (reason: RejectReason, cause?: unknown): never => {
  throw new MfaError("passkey_rejected", { data: { reason }, cause });
};

/** The library's refusal, as a stable reason (its messages are not an API: anything else is `unsupported`). */
function reasonOf(e: unknown): RejectReason {
  const message = e instanceof Error ? e.message : "";
  if (/origin/i.test(message)) return "origin_mismatch";
  if (/RP ID/.test(message)) return "rp_id_mismatch";
  if (/challenge/i.test(message)) return "challenge_mismatch";
  if (/verification/i.test(message)) return "user_not_verified";
  if (/not present/i.test(message)) return "user_not_present";
  if (/signature/i.test(message)) return "signature_invalid";
  return "unsupported";
}

const CHALLENGE_ID = /^pkc_[A-Za-z0-9_-]{22}$/;
const MAX_NAME = 64;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** ES256 and RS256: what every platform authenticator and security key makes. */
const ALGORITHMS = [-7, -257];

/** Base64url to bytes on a plain ArrayBuffer (what the library's types ask for). */
const bytesOf = (text: string) => new Uint8Array(fromBase64Url(text));

const passkeysOf = (reg: Registration): readonly StoredPasskey[] => reg.passkeys ?? [];

/**
 * A passkey's name as the user typed it, checked: 1 to 64 characters, no control characters,
 * well-formed (a lone surrogate cannot be stored or shown). `null` when none was given.
 */
export function passkeyName(name: unknown): string | null {
  if (name === undefined || name === null) return null;
  const trimmed = typeof name === "string" ? name.trim() : "";
  let wellFormed = true;
  try {
    encodeURIComponent(trimmed); // throws URIError on a lone surrogate
  } catch {
    wellFormed = false;
  }
  if (
    trimmed.length === 0 ||
    [...trimmed].length > MAX_NAME ||
    CONTROL.test(trimmed) ||
    !wellFormed
  )
    throw new MfaError("invalid_input", {
      message: `A name is 1 to ${MAX_NAME} characters, with no control characters.`,
      data: { field: "name" },
    });
  return trimmed;
}

/** The ceremonies' settings, or a typed error when `createMfa` was given none. */
function contextOf(deps: FlowDeps): WebAuthnContext {
  if (!deps.webauthn)
    throw new MfaError("config_invalid", {
      message: "Passkeys need the webauthn settings in createMfa.",
      data: { field: "webauthn" },
    });
  return deps.webauthn;
}

/**
 * The WebAuthn user handle of a user: a keyed hash of the id, so the authenticator (and anyone
 * who reads it) never holds the app's user id, which may be an email (W3C WebAuthn L3 §14.6.1).
 */
const userHandle = (keyring: Keyring, userId: string) =>
  Uint8Array.from(
    (keyedHash(keyring, "lookup-hmac", ["webauthn-user", userId]).digest.match(/../g) ?? []).map(
      (h) => Number.parseInt(h, 16),
    ),
  );

const descriptors = (reg: Registration) =>
  passkeysOf(reg).map((p) => ({ id: p.credentialId, transports: [...p.transports] }));

/** The registration options for `state` (the same on every render of the step). */
async function creationOptions(
  ctx: WebAuthnContext,
  userId: string,
  reg: Registration,
  state: SetupState,
): Promise<PasskeyCreationOptionsJSON> {
  const { settings } = ctx;
  const options = await (await webauthn()).generateRegistrationOptions({
    rpName: settings.rpName,
    rpID: settings.rpId,
    userName: state.accountName,
    userDisplayName: state.accountName,
    userID: userHandle(ctx.keyring, userId),
    challenge: bytesOf(state.challenge),
    timeout: settings.challengeTtlSeconds * 1000,
    attestationType: settings.attestation,
    excludeCredentials: descriptors(reg),
    authenticatorSelection: {
      residentKey: "preferred",
      userVerification: settings.userVerification,
    },
    supportedAlgorithmIDs: ALGORITHMS,
  });
  return options as PasskeyCreationOptionsJSON;
}

/**
 * Sign-in challenges a user may have pending at once. Beginning a sign-in needs only a user id,
 * so without a cap anyone could fill the user's document with challenges (every action of that
 * user reads it): a new one evicts the oldest instead, and a few tabs still work side by side.
 */
export const MAX_PENDING_PASSKEY_SIGNINS = 8;

/** The user's pending sign-in challenges: one entry, so the cap is one compare-and-set. */
type PendingSignIns = {
  readonly items: ReadonlyArray<{
    readonly id: string;
    readonly challenge: string;
    readonly exp: number;
  }>;
};

const signinsKey = (userId: string) => userKey(userId, "passkey-signins");

/** The live pending challenges (expired ones dropped). */
async function pendingSignIns(deps: FlowDeps, userId: string) {
  const entry = await deps.store.get<PendingSignIns & Record<string, never>>(signinsKey(userId));
  const now = deps.clock.now();
  return ((entry?.value as PendingSignIns | undefined)?.items ?? []).filter((i) => i.exp > now);
}

/** Writes the pending challenges back; the entry lives as long as its newest challenge. */
async function savePendingSignIns(
  deps: FlowDeps,
  userId: string,
  items: PendingSignIns["items"],
): Promise<void> {
  if (items.length === 0) {
    await deps.store.delete(signinsKey(userId));
    return;
  }
  const ttlMs = Math.max(1, Math.max(...items.map((i) => i.exp)) - deps.clock.now());
  await deps.store.put(signinsKey(userId), { items } as never, { ttlMs });
}

const ceremony: FactorCeremony = {
  async beginSetup(deps, input) {
    const ctx = contextOf(deps);
    if (passkeysOf(input.reg).length >= ctx.settings.maxPasskeys)
      throw new MfaError("invalid_input", {
        message: "You have the most passkeys allowed: remove one first.",
        data: { field: "method", reason: "passkey_limit", max: ctx.settings.maxPasskeys },
      });
    const state: SetupState = {
      challenge: toBase64Url(ctx.random.bytes(32)),
      expiresAt: deps.clock.now() + ctx.settings.challengeTtlSeconds * 1000,
      name: passkeyName(input.name),
      accountName: input.accountName,
    };
    return state as unknown as JsonValue;
  },

  async setupView(deps, input) {
    const ctx = contextOf(deps);
    const state = input.state as unknown as SetupState;
    return {
      kind: "passkey",
      options: await creationOptions(ctx, input.userId, input.reg, state),
      expiresInSeconds: Math.max(0, Math.ceil((state.expiresAt - deps.clock.now()) / 1000)),
    };
  },

  async confirmSetup(deps, input) {
    const { settings } = contextOf(deps);
    const state = input.state as unknown as SetupState;
    const response = parseCredential(registrationResponseSchema, input.answer, "answer");
    if (state.expiresAt <= deps.clock.now()) return { ok: false, reason: "expired" };
    const verified = await (await webauthn())
      .verifyRegistrationResponse({
        response: response as Parameters<typeof verifyRegistrationResponse>[0]["response"],
        expectedChallenge: state.challenge,
        expectedOrigin: [...settings.origins],
        expectedRPID: settings.rpId,
        requireUserPresence: true,
        requireUserVerification: settings.userVerification === "required",
        supportedAlgorithmIDs: ALGORITHMS,
      })
      .catch((e: unknown) => reject(reasonOf(e), e));
    if (!verified.verified) return reject("signature_invalid");
    const info = verified.registrationInfo;
    if (passkeysOf(input.reg).some((p) => p.credentialId === info.credential.id))
      return reject("credential_exists");
    const passkey: StoredPasskey = {
      id: randomId("pk_", contextOf(deps).random),
      credentialId: info.credential.id,
      publicKey: toBase64Url(info.credential.publicKey),
      counter: info.credential.counter,
      backupEligible: info.credentialDeviceType === "multiDevice",
      backedUp: info.credentialBackedUp,
      transports: [...(response.response.transports ?? [])],
      createdAt: deps.clock.now(),
      lastUsedAt: null,
    };
    const binding: PasskeyBinding = { kind: "passkey", passkey, name: state.name };
    return { ok: true, binding };
  },

  async beginSignIn(deps, input) {
    const ctx = contextOf(deps);
    const { settings } = ctx;
    const held = passkeysOf(input.reg);
    if (held.length === 0) throw new MfaError("factor_not_found", { data: { method: "passkey" } });
    const challengeId = randomId("pkc_", ctx.random);
    const challenge = toBase64Url(ctx.random.bytes(32));
    const ttlMs = settings.challengeTtlSeconds * 1000;
    const pending = await pendingSignIns(deps, input.userId);
    await savePendingSignIns(
      deps,
      input.userId,
      [...pending, { id: challengeId, challenge, exp: deps.clock.now() + ttlMs }].slice(
        -MAX_PENDING_PASSKEY_SIGNINS,
      ),
    );
    const options = await (await webauthn()).generateAuthenticationOptions({
      rpID: settings.rpId,
      allowCredentials: descriptors(input.reg),
      challenge: bytesOf(challenge),
      timeout: ttlMs,
      userVerification: settings.userVerification,
    });
    return {
      challengeId,
      options: options as PasskeyRequestOptionsJSON,
      expiresInSeconds: settings.challengeTtlSeconds,
    };
  },

  async verifySignIn(deps, input) {
    const { settings } = contextOf(deps);
    const { userId } = input;
    if (typeof input.challengeId !== "string" || !CHALLENGE_ID.test(input.challengeId))
      throw new MfaError("invalid_input", { data: { field: "challengeId" } });
    const response = parseCredential(authenticationResponseSchema, input.response, "response");
    // Taken in this unit: it commits with the new counter, or (on any throw) not at all.
    const pending = await pendingSignIns(deps, userId);
    const taken = pending.find((i) => i.id === input.challengeId);
    if (taken)
      await savePendingSignIns(
        deps,
        userId,
        pending.filter((i) => i !== taken),
      );
    if (!taken) throw new MfaError("challenge_not_found", { data: { field: "challengeId" } });
    const stored = passkeysOf(input.reg).find((p) => p.credentialId === response.id);
    // Another user's credential (or a removed one) is not this user's passkey.
    if (!stored) return reject("unknown_credential");
    const verified = await (await webauthn())
      .verifyAuthenticationResponse({
        response: response as Parameters<typeof verifyAuthenticationResponse>[0]["response"],
        expectedChallenge: taken.challenge,
        expectedOrigin: [...settings.origins],
        expectedRPID: settings.rpId,
        // The counter is judged below, where its refusal has its own reason.
        credential: {
          id: stored.credentialId,
          publicKey: bytesOf(stored.publicKey),
          counter: 0,
          transports: [...stored.transports] as never,
        },
        requireUserVerification: settings.userVerification === "required",
      })
      .catch((e: unknown) => reject(reasonOf(e), e));
    if (!verified.verified) return reject("signature_invalid");
    const { newCounter, credentialBackedUp } = verified.authenticationInfo;
    // A counter that did not grow is a clone's (W3C WebAuthn L3 §6.1.1); 0 and 0 is "no counter".
    if ((newCounter > 0 || stored.counter > 0) && newCounter <= stored.counter)
      return reject("counter_regression");
    const now = deps.clock.now();
    await deps.registrations.update(userId, (r) => ({
      ...r,
      passkeys: passkeysOf(r).map((p) =>
        p.id === stored.id
          ? { ...p, counter: newCounter, backedUp: credentialBackedUp, lastUsedAt: now }
          : p,
      ),
    }));
    return { factorId: stored.id };
  },
};

/** The registration without a name or preference left pointing at `id`. */
function forgetName(reg: Registration, id: string): Registration {
  const names = { ...(reg.names ?? {}) };
  delete names[id];
  return { ...reg, names, preferred: reg.preferred === id ? null : (reg.preferred ?? null) };
}

/** The passkey factor module of the registry. */
export const passkeyFactor: FactorModule = {
  kind: "passkey",
  role: "mfa",
  notice: "passkey",
  setup: "ceremony",
  phishingResistant: true,
  // Passkeys were first: their sign-in events kept their own names (passkey.verified, .rejected).
  signInEvents: "passkey",
  // A forged assertion needs the private key: a cap would only let a stranger lock the owner out.
  signInCap: "none",
  ceremony,
  list(reg) {
    const held = passkeysOf(reg);
    return held.map(
      (p, i): RegisteredFactor => ({
        id: p.id,
        kind: "passkey",
        role: "mfa",
        display: reg.names?.[p.id] ?? `Passkey${held.length > 1 ? ` ${i + 1}` : ""}`,
        name: reg.names?.[p.id] ?? null,
        verifiedAt: p.createdAt,
        preferred: reg.preferred === p.id,
      }),
    );
  },
  remove(reg, id) {
    const held = passkeysOf(reg);
    if (!held.some((p) => p.id === id)) return { registration: reg, removed: false };
    return {
      registration: forgetName({ ...reg, passkeys: held.filter((p) => p.id !== id) }, id),
      removed: true,
    };
  },
  bind(reg, binding: Binding, _now) {
    if (binding.kind !== "passkey") return reg;
    const { passkey, name } = binding;
    return {
      ...reg,
      passkeys: [...passkeysOf(reg), passkey],
      ...(name ? { names: { ...(reg.names ?? {}), [passkey.id]: name } } : {}),
    };
  },
};
