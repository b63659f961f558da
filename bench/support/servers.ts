/**
 * The servers and drivers the store benchmarks share: a PostgreSQL and a Redis to run against
 * (the test servers named by TEST_PG_URL / TEST_REDIS_URL, or throwaway ones started here), and
 * the `pg` and `ioredis` drivers, which are dependencies of their adapter packages rather than
 * of the workspace root and so are loaded from there.
 *
 * A server that cannot be found or started is reported and answered with `null`: a benchmark
 * skips that store, it never fails the run.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type * as Pg from "../../packages/postgres/node_modules/@types/pg/index.d.ts";
import { type PgServer, startPostgres } from "../../packages/postgres/test/pg-server.ts";
import type * as IORedis from "../../packages/redis/node_modules/ioredis";

const exec = promisify(execFile);

/** The `pg` driver @mfakit/postgres ships with. */
export const pg = createRequire(new URL("../../packages/postgres/package.json", import.meta.url))(
  "pg",
) as typeof Pg;

/** The `ioredis` client class @mfakit/redis ships with. */
export const { Redis } = createRequire(
  new URL("../../packages/redis/package.json", import.meta.url),
)("ioredis") as typeof IORedis;
/** An ioredis client. */
export type Redis = IORedis.Redis;

/** A server to run against; `close` stops it if this module started it. */
export interface BenchServer {
  readonly url: string;
  close(): Promise<void>;
}

/** A PostgreSQL to use: TEST_PG_URL, or a throwaway cluster (destroyed by `close`). */
export async function postgresServer(): Promise<BenchServer | null> {
  if (process.env.TEST_PG_URL) return { url: process.env.TEST_PG_URL, close: async () => {} };
  let own: PgServer;
  try {
    own = await startPostgres();
  } catch (error) {
    console.log(`     skipped: no TEST_PG_URL and no PostgreSQL could be started (${error})`);
    return null;
  }
  return { url: own.url, close: () => own.destroy() };
}

/** A Redis to use: TEST_REDIS_URL, or a throwaway server of our own (stopped by `close`). */
export async function redisServer(): Promise<BenchServer | null> {
  if (process.env.TEST_REDIS_URL) {
    return { url: process.env.TEST_REDIS_URL, close: async () => undefined };
  }
  const port = await new Promise<number>((resolve, reject) => {
    const s = createServer().once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), "mfakit-bench-redis-"));
  try {
    await exec("redis-server", [
      ...["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      ...["--daemonize", "yes", "--dir", dir, "--pidfile", join(dir, "redis.pid")],
      ...["--logfile", join(dir, "redis.log")],
    ]);
  } catch (error) {
    console.log(
      `     skipped: no TEST_REDIS_URL and redis-server did not start (${String(error)})`,
    );
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async close() {
      await exec("redis-cli", ["-p", String(port), "shutdown", "nosave"]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
