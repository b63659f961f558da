/**
 * The SQLite Store: the embedded default, one file (or `:memory:`) on better-sqlite3.
 *
 * better-sqlite3 is synchronous: each method runs its statements to the end before it returns
 * control, so within one process every method is atomic by construction. Across processes
 * sharing one file, every decision is made inside ONE statement (an upsert, an
 * `UPDATE … WHERE version = ?`, a `DELETE … RETURNING`), which SQLite runs under its write
 * lock, so no read-then-write can interleave. A second statement runs only off the hot path:
 * the read that reports `current` after a refused compare-and-set, and the full counter upsert
 * after the fast one wrote nothing (an expired or a refused counter), which decides on its own. `incrementMany` and `putAndCount` are the
 * transactions: their statements (the counters' upserts; the compare-and-set, then the
 * counters' upserts and the extra puts) in one transaction, so a call is all or nothing and
 * never more than one commit (one fsync): its own, or with group commit the one it shares with
 * the calls in flight with it.
 *
 * A write is acknowledged only after its commit succeeded: see {@link writeOne}, and for the
 * default group commit (writes in flight together share one transaction and one COMMIT) see
 * {@link SqliteStoreOptions.groupCommit}.
 *
 * Arguments are checked by the core's `guardStore`, which {@link sqliteStore} returns its store
 * wrapped in: keys, values, versions, TTLs and list bounds reach this code already valid. What
 * stays here is what only the stored data can tell (an increment of a non-integer or past the
 * safe integers) and the driver's failures as `store_unavailable` with SQLite's `code`.
 *
 * @module
 */

import {
  type Clock,
  type GuardedStore,
  guardStore,
  type IncrementItem,
  type IncrementOptions,
  isMfaError,
  type JsonValue,
  type ListOptions,
  type ListPage,
  MfaError,
  type PutAndCountResult,
  type PutItem,
  type PutOptions,
  type PutResult,
  prefixUpperBound,
  type Store,
  type StoreEntry,
  systemClock,
} from "@mfakit/core/adapter";
import Database from "better-sqlite3";
import { migrate } from "./schema.js";

/** Options of {@link sqliteStore}: give either `path` or `database`. */
export interface SqliteStoreOptions {
  /**
   * The database file to open (created if missing), or `":memory:"` for a store that lives as
   * long as the process. The store opens it in WAL mode and closes it in {@link SqliteStore.close}.
   * @default undefined (then `database` is required)
   */
  readonly path?: string;
  /**
   * An open better-sqlite3 database to use instead of `path`. Its owner sets its pragmas
   * (journal mode, synchronous), its busy `timeout` (better-sqlite3's default is 5 s, all of it
   * spent blocking the event loop; see {@link SqliteStoreOptions.busyTimeoutMs}) and closes it; the store only
   * creates its tables in it.
   * @default undefined
   */
  readonly database?: Database.Database;
  /**
   * The table that holds the entries; `<tableName>_migrations` records the schema version.
   * Letters, digits and `_`, at most 48 characters.
   * @default "mfa_store"
   */
  readonly tableName?: string;
  /** The clock TTLs run on. @default systemClock */
  readonly clock?: Clock;
  /**
   * With `path`: SQLite's `synchronous` setting. `"FULL"` syncs the WAL on every commit, so a
   * consumed one-time code stays consumed even after a power cut; `"NORMAL"` is faster and may
   * lose the last commits (never corrupts) on power loss.
   * @default "FULL"
   */
  readonly synchronous?: "FULL" | "NORMAL";
  /**
   * With `path`: how long a call waits for another connection's lock before it fails with
   * `store_unavailable` (`data.code` `"SQLITE_BUSY"`, safe to retry). better-sqlite3 is
   * synchronous, so the wait blocks this process's event loop: keep it short. Writers of one
   * file take turns; a write holds the lock for well under a millisecond (plus an fsync with
   * `synchronous: "FULL"`), so 200 ms rides out a queue of other writers without stalling every
   * other request of a server for long.
   * @default 200
   */
  readonly busyTimeoutMs?: number;
  /**
   * Expired rows are deleted lazily: a write deletes up to {@link sweepBatchSize} of them when
   * this long has passed (on `clock`) since the last sweep. `0` turns lazy sweeping off (call
   * {@link SqliteStore.sweep} yourself). Expired rows are never visible either way.
   * @default 60000
   */
  readonly sweepIntervalMs?: number;
  /** The most expired rows one lazy sweep deletes, so a write never stalls on a big sweep. @default 500 */
  readonly sweepBatchSize?: number;
  /**
   * Group commit: writes issued while others are pending share one transaction and one
   * `COMMIT`, so under `synchronous: "FULL"` 16 requests in flight cost one disk sync instead
   * of 16. Each call's promise still settles only after the COMMIT that contains it succeeded;
   * a failed COMMIT rejects every call of the group with `store_unavailable` (none of them
   * happened). A call that throws inside the group (a counter that is not an integer) rolls
   * back only itself. `get` and `list` issued while a group is open wait for its COMMIT, so
   * they never see a write that a failed COMMIT could take back.
   *
   * The group holds SQLite's write lock from its first write until the end of that event-loop
   * turn (`setImmediate`): another process writing the file waits that long at most (on the
   * busy timeout, as for any writer), and can never write into the group.
   *
   * With `path` the store owns its connection, and group commit is on unless turned off. With
   * `database` the connection may be the app's too, so it is off unless turned on: a write of
   * the app's on it while a group is open would join the group's transaction (and commit only
   * with it), and the app's own `BEGIN` would fail inside it. Turn it on there only when the
   * store is the connection's one writer. `false`: every write is its own commit, as an
   * autocommit statement.
   * @default true with `path`; false with `database`
   */
  readonly groupCommit?: boolean;
}

/** The SQLite {@link Store}, plus housekeeping. */
export interface SqliteStore extends GuardedStore {
  readonly id: "sqlite";
  /** Commits the open group, then deletes every expired row now; resolves to how many were deleted. */
  sweep(): Promise<number>;
  /**
   * Commits the open group (its calls settle as usual), then closes the database if the store
   * opened it (`path`); for an injected `database` it only commits.
   */
  close(): void;
}

interface Row {
  readonly value: string;
  readonly version: number;
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;
const MAX_SAFE = "9007199254740991";

/**
 * A Store in SQLite, returned already wrapped in the core's `guardStore` (so it refuses a
 * malformed call as the SDK does, and createMfa's own wrap is a no-op).
 *
 * @example
 * ```ts
 * import { sqliteStore } from "@mfakit/sqlite";
 * const store = sqliteStore({ path: "./mfa.db" });
 * ```
 */
export function sqliteStore(options: SqliteStoreOptions): SqliteStore {
  const table = options.tableName ?? "mfa_store";
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  const sweepBatchSize = options.sweepBatchSize ?? 500;
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const problems = [
    (options.path === undefined) === (options.database === undefined) &&
      "give exactly one of path and database",
    !TABLE_NAME.test(table) && "tableName: letters, digits and _, at most 48",
    !(Number.isInteger(sweepIntervalMs) && sweepIntervalMs >= 0) &&
      "sweepIntervalMs: an integer >= 0",
    !(Number.isInteger(sweepBatchSize) && sweepBatchSize > 0) && "sweepBatchSize: an integer > 0",
    !(Number.isInteger(busyTimeoutMs) && busyTimeoutMs >= 0) && "busyTimeoutMs: an integer >= 0",
  ].filter((p): p is string => typeof p === "string");
  if (problems.length > 0) {
    throw new MfaError("config_invalid", {
      message: `sqliteStore: ${problems.join("; ")}.`,
      data: { store: "sqlite" },
    });
  }
  const clock = options.clock ?? systemClock;
  const owned = options.database === undefined;
  const db = unavailableOnThrow("open", () => open(options, busyTimeoutMs));
  unavailableOnThrow("migrate", () => migrate(db, table, clock.now()));

  const t = `"${table}"`;
  const live = "(expires_at IS NULL OR expires_at > @now)";
  const upsert = `INSERT INTO ${t} (key, value, version, expires_at)
    VALUES (@key, @value, 1, @expiresAt)
    ON CONFLICT (key) DO UPDATE
    SET value = excluded.value, version = version + 1, expires_at = excluded.expires_at`;
  // The stored counter is a safe integer, and so is the sum.
  const safeSum = `(json_type(value) = 'integer' AND abs(CAST(value AS INTEGER)) <= ${MAX_SAFE}
    AND abs(CAST(value AS INTEGER) + CAST(@by AS INTEGER)) <= ${MAX_SAFE})`;
  const sql = {
    get: db.prepare<{ key: string; now: number }, Row>(
      `SELECT value, version FROM ${t} WHERE key = @key AND ${live}`,
    ),
    put: db.prepare<WriteParams, { version: number }>(`${upsert} RETURNING version`),
    // The row may be there but expired: then it is overwritten as if absent.
    putIfAbsent: db.prepare<WriteParams & { now: number }, { version: number }>(
      `${upsert} WHERE NOT ${live} RETURNING version`,
    ),
    putIfVersion: db.prepare<WriteParams & { now: number; expect: number }, { version: number }>(
      `UPDATE ${t} SET value = @value, version = version + 1, expires_at = @expiresAt
       WHERE key = @key AND version = @expect AND ${live} RETURNING version`,
    ),
    // Deleting an expired row is harmless (it is a sweep); it just does not count as found.
    take: db.prepare<{ key: string; now: number }, Row & { live: number }>(
      `DELETE FROM ${t} WHERE key = @key RETURNING value, version, ${live} AS live`,
    ),
    delete: db.prepare<{ key: string; now: number }, { live: number }>(
      `DELETE FROM ${t} WHERE key = @key RETURNING ${live} AS live`,
    ),
    // The counter's hot path: create it, or add to a live one that holds a safe integer
    // (the result staying safe). It leaves `expires_at` alone: a SET of that column rewrites
    // its index entry even when the value is unchanged, which measured about 5 µs of a 17 µs
    // call. Answers no row (writing nothing) for an expired counter or a refused one: then
    // `increment` below decides, on its own, in one statement.
    bump: db.prepare<WriteParams & { now: number; by: number }, { value: string }>(
      `INSERT INTO ${t} (key, value, version, expires_at)
       VALUES (@key, @value, 1, @expiresAt)
       ON CONFLICT (key) DO UPDATE SET
         value = CAST(CAST(value AS INTEGER) + CAST(@by AS INTEGER) AS TEXT),
         version = version + 1
       WHERE ${live} AND ${safeSum}
       RETURNING value`,
    ),
    // A counter's row is replaced when it has expired, else its number is added to; the WHERE
    // refuses (returns no row for) a live value that is not a safe integer, or a sum that would
    // leave the safe-integer range. One statement, so it is atomic across processes too.
    increment: db.prepare<WriteParams & { now: number; by: number }, { value: string }>(
      `INSERT INTO ${t} (key, value, version, expires_at)
       VALUES (@key, @value, 1, @expiresAt)
       ON CONFLICT (key) DO UPDATE SET
         value = CASE WHEN NOT ${live} THEN excluded.value
                      ELSE CAST(CAST(value AS INTEGER) + CAST(@by AS INTEGER) AS TEXT) END,
         version = version + 1,
         expires_at = CASE WHEN NOT ${live} THEN excluded.expires_at ELSE expires_at END
       WHERE NOT ${live} OR ${safeSum}
       RETURNING value`,
    ),
    sweep: db.prepare<{ now: number; limit: number }>(
      `DELETE FROM ${t} WHERE key IN
         (SELECT key FROM ${t} WHERE expires_at <= @now LIMIT @limit)`,
    ),
  };
  // One list statement per shape of range (cursor or not, upper bound or not).
  const listSql = new Map<string, Database.Statement<[ListParams], Row & { key: string }>>();
  const listStatement = (after: boolean, bounded: boolean) => {
    const name = `${after}:${bounded}`;
    let stmt = listSql.get(name);
    if (!stmt) {
      stmt = db.prepare<[ListParams], Row & { key: string }>(
        `SELECT key, value, version FROM ${t}
         WHERE key ${after ? "> @from" : ">= @from"} ${bounded ? "AND key < @upper" : ""}
           AND ${live}
         ORDER BY key LIMIT @limit`,
      );
      listSql.set(name, stmt);
    }
    return stmt;
  };

  /**
   * One counter's upsert; throws store_invalid_operation (writing nothing) when the stored data
   * refuses it. Inside `incrementMany`'s transaction, that throw rolls the batch back.
   */
  const count = (key: string, opts: IncrementOptions, now: number, operation: string) => {
    const by = opts.by ?? 1;
    const params = { key, value: String(by), expiresAt: expiry(now, opts.ttlMs), now, by };
    // Each statement is atomic on its own; the second runs only when the first wrote nothing.
    const row = writeOne(sql.bump, params) ?? writeOne(sql.increment, params);
    if (!row) throw new MfaError("store_invalid_operation", { data: { operation } });
    return Number(row.value);
  };
  /**
   * The batch as one transaction. IMMEDIATE takes the write lock at BEGIN (waiting up to the
   * busy timeout), so no other connection can slip in between its upserts, and it never has to
   * upgrade a read lock, which in WAL mode fails at once with SQLITE_BUSY instead of waiting.
   * better-sqlite3's wrapper runs COMMIT and checks its result (unlike `.get()`, see
   * {@link writeOne}); if the COMMIT or any upsert fails, it rolls back before rethrowing, so a
   * batch that throws wrote nothing. Inside a group commit's open transaction the same wrapper
   * runs the batch in a SAVEPOINT instead, which a throw rolls back alone.
   */
  const countAll = db.transaction((items: ReadonlyArray<IncrementItem>, now: number): number[] =>
    items.map((item) => count(item.key, item, now, "incrementMany")),
  ).immediate;

  /**
   * A put's compare-and-set: one statement, so atomic on its own. The refused answer reads
   * what is stored now (a second statement, only on this losing path).
   */
  const casPut = (key: string, value: JsonValue, opts: PutOptions, now: number): PutResult => {
    const params = { key, value: JSON.stringify(value), expiresAt: expiry(now, opts.ttlMs) };
    const expect = opts.expectVersion;
    const written =
      expect === undefined
        ? writeOne(sql.put, params)
        : expect === null
          ? writeOne(sql.putIfAbsent, { ...params, now })
          : writeOne(sql.putIfVersion, { ...params, now, expect });
    if (written) return { ok: true, version: written.version };
    const current = sql.get.get({ key, now });
    return { ok: false, current: current ? entry(current) : null };
  };
  /**
   * `putAndCount` as one transaction, as {@link countAll}: the put, then (if it won) the
   * counters' upserts and the extra puts (unconditional upserts), one commit. A refused counter
   * throws and rolls the put back with it, before any extra put is written.
   */
  const putAndCountAll = db.transaction(
    (
      put: PutItem,
      increments: ReadonlyArray<IncrementItem>,
      puts: ReadonlyArray<PutItem>,
      now: number,
    ): PutAndCountResult => {
      const result = casPut(put.key, put.value, put.options ?? {}, now);
      if (!result.ok) return { put: result, counts: null };
      const counts = increments.map((item) => count(item.key, item, now, "putAndCount"));
      for (const item of puts) casPut(item.key, item.value, item.options ?? {}, now);
      return { put: result, counts };
    },
  ).immediate;

  let lastSweep = clock.now();
  /**
   * Lazy sweeping: a write deletes one batch of expired rows now and then. When one is due, the
   * sweep and the write run in ONE transaction, so the call stays one commit (one fsync under
   * `synchronous = FULL`) and, if that commit fails, the call throws with nothing changed that
   * anyone can see (expired rows are invisible either way). The sweep goes first: run after,
   * its failure would turn a done write into a throw.
   */
  const sweptWrite = db.transaction(<T>(now: number, write: () => T): T => {
    sql.sweep.run({ now, limit: sweepBatchSize });
    return write();
  }).immediate;
  const writing = <T>(now: number, write: () => T): T => {
    if (sweepIntervalMs === 0 || now - lastSweep < sweepIntervalMs) return write();
    lastSweep = now;
    return sweptWrite(now, write) as T;
  };

  // Every driver failure (busy, I/O, closed database) becomes store_unavailable here rather
  // than in the guard, so that it carries SQLite's code (SQLITE_BUSY: safe to retry); our own
  // MfaErrors (a non-integer counter) pass through unchanged.
  function settle<T>(operation: string, fn: () => T): Promise<T> {
    try {
      return Promise.resolve(unavailableOnThrow(operation, fn));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // Only a connection the store owns is grouped unless asked: see SqliteStoreOptions.groupCommit.
  const groupCommit = options.groupCommit ?? owned;
  /** The open group: a transaction whose calls wait for its COMMIT. */
  let group: Group | null = null;
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const rollback = db.prepare("ROLLBACK");

  /**
   * Opens a group. IMMEDIATE takes the write lock now (waiting up to the busy timeout), so no
   * statement of the group has to upgrade a read lock (in WAL mode that fails at once with
   * SQLITE_BUSY), and no other connection can write into the group: it holds the lock until
   * its flush, one event-loop turn later.
   */
  const openGroup = (): Group => {
    begin.run();
    const opened = newGroup();
    group = opened;
    // One turn of the event loop: the writes that the actions in flight issue before then
    // (each as soon as its previous await settles) join; a longer wait would add latency to a
    // lone write and hold the lock longer for nothing.
    setImmediate(() => {
      if (group === opened) flush();
    });
    return opened;
  };
  /** Commits the open group and settles its calls: each with its own result, or all with the failure. */
  const flush = (): void => {
    const closing = group;
    if (closing === null) return;
    group = null;
    let failure: unknown;
    try {
      commit.run();
    } catch (error) {
      failure = error;
      // A busy COMMIT leaves the transaction open; an I/O error or a full disk may have rolled
      // it back already. Either way none of the group happened. A ROLLBACK that throws too (a
      // closed connection) must not escape: this runs in a setImmediate callback, where a throw
      // would end the process, and the group's calls are rejected below all the same.
      try {
        if (db.inTransaction) rollback.run();
      } catch {
        // Nothing was committed; the next write's BEGIN reports the connection's state.
      }
    }
    endGroup(closing, failure);
  };
  /**
   * A write: with group commit its statements run now inside the open group (a new one if
   * none is open) and its promise waits for the group's COMMIT; a call that throws rejects
   * alone, since its statement (or `db.transaction`'s SAVEPOINT, for the calls of several
   * statements) rolled back only itself.
   */
  const write = <T>(operation: string, fn: (now: number) => T): Promise<T> => {
    const run = () => {
      const now = clock.now();
      return writing(now, () => fn(now));
    };
    if (!groupCommit) return settle(operation, run);
    try {
      const joined = group ?? openGroup();
      let result: T;
      try {
        result = run();
      } catch (error) {
        // SQLite rolls the whole transaction back on some failures (SQLITE_FULL, SQLITE_IOERR,
        // SQLITE_NOMEM): then the calls that ran before in the group did not happen either.
        if (group === joined && !db.inTransaction) {
          group = null;
          endGroup(joined, error);
        }
        throw error;
      }
      return new Promise<T>((resolve, reject) => {
        joined.waiters.push({ operation, resolve: () => resolve(result), reject });
      });
    } catch (error) {
      return Promise.reject(isMfaError(error) ? error : unavailable(operation, error));
    }
  };
  /**
   * A read never sees a call's uncommitted write (which a failed COMMIT would take back): while
   * a group is open it waits for the flush, then reads (again waiting if a caller has opened the
   * next group meanwhile).
   */
  const read = <T>(operation: string, fn: () => T): Promise<T> =>
    group === null ? settle(operation, fn) : group.ended.then(() => read(operation, fn));

  const store: Store & { readonly id: "sqlite" } = {
    id: "sqlite",

    get<T extends JsonValue>(key: string) {
      return read("get", () => {
        const row = sql.get.get({ key, now: clock.now() });
        return row ? entry<T>(row) : null;
      });
    },

    put(key: string, value: JsonValue, opts: PutOptions = {}) {
      return write("put", (now): PutResult => casPut(key, value, opts, now));
    },

    take<T extends JsonValue>(key: string) {
      return write("take", (now) => {
        const row = writeOne(sql.take, { key, now });
        return row?.live ? entry<T>(row) : null;
      });
    },

    increment(key: string, opts: IncrementOptions = {}) {
      return write("increment", (now) => count(key, opts, now, "increment"));
    },

    incrementMany(items: ReadonlyArray<IncrementItem>) {
      return write("incrementMany", (now) => countAll(items, now));
    },

    putAndCount(
      put: PutItem,
      increments: ReadonlyArray<IncrementItem>,
      puts: ReadonlyArray<PutItem> = [],
    ) {
      return write("putAndCount", (now) => putAndCountAll(put, increments, puts, now));
    },

    delete(key: string) {
      return write("delete", (now) => Boolean(writeOne(sql.delete, { key, now })?.live));
    },

    list(prefix: string, opts: ListOptions = {}) {
      return read("list", (): ListPage => {
        const limit = opts.limit ?? 100;
        const cursor = opts.cursor;
        const after = cursor !== undefined && cursor >= prefix;
        const upper = prefixUpperBound(prefix);
        // One row more than asked says whether there is a next page.
        const rows = listStatement(after, upper !== null).all({
          from: after ? (cursor as string) : prefix,
          upper,
          now: clock.now(),
          limit: limit + 1,
        });
        const items = rows.slice(0, limit).map((r) => ({
          key: r.key,
          value: JSON.parse(r.value) as JsonValue,
          version: r.version,
        }));
        return { items, cursor: rows.length > limit ? (items.at(-1)?.key ?? null) : null };
      });
    },
  };

  const extras = {
    sweep(): Promise<number> {
      // Its deletes commit on their own, so the group they would otherwise join goes first.
      flush();
      return settle("sweep", () => {
        const now = clock.now();
        lastSweep = now;
        let total = 0;
        for (;;) {
          const { changes } = sql.sweep.run({ now, limit: 10_000 });
          total += changes;
          if (changes < 10_000) return total;
        }
      });
    },

    close(): void {
      flush();
      if (owned && db.open) db.close();
    },
  };
  return guardStore(store, extras);
}

/** A call waiting for its group's COMMIT. */
interface Waiter {
  readonly operation: string;
  resolve(): void;
  reject(error: unknown): void;
}
/** A group commit's transaction: the calls whose statements ran in it. */
interface Group {
  readonly waiters: Waiter[];
  /** Resolves once the group has ended (committed or rolled back): the reads waiting for it. */
  readonly ended: Promise<void>;
  end(): void;
}

function newGroup(): Group {
  let end = () => {};
  const ended = new Promise<void>((resolve) => {
    end = resolve;
  });
  return { waiters: [], ended, end };
}

/** Settles a group's calls: each with its own result, or every one with the group's failure. */
function endGroup(group: Group, failure: unknown): void {
  // The waiting reads first: their continuations then run before the callers', one of which
  // may open the next group (a read would then wait once more).
  group.end();
  for (const waiter of group.waiters) {
    if (failure === undefined) waiter.resolve();
    else waiter.reject(unavailable(waiter.operation, failure));
  }
}

interface WriteParams {
  readonly key: string;
  readonly value: string;
  readonly expiresAt: number | null;
}
interface ListParams {
  readonly from: string;
  readonly upper: string | null;
  readonly now: number;
  readonly limit: number;
}

/** See {@link SqliteStoreOptions.busyTimeoutMs}. */
const DEFAULT_BUSY_TIMEOUT_MS = 200;

/**
 * Runs a write statement with `RETURNING` and gives its row (at most one: every write is by
 * primary key), only once the statement's commit has succeeded; a failed commit throws.
 *
 * Why `.all()` and never `.get()`: an autocommit statement commits when it runs to its end,
 * which for `RETURNING` is the step AFTER the last row. better-sqlite3's `.get()` takes the
 * first row and then resets the statement without checking the reset's result, so a commit that
 * fails there (disk full, I/O error, `SQLITE_BUSY` waiting for readers to leave a
 * rollback-journal file) is rolled back by SQLite while the caller is told the write happened:
 * a consumed code comes back, a counted guess is forgotten. `.all()` steps to `SQLITE_DONE`
 * and throws the commit's error. An explicit `BEGIN … COMMIT` around each write would also
 * check the commit, but costs two more statements per call and, on a busy COMMIT, leaves the
 * transaction open to be rolled back by hand.
 */
function writeOne<P, R>(statement: Database.Statement<[P], R>, params: P): R | undefined {
  return statement.all(params)[0];
}

function open(options: SqliteStoreOptions, busyTimeoutMs: number): Database.Database {
  if (options.database) return options.database;
  const db = new Database(options.path as string, { timeout: busyTimeoutMs });
  if (!db.memory) {
    // WAL: readers never block the writer and a commit is one append to the log.
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${options.synchronous === "NORMAL" ? "NORMAL" : "FULL"}`);
  }
  return db;
}

function unavailableOnThrow<T>(operation: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw isMfaError(error) ? error : unavailable(operation, error);
  }
}

/** A driver failure as `store_unavailable`, with SQLite's code (SQLITE_BUSY: safe to retry). */
function unavailable(operation: string, error: unknown): MfaError {
  return new MfaError("store_unavailable", {
    cause: error,
    data: { store: "sqlite", operation, code: driverCode(error) },
  });
}

function driverCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function entry<T extends JsonValue>(row: Row): StoreEntry<T> {
  return { value: JSON.parse(row.value) as T, version: row.version };
}

function expiry(now: number, ttlMs: number | undefined): number | null {
  return ttlMs === undefined ? null : now + ttlMs;
}
