/**
 * The crash kit on SQLite (a WAL file, as in production): the app killed with SIGKILL before
 * each store call and send of the "Contact me" and "Verify" submits, then the user carries on
 * from another process's connection (REL-01, REL-04, REL-06, APP-01, APP-02).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testCrashes } from "@mfakit/testing";

const dir = mkdtempSync(join(tmpdir(), "mfakit-crash-sqlite-"));

testCrashes({
  name: "sqlite file (WAL)",
  store: () => ({ kind: "sqlite", path: join(dir, "crash.db") }),
  cleanup: () => rmSync(dir, { recursive: true, force: true }),
});
