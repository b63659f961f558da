/**
 * The Store port: the SDK's only state.
 *
 * A key/value store of JSON values with versions, TTLs and the atomic primitives that make
 * single use and counting race-free. Adapters implement it exactly; there is no emulation
 * fallback. Every guarantee below is checked by `testStore()` in `@mfakit/testing`.
 *
 * The core's `guardStore` (`guarded-store.ts`) sits in front of every adapter: it refuses a
 * malformed argument with `store_invalid_operation` before the adapter sees it, and turns
 * anything but an `MfaError` the adapter throws into `store_unavailable` with `cause`. So an
 * adapter is given only valid keys, values and options, and owns only what the data and the
 * backend decide. The packaged adapters' factories return their store already guarded.
 *
 * @module
 */

/** Any JSON value a store keeps. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** A stored value with its version. */
export interface StoreEntry<T extends JsonValue = JsonValue> {
  /** The value as it was put (a deep copy: mutating it changes nothing stored). */
  readonly value: T;
  /**
   * A positive integer that changes on every successful write of the key (`put`, `increment`).
   * A key that is deleted or expires and is written again may start again at 1.
   */
  readonly version: number;
}

/** Options of {@link Store.put}. */
export interface PutOptions {
  /**
   * Compare-and-set condition:
   * - `null`: write only if the key is absent (or expired);
   * - a number: write only if the key's current version is exactly this;
   * - `undefined`: write unconditionally.
   */
  readonly expectVersion?: number | null;
  /** Time to live in milliseconds from now; omitted means the entry never expires. */
  readonly ttlMs?: number;
}

/** The answer of {@link Store.put}. */
export type PutResult =
  | { readonly ok: true; readonly version: number }
  | { readonly ok: false; readonly current: StoreEntry | null };

/** Options of {@link Store.increment}. */
export interface IncrementOptions {
  /** The amount to add (may be negative). @default 1 */
  readonly by?: number;
  /**
   * Time to live in milliseconds, applied only when this call creates the counter: later
   * increments do not extend it, so a rate-limit window is fixed and never slides.
   * Omitted means the counter never expires.
   */
  readonly ttlMs?: number;
}

/** One counter of {@link Store.incrementMany}: a key and the options of {@link Store.increment}. */
export interface IncrementItem extends IncrementOptions {
  /** The counter's key (the same rules as every key). */
  readonly key: string;
}

/**
 * A write of {@link Store.putAndCount}: the arguments of {@link Store.put}. Its `put` may carry
 * a compare-and-set; its extra `puts` may not (they are written unconditionally, each with its
 * own `ttlMs`, only when the `put` succeeded).
 */
export interface PutItem {
  /** The key to write (the same rules as every key). */
  readonly key: string;
  /** The value to write. */
  readonly value: JsonValue;
  /** The condition and TTL, as {@link Store.put} takes them. */
  readonly options?: PutOptions;
}

/** The answer of {@link Store.putAndCount}. */
export interface PutAndCountResult {
  /** What {@link Store.put} would have answered. */
  readonly put: PutResult;
  /**
   * The counters' new values in the increments' order (as {@link Store.incrementMany} answers;
   * `[]` for no increments), or `null` when the put failed its compare-and-set: then nothing
   * was counted.
   */
  readonly counts: readonly number[] | null;
}

/** Options of {@link Store.list}. */
export interface ListOptions {
  /** At most this many entries in one page. @default 100 */
  readonly limit?: number;
  /** The `cursor` of the previous page; omitted for the first page. */
  readonly cursor?: string;
}

/** One page of {@link Store.list}. */
export interface ListPage {
  /** Live entries under the prefix, in ascending key order (by UTF-16 code unit). */
  readonly items: ReadonlyArray<{ readonly key: string } & StoreEntry>;
  /** Pass to the next call to continue; `null` when there is nothing more. */
  readonly cursor: string | null;
}

/**
 * Key/value storage with versions, TTL and atomic primitives.
 *
 * Keys are strings of at most 512 UTF-8 bytes; the core builds them as `kind:part:part`
 * and puts all keys of one user under one `{userId}` tag so that a Redis Cluster keeps them in
 * one hash slot. Values are JSON. An expired entry behaves exactly as an absent one in every
 * method, whether or not the adapter has swept it yet.
 *
 * Arguments: a key is 1 to 512 UTF-8 bytes of well-formed UTF-16 without NUL; a value is JSON
 * that survives a round trip (finite numbers, plain objects, at most 32 deep); `ttlMs` a
 * positive integer of at most ten years; `by` a safe integer; `limit` 1 to 1000; the items of
 * `incrementMany` 1 to 64 counters of distinct keys (those of `putAndCount` 0 to 64, none the
 * put's key; its extra puts 0 to 16 without `expectVersion`, every key of the call distinct).
 * `guardStore` refuses anything else with
 * `MfaError("store_invalid_operation", { data: { field } })`.
 *
 * Failures: a backend that cannot be reached throws `MfaError("store_unavailable")` with the
 * driver error as `cause`. A call that throws has either fully happened or not at all (for
 * `incrementMany` and `putAndCount`, in the units their JSDoc names). A call
 * that ran out of time carries `data.code: "deadline_exceeded"`: a write then happened before
 * the deadline or never will (the network adapters make their writes carry the deadline to
 * the server), so a caller may treat it as "unknown, but settled".
 */
export interface Store {
  /** A short name for logs, e.g. `"memory"`, `"postgres"`. */
  readonly id: string;

  /** The entry at `key`, or `null` if absent or expired. */
  get<T extends JsonValue = JsonValue>(key: string): Promise<StoreEntry<T> | null>;

  /**
   * Writes `value` at `key`, atomically checking `expectVersion` first.
   * Of any number of concurrent puts with the same `expectVersion`, exactly one succeeds;
   * the others get `{ ok: false, current }` with what is stored now. A successful put sets the
   * TTL to `ttlMs` (or removes it).
   */
  put(key: string, value: JsonValue, options?: PutOptions): Promise<PutResult>;

  /**
   * Atomically reads and deletes `key`: the race-safe way to consume a one-time secret.
   * Of any number of concurrent takes of one key, exactly one gets the entry; the rest get `null`.
   */
  take<T extends JsonValue = JsonValue>(key: string): Promise<StoreEntry<T> | null>;

  /**
   * Atomically adds `by` to the integer counter at `key` (absent counts as 0) and returns the
   * new value. N concurrent increments by 1 of a fresh key return exactly 1..N, once each.
   * The TTL is set only when the call creates the counter. Throws
   * `MfaError("store_invalid_operation")` if `key` holds something other than an integer.
   * A counter is an ordinary entry: `get` returns its number and `delete` removes it.
   */
  increment(key: string, options?: IncrementOptions): Promise<number>;

  /**
   * Adds to several counters in one call: each item as `increment(key, { by, ttlMs })` would
   * (absent counts as 0, the TTL set only when the item creates its counter), the new values
   * returned in the items' order. Each counter is exact under concurrency as with `increment`:
   * N concurrent batches that each add 1 to a key return 1..N for that key, once each.
   *
   * For a caller that bumps several counters at once (the rate-limit windows of one send): an
   * adapter that can should write the batch in one round trip and one commit, instead of one
   * of each per counter. The items are 1 to 64 distinct keys (`guardStore` refuses anything
   * else, so an adapter never sees a duplicate key).
   *
   * Refusal: if an item would be refused as `increment` refuses it (its key holds something
   * other than a safe integer, or its sum would leave the safe-integer range), the call throws
   * `MfaError("store_invalid_operation")` and that item is not written. Whether the OTHER items
   * were depends on the store, so a caller must not assume either unless it knows its store:
   * - SQLite, PostgreSQL and memory: all or nothing. The batch is one transaction (one
   *   statement on PostgreSQL), so a refused batch writes nothing.
   * - Redis: all or nothing per hash slot. The items of one slot are one script that checks
   *   every item before it writes any, so a batch whose keys share one `{…}` hash tag, and any
   *   batch on a single server, writes nothing; on a Cluster the items of other slots may have
   *   been applied (the batch is not a transaction across nodes).
   * - Behind `guardStore`'s fallback (below): per item; the others may have been applied.
   *
   * Other failures (`store_unavailable`, a deadline) likewise: the batch has been written whole
   * or not at all in each of those units (the whole batch, a hash slot, an item).
   *
   * Optional: `guardStore` gives a store without it this method as parallel `increment`
   * calls, so a caller of a guarded store can always use it (the packaged stores have it).
   *
   * @example
   * ```ts
   * const [perPhone, perIp] = await store.incrementMany([
   *   { key: "mfa:{rl}:phone:+15550100", ttlMs: 3_600_000 },
   *   { key: "mfa:{rl}:ip:203.0.113.7", ttlMs: 3_600_000 },
   * ]);
   * ```
   */
  incrementMany?(items: ReadonlyArray<IncrementItem>): Promise<number[]>;

  /**
   * Writes `put` (a compare-and-set, as {@link Store.put}) and, only if it succeeds, adds to the
   * counters of `increments` (as {@link Store.incrementMany}) and writes the extra `puts`
   * (each as an unconditional {@link Store.put} with its own `ttlMs`): one round trip, and on
   * stores with transactions one commit, so all of it lands or none. For a user action that
   * saves the user's document, bumps the action's shared counters (rate-limit windows,
   * statistics) and writes keys of no user that must agree with the document (the index of a
   * message sent to the user): one durable commit instead of several, and no crash window
   * between them in which the document moved but the rest did not.
   *
   * The answer is `{ put, counts }`: `put` as `put` answers it; `counts` the new values in the
   * increments' order, or `null` when the compare-and-set failed, and then nothing was counted
   * and none of `puts` was written. Of any number of concurrent calls with the same
   * `expectVersion`, exactly one succeeds and only its counters move and only its puts land.
   * TTLs as in `put` (set or removed by a successful put, for `put` and each of `puts`) and
   * `incrementMany` (set only when an item creates its counter). The increments are 0 to 64
   * distinct keys and the puts 0 to 16 without `expectVersion` (the call decides on one
   * condition, the `put`'s); no key appears twice in one call, not as the put, a counter or
   * one of `puts` (`guardStore` refuses anything else, `field` `"increments"` or `"puts"`).
   *
   * Refusal: if an increment would be refused as `incrementMany` refuses it (its counter holds
   * something other than a safe integer, or its sum would leave the safe-integer range), the
   * call throws `MfaError("store_invalid_operation")`. What was written then depends on the
   * store, as for `incrementMany`:
   * - SQLite, PostgreSQL and memory: nothing, not even the put or `puts`. The call is one
   *   transaction (one statement on PostgreSQL). Other failures (`store_unavailable`, a
   *   deadline) likewise: all or nothing.
   * - Redis, a single server or every key in one hash slot (the core's keys of one user share
   *   their `{userId}` tag): one script that checks the compare-and-set, every counter and
   *   every key of `puts` before it writes any, so nothing. On a Cluster with keys in several
   *   slots the call is not atomic across them, as for the counters: the put runs first, as its
   *   own script; only if it succeeded do the counters follow as `incrementMany` (one script per
   *   slot), and only if they did, `puts` (one script each, sent at once). A refusal or failure
   *   of a counter's slot then leaves the put written (and counters of other slots applied, none
   *   of `puts`); a failure of one of `puts` leaves the put and the counters written. The call
   *   throws in both cases.
   * - Behind `guardStore`'s fallback (below): `put`, then `incrementMany`, then each of `puts`
   *   as a `put` (at once); a refused or failed counter leaves the put written.
   *
   * Optional: `guardStore` gives a store without it this method as `put` followed (when it
   * succeeded) by `incrementMany` (when there is something to count) and the `puts`, so a
   * caller of a guarded store can always use it (the packaged stores have it). Omitted `puts`
   * means none. An adapter that has this method must write `puts` as above (an adapter
   * written before they existed would drop them: the conformance kit fails it).
   *
   * @example
   * ```ts
   * const { put, counts } = await store.putAndCount(
   *   { key: "mfa:{u1}:account", value: doc, options: { expectVersion: 7 } },
   *   [{ key: "mfa:stats:sent:2026-11-25", ttlMs: 90 * 86_400_000 }],
   *   [{ key: "mfa:delivery:msg:9f2c", value: { userId: "u1" }, options: { ttlMs: 259_200_000 } }],
   * );
   * if (!put.ok) retryWith(put.current); // counts is null: nothing counted, nothing else written
   * ```
   */
  putAndCount?(
    put: PutItem,
    increments: ReadonlyArray<IncrementItem>,
    puts?: ReadonlyArray<PutItem>,
  ): Promise<PutAndCountResult>;

  /** Deletes `key`; `true` if a live entry was there. */
  delete(key: string): Promise<boolean>;

  /**
   * Live entries whose key starts with `prefix`, in ascending key order, a page at a time.
   * For administration and reports, not for hot paths: its cost grows with the number of keys
   * under the prefix. Entries written during a listing may or may not appear.
   */
  list(prefix: string, options?: ListOptions): Promise<ListPage>;
}
