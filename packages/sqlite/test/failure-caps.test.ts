/**
 * The failure-cap kit on SQLite (a WAL file, as in production): 200 parallel wrong guesses at
 * every factor's check never get past the caps, and a disabled factor refuses the right code
 * (RATE-01, RATE-02, RATE-08, REL-02).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sqliteStore } from "@mfakit/sqlite";
import { testFailureCaps } from "@mfakit/testing";

const dir = mkdtempSync(join(tmpdir(), "mfakit-caps-"));
let store: ReturnType<typeof sqliteStore> | undefined;

testFailureCaps({
  name: "sqlite file (WAL)",
  store: (clock) => {
    store = sqliteStore({ path: join(dir, "caps.db"), clock });
    return store;
  },
  cleanup: () => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  },
});
