/**
 * The Redis Store: native TTLs and Lua for the atomic primitives, one hash slot per user so it
 * also runs on Redis Cluster. Every call ends within `timeoutMs`, and every write script checks
 * its deadline on the server's clock first, so one that runs late writes nothing (see
 * `server-deadline.ts` in @mfakit/core).
 *
 * Arguments are checked by the core's `guardStore`, which {@link redisStore} returns its store
 * wrapped in: keys, values, versions, TTLs and list bounds reach this code already valid. What
 * stays here is what only the stored data can tell (a non-integer counter, a value this store
 * did not write) and the server's failures as typed errors (`store-error.ts`).
 *
 * @module
 */

import { type JsonValue, MfaError, type Store } from "@mfakit/core";
import {
  beforeDeadline,
  type GuardedStore,
  guardStore,
  type IncrementItem,
  type IncrementOptions,
  type ListOptions,
  type ListPage,
  type PutAndCountResult,
  type PutItem,
  type PutOptions,
  type PutResult,
  type ServerClock,
  type ServerClockReading,
  type StoreEntry,
  serverClock,
  serverDeadline,
} from "@mfakit/core/adapter";
import { type Cluster, Command, type Redis } from "ioredis";
import { assertClientOptions } from "./client-options.js";
import { decodeEntry } from "./envelope.js";
import {
  deleteScript,
  incrementScript,
  type LuaScript,
  putAndCountScript,
  putScript,
  runScript,
  takeScript,
  timeScript,
} from "./lua-scripts.js";
import { prefixPattern, scanKeys } from "./scan-keys.js";
import { storeError } from "./store-error.js";

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * The ioredis client, a `Redis` or a `Cluster`, created with `redisClientOptions` (checked:
   * `config_invalid` otherwise). The store shares it and never closes it.
   * Required; there is no default.
   */
  readonly client: Redis | Cluster;
  /**
   * Put in front of every key, to share one Redis (database) with other data, e.g. `"app1:"`.
   * The core's keys already start with `mfa:`. Must not contain `{` or `}`: the first `{...}`
   * of a key is its Redis Cluster hash tag, and the prefix must not take it over from the
   * core's `{userId}`.
   * @default ""
   */
  readonly keyPrefix?: string;
  /** The `COUNT` hint of each `SCAN` call made by `list` (keys examined per round trip). @default 1000 */
  readonly scanCount?: number;
  /**
   * The most a call may take, in milliseconds, whatever the client's `commandTimeout`,
   * reconnect attempts or offline queue. Past it the call throws `store_unavailable` with
   * `data.code: "deadline_exceeded"`. A write that timed out either took effect before the
   * deadline or never will: its script checks the deadline on the server's clock first (see
   * the README, "Deadlines").
   * @default 2000
   */
  readonly timeoutMs?: number;
}

/** The longest timer Node keeps (setTimeout clamps anything longer to 1 ms). */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * A Store in Redis (7 or later; 6.2 at the least, for `GETDEL`), returned already wrapped in the
 * core's `guardStore` (so it refuses a malformed call as the SDK does, and createMfa's own wrap
 * is a no-op).
 *
 * Each entry is one string key `<keyPrefix><key>` holding `<version>:<json>`, with the entry's
 * TTL as the key's own expiry. Round trips: `get` is one `GET`; `put`, `increment`, `take`
 * and `delete` are one `EVALSHA` each (a script, so that it can check its deadline on the
 * server); `incrementMany` is one `EVALSHA` for all its counters on a single server, and one
 * per hash slot (sent at once) on a Cluster; `putAndCount` is one `EVALSHA` on a single server
 * or when all its keys share a hash slot, else the put's, then one per counters' slot, then
 * one per extra put; `list` is a full `SCAN` plus one `MGET` per page.
 * Every call ends within `timeoutMs`.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { redisClientOptions, redisStore } from "@mfakit/redis";
 *
 * const client = new Redis(process.env.REDIS_URL, redisClientOptions);
 * const store = redisStore({ client, keyPrefix: "app1:" });
 * ```
 */
export function redisStore(options: RedisStoreOptions): GuardedStore {
  const { client, keyPrefix = "", scanCount = 1000, timeoutMs = 2000 } = options;
  assertClientOptions(client);
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
    throw new MfaError("config_invalid", { data: { field: "timeoutMs" } });
  }
  if (/[{}]/.test(keyPrefix)) {
    throw new MfaError("config_invalid", {
      message: "redisStore's keyPrefix must not contain { or } (they would change the hash slot).",
      data: { field: "keyPrefix" },
    });
  }
  if (!Number.isSafeInteger(scanCount) || scanCount < 1) {
    throw new MfaError("config_invalid", { data: { field: "scanCount" } });
  }

  const full = (key: string) => keyPrefix + key;
  /** `items` with full keys (the same array when there is no prefix). */
  const prefixed = (items: ReadonlyArray<IncrementItem>) =>
    keyPrefix === "" ? items : items.map((item) => ({ ...item, key: full(item.key) }));
  const decode = <T extends JsonValue>(raw: string | null, operation: string) =>
    raw === null ? null : decodeEntry<T>(raw, operation);
  /**
   * Runs `fn` with a deadline `timeoutMs` from now (it gets the deadline, a `performance.now()`
   * instant), turning any driver failure into the port's typed error.
   */
  const call = <R>(operation: string, fn: (deadline: number) => Promise<R>): Promise<R> => {
    const deadline = performance.now() + timeoutMs;
    let work: Promise<R>;
    try {
      work = fn(deadline);
    } catch (error) {
      return Promise.reject(storeError(error, operation));
    }
    // A `then`, not an async frame: this runs on every call, and each frame adds its own
    // promise and microtasks to a call that is one round trip.
    return beforeDeadline(work, deadline, timeoutMs).then(undefined, (error: unknown) => {
      throw storeError(error, operation);
    });
  };

  // Readings of each server's clock ("" for a single server, the master's address on a
  // cluster: every node has its own clock), from which writes derive their deadlines.
  const clocks = new Map<string, ServerClock>();
  const nodeOf = (key: string): string => {
    if (!client.isCluster) return "";
    const slot = new Command("get", [key]).getSlot() ?? 0;
    // Before the client knows the slot table, a reading is kept per slot, never shared with a
    // key that may live on another node.
    return (client as Cluster).slots[slot]?.[0] ?? `slot:${slot}`;
  };
  /** Reads the clock of the server holding `key` (the script runs on the key's node). */
  const readClock = async (key: string): Promise<ServerClockReading> => {
    const sentAt = performance.now();
    const [seconds, micros] = (await runScript(client, timeScript, [key], [])) as [string, string];
    const server = Number(seconds) * 1000 + Number(micros) / 1000;
    return { server, sentAt, receivedAt: performance.now() };
  };
  /**
   * Runs write script `s` on `keys` (one hash slot, so one node) with the call's deadline, on
   * that node's clock, as the script's first argument.
   */
  const write = (
    s: LuaScript,
    keys: readonly string[],
    deadline: number,
    args: readonly string[],
  ): Promise<unknown> => {
    const key = keys[0] as string;
    const node = nodeOf(key);
    let clock = clocks.get(node);
    if (!clock) {
      clock = serverClock(timeoutMs);
      clocks.set(node, clock);
    }
    return clock
      .reading(deadline, () => readClock(key))
      .then((reading) =>
        runScript(client, s, keys, [String(serverDeadline(reading, deadline)), ...args]),
      );
  };
  /** The hash slot of `key` on a cluster; 0 for every key on a single server. */
  const slotOf = (key: string): number =>
    client.isCluster ? (new Command("get", [key]).getSlot() ?? 0) : 0;
  /**
   * Bumps `items` (full keys), one script per hash slot (all of them in one on a single
   * server), the scripts sent at once; the counts in the items' order.
   */
  const count = async (items: ReadonlyArray<IncrementItem>, deadline: number) => {
    const counts: number[] = new Array(items.length);
    const groups = new Map<number, number[]>();
    items.forEach((item, i) => {
      const slot = slotOf(item.key);
      const group = groups.get(slot);
      if (group) group.push(i);
      else groups.set(slot, [i]);
    });
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const slotItems = group.map((i) => items[i] as IncrementItem);
        const keys = slotItems.map((item) => item.key);
        const args = counterArgs(slotItems);
        const texts = (await write(incrementScript, keys, deadline, args)) as string[];
        group.forEach((i, j) => {
          counts[i] = Number(texts[j]);
        });
      }),
    );
    return counts;
  };

  /** Runs the put script: one compare-and-set of `key` (a full key). */
  const putOnce = (
    key: string,
    value: JsonValue,
    opts: PutOptions,
    deadline: number,
    operation: string,
  ): Promise<PutResult> =>
    write(putScript, [key], deadline, putArgs(value, opts)).then((reply) =>
      putResult(reply as PutReply, operation),
    );
  /** The put's answer from a put script's reply: `{1, version, …}` or `{0, current}`. */
  const putResult = ([ok, result]: PutReply, operation: string): PutResult =>
    ok === 1
      ? { ok: true, version: Number(result) }
      : { ok: false, current: decode(result as string | null, operation) };

  const store: Store = {
    id: "redis",

    get<T extends JsonValue>(key: string): Promise<StoreEntry<T> | null> {
      return call("get", () => client.get(full(key)).then((raw) => decode<T>(raw, "get")));
    },

    put(key: string, value: JsonValue, opts: PutOptions = {}): Promise<PutResult> {
      return call("put", (deadline) => putOnce(full(key), value, opts, deadline, "put"));
    },

    take<T extends JsonValue>(key: string): Promise<StoreEntry<T> | null> {
      return call("take", (deadline) =>
        write(takeScript, [full(key)], deadline, []).then((raw) =>
          decode<T>(raw as string | null, "take"),
        ),
      );
    },

    increment(key: string, opts: IncrementOptions = {}): Promise<number> {
      return call("increment", (deadline) =>
        write(incrementScript, [full(key)], deadline, counterArgs([opts])).then((texts) =>
          Number((texts as string[])[0]),
        ),
      );
    },

    incrementMany(items: ReadonlyArray<IncrementItem>): Promise<number[]> {
      return call("incrementMany", (deadline) => count(prefixed(items), deadline));
    },

    async putAndCount(
      put: PutItem,
      increments: ReadonlyArray<IncrementItem>,
      puts: ReadonlyArray<PutItem> = [],
    ): Promise<PutAndCountResult> {
      const key = full(put.key);
      const items = prefixed(increments);
      const opts = put.options ?? {};
      return call("putAndCount", async (deadline) => {
        const slot = slotOf(key);
        const others = puts.map((item) => full(item.key));
        const inSlot = (k: string) => slotOf(k) === slot;
        if (items.every((item) => inSlot(item.key)) && others.every(inSlot)) {
          // One slot (always, on a single server): one script, all or nothing.
          const keys = [key, ...items.map((item) => item.key), ...others];
          const args = [
            ...putArgs(put.value, opts),
            String(items.length),
            ...counterArgs(items),
            ...puts.flatMap((item) => [JSON.stringify(item.value), ttlArg(item.options?.ttlMs)]),
          ];
          const reply = (await write(putAndCountScript, keys, deadline, args)) as PutReply;
          const result = putResult(reply, "putAndCount");
          return { put: result, counts: result.ok ? reply.slice(2).map(Number) : null };
        }
        // Keys in several slots of a cluster: no script can hold them all. The put first, and
        // only if it won the counters (one script per slot), and only if they were counted the
        // extra puts (one script each, sent at once), so a lost compare-and-set still counts
        // and writes nothing more; a refused or failed counter then leaves the put written, a
        // failed extra put the put and the counters (see Store.putAndCount).
        const result = await putOnce(key, put.value, opts, deadline, "putAndCount");
        if (!result.ok) return { put: result, counts: null };
        const counts = items.length > 0 ? await count(items, deadline) : [];
        await Promise.all(
          puts.map((item, i) =>
            putOnce(others[i] as string, item.value, item.options ?? {}, deadline, "putAndCount"),
          ),
        );
        return { put: result, counts };
      });
    },

    delete(key: string): Promise<boolean> {
      return call("delete", (deadline) =>
        write(deleteScript, [full(key)], deadline, []).then((deleted) => (deleted as number) > 0),
      );
    },

    async list(prefix: string, opts: ListOptions = {}): Promise<ListPage> {
      const limit = opts.limit ?? 100;
      return call("list", async () => {
        const after = opts.cursor;
        const found = await scanKeys(client, prefixPattern(full(prefix)), scanCount);
        // Ascending by UTF-16 code unit, as the port orders keys (JavaScript's default sort).
        const keys = found
          .map((k) => k.slice(keyPrefix.length))
          .filter((k) => after === undefined || k > after)
          .sort();
        // Keys may expire between SCAN and MGET, so read in chunks until one entry more than
        // the page is found: that extra entry is how we know whether a next page exists.
        const items: Array<{ key: string } & StoreEntry> = [];
        for (let i = 0; i < keys.length && items.length <= limit; i += limit + 1) {
          const chunk = keys.slice(i, i + limit + 1);
          const raws = await readMany(client, chunk.map(full));
          chunk.forEach((key, j) => {
            const entry = decode(raws[j] ?? null, "list");
            if (entry && items.length <= limit) items.push({ key, ...entry });
          });
        }
        if (items.length <= limit) return { items, cursor: null };
        items.length = limit;
        return { items, cursor: items[limit - 1]?.key ?? null };
      });
    },
  };
  return guardStore(store);
}

/** A put script's reply: `{1, newVersion, count…}` or `{0, currentRawValueOrNil}`. */
type PutReply = [number, number | string | null, ...string[]];

/** The put arguments of the put scripts (after the deadline): mode, expected version, JSON, TTL. */
function putArgs(value: JsonValue, opts: PutOptions): string[] {
  const expect = opts.expectVersion;
  const mode = expect === undefined ? "any" : expect === null ? "absent" : "version";
  return [mode, String(expect ?? ""), JSON.stringify(value), ttlArg(opts.ttlMs)];
}

/** The counter arguments of the counting scripts: each item's step and TTL on create. */
function counterArgs(items: ReadonlyArray<IncrementOptions>): string[] {
  return items.flatMap((item) => [String(item.by ?? 1), ttlArg(item.ttlMs)]);
}

/** The TTL argument of the scripts: whole milliseconds (the guard let only those in), or "". */
function ttlArg(ttlMs: number | undefined): string {
  return ttlMs === undefined ? "" : String(ttlMs);
}

/**
 * The values of `keys`, in order: one `MGET` on a single server; on a cluster one `GET` per key
 * (sent at once), as an `MGET` across hash slots is refused there.
 */
async function readMany(client: Redis | Cluster, keys: string[]): Promise<Array<string | null>> {
  if (keys.length === 0) return [];
  if (!client.isCluster) return (client as Redis).mget(keys);
  return Promise.all(keys.map((k) => client.get(k)));
}
