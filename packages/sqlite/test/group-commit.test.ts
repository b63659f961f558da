/**
 * Group commit on real files (WAL, synchronous FULL, the store's defaults): writes in flight
 * together share one transaction and one COMMIT, and every call still settles only after the
 * COMMIT that holds it (REL-01, REL-02).
 *
 * Commits are counted in the WAL itself: after a `wal_checkpoint(TRUNCATE)` the log is empty
 * and every commit appends frames of which the last carries the database size (a non-zero
 * "commit" field, https://www.sqlite.org/fileformat.html#wal_file_format). Under FULL, SQLite
 * syncs the log once per commit, so that count is the number of fsyncs.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMfaError } from "@mfakit/core";
import { type SqliteStore, sqliteStore } from "@mfakit/sqlite";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "mfakit-sqlite-group-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Empties the WAL of `path` from another connection, so that {@link walCommits} counts from here. */
function emptyWal(path: string): void {
  const db = new Database(path);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

/** Commit frames in the WAL of `path` since it was last emptied: one per COMMIT. */
function walCommits(path: string): number {
  const wal = `${path}-wal`;
  const size = statSync(wal).size;
  if (size < 32) return 0;
  const fd = openSync(wal, "r");
  try {
    const header = Buffer.alloc(32);
    readSync(fd, header, 0, 32, 0);
    const pageSize = header.readUInt32BE(8) || 65_536;
    const salts = [header.readUInt32BE(16), header.readUInt32BE(20)];
    const frame = Buffer.alloc(24);
    let commits = 0;
    for (let at = 32; at + 24 + pageSize <= size; at += 24 + pageSize) {
      readSync(fd, frame, 0, 24, at);
      // Frames of an earlier generation carry other salts: the log ends before them.
      if (frame.readUInt32BE(8) !== salts[0] || frame.readUInt32BE(12) !== salts[1]) break;
      if (frame.readUInt32BE(4) !== 0) commits++;
    }
    return commits;
  } finally {
    closeSync(fd);
  }
}

/** What another connection to `path` reads for `key` right now (the value's JSON text). */
function peeker(path: string) {
  const other = new Database(path, { readonly: true });
  const select = other.prepare("SELECT value FROM mfa_store WHERE key = ?").pluck();
  return {
    peek: (key: string) => select.get(key) as string | undefined,
    close: () => other.close(),
  };
}

/** The rejection of `call`, which must be an MfaError with `code`. */
async function rejection(call: Promise<unknown>, code: string) {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isMfaError(error, code as "store_unavailable"), `rejects with ${code}`).toBe(true);
  return error as { data: { code?: string }; cause?: unknown };
}

describe("sqlite: group commit (WAL, synchronous FULL)", () => {
  it("REL-01: 200 concurrent compare-and-set puts on one key: exactly one wins, and all 200 ride one commit (one fsync)", async () => {
    const path = join(dir, "cas.db");
    const store = sqliteStore({ path });
    expect(await store.put("mfa:{u}:doc", { v: 0 })).toEqual({ ok: true, version: 1 });
    emptyWal(path);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        store.put("mfa:{u}:doc", { v: i + 1 }, { expectVersion: 1 }),
      ),
    );
    expect(results.filter((r) => r.ok)).toEqual([{ ok: true, version: 2 }]);
    // Every loser is told what won.
    for (const r of results.filter((r) => !r.ok)) {
      expect(r).toEqual({ ok: false, current: { value: { v: 1 }, version: 2 } });
    }
    expect(walCommits(path)).toBe(1);
    expect(await store.get("mfa:{u}:doc")).toEqual({ value: { v: 1 }, version: 2 });
    store.close();
  });

  it("REL-02: 16 requests in flight × 25 increments of one counter give 1..400 once each in far fewer commits than writes; groupCommit: false makes one commit per write", async () => {
    const lanes = async (store: SqliteStore) => {
      const values: number[] = [];
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = 0; i < 25; i++) values.push(await store.increment("mfa:{u}:n"));
        }),
      );
      return values.sort((a, b) => a - b);
    };
    const all = Array.from({ length: 400 }, (_, i) => i + 1);

    const path = join(dir, "lanes.db");
    const grouped = sqliteStore({ path });
    emptyWal(path);
    expect(await lanes(grouped)).toEqual(all);
    // Each turn of the event loop, the 16 lanes' next increments share a commit: about 25.
    expect(walCommits(path)).toBeLessThanOrEqual(40);
    grouped.close();

    // NORMAL only to spare the test 400 fsyncs: the commits are counted all the same.
    const offPath = join(dir, "lanes-off.db");
    const single = sqliteStore({ path: offPath, groupCommit: false, synchronous: "NORMAL" });
    emptyWal(offPath);
    expect(await lanes(single)).toEqual(all);
    expect(walCommits(offPath)).toBe(400);
    single.close();
  });

  it("REL-01: a write's promise resolves only after its COMMIT: another connection sees it as soon as it resolves, and not before", async () => {
    const path = join(dir, "ack.db");
    const store = sqliteStore({ path });
    await store.put("mfa:{u}:code", { h: 1 });
    const { peek, close } = peeker(path);
    let resolved = false;
    const seenAtResolve: Array<string | undefined> = [];
    const put = store.put("mfa:{u}:doc", { v: 1 }).then((r) => {
      resolved = true;
      seenAtResolve.push(peek("mfa:{u}:doc"));
      return r;
    });
    const take = store.take("mfa:{u}:code").then((r) => {
      seenAtResolve.push(peek("mfa:{u}:code"));
      return r;
    });
    // nextTick runs before the flush (setImmediate): the statements have run, the COMMIT not.
    const beforeFlush = await new Promise((resolve) =>
      process.nextTick(() =>
        resolve({ resolved, doc: peek("mfa:{u}:doc"), code: peek("mfa:{u}:code") }),
      ),
    );
    expect(beforeFlush).toEqual({ resolved: false, doc: undefined, code: '{"h":1}' });
    expect(await put).toEqual({ ok: true, version: 1 });
    expect(await take).toEqual({ value: { h: 1 }, version: 1 });
    expect(seenAtResolve).toEqual(['{"v":1}', undefined]);
    close();
    store.close();
  });

  it("with an injected database (perhaps the app's own connection) group commit is off unless asked: each write commits on its own, and the app's own transaction still works between them", async () => {
    const path = join(dir, "injected.db");
    const db = new Database(path);
    db.pragma("journal_mode = WAL");
    const store = sqliteStore({ database: db });
    db.exec("CREATE TABLE app (n INTEGER)");
    const put = store.put("mfa:{u}:doc", { v: 1 });
    // Were a group open, this BEGIN would fail ("cannot start a transaction within a transaction").
    db.transaction(() => db.prepare("INSERT INTO app VALUES (1)").run())();
    expect(db.inTransaction).toBe(false);
    expect(await put).toEqual({ ok: true, version: 1 });
    const { peek, close } = peeker(path);
    expect(peek("mfa:{u}:doc")).toBe('{"v":1}');
    close();
    db.close();
  });

  it("REL-01/REL-02: a failed COMMIT rejects every call of the group with store_unavailable, and none of it is visible afterwards", async () => {
    // A real failing COMMIT: in a rollback-journal file, a reader in another connection holds
    // a SHARED lock; the group's BEGIN IMMEDIATE (RESERVED) and statements go through, and its
    // COMMIT, which needs EXCLUSIVE, fails with SQLITE_BUSY after the busy timeout. (In WAL mode
    // readers never block a COMMIT; the full-disk case is in faults.test.ts.)
    const path = join(dir, "failed-commit.db");
    const db = new Database(path, { timeout: 20 });
    db.pragma("journal_mode = DELETE");
    const store = sqliteStore({ database: db, groupCommit: true });
    await store.put("mfa:{u}:doc", { v: 0 });
    await store.put("mfa:{u}:code", { h: 1 });
    await store.increment("mfa:{u}:n");
    const rows = () => db.prepare("SELECT key, value, version FROM mfa_store ORDER BY key").all();
    const before = rows();

    const reader = new Database(path);
    reader.exec("BEGIN");
    reader.prepare("SELECT count(*) FROM mfa_store").get();
    const calls = [
      store.put("mfa:{u}:doc", { v: 1 }, { expectVersion: 1 }),
      store.take("mfa:{u}:code"),
      store.increment("mfa:{u}:n"),
      store.incrementMany([{ key: "mfa:{u}:n" }, { key: "mfa:{u}:m" }]),
      store.putAndCount({ key: "mfa:{u}:other", value: 1 }, [{ key: "mfa:{u}:n" }]),
      store.delete("mfa:{u}:doc"),
    ];
    // Issued in the same tick, after the writes: it waits for the group's end and reads what
    // is committed, never the group's writes that the failed COMMIT took back.
    const read = store.get("mfa:{u}:doc");
    for (const call of calls) {
      const error = await rejection(call, "store_unavailable");
      expect(error.data.code).toBe("SQLITE_BUSY");
      expect(error.cause).toBeInstanceOf(Error);
    }
    expect(await read).toEqual({ value: { v: 0 }, version: 1 });
    reader.exec("COMMIT");
    reader.close();
    expect(rows()).toEqual(before);
    // The lock is gone: the store writes again (the failed group left no transaction open).
    expect(await store.increment("mfa:{u}:n")).toBe(2);
    db.close();
  });

  it("REL-02: a call that throws inside a group (a counter that is not an integer) rejects alone and writes nothing; the rest of the group lands, in one commit", async () => {
    const path = join(dir, "alone.db");
    const store = sqliteStore({ path });
    await store.put("mfa:{u}:name", "text");
    emptyWal(path);
    const [a, bad, batch, b, both] = await Promise.allSettled([
      store.put("mfa:{u}:a", 1),
      store.increment("mfa:{u}:name"),
      // Several statements: better-sqlite3 runs them in a SAVEPOINT inside the group's
      // transaction, so the refused second counter rolls back the first one only.
      store.incrementMany([{ key: "mfa:{u}:c1" }, { key: "mfa:{u}:name" }]),
      store.put("mfa:{u}:b", 2),
      store.putAndCount({ key: "mfa:{u}:d", value: 1 }, [{ key: "mfa:{u}:name" }]),
    ]);
    expect(a).toEqual({ status: "fulfilled", value: { ok: true, version: 1 } });
    expect(b).toEqual({ status: "fulfilled", value: { ok: true, version: 1 } });
    for (const refused of [bad, batch, both]) {
      expect(refused.status).toBe("rejected");
      const reason = (refused as PromiseRejectedResult).reason;
      expect(isMfaError(reason, "store_invalid_operation")).toBe(true);
    }
    expect(walCommits(path)).toBe(1);
    const { peek, close } = peeker(path);
    expect(["a", "b", "c1", "d", "name"].map((k) => peek(`mfa:{u}:${k}`))).toEqual([
      "1",
      "2",
      undefined,
      undefined,
      '"text"',
    ]);
    close();
    store.close();
  });

  it("a get or list issued in the same tick as a put answers after the group's COMMIT, with the committed write", async () => {
    const path = join(dir, "reads.db");
    const store = sqliteStore({ path });
    await store.put("mfa:{r}:k", 1);
    const { peek, close } = peeker(path);
    const put = store.put("mfa:{r}:k", 2);
    // What another connection sees when the read answers: the COMMIT has happened.
    const got = store.get("mfa:{r}:k").then((entry) => ({ entry, committed: peek("mfa:{r}:k") }));
    const listed = store.list("mfa:{r}:").then((page) => ({
      values: page.items.map((i) => i.value),
      committed: peek("mfa:{r}:k"),
    }));
    expect(await got).toEqual({ entry: { value: 2, version: 2 }, committed: "2" });
    expect(await listed).toEqual({ values: [2], committed: "2" });
    expect(await put).toEqual({ ok: true, version: 2 });
    close();
    store.close();
  });

  it("close() and sweep() commit the open group first; its calls resolve as usual", async () => {
    const path = join(dir, "close.db");
    const store = sqliteStore({ path });
    const { peek, close } = peeker(path);
    const first = store.put("mfa:{u}:first", 1);
    const swept = store.sweep();
    // Committed by the time sweep() returned, before any turn of the event loop.
    expect(peek("mfa:{u}:first")).toBe("1");
    const last = store.put("mfa:{u}:last", 2);
    store.close();
    expect(peek("mfa:{u}:last")).toBe("2");
    close();
    expect(await first).toEqual({ ok: true, version: 1 });
    expect(await swept).toBe(0);
    expect(await last).toEqual({ ok: true, version: 1 });
    const reopened = sqliteStore({ path });
    expect(await reopened.get("mfa:{u}:last")).toEqual({ value: 2, version: 1 });
    reopened.close();
  });
});
