/**
 * @mfakit/postgres under faults, on a throwaway cluster of its own (it is restarted, stopped
 * and has connections killed, so never a shared server): every failure is a typed
 * `store_unavailable`, nothing is ever half-written, and work resumes once the server is back.
 */
import { isMfaError, type MfaError } from "@mfakit/core/adapter";
import { type PostgresStore, postgresStore } from "@mfakit/postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
