/**
 * The crash kit on PostgreSQL: the app killed with SIGKILL before each store call and send of
 * the "Contact me" and "Verify" submits (its connections die with it, so the server rolls back
 * whatever they had open), then the user carries on over another connection
 * (REL-01, REL-04, REL-06, APP-01, APP-02).
 */
import { testCrashes } from "@mfakit/testing";
import pg from "pg";
import { sharedOrOwnPostgres } from "./pg-server.js";

const server = sharedOrOwnPostgres();
const tableName = `t_crash_${Math.random().toString(36).slice(2, 8)}`;

testCrashes({
  name: "postgres",
  store: async () => ({ kind: "postgres", url: (await server).url, tableName }),
  cleanup: async () => {
    const { url, release } = await server;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP TABLE IF EXISTS "${tableName}", "${tableName}_migrations"`);
    await client.end();
    await release();
  },
});
