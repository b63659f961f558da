/**
 * The Redis Store: native TTLs, `GETDEL` and Lua for the atomic primitives, one hash slot per
 * user so it also runs on Redis Cluster.
 *
 * @module
 */

import {
  type IncrementOptions,
  type JsonValue,
  type ListOptions,
  type ListPage,
  MfaError,
  type PutOptions,
  type PutResult,
  type Store,
  type StoreEntry,
} from "@mfakit/core/adapter";
import type { Cluster, Redis } from "ioredis";
import { assertClientOptions } from "./client-options.js";
import { decodeEntry } from "./envelope.js";
import { incrementScript, putScript, runScript } from "./lua-scripts.js";
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
}

/** Largest `limit` of one `list` page. */
const MAX_LIST_LIMIT = 1000;

/**
 * A Store in Redis (7 or later; 6.2 at the least, for `GETDEL`).
 *
 * Each entry is one string key `<keyPrefix><key>` holding `<version>:<json>`, with the entry's
 * TTL as the key's own expiry. Round trips: `get`, `take`, `delete` are one native command
 * (`GET`, `GETDEL`, `DEL`); `put` and `increment` are one `EVALSHA`; `list` is a full `SCAN`
 * plus one `MGET` per page.
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
  const { client, keyPrefix = "", scanCount = 1000 } = options;
  assertClientOptions(client);
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
  /** Runs `fn`, turning any driver failure into the port's typed error. */
  const call = async <R>(operation: string, fn: () => Promise<R>): Promise<R> => {
    try {
      return await fn();
    } catch (error) {
      throw storeError(error, operation);
    }
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
      return call("put", async () => {
        const [ok, result] = (await runScript(client, putScript, full(key), args)) as [
          number,
          number | string | null,
        ];
        if (ok === 1) return { ok: true, version: result as number };
        return { ok: false, current: decode(result as string | null, "put") };
      });
    },

    take<T extends JsonValue>(key: string): Promise<StoreEntry<T> | null> {
      return call("take", async () => decode<T>(await client.getdel(full(key)), "take"));
    },

    async increment(key: string, opts: IncrementOptions = {}): Promise<number> {
      const by = opts.by ?? 1;
      if (!Number.isSafeInteger(by)) {
        throw new MfaError("invalid_input", { data: { field: "by" } });
      }
      const args = [String(by), ttlArg(opts.ttlMs)];
      return call("increment", async () =>
        Number(await runScript(client, incrementScript, full(key), args)),
      );
    },

    delete(key: string): Promise<boolean> {
      return call("delete", async () => (await client.del(full(key))) > 0);
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
