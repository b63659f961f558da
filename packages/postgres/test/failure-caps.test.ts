/**
 * The failure-cap kit on PostgreSQL over a pool of 16: the parallel guesses reach the server on
 * many connections at once, and still none gets past a cap (RATE-01, RATE-02, RATE-08, REL-02).
 */
import { postgresStore } from "@mfakit/postgres";
import { testFailureCaps } from "@mfakit/testing";
import pg from "pg";
import { sharedOrOwnPostgres } from "./pg-server.js";

const server = sharedOrOwnPostgres();
let pool: pg.Pool | undefined;

testFailureCaps({
  name: "postgres (pool of 16)",
  store: async (clock) => {
    pool = new pg.Pool({ connectionString: (await server).url, max: 16 });
    pool.on("error", () => undefined); // an idle connection dropped: the pool replaces it
    const tableName = `t_caps_${Math.random().toString(36).slice(2, 8)}`;
    return postgresStore({ pool, tableName, clock });
  },
  cleanup: async () => {
    await pool?.end();
    await (await server).release();
  },
});
