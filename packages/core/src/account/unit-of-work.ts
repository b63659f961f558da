/**
 * One user action, one durable write: the unit of work every flow runs in.
 *
 * All of a user's state lives in ONE document, `mfa:{<user>}:account`: their registration,
 * enrolments, code challenges, authenticator apps, app passwords and failure counters. An action
 * (a wizard answer, a sign-in check, a Security info change) reads it once, runs the SDK's own
 * modules against a private overlay of it — they see an ordinary {@link Store} — and writes it
 * back with one compare-and-set. So:
 *
 * - a step is all-or-nothing: a code consumed, a factor bound and the wizard moved on land
 *   together or not at all, whatever crashes in between (REL-01, ASVS 2.3.3);
 * - every check of the user's state and the change that follows are one atomic decision: of two
 *   racing actions one commits and the other runs again on what the first wrote, or shows the
 *   current view (a counter or a one-time secret can't be read-then-written by two at once);
 * - an action costs one read and at most one commit of the user's state, on every store.
 *
 * What an action must not do twice or before its state is durable waits for the commit: audit
 * events and notices are queued and run only after it ({@link UnitOfWork.afterCommit}); a lost
 * commit drops them. Keys of no user (rate-limit windows, statistics) go straight to the store:
 * they are shared by all users and counted where they happen; or, when they must agree with the
 * document, they ride in its commit ({@link UnitOfWork.countOnCommit},
 * {@link UnitOfWork.putOnCommit}: the same `putAndCount`, so one round trip and one commit).
 *
 * Entries keep their versions and TTLs inside the document (on the SDK's clock); expired ones are
 * dropped at each commit, so the document holds only what is live.
 *
 * @module
 */

import { MfaError } from "../errors.js";
import { userPrefix } from "../keys.js";
import type { CountingStore } from "../limits/limits.js";
import type { Clock } from "../ports/clock.js";
import type { GuardedStore } from "../ports/guarded-store.js";
import type {
  IncrementItem,
  IncrementOptions,
  JsonValue,
  ListOptions,
  ListPage,
  PutItem,
  PutOptions,
  PutResult,
  StoreEntry,
} from "../ports/store.js";

/** One entry of the account document: value, version, expiry (epoch ms) or null. */
type Slot = { v: JsonValue; n: number; x: number | null };

/** The account document as stored. */
export type AccountDocument = { readonly v: 1; readonly e: Readonly<Record<string, Slot>> };

/** The document's key: the one key of a user. */
export const accountKey = (userId: string): string => `${userPrefix(userId)}account`;

/** A user's unit of work: a Store to run an action against, and its commit. */
export interface UnitOfWork {
  /** The user whose document this is. */
  readonly userId: string;
  /** The Store the action runs against: the user's keys in the overlay, the rest passed through. */
  readonly store: CountingStore;
  /**
   * Writes the overlay back with one compare-and-set, then runs what waited for it. `false`
   * when another action committed first: nothing was written, the queued work is dropped and the
   * overlay is reloaded from what is stored now (so the action may run again, or show it),
   * after a short random pause that grows with each loss in a row ({@link contentionPause}).
   * With nothing changed it writes nothing and answers `true`.
   */
  commit(): Promise<boolean>;
  /** Queues work for after the next successful commit (events, notices). */
  afterCommit(work: () => Promise<unknown> | unknown): void;
  /**
   * Adds to counters IN the next commit (rate-limit windows, statistics): the user's own ones in
   * the document, the shared ones in the same write as the document where the store can
   * (`putAndCount`: one round trip, one commit). The handle's `counts` (in `items`' order) are
   * there once the commit succeeded; a lost commit counts nothing and leaves them `null`.
   */
  countOnCommit(items: readonly IncrementItem[]): { readonly counts: readonly number[] | null };
  /**
   * Writes `item` IN the next commit, unconditionally (no `expectVersion`): a key of no user
   * that must land with the document or not at all (the index of a message sent to the user,
   * which a receipt follows to the document), as an extra put of the same `putAndCount`. A
   * user's own key is written into the document at the commit. A lost commit writes nothing
   * (the action runs again and queues it again), as {@link UnitOfWork.countOnCommit}. A later
   * queued write of the same key replaces an earlier one.
   */
  putOnCommit(item: PutItem): void;
  /** Whether the overlay holds changes not yet committed. */
  readonly dirty: boolean;
}

/**
 * How long an action waits after losing its compare-and-set `losses` times in a row, before it
 * reloads the document and runs again: a random time under 2^losses ms (at most 64 ms; under
 * 250 ms over the 8 retries an action gets). Without it, actions that lost together reload
 * together and race again in the same order: of 200 parallel wrong guesses and the owner's
 * sign-in, one commits per round, and the owner (started last, last every round) ran out of
 * retries (`store_conflict`) once the store settled every write at one moment (the SQLite
 * store's group commit). Spread at random, the racers commit one after the other and each
 * action gets its turn (RATE-08: a stranger's burst must not fail the owner).
 */
export function contentionPause(losses: number): Promise<void> {
  const ms = Math.floor(Math.random() * 2 ** Math.min(losses, 6));
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads a user's document and opens a unit of work on it (one store round trip). */
export async function openUnit(
  base: GuardedStore,
  clock: Clock,
  userId: string,
): Promise<UnitOfWork> {
  const prefix = userPrefix(userId);
  const docKey = `${prefix}account`;
  let slots = new Map<string, Slot>();
  let version: number | null = null;
  let dirty = false;
  /** Commits lost in a row: how long the next retry backs off. */
  let lost = 0;
  let queued: Array<() => Promise<unknown> | unknown> = [];
  /** Shared counters waiting for the next commit, and the handles to fill. */
  let counting: Array<{ items: IncrementItem[]; handle: { counts: number[] | null } }> = [];
  /** Writes waiting for the next commit, by key (the last one queued for a key wins). */
  let putting = new Map<string, PutItem>();

  const load = async () => {
    const entry = await base.get<AccountDocument & Record<string, never>>(docKey);
    const doc = entry?.value as AccountDocument | undefined;
    slots = new Map(Object.entries(doc?.e ?? {}));
    version = entry?.version ?? null;
    dirty = false;
    queued = [];
    counting = [];
    putting = new Map();
  };
  await load();

  const mine = (key: string) => key.startsWith(prefix) && key !== docKey;
  const sub = (key: string) => key.slice(prefix.length);
  const live = (key: string): Slot | undefined => {
    const slot = slots.get(sub(key));
    if (slot && slot.x !== null && slot.x <= clock.now()) {
      slots.delete(sub(key));
      return undefined;
    }
    return slot;
  };
  const entryOf = <T extends JsonValue>(slot: Slot): StoreEntry<T> => ({
    value: slot.v as T,
    version: slot.n,
  });
  const expiry = (ttlMs: number | undefined) => (ttlMs === undefined ? null : clock.now() + ttlMs);
  const write = (key: string, slot: Slot) => {
    slots.set(sub(key), slot);
    dirty = true;
  };

  const store: CountingStore = {
    id: `${base.id}+account`,

    async get<T extends JsonValue>(key: string) {
      if (!mine(key)) return base.get<T>(key);
      const slot = live(key);
      return slot ? entryOf<T>(slot) : null;
    },

    async put(key: string, value: JsonValue, opts: PutOptions = {}): Promise<PutResult> {
      if (!mine(key)) return base.put(key, value, opts);
      const slot = live(key);
      const expect = opts.expectVersion;
      if (expect !== undefined && (expect === null ? slot : slot?.n !== expect)) {
        return { ok: false, current: slot ? entryOf(slot) : null };
      }
      const n = (slot?.n ?? 0) + 1;
      write(key, { v: value, n, x: expiry(opts.ttlMs) });
      return { ok: true, version: n };
    },

    async take<T extends JsonValue>(key: string) {
      if (!mine(key)) return base.take<T>(key);
      const slot = live(key);
      if (!slot) return null;
      slots.delete(sub(key));
      dirty = true;
      return entryOf<T>(slot);
    },

    async increment(key: string, opts: IncrementOptions = {}) {
      if (!mine(key)) return base.increment(key, opts);
      const slot = live(key);
      const current = slot ? slot.v : 0;
      const next = (current as number) + (opts.by ?? 1);
      if (!Number.isSafeInteger(current) || !Number.isSafeInteger(next)) {
        throw new MfaError("store_invalid_operation", { data: { operation: "increment" } });
      }
      write(key, { v: next, n: (slot?.n ?? 0) + 1, x: slot ? slot.x : expiry(opts.ttlMs) });
      return next;
    },

    async incrementMany(items) {
      // The user's own counters land in the document; the shared ones go to the store in one
      // batch (one round trip), each answer back in its item's place.
      const shared = items.filter((i) => !mine(i.key));
      const counted = shared.length === 0 ? [] : await base.incrementMany(shared);
      const out: number[] = [];
      let next = 0;
      for (const item of items) {
        out.push(
          mine(item.key) ? await store.increment(item.key, item) : (counted[next++] as number),
        );
      }
      return out;
    },

    async delete(key: string) {
      if (!mine(key)) return base.delete(key);
      const existed = live(key) !== undefined;
      if (existed) {
        slots.delete(sub(key));
        dirty = true;
      }
      return existed;
    },

    async list(prefixOf: string, opts: ListOptions = {}): Promise<ListPage> {
      if (!prefixOf.startsWith(prefix)) return base.list(prefixOf, opts);
      const limit = opts.limit ?? 100;
      const keys = [...slots.keys()]
        .map((k) => prefix + k)
        .filter((k) => k.startsWith(prefixOf) && (opts.cursor === undefined || k > opts.cursor))
        .sort();
      const items: Array<{ key: string } & StoreEntry> = [];
      for (const key of keys) {
        const slot = live(key);
        if (!slot) continue;
        if (items.length === limit) return { items, cursor: items[items.length - 1]?.key ?? null };
        items.push({ key, ...entryOf(slot) });
      }
      return { items, cursor: null };
    },
  };

  return {
    userId,
    store,
    get dirty() {
      return dirty;
    },
    afterCommit(work) {
      queued.push(work);
    },
    countOnCommit(items) {
      const handle: { counts: number[] | null } = { counts: null };
      counting.push({ items: [...items], handle });
      return handle;
    },
    putOnCommit(item) {
      putting.set(unconditional(item).key, item);
    },
    async commit() {
      // The user's own counters and writes are applied to the document now; the shared ones go
      // with it.
      const pending = counting;
      counting = [];
      const writes = [...putting.values()];
      putting = new Map();
      const own = new Map<IncrementItem, number>();
      for (const { items } of pending)
        for (const item of items)
          if (mine(item.key)) own.set(item, await store.increment(item.key, item));
      for (const item of writes)
        if (mine(item.key)) await store.put(item.key, item.value, item.options);
      const shared = pending.flatMap(({ items }) => items.filter((i) => !mine(i.key)));
      const sharedPuts = writes.filter((item) => !mine(item.key));
      let sharedCounts: readonly number[] = [];
      if (dirty) {
        const now = clock.now();
        const e: Record<string, Slot> = {};
        for (const [k, slot] of slots) if (slot.x === null || slot.x > now) e[k] = slot;
        const doc = { v: 1, e } as unknown as JsonValue;
        const put = { key: docKey, value: doc, options: { expectVersion: version } };
        // The document, the shared counters and writes in one call (one commit where the store
        // can).
        const written = await base.putAndCount(put, shared, sharedPuts);
        if (!written.put.ok) {
          await contentionPause(++lost);
          await load();
          return false;
        }
        lost = 0;
        version = written.put.version;
        sharedCounts = written.counts ?? [];
        dirty = false;
      } else {
        // Nothing of the user's to write, so no document to carry them: each as its own call.
        [sharedCounts] = await Promise.all([
          shared.length > 0 ? base.incrementMany(shared) : [],
          writeEach(base, sharedPuts),
        ]);
      }
      let next = 0;
      for (const { items, handle } of pending)
        handle.counts = items.map((i) =>
          mine(i.key) ? (own.get(i) ?? 0) : (sharedCounts[next++] ?? 0),
        );
      const work = queued;
      queued = [];
      for (const w of work) await w();
      return true;
    },
  };
}

/**
 * A unit over the store itself, for what belongs to no one user (reports over every document,
 * checking options at construction): no overlay, nothing to commit.
 */
export function detachedUnit(base: GuardedStore): UnitOfWork {
  const queued: Array<() => Promise<unknown> | unknown> = [];
  const counting: Array<{ items: readonly IncrementItem[]; handle: { counts: number[] | null } }> =
    [];
  const putting = new Map<string, PutItem>();
  return {
    userId: "",
    store: base,
    dirty: false,
    afterCommit(work) {
      queued.push(work);
    },
    countOnCommit(items) {
      const handle: { counts: number[] | null } = { counts: null };
      counting.push({ items, handle });
      return handle;
    },
    putOnCommit(item) {
      putting.set(unconditional(item).key, item);
    },
    async commit() {
      for (const { items, handle } of counting.splice(0))
        handle.counts = await base.incrementMany(items);
      const writes = [...putting.values()];
      putting.clear();
      await writeEach(base, writes);
      for (const w of queued.splice(0)) await w();
      return true;
    },
  };
}

/** Writes each item as its own `put` (at once): what a commit without a document does. */
async function writeEach(base: GuardedStore, items: readonly PutItem[]): Promise<void> {
  await Promise.all(items.map((item) => base.put(item.key, item.value, item.options)));
}

/**
 * `item`, refused if it carries a compare-and-set: a commit has one condition, the document's
 * (see Store.putAndCount), and a queued write is a bug if it expected to check another.
 */
function unconditional(item: PutItem): PutItem {
  if (item.options?.expectVersion !== undefined) {
    throw new MfaError("store_invalid_operation", {
      data: { operation: "putOnCommit", field: "expectVersion" },
    });
  }
  return item;
}
