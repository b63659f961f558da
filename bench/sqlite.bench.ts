/**
 * The SQLite Store against raw better-sqlite3 running the nearest single prepared statement on
 * a table of the same shape in the same file (get vs a primary-key SELECT, put vs a
 * primary-key upsert, take vs DELETE … RETURNING, ...), JSON encoding included on both sides,
 * at concurrency 1 and 16 (the driver is synchronous: 16 lanes only interleave at awaits).
 * Then the latency of get / put / take with 10 k and with 1 M stored users (rows made by one
 * INSERT … SELECT in one transaction).
 *
 * The files are WAL databases in the temp dir with synchronous = NORMAL on both sides, so the
 * ratios show the store's own cost rather than the disk's: with the store's default (FULL)
 * every write adds the same fsync to store and baseline alike, and on a busy machine that fsync
 * varies more than everything measured here. The files are deleted at the end.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { userKey } from "@mfakit/core/adapter";
import { type SqliteStore, sqliteStore } from "@mfakit/sqlite";
import type BetterSqlite3 from "../packages/sqlite/node_modules/@types/better-sqlite3/index.d.ts";
import { figure } from "./harness.ts";
import {
  type Case,
  compareCases,
  compareSizes,
  rawSizesFloor,
  sendCounters,
} from "./store-compare.ts";

// better-sqlite3 is a dependency of @mfakit/sqlite, not of the workspace root: load it there.
const Database = createRequire(new URL("../packages/sqlite/package.json", import.meta.url))(
  "better-sqlite3",
) as typeof BetterSqlite3;
const VALUE = { h: "k1.4f9a0c2e7b1d3a5c9e8f0a1b2c3d4e5f", t: 1767225600000, n: 0 };
const JSON_VALUE = JSON.stringify(VALUE);
/** Codes for take / delete to consume, on each side; put back before every round. */
const POOL = 60_000;

/**
 * Fills `table` with rows `<key(i)>` for i in [0, count): one INSERT … SELECT, one transaction
 * (`or`: "OR IGNORE" to put back only the missing ones).
 */
function fill(
  db: BetterSqlite3.Database,
  table: string,
  key: string,
  count: number,
  or = "",
): void {
  db.prepare(
    `INSERT ${or} INTO "${table}" (key, value, version)
     WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
     SELECT ${key}, ?, 1 FROM n`,
  ).run(count, JSON_VALUE);
}

export async function run(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "mfakit-bench-sqlite-"));
  let misses = 0;
  const opened: Array<{ close(): void }> = [];
  try {
    const path = join(dir, "ops.db");
    const store = sqliteStore({ path, sweepIntervalMs: 0, synchronous: "NORMAL" });
    opened.push(store);
    // A second connection to the store's file, to fill its table.
    const db = new Database(path);
    opened.push(db);
    // The raw side: a table of the same shape in a file of its own, so that each side pays
    // for its own WAL checkpoints (in one shared file, whichever connection's commit crosses
    // the 1000-page mark checkpoints both sides' writes).
    const rawDb = new Database(join(dir, "raw.db"));
    opened.push(rawDb);
    rawDb.pragma("journal_mode = WAL");
    rawDb.pragma("synchronous = NORMAL");
    rawDb.exec(`CREATE TABLE raw (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL,
      version INTEGER NOT NULL, expires_at INTEGER)`);
    rawDb.exec(`CREATE INDEX raw_expires_at ON raw (expires_at) WHERE expires_at IS NOT NULL`);
    const tables = [
      { db, table: "mfa_store" },
      { db: rawDb, table: "raw" },
    ];
    const codes = "'mfa:{t' || i || '}:code:c'";
    for (const { db, table } of tables) {
      fill(db, table, codes, POOL);
      fill(db, table, "'mfa:{u' || i || '}:factor:f'", 10_000);
    }
    const user = (i: number) => userKey(`u${i % 10_000}`, "factor", "f");
    const code = (i: number) => `mfa:{t${i}}:code:c`;
    // Writes with RETURNING run with `.all()`, as the store's do: it steps the statement to its
    // end, which is where a caller learns whether the commit succeeded, and where SQLite runs
    // its WAL auto-checkpoint. `.get()` resets the statement after the first row: the commit
    // happens in the reset, unchecked, and the checkpoint never runs (measured: the WAL grew
    // to 124 MB over 30 k upserts by `.get()`, and stayed at 4 MB by `.all()`), so a `.get()`
    // baseline is cheaper only by leaving that work undone.
    const raw = {
      get: rawDb.prepare("SELECT value, version FROM raw WHERE key = ?"),
      put: rawDb.prepare(`INSERT INTO raw (key, value, version) VALUES (?, ?, 1)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = version + 1
        RETURNING version`),
      cas: rawDb.prepare(`UPDATE raw SET value = ?, version = version + 1, expires_at = ?
        WHERE key = ? AND version = ? RETURNING version`),
      take: rawDb.prepare("DELETE FROM raw WHERE key = ? RETURNING value, version"),
      increment: rawDb.prepare(`INSERT INTO raw (key, value, version) VALUES (?, '1', 1)
        ON CONFLICT (key) DO UPDATE SET value = value + 1, version = version + 1
        RETURNING value`),
      delete: rawDb.prepare("DELETE FROM raw WHERE key = ?"),
      list: rawDb.prepare(`SELECT key, value, version FROM raw WHERE key >= ? AND key < ?
        ORDER BY key LIMIT 11`),
    };
    let n = 0;
    let t = 0;
    let r = 0;
    /** Puts back the codes take / delete consumed in the last round, on both sides. */
    const refill = () => {
      for (const { db, table } of tables) fill(db, table, codes, Math.max(t, r), "OR IGNORE");
      t = 0;
      r = 0;
    };
    const versions = new Map<string, number>();
    const rawVersions = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const k = `mfa:{cas${i}}:x`;
      const put = await store.put(k, VALUE);
      if (put.ok) versions.set(k, put.version);
      raw.put.all(k, JSON_VALUE);
      rawVersions.set(k, 1);
    }

    const cases: Case[] = [
      {
        name: "get",
        subject: () => store.get(user(n++)),
        baseName: "SELECT by primary key",
        baseline: () => {
          const row = raw.get.get(user(n++)) as { value: string } | undefined;
          return row && JSON.parse(row.value);
        },
      },
      {
        name: "put",
        subject: () => store.put(user(n++), VALUE),
        baseName: "primary-key upsert",
        baseline: () => raw.put.all(user(n++), JSON.stringify(VALUE))[0],
      },
      {
        name: "put (compare-and-set, with TTL)",
        subject: async () => {
          const k = `mfa:{cas${n++ % 1000}}:x`;
          const put = await store.put(k, VALUE, { expectVersion: versions.get(k), ttlMs: 600_000 });
          if (put.ok) versions.set(k, put.version);
        },
        baseName: "UPDATE … WHERE version = ?",
        baseline: () => {
          const k = `mfa:{cas${n++ % 1000}}:x`;
          const [row] = raw.cas.all(
            JSON.stringify(VALUE),
            Date.now() + 600_000,
            k,
            rawVersions.get(k),
          );
          if (row) rawVersions.set(k, (row as { version: number }).version);
        },
      },
      {
        name: "take",
        before: refill,
        subject: () => store.take(code(t++)),
        baseName: "DELETE … RETURNING",
        baseline: () => {
          const [row] = raw.take.all(code(r++)) as Array<{ value: string }>;
          return row && JSON.parse(row.value);
        },
      },
      {
        name: "increment (with TTL)",
        subject: () => store.increment(`mfa:{c${n++ % 1000}}:n`, { ttlMs: 600_000 }),
        baseName: "counter upsert",
        baseline: () => raw.increment.all(`mfa:{c${n++ % 1000}}:n`)[0],
      },
      {
        // The rate-limit counters of one send: one transaction against seven autocommits.
        name: "incrementMany (7 counters, with TTL)",
        subject: () => store.incrementMany(sendCounters("mfa", n++, 600_000)),
        baseName: "7 counter upserts",
        baseline: () => {
          for (const { key } of sendCounters("raw", n++)) raw.increment.all(key);
        },
      },
      {
        name: "delete",
        before: refill,
        subject: () => store.delete(code(t++)),
        baseName: "DELETE",
        baseline: () => raw.delete.run(code(r++)),
      },
      {
        name: "list (10 of a prefix)",
        subject: () => store.list("mfa:{u1", { limit: 10 }),
        baseName: "range SELECT … LIMIT",
        baseline: () =>
          (raw.list.all("mfa:{u1", "mfa:{u2") as Array<{ value: string }>).map((row) =>
            JSON.parse(row.value),
          ),
      },
    ];
    figure(
      "statements per call",
      "1 each (incrementMany: one upsert per counter between BEGIN IMMEDIATE and COMMIT)",
    );
    misses += await compareCases("sqlite store", cases, { concurrencies: [1, 16], maxRatio: 1.5 });

    // Scale: 10 k vs 1 M users, measured call by call in turn. In process, a lookup costs a few
    // µs: 10 k rows sit in the CPU caches and 1 M do not, so a deeper B-tree and cache misses
    // show as a ratio here that a network round trip would hide.
    const sizes = [10_000, 1_000_000];
    const scaled: SqliteStore[] = [];
    const fillers: BetterSqlite3.Database[] = [];
    for (const size of sizes) {
      const file = join(dir, `scale${size}.db`);
      const s = sqliteStore({ path: file, sweepIntervalMs: 0, synchronous: "NORMAL" });
      opened.push(s);
      scaled.push(s);
      const started = Date.now();
      const filler = new Database(file);
      opened.push(filler);
      fillers.push(filler);
      fill(filler, "mfa_store", "'mfa:{u' || i || '}:factor:f'", size);
      figure(`${size.toLocaleString("en")} users: rows made in`, `${Date.now() - started} ms`);
    }
    // The floor: the raw driver's own primary-key SELECT on the same two files.
    const [small, large] = fillers.map((f) =>
      f.prepare("SELECT value, version FROM mfa_store WHERE key = ?"),
    ) as [BetterSqlite3.Statement, BetterSqlite3.Statement];
    const parsed = (row: unknown) => row && JSON.parse((row as { value: string }).value);
    await rawSizesFloor(
      [(k) => parsed(small.get(k)), (k) => parsed(large.get(k))],
      sizes as [number, number],
    );
    misses += await compareSizes(
      "sqlite store",
      [
        { store: scaled[0] as SqliteStore, users: sizes[0] as number },
        { store: scaled[1] as SqliteStore, users: sizes[1] as number },
      ],
      VALUE,
    );
  } finally {
    for (const o of opened) o.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return misses;
}
