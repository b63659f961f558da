/**
 * Remembered devices: "don't ask again on this device for N days" (better-auth's trusted
 * devices, Entra's "remember MFA").
 *
 * A device is remembered only in the answer to a successful second-factor check, by a random
 * token (256 bits) the app keeps in a cookie. The user's document holds only a keyed hash of it,
 * bound to the user, with an expiry fixed when it was made; listing shows names and dates, never a
 * token. Each can be revoked, all are revoked on a password change, a factor reset or an admin's
 * re-registration. At most {@link MAX_REMEMBERED_DEVICES} per user: a new one evicts the oldest.
 *
 * @module
 */

import { keyedHash, verifyKeyedHash } from "../crypto/keyed-hash.js";
import { randomId } from "../crypto/random-string.js";
import { toBase64Url } from "../crypto/seal.js";
import { MfaError } from "../errors.js";
import { userKey } from "../keys.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { Keyring } from "../ports/keyring.js";
import type { Store } from "../ports/store.js";

/** A remembered device, as listed: never its token. */
export interface RememberedDevice {
  readonly id: string;
  /** What the user or the app called it ("Firefox on Windows"). */
  readonly name: string;
  readonly createdAt: number;
  /** Fixed when it was remembered: using it does not extend it. */
  readonly expiresAt: number;
  readonly lastUsedAt: number | null;
}

/** A device just remembered: the token is in this answer only. */
export interface DeviceToken {
  readonly id: string;
  /** Keep it in an HttpOnly, Secure cookie; present it to `challenge.recognizeDevice`. */
  readonly token: string;
  readonly expiresAt: number;
}

/** Devices a user may have remembered at once; a new one evicts the oldest. */
export const MAX_REMEMBERED_DEVICES = 20;

/** The longest device name kept, in characters. */
const MAX_NAME = 64;

const TOKEN = /^dv_[A-Za-z0-9_-]{43}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we drop
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** A last use is written at most this often: a sign-in is not a write every time. */
const LAST_USED_RESOLUTION_MS = 60_000;

type Item = RememberedDevice & {
  readonly hash: { readonly keyId: string; readonly digest: string };
};
type Devices = { readonly v: 1; readonly items: readonly Item[] };

/** Remembered devices over a store (in the SDK, the user's unit of work). */
export function rememberedDevices(deps: {
  store: Store;
  keyring: Keyring;
  clock: Clock;
  random: RandomSource;
}) {
  const { store, keyring, clock, random } = deps;
  const key = (userId: string) => userKey(userId, "devices");
  const read = async (userId: string) => {
    const entry = await store.get<Devices & Record<string, never>>(key(userId));
    const now = clock.now();
    const items = ((entry?.value as Devices | undefined)?.items ?? []).filter(
      (i) => i.expiresAt > now,
    );
    return { items, version: entry?.version ?? null };
  };
  const write = async (userId: string, items: readonly Item[], version: number | null) => {
    const put = await store.put(key(userId), { v: 1, items } as never, { expectVersion: version });
    if (!put.ok) throw new MfaError("store_conflict", { data: { record: "devices" } });
  };
  const info = ({ hash: _, ...rest }: Item): RememberedDevice => rest;

  return {
    /** Remembers a device for `days`; the token is in the answer only. */
    async remember(userId: string, name: unknown, days: number): Promise<DeviceToken> {
      const label =
        typeof name === "string" && name.trim().length > 0
          ? [...name.replace(CONTROL, " ").trim()].slice(0, MAX_NAME).join("")
          : "This device";
      const now = clock.now();
      const token = `dv_${toBase64Url(random.bytes(32))}`;
      const item: Item = {
        id: randomId("dev_", random),
        name: label,
        createdAt: now,
        expiresAt: now + days * 86_400_000,
        lastUsedAt: null,
        hash: keyedHash(keyring, "device-hmac", [userId, token]),
      };
      const { items, version } = await read(userId);
      const kept = [...items, item].slice(-MAX_REMEMBERED_DEVICES);
      await write(userId, kept, version);
      return { id: item.id, token, expiresAt: item.expiresAt };
    },

    /**
     * The device a token remembers, or `null` (unknown, expired, revoked). A token that is not a
     * device token at all is `invalid_input` (field `token`), before anything is read.
     */
    async recognize(userId: string, token: unknown): Promise<RememberedDevice | null> {
      if (typeof token !== "string" || token.length > 64 || !TOKEN.test(token)) {
        throw new MfaError("invalid_input", { data: { field: "token" } });
      }
      const { items, version } = await read(userId);
      const found = items.find((i) =>
        verifyKeyedHash(keyring, "device-hmac", [userId, token], i.hash),
      );
      if (!found) return null;
      const now = clock.now();
      if (found.lastUsedAt === null || now - found.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
        await write(
          userId,
          items.map((i) => (i === found ? { ...i, lastUsedAt: now } : i)),
          version,
        );
        return info({ ...found, lastUsedAt: now });
      }
      return info(found);
    },

    /** The user's live remembered devices, oldest first. */
    async list(userId: string): Promise<RememberedDevice[]> {
      return (await read(userId)).items.map(info);
    },

    /** Forgets one device; `true` if it was remembered. */
    async revoke(userId: string, id: unknown): Promise<boolean> {
      if (typeof id !== "string" || id.length > 64) {
        throw new MfaError("invalid_input", { data: { field: "id" } });
      }
      const { items, version } = await read(userId);
      const rest = items.filter((i) => i.id !== id);
      if (rest.length === items.length) return false;
      await write(userId, rest, version);
      return true;
    },

    /** Forgets every device of the user; how many there were. */
    async revokeAll(userId: string): Promise<number> {
      const { items, version } = await read(userId);
      if (items.length > 0 || version !== null) await store.delete(key(userId));
      return items.length;
    },
  };
}

/** The remembered-devices module of one action. */
export type RememberedDevices = ReturnType<typeof rememberedDevices>;
