/**
 * One SQLite file per side of the peer comparison, opened with the settings under test, and
 * two counters read off it: SQL statements run through the connection, and commits read from
 * the write-ahead log itself.
 *
 * Commits are counted in the WAL file rather than guessed from the code: after a
 * `wal_checkpoint(TRUNCATE)` the log is empty, and every commit appends frames of which the
 * last carries the database size (a non-zero "commit" field in its frame header, see
 * https://www.sqlite.org/fileformat.html#wal_file_format). With `synchronous = FULL` in WAL
 * mode SQLite syncs the log once per commit, so the count is also the number of disk syncs.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import type BetterSqlite3 from "../../packages/sqlite/node_modules/@types/better-sqlite3/index.d.ts";

/** better-sqlite3, from @mfakit/sqlite (it is not a dependency of the workspace root). */
export const Database = createRequire(
  new URL("../../packages/sqlite/package.json", import.meta.url),
)("better-sqlite3") as typeof BetterSqlite3;
/** A better-sqlite3 connection. */
export type Connection = BetterSqlite3.Database;

/** The journal and sync settings of one side. */
export interface SqliteSettings {
  /** `null`: better-sqlite3's default (a rollback journal, `DELETE`). */
  readonly journalMode: "WAL" | null;
  /** `null`: SQLite's default (`FULL`). */
  readonly synchronous: "FULL" | "NORMAL" | null;
}

/** Says the settings the way a table header does: `WAL, NORMAL`. */
export function describeSettings(s: SqliteSettings): string {
  return `${s.journalMode ?? "rollback journal"}, synchronous ${s.synchronous ?? "FULL"}`;
}

/** A connection that counts the statements run through it, and its WAL's commits. */
export interface ProbedDatabase {
  readonly db: Connection;
  /** Statements stepped so far (each `run`, `get`, `all` or `iterate` of a prepared one, and each `exec`). */
  statements(): number;
  /** Empties the WAL (a checkpoint), so that {@link ProbedDatabase.commits} counts from here. */
  resetLog(): void;
  /** Commits in the WAL since the last {@link ProbedDatabase.resetLog}; null without a WAL. */
  commits(): number | null;
}

const STEPPING = ["run", "get", "all", "iterate"] as const;

/** Opens `path` with `settings` and counts what runs through the connection. */
export function openProbed(path: string, settings: SqliteSettings): ProbedDatabase {
  const db = new Database(path, { timeout: 200 });
  if (settings.journalMode) db.pragma(`journal_mode = ${settings.journalMode}`);
  if (settings.synchronous) db.pragma(`synchronous = ${settings.synchronous}`);
  let statements = 0;
  // Both sides prepare through this connection (better-auth through Kysely, ours in the store),
  // so wrapping `prepare` sees every statement either runs.
  const prepare = db.prepare.bind(db);
  const exec = db.exec.bind(db);
  db.prepare = ((source: string) => {
    const statement = prepare(source) as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const method of STEPPING) {
      const original = statement[method];
      if (!original) continue;
      statement[method] = (...args: unknown[]) => {
        statements++;
        return original.apply(statement, args);
      };
    }
    return statement;
  }) as unknown as typeof db.prepare;
  db.exec = ((source: string) => {
    statements++;
    return exec(source);
  }) as typeof db.exec;
  return {
    db,
    statements: () => statements,
    resetLog: () => {
      if (settings.journalMode === "WAL") db.pragma("wal_checkpoint(TRUNCATE)");
    },
    commits: () => (settings.journalMode === "WAL" ? walCommits(`${path}-wal`) : null),
  };
}

/** Counts the commit frames of the WAL at `walPath` that belong to its current generation. */
function walCommits(walPath: string): number {
  let size: number;
  try {
    size = statSync(walPath).size;
  } catch {
    return 0;
  }
  if (size < 32) return 0;
  const fd = openSync(walPath, "r");
  try {
    const header = Buffer.alloc(32);
    readSync(fd, header, 0, 32, 0);
    const pageSize = header.readUInt32BE(8) || 65_536;
    const salt1 = header.readUInt32BE(16);
    const salt2 = header.readUInt32BE(20);
    const frame = Buffer.alloc(24);
    let commits = 0;
    for (let at = 32; at + 24 + pageSize <= size; at += 24 + pageSize) {
      readSync(fd, frame, 0, 24, at);
      // Frames left from an earlier generation carry other salts: the log ends before them.
      if (frame.readUInt32BE(8) !== salt1 || frame.readUInt32BE(12) !== salt2) break;
      if (frame.readUInt32BE(4) !== 0) commits++;
    }
    return commits;
  } finally {
    closeSync(fd);
  }
}
