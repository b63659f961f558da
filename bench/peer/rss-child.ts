/**
 * Run by the peer benchmark in a process of its own: enrols `users` users on one side
 * (`mfakit`: the seed enrolment; `peer`: sign-up and its TOTP enrolment) on a new SQLite file
 * (WAL, synchronous NORMAL), collects garbage, and prints the resident set size and the live
 * heap in bytes.
 *
 *   node --expose-gc --conditions=source --import tsx bench/peer/rss-child.ts mfakit 1000
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [which, count] = process.argv.slice(2);
const users = Number(count);
const dir = mkdtempSync(join(tmpdir(), "mfakit-bench-rss-"));
try {
  const settings = { journalMode: "WAL", synchronous: "NORMAL" } as const;
  const path = join(dir, "rss.db");
  // Only the side measured is loaded: a process that imported both would carry the other
  // side's code (better-auth and its dependencies, or mfakit) in its RSS too.
  const side =
    which === "peer"
      ? await (await import("./peer-side.ts")).peerSide(path, settings)
      : (await import("./mfakit-side.ts")).mfakitSide(path, settings);
  const enrol = side.operations.enrolment;
  if (!enrol) throw new Error(`${which} has no enrolment`);
  for (let i = 0; i < users; i++) await (await enrol())();
  (globalThis as { gc?: () => void }).gc?.();
  // RSS, and the live JavaScript heap: after a collection, what the users' state still holds;
  // RSS also keeps the heap V8 grew to for the garbage the run made and has not given back.
  const { rss, heapUsed } = process.memoryUsage();
  console.log(JSON.stringify({ rss, heapUsed }));
  await side.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
