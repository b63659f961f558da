/**
 * The PostgreSQL Store: many app instances, one database, on an injected `pg` Pool.
 *
 * Every method is ONE statement, so it is atomic on its own and needs no transaction:
 * `INSERT … ON CONFLICT` for writes and counters (`incrementMany` too: one upsert of all its
 * rows, one commit), `UPDATE … WHERE version = $n` for compare-and-set, `DELETE … RETURNING`
 * for take; `putAndCount` is one statement of data-modifying CTEs (the compare-and-set, then
 * the counters and the extra puts gated on its `RETURNING`), so one commit. Under Read Committed a second writer of the
 * same row waits for the first to commit and then re-checks its WHERE clause against the new
 * row, so of N racing compare-and-sets exactly one matches, and nothing is ever decided on a
 * value read earlier (no read-then-write race).
 *
 * Time: TTLs run on the injected clock, passed to each statement as a parameter, not on the
 * database server's `now()`. That keeps behaviour identical to the memory and SQLite stores
 * (tests move a fake clock instead of waiting) and makes a TTL mean "from the app's now". App
 * servers sync their clocks (NTP); a skew of a second against lifetimes of minutes is harmless,
 * and a counter's fixed window is set once by the instance that creates it.
 *
 * Arguments are checked by the core's `guardStore`, which {@link postgresStore} returns its
 * store wrapped in: keys, values, versions, TTLs and list bounds reach this code already valid.
 * What stays here is what only the stored data can tell (an increment of a non-integer or past
 * the safe integers), the deadlines, and the backend's failures as `store_unavailable` with the
 * driver's `code` (or `"deadline_exceeded"`).
 *
 * @module
 */

import { type Clock, isMfaError, type JsonValue, MfaError, type Store } from "@mfakit/core";
import {
  beforeDeadline,
  DEADLINE_EXCEEDED,
  deadlineExceeded,
  type GuardedStore,
  guardStore,
  type IncrementItem,
  type IncrementOptions,
  type ListOptions,
  type ListPage,
  mayHaveMissedDeadline,
  type PutAndCountResult,
  type PutItem,
  type PutOptions,
  type PutResult,
  prefixUpperBound,
  type ServerClockReading,
  type StoreEntry,
  serverClock,
  serverDeadline,
  systemClock,
} from "@mfakit/core/adapter";
import { migrateTable } from "./migrations.js";

/** The methods of a pooled connection the store uses; a `pg.PoolClient` has them. */
export interface PgClientLike {
  query(config: {
    readonly text: string;
    readonly values?: unknown[];
    readonly name?: string;
  }): Promise<{ rows: unknown[] }>;
  /** Gives the connection back; with an error (or `true`) the pool closes it instead. */
  release(destroy?: boolean | Error): void;
  /** A checked-out connection reports a drop outside a statement here (`"error"`). */
  on(event: "error", listener: (error: Error) => void): unknown;
  off(event: "error", listener: (error: Error) => void): unknown;
}

/** The method of a `pg.Pool` the store uses; a `pg.Pool` is one. */
export interface PgPoolLike {
  connect(): Promise<PgClientLike>;
}

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions {
  /**
   * The connection pool (a `pg.Pool`). The app owns it: it sets its size, listens to its
   * `"error"` event and ends it. Waiting for a free connection counts against `timeoutMs`
   * whatever the pool's `connectionTimeoutMillis` (pg's default waits forever).
   */
  readonly pool: PgPoolLike;
  /**
   * The most a call may take, in milliseconds: waiting for a connection, the statement, and the
   * first-use schema check. Past it the call throws `store_unavailable` with
   * `data.code: "deadline_exceeded"`, and its connection is closed. A write that timed out
   * either took effect before the deadline or never will: it carries the deadline and the
   * server refuses it if it runs late (see the README, "Deadlines").
   * @default 2000
   */
  readonly timeoutMs?: number;
  /**
   * The table of entries; `<tableName>_migrations` records the schema version. Letters, digits
   * and `_`, at most 48 characters (it is also part of index and statement names). Use a schema
   * through the connection's `search_path`.
   * @default "mfa_store"
   */
  readonly tableName?: string;
  /** The clock TTLs run on (see the module notes on time). @default systemClock */
  readonly clock?: Clock;
  /**
   * Create and migrate the schema on first use. Turn off when a deploy step runs
   * {@link PostgresStore.migrate} (e.g. when the app's database role may not run DDL).
   * @default true
   */
  readonly migrate?: boolean;
  /**
   * Use named prepared statements: each connection parses a statement once. Turn off behind a
   * pooler in transaction mode that does not support them (PgBouncer before 1.21).
   * @default true
   */
  readonly preparedStatements?: boolean;
  /**
   * Expired rows are deleted lazily: a write starts a background delete of up to
   * {@link sweepBatchSize} expired rows when this long has passed (on `clock`) since the last
   * one. `0` turns it off (call {@link PostgresStore.sweep} from a job). Expired rows are never
   * visible either way.
   * @default 60000
   */
  readonly sweepIntervalMs?: number;
  /** The most rows one lazy sweep deletes, so it stays a short statement. @default 1000 */
  readonly sweepBatchSize?: number;
}

/** The PostgreSQL {@link Store}, plus schema and housekeeping. */
export interface PostgresStore extends GuardedStore {
  readonly id: "postgres";
  /**
   * Creates or upgrades the schema now (safe to run from many instances at once); resolves to
   * the schema version found before. Other methods do this on first use unless `migrate: false`.
   */
  migrate(): Promise<number>;
  /** Deletes every expired row now, in batches; resolves to how many were deleted. */
  sweep(): Promise<number>;
}

interface Row {
  readonly value: string;
  readonly version: string | number;
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;
// Stored integer counters are what JSON.stringify writes for a safe integer: plain digits.
const MAX_SAFE = "9007199254740991";
/** What a counters statement fails with when a row's check ran past the deadline. */
const DEADLINE_MARK = "mfa_deadline_passed";
/** What a counters statement (`incrementMany`, `putAndCount`) fails with when a counter refuses its item. */
const REFUSED_MARK = "mfa_not_an_integer";

/**
 * An SQL expression that fails (22P02, `mark` in the message) when evaluated: a text cast to
 * bigint, kept from constant folding by an empty slice of `column`. The expression is typed
 * text, so that it can stand in any branch of the value's CASE.
 */
const abort = (column: string, mark: string) => `('${mark}' || left(${column}, 0))::bigint::text`;

/**
 * The error a failed counters statement (of `operation`) means, if it is one of our aborts: the
 * deadline (the call's timeout) or a refused counter; `undefined` for any other failure.
 */
function refusedBatch(error: unknown, timeoutMs: number, operation: string): Error | undefined {
  if (driverCode(error) !== "22P02" || !(error instanceof Error)) return undefined;
  if (error.message.includes(DEADLINE_MARK)) return deadlineExceeded(timeoutMs);
  if (error.message.includes(REFUSED_MARK)) {
    return new MfaError("store_invalid_operation", { data: { operation } });
  }
  return undefined;
}

/** The longest timer Node keeps (setTimeout clamps anything longer to 1 ms). */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** One statement on the call's connection: its name (for preparing), text and values. */
type Run = <R>(name: string, text: string, values: unknown[]) => Promise<R[]>;

/** What a store call body gets: reads as they are, writes guarded by the call's deadline. */
interface Statements {
  /** A statement without side effects (or whose late run is harmless, like a sweep). */
  read: Run;
  /**
   * A statement that changes state. Its last parameter (appended here) is the server-clock
   * deadline its SQL checks. No row back means "nothing written"; when that may have been the
   * deadline guard rather than the statement's own condition, it rejects as timed out.
   */
  write: Run;
}

/**
 * A Store in PostgreSQL, returned already wrapped in the core's `guardStore` (so it refuses a
 * malformed call as the SDK does, and createMfa's own wrap is a no-op).
 *
 * @example
 * ```ts
 * import pg from "pg";
 * import { postgresStore } from "@mfakit/postgres";
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 16 });
 * pool.on("error", (e) => log.warn(e)); // an idle connection dropped: the pool replaces it
 * const store = postgresStore({ pool });
 * ```
 */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  const table = options.tableName ?? "mfa_store";
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  const sweepBatchSize = options.sweepBatchSize ?? 1000;
  const timeoutMs = options.timeoutMs ?? 2000;
  const problems = [
    typeof options.pool?.connect !== "function" && "pool: a pg Pool",
    !(Number.isInteger(timeoutMs) && timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS) &&
      "timeoutMs: an integer > 0",
    !TABLE_NAME.test(table) && "tableName: letters, digits and _, at most 48",
    !(Number.isInteger(sweepIntervalMs) && sweepIntervalMs >= 0) &&
      "sweepIntervalMs: an integer >= 0",
    !(Number.isInteger(sweepBatchSize) && sweepBatchSize > 0) && "sweepBatchSize: an integer > 0",
  ].filter((p): p is string => typeof p === "string");
  if (problems.length > 0) {
    throw new MfaError("config_invalid", {
      message: `postgresStore: ${problems.join("; ")}.`,
      data: { store: "postgres" },
    });
  }
  const { pool } = options;
  const clock = options.clock ?? systemClock;
  const prepared = options.preparedStatements ?? true;

  const t = `"${table}"`;
  const at = (n: number) => `to_timestamp($${n}::float8 / 1000)`;
  const live = (n: number) => `(expires_at IS NULL OR expires_at > ${at(n)})`;
  // The write deadline, on the server's clock: clock_timestamp() (not now(), which is the
  // transaction's start) at the moment the row is checked. A statement the server reaches late
  // matches nothing; one that waited for a row lock re-checks its WHERE, deadline included,
  // against the new row version (Read Committed), so a wait past the deadline writes nothing.
  const inTime = (n: number) => `clock_timestamp() < ${at(n)}`;
  // INSERT … SELECT … WHERE in time: a late insert inserts nothing; a late conflict updates
  // nothing (the DO UPDATE WHERE below checks the deadline after taking the row lock).
  const upsert = (d: number) => `INSERT INTO ${t} AS s (key, value, version, expires_at)
    SELECT $1, $2, 1, ${at(3)} WHERE ${inTime(d)}
    ON CONFLICT (key) DO UPDATE
    SET value = excluded.value, version = s.version + 1, expires_at = excluded.expires_at`;
  // A counter's row is replaced when it has expired, else its number is added to; the WHERE
  // refuses (returns no row for) a live value that is not a safe integer, or a sum that would
  // leave the safe-integer range.
  const expired = `s.expires_at <= ${at(4)}`;
  /**
   * Many counters in one statement, all or nothing: the keys, steps and expiries are the arrays
   * $a, $a+1, $a+2, `now` is $4, the deadline $d, and `gate` a WHERE on the items.
   *
   * A single increment refuses by matching no row, but here a skipped row would leave the
   * others written (an autocommit statement commits whatever it did), so a row that must be
   * refused, or checked past the deadline, aborts the whole statement instead: SQL has no RAISE
   * outside PL/pgSQL, so the refusing CASE branch casts a marker to bigint, which fails with
   * 22P02 and the marker in the message (see refusedBatch). The marker is concatenated with an
   * empty slice of the row's key so that the planner cannot fold the failing cast into a
   * constant and raise it up front. The checks run where increment runs them: the deadline in
   * the inserted row and again once the conflicting row is locked, the integer checks on the
   * locked row. Rows go in in the order given, which the caller sorts by key, so concurrent
   * batches over overlapping keys lock their rows in the same order and cannot deadlock.
   */
  const counters = (a: number, d: number, gate: string) =>
    `INSERT INTO ${t} AS s (key, value, version, expires_at)
      SELECT i.k, CASE WHEN ${inTime(d)} THEN i.b::text ELSE ${abort("i.k", DEADLINE_MARK)} END,
        1, to_timestamp(i.e / 1000)
      FROM unnest($${a}::text[], $${a + 1}::bigint[], $${a + 2}::float8[])
        WITH ORDINALITY AS i(k, b, e, n)
      ${gate}
      ORDER BY i.n
      ON CONFLICT (key) DO UPDATE SET
        value = CASE
          WHEN NOT ${inTime(d)} THEN ${abort("s.key", DEADLINE_MARK)}
          WHEN ${expired} THEN excluded.value
          WHEN s.value !~ '^-?[0-9]{1,16}$' THEN ${abort("s.key", REFUSED_MARK)}
          WHEN abs(s.value::bigint) <= ${MAX_SAFE}
               AND abs(s.value::bigint + excluded.value::bigint) <= ${MAX_SAFE}
            THEN (s.value::bigint + excluded.value::bigint)::text
          ELSE ${abort("s.key", REFUSED_MARK)} END,
        version = s.version + 1,
        expires_at = CASE WHEN ${expired} THEN excluded.expires_at ELSE s.expires_at END
      RETURNING key, value`;
  const sql = {
    get: `SELECT value, version FROM ${t} WHERE key = $1 AND ${live(2)}`,
    put: `${upsert(4)} WHERE ${inTime(4)} RETURNING version`,
    // The row may be there but expired: then it is overwritten as if absent.
    putIfAbsent: `${upsert(5)} WHERE s.expires_at <= ${at(4)} AND ${inTime(5)} RETURNING version`,
    putIfVersion: `UPDATE ${t} SET value = $2, version = version + 1, expires_at = ${at(3)}
      WHERE key = $1 AND version = $4 AND ${live(5)} AND ${inTime(6)} RETURNING version`,
    // Deleting an expired row is harmless (it is a sweep); it just does not count as found.
    take: `DELETE FROM ${t} WHERE key = $1 AND ${inTime(3)}
      RETURNING value, version, ${live(2)} AS live`,
    delete: `DELETE FROM ${t} WHERE key = $1 AND ${inTime(3)} RETURNING ${live(2)} AS live`,
    increment: `INSERT INTO ${t} AS s (key, value, version, expires_at)
      SELECT $1, $2::bigint::text, 1, ${at(3)} WHERE ${inTime(5)}
      ON CONFLICT (key) DO UPDATE SET
        value = CASE WHEN ${expired} THEN excluded.value
                     ELSE (s.value::bigint + $2::bigint)::text END,
        version = s.version + 1,
        expires_at = CASE WHEN ${expired} THEN excluded.expires_at ELSE s.expires_at END
      WHERE ${inTime(5)} AND (${expired}
         OR CASE WHEN s.value ~ '^-?[0-9]{1,16}$'
                 THEN abs(s.value::bigint) <= ${MAX_SAFE}
                      AND abs(s.value::bigint + $2::bigint) <= ${MAX_SAFE}
                 ELSE false END)
      RETURNING value`,
    incrementMany: counters(1, 5, ""),
    // The put of putAndCount, with put's conditions, every mode in one statement ($5 "any" |
    // "absent" | "version", $6 the expected version): `p` the upsert of "any" and "absent" (an
    // expired row counts as absent), `v` the update of "version" (an upsert could not be it: a
    // conflict-free insert would create an absent key). Then the counters ($7…$9) and the
    // extra puts ($10 keys, $11 JSON texts, $12 expiries: unconditional upserts), only if the
    // put returned its row: a lost compare-and-set counts and writes nothing more. One
    // statement, one commit; a refused or late counter, or a late extra put (the same abort as
    // the counters', so a put that won in time is never left without its extra puts), aborts
    // it whole, the put included. Rows are locked put first, then the counters in key order,
    // then the extra puts in key order (the caller sorts both), so two calls whose keys play the
    // same parts cannot wait on each other in a cycle. (A key counted by one call and put by
    // another could: PostgreSQL then fails one of them with a deadlock, which writes nothing
    // and is store_unavailable. The core never does that: its extra puts are message indexes,
    // never counters.)
    putAndCount: `WITH p AS (INSERT INTO ${t} AS s (key, value, version, expires_at)
        SELECT $1, $2, 1, ${at(3)} WHERE ${inTime(13)} AND $5::text <> 'version'
        ON CONFLICT (key) DO UPDATE
        SET value = excluded.value, version = s.version + 1, expires_at = excluded.expires_at
        WHERE ${inTime(13)} AND ($5::text = 'any' OR ${expired})
        RETURNING version),
      v AS (UPDATE ${t} AS s SET value = $2, version = s.version + 1, expires_at = ${at(3)}
        WHERE $5::text = 'version' AND s.key = $1 AND s.version = $6::bigint
          AND (s.expires_at IS NULL OR s.expires_at > ${at(4)}) AND ${inTime(13)}
        RETURNING version),
      w AS (SELECT version FROM p UNION ALL SELECT version FROM v),
      c AS (${counters(7, 13, "WHERE EXISTS (SELECT 1 FROM w)")}),
      x AS (INSERT INTO ${t} AS s (key, value, version, expires_at)
        SELECT i.k, CASE WHEN ${inTime(13)} THEN i.v ELSE ${abort("i.k", DEADLINE_MARK)} END,
          1, to_timestamp(i.e / 1000)
        FROM unnest($10::text[], $11::text[], $12::float8[]) WITH ORDINALITY AS i(k, v, e, n)
        WHERE EXISTS (SELECT 1 FROM w)
        ORDER BY i.n
        ON CONFLICT (key) DO UPDATE SET
          value = CASE WHEN ${inTime(13)} THEN excluded.value
                       ELSE ${abort("s.key", DEADLINE_MARK)} END,
          version = s.version + 1,
          expires_at = excluded.expires_at
        RETURNING 1)
      SELECT NULL::text AS key, version::text AS value FROM w
      UNION ALL SELECT key, value FROM c`,
    // SKIP LOCKED: sweeps from many instances at once take disjoint rows and never wait. Only
    // expired rows, so a late run is harmless and needs no deadline.
    sweep: `WITH gone AS (DELETE FROM ${t} WHERE key IN (
        SELECT key FROM ${t} WHERE expires_at <= ${at(1)}
        ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1)
      SELECT count(*)::int AS n FROM gone`,
    clock: "SELECT extract(epoch FROM clock_timestamp())::float8 * 1000 AS ms",
    list: (after: boolean, bounded: boolean) =>
      `SELECT key, value, version FROM ${t}
       WHERE key ${after ? ">" : ">="} $1 ${bounded ? "AND key < $4" : ""} AND ${live(2)}
       ORDER BY key LIMIT $3`,
  };

  /** Any backend failure as the port's error; our own MfaErrors pass through. */
  const unavailable = (operation: string, error: unknown): MfaError => {
    if (isMfaError(error)) return error;
    const code = driverCode(error);
    return new MfaError("store_unavailable", {
      cause: error,
      data: {
        store: "postgres",
        operation,
        code,
        ...(code === DEADLINE_EXCEEDED ? { timeoutMs } : {}),
      },
    });
  };

  /**
   * Runs `work` on one pooled connection, every step before the local `deadline`. A connection
   * that arrives after the deadline goes straight back to the pool; one whose statement timed
   * out or failed is closed, not reused (a timed-out statement may still be in its socket).
   */
  const withConnection = async <T>(deadline: number, work: (run: Run) => Promise<T>) => {
    const client = await beforeDeadline(pool.connect(), deadline, timeoutMs, (late) =>
      late.release(),
    );
    let broken = false;
    // Without a listener a connection dropped while checked out (a restart, a terminated
    // backend) would be an uncaught exception; the pool listens only while it is idle.
    const dropped = () => {
      broken = true;
    };
    client.on("error", dropped);
    // Prepared under a name unique to this table and statement (at most 4 + 48 + 1 + 7
    // characters: PostgreSQL cuts statement names at 63 bytes).
    const run: Run = async <R>(name: string, text: string, values: unknown[]) => {
      const config =
        prepared && name ? { name: `mfa_${table}_${name}`, text, values } : { text, values };
      try {
        return (await beforeDeadline(client.query(config), deadline, timeoutMs)).rows as R[];
      } catch (error) {
        broken = true;
        throw error;
      }
    };
    try {
      return await work(run);
    } finally {
      client.off("error", dropped);
      client.release(broken);
    }
  };

  let schemaReady: Promise<number> | null = null;
  let migrated = options.migrate === false;
  const migrate = () => {
    // Its own deadline: a migration abandoned by a caller still ends (its connection closed,
    // its transaction rolled back) rather than holding the advisory lock.
    schemaReady ??= withConnection(performance.now() + timeoutMs, (run) =>
      migrateTable((text, values = []) => run("", text, values).then((rows) => ({ rows })), table),
    ).then(
      (found) => {
        migrated = true;
        return found;
      },
      (error: unknown) => {
        schemaReady = null; // the next call tries again
        throw error;
      },
    );
    return schemaReady;
  };

  // The server's clock, read now and then: writes derive their server-side deadline from it.
  // A reading has its own connection and deadline; `sentAt` is taken once the connection is
  // there, so waiting for one does not widen the reading.
  const clockReadings = serverClock(timeoutMs);
  const readClock = () =>
    withConnection(performance.now() + timeoutMs, async (run): Promise<ServerClockReading> => {
      const sentAt = performance.now();
      const [row] = await run<{ ms: number }>("clock", sql.clock, []);
      return { server: Number(row?.ms), sentAt, receivedAt: performance.now() };
    });

  /**
   * One store call: within `timeoutMs` from now, on one connection; every backend failure
   * becomes store_unavailable, our own MfaErrors pass through.
   */
  const call = async <T>(
    operation: string,
    writes: boolean,
    work: (s: Statements) => Promise<T>,
  ): Promise<T> => {
    const deadline = performance.now() + timeoutMs;
    try {
      if (!migrated) await beforeDeadline(migrate(), deadline, timeoutMs);
      // Before taking the call's connection: a reading may need one of its own.
      const clockNow = writes ? await clockReadings.reading(deadline, readClock) : null;
      return await withConnection(deadline, (run) =>
        work({
          read: run,
          write: async <R>(name: string, text: string, values: unknown[]) => {
            if (!clockNow) throw new Error("a write in a read-only call");
            const rows = await run<R>(name, text, [...values, serverDeadline(clockNow, deadline)]);
            if (rows.length === 0 && mayHaveMissedDeadline(clockNow, performance.now(), deadline)) {
              throw deadlineExceeded(timeoutMs);
            }
            return rows;
          },
        }),
      );
    } catch (error) {
      throw unavailable(operation, error);
    }
  };

  let lastSweep = clock.now();
  const sweepBatch = (now: number, limit: number) =>
    call("sweep", false, async (s) => {
      const [row] = await s.read<{ n: number }>("sweep", sql.sweep, [now, limit]);
      return row?.n ?? 0;
    });
  /** Lazy sweeping: now and then a write starts one bounded delete in the background. */
  const afterWrite = (now: number) => {
    if (sweepIntervalMs === 0 || now - lastSweep < sweepIntervalMs) return;
    lastSweep = now;
    // Housekeeping only: a failure here changes nothing visible, the next interval retries.
    sweepBatch(now, sweepBatchSize).catch(() => undefined);
  };

  const store: Store & { readonly id: "postgres" } = {
    id: "postgres",

    get<T extends JsonValue>(key: string) {
      return call("get", false, async (s) => {
        const [row] = await s.read<Row>("get", sql.get, [key, clock.now()]);
        return row ? entry<T>(row) : null;
      });
    },

    put(key: string, value: JsonValue, opts: PutOptions = {}) {
      return call("put", true, async (s): Promise<PutResult> => {
        const json = JSON.stringify(value);
        const expect = opts.expectVersion;
        const now = clock.now();
        const expiresAt = expiry(now, opts.ttlMs);
        const [written] =
          expect === undefined
            ? await s.write<Row>("put", sql.put, [key, json, expiresAt])
            : expect === null
              ? await s.write<Row>("put_abs", sql.putIfAbsent, [key, json, expiresAt, now])
              : await s.write<Row>("put_ver", sql.putIfVersion, [
                  key,
                  json,
                  expiresAt,
                  expect,
                  now,
                ]);
        afterWrite(now);
        if (written) return { ok: true, version: Number(written.version) };
        // The write was refused atomically; report what is stored now (a second round trip,
        // only on this losing path).
        const [current] = await s.read<Row>("get", sql.get, [key, now]);
        return { ok: false, current: current ? entry(current) : null };
      });
    },

    take<T extends JsonValue>(key: string) {
      return call("take", true, async (s) => {
        const now = clock.now();
        const [row] = await s.write<Row & { live: boolean }>("take", sql.take, [key, now]);
        afterWrite(now);
        return row?.live ? entry<T>(row) : null;
      });
    },

    increment(key: string, opts: IncrementOptions = {}) {
      return call("increment", true, async (s) => {
        const now = clock.now();
        const [row] = await s.write<{ value: string }>("incr", sql.increment, [
          key,
          opts.by ?? 1,
          expiry(now, opts.ttlMs),
          now,
        ]);
        if (!row) {
          throw new MfaError("store_invalid_operation", { data: { operation: "increment" } });
        }
        afterWrite(now);
        return Number(row.value);
      });
    },

    incrementMany(items: ReadonlyArray<IncrementItem>) {
      return call("incrementMany", true, async (s) => {
        const now = clock.now();
        let rows: Array<{ key: string; value: string }>;
        try {
          rows = await s.write("incr_many", sql.incrementMany, [...counterArrays(items, now), now]);
        } catch (error) {
          throw refusedBatch(error, timeoutMs, "incrementMany") ?? error;
        }
        afterWrite(now);
        return countsOf(items, rows);
      });
    },

    putAndCount(
      put: PutItem,
      increments: ReadonlyArray<IncrementItem>,
      puts: ReadonlyArray<PutItem> = [],
    ) {
      return call("putAndCount", true, async (s): Promise<PutAndCountResult> => {
        const now = clock.now();
        const expect = put.options?.expectVersion;
        const mode = expect === undefined ? "any" : expect === null ? "absent" : "version";
        let rows: Array<{ key: string | null; value: string }>;
        try {
          rows = await s.write("put_cnt", sql.putAndCount, [
            put.key,
            JSON.stringify(put.value),
            expiry(now, put.options?.ttlMs),
            now,
            mode,
            expect ?? null,
            ...counterArrays(increments, now),
            ...putArrays(puts, now),
          ]);
        } catch (error) {
          throw refusedBatch(error, timeoutMs, "putAndCount") ?? error;
        }
        afterWrite(now);
        const written = rows.find((row) => row.key === null);
        if (written) {
          return {
            put: { ok: true, version: Number(written.value) },
            counts: countsOf(increments, rows),
          };
        }
        // The compare-and-set was refused atomically (and nothing counted); report what is
        // stored now, as put does (a second round trip, only on this losing path).
        const [current] = await s.read<Row>("get", sql.get, [put.key, now]);
        return { put: { ok: false, current: current ? entry(current) : null }, counts: null };
      });
    },

    delete(key: string) {
      return call("delete", true, async (s) => {
        const now = clock.now();
        const [row] = await s.write<{ live: boolean }>("del", sql.delete, [key, now]);
        afterWrite(now);
        return Boolean(row?.live);
      });
    },

    list(prefix: string, opts: ListOptions = {}) {
      return call("list", false, async (s): Promise<ListPage> => {
        const limit = opts.limit ?? 100;
        const cursor = opts.cursor;
        const after = cursor !== undefined && cursor >= prefix;
        const upper = prefixUpperBound(prefix);
        const values: unknown[] = [after ? cursor : prefix, clock.now(), limit + 1];
        if (upper !== null) values.push(upper);
        // One row more than asked says whether there is a next page.
        const rows = await s.read<Row & { key: string }>(
          `list_${after ? "a" : "f"}${upper === null ? "" : "b"}`,
          sql.list(after, upper !== null),
          values,
        );
        const items = rows.slice(0, limit).map((r) => ({ key: r.key, ...entry(r) }));
        return { items, cursor: rows.length > limit ? (items.at(-1)?.key ?? null) : null };
      });
    },
  };

  const extras = {
    migrate(): Promise<number> {
      return migrate().catch((error: unknown) => {
        throw unavailable("migrate", error);
      });
    },

    async sweep(): Promise<number> {
      const now = clock.now();
      lastSweep = now;
      let total = 0;
      // Each batch is its own call, with its own deadline.
      for (;;) {
        const deleted = await sweepBatch(now, 10_000);
        total += deleted;
        if (deleted < 10_000) return total;
      }
    },
  };
  return guardStore(store, extras);
}

/**
 * The keys, steps and expiries of a counters statement, in key order (the statement locks
 * rows in the order given; see `counters`).
 */
function counterArrays(items: ReadonlyArray<IncrementItem>, now: number): unknown[] {
  const sorted = [...items].sort((a, b) => (a.key < b.key ? -1 : 1));
  return [
    sorted.map((item) => item.key),
    sorted.map((item) => item.by ?? 1),
    sorted.map((item) => expiry(now, item.ttlMs)),
  ];
}

/**
 * The keys, JSON texts and expiries of the extra puts of `putAndCount`, in key order (the
 * statement locks their rows in the order given, as it does the counters').
 */
function putArrays(puts: ReadonlyArray<PutItem>, now: number): unknown[] {
  const sorted = [...puts].sort((a, b) => (a.key < b.key ? -1 : 1));
  return [
    sorted.map((item) => item.key),
    sorted.map((item) => JSON.stringify(item.value)),
    sorted.map((item) => expiry(now, item.options?.ttlMs)),
  ];
}

/**
 * The new counts of `items`, in their order, from the rows of a counters statement. The guard
 * has made the keys distinct, so each answers exactly one row, found by its key; a missing key
 * leaves NaN, which the guard rejects as a malformed result.
 */
function countsOf(
  items: ReadonlyArray<IncrementItem>,
  rows: ReadonlyArray<{ key: string | null; value: string }>,
): number[] {
  const counts = new Map(rows.map((row) => [row.key, Number(row.value)]));
  return items.map((item) => counts.get(item.key) ?? Number.NaN);
}

function driverCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function entry<T extends JsonValue>(row: Row): StoreEntry<T> {
  // version is bigint: pg returns it as a string.
  return { value: JSON.parse(row.value) as T, version: Number(row.version) };
}

function expiry(now: number, ttlMs: number | undefined): number | null {
  return ttlMs === undefined ? null : now + ttlMs;
}
