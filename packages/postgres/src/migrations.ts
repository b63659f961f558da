/**
 * The PostgreSQL schema and its versioned migrations.
 *
 * Applied steps are recorded in `<table>_migrations`. A migration runs in one transaction that
 * first takes a transaction-scoped advisory lock, so any number of app instances starting at
 * once (or running `migrate()` from a deploy job) apply each step exactly once: the others wait
 * for the lock, then find nothing left to do. DDL is transactional in PostgreSQL, so a failed
 * step leaves the schema as it was.
 *
 * @module
 */

import { MfaError } from "@mfakit/core/adapter";

/** Runs one statement on the migration's connection. */
export type MigrationQuery = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>;

/**
 * The schema steps, in order; step `i` takes the schema from version `i` to `i + 1`. Released
 * steps never change: a new schema is a new step.
 */
export const migrations: ReadonlyArray<{ readonly name: string; sql(table: string): string }> = [
  {
    name: "entries table",
    // key COLLATE "C": byte order, so the primary-key B-tree serves the prefix range of `list`
    // (`key >= $1 AND key < $2`) and ORDER BY key, whatever the database's locale.
    // value text, not jsonb: jsonb reorders object keys, drops duplicate keys and refuses
    // "\u0000"; text keeps exactly what JSON.stringify wrote and costs no parsing.
    // fillfactor 80 leaves room in each page for HOT updates of counters.
    sql: (t) =>
      `CREATE TABLE "${t}" (
         key text COLLATE "C" PRIMARY KEY,
         value text NOT NULL,
         version bigint NOT NULL,
         expires_at timestamptz
       ) WITH (fillfactor = 80)`,
  },
  {
    name: "expiry index for sweeping",
    sql: (t) =>
      `CREATE INDEX "${t}_expires_at" ON "${t}" (expires_at) WHERE expires_at IS NOT NULL`,
  },
];

/** The schema version this package writes. */
export const SCHEMA_VERSION = migrations.length;

// pg_advisory_xact_lock(int, int): a fixed class ("mfak") and the table's hash, so stores on
// different tables do not wait for each other.
const LOCK_CLASS = 0x6d66616b;

/**
 * Brings `table` up to {@link SCHEMA_VERSION}, each statement through `query` (all on one
 * connection, as they form one transaction); resolves to the version found
 * before. Rejects with `config_invalid` if the database was migrated by a newer release.
 */
export async function migrateTable(query: MigrationQuery, table: string): Promise<number> {
  await query("BEGIN");
  try {
    await query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))", [LOCK_CLASS, table]);
    await query(
      `CREATE TABLE IF NOT EXISTS "${table}_migrations" (
         version int PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await query(
      `SELECT coalesce(max(version), 0)::int AS v FROM "${table}_migrations"`,
    );
    const found = (rows[0] as { v: number }).v;
    if (found > SCHEMA_VERSION) {
      throw new MfaError("config_invalid", {
        message: "The PostgreSQL store's schema is newer than this version of @mfakit/postgres.",
        data: { table, schemaVersion: found, supported: SCHEMA_VERSION },
      });
    }
    for (const [i, step] of migrations.entries()) {
      if (i < found) continue;
      await query(step.sql(table));
      await query(`INSERT INTO "${table}_migrations" (version, name) VALUES ($1, $2)`, [
        i + 1,
        step.name,
      ]);
    }
    await query("COMMIT");
    return found;
  } catch (error) {
    await query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
