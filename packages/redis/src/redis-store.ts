/**
 * The Redis Store: native TTLs and Lua for the atomic primitives, one hash slot per user so it
 * also runs on Redis Cluster. Every call ends within `timeoutMs`, and every write script checks
 * its deadline on the server's clock first, so one that runs late writes nothing (see
 * `deadline.ts`).
 *
 * @module
 */

import { type JsonValue, MfaError, type Store } from "@mfakit/core";
import type {
  IncrementOptions,
  ListOptions,
  ListPage,
  PutOptions,
  PutResult,
  StoreEntry,
} from "@mfakit/core/adapter";
import { type Cluster, Command, type Redis } from "ioredis";
import { assertClientOptions } from "./client-options.js";
import { beforeDeadline, type ServerClockReading, serverDeadline } from "./deadline.js";
import { decodeEntry } from "./envelope.js";
import {
  deleteScript,
  incrementScript,
  type LuaScript,
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

/** Largest `limit` of one `list` page. */
const MAX_LIST_LIMIT = 1000;
/** A reading of a server's clock older than this is refreshed in the background. */
const CLOCK_REFRESH_MS = 10_000;
/** The longest timer Node keeps (setTimeout clamps anything longer to 1 ms). */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * A Store in Redis (7 or later; 6.2 at the least, for `GETDEL`).
 *
 * Each entry is one string key `<keyPrefix><key>` holding `<version>:<json>`, with the entry's
 * TTL as the key's own expiry. Round trips: `get` is one `GET`; `put`, `increment`, `take`
 * and `delete` are one `EVALSHA` each (a script, so that it can check its deadline on the
 * server); `list` is a full `SCAN` plus one `MGET` per page. Every call ends within
 * `timeoutMs`.
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
export function redisStore(options: RedisStoreOptions): Store {
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
  const decode = <T extends JsonValue>(raw: string | null, operation: string) =>
    raw === null ? null : decodeEntry<T>(raw, operation);
  /**
   * Runs `fn` with a deadline `timeoutMs` from now (it gets the deadline, a `performance.now()`
   * instant), turning any driver failure into the port's typed error.
   */
  const call = async <R>(operation: string, fn: (deadline: number) => Promise<R>): Promise<R> => {
    const deadline = performance.now() + timeoutMs;
    try {
      return await beforeDeadline(fn(deadline), deadline, timeoutMs);
    } catch (error) {
      throw storeError(error, operation);
    }
  };

  // Readings of each server's clock ("" for a single server, the master's address on a
  // cluster: every node has its own clock), from which writes derive their deadlines.
  const readings = new Map<string, ServerClockReading>();
  const reading = new Map<string, Promise<ServerClockReading>>();
  const nodeOf = (key: string): string => {
    if (!client.isCluster) return "";
    const slot = new Command("get", [key]).getSlot() ?? 0;
    // Before the client knows the slot table, a reading is kept per slot, never shared with a
    // key that may live on another node.
    return (client as Cluster).slots[slot]?.[0] ?? `slot:${slot}`;
  };
  /** Reads the clock of the server holding `key` (the script runs on the key's node). */
  const readClock = (key: string, node: string): Promise<ServerClockReading> => {
    let pending = reading.get(node);
    if (!pending) {
      const sentAt = performance.now();
      pending = runScript(client, timeScript, key, []).then((reply) => {
        const [seconds, micros] = reply as [string, string];
        const fresh = {
          server: Number(seconds) * 1000 + Number(micros) / 1000,
          sentAt,
          receivedAt: performance.now(),
        };
        // Keep a fast reading over a slow one (a slow one was taken in a bad moment).
        const current = readings.get(node);
        if (!current || fresh.receivedAt - fresh.sentAt < timeoutMs / 4) readings.set(node, fresh);
        return readings.get(node) ?? fresh;
      });
      const forget = () => reading.delete(node);
      pending.then(forget, forget);
      reading.set(node, pending);
    }
    return pending;
  };
  /** Runs write script `s` on `key` with the call's deadline as the script's first argument. */
  const write = async (s: LuaScript, key: string, deadline: number, args: readonly string[]) => {
    const node = nodeOf(key);
    let clock = readings.get(node);
    if (!clock) clock = await readClock(key, node);
    else if (performance.now() - clock.receivedAt > CLOCK_REFRESH_MS) {
      readClock(key, node).catch(() => undefined); // the current reading stays valid meanwhile
    }
    return runScript(client, s, key, [String(serverDeadline(clock, deadline)), ...args]);
  };

  return {
    id: "redis",

    get<T extends JsonValue>(key: string): Promise<StoreEntry<T> | null> {
      return call("get", async () => decode<T>(await client.get(full(key)), "get"));
    },

    async put(key: string, value: JsonValue, opts: PutOptions = {}): Promise<PutResult> {
      const expect = opts.expectVersion;
      const mode = expect === undefined ? "any" : expect === null ? "absent" : "version";
      const args = [mode, String(expect ?? ""), JSON.stringify(value), ttlArg(opts.ttlMs)];
      return call("put", async (deadline) => {
        const [ok, result] = (await write(putScript, full(key), deadline, args)) as [
          number,
          number | string | null,
        ];
        if (ok === 1) return { ok: true, version: result as number };
        return { ok: false, current: decode(result as string | null, "put") };
      });
    },

    take<T extends JsonValue>(key: string): Promise<StoreEntry<T> | null> {
      return call("take", async (deadline) =>
        decode<T>((await write(takeScript, full(key), deadline, [])) as string | null, "take"),
      );
    },

    async increment(key: string, opts: IncrementOptions = {}): Promise<number> {
      const by = opts.by ?? 1;
      if (!Number.isSafeInteger(by)) {
        throw new MfaError("invalid_input", { data: { field: "by" } });
      }
      const args = [String(by), ttlArg(opts.ttlMs)];
      return call("increment", async (deadline) =>
        Number(await write(incrementScript, full(key), deadline, args)),
      );
    },

    delete(key: string): Promise<boolean> {
      return call(
        "delete",
        async (deadline) => ((await write(deleteScript, full(key), deadline, [])) as number) > 0,
      );
    },

    async list(prefix: string, opts: ListOptions = {}): Promise<ListPage> {
      const limit = opts.limit ?? 100;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
        throw new MfaError("invalid_input", { data: { field: "limit", max: MAX_LIST_LIMIT } });
      }
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
}

/**
 * The TTL argument of the scripts: whole milliseconds (rounded up, so an entry never lives
 * shorter than asked), or "" for none. Refuses what is not a number of milliseconds.
 */
function ttlArg(ttlMs: number | undefined): string {
  if (ttlMs === undefined) return "";
  if (!Number.isFinite(ttlMs)) throw new MfaError("invalid_input", { data: { field: "ttlMs" } });
  return String(Math.ceil(ttlMs));
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
