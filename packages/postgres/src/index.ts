/**
 * @mfakit/postgres: a Store for mfakit in PostgreSQL, for many app instances over one database.
 *
 * @packageDocumentation
 */

// Schema
export { migrations, SCHEMA_VERSION } from "./migrations.js";
// Stores
export {
  type PgClientLike,
  type PgPoolLike,
  type PostgresStore,
  type PostgresStoreOptions,
  postgresStore,
} from "./postgres-store.js";
