/**
 * @mfakit/sqlite: the embedded default Store for mfakit, one SQLite file on better-sqlite3.
 *
 * @packageDocumentation
 */

// Schema
export { migrations, SCHEMA_VERSION } from "./schema.js";
// Stores
export { type SqliteStore, type SqliteStoreOptions, sqliteStore } from "./sqlite-store.js";
