/**
 * @mfakit/postgres under faults, on a throwaway cluster of its own (it is restarted, stopped
 * and has connections killed, so never a shared server): every failure is a typed
 * `store_unavailable`, nothing is ever half-written, and work resumes once the server is back.
 * Then deadlines: a paused server (SIGSTOP), a full pool and a killed server (SIGKILL): every call
 * ends within `timeoutMs`, and a write the caller was told failed never happens later.
 */
import { createKeyring, isMfaError, type MfaError, type Store } from "@mfakit/core";
import { createCodeService } from "@mfakit/core/codes";
import { type PostgresStore, postgresStore } from "@mfakit/postgres";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type PgServer, startPostgres } from "./pg-server.js";

let server: PgServer;
const pools: pg.Pool[] = [];
function newPool(config: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: server.url,
    max: 16,
    connectionTimeoutMillis: 2000,
    ...config,
  });
  pool.on("error", () => undefined); // idle connections dropped by a restart: replaced on demand
  pools.push(pool);
  return pool;
}
let n = 0;
const freshStore = async (pool: pg.Pool): Promise<PostgresStore> => {
  const store = postgresStore({ pool, tableName: `fault_${++n}` });
  await store.migrate();
  return store;
};
/** The error a call rejected with (or a marker if it did not). */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => new Error("expected a rejection"),
    (e: unknown) => e,
  );

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  await server?.destroy();
});

describe("postgres faults (REL-01, REL-04)", () => {
  it("the server restarts mid-run: only store_unavailable, nothing half-written, work resumes, data survives", async () => {
    const pool = newPool();
    const store = await freshStore(pool);
    await store.put("mfa:{u}:pair", { a: 0, b: 0 });
    const untyped: unknown[] = [];
    let typed = 0;
    const increments = { ok: 0, failed: 0 };
    let restartedAt = Number.POSITIVE_INFINITY;
    let okAfterRestart = 0;
    let stop = false;
    const note = (error: unknown) => {
      if (isMfaError(error, "store_unavailable")) typed++;
      else untyped.push(error);
    };

    // 16 workers: increments, and compare-and-set updates that keep a === b in one write.
    const worker = async (i: number) => {
      while (!stop) {
        try {
          if (i % 2 === 0) {
            try {
              await store.increment("mfa:{u}:count");
              increments.ok++;
            } catch (error) {
              increments.failed++;
              throw error;
            }
          } else {
            const pair = await store.get<{ a: number; b: number }>("mfa:{u}:pair");
            if (!pair) throw new Error("pair vanished");
            const next = { a: pair.value.a + 1, b: pair.value.b + 1 };
            await store.put("mfa:{u}:pair", next, { expectVersion: pair.version });
          }
          if (Date.now() > restartedAt) okAfterRestart++;
        } catch (error) {
          note(error);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, i) => worker(i));
    await new Promise((r) => setTimeout(r, 200));
    await server.restart();
    restartedAt = Date.now();
    await new Promise((r) => setTimeout(r, 700));
    stop = true;
    await Promise.all(workers);

    expect(untyped).toEqual([]);
    expect(typed).toBeGreaterThan(0); // the restart was felt
    expect(okAfterRestart).toBeGreaterThan(0); // and work resumed on the same pool
    const pair = await store.get<{ a: number; b: number }>("mfa:{u}:pair");
    expect(pair?.value.a).toBe(pair?.value.b);
    // A failed increment either happened in full or not at all (its reply may have been lost).
    const count = (await store.get<number>("mfa:{u}:count"))?.value ?? 0;
    expect(count).toBeGreaterThanOrEqual(increments.ok);
    expect(count).toBeLessThanOrEqual(increments.ok + increments.failed);

    // Data survives: a new pool after another restart reads what was written.
    await store.put("mfa:{u}:factor", { kind: "totp" });
    await server.restart();
    const again = postgresStore({ pool: newPool(), tableName: `fault_${n}` });
    expect((await again.get("mfa:{u}:factor"))?.value).toEqual({ kind: "totp" });
    expect((await again.get("mfa:{u}:count"))?.value).toBe(count);
  });

  it("pool exhaustion: a pool of 1 with its client held waits connectionTimeoutMillis, then store_unavailable", async () => {
    const pool = newPool({ max: 1, connectionTimeoutMillis: 300 });
    const store = await freshStore(pool);
    const held = await pool.connect();
    const started = Date.now();
    const error = await failure(store.put("mfa:{u}:k", 1));
    const waited = Date.now() - started;
    expect(isMfaError(error, "store_unavailable")).toBe(true);
    expect((error as MfaError).cause).toBeInstanceOf(Error);
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(3000);
    held.release();
    expect(await store.get("mfa:{u}:k")).toBeNull(); // the refused put wrote nothing
    expect((await store.put("mfa:{u}:k", 1)).ok).toBe(true);
  });

  describe("a connection killed in the middle of a compare-and-set", () => {
    let store: PostgresStore;
    let admin: pg.Pool;
    const table = () => `fault_${n}`;
    beforeAll(async () => {
      store = await freshStore(newPool());
      admin = newPool({ max: 3 });
    });
    /** The pid of the backend blocked on a row lock running `UPDATE`/`INSERT` on our table. */
    const blockedBackend = async (): Promise<number> => {
      for (let i = 0; i < 200; i++) {
        const { rows } = await admin.query(
          `SELECT pid FROM pg_stat_activity
           WHERE wait_event_type = 'Lock' AND query LIKE $1`,
          [`%"${table()}"%`],
        );
        if (rows[0]) return rows[0].pid as number;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error("the compare-and-set never blocked");
    };

    it("the CAS's own connection killed while it waits: store_unavailable, the row untouched", async () => {
      const first = await store.put("mfa:{u}:cas", "old");
      if (!first.ok) throw new Error("put failed");
      const locker = await admin.connect();
      await locker.query("BEGIN");
      await locker.query(`SELECT 1 FROM "${table()}" WHERE key = $1 FOR UPDATE`, ["mfa:{u}:cas"]);
      const cas = failure(store.put("mfa:{u}:cas", "new", { expectVersion: first.version }));
      const pid = await blockedBackend();
      await admin.query("SELECT pg_terminate_backend($1)", [pid]);
      const error = await cas;
      await locker.query("ROLLBACK");
      locker.release();
      expect(isMfaError(error, "store_unavailable")).toBe(true);
      expect((error as MfaError).data.code).toBe("57P01"); // admin_shutdown
      expect(await store.get("mfa:{u}:cas")).toEqual({ value: "old", version: first.version });
      // Retrying the same compare-and-set now succeeds: nothing was consumed by the failure.
      expect((await store.put("mfa:{u}:cas", "new", { expectVersion: first.version })).ok).toBe(
        true,
      );
    });

    it("a competing writer killed mid-transaction: its half-write is rolled back, the CAS completes in full", async () => {
      const first = await store.put("mfa:{u}:cas2", "old");
      if (!first.ok) throw new Error("put failed");
      const rogue = new pg.Client({ connectionString: server.url });
      rogue.on("error", () => undefined);
      await rogue.connect();
      await rogue.query("BEGIN");
      await rogue.query(`UPDATE "${table()}" SET value = '"half"' WHERE key = $1`, [
        "mfa:{u}:cas2",
      ]);
      const { rows } = await rogue.query("SELECT pg_backend_pid() AS pid");
      const cas = store.put("mfa:{u}:cas2", "new", { expectVersion: first.version });
      await blockedBackend();
      await admin.query("SELECT pg_terminate_backend($1)", [rows[0].pid]);
      expect(await cas).toEqual({ ok: true, version: first.version + 1 });
      expect(await store.get("mfa:{u}:cas2")).toEqual({ value: "new", version: first.version + 1 });
      await rogue.end().catch(() => undefined);
    });
  });

  it("the server down: calls fail fast with store_unavailable and succeed once it is back", async () => {
    const store = await freshStore(newPool());
    await store.put("mfa:{u}:k", "kept");
    await server.stop();
    const started = Date.now();
    const errors = await Promise.all([
      failure(store.get("mfa:{u}:k")),
      failure(store.take("mfa:{u}:k")),
      failure(store.increment("mfa:{u}:n")),
    ]);
    expect(Date.now() - started).toBeLessThan(2500);
    for (const e of errors) expect(isMfaError(e, "store_unavailable")).toBe(true);
    await server.start();
    expect(await store.take("mfa:{u}:k")).toEqual({ value: "kept", version: 1 });
    expect(await store.increment("mfa:{u}:n")).toBe(1);
  });
});

/** A call's outcome and how long it took (`performance.now()` ms). */
const timed = async <T>(p: Promise<T>) => {
  const started = performance.now();
  const error = await failure(p);
  return { error, ms: performance.now() - started };
};
/** `error` is the port's timeout: store_unavailable with data.code "deadline_exceeded". */
const expectDeadline = (error: unknown) => {
  expect(isMfaError(error, "store_unavailable")).toBe(true);
  expect((error as MfaError).data.code).toBe("deadline_exceeded");
  expect((error as MfaError).cause).toBeInstanceOf(Error);
};
/** Opens `count` connections in `pool` at once, leaving them idle in it. */
const warm = (pool: pg.Pool, count: number) =>
  Promise.all(Array.from({ length: count }, () => pool.query("SELECT pg_sleep(0.05)")));
/** After a resume or a restart: waits until a new connection answers, then a while longer, so
 * statements that were waiting in sockets have certainly run by now. */
async function settle(): Promise<void> {
  const probe = new pg.Client({ connectionString: server.url });
  probe.on("error", () => undefined);
  for (let i = 0; ; i++) {
    const ok = await probe.connect().then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (i > 100) throw new Error("the server did not come back");
    await new Promise((r) => setTimeout(r, 50));
  }
  await probe.query("SELECT 1");
  await probe.end();
  await new Promise((r) => setTimeout(r, 300));
}

/** A store that pauses the server just before the first call `when` picks, then makes it. */
function pausingBefore(store: Store, when: (operation: string, key: string) => boolean): Store {
  let armed = true;
  const gate = async (operation: string, key: string) => {
    if (armed && when(operation, key)) {
      armed = false;
      await server.pause();
    }
  };
  return {
    id: store.id,
    get: (key) => gate("get", key).then(() => store.get(key)),
    put: (key, value, o) => gate("put", key).then(() => store.put(key, value, o)),
    take: (key) => gate("take", key).then(() => store.take(key)),
    increment: (key, o) => gate("increment", key).then(() => store.increment(key, o)),
    delete: (key) => gate("delete", key).then(() => store.delete(key)),
    list: (prefix, o) => gate("list", prefix).then(() => store.list(prefix, o)),
  };
}

describe("deadlines: a paused server (SIGSTOP), a full pool (REL-01, REL-05)", () => {
  const TIMEOUT = 600;
  // Generous for a busy 2-core machine; a call without a deadline would take the whole pause.
  const MARGIN = 400;
  afterEach(() => server.resume()); // never leave it stopped, even when an assertion failed

  it("REL-05: every call to a paused server throws store_unavailable within timeoutMs, and none of the writes happens when it resumes", async () => {
    // pg's default pool: no connectionTimeoutMillis, so only the store's deadline bounds a wait.
    const pool = newPool({ max: 5, connectionTimeoutMillis: 0 });
    const store = postgresStore({ pool, tableName: `fault_${++n}`, timeoutMs: TIMEOUT });
    const cold = postgresStore({
      pool: newPool({ connectionTimeoutMillis: 0 }),
      tableName: `fault_${n}`,
      timeoutMs: TIMEOUT,
      migrate: false,
    });
    const k = (name: string) => `mfa:{paused}:${name}`;
    await store.put(k("cas"), "old");
    await store.put(k("any"), "old");
    await store.put(k("code"), { h: "digest" });
    await store.put(k("del"), "here");
    await store.increment(k("count"));
    await store.increment(k("batched"));
    const before = await Promise.all(
      ["cas", "any", "code", "del", "count", "batched"].map((x) => store.get(k(x))),
    );
    await warm(pool, 5); // five idle connections: five statements reach the paused server

    await server.pause();
    const calls = await Promise.all([
      // Nine calls on five connections: five statements sent, four callers waiting in the pool.
      timed(store.put(k("cas"), "new", { expectVersion: 1 })),
      timed(store.put(k("any"), "new")),
      timed(store.take(k("code"))),
      timed(store.increment(k("count"))),
      timed(store.incrementMany([{ key: k("batched") }, { key: k("fresh") }])),
      timed(store.putAndCount({ key: k("any"), value: "both" }, [{ key: k("batched") }])),
      timed(
        store.putAndCount(
          { key: k("doc"), value: "both" },
          [{ key: k("fresh") }],
          [{ key: k("also"), value: "both" }],
        ),
      ),
      timed(store.delete(k("del"))),
      timed(store.put(k("absent"), "new", { expectVersion: null })),
      timed(store.get(k("cas"))),
      timed(store.list("mfa:{paused}:")),
      // A pool with no idle connection: the new connection waits in the paused server's backlog.
      timed(cold.get(k("cas"))),
      timed(cold.put(k("any"), "cold")),
    ]);
    await new Promise((r) => setTimeout(r, 200)); // well past every deadline
    await server.resume();
    await settle();

    for (const { error, ms } of calls) {
      expectDeadline(error);
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT - 20);
      expect(ms).toBeLessThan(TIMEOUT + MARGIN);
    }
    // Every write above was sent (or about to be) and the server ran the sent ones on resuming:
    // each carried its deadline, so none changed anything.
    const after = await Promise.all(
      ["cas", "any", "code", "del", "count", "batched"].map((x) => store.get(k(x))),
    );
    expect(after).toEqual(before);
    expect(await store.get(k("absent"))).toBeNull();
    expect(await store.get(k("fresh"))).toBeNull();
    expect(await store.get(k("doc"))).toBeNull();
    expect(await store.get(k("also")), "putAndCount's extra put").toBeNull();
    // And the retries succeed, once.
    expect(await store.put(k("cas"), "new", { expectVersion: 1 })).toEqual({
      ok: true,
      version: 2,
    });
    expect(await store.take(k("code"))).toEqual({ value: { h: "digest" }, version: 1 });
    expect(await store.take(k("code"))).toBeNull();
    expect(await store.increment(k("count"))).toBe(2);
    expect(await cold.get(k("any"))).toEqual({ value: "old", version: 1 });
  });

  describe("a one-time code checked while the server is paused (createCodeService)", () => {
    const keyring = createKeyring({ current: "k1", keys: { k1: new Uint8Array(32).fill(9) } });
    const signin = {
      userId: "alice@contoso.example",
      purpose: "signin:sms",
      destination: "+447400123456",
    };
    let store: PostgresStore;
    beforeAll(async () => {
      store = postgresStore({ pool: newPool(), tableName: `fault_${++n}`, timeoutMs: TIMEOUT });
      await store.put("mfa:{u}:warm", 1); // schema made, server clock read, a connection idle
    });
    /** The code service on `store`; with `pausedAt`, the server is paused before that call. */
    const service = (pausedAt?: (operation: string, key: string) => boolean) =>
      createCodeService({ store: pausedAt ? pausingBefore(store, pausedAt) : store, keyring });

    it("REL-01/REL-05: paused before the consume: the check times out, the late consume is a no-op, the retry verifies exactly once", async () => {
      const issued = await service().issue(signin);
      const check = { ...signin, challengeId: issued.challengeId, code: issued.code };
      const paused = service((op, key) => op === "put" && key.includes(":code:"));
      const { error, ms } = await timed(paused.verify(check));
      expectDeadline(error);
      expect(ms).toBeLessThan(TIMEOUT + MARGIN);
      await new Promise((r) => setTimeout(r, 200));
      await server.resume();
      await settle();
      const retry = service();
      expect(await retry.verify(check)).toEqual({ ok: true, challengeId: issued.challengeId });
      expect(await retry.verify(check)).toEqual({ ok: false, reason: "not_found" });
    });

    it("REL-05: paused before the attempt is counted: the late increment is a no-op, no attempt is lost", async () => {
      const codes = service();
      const issued = await codes.issue(signin);
      const ref = { userId: signin.userId, challengeId: issued.challengeId };
      const paused = service((op, key) => op === "increment" && key.includes(":code-attempts:"));
      const { error } = await timed(paused.verify({ ...signin, ...ref, code: issued.code }));
      expectDeadline(error);
      await new Promise((r) => setTimeout(r, 200));
      await server.resume();
      await settle();
      expect((await codes.status(ref))?.attemptsLeft).toBe(codes.options.maxAttempts);
      expect(await codes.verify({ ...signin, ...ref, code: issued.code })).toEqual({
        ok: true,
        challengeId: issued.challengeId,
      });
    });
  });

  describe("a write stuck behind a row lock past its deadline", () => {
    /** A transaction outside the store holding `key`'s row lock, by `statement`. */
    const holdRow = async (table: string, key: string, statement: string) => {
      const tx = new pg.Client({ connectionString: server.url });
      tx.on("error", () => undefined);
      await tx.connect();
      await tx.query("BEGIN");
      await tx.query(`${statement.replace("$t", `"${table}"`)}`, [key]);
      return {
        commit: async () => {
          await tx.query("COMMIT");
          await tx.end();
        },
      };
    };

    it("REL-05: behind a transaction that updates the row: the write re-checks its deadline after the wait and writes nothing", async () => {
      const store = postgresStore({
        pool: newPool(),
        tableName: `fault_${++n}`,
        timeoutMs: TIMEOUT,
      });
      const key = "mfa:{lock}:code";
      await store.put(key, "old");
      const tx = await holdRow(`fault_${n}`, key, "UPDATE $t SET value = value WHERE key = $1");
      const calls = await Promise.all([
        timed(store.put(key, "new")),
        timed(store.put(key, "new", { expectVersion: 1 })),
        timed(store.take(key)),
        timed(store.increment(key)),
        // Its other row is inserted before it waits for the locked one (keys in order), so the
        // late abort must take that insert back too.
        timed(store.incrementMany([{ key }, { key: "mfa:{lock}:a" }])),
        // Its put waits for the locked row, then finds the deadline passed: nothing counted.
        timed(store.putAndCount({ key, value: "new" }, [{ key: "mfa:{lock}:b" }])),
        // Its put is written before its counter waits for the locked row: the late abort must
        // take the put back too (one statement, one commit).
        timed(store.putAndCount({ key: "mfa:{lock}:doc", value: "new" }, [{ key }])),
      ]);
      for (const { error, ms } of calls) {
        expectDeadline(error);
        expect(ms).toBeLessThan(TIMEOUT + MARGIN);
      }
      await new Promise((r) => setTimeout(r, 200));
      await tx.commit();
      await new Promise((r) => setTimeout(r, 200));
      expect(await store.get(key)).toEqual({ value: "old", version: 1 });
      expect(await store.get("mfa:{lock}:a")).toBeNull();
      expect(await store.get("mfa:{lock}:b")).toBeNull();
      expect(await store.get("mfa:{lock}:doc")).toBeNull();
    });

    it("REL-05: behind a transaction that only locks the row (FOR UPDATE): the pool's statement_timeout makes the server cancel the wait", async () => {
      const pool = newPool({ statement_timeout: TIMEOUT });
      const store = postgresStore({ pool, tableName: `fault_${++n}`, timeoutMs: TIMEOUT });
      const key = "mfa:{lock}:code";
      await store.put(key, "old");
      const tx = await holdRow(`fault_${n}`, key, "SELECT 1 FROM $t WHERE key = $1 FOR UPDATE");
      const calls = await Promise.all([
        timed(store.put(key, "new", { expectVersion: 1 })),
        timed(store.take(key)),
        timed(store.delete(key)),
      ]);
      for (const { error } of calls) expect(isMfaError(error, "store_unavailable")).toBe(true);
      await new Promise((r) => setTimeout(r, 300)); // the server has cancelled them by now
      await tx.commit();
      await new Promise((r) => setTimeout(r, 200));
      expect(await store.get(key)).toEqual({ value: "old", version: 1 });
    });
  });

  it("REL-05: pg's default pool (no connectionTimeoutMillis) with its one connection held: store_unavailable within timeoutMs, nothing written", async () => {
    const pool = newPool({ max: 1, connectionTimeoutMillis: 0 });
    const store = postgresStore({ pool, tableName: `fault_${++n}`, timeoutMs: TIMEOUT });
    await store.migrate();
    await store.put("mfa:{u}:warm", 1); // the clock reading is taken: the next put needs one connection
    const held = await pool.connect();
    const { error, ms } = await timed(store.put("mfa:{u}:k", 1));
    expectDeadline(error);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT - 20);
    expect(ms).toBeLessThan(TIMEOUT + MARGIN);
    held.release();
    // The abandoned wait got the connection and gave it straight back: the pool is usable.
    expect(await store.get("mfa:{u}:k")).toBeNull();
    expect((await store.put("mfa:{u}:k", 1)).ok).toBe(true);
    expect(pool.totalCount).toBe(1);
  });
});

describe("a killed server (SIGKILL, crash recovery) (REL-01, REL-05)", () => {
  it("REL-01/REL-05: a killed server (SIGKILL): calls fail within timeoutMs while it is dead; after recovery nothing acknowledged is lost and nothing is taken twice", async () => {
    const TIMEOUT = 800;
    // synchronous_commit=on: an acknowledged commit is in the WAL, which survives a killed
    // server (the throwaway cluster's default, off, trades that away for speed).
    const pool = newPool({ options: "-c synchronous_commit=on" });
    const store = postgresStore({ pool, tableName: `fault_${++n}`, timeoutMs: TIMEOUT });
    const codes = Array.from({ length: 400 }, (_, i) => `mfa:{kill}:code:${i}`);
    for (const key of codes) await store.put(key, key);
    const taken = new Map<string, number>();
    const puts = new Map<string, boolean>();
    const increments: Array<number | null> = [];
    const untyped: unknown[] = [];
    let slowest = 0;
    let stop = false;
    let next = 0;
    const attempt = async <T>(p: Promise<T>): Promise<T | null> => {
      const started = performance.now();
      try {
        return await p;
      } catch (error) {
        if (!isMfaError(error, "store_unavailable")) untyped.push(error);
        await new Promise((r) => setTimeout(r, 20));
        return null;
      } finally {
        slowest = Math.max(slowest, performance.now() - started);
      }
    };
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const key = codes[next++ % codes.length] as string;
        const entry = await attempt(store.take(key));
        if (entry) taken.set(key, (taken.get(key) ?? 0) + 1);
        const item = `mfa:{kill}:item:${w}:${i}`;
        puts.set(
          item,
          (await attempt(store.put(item, { w, i }, { expectVersion: null })))?.ok === true,
        );
        increments.push(await attempt(store.increment("mfa:{kill}:count")));
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    await new Promise((r) => setTimeout(r, 300));
    await server.kill();
    await new Promise((r) => setTimeout(r, 400));
    await server.start();
    await settle();
    stop = true;
    await Promise.all(workers);

    expect(untyped).toEqual([]);
    expect(slowest).toBeLessThan(TIMEOUT + 400);
    expect(increments.filter((v) => v === null).length).toBeGreaterThan(0); // the crash was felt
    // Acknowledged puts survived; an acknowledged take stays taken; no code was taken twice.
    for (const [item, acknowledged] of puts) {
      if (acknowledged)
        expect(await store.get(item)).toEqual({ value: expect.any(Object), version: 1 });
    }
    for (const [key, times] of taken) {
      expect(times).toBe(1);
      expect(await store.get(key)).toBeNull();
    }
    // Retrying every code now: each one is taken at most once in all.
    for (const key of codes) {
      if (await store.take(key)) taken.set(key, (taken.get(key) ?? 0) + 1);
    }
    expect([...taken.values()].every((t) => t === 1)).toBe(true);
    const acknowledged = increments.filter((v): v is number => v !== null);
    const count = (await store.get<number>("mfa:{kill}:count"))?.value ?? 0;
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
    expect(count).toBeGreaterThanOrEqual(Math.max(...acknowledged));
    expect(count).toBeLessThanOrEqual(increments.length);
  });
});
