/**
 * The single-use kit on sqlite: many parallel uses of one secret, and exactly one succeeds
 * (LIFE-03, REL-01).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sqliteStore } from "@mfakit/sqlite";
import { testSingleUse } from "@mfakit/testing";

const dir = mkdtempSync(join(tmpdir(), "mfakit-single-"));
let store: ReturnType<typeof sqliteStore> | undefined;

testSingleUse({
  name: "sqlite file (WAL)",
  store: (clock) => {
    store = sqliteStore({ path: join(dir, "single-use.db"), clock });
    return store;
  },
  cleanup: () => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  },
});
