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
import { type Case, compareCases, compareSizes, sendCounters } from "./store-compare.ts";

// better-sqlite3 is a dependency of @mfakit/sqlite, not of the workspace root: load it there.
const Database = createRequire(new URL("../packages/sqlite/package.json", import.meta.url))(
  "better-sqlite3",
) as typeof BetterSqlite3;
const VALUE = { h: "k1.4f9a0c2e7b1d3a5c9e8f0a1b2c3d4e5f", t: 1767225600000, n: 0 };
const JSON_VALUE = JSON.stringify(VALUE);

/** Fills `table` with rows `<key(i)>` for i in [0, count): one INSERT … SELECT, one transaction. */
function fill(db: BetterSqlite3.Database, table: string, key: string, count: number): void {
  db.prepare(
    `INSERT INTO "${table}" (key, value, version)
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
    // The raw side: a second connection to the same file, a table of the same shape.
    const db = new Database(path);
    opened.push(db);
    db.pragma("synchronous = NORMAL");
    db.exec(`CREATE TABLE raw (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL,
      version INTEGER NOT NULL, expires_at INTEGER) WITHOUT ROWID`);
    db.exec(`CREATE INDEX raw_expires_at ON raw (expires_at) WHERE expires_at IS NOT NULL`);
    for (const t of ["mfa_store", "raw"]) {
      fill(db, t, "'mfa:{t' || i || '}:code:c'", 60_000);
      fill(db, t, "'mfa:{u' || i || '}:factor:f'", 10_000);
    }
    const user = (i: number) => userKey(`u${i % 10_000}`, "factor", "f");
    const code = (i: number) => `mfa:{t${i}}:code:c`;
    const raw = {
      get: db.prepare("SELECT value, version FROM raw WHERE key = ?"),
      put: db.prepare(`INSERT INTO raw (key, value, version) VALUES (?, ?, 1)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = version + 1
        RETURNING version`),
      cas: db.prepare(`UPDATE raw SET value = ?, version = version + 1, expires_at = ?
        WHERE key = ? AND version = ? RETURNING version`),
      take: db.prepare("DELETE FROM raw WHERE key = ? RETURNING value, version"),
      increment: db.prepare(`INSERT INTO raw (key, value, version) VALUES (?, '1', 1)
        ON CONFLICT (key) DO UPDATE SET value = value + 1, version = version + 1
        RETURNING value`),
      delete: db.prepare("DELETE FROM raw WHERE key = ?"),
      list: db.prepare(`SELECT key, value, version FROM raw WHERE key >= ? AND key < ?
        ORDER BY key LIMIT 11`),
    };
    let n = 0;
    let t = 0;
    let r = 0;
    const versions = new Map<string, number>();
    const rawVersions = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const k = `mfa:{cas${i}}:x`;
      const put = await store.put(k, VALUE);
      if (put.ok) versions.set(k, put.version);
      raw.put.run(k, JSON_VALUE);
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
        baseline: () => raw.put.get(user(n++), JSON.stringify(VALUE)),
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
          const row = raw.cas.get(
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
        subject: () => store.take(code(t++)),
        baseName: "DELETE … RETURNING",
        baseline: () => {
          const row = raw.take.get(code(r++)) as { value: string } | undefined;
          return row && JSON.parse(row.value);
        },
      },
      {
        name: "increment (with TTL)",
        subject: () => store.increment(`mfa:{c${n++ % 1000}}:n`, { ttlMs: 600_000 }),
        baseName: "counter upsert",
        baseline: () => raw.increment.get(`mfa:{c${n++ % 1000}}:n`),
      },
      {
        // The rate-limit counters of one send: one transaction against seven autocommits.
        name: "incrementMany (7 counters, with TTL)",
        subject: () => store.incrementMany(sendCounters("mfa", n++, 600_000)),
        baseName: "7 counter upserts",
        baseline: () => {
          for (const { key } of sendCounters("raw", n++)) raw.increment.get(key);
        },
      },
      {
        name: "delete",
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
    for (const size of sizes) {
      const file = join(dir, `scale${size}.db`);
      const s = sqliteStore({ path: file, sweepIntervalMs: 0, synchronous: "NORMAL" });
      opened.push(s);
      scaled.push(s);
      const started = Date.now();
      const filler = new Database(file);
      fill(filler, "mfa_store", "'mfa:{u' || i || '}:factor:f'", size);
      filler.close();
      figure(`${size.toLocaleString("en")} users: rows made in`, `${Date.now() - started} ms`);
    }
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
