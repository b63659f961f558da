/**
 * The app-password service: create, verify, list, revoke.
 *
 * Key rotation: a password's slot is computed under the keyring's current key at creation, and
 * the index remembers that key id. `verify` looks under the current key first, then under each
 * older key id that the user's index names (at most one per key, never one per password). So a
 * password made under `k1` keeps working after `k2` becomes current, for as long as `k1` stays
 * in the keyring. Passwords are not re-keyed on use: moving a slot races with revocation and
 * could leave a revoked password verifiable. Retire `k1` once no app password made under it is
 * left; those still there stop verifying when it goes.
 *
 * @module
 */

import { randomId } from "../crypto/random-string.js";
import { MfaError, type VerifyFailure } from "../errors.js";
import { assertUserId } from "../keys.js";
import { systemClock, webCryptoRandom } from "../ports/clock.js";
import { emitEvent, type MfaEvent, noEvents } from "../ports/events.js";
import {
  APP_PASSWORD_LENGTH,
  type AppPasswordFormat,
  displayAppPassword,
  mintAppPassword,
  type NormalisedAppPassword,
  normaliseAppPassword,
} from "./password-format.js";
import { lookupSlot, scryptHash, scryptMatches } from "./password-hash.js";
import {
  addToIndex,
  addToSlot,
  clearIndex,
  deleteAllSlots,
  type IndexEntry,
  readIndex,
  readSlot,
  removeFromIndex,
  removeFromSlot,
  type SlotItem,
  slotKey,
  touchSlotItem,
} from "./records.js";
import type {
  AppPasswordInfo,
  AppPasswordOptions,
  AppPasswordService,
  AppPasswordServiceDeps,
  CreatedAppPassword,
} from "./types.js";

/** Default per-user cap (APP-02: Microsoft Entra's limit). */
export const DEFAULT_APP_PASSWORD_CAP = 40;
/** Highest cap accepted: the index is one record, rewritten on every create and revoke. */
export const MAX_APP_PASSWORD_CAP = 1000;
/** Longest app-password name, in UTF-16 code units after trimming. */
export const MAX_APP_PASSWORD_NAME_LENGTH = 64;

/** A sign-in within this long of the recorded last use does not write it again. */
const LAST_USED_RESOLUTION_MS = 60_000;
/** Longest id `revoke` looks up; ours are 25 characters. */
const MAX_ID_LENGTH = 64;

const MISMATCH: VerifyFailure = Object.freeze({ ok: false, reason: "code_mismatch" });

/**
 * Creates the app-password service.
 *
 * @example
 * ```ts
 * const appPasswords = createAppPasswordService({ store, keyring, events });
 * const { password } = await appPasswords.create({ userId, name: "Thunderbird" });
 * // show `password` once; later, in the IMAP server's LOGIN handler:
 * const r = await appPasswords.verify({ userId, password: typed });
 * if (r.ok) allowMailAccess(r.userId); // legacy protocols only (APP-04)
 * ```
 *
 * @throws MfaError `config_invalid` listing every problem with `deps` and `options`.
 */
export function createAppPasswordService(
  deps: AppPasswordServiceDeps,
  options: AppPasswordOptions = {},
): AppPasswordService {
  const config = resolveOptions(deps, options);
  const { store, keyring } = deps;
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? webCryptoRandom;
  const events = deps.events ?? noEvents;

  const emit = (event: DistributiveOmit<MfaEvent, "at">) =>
    emitEvent(events, { ...event, at: new Date(clock.now()).toISOString() } as MfaEvent);

  /** The matching slot item of `input` under key `keyId`, if any. */
  async function findUnder(
    userId: string,
    input: NormalisedAppPassword,
    keyId: string,
  ): Promise<{ key: string; item: SlotItem } | null> {
    const key = slotKey(userId, lookupSlot(keyring, keyId, userId, input.letters, input.format));
    for (const item of await readSlot(store, key)) {
      // A strong slot is named by the full digest: being there is the match.
      if (
        item.scrypt === null
          ? input.format === "strong"
          : await scryptMatches(input.letters, item.scrypt)
      ) {
        return { key, item };
      }
    }
    return null;
  }

  /**
   * The slot item `input` matches: under the current key first, then under each older key id
   * the user's index names (one HMAC and one read per key id, however many passwords).
   */
  async function find(userId: string, input: NormalisedAppPassword) {
    const current = await findUnder(userId, input, keyring.currentId);
    if (current) return current;
    const olderKeyIds = new Set(
      (await readIndex(store, userId))
        .filter((e) => e.format === input.format && e.keyId !== keyring.currentId)
        .map((e) => e.keyId),
    );
    for (const keyId of olderKeyIds) {
      // A key that has left the keyring takes its passwords with it (see the module comment).
      if (!keyring.key(keyId)) continue;
      const found = await findUnder(userId, input, keyId);
      if (found) return found;
    }
    return null;
  }

  return {
    options: config,

    async create({ userId, name }) {
      assertUserId(userId);
      const label = checkName(name);
      // Checked before minting so that a user at the cap costs no scrypt and writes nothing;
      // addToIndex checks again atomically.
      if ((await readIndex(store, userId)).length >= config.cap) throw limitReached(config.cap);

      const format = config.format;
      const letters = mintAppPassword(format, random);
      const keyId = keyring.currentId;
      const entry: IndexEntry = {
        id: randomId("ap_", random),
        name: label,
        createdAt: clock.now(),
        format,
        keyId,
        slot: lookupSlot(keyring, keyId, userId, letters, format),
      };
      const item: SlotItem = {
        id: entry.id,
        lastUsedAt: null,
        scrypt: format === "strong" ? null : await scryptHash(letters, random),
      };
      const key = slotKey(userId, entry.slot);

      // Slot first, index second (see records.ts): until the index entry lands, the slot item
      // is a password nobody has seen.
      await addToSlot(store, key, item);
      if (!(await addToIndex(store, userId, entry, config.cap))) {
        await removeFromSlot(store, key, item.id);
        throw limitReached(config.cap);
      }
      // A revokeAll running at the same time may have swept the slot item as an orphan after
      // it read the index. Handing out a password that cannot verify would be worse than
      // failing, so undo and fail.
      if (!(await readSlot(store, key)).some((i) => i.id === item.id)) {
        await removeFromIndex(store, userId, entry.id, () => removeFromSlot(store, key, item.id));
        throw new MfaError("store_conflict", { data: { operation: "app_password.create" } });
      }

      await emit({ type: "app_password.created", userId, appPasswordId: entry.id, name: label });
      return {
        id: entry.id,
        name: label,
        createdAt: entry.createdAt,
        lastUsedAt: null,
        password: displayAppPassword(letters),
      } satisfies CreatedAppPassword;
    },

    async verify({ userId, password }) {
      assertUserId(userId);
      if (typeof password !== "string") {
        throw new MfaError("invalid_input", { data: { field: "password" } });
      }
      const input = normaliseAppPassword(password);
      if (!input) return MISMATCH;
      const found = await find(userId, input);
      if (!found) return MISMATCH;
      const now = clock.now();
      const { lastUsedAt } = found.item;
      if (lastUsedAt === null || now - lastUsedAt >= LAST_USED_RESOLUTION_MS) {
        // The touch is a compare-and-set: if the password was revoked since we read it, it
        // finds nothing, writes nothing, and the revocation wins (BIND-08).
        if (!(await touchSlotItem(store, found.key, found.item.id, now))) return MISMATCH;
      }
      await emit({ type: "app_password.used", userId, appPasswordId: found.item.id });
      return { ok: true, id: found.item.id, userId };
    },

    async list({ userId }) {
      assertUserId(userId);
      const entries = await readIndex(store, userId);
      const slots = new Map<string, Promise<readonly SlotItem[]>>();
      for (const e of entries) {
        if (!slots.has(e.slot)) slots.set(e.slot, readSlot(store, slotKey(userId, e.slot)));
      }
      const infos: AppPasswordInfo[] = [];
      for (const e of entries) {
        const item = (await slots.get(e.slot))?.find((i) => i.id === e.id);
        infos.push({
          id: e.id,
          name: e.name,
          createdAt: e.createdAt,
          lastUsedAt: item?.lastUsedAt ?? null,
        });
      }
      return infos.sort((a, b) => a.createdAt - b.createdAt);
    },

    async revoke({ userId, id }) {
      assertUserId(userId);
      if (typeof id !== "string" || id.length === 0) {
        throw new MfaError("invalid_input", { data: { field: "id" } });
      }
      if (id.length > MAX_ID_LENGTH) return false;
      // Slot item first, index entry second: once revoke returns, nothing verifies it.
      const removed = await removeFromIndex(store, userId, id, (e) =>
        removeFromSlot(store, slotKey(userId, e.slot), e.id),
      );
      if (!removed) return false;
      await emit({ type: "app_password.revoked", userId, appPasswordId: id });
      return true;
    },

    async revokeAll({ userId }) {
      assertUserId(userId);
      const count = await clearIndex(store, userId, () => deleteAllSlots(store, userId));
      if (count > 0) await emit({ type: "app_password.revoked", userId, appPasswordId: "all" });
      return count;
    },
  };
}

/** `Omit` applied to each member of a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function resolveOptions(
  deps: AppPasswordServiceDeps,
  options: AppPasswordOptions,
): Readonly<Required<AppPasswordOptions>> {
  const cap = options.cap ?? DEFAULT_APP_PASSWORD_CAP;
  const format = options.format ?? "strong";
  const problems: string[] = [];
  if (!deps?.store) problems.push("deps.store is required");
  if (!deps?.keyring) problems.push("deps.keyring is required");
  if (!Number.isInteger(cap) || cap < 1 || cap > MAX_APP_PASSWORD_CAP) {
    problems.push(`cap must be an integer from 1 to ${MAX_APP_PASSWORD_CAP}`);
  }
  if (!Object.hasOwn(APP_PASSWORD_LENGTH, format)) {
    problems.push('format must be "strong" or "microsoft"');
  }
  if (problems.length > 0) {
    throw new MfaError("config_invalid", {
      message: `App passwords: ${problems.join("; ")}.`,
      data: { module: "app-passwords", problems: problems.length },
    });
  }
  return Object.freeze({ cap, format: format as AppPasswordFormat });
}

/** The trimmed name, or a throw if it is not 1 to 64 characters free of control characters. */
function checkName(name: unknown): string {
  if (typeof name !== "string") throw new MfaError("invalid_input", { data: { field: "name" } });
  const trimmed = name.trim();
  if (trimmed.length > MAX_APP_PASSWORD_NAME_LENGTH) {
    throw new MfaError("input_too_long", {
      data: { field: "name", max: MAX_APP_PASSWORD_NAME_LENGTH },
    });
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (trimmed.length === 0 || /[\u0000-\u001f\u007f-\u009f]/.test(trimmed)) {
    throw new MfaError("invalid_input", {
      message: "An app password's name is 1 to 64 characters, with no control characters.",
      data: { field: "name" },
    });
  }
  return trimmed;
}

function limitReached(cap: number): MfaError {
  return new MfaError("app_password_limit_reached", { data: { cap } });
}
