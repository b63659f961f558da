/**
 * @mfakit/postgres against a real PostgreSQL: the Store conformance kit, then its own cases:
 * a pool of 16 really used in parallel, two independent stores (separate pools) on the same
 * keys, migrations under concurrency, the indexes its queries use, sweeping.
 *
 * The server is .ci/run's (TEST_PG_URL) or, when that is unset, a throwaway cluster this file
 * starts itself. Every suite uses its own table, so suites never see each other's rows.
 */
import { isMfaError, type JsonValue } from "@mfakit/core";
import { guardStore } from "@mfakit/core/adapter";
import { migrations, type PgPoolLike, postgresStore, SCHEMA_VERSION } from "@mfakit/postgres";
import { fakeClock, testStore } from "@mfakit/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedOrOwnPostgres } from "./pg-server.js";

const server = sharedOrOwnPostgres();
const pools: pg.Pool[] = [];
/** A pool on the test server; closed after the file. */
async function newPool(config: pg.PoolConfig = {}): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: (await server).url, max: 16, ...config });
  pool.on("error", () => undefined); // an idle connection dropped: the pool replaces it
  pools.push(pool);
  return pool;
}
const table = (name: string) => `t_${name}_${Math.random().toString(36).slice(2, 8)}`;

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await (await server).release();
});

const clock = fakeClock();
let kitPool: pg.Pool;
testStore({
  name: "postgres (pool of 16)",
  create: async () => {
    kitPool = await newPool();
    return postgresStore({ pool: kitPool, tableName: table("kit"), clock });
  },
  advance: (ms) => clock.advance(ms),
  batchAllOrNothing: true,
  putAndCountAllOrNothing: true,
});

describe("postgres: real parallel connections (REL-01, REL-02)", () => {
  it("50 concurrent calls over a pool of 16 use all 16 connections at once", async () => {
    const pool = await newPool();
    const store = postgresStore({ pool, tableName: table("par") });
    await store.migrate();
    let busiest = 0;
    const sample = setInterval(() => {
      busiest = Math.max(busiest, pool.totalCount - pool.idleCount);
    }, 1);
    // pg_sleep keeps each connection busy long enough to see them all in use together.
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0 ? pool.query("SELECT pg_sleep(0.02)") : store.increment("mfa:{u}:n"),
      ),
    );
    clearInterval(sample);
    expect(busiest).toBe(16);
    expect((await store.get("mfa:{u}:n"))?.value).toBe(25);
  });
});

describe("postgres: two independent stores (separate pools) on the same keys (REL-01, REL-02)", () => {
  let a: ReturnType<typeof postgresStore>;
  let b: ReturnType<typeof postgresStore>;
  beforeAll(async () => {
    const name = table("two");
    a = postgresStore({ pool: await newPool(), tableName: name });
    b = postgresStore({ pool: await newPool(), tableName: name });
    // Both migrate at once, on first use: each step is applied once.
    await Promise.all([a.get("x"), b.get("x")]);
  });
  const both = <T>(n: number, fn: (store: typeof a, i: number) => Promise<T>) =>
    Promise.all(Array.from({ length: n }, (_, i) => fn(i % 2 === 0 ? a : b, i)));

  it("a one-time value is taken exactly once across both", async () => {
    for (let round = 0; round < 5; round++) {
      const k = `mfa:{u}:code:${round}`;
      await a.put(k, { hash: "h" });
      const taken = await both(50, (s) => s.take(k));
      expect(taken.filter((t) => t !== null)).toHaveLength(1);
    }
  });

  it("REL-02: 40 batches of 7 counters across both stores, keys in either order: each counter exact", async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `mfa:{rl${i}}:window`);
    const results = await both(40, (s, i) =>
      s.incrementMany((i % 2 === 0 ? keys : [...keys].reverse()).map((key) => ({ key }))),
    );
    const firsts = results.map((counts, i) => (i % 2 === 0 ? counts[0] : counts[6]));
    expect([...firsts].sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    for (const key of keys) expect((await a.get(key))?.value).toBe(40);
  });

  it("REL-02: 40 putAndCounts across both stores, each its own document, shared counters in either order: no deadlock, each counter exact", async () => {
    const keys = Array.from({ length: 5 }, (_, i) => `mfa:{rl${i}}:both`);
    const results = await both(40, (s, i) =>
      s.putAndCount(
        { key: `mfa:{u${i}}:doc`, value: i, options: { expectVersion: null } },
        (i % 2 === 0 ? keys : [...keys].reverse()).map((key) => ({ key })),
      ),
    );
    expect(results.every((r) => r.put.ok)).toBe(true);
    const firsts = results.map((r, i) => r.counts?.[i % 2 === 0 ? 0 : 4]);
    expect([...firsts].sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    for (const key of keys) expect((await a.get(key))?.value).toBe(40);
  });

  it("200 increments across both: 1..200, each once, none lost", async () => {
    const values = await both(200, (s) => s.increment("mfa:{u}:attempts"));
    expect([...values].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect((await b.get("mfa:{u}:attempts"))?.value).toBe(200);
  });

  it("read-modify-write with compare-and-set across both loses no update", async () => {
    const k = "mfa:{u}:list";
    await a.put(k, []);
    // Each writer appends its number, retrying on conflict: all 40 appends must land.
    await both(40, async (s, i) => {
      for (;;) {
        const current = await s.get<number[]>(k);
        if (!current) throw new Error("missing");
        const r = await s.put(k, [...current.value, i], { expectVersion: current.version });
        if (r.ok) return;
      }
    });
    const final = await a.get<number[]>(k);
    expect([...(final?.value ?? [])].sort((x, y) => x - y)).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
    expect(final?.version).toBe(41);
  });

  it("put-if-absent across both: exactly one creator", async () => {
    const results = await both(50, (s, i) => s.put("mfa:{u}:once", i, { expectVersion: null }));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const losers = results.filter((r) => !r.ok);
    const winner = (await a.get("mfa:{u}:once"))?.value;
    for (const r of losers) if (!r.ok) expect(r.current?.value).toBe(winner);
  });
});

/** A pool whose every statement's text is recorded in `texts` on its way to the server. */
async function spiedPool(texts: string[]): Promise<PgPoolLike> {
  const pool = await newPool();
  return {
    connect: async () => {
      const client = await pool.connect();
      return {
        query: (config) => {
          texts.push(config.text);
          return client.query(config);
        },
        release: (destroy) => client.release(destroy),
        on: (event, listener) => client.on(event, listener),
        off: (event, listener) => client.off(event, listener),
      };
    },
  };
}

describe("postgres: putAndCount", () => {
  it("is one statement, so one commit, for the put and its counters; a lost compare-and-set adds the read of put", async () => {
    const texts: string[] = [];
    const store = postgresStore({ pool: await spiedPool(texts), tableName: table("both") });
    await store.put("mfa:{u}:warm", 1); // schema made, server clock read
    texts.length = 0;
    const items = Array.from({ length: 7 }, (_, i) => ({ key: `mfa:{rl${i}}:w`, ttlMs: 60_000 }));
    const won = await store.putAndCount(
      { key: "mfa:{u}:doc", value: { n: 1 }, options: { expectVersion: null } },
      items,
    );
    expect(won).toEqual({ put: { ok: true, version: 1 }, counts: [1, 1, 1, 1, 1, 1, 1] });
    expect(texts).toHaveLength(1);
    const lost = await store.putAndCount(
      { key: "mfa:{u}:doc", value: { n: 2 }, options: { expectVersion: 7 } },
      items,
    );
    expect(lost).toEqual({
      put: { ok: false, current: { value: { n: 1 }, version: 1 } },
      counts: null,
    });
    expect(texts).toHaveLength(3);
    expect(await store.incrementMany(items.slice(0, 1))).toEqual([2]);
  });

  it("a counter holding a non-integer refuses the call, leaving no trace (not even the put) and the store usable", async () => {
    const pool = await newPool({ max: 1 });
    const store = postgresStore({ pool, tableName: table("both_refuse") });
    await store.put("mfa:{u}:text", "12x");
    await store.put("mfa:{u}:doc", "old");
    const error = await store
      .putAndCount({ key: "mfa:{u}:doc", value: "new", options: { expectVersion: 1 } }, [
        { key: "mfa:{u}:a" },
        { key: "mfa:{u}:text" },
      ])
      .catch((e: unknown) => e);
    expect(isMfaError(error, "store_invalid_operation")).toBe(true);
    expect((error as { data: unknown }).data).toMatchObject({ operation: "putAndCount" });
    expect(await store.get("mfa:{u}:doc")).toEqual({ value: "old", version: 1 });
    expect(await store.get("mfa:{u}:a")).toBeNull();
    expect(
      await store.putAndCount({ key: "mfa:{u}:doc", value: "new", options: { expectVersion: 1 } }, [
        { key: "mfa:{u}:a" },
      ]),
    ).toEqual({ put: { ok: true, version: 2 }, counts: [1] });
  });
});

describe("postgres: incrementMany", () => {
  it("is one statement on one connection, so one commit, for any number of counters", async () => {
    const texts: string[] = [];
    const spied = await spiedPool(texts);
    const store = postgresStore({ pool: spied, tableName: table("batch") });
    await store.put("mfa:{u}:warm", 1); // schema made, server clock read
    texts.length = 0;
    const items = Array.from({ length: 7 }, (_, i) => ({ key: `mfa:{rl${i}}:w`, ttlMs: 60_000 }));
    expect(await store.incrementMany(items)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(await store.incrementMany(items.slice(0, 2))).toEqual([2, 2]);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain("unnest");
  });

  it("a counter holding a non-integer refuses the batch, leaving no trace and the store usable", async () => {
    const pool = await newPool({ max: 1 });
    const store = postgresStore({ pool, tableName: table("refuse") });
    await store.put("mfa:{u}:text", "12x");
    const error = await store
      .incrementMany([{ key: "mfa:{u}:a" }, { key: "mfa:{u}:text" }])
      .catch((e: unknown) => e);
    expect(isMfaError(error, "store_invalid_operation")).toBe(true);
    expect((error as { data: unknown }).data).toMatchObject({ operation: "incrementMany" });
    expect(await store.get("mfa:{u}:a")).toBeNull();
    expect(await store.incrementMany([{ key: "mfa:{u}:a" }])).toEqual([1]);
  });
});

describe("postgres: schema and migrations", () => {
  it("10 instances migrating a new table at once apply each step exactly once", async () => {
    const name = table("mig");
    const pool = await newPool();
    const stores = Array.from({ length: 10 }, () => postgresStore({ pool, tableName: name }));
    const found = await Promise.all(stores.map((s) => s.migrate()));
    expect(found.filter((v) => v === 0)).toHaveLength(1);
    expect(found.filter((v) => v === SCHEMA_VERSION)).toHaveLength(9);
    const { rows } = await pool.query(`SELECT version, name FROM "${name}_migrations" ORDER BY 1`);
    expect(rows).toEqual(migrations.map((m, i) => ({ version: i + 1, name: m.name })));
  });

  it("upgrades a table at schema version 1, keeping its rows", async () => {
    const name = table("old");
    const pool = await newPool();
    await pool.query(`CREATE TABLE "${name}_migrations" (version int PRIMARY KEY,
      name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    await pool.query(migrations[0]?.sql(name) ?? "");
    await pool.query(
      `INSERT INTO "${name}_migrations" (version, name) VALUES (1, 'entries table')`,
    );
    await pool.query(`INSERT INTO "${name}" VALUES ('mfa:{u}:kept', '{"a":1}', 7, NULL)`);
    const store = postgresStore({ pool, tableName: name });
    expect(await store.get("mfa:{u}:kept")).toEqual({ value: { a: 1 }, version: 7 });
    const { rows } = await pool.query("SELECT indexname FROM pg_indexes WHERE tablename = $1", [
      name,
    ]);
    expect(rows.map((r) => r.indexname).sort()).toEqual([`${name}_expires_at`, `${name}_pkey`]);
  });

  it("refuses a schema newer than this release with config_invalid", async () => {
    const name = table("new");
    const pool = await newPool();
    await postgresStore({ pool, tableName: name }).migrate();
    await pool.query(`INSERT INTO "${name}_migrations" (version, name) VALUES ($1, 'future')`, [
      SCHEMA_VERSION + 1,
    ]);
    const error = await postgresStore({ pool, tableName: name })
      .get("k")
      .catch((e: unknown) => e);
    expect(isMfaError(error, "config_invalid")).toBe(true);
  });

  it("with migrate: false a missing schema is store_unavailable (cause: undefined table), and migrate() fixes it", async () => {
    const pool = await newPool();
    const store = postgresStore({ pool, tableName: table("nomig"), migrate: false });
    const error = await store.get("k").catch((e: unknown) => e);
    expect(isMfaError(error, "store_unavailable")).toBe(true);
    expect((error as { data: { code?: string } }).data.code).toBe("42P01");
    expect(await store.migrate()).toBe(0);
    expect(await store.get("k")).toBeNull();
  });

  it("its queries can use its indexes: the primary key for get and list, expires_at for sweep", async () => {
    const name = table("idx");
    const pool = await newPool({ max: 1 });
    const store = postgresStore({ pool, tableName: name });
    for (let i = 0; i < 50; i++) await store.put(`mfa:{u${i}}:f`, i, { ttlMs: 1000 * (i + 1) });
    const client = await pool.connect();
    try {
      // Only asks "can an index serve it?": a 50-row table is cheaper to scan whole.
      await client.query("SET enable_seqscan = off; SET enable_bitmapscan = off");
      const plan = async (text: string, values: unknown[]) =>
        (await client.query(`EXPLAIN ${text}`, values)).rows.map((r) => r["QUERY PLAN"]).join("\n");
      const now = Date.now();
      expect(
        await plan(
          `SELECT value FROM "${name}" WHERE key = $1 AND (expires_at IS NULL OR expires_at > to_timestamp($2::float8 / 1000))`,
          ["mfa:{u1}:f", now],
        ),
      ).toContain(`${name}_pkey`);
      const list = await plan(
        `SELECT key, value, version FROM "${name}" WHERE key >= $1 AND key < $2
         AND (expires_at IS NULL OR expires_at > to_timestamp($3::float8 / 1000))
         ORDER BY key LIMIT 10`,
        ["mfa:{u1", "mfa:{u2", now],
      );
      expect(list).toContain(`Index Scan using ${name}_pkey`);
      expect(list).not.toContain("Sort"); // the index gives the order
      expect(
        await plan(
          `SELECT key FROM "${name}" WHERE expires_at <= to_timestamp($1::float8 / 1000)`,
          [now],
        ),
      ).toContain(`${name}_expires_at`);
    } finally {
      client.release();
    }
  });
});

describe("postgres: values and sweeping", () => {
  it("stores values as the exact JSON text written (no jsonb normalisation)", async () => {
    const name = table("val");
    const pool = await newPool();
    const store = postgresStore({ pool, tableName: name });
    const value: JsonValue = { z: 1, a: "\u0000", dup: [1.5, -0, 1e21] };
    await store.put("mfa:{u}:v", value);
    const { rows } = await pool.query(`SELECT value FROM "${name}" WHERE key = 'mfa:{u}:v'`);
    expect(rows[0].value).toBe(JSON.stringify(value));
    expect((await store.get("mfa:{u}:v"))?.value).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it("increment refuses a non-integer value and a sum beyond the safe-integer range, writing nothing", async () => {
    const store = postgresStore({ pool: await newPool(), tableName: table("cnt") });
    await store.put("mfa:{u}:real", 1.5);
    await store.put("mfa:{u}:edge", Number.MAX_SAFE_INTEGER - 1);
    expect(await store.increment("mfa:{u}:edge")).toBe(Number.MAX_SAFE_INTEGER);
    for (const k of ["mfa:{u}:real", "mfa:{u}:edge"]) {
      const error = await store.increment(k).catch((e: unknown) => e);
      expect(isMfaError(error, "store_invalid_operation")).toBe(true);
    }
    expect((await store.get("mfa:{u}:edge"))?.value).toBe(Number.MAX_SAFE_INTEGER);
    expect(await store.increment("mfa:{u}:neg", { by: -3 })).toBe(-3);
  });

  // The refusals themselves are guardStore's, tested once in core; here only that this store
  // comes guarded, keeps its own methods, and a refused call never reaches the server.
  it("comes wrapped in guardStore: a malformed call is store_invalid_operation and sends nothing (REL-07)", async () => {
    const name = table("bad");
    const pool = await newPool();
    const store = postgresStore({ pool, tableName: name });
    expect(guardStore(store)).toBe(store);
    const refused = [
      store.put("a\u0000b", 1),
      store.list("mfa:", { limit: 1001 }),
      store.increment("mfa:{u}:n", { ttlMs: 0 }),
    ];
    for (const call of refused) {
      const error = await call.catch((e: unknown) => e);
      expect(isMfaError(error, "store_invalid_operation")).toBe(true);
    }
    // Not even the first-use migration ran: no call reached the pool.
    expect(pool.totalCount).toBe(0);
    expect(await store.migrate()).toBe(0);
  });

  it("sweep() deletes expired rows only; writes sweep lazily in bounded batches", async () => {
    const name = table("sweep");
    const pool = await newPool();
    const sweepClock = fakeClock();
    const count = async () =>
      Number((await pool.query(`SELECT count(*) AS n FROM "${name}"`)).rows[0].n);
    const store = postgresStore({
      pool,
      tableName: name,
      clock: sweepClock,
      sweepIntervalMs: 5000,
      sweepBatchSize: 10,
    });
    for (let i = 0; i < 30; i++) await store.put(`mfa:{u}:s:${i}`, i, { ttlMs: 1000 });
    await store.put("mfa:{u}:keep", "keep");
    sweepClock.advance(5000);
    await store.put("mfa:{u}:w", 1); // starts one batch of 10 in the background
    await expect.poll(count).toBe(22);
    expect(await store.sweep()).toBe(20);
    expect(await count()).toBe(2);
    expect((await store.list("mfa:{u}:")).items.map((i) => i.key)).toEqual([
      "mfa:{u}:keep",
      "mfa:{u}:w",
    ]);
  });
});
