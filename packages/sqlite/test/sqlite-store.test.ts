import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { isMfaError } from "@mfakit/core";
import { guardStore } from "@mfakit/core/adapter";
import { migrations, SCHEMA_VERSION, type SqliteStoreOptions, sqliteStore } from "@mfakit/sqlite";
import { fakeClock, testStore } from "@mfakit/testing";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";

const run = async (file: string, args: string[]) =>
  (await promisify(execFile)(file, args, { cwd: fileURLToPath(new URL("..", import.meta.url)) }))
    .stdout;

const dir = mkdtempSync(join(tmpdir(), "mfakit-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The store kit on a store opened with `options` and a fake clock. */
function kit(name: string, options: SqliteStoreOptions) {
  const clock = fakeClock();
  const store = sqliteStore({ ...options, clock });
  testStore({
    name,
    create: () => store,
    advance: (ms) => clock.advance(ms),
    batchAllOrNothing: true,
    putAndCountAllOrNothing: true,
    close: () => store.close(),
  });
}
kit("sqlite :memory:", { path: ":memory:" });
// Group commit is the default: the kit's parallel races (100 compare-and-sets, one winner)
// run inside shared transactions here, and once more with every write its own commit.
kit("sqlite file (WAL)", { path: join(dir, "kit.db") });
kit("sqlite file (WAL), groupCommit: false", {
  path: join(dir, "kit-single.db"),
  groupCommit: false,
});

describe("sqlite: durability and schema", () => {
  it("data survives closing and reopening the file (a process restart)", async () => {
    const path = join(dir, "restart.db");
    const clock = fakeClock();
    const before = sqliteStore({ path, clock });
    await before.put("mfa:{u}:factor", { kind: "totp", sealed: "x" });
    await before.increment("mfa:{u}:attempts", { ttlMs: 60_000 });
    before.close();
    const after = sqliteStore({ path, clock });
    expect(await after.get("mfa:{u}:factor")).toEqual({
      value: { kind: "totp", sealed: "x" },
      version: 1,
    });
    expect(await after.increment("mfa:{u}:attempts", { ttlMs: 60_000 })).toBe(2);
    clock.advance(60_000);
    expect(await after.get("mfa:{u}:attempts")).toBeNull();
    after.close();
  });

  it("migrates a file written at schema version 1, keeping its rows", async () => {
    const path = join(dir, "v1.db");
    const old = new Database(path);
    old.exec(`CREATE TABLE "mfa_store_migrations" (version INTEGER PRIMARY KEY NOT NULL,
      name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
    old.exec(migrations[0]?.sql("mfa_store") ?? "");
    old.prepare(`INSERT INTO mfa_store_migrations VALUES (1, 'entries table', 0)`).run();
    old.prepare(`INSERT INTO mfa_store VALUES ('mfa:{u}:kept', '{"a":1}', 7, NULL)`).run();
    old.close();

    const store = sqliteStore({ path });
    expect(await store.get("mfa:{u}:kept")).toEqual({ value: { a: 1 }, version: 7 });
    store.close();
    const probe = new Database(path, { readonly: true });
    const versions = probe.prepare("SELECT version FROM mfa_store_migrations ORDER BY 1").all();
    expect(versions).toEqual(
      Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })),
    );
    const index = probe
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = ?")
      .get("mfa_store_expires_at");
    expect(index).toBeDefined();
    expect(probe.pragma("journal_mode", { simple: true })).toBe("wal");
    probe.close();
  });

  it("migrates a file written at schema version 2 (WITHOUT ROWID) to a rowid table, keeping every row's value, version and expiry", async () => {
    const path = join(dir, "v2.db");
    const clock = fakeClock();
    const old = new Database(path);
    old.exec(`CREATE TABLE "mfa_store_migrations" (version INTEGER PRIMARY KEY NOT NULL,
      name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
    for (const [i, step] of migrations.slice(0, 2).entries()) {
      old.exec(step.sql("mfa_store"));
      old.prepare(`INSERT INTO mfa_store_migrations VALUES (?, ?, 0)`).run(i + 1, step.name);
    }
    const at = clock.now();
    old.prepare(`INSERT INTO mfa_store VALUES ('mfa:{u}:account', '{"v":1}', 12, NULL)`).run();
    old.prepare(`INSERT INTO mfa_store VALUES ('mfa:rl:x', '3', 3, ?)`).run(at + 60_000);
    old.close();

    const store = sqliteStore({ path, clock });
    expect(await store.get("mfa:{u}:account")).toEqual({ value: { v: 1 }, version: 12 });
    expect(await store.increment("mfa:rl:x")).toBe(4);
    const probe = new Database(path, { readonly: true });
    const sql = probe.prepare("SELECT sql FROM sqlite_master WHERE name = 'mfa_store'").get() as {
      sql: string;
    };
    expect(sql.sql).not.toMatch(/WITHOUT ROWID/i);
    expect(
      probe.prepare("SELECT name FROM sqlite_master WHERE name = 'mfa_store_expires_at'").get(),
    ).toBeDefined();
    probe.close();
    clock.advance(60_000);
    expect(await store.get("mfa:rl:x")).toBeNull();
    store.close();
  });

  it("refuses a file whose schema is newer than this release (config_invalid), changing nothing", () => {
    const path = join(dir, "future.db");
    sqliteStore({ path }).close();
    const db = new Database(path);
    db.prepare("INSERT INTO mfa_store_migrations VALUES (?, 'from the future', 0)").run(
      SCHEMA_VERSION + 1,
    );
    db.close();
    let error: unknown;
    try {
      sqliteStore({ path });
    } catch (e) {
      error = e;
    }
    expect(isMfaError(error, "config_invalid")).toBe(true);
  });

  it("opening one file with two stores creates the schema once", () => {
    const path = join(dir, "twice.db");
    const a = sqliteStore({ path });
    const b = sqliteStore({ path });
    const probe = new Database(path, { readonly: true });
    expect(probe.prepare("SELECT count(*) AS n FROM mfa_store_migrations").get()).toEqual({
      n: SCHEMA_VERSION,
    });
    probe.close();
    a.close();
    b.close();
  });

  it("rejects bad options with one config_invalid listing every problem", () => {
    let error: unknown;
    try {
      sqliteStore({ tableName: "x; DROP TABLE y", sweepBatchSize: 0, busyTimeoutMs: -1 });
    } catch (e) {
      error = e;
    }
    expect(isMfaError(error, "config_invalid")).toBe(true);
    expect((error as Error).message).toMatch(
      /path and database.*tableName.*sweepBatchSize.*busyTimeoutMs/,
    );
  });
});

describe("sqlite: sweeping expired rows", () => {
  const rows = (db: Database.Database) =>
    (db.prepare("SELECT count(*) AS n FROM mfa_store").get() as { n: number }).n;

  it("sweep() deletes every expired row and keeps live ones", async () => {
    const db = new Database(":memory:");
    const clock = fakeClock();
    const store = sqliteStore({ database: db, clock, sweepIntervalMs: 0 });
    for (let i = 0; i < 25; i++) await store.put(`mfa:{u}:short:${i}`, i, { ttlMs: 1000 });
    await store.put("mfa:{u}:long", "keep", { ttlMs: 10_000 });
    await store.put("mfa:{u}:forever", "keep");
    clock.advance(1000);
    expect(rows(db)).toBe(27); // expired but not swept: invisible, still on disk
    expect(await store.sweep()).toBe(25);
    expect(rows(db)).toBe(2);
    expect(await store.sweep()).toBe(0);
    db.close();
  });

  it("writes sweep lazily, one bounded batch per interval", async () => {
    const db = new Database(":memory:");
    const clock = fakeClock();
    const store = sqliteStore({ database: db, clock, sweepIntervalMs: 5000, sweepBatchSize: 10 });
    for (let i = 0; i < 25; i++) await store.put(`mfa:{u}:s:${i}`, i, { ttlMs: 1000 });
    clock.advance(4000);
    await store.put("mfa:{u}:w1", 1); // interval not over: no sweep
    expect(rows(db)).toBe(26);
    clock.advance(1000);
    await store.put("mfa:{u}:w2", 2); // one batch of 10
    expect(rows(db)).toBe(17);
    await store.put("mfa:{u}:w3", 3); // interval restarted: no sweep
    expect(rows(db)).toBe(18);
    db.close();
  });
});

describe("sqlite: counters", () => {
  it("keeps a counter as the JSON text of an integer; refuses to count a non-integer or past the safe integers", async () => {
    const db = new Database(":memory:");
    const store = sqliteStore({ database: db });
    await store.increment("mfa:{u}:n", { by: 5 });
    await store.increment("mfa:{u}:n", { by: -7 });
    const stored = db.prepare("SELECT value FROM mfa_store WHERE key = 'mfa:{u}:n'").get();
    expect(stored).toEqual({ value: "-2" });
    await store.put("mfa:{u}:real", 1.5);
    await store.put("mfa:{u}:big", 2 ** 60);
    for (const k of ["mfa:{u}:real", "mfa:{u}:big"]) {
      const error = await store.increment(k).catch((e: unknown) => e);
      expect(isMfaError(error, "store_invalid_operation")).toBe(true);
    }
    await store.put("mfa:{u}:edge", Number.MAX_SAFE_INTEGER - 1);
    expect(await store.increment("mfa:{u}:edge")).toBe(Number.MAX_SAFE_INTEGER);
    const overflow = await store.increment("mfa:{u}:edge").catch((e: unknown) => e);
    expect(isMfaError(overflow, "store_invalid_operation")).toBe(true);
    expect((await store.get("mfa:{u}:edge"))?.value).toBe(Number.MAX_SAFE_INTEGER);
    db.close();
  });
});

describe("sqlite: input and failures", () => {
  // The refusals themselves are guardStore's, tested once in core; here only that this store
  // comes guarded, keeps its own methods, and a refused call never reaches the table.
  it("comes wrapped in guardStore: a malformed call is store_invalid_operation and writes nothing (REL-07)", async () => {
    const db = new Database(":memory:");
    const store = sqliteStore({ database: db });
    expect(guardStore(store)).toBe(store);
    const refused = [
      store.put("mfa:\ud800", 1),
      store.put("mfa:{u}:x", 1, { ttlMs: Number.NaN }),
      store.increment("mfa:{u}:n", { by: 0.5 }),
    ];
    for (const call of refused) {
      const error = await call.catch((e: unknown) => e);
      expect(isMfaError(error, "store_invalid_operation")).toBe(true);
    }
    expect(db.prepare("SELECT count(*) AS n FROM mfa_store").get()).toEqual({ n: 0 });
    expect(await store.sweep()).toBe(0);
    store.close();
    db.close();
  });

  it("lists a prefix as an exact range, also at the edges of Unicode", async () => {
    const store = sqliteStore({ path: ":memory:" });
    const keys = ["a\u{10ffff}", "a\u{10ffff}x", "a\ud7ff", "a\ud7ffz", "a\ue000", "b"];
    for (const k of keys) await store.put(k, k);
    const list = async (p: string) => (await store.list(p)).items.map((i) => i.key);
    expect(await list("a\u{10ffff}")).toEqual(["a\u{10ffff}", "a\u{10ffff}x"]);
    expect(await list("a\ud7ff")).toEqual(["a\ud7ff", "a\ud7ffz"]);
    expect(await list("")).toHaveLength(keys.length);
    store.close();
  });

  it("a closed database fails with store_unavailable carrying the driver error as cause", async () => {
    const store = sqliteStore({ path: ":memory:" });
    store.close();
    const error = await store.get("k").catch((e: unknown) => e);
    expect(isMfaError(error, "store_unavailable")).toBe(true);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});

describe("sqlite: several processes on one file (REL-01, REL-02)", () => {
  it("4 processes × 500 increments give 1..2000 once each; of 4 takes of one key exactly one wins", async () => {
    const path = join(dir, "shared.db");
    const setup = sqliteStore({ path });
    await setup.put("mfa:{u}:code", { hash: "h" });
    setup.close();
    const fixture = fileURLToPath(new URL("./fixtures/contend.ts", import.meta.url));
    const go = join(dir, "go");
    const runs = Promise.all(
      Array.from({ length: 4 }, () =>
        run(process.execPath, [
          "--conditions=source",
          "--import",
          "tsx",
          fixture,
          path,
          "mfa:{u}:count",
          "mfa:{u}:code",
          "500",
          go,
        ]),
      ),
    );
    // Start them together once all have loaded.
    while (readdirSync(dir).filter((f) => f.endsWith(".ready")).length < 4) await sleep(10);
    writeFileSync(go, "");
    const results = (await runs).map(
      (out) =>
        JSON.parse(out) as { values: number[]; took: boolean; started: number; finished: number },
    );
    // The runs really overlapped in time: each started before every other finished.
    const lastStart = Math.max(...results.map((r) => r.started));
    expect(lastStart).toBeLessThan(Math.min(...results.map((r) => r.finished)));
    const values = results.flatMap((r) => r.values).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(results.filter((r) => r.took)).toHaveLength(1);
  }, 60_000);
});
