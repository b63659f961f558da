/**
 * @mfakit/postgres: a Store for mfakit in PostgreSQL, for many app instances over one database.
 *
 * @packageDocumentation
 */

// Schema
export { migrations, type PgClientLike, SCHEMA_VERSION } from "./migrations.js";
// Stores
export {
  type PgPoolLike,
  type PostgresStore,
  type PostgresStoreOptions,
  postgresStore,
} from "./postgres-store.js";
