/**
 * The core's one wrapper around the Store port: input guards, error wrapping and result checks
 * in one place, so that every adapter can stay a page of code.
 *
 * Why here and not in each adapter: the same guards were copied into the memory, SQLite,
 * PostgreSQL and Redis adapters, and a copy that drifts is a hole (a lone surrogate that one
 * driver silently turns into U+FFFD makes two keys share one row; a `NaN` TTL that one backend
 * reads as "never expires" turns a rate-limit window into a lifetime ban). Wrapping the store
 * once in the core makes the refusals the same on every backend and testable once (REL-07).
 *
 * What stays the adapter's job is what only the stored data can tell: refusing to increment a
 * key that holds something other than a safe integer, or an increment whose result would leave
 * the safe-integer range. The conformance kit (`testStore` in `@mfakit/testing`) checks those.
 *
 * @module
 */

import { isMfaError, MfaError } from "../errors.js";
import { assertStoreKey, MAX_STORE_KEY_BYTES } from "../store/store-keys.js";
import type {
  IncrementItem,
  IncrementOptions,
  JsonValue,
  ListOptions,
  ListPage,
  PutAndCountResult,
  PutItem,
  PutOptions,
  PutResult,
  Store,
  StoreEntry,
} from "./store.js";

/**
 * Longest TTL a store call may ask for: ten years.
 *
 * Far longer than any window the SDK uses (its longest is 90 days of delivery statistics), and
 * small enough that `now + ttlMs` stays an exact integer in every backend. A larger number is
 * almost always a unit mistake (seconds multiplied by 1000 twice, or a timestamp passed as a
 * TTL), which should fail loudly rather than keep a lockout for centuries.
 */
export const MAX_STORE_TTL_MS = 10 * 365 * 24 * 60 * 60 * 1000;

/**
 * Deepest nesting of a stored value (a scalar has depth 0). The SDK's records nest two or three
 * levels; the bound also stops a circular structure in a few steps instead of a stack overflow.
 */
export const MAX_STORE_VALUE_DEPTH = 32;

/** Largest page `list` may ask for (the same bound every adapter applies). */
export const MAX_STORE_LIST_LIMIT = 1000;

/**
 * Most counters one `incrementMany` may carry. A send bumps seven; the bound keeps one batch a
 * short statement or script (and its lock set small) and catches a caller that passes a whole
 * list where it meant a few keys.
 */
export const MAX_INCREMENT_MANY_ITEMS = 64;

/**
 * Most extra puts one `putAndCount` may carry. A send writes one (its message index); the bound
 * keeps the call one short transaction or script, as {@link MAX_INCREMENT_MANY_ITEMS} does.
 */
export const MAX_PUT_AND_COUNT_PUTS = 16;

/**
 * A store as `guardStore` returns it: `incrementMany` and `putAndCount` are always there
 * (native or emulated).
 */
export type GuardedStore = Store & Required<Pick<Store, "incrementMany" | "putAndCount">>;

/** The stores this module made: guarding one again returns it as is. */
const guardedStores = new WeakSet<Store>();

/**
 * Wraps `store` so that every call is checked before it reaches the adapter, and every failure
 * comes out as a typed {@link MfaError}.
 *
 * - **Arguments.** A key is a string of 1 to {@link MAX_STORE_KEY_BYTES} UTF-8 bytes, well-formed
 *   UTF-16 (no lone surrogate) and without NUL, so it means the same in every backend; a list
 *   `prefix` and `cursor` follow the same rules but may be empty. A value is JSON that survives a
 *   round trip unchanged: finite numbers, strings, booleans, `null`, arrays and plain objects, at
 *   most {@link MAX_STORE_VALUE_DEPTH} deep; no `undefined`, function, symbol, bigint, `NaN`,
 *   `Infinity`, `Date` or class instance. `expectVersion` is `undefined`, `null` or a positive
 *   safe integer; `ttlMs` a positive safe integer up to {@link MAX_STORE_TTL_MS}; `by` a safe
 *   integer; `limit` an integer from 1 to {@link MAX_STORE_LIST_LIMIT}; the items of
 *   `incrementMany` an array of 1 to {@link MAX_INCREMENT_MANY_ITEMS} objects, each a `key`,
 *   `by` and `ttlMs` as above, no key twice (`field: "items"` for the array); `putAndCount` a
 *   put as `put` takes it (`field: "put"` for its object) and increments as `incrementMany`
 *   takes them, except that there may be none, and none may be the put's key (`field:
 *   "increments"`), and extra puts (optional) an array of 0 to {@link MAX_PUT_AND_COUNT_PUTS}
 *   puts as `put` takes them but without `expectVersion`, none the key of the put, a counter
 *   or another of them (`field: "puts"`). A bad call throws
 *   `MfaError("store_invalid_operation", { data: { field, operation } })` and never reaches the
 *   adapter: the bug is the caller's, so it must not become a half-written entry or a driver
 *   error that reads like an outage.
 * - **Failures.** An adapter's `MfaError` passes through unchanged; anything else it throws (or
 *   rejects with, even a string) becomes `MfaError("store_unavailable", { cause })` with
 *   `data: { store, operation }`, so callers handle one error type (REL-06). The wrapper adds
 *   nothing of the value or key to the error (STORE-06).
 * - **Results.** Checked where it costs a few comparisons: an entry has a positive integer
 *   version, a put result is `{ ok: true, version }` or `{ ok: false, current }`, an increment
 *   is a safe integer, a batch as many safe integers as items, a delete a boolean, a list page
 *   no longer than asked. A malformed answer is `store_unavailable`
 *   (`data.reason: "malformed_result"`): a broken adapter must fail closed, not feed the core
 *   a `NaN` attempt count.
 * - **`incrementMany` and `putAndCount` always.** An adapter without the optional batch gets it
 *   as parallel `increment` calls, so callers of a guarded store can always use it: each
 *   counter exact, the batch only not one round trip (and a refused item may leave the others
 *   applied). One without `putAndCount` gets it as `put`, then (if that succeeded and there is
 *   something to count) `incrementMany`, then the extra puts as `put`s: several round trips
 *   and commits, so a refused or failed counter leaves the put written.
 *
 * The wrapper sits on every hot path, so it stays cheap: no clone, no schema library, one walk
 * over a value being put, a handful of comparisons per call, one `then` on the adapter's promise
 * and no async frame of its own.
 * Options objects and values are passed to the adapter as they are. (A put/get/increment loop
 * on the memory store measured about 1 µs per call unguarded and a few tenths of a µs more
 * guarded; a network store's round trip is a hundred times that.)
 *
 * Guarding a guarded store returns it unchanged, so the core may guard whatever it is given
 * without stacking wrappers. The result keeps the adapter's `id`. An adapter's own methods
 * beyond the port (`close`, `sweep`, `size`) are passed as `extras` and sit on the wrapper as
 * they are (unchecked): that is how the adapters' factories return their store already guarded,
 * so a direct user gets the same checks and the core's own wrap is a no-op.
 *
 * @example
 * ```ts
 * const store = guardStore(myStore); // the packaged adapters return theirs guarded already
 * await store.put("mfa:{u1}:x", undefined as never); // throws store_invalid_operation, field "value"
 * // At the end of an adapter's factory:
 * return guardStore(store, { close, sweep });
 * ```
 */
export function guardStore<S extends Store, E extends object = Record<never, never>>(
  store: S,
  extras?: E,
): GuardedStore & Pick<S, "id"> & E {
  if (guardedStores.has(store) && extras === undefined) {
    return store as GuardedStore & Pick<S, "id"> & E;
  }
  const id = store.id;

  /**
   * An adapter's MfaError is already typed; anything else is an outage as far as callers go.
   * Made once per store, not per call: a closure made on each call, shared by two handlers,
   * measured about 0.3 µs more per call on Node 20, as much as the rest of the guard.
   */
  const failure = (error: unknown, operation: string): unknown =>
    isMfaError(error)
      ? error
      : new MfaError("store_unavailable", { cause: error, data: { store: id, operation } });

  /**
   * Runs one adapter call: `run` checks the arguments, then calls the adapter. A refused
   * argument (an MfaError) rejects as it is; any other failure becomes store_unavailable; the
   * result is checked. A plain function returning the promise of one `then`, not an async
   * method that awaits it: this runs on every store call, and each async frame adds a promise
   * and its microtasks to a call whose own work may be a few µs (an in-process SQLite read).
   */
  const call = <R>(
    operation: string,
    run: () => Promise<R>,
    wellFormed: (result: R) => boolean,
  ): Promise<R> => {
    let pending: Promise<R>;
    try {
      pending = Promise.resolve(run());
    } catch (error) {
      // A refused argument, or an adapter method that throws before it returns its promise.
      return Promise.reject(failure(error, operation));
    }
    return pending.then(
      (result) => {
        if (wellFormed(result)) return result;
        throw new MfaError("store_unavailable", {
          data: { store: id, operation, reason: "malformed_result" },
        });
      },
      (error: unknown) => {
        throw failure(error, operation);
      },
    );
  };

  /**
   * The adapter's `incrementMany`, or without a native batch parallel increments: each counter
   * as exact as `increment`, the batch only not one commit (see Store.incrementMany). The item
   * is passed as the options as it is (no copy); an adapter reads only its `by` and `ttlMs`.
   */
  const countAll = (items: ReadonlyArray<IncrementItem>): Promise<number[]> =>
    store.incrementMany !== undefined
      ? store.incrementMany(items)
      : Promise.all(items.map((item) => store.increment(item.key, item)));

  /**
   * `putAndCount` without a native one: two calls, two commits (see Store.putAndCount), the
   * counters only after the put is known to have succeeded, so a lost compare-and-set counts
   * nothing.
   */
  const putThenCount = async (
    put: PutItem,
    increments: ReadonlyArray<IncrementItem>,
    puts: ReadonlyArray<PutItem>,
  ): Promise<PutAndCountResult> => {
    const result = await store.put(put.key, put.value, put.options);
    if (!result.ok) return { put: result, counts: null };
    const counts = increments.length === 0 ? [] : await countAll(increments);
    await Promise.all(puts.map((item) => store.put(item.key, item.value, item.options)));
    return { put: result, counts };
  };

  const guarded: GuardedStore = Object.freeze({
    ...extras,
    id,

    get<T extends JsonValue>(key: string): Promise<StoreEntry<T> | null> {
      return call(
        "get",
        () => {
          checkKey(key, "get");
          return store.get<T>(key);
        },
        isEntryOrNull,
      );
    },

    put(key: string, value: JsonValue, options?: PutOptions): Promise<PutResult> {
      return call(
        "put",
        () => {
          checkPut(key, value, options, "put");
          return store.put(key, value, options);
        },
        isPutResult,
      );
    },

    take<T extends JsonValue>(key: string): Promise<StoreEntry<T> | null> {
      return call(
        "take",
        () => {
          checkKey(key, "take");
          return store.take<T>(key);
        },
        isEntryOrNull,
      );
    },

    increment(key: string, options?: IncrementOptions): Promise<number> {
      return call(
        "increment",
        () => {
          checkKey(key, "increment");
          if (options !== undefined) checkCounter(options, "increment");
          return store.increment(key, options);
        },
        Number.isSafeInteger,
      );
    },

    incrementMany(items: ReadonlyArray<IncrementItem>): Promise<number[]> {
      return call(
        "incrementMany",
        () => {
          checkItems(items, "incrementMany", 1);
          return countAll(items);
        },
        (counts) => isCounts(counts, items.length),
      );
    },

    putAndCount(
      put: PutItem,
      increments: ReadonlyArray<IncrementItem>,
      puts: ReadonlyArray<PutItem> = NO_PUTS,
    ): Promise<PutAndCountResult> {
      const operation = "putAndCount";
      const native = store.putAndCount;
      return call(
        operation,
        () => {
          checkOptions(put, operation, "put");
          checkPut(put.key, put.value, put.options, operation);
          const keys = checkItems(increments, operation, 0, put.key);
          if (puts !== NO_PUTS) checkAlsoPuts(puts, keys, put.key, operation);
          return native !== undefined
            ? native.call(store, put, increments, puts)
            : putThenCount(put, increments, puts);
        },
        (result) => isPutAndCountResult(result, increments.length),
      );
    },

    delete(key: string): Promise<boolean> {
      return call(
        "delete",
        () => {
          checkKey(key, "delete");
          return store.delete(key);
        },
        (r) => typeof r === "boolean",
      );
    },

    list(prefix: string, options?: ListOptions): Promise<ListPage> {
      let limit = 100;
      return call(
        "list",
        () => {
          checkKeyPart(prefix, "prefix", "list");
          if (options !== undefined) {
            checkOptions(options, "list");
            if (options.limit !== undefined) {
              limit = options.limit;
              if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_STORE_LIST_LIMIT)) {
                throw refused("limit", "list");
              }
            }
            if (options.cursor !== undefined) checkKeyPart(options.cursor, "cursor", "list");
          }
          return store.list(prefix, options);
        },
        (page) => isPage(page, limit),
      );
    },
  });
  guardedStores.add(guarded);
  return guarded as GuardedStore & Pick<S, "id"> & E;
}

/** The refusal of a bad argument: which field, in which operation; never its value. */
function refused(field: string, operation: string, max?: number): MfaError {
  return new MfaError("store_invalid_operation", { data: { field, operation, max } });
}

function checkKey(key: unknown, operation: string): void {
  if (key === "") throw refused("key", operation);
  checkKeyPart(key, "key", operation);
}

/**
 * The key rules of {@link assertStoreKey} (the SQL adapters' own check), reported as a refused
 * store call: one definition of a storable key for the whole SDK.
 */
function checkKeyPart(key: unknown, field: "key" | "prefix" | "cursor", operation: string): void {
  try {
    assertStoreKey(key, field);
  } catch (error) {
    throw refused(
      field,
      operation,
      isMfaError(error, "input_too_long") ? MAX_STORE_KEY_BYTES : undefined,
    );
  }
}

function checkOptions(options: unknown, operation: string, field = "options"): void {
  if (typeof options !== "object" || options === null) throw refused(field, operation);
}

/** The arguments of `put`, alone or as the put of `putAndCount`. */
function checkPut(
  key: string,
  value: JsonValue,
  options: PutOptions | undefined,
  operation: string,
): void {
  checkKey(key, operation);
  if (!isJsonValue(value, MAX_STORE_VALUE_DEPTH)) throw refused("value", operation);
  if (options === undefined) return;
  checkOptions(options, operation);
  const expect = options.expectVersion;
  if (expect !== undefined && expect !== null && !isVersion(expect)) {
    throw refused("expectVersion", operation);
  }
  checkTtl(options.ttlMs, operation);
}

/** The options of one counter: `by` and `ttlMs`, as `increment` and each batch item take them. */
function checkCounter(options: IncrementOptions, operation: string): void {
  checkOptions(options, operation);
  if (options.by !== undefined && !Number.isSafeInteger(options.by)) throw refused("by", operation);
  checkTtl(options.ttlMs, operation);
}

/**
 * The counters of `incrementMany` (at least 1) or `putAndCount` (at least 0): an array of at
 * most {@link MAX_INCREMENT_MANY_ITEMS} counters, each as `increment` takes it, no key twice (a
 * backend would count it twice in one statement, or refuse it: PostgreSQL's upsert cannot touch
 * a row twice), and none `putKey` (the put of `putAndCount`: one statement cannot both write
 * and count a row).
 */
function checkItems(
  items: ReadonlyArray<IncrementItem>,
  operation: string,
  min: number,
  putKey?: string,
): Set<string> {
  const field = min === 0 ? "increments" : "items";
  if (!Array.isArray(items) || items.length < min || items.length > MAX_INCREMENT_MANY_ITEMS) {
    throw refused(field, operation, MAX_INCREMENT_MANY_ITEMS);
  }
  const keys = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as IncrementItem;
    checkOptions(item, operation);
    checkKey(item.key, operation);
    checkCounter(item, operation);
    if (keys.has(item.key) || item.key === putKey) throw refused(field, operation);
    keys.add(item.key);
  }
  return keys;
}

/** What a `putAndCount` without extra puts passes on: one frozen array, no allocation per call. */
const NO_PUTS: ReadonlyArray<PutItem> = Object.freeze([]);

/**
 * The extra puts of `putAndCount`: an array of at most {@link MAX_PUT_AND_COUNT_PUTS} puts as
 * `put` takes them, without `expectVersion` (the call has one condition, its put's: a second
 * one could fail after the first had won, and the call could not be all or nothing), none
 * the key of the put, of a counter (`counted`) or of another of them (one statement cannot
 * write a row twice, and which write would win would be the store's accident).
 */
function checkAlsoPuts(
  puts: ReadonlyArray<PutItem>,
  counted: Set<string>,
  putKey: string,
  operation: string,
): void {
  if (!Array.isArray(puts) || puts.length > MAX_PUT_AND_COUNT_PUTS) {
    throw refused("puts", operation, MAX_PUT_AND_COUNT_PUTS);
  }
  const keys = new Set<string>();
  for (let i = 0; i < puts.length; i++) {
    const item = puts[i] as PutItem;
    checkOptions(item, operation, "puts");
    checkPut(item.key, item.value, item.options, operation);
    if (item.options?.expectVersion !== undefined) throw refused("puts", operation);
    if (item.key === putKey || counted.has(item.key) || keys.has(item.key)) {
      throw refused("puts", operation);
    }
    keys.add(item.key);
  }
}

function checkTtl(ttlMs: unknown, operation: string): void {
  if (ttlMs === undefined) return;
  if (
    !(Number.isSafeInteger(ttlMs) && (ttlMs as number) > 0 && (ttlMs as number) <= MAX_STORE_TTL_MS)
  ) {
    throw refused("ttlMs", operation, MAX_STORE_TTL_MS);
  }
}

/**
 * True when `value` is JSON that `JSON.stringify` then `JSON.parse` gives back unchanged.
 * Only plain objects (prototype `Object.prototype` or `null`): a `Date` or a class instance
 * would come back as something else. An `undefined` property is refused too, because it would
 * silently vanish and a reader could not tell it was ever set.
 */
function isJsonValue(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (value === null) return true;
      if (depth === 0) return false;
      if (Array.isArray(value)) {
        // By index, so a hole reads as undefined and is refused (JSON would make it null).
        for (let i = 0; i < value.length; i++) {
          if (!isJsonValue(value[i], depth - 1)) return false;
        }
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (!isJsonValue((value as Record<string, unknown>)[key], depth - 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function isVersion(version: unknown): boolean {
  return Number.isSafeInteger(version) && (version as number) > 0;
}

function isEntry(entry: unknown): boolean {
  return (
    typeof entry === "object" &&
    entry !== null &&
    "value" in entry &&
    isVersion((entry as { version?: unknown }).version)
  );
}

function isEntryOrNull(entry: unknown): boolean {
  return entry === null || isEntry(entry);
}

function isCounts(counts: unknown, length: number): boolean {
  if (!Array.isArray(counts) || counts.length !== length) return false;
  for (const count of counts) if (!Number.isSafeInteger(count)) return false;
  return true;
}

function isPutAndCountResult(result: PutAndCountResult, length: number): boolean {
  if (typeof result !== "object" || result === null || !isPutResult(result.put)) return false;
  return result.put.ok ? isCounts(result.counts, length) : result.counts === null;
}

function isPutResult(result: PutResult): boolean {
  if (typeof result !== "object" || result === null) return false;
  if (result.ok === true) return isVersion(result.version);
  return result.ok === false && isEntryOrNull(result.current);
}

function isPage(page: ListPage, limit: number): boolean {
  if (typeof page !== "object" || page === null || !Array.isArray(page.items)) return false;
  if (page.items.length > limit) return false;
  if (page.cursor !== null && typeof page.cursor !== "string") return false;
  for (const item of page.items) {
    if (!isEntry(item) || typeof item.key !== "string") return false;
  }
  return true;
}
