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
  // Settled, the same on both sides: a collection, half a second idle (V8 unmaps the pages it
  // freed on its background threads a little after a collection), again. Read right after a
  // single collection, RSS still held about 100 MB of freed heap on our side and 25 MB on the
  // peer's (300 vs 200 MB after 1 k users; settled, 196 vs 170 MB).
  const gc = (globalThis as { gc?: () => void }).gc;
  const idle = () => new Promise((resolve) => setTimeout(resolve, 500));
  gc?.();
  await idle();
  gc?.();
  await idle();
  // RSS, and the live JavaScript heap: what the users' state and the loaded code still hold.
  const { rss, heapUsed } = process.memoryUsage();
  console.log(JSON.stringify({ rss, heapUsed }));
  await side.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
