/**
 * The PostgreSQL Store against the raw `pg` driver running the nearest single statement on a
 * table of the same shape (get vs a primary-key SELECT, put vs a primary-key upsert, take vs
 * DELETE … RETURNING, ...), over one pool of 16, at concurrency 1 and 16; `SELECT 1` is printed
 * as the floor of one round trip. Then the latency of get / put / take with 10 k and with 1 M
 * stored users (rows made by one INSERT … SELECT generate_series): every operation is one
 * primary-key B-tree probe, so the ratio should stay near 1.
 *
 * Uses TEST_PG_URL or starts a throwaway cluster of its own; prints a note and skips when
 * neither works. Its tables are dropped at the end.
 */
import { userKey } from "@mfakit/core/adapter";
import { type PostgresStore, postgresStore } from "@mfakit/postgres";
import type * as Pg from "../packages/postgres/node_modules/@types/pg/index.d.ts";
import { figure, measure } from "./harness.ts";
import {
  type Case,
  compareCases,
  compareSizes,
  rawSizesFloor,
  sendCounters,
} from "./store-compare.ts";
import { pg, postgresServer } from "./support/servers.ts";

const VALUE = { h: "k1.4f9a0c2e7b1d3a5c9e8f0a1b2c3d4e5f", t: 1767225600000, n: 0 };
const JSON_VALUE = JSON.stringify(VALUE);

/** Fills `table` with rows `<key(i)>` for i in [0, count) in one statement, then vacuums it. */
async function fill(pool: Pg.Pool, table: string, key: string, count: number): Promise<void> {
  await pool.query(
    `INSERT INTO "${table}" (key, value, version)
     SELECT ${key}, $1, 1 FROM generate_series(0, $2::int - 1) AS i`,
    [JSON_VALUE, count],
  );
  await pool.query(`VACUUM ANALYZE "${table}"`);
}

export async function run(): Promise<number> {
  const pgServer = await postgresServer();
  if (!pgServer) return 0;
  const pool = new pg.Pool({ connectionString: pgServer.url, max: 16 });
  pool.on("error", () => undefined);
  const suffix = Math.random().toString(36).slice(2, 8);
  const tables: string[] = [];
  const storeOn = async (name: string): Promise<PostgresStore> => {
    const tableName = `bench_${name}_${suffix}`;
    tables.push(tableName, `${tableName}_migrations`);
    const store = postgresStore({ pool, tableName, sweepIntervalMs: 0 });
    await store.migrate();
    return store;
  };
  let misses = 0;
  try {
    const store = await storeOn("ops");
    const ops = `bench_ops_${suffix}`;
    const raw = `bench_raw_${suffix}`;
    tables.push(raw);
    await pool.query(`CREATE TABLE "${raw}" (LIKE "${ops}" INCLUDING ALL)`);
    for (const t of [ops, raw]) {
      await fill(pool, t, "'mfa:{t' || i || '}:code:c'", 60_000); // consumed by take / delete
      await fill(pool, t, "'mfa:{u' || i || '}:factor:f'", 10_000);
    }
    const user = (i: number) => userKey(`u${i % 10_000}`, "factor", "f");
    const code = (i: number) => `mfa:{t${i}}:code:c`;
    // Named prepared statements, as the store's: each connection parses and plans a statement
    // once (without a name, pg has the server parse it on every call, and the store looked up
    // to 2.4× faster than its "raw" baseline).
    const names = new Map<string, string>();
    const sql = (text: string, values: unknown[]) => {
      let name = names.get(text);
      if (name === undefined) {
        name = `bench_raw_${suffix}_${names.size}`;
        names.set(text, name);
      }
      return pool.query({ name, text, values });
    };
    let n = 0;
    let t = 0;
    let r = 0;
    const versions = new Map<string, number>();
    const rawVersions = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const put = await store.put(`mfa:{cas${i}}:x`, VALUE);
      if (put.ok) versions.set(`mfa:{cas${i}}:x`, put.version);
      await sql(`INSERT INTO "${raw}" (key, value, version) VALUES ($1, $2, 1)`, [
        `mfa:{cas${i}}:x`,
        JSON_VALUE,
      ]);
      rawVersions.set(`mfa:{cas${i}}:x`, 1);
    }

    const floor = await measure(() => pool.query("SELECT 1"), { durationMs: 200 });
    figure("pg SELECT 1 (one round trip), concurrency 1", `${floor.meanMicros.toFixed(0)} µs`);

    const cases: Case[] = [
      {
        name: "get",
        subject: () => store.get(user(n++)),
        baseName: "pg SELECT by primary key",
        baseline: async () => {
          const { rows } = await sql(`SELECT value, version FROM "${raw}" WHERE key = $1`, [
            user(n++),
          ]);
          return rows[0] && JSON.parse(rows[0].value);
        },
      },
      {
        name: "put",
        subject: () => store.put(user(n++), VALUE),
        baseName: "pg primary-key upsert",
        baseline: () =>
          sql(
            `INSERT INTO "${raw}" AS s (key, value, version) VALUES ($1, $2, 1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = s.version + 1
             RETURNING version`,
            [user(n++), JSON.stringify(VALUE)],
          ),
      },
      {
        name: "put (compare-and-set, with TTL)",
        subject: async () => {
          const k = `mfa:{cas${n++ % 1000}}:x`;
          const put = await store.put(k, VALUE, { expectVersion: versions.get(k), ttlMs: 600_000 });
          if (put.ok) versions.set(k, put.version);
        },
        baseName: "pg UPDATE … WHERE version = $n",
        baseline: async () => {
          const k = `mfa:{cas${n++ % 1000}}:x`;
          const { rows } = await sql(
            `UPDATE "${raw}" SET value = $2, version = version + 1 WHERE key = $1 AND version = $3
             RETURNING version`,
            [k, JSON.stringify(VALUE), rawVersions.get(k)],
          );
          if (rows[0]) rawVersions.set(k, Number(rows[0].version));
        },
      },
      {
        name: "take",
        subject: () => store.take(code(t++)),
        baseName: "pg DELETE … RETURNING",
        baseline: () =>
          sql(`DELETE FROM "${raw}" WHERE key = $1 RETURNING value, version`, [code(r++)]),
      },
      {
        name: "increment (with TTL)",
        subject: () => store.increment(`mfa:{c${n++ % 1000}}:n`, { ttlMs: 600_000 }),
        baseName: "pg counter upsert",
        baseline: () =>
          sql(
            `INSERT INTO "${raw}" AS s (key, value, version) VALUES ($1, '1', 1)
             ON CONFLICT (key) DO UPDATE
             SET value = (s.value::bigint + 1)::text, version = s.version + 1 RETURNING value`,
            [`mfa:{c${n++ % 1000}}:n`],
          ),
      },
      {
        // The rate-limit counters of one send: one statement against seven round trips.
        name: "incrementMany (7 counters, with TTL)",
        subject: () => store.incrementMany(sendCounters("mfa", n++, 600_000)),
        baseName: "7 pg counter upserts in turn",
        baseline: async () => {
          for (const { key } of sendCounters("raw", n++)) {
            await sql(
              `INSERT INTO "${raw}" AS s (key, value, version) VALUES ($1, '1', 1)
               ON CONFLICT (key) DO UPDATE
               SET value = (s.value::bigint + 1)::text, version = s.version + 1 RETURNING value`,
              [key],
            );
          }
        },
      },
      {
        name: "delete",
        subject: () => store.delete(code(t++)),
        baseName: "pg DELETE",
        baseline: () => sql(`DELETE FROM "${raw}" WHERE key = $1`, [code(r++)]),
      },
      {
        name: "list (10 of a prefix)",
        subject: () => store.list("mfa:{u1", { limit: 10 }),
        baseName: "pg range SELECT … LIMIT",
        baseline: () =>
          sql(
            `SELECT key, value, version FROM "${raw}" WHERE key >= $1 AND key < $2
             ORDER BY key LIMIT 11`,
            ["mfa:{u1", "mfa:{u2"],
          ),
      },
    ];
    figure(
      "round trips per call",
      "1 each (incrementMany of any size too; put that loses its compare-and-set: 2)",
    );
    misses += await compareCases("postgres store", cases, {
      concurrencies: [1, 16],
      maxRatio: 1.5,
      rounds: 5,
    });

    // Scale: the same single-row operations with 10 k and with 1 M users stored. The two sizes
    // are measured call by call in turn, so load from other processes hits both alike.
    const sizes = [10_000, 1_000_000];
    const scaled: PostgresStore[] = [];
    for (const size of sizes) {
      scaled.push(await storeOn(`scale${size}`));
      const started = Date.now();
      await fill(pool, `bench_scale${size}_${suffix}`, "'mfa:{u' || i || '}:factor:f'", size);
      figure(
        `${size.toLocaleString("en")} users: rows made and vacuumed in`,
        `${Date.now() - started} ms`,
      );
    }
    // The floor: the raw driver's own primary-key SELECT on the same two tables.
    const read = (size: number) => async (k: string) => {
      const { rows } = await sql(
        `SELECT value, version FROM "bench_scale${size}_${suffix}" WHERE key = $1`,
        [k],
      );
      return rows[0] && JSON.parse(rows[0].value);
    };
    await rawSizesFloor([read(10_000), read(1_000_000)], [10_000, 1_000_000]);
    misses += await compareSizes(
      "postgres store",
      [
        { store: scaled[0] as PostgresStore, users: sizes[0] as number },
        { store: scaled[1] as PostgresStore, users: sizes[1] as number },
      ],
      VALUE,
    );
  } finally {
    if (process.env.TEST_PG_URL) {
      await pool.query(`DROP TABLE IF EXISTS ${tables.map((t) => `"${t}"`).join(", ")}`);
    }
    await pool.end();
    await pgServer.close();
  }
  return misses;
}
