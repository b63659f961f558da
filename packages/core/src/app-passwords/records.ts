/**
 * Where app passwords live in the store, and the compare-and-set steps that change them.
 *
 * Two kinds of record per user, both under the user's key prefix:
 *
 * - the **index**, `app-pw:index`: one entry per app password (id, name, created, format, key
 *   id, slot). It is what counts against the cap and what `list` and `revoke` read. It changes
 *   only on create and revoke, always by compare-and-set, so concurrent creates cannot overshoot
 *   the cap (APP-02, REL-01) on any store that honours the Store port's contract.
 * - the **slots**, `app-pw:h:<digest>` or `app-pw:b:<bucket>` (see `password-hash.ts`): what a
 *   verification reads, with the last-used time of each password, so a sign-in never writes the
 *   index and two passwords never contend on one record (bar a rare shared 16-bit bucket).
 *
 * Ordering keeps the two consistent without transactions: a slot item is written before its
 * index entry and removed before it. So a crash leaves at worst an index entry with no slot (it
 * is listed, counts, never verifies, and can be revoked) or a slot item with no index entry for a
 * password that was never shown to anyone (`revokeAll` sweeps those).
 *
 * @module
 */

import { MfaError } from "../errors.js";
import { userKey } from "../keys.js";
import type { JsonValue, Store } from "../ports/store.js";
import type { AppPasswordFormat } from "./password-format.js";
import type { ScryptHash } from "./password-hash.js";

/** One app password in the index. */
export type IndexEntry = {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly format: AppPasswordFormat;
  /** The keyring id its slot was computed under. */
  readonly keyId: string;
  /** Its slot, `"h:<digest>"` or `"b:<bucket>"`. */
  readonly slot: string;
};

/** One app password in a slot. */
export type SlotItem = {
  readonly id: string;
  /** When it last verified (ms since epoch), or `null`. */
  readonly lastUsedAt: number | null;
  /** The scrypt hash of a `"microsoft"` password; `null` for a strong one (its slot is its hash). */
  readonly scrypt: ScryptHash | null;
};

type Items<T> = { readonly v: 1; readonly items: readonly T[] };

/** Most compare-and-set rounds one change may take before giving up with `store_conflict`. */
const MAX_ROUNDS = 100;

/**
 * How long an emptied slot lingers. The Store port has no compare-and-delete, and a plain delete
 * could erase an item that a concurrent create just added to the same bucket; so an emptied slot
 * is written empty by compare-and-set and left to expire.
 */
const EMPTY_SLOT_TTL_MS = 60_000;

const indexKey = (userId: string) => userKey(userId, "app-pw", "index");

/** The store key of slot `slot` of `userId`. */
export const slotKey = (userId: string, slot: string) => userKey(userId, "app-pw", slot);

/** Key prefixes under which every slot of `userId` lives. */
export const slotPrefixes = (userId: string) => [slotKey(userId, "h:"), slotKey(userId, "b:")];

/** What one compare-and-set step decides: maybe a new value to write, and the answer. */
type Step<T, R> = { readonly write?: Items<T>; readonly ttlMs?: number; readonly result: R };

/**
 * Reads `key`, lets `decide` compute the next value, and writes it only if nobody wrote the key
 * in between; on a clash it starts over from what is stored now. `decide` may run several
 * times, so whatever it does besides computing must be safe to repeat.
 */
async function update<T extends JsonValue, R>(
  store: Store,
  key: string,
  decide: (items: readonly T[]) => Step<T, R> | Promise<Step<T, R>>,
): Promise<R> {
  let entry = await store.get<Items<T>>(key);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const step = await decide(entry?.value.items ?? []);
    if (!step.write) return step.result;
    const put = await store.put(key, step.write, {
      expectVersion: entry?.version ?? null,
      ttlMs: step.ttlMs,
    });
    if (put.ok) return step.result;
    entry = put.current as typeof entry;
  }
  throw new MfaError("store_conflict", { data: { record: "app-password", rounds: MAX_ROUNDS } });
}

const items = <T>(list: readonly T[]): Items<T> => ({ v: 1, items: list });

/** The index entries of `userId`, oldest first. */
export async function readIndex(store: Store, userId: string): Promise<readonly IndexEntry[]> {
  return (await store.get<Items<IndexEntry>>(indexKey(userId)))?.value.items ?? [];
}

/** Appends `entry` unless the index already holds `cap` entries; `false` when it was full. */
export function addToIndex(
  store: Store,
  userId: string,
  entry: IndexEntry,
  cap: number,
): Promise<boolean> {
  return update<IndexEntry, boolean>(store, indexKey(userId), (list) =>
    list.length >= cap ? { result: false } : { write: items([...list, entry]), result: true },
  );
}

/**
 * Removes the entry `id` from the index, but first awaits `beforeRemove` on the entry as it is
 * now (to remove its slot item first). `null` if the index has no such entry.
 */
export function removeFromIndex(
  store: Store,
  userId: string,
  id: string,
  beforeRemove: (entry: IndexEntry) => Promise<unknown>,
): Promise<IndexEntry | null> {
  return update<IndexEntry, IndexEntry | null>(store, indexKey(userId), async (list) => {
    const entry = list.find((e) => e.id === id);
    if (!entry) return { result: null };
    await beforeRemove(entry);
    return { write: items(list.filter((e) => e !== entry)), result: entry };
  });
}

/**
 * Empties the index, but first awaits `beforeClear` on its entries as they are now (to sweep the
 * slots). Returns how many entries it removed.
 */
export function clearIndex(
  store: Store,
  userId: string,
  beforeClear: () => Promise<unknown>,
): Promise<number> {
  return update<IndexEntry, number>(store, indexKey(userId), async (list) => {
    await beforeClear();
    // Written even when already empty: the compare-and-set is what proves no create slipped
    // an entry in while the slots were being swept.
    return { write: items([]), result: list.length };
  });
}

/** The items of slot `key`, empty when there is none. */
export async function readSlot(store: Store, key: string): Promise<readonly SlotItem[]> {
  return (await store.get<Items<SlotItem>>(key))?.value.items ?? [];
}

/** Adds `item` to slot `key`. */
export function addToSlot(store: Store, key: string, item: SlotItem): Promise<void> {
  return update<SlotItem, undefined>(store, key, (list) => ({
    write: items([...list, item]),
    result: undefined,
  }));
}

/** Removes item `id` from slot `key`; `true` if it was there. */
export function removeFromSlot(store: Store, key: string, id: string): Promise<boolean> {
  return update<SlotItem, boolean>(store, key, (list) => {
    const rest = list.filter((i) => i.id !== id);
    if (rest.length === list.length) return { result: false };
    return {
      write: items(rest),
      ttlMs: rest.length === 0 ? EMPTY_SLOT_TTL_MS : undefined,
      result: true,
    };
  });
}

/**
 * Records that item `id` of slot `key` was used at `now`. `false` if the item is gone (revoked
 * meanwhile): a put never brings a revoked password back, because it is a compare-and-set.
 */
export function touchSlotItem(
  store: Store,
  key: string,
  id: string,
  now: number,
): Promise<boolean> {
  return update<SlotItem, boolean>(store, key, (list) => {
    if (!list.some((i) => i.id === id)) return { result: false };
    return {
      write: items(list.map((i) => (i.id === id ? { ...i, lastUsedAt: now } : i))),
      result: true,
    };
  });
}

/** Deletes every slot record of `userId`, orphans included. */
export async function deleteAllSlots(store: Store, userId: string): Promise<void> {
  for (const prefix of slotPrefixes(userId)) {
    let cursor: string | null = null;
    do {
      const page = await store.list(prefix, cursor === null ? {} : { cursor });
      await Promise.all(page.items.map((item) => store.delete(item.key)));
      cursor = page.cursor;
    } while (cursor !== null);
  }
}
