/**
 * The in-memory Store: exact, single-process, for tests, the demo and one-instance apps.
 *
 * Every method runs synchronously inside one microtask, so each is atomic by construction in
 * JavaScript's single thread. TTLs run on the injected clock, so tests move time without
 * waiting. Data lives only as long as the process.
 *
 * Arguments are checked by the core's `guardStore`, which {@link memoryStore} returns its store
 * wrapped in (so a direct user, as tests are, gets the same refusals as the SDK, and createMfa's
 * own wrap is a no-op). This adapter keeps only the checks that depend on what is stored: an
 * increment of a non-integer, or past the safe integers.
 *
 * @module
 */

import { MfaError } from "../errors.js";
import { type Clock, systemClock } from "../ports/clock.js";
import { type GuardedStore, guardStore } from "../ports/guarded-store.js";
import type {
  IncrementItem,
  IncrementOptions,
  JsonValue,
  ListOptions,
  ListPage,
  PutItem,
  PutOptions,
  PutResult,
  Store,
  StoreEntry,
} from "../ports/store.js";

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** The clock TTLs run on. @default systemClock */
  readonly clock?: Clock;
}

interface Slot {
  json: string;
  version: number;
  expiresAt: number | null;
}

/**
 * A Store kept in a `Map`, returned already wrapped in `guardStore`.
 *
 * @example
 * ```ts
 * const store = memoryStore({ clock: fakeClock() });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): GuardedStore & {
  /** Number of live entries (for tests and benchmarks). */
  size(): number;
} {
  const clock = options.clock ?? systemClock;
  const slots = new Map<string, Slot>();

  const live = (key: string): Slot | undefined => {
    const slot = slots.get(key);
    if (slot && slot.expiresAt !== null && slot.expiresAt <= clock.now()) {
      slots.delete(key);
      return undefined;
    }
    return slot;
  };
  const entry = <T extends JsonValue>(slot: Slot): StoreEntry<T> => ({
    value: JSON.parse(slot.json) as T,
    version: slot.version,
  });
  const expiry = (ttlMs: number | undefined) => (ttlMs === undefined ? null : clock.now() + ttlMs);
  /**
   * The counter `key` would hold after adding `by`, with its slot as it is now; nothing written
   * yet, so a batch can check every item before it writes one.
   */
  const counted = (key: string, opts: IncrementOptions, operation: string) => {
    const slot = live(key);
    const current = slot ? (JSON.parse(slot.json) as unknown) : 0;
    const next = (current as number) + (opts.by ?? 1);
    // Both checks are the port's: a counter is a safe integer before and after, or the call
    // changes nothing (beyond 2^53 a counter would silently stop counting).
    if (!Number.isSafeInteger(current) || !Number.isSafeInteger(next)) {
      throw new MfaError("store_invalid_operation", { data: { operation } });
    }
    return { key, slot, next, ttlMs: opts.ttlMs };
  };
  const count = ({ key, slot, next, ttlMs }: ReturnType<typeof counted>) => {
    slots.set(key, {
      json: JSON.stringify(next),
      version: (slot?.version ?? 0) + 1,
      expiresAt: slot ? slot.expiresAt : expiry(ttlMs),
    });
    return next;
  };

  /** The failed answer of a put whose compare-and-set does not hold now; `undefined` if it holds. */
  const lost = (key: string, opts: PutOptions): PutResult | undefined => {
    const slot = live(key);
    const expect = opts.expectVersion;
    if (expect === undefined || (expect === null ? !slot : slot?.version === expect)) return;
    return { ok: false, current: slot ? entry(slot) : null };
  };
  /** Writes a put whose condition holds. */
  const written = (key: string, value: JsonValue, opts: PutOptions): PutResult => {
    const version = (live(key)?.version ?? 0) + 1;
    slots.set(key, { json: JSON.stringify(value), version, expiresAt: expiry(opts.ttlMs) });
    return { ok: true, version };
  };

  const store: Store = {
    id: "memory",

    async get<T extends JsonValue>(key: string) {
      const slot = live(key);
      return slot ? entry<T>(slot) : null;
    },

    async put(key: string, value: JsonValue, opts: PutOptions = {}): Promise<PutResult> {
      return lost(key, opts) ?? written(key, value, opts);
    },

    async take<T extends JsonValue>(key: string) {
      const slot = live(key);
      if (!slot) return null;
      slots.delete(key);
      return entry<T>(slot);
    },

    async increment(key: string, opts: IncrementOptions = {}) {
      return count(counted(key, opts, "increment"));
    },

    // All or nothing: every item is checked before any is written (the guard has made the keys
    // distinct, so no item's check is stale by the time it is written).
    async incrementMany(items: ReadonlyArray<IncrementItem>) {
      return items.map((item) => counted(item.key, item, "incrementMany")).map(count);
    },

    // All or nothing: the compare-and-set and every counter are checked before anything is
    // written (the guard has made every key of the call distinct), and the extra puts, which
    // cannot be refused, are written with them.
    async putAndCount(
      put: PutItem,
      increments: ReadonlyArray<IncrementItem>,
      puts: ReadonlyArray<PutItem> = [],
    ) {
      const opts = put.options ?? {};
      const failed = lost(put.key, opts);
      if (failed) return { put: failed, counts: null };
      const checked = increments.map((item) => counted(item.key, item, "putAndCount"));
      const result = { put: written(put.key, put.value, opts), counts: checked.map(count) };
      for (const item of puts) written(item.key, item.value, item.options ?? {});
      return result;
    },

    async delete(key: string) {
      const existed = live(key) !== undefined;
      slots.delete(key);
      return existed;
    },

    async list(prefix: string, opts: ListOptions = {}): Promise<ListPage> {
      const limit = opts.limit ?? 100;
      const keys = [...slots.keys()]
        .filter((k) => k.startsWith(prefix) && (opts.cursor === undefined || k > opts.cursor))
        .sort();
      const items: Array<{ key: string } & StoreEntry> = [];
      for (const key of keys) {
        const slot = live(key);
        if (!slot) continue;
        if (items.length === limit) {
          return { items, cursor: items[items.length - 1]?.key ?? null };
        }
        items.push({ key, ...entry(slot) });
      }
      return { items, cursor: null };
    },
  };

  return guardStore(store, {
    size() {
      let n = 0;
      for (const key of slots.keys()) if (live(key)) n++;
      return n;
    },
  });
}
