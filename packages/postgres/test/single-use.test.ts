/**
 * The single-use kit on postgres: many parallel uses of one secret, and exactly one succeeds
 * (LIFE-03, REL-01).
 */
import { postgresStore } from "@mfakit/postgres";
import { testSingleUse } from "@mfakit/testing";
import pg from "pg";
import { sharedOrOwnPostgres } from "./pg-server.js";

const server = sharedOrOwnPostgres();
let pool: pg.Pool | undefined;

testSingleUse({
  name: "postgres (pool of 16)",
  store: async (clock) => {
    pool = new pg.Pool({ connectionString: (await server).url, max: 16 });
    pool.on("error", () => undefined); // an idle connection dropped: the pool replaces it
    const tableName = `t_single_${Math.random().toString(36).slice(2, 8)}`;
    return postgresStore({ pool, tableName, clock });
  },
  cleanup: async () => {
    await pool?.end();
    await (await server).release();
  },
});
